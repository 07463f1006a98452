//! The ledger core is the one place log entries are typed and settlement inputs are gathered:
//! every entry of a real log decodes into its kind, no code builds or reads a body by hand, and
//! one altered reading row is named alike by the issuing path, `verify` and the verification
//! endpoint.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use std::collections::BTreeSet;
use std::path::Path;

use basin_ledger::demo;
use basin_ledger::ledger_key::{LedgerKey, LOG_ORIGIN_DEFAULT};
use basin_ledger::store;
use basin_ledger_core::entry::{Entry, TypedEntry, LEAF_BYTES_MAX};
use common::agreements::good_values;
use common::{spawn_app, TestDatabase};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use serde_json::json;

#[test]
fn every_entry_of_the_demo_log_decodes_into_its_typed_kind() {
    let database = TestDatabase::new();
    let pool = database.pool();
    let mut connection = pool.get().unwrap();
    let key = LedgerKey::generate(LOG_ORIGIN_DEFAULT).unwrap();
    demo::setup(&mut connection, &key, chrono::Utc::now()).unwrap();
    let size = store::export::log_size(&mut connection).unwrap();
    assert!(size > 40, "the demo log has {size} entries");
    let mut kinds = BTreeSet::new();
    let mut readings_in_batches = 0_i64;
    for (index, leaf, _) in store::export::entries(&mut connection, 0, size).unwrap() {
        assert!(
            leaf.len() <= LEAF_BYTES_MAX,
            "entry {index} is {} bytes",
            leaf.len()
        );
        let typed = TypedEntry::from_leaf(leaf.as_bytes())
            .unwrap_or_else(|error| panic!("entry {index}: {error}"));
        assert_eq!(typed.index, u64::try_from(index).unwrap());
        // Encoding the typed entry again gives the stored leaf byte for byte.
        let again = typed
            .entry
            .leaf_bytes(typed.index, &typed.time, typed.prev)
            .unwrap();
        assert_eq!(again, leaf.as_bytes(), "entry {index} does not round-trip");
        if let Entry::ReadingsBatch(batch) = &typed.entry {
            readings_in_batches += i64::from(batch.readings);
        }
        kinds.insert(typed.entry.kind());
    }
    for kind in [
        "jurisdiction.created",
        "basin.created",
        "section.created",
        "station.created",
        "agreement.version",
        "readings.batch",
        "settlement.issued",
    ] {
        assert!(
            kinds.contains(kind),
            "the demo log has no {kind} entry: {kinds:?}"
        );
    }
    // The batches' id ranges cover every stored reading exactly once.
    assert_eq!(
        readings_in_batches,
        i64::try_from(store::export::readings(&mut connection).unwrap().len()).unwrap()
    );
}

/// Source files that are not tests.
fn sources(root: &Path, found: &mut Vec<(String, String)>) {
    for entry in std::fs::read_dir(root).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, found);
        } else if path.extension().is_some_and(|extension| extension == "rs")
            && !path.ends_with("tests.rs")
        {
            found.push((
                path.display().to_string(),
                std::fs::read_to_string(&path).unwrap(),
            ));
        }
    }
}

#[test]
fn no_code_builds_a_log_body_with_json_or_reads_one_by_field_name() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    sources(&root.join("src"), &mut files);
    for crate_folder in std::fs::read_dir(root.join("crates")).unwrap() {
        sources(&crate_folder.unwrap().path().join("src"), &mut files);
    }
    assert!(files.len() > 150, "only {} files scanned", files.len());
    let mut offences = Vec::new();
    for (path, text) in &files {
        for (number, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or_default();
            let reads_body = ["body[\"", "[\"body\"]", "[\"kind\"] ==", "kind == \""]
                .iter()
                .any(|pattern| code.contains(pattern));
            let builds_in_store = path.contains("src/store/") && code.contains("json!");
            if reads_body || builds_in_store {
                offences.push(format!("{path}:{}: {}", number + 1, line.trim()));
            }
        }
    }
    assert!(
        offences.is_empty(),
        "log bodies by hand:\n{}",
        offences.join("\n")
    );
}

#[actix_web::test]
async fn one_altered_reading_is_named_by_the_issuing_path_verify_and_the_verification_endpoint() {
    let app = spawn_app().await;
    app.register_test_agreement().await;
    let ids = app.post_month("2025-07", good_values()).await;
    let settlement = app.issue_period("miyun-test", "2025-07").await;
    let settlement_id = settlement["id"].as_str().unwrap().to_owned();
    let altered = ids[1];
    // Still a valid reading, just not the one the station sent: only the evidence can tell.
    app.pool
        .get()
        .unwrap()
        .batch_execute(&format!(
            "UPDATE readings SET reading_values = '{{\"codmn\":\"1.9\",\"nh3n\":\"0.12\",\"tn\":\"1.00\",\"tp\":\"0.015\"}}' WHERE id = {altered}"
        ))
        .unwrap();
    let named = format!("reading {altered}");

    let token = app.admin_token.clone();
    let issuing = app
        .post(
            "/v1/agreements/miyun-test/settlements?dry_run=true",
            Some(&token),
            &json!({"period": "2025-07"}),
        )
        .await;
    assert_eq!(issuing.status, 500, "{}", issuing.text);
    assert_eq!(
        issuing.body["type"], "urn:basin-ledger:problem:integrity",
        "{}",
        issuing.text
    );
    assert!(
        issuing.body["detail"].as_str().unwrap().contains(&named),
        "{}",
        issuing.text
    );

    let endpoint = app
        .get(
            &format!("/v1/settlements/{settlement_id}/verification"),
            Some(&token),
        )
        .await;
    assert_eq!(endpoint.status, 200, "{}", endpoint.text);
    assert_eq!(
        endpoint.body["recomputation_ok"], false,
        "{}",
        endpoint.text
    );
    assert_eq!(endpoint.body["document_hash_ok"], true, "{}", endpoint.text);
    let problems = endpoint.body["problems"].as_array().unwrap();
    assert!(
        problems
            .iter()
            .any(|problem| problem.as_str().unwrap().contains(&named)),
        "{}",
        endpoint.text
    );

    let failure = app.verify_as_auditor().await.unwrap_err();
    assert!(failure.what.contains(&named), "{failure}");
    let mut connection = app.pool.get().unwrap();
    let batch_index: i64 = store::schema::reading_batches::table
        .filter(store::schema::reading_batches::batch_id.eq("month-2025-07"))
        .select(store::schema::reading_batches::log_index)
        .first(&mut connection)
        .unwrap();
    assert_eq!(
        failure.index,
        Some(u64::try_from(batch_index).unwrap()),
        "{failure}"
    );
}

/// The readings digest is written straight into the hash; over the demo's real readings it
/// equals RFC 8785 over the JSON values the contract describes.
#[test]
fn the_readings_digest_of_the_demo_equals_jcs_over_its_readings() {
    use basin_audit::canonical::canonical_json;
    use basin_ledger_core::settlement::document::{readings_digest, sha256_hex, UsedReading};
    let database = TestDatabase::new();
    let pool = database.pool();
    let mut connection = pool.get().unwrap();
    let key = LedgerKey::generate(LOG_ORIGIN_DEFAULT).unwrap();
    demo::setup(&mut connection, &key, chrono::Utc::now()).unwrap();
    let readings: Vec<UsedReading> = store::export::readings(&mut connection)
        .unwrap()
        .into_iter()
        .map(|row| UsedReading {
            id: row.id,
            section: row.section,
            sampled_at: row.sampled_at,
            values: serde_json::from_str(&row.values_json).unwrap(),
        })
        .collect();
    assert!(readings.len() > 500, "{} demo readings", readings.len());
    let mut sorted: Vec<&UsedReading> = readings.iter().collect();
    sorted
        .sort_by(|a, b| (&a.section, &a.sampled_at, a.id).cmp(&(&b.section, &b.sampled_at, b.id)));
    let values: Vec<serde_json::Value> = sorted
        .iter()
        .map(|r| json!({"id": r.id, "section": r.section, "sampled_at": r.sampled_at, "values": r.values}))
        .collect();
    let reference = sha256_hex(&canonical_json(&serde_json::Value::Array(values)).unwrap());
    assert_eq!(readings_digest(&readings).unwrap(), reference);
}

/// Small files with one job (STYLE.md): no source file over 300 lines, test modules aside.
#[test]
fn no_source_file_is_over_three_hundred_lines() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    sources(&root.join("src"), &mut files);
    for crate_folder in std::fs::read_dir(root.join("crates")).unwrap() {
        sources(&crate_folder.unwrap().path().join("src"), &mut files);
    }
    let long: Vec<String> = files
        .iter()
        .filter(|(_, text)| {
            // An inline test module counts as tests: only the lines before it count.
            let code = text
                .split("#[cfg(test)]\nmod tests {")
                .next()
                .unwrap_or_default();
            code.lines().count() > 300
        })
        .map(|(path, text)| format!("{path}: {} lines", text.lines().count()))
        .collect();
    assert!(files.len() > 150, "only {} files scanned", files.len());
    assert!(
        long.is_empty(),
        "files over 300 lines:\n{}",
        long.join("\n")
    );
}
