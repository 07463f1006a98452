//! Acceptance 4: July 2020 of 古北口 replayed through the gateway gives the same assessment as
//! importing the same published file with `import cnemc`.

use std::os::unix::fs::PermissionsExt;

use crate::common::hj212::{run, Gateway, Ledger, StationFiles, MN, PW};
use crate::common::server_process::free_port;

use super::crashes::published_july;

const DAILY_FILE: &str = "examples/data/cnemc/cnemc_daily_bj_hb_2020-05-08_2021-04-05.csv";

#[test]
fn a_month_through_the_gateway_assesses_as_the_cnemc_import_does() {
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
            "normal",
            "--interval-ms",
            "0",
        ],
    );
    assert!(simulated.status.success());
    let published = published_july();
    assert_eq!(
        through_gateway.wait_for_readings(published.len()).len(),
        published.len()
    );

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

    let path = "/v1/sections/gubeikou/assessment?period=2020-07";
    let from_gateway = through_gateway.get(path);
    let from_import = imported.get(path);
    assert_eq!(from_gateway, from_import);
    assert_eq!(
        from_gateway["months"][0]["samples"]["codmn"],
        published.len()
    );
    assert!(from_gateway["class"].is_string(), "{from_gateway}");
}
