//! The layering rules of STYLE.md as tests over the source text, in the manner of
//! `no_binary_floats.rs`: pure crates name no framework, file system, network or clock; the
//! store does not reach into the HTTP layer; no two files import each other. Each rule has a
//! self-test on a made-up file, so a scanner that reads nothing cannot pass.

#![allow(clippy::unwrap_used, clippy::expect_used)]

// The scanner lives beside this file; a crate root looks for `mod x;` next to itself.
#[path = "architecture/modules.rs"]
mod modules;
#[path = "architecture/source.rs"]
mod source;

use std::path::Path;

use modules::{CrateModules, SourceFile};
use source::{scan, Scanned};

/// Crates a pure crate must neither name nor depend on. Identifiers are compared exactly and
/// by prefix (`actix_web`, `diesel_migrations`, `utoipa_swagger_ui`, `tokio_util`).
const FORBIDDEN_CRATES: [&str; 6] = ["diesel", "actix", "utoipa", "tokio", "reqwest", "ureq"];

/// Paths that reach the file system or the network.
const FORBIDDEN_IO: [&str; 3] = ["std::fs", "std::net", "core::net"];

/// Types whose `now` (or `now_utc`, ...) reads the clock.
const CLOCKS: [&str; 4] = ["Utc", "Local", "SystemTime", "Instant"];

/// At least this many files must be read, so that a wrong path cannot pass the tests by
/// scanning nothing (there are about 60 pure and 90 root source files).
const PURE_FILES_MIN: usize = 40;
const ROOT_FILES_MIN: usize = 60;

fn repository() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Every `.rs` file below `folder` (relative to the repository), sorted.
fn read_tree(folder: &str) -> Vec<SourceFile> {
    fn walk(path: &Path, out: &mut Vec<SourceFile>) {
        let mut entries: Vec<_> = std::fs::read_dir(path)
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .collect();
        entries.sort();
        for entry in entries {
            if entry.is_dir() {
                walk(&entry, out);
            } else if entry.extension().is_some_and(|extension| extension == "rs") {
                let relative = entry
                    .strip_prefix(repository())
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                let text = std::fs::read_to_string(&entry).unwrap();
                out.push(SourceFile { relative, text });
            }
        }
    }
    let mut files = Vec::new();
    let path = repository().join(folder);
    if path.is_dir() {
        walk(&path, &mut files);
    }
    files
}

/// `crates/<name>` for every crate with a `src` folder: pure crates are found, not listed, so a
/// new one is covered the day it appears.
fn pure_crates() -> Vec<String> {
    let mut crates: Vec<String> = std::fs::read_dir(repository().join("crates"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.join("src").is_dir())
        .map(|path| format!("crates/{}", path.file_name().unwrap().to_string_lossy()))
        .collect();
    crates.sort();
    crates
}

fn is_forbidden_crate(identifier: &str) -> bool {
    FORBIDDEN_CRATES.iter().any(|name| {
        identifier == *name
            || identifier
                .strip_prefix(name)
                .is_some_and(|rest| rest.starts_with('_'))
    })
}

/// What a pure-crate file does wrong. `whole_file_is_test` is true for `crates/*/tests`: test
/// code may read its fixture files (known-answer vectors, hostile inputs) with `std::fs`, since
/// that is how the test gets its input, not how the crate gets its; it still may not name a
/// framework or read the clock, because the code under test never may.
fn purity_violations(relative: &str, scanned: &Scanned, whole_file_is_test: bool) -> Vec<String> {
    let mut found = Vec::new();
    for (identifier, line, _) in &scanned.identifiers {
        if is_forbidden_crate(identifier) {
            found.push(format!("{relative}:{line}: names `{identifier}`"));
        }
    }
    for reference in &scanned.references {
        let path = reference.segments.join("::");
        let line = reference.line;
        let in_test = whole_file_is_test || reference.in_test;
        for io in FORBIDDEN_IO {
            let names_io = path == io || path.starts_with(&format!("{io}::"));
            if names_io && !in_test {
                found.push(format!("{relative}:{line}: uses `{path}`"));
            }
        }
        for pair in reference.segments.windows(2) {
            if CLOCKS.contains(&pair[0].as_str()) && pair[1].starts_with("now") {
                found.push(format!("{relative}:{line}: reads the clock (`{path}`)"));
            }
        }
    }
    found.sort();
    found.dedup();
    found
}

/// Forbidden crates in any dependency table of a manifest (`[dependencies]`,
/// `[dev-dependencies]`, `[build-dependencies]`, target-specific ones, `[dependencies.x]`).
fn manifest_violations(relative: &str, text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut in_dependencies = false;
    for (number, line) in text.lines().enumerate() {
        let line = line.split('#').next().unwrap_or_default().trim();
        if let Some(header) = line.strip_prefix('[') {
            let header = header.trim_end_matches(']');
            let table = header.rsplit('.').next().unwrap_or_default();
            in_dependencies = header.ends_with("dependencies");
            let dotted = header.split('.').collect::<Vec<_>>();
            if let [.., section, name] = dotted.as_slice() {
                if section.ends_with("dependencies") && is_forbidden_crate(&name.replace('-', "_"))
                {
                    found.push(format!("{relative}:{}: depends on `{table}`", number + 1));
                }
            }
            continue;
        }
        if in_dependencies {
            let name = line.split(['=', '.']).next().unwrap_or_default().trim();
            if !name.is_empty() && is_forbidden_crate(&name.replace('-', "_")) {
                found.push(format!("{relative}:{}: depends on `{name}`", number + 1));
            }
        }
    }
    found
}

/// Files under `src/store` that resolve a path into `crate::api`.
fn store_to_api_violations(modules: &CrateModules) -> Vec<String> {
    let mut found = Vec::new();
    for file in &modules.files {
        if file.module.first().is_none_or(|first| first != "store") {
            continue;
        }
        for (reference, absolute) in modules.resolved(file) {
            if absolute.first().is_some_and(|first| first == "api") {
                found.push(format!(
                    "{}:{}: names `{}`",
                    file.relative,
                    reference.line,
                    reference.segments.join("::")
                ));
            }
        }
    }
    found.sort();
    found.dedup();
    found
}

fn root_crate() -> CrateModules {
    CrateModules::new("src", read_tree("src"))
}

fn made_up(files: &[(&str, &str)]) -> Vec<SourceFile> {
    files
        .iter()
        .map(|(relative, text)| SourceFile {
            relative: (*relative).to_owned(),
            text: (*text).to_owned(),
        })
        .collect()
}

#[test]
fn pure_crates_import_no_framework_io_or_clock() {
    let mut found = Vec::new();
    let mut scanned_files = 0;
    for krate in pure_crates() {
        for folder in ["src", "tests", "benches", "examples"] {
            for file in read_tree(&format!("{krate}/{folder}")) {
                scanned_files += 1;
                let whole_file_is_test = folder != "src";
                found.extend(purity_violations(
                    &file.relative,
                    &scan(&file.text),
                    whole_file_is_test,
                ));
            }
        }
    }
    assert!(
        scanned_files >= PURE_FILES_MIN,
        "only {scanned_files} pure-crate files were read"
    );
    assert!(
        found.is_empty(),
        "pure crates must take I/O and time as arguments:\n{}",
        found.join("\n")
    );
}

#[test]
fn pure_crate_manifests_depend_on_no_framework() {
    let crates = pure_crates();
    assert!(crates.len() >= 3, "pure crates found: {crates:?}");
    let mut found = Vec::new();
    for krate in crates {
        let relative = format!("{krate}/Cargo.toml");
        let text = std::fs::read_to_string(repository().join(&relative)).unwrap();
        found.extend(manifest_violations(&relative, &text));
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[test]
fn the_store_does_not_depend_on_the_http_layer() {
    let modules = root_crate();
    let store_files = modules
        .files
        .iter()
        .filter(|file| file.module.first().is_some_and(|first| first == "store"))
        .count();
    assert!(
        store_files >= 10,
        "only {store_files} store files were read"
    );
    let found = store_to_api_violations(&modules);
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[test]
fn no_two_source_files_import_each_other() {
    let mut found = Vec::new();
    let root = root_crate();
    assert!(
        root.files.len() >= ROOT_FILES_MIN,
        "only {} root-crate files were read",
        root.files.len()
    );
    assert!(
        root.edges().len() >= ROOT_FILES_MIN,
        "only {} references between files were resolved",
        root.edges().len()
    );
    found.extend(root.mutual_pairs());
    for krate in pure_crates() {
        let source_root = format!("{krate}/src");
        let modules = CrateModules::new(&source_root, read_tree(&source_root));
        found.extend(modules.mutual_pairs());
    }
    assert!(
        found.is_empty(),
        "files that import each other (move what both need into a third module):\n{}",
        found.join("\n")
    );
}

#[test]
fn the_purity_scan_finds_framework_file_network_and_clock_use() {
    let text = "use diesel::prelude::*;\n\
                use std::{fs, io};\n\
                fn at() -> i64 { chrono::Utc::now().timestamp() }\n\
                fn listen() { let _ = std::net::TcpListener::bind(\"x\"); }\n\
                fn wait() { let _ = Instant::now(); let _ = actix_web::web::Data::new(1); }\n";
    let found = purity_violations("crates/made_up/src/lib.rs", &scan(text), false);
    let expected = [
        "lib.rs:1: names `diesel`",
        "lib.rs:2: uses `std::fs`",
        "lib.rs:3: reads the clock (`chrono::Utc::now`)",
        "lib.rs:4: uses `std::net::TcpListener::bind`",
        "lib.rs:5: reads the clock (`Instant::now`)",
        "lib.rs:5: names `actix_web`",
    ];
    for wanted in expected {
        assert!(
            found
                .iter()
                .any(|violation| violation.ends_with(wanted) || violation.contains(wanted)),
            "{wanted:?} not in {found:#?}"
        );
    }
}

#[test]
fn the_purity_scan_lets_test_code_read_files_but_not_the_clock() {
    let text = "//! Mentions diesel and std::fs in prose only.\n\
                const NOTE: &str = \"use diesel; std::fs::read\";\n\
                #[cfg(test)]\n\
                mod tests {\n\
                    use std::fs;\n\
                    fn fixture() { let _ = std::fs::read(\"x\"); }\n\
                    fn late() { let _ = SystemTime::now(); }\n\
                }\n\
                fn after() { let _ = std::fs::read(\"y\"); }\n";
    let found = purity_violations("crates/made_up/src/lib.rs", &scan(text), false);
    assert_eq!(
        found,
        [
            "crates/made_up/src/lib.rs:7: reads the clock (`SystemTime::now`)",
            "crates/made_up/src/lib.rs:9: uses `std::fs::read`",
        ],
    );
}

#[test]
fn the_manifest_scan_finds_a_framework_dependency() {
    let text = "[package]\nname = \"made-up\"\n\n[dependencies]\nserde.workspace = true\n\
                actix-web = \"4\"\ntokio = { version = \"1\" }\n\n[dependencies.diesel]\nversion = \"2\"\n";
    assert_eq!(
        manifest_violations("crates/made_up/Cargo.toml", text),
        [
            "crates/made_up/Cargo.toml:6: depends on `actix-web`",
            "crates/made_up/Cargo.toml:7: depends on `tokio`",
            "crates/made_up/Cargo.toml:9: depends on `diesel`",
        ]
    );
}

#[test]
fn the_store_scan_finds_an_import_from_the_api() {
    let modules = CrateModules::new(
        "src",
        made_up(&[
            ("src/lib.rs", "pub mod api; pub mod store;"),
            ("src/api/mod.rs", "pub mod problem;"),
            ("src/api/problem.rs", "pub struct ApiError;"),
            ("src/store/mod.rs", "pub mod readings;"),
            (
                "src/store/readings.rs",
                "use crate::store::StoreError;\nuse super::super::api::problem::ApiError;\n\
                 fn f() -> crate::api::problem::ApiError { todo!() }\n",
            ),
        ]),
    );
    assert_eq!(
        store_to_api_violations(&modules),
        [
            "src/store/readings.rs:2: names `super::super::api::problem::ApiError`",
            "src/store/readings.rs:3: names `crate::api::problem::ApiError`",
        ]
    );
}

#[test]
fn the_cycle_scan_finds_siblings_that_import_each_other_and_allows_parent_and_child() {
    let modules = CrateModules::new(
        "src",
        made_up(&[
            ("src/lib.rs", "pub mod store;\npub use store::Pool;"),
            (
                "src/store/mod.rs",
                "pub mod agreements;\npub mod queries;\npub mod rows;\n\
                 pub use rows::Row;\npub struct Pool;",
            ),
            (
                "src/store/agreements.rs",
                "use super::Pool;\n\npub use super::queries::get;\npub struct Version;",
            ),
            (
                "src/store/queries.rs",
                "use crate::store::{self, agreements::{self, Version}};\n\
                 pub fn get() {}\nfn row() -> store::Row { todo!() }",
            ),
            (
                "src/store/rows.rs",
                "pub struct Row;\n#[cfg(test)]\nmod tests { use super::super::Pool; }",
            ),
        ]),
    );
    assert_eq!(
        modules.mutual_pairs(),
        ["src/store/agreements.rs:3 <-> src/store/queries.rs:1"]
    );
    // `store::Row` is followed through the re-export in `store/mod.rs` to `rows.rs`.
    let queries = modules
        .files
        .iter()
        .position(|file| file.relative == "src/store/queries.rs")
        .unwrap();
    let rows = modules
        .files
        .iter()
        .position(|file| file.relative == "src/store/rows.rs")
        .unwrap();
    assert!(modules.edges().contains_key(&(queries, rows)));
}
