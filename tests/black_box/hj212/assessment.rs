//! Acceptance 4: July 2020 of 古北口 replayed through the gateway gives the same assessment as
//! importing the same published file with `import cnemc`.

use std::os::unix::fs::PermissionsExt;

use crate::common::hj212::{run, Gateway, Ledger, StationFiles, MN, PW};
use crate::common::server_process::free_port;

use super::crashes::published_july;

const DAILY_FILE: &str = "examples/data/cnemc/cnemc_daily_bj_hb_2020-05-08_2021-04-05.csv";

/// The assessment of July 2020 after the simulator replayed `rows` (normal, or all with the
/// others flagged M, F or D) through a gateway; and how many readings the ledger then holds.
fn july_through_the_gateway(rows: &str) -> (serde_json::Value, Vec<serde_json::Value>) {
    let files = StationFiles::new();
    let through_gateway = Ledger::start(Some(&files.public_key));
    let stations = files.write_for(&through_gateway);
    let port = free_port();
    let _gateway = Gateway::start(
        &stations,
        &files.directory.path().join("spool"),
        &through_gateway.url(),
        port,
        &[],
    );
    let simulated = run(
        files.directory.path(),
        &[
            "hj212",
            "simulate",
            "--mn",
            MN,
            "--pw",
            PW,
            "--to",
            &format!("127.0.0.1:{port}"),
            "--from",
            "2020-07-01",
            "--until",
            "2020-08-01",
            "--rows",
            rows,
            "--interval-ms",
            "0",
        ],
    );
    assert!(simulated.status.success());
    // Every packet was acknowledged, so every reading is spooled; wait until all are posted.
    let expected = if rows == "all" {
        all_july_rows()
    } else {
        published_july().len()
    };
    let readings = through_gateway.wait_for_readings(expected);
    assert_eq!(readings.len(), expected);
    let assessment = through_gateway.get("/v1/sections/gubeikou/assessment?period=2020-07");
    (assessment, readings)
}

/// 古北口's July 2020 rows that carry values, whatever their status, one per instant.
fn all_july_rows() -> usize {
    use basin_cnemc::{parse_file, ParseOptions};
    let bytes = std::fs::read(DAILY_FILE).unwrap();
    let parsed = parse_file(&bytes, &ParseOptions::default()).unwrap();
    let mut instants = std::collections::BTreeSet::new();
    for row in parsed
        .rows
        .iter()
        .filter(|row| row.name == "古北口" && !row.values.is_empty())
    {
        let at = row.sampled_at.format("%Y-%m-%dT%H:%M:%SZ").to_string();
        if at.as_str() >= "2020-06-30T16:00:00Z" && at.as_str() < "2020-07-31T16:00:00Z" {
            instants.insert(at);
        }
    }
    instants.len()
}

/// July 2020 imported from the published file with `import cnemc`.
fn july_imported() -> serde_json::Value {
    let imported = Ledger::start(None);
    let map = imported.directory.path().join("map.csv");
    std::fs::write(&map, "province,name,station\n北京市,古北口,gubeikou-auto\n").unwrap();
    std::fs::set_permissions(&map, std::fs::Permissions::from_mode(0o644)).unwrap();
    let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(DAILY_FILE);
    let import = run(
        imported.directory.path(),
        &[
            "import",
            "cnemc",
            file.to_str().unwrap(),
            "--map",
            map.to_str().unwrap(),
        ],
    );
    assert!(
        import.status.success(),
        "{}",
        String::from_utf8_lossy(&import.stderr)
    );

    imported.get("/v1/sections/gubeikou/assessment?period=2020-07")
}

#[test]
fn a_month_through_the_gateway_assesses_as_the_cnemc_import_does() {
    let (from_gateway, _) = july_through_the_gateway("normal");
    let from_import = july_imported();
    assert_eq!(from_gateway, from_import);
    assert_eq!(
        from_gateway["months"][0]["samples"]["codmn"],
        published_july().len()
    );
    assert!(from_gateway["class"].is_string(), "{from_gateway}");
}

#[test]
fn flagged_rows_sent_through_the_gateway_are_kept_but_count_nowhere_so_the_assessment_is_the_same()
{
    let (from_gateway, readings) = july_through_the_gateway("all");
    let flagged: Vec<_> = readings
        .iter()
        .filter(|reading| {
            reading
                .get("flags")
                .is_some_and(|flags| flags.as_object().is_some_and(|f| !f.is_empty()))
        })
        .collect();
    assert!(
        readings.len() > published_july().len() && !flagged.is_empty(),
        "{} readings, {} flagged",
        readings.len(),
        flagged.len()
    );
    assert_eq!(from_gateway, july_imported());
}
