//! Money and concentrations are exact in this crate: no binary floating point type may appear in its
//! sources or tests. This test reads every `.rs` file under `src/` and `tests/` and fails on the tokens.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is how a test fails.

use std::fs;
use std::path::{Path, PathBuf};

/// The forbidden tokens, assembled so that this file does not contain them itself.
fn forbidden_tokens() -> [String; 2] {
    [format!("f{}", 32), format!("f{}", 64)]
}

fn rust_files(directory: &Path, found: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(directory).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|extension| extension == "rs") {
            found.push(path);
        }
    }
}

#[test]
fn no_source_or_test_file_of_this_crate_mentions_a_binary_float_type() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    rust_files(&root.join("tests"), &mut files);
    assert!(files.len() > 10, "the scan found too few files: {files:?}");
    let mut offenders = Vec::new();
    for file in &files {
        let text = fs::read_to_string(file).unwrap();
        for (number, line) in text.lines().enumerate() {
            if forbidden_tokens()
                .iter()
                .any(|token| line.contains(token.as_str()))
            {
                offenders.push(format!(
                    "{}:{}: {}",
                    file.display(),
                    number + 1,
                    line.trim()
                ));
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "binary float types found:\n{}",
        offenders.join("\n")
    );
}

#[test]
fn the_manifest_enables_no_float_feature_of_rust_decimal() {
    let manifest =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml")).unwrap();
    assert!(
        !manifest.contains("float"),
        "crates/domain/Cargo.toml mentions a float feature"
    );
}
