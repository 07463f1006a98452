//! No binary floating point on the path from a reading to a settlement: the only `f64` in this
//! crate's sources is the Prometheus latency histogram (seconds of wall time, not money or a
//! concentration). The pure domain crate has its own, stricter scan.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is how a test fails.

use std::path::Path;

/// Files allowed to mention a float type, and why.
const ALLOWED: [&str; 1] = [
    // prometheus::Histogram::observe takes seconds as f64.
    "src/api/metrics.rs",
];

fn scan(folder: &Path, found: &mut Vec<String>) {
    for entry in std::fs::read_dir(folder).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            scan(&path, found);
        } else if path.extension().is_some_and(|extension| extension == "rs") {
            let relative = path
                .strip_prefix(env!("CARGO_MANIFEST_DIR"))
                .unwrap()
                .to_string_lossy()
                .into_owned();
            if ALLOWED.contains(&relative.as_str()) {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for (number, line) in text.lines().enumerate() {
                let code = line.split("//").next().unwrap_or_default();
                if code
                    .split(|character: char| !character.is_alphanumeric() && character != '_')
                    .any(|token| token == "f64" || token == "f32")
                {
                    found.push(format!("{relative}:{}: {}", number + 1, line.trim()));
                }
            }
        }
    }
}

#[test]
fn no_float_type_appears_on_the_reading_to_settlement_path() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut found = Vec::new();
    for folder in [
        "src",
        "crates/audit/src",
        "crates/cnemc/src",
        "crates/hj212/src",
    ] {
        scan(&root.join(folder), &mut found);
    }
    assert!(
        found.is_empty(),
        "binary floating point found:\n{}",
        found.join("\n")
    );
    let metrics = std::fs::read_to_string(root.join(ALLOWED[0])).unwrap();
    assert!(
        metrics.contains("as_secs_f64"),
        "the allowance is still needed"
    );
}
