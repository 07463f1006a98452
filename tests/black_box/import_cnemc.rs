//! Importing the national system's real published files: counts, idempotent re-import, and the
//! assessment of 古北口 (潮河, target II) for July 2020 from the imported data.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is how a test fails.

use crate::common;

use basin_ledger::import::cnemc::{import_cnemc, ImportOptions, ImportSummary};
use basin_ledger::model::registry::{Basin, Jurisdiction, Section, Station};
use basin_ledger::store::{self, registry, AnyConnection};
use common::spawn_app;
use serde_json::json;

const MAP: &[u8] = include_bytes!("../../examples/data/cnemc/map.csv");
const DAILY: &[u8] =
    include_bytes!("../../examples/data/cnemc/cnemc_daily_bj_hb_2020-05-08_2021-04-05.csv");
const FOUR_HOURLY: &[u8] =
    include_bytes!("../../examples/data/cnemc/cnemc_4h_bj_hb_2021-04-01_05.csv");

/// Registers a section and a station for every station code in the map (古北口 with its real
/// target, the rest as plain river sections), so no row is rejected for want of a station.
fn register_map_stations(connection: &mut AnyConnection) {
    let at = "2020-01-01T00:00:00Z".to_owned();
    store::write_transaction(connection, |connection, log| {
        for (code, name) in [("BJ", "北京市"), ("HE", "河北省")] {
            let jurisdiction = Jurisdiction {
                code: code.into(),
                name: name.into(),
                parent: None,
                keys: vec![],
                created_at: at.clone(),
            };
            registry::create_jurisdiction(connection, log, &jurisdiction)?;
        }
        registry::create_basin(
            connection,
            log,
            &Basin {
                code: "haihe".into(),
                name: "海河".into(),
                created_at: at.clone(),
            },
        )?;
        let text = std::str::from_utf8(MAP).unwrap();
        for line in text.lines().skip(1) {
            let fields: Vec<&str> = line.split(',').collect();
            let station_code = fields[2].trim();
            let section_code = station_code.trim_end_matches("-auto");
            let section = Section {
                code: section_code.into(),
                name: fields[1].into(),
                basin: "haihe".into(),
                river: "海河水系".into(),
                water_body: "river".into(),
                target_class: if section_code == "gubeikou" {
                    "II".into()
                } else {
                    "III".into()
                },
                upstream: "HE".into(),
                downstream: "BJ".into(),
                latitude: None,
                longitude: None,
                created_at: at.clone(),
            };
            registry::create_section(connection, log, &section)?;
            let station = Station {
                code: station_code.into(),
                name: fields[1].into(),
                section: section_code.into(),
                public_key: None,
                key_id: None,
                keys: Vec::new(),
                created_at: at.clone(),
            };
            registry::create_station(connection, log, &station)?;
        }
        Ok(())
    })
    .expect("registry");
}

fn import(connection: &mut AnyConnection, file: &[u8], year: Option<i32>) -> ImportSummary {
    let options = ImportOptions {
        year,
        revise: false,
    };
    import_cnemc(
        connection,
        file,
        MAP,
        &options,
        chrono::Utc::now(),
        &mut |_, _| {},
    )
    .expect("import")
}

fn stable_counts(summary: &ImportSummary) -> (usize, usize, usize, usize, usize) {
    (
        summary.rows_read,
        summary.invalid_rows,
        summary.rejected,
        summary.rows_without_time,
        summary.conflicts,
    )
}

fn reading_count(connection: &mut AnyConnection) -> i64 {
    use diesel::prelude::*;
    basin_ledger::store::schema::readings::table
        .count()
        .get_result(connection)
        .unwrap()
}

#[actix_web::test]
async fn importing_the_daily_and_four_hourly_files_twice_creates_nothing_the_second_time() {
    let app = spawn_app().await;
    let mut connection = app.pool.get().unwrap();
    register_map_stations(&mut connection);
    let daily = import(&mut connection, DAILY, None);
    let four_hourly = import(&mut connection, FOUR_HOURLY, Some(2021));
    eprintln!(
        "first daily import: {}",
        serde_json::to_string(&daily).unwrap()
    );
    eprintln!(
        "first 4-hourly import: {}",
        serde_json::to_string(&four_hourly).unwrap()
    );
    // The counts of the first run (see the parser's tests for how they arise).
    assert_eq!(
        (daily.rows_read, daily.rows_without_time, daily.rejected),
        (1587, 416, 0)
    );
    assert_eq!(
        daily.readings_created + daily.duplicates + daily.conflicts,
        1171
    );
    assert_eq!(
        (four_hourly.rows_read, four_hourly.rows_without_time),
        (2245, 36)
    );
    assert_eq!(
        four_hourly.batch_id,
        format!("cnemc-{}", &four_hourly.file_sha256[..16])
    );
    assert!(
        four_hourly.conflicts >= 83,
        "83 station/time pairs differ inside the 4-hourly file"
    );
    assert!(
        four_hourly.duplicates >= 69,
        "69 exact duplicate readings inside the 4-hourly file"
    );
    let stored = reading_count(&mut connection);
    assert_eq!(
        stored as usize,
        daily.readings_created + four_hourly.readings_created
    );

    let daily_again = import(&mut connection, DAILY, None);
    let four_hourly_again = import(&mut connection, FOUR_HOURLY, Some(2021));
    assert_eq!(daily_again.readings_created, 0);
    assert_eq!(four_hourly_again.readings_created, 0);
    assert_eq!(stable_counts(&daily_again), stable_counts(&daily));
    assert_eq!(
        stable_counts(&four_hourly_again),
        stable_counts(&four_hourly)
    );
    assert_eq!(daily_again.conflict_lines, daily.conflict_lines);
    assert_eq!(daily_again.rejected_lines, daily.rejected_lines);
    assert_eq!(
        reading_count(&mut connection),
        stored,
        "a re-import stores nothing new"
    );
    assert!(
        !daily_again.replayed_stations.is_empty(),
        "the stored batches were replayed"
    );
}

#[actix_web::test]
async fn gubeikou_in_july_2020_is_assessed_from_the_imported_daily_data() {
    let app = spawn_app().await;
    {
        let mut connection = app.pool.get().unwrap();
        register_map_stations(&mut connection);
        import(&mut connection, DAILY, None);
    }
    let reply = app
        .get(
            "/v1/sections/gubeikou/assessment?period=2020-07",
            Some(&app.admin_token.clone()),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let month = &reply.body["months"][0];
    eprintln!("{}", serde_json::to_string_pretty(&reply.body).unwrap());
    assert_eq!(month["month"], "2020-07");
    // Worked by hand from the 正常 rows of 古北口 dated 2020-07 in the daily file:
    // see the comment block below this test for the sums.
    let samples: serde_json::Map<String, serde_json::Value> = GUBEIKOU_2020_07_SAMPLES
        .iter()
        .map(|(code, count)| ((*code).to_owned(), json!(count)))
        .collect();
    let stats: serde_json::Map<String, serde_json::Value> = GUBEIKOU_2020_07_STATS
        .iter()
        .map(|(code, value)| ((*code).to_owned(), json!(value)))
        .collect();
    assert_eq!(month["samples"], serde_json::Value::Object(samples));
    assert_eq!(month["stats"], serde_json::Value::Object(stats));
    assert_eq!(month["class"], GUBEIKOU_2020_07_CLASS);
    assert_eq!(reply.body["class"], GUBEIKOU_2020_07_CLASS);
    assert_eq!(reply.body["attained"], true);
    assert_eq!(reply.body["classes_by_parameter"]["do"], "II");
    assert_eq!(reply.body["classes_by_parameter"]["nh3n"], "II");
    assert_eq!(reply.body["target_class"], "II");
}

// 古北口, July 2020, worked by hand (Python's decimal module over the CSV, not this code):
// the daily file has 31 rows for 古北口 dated 07-01 … 07-31; the 10 rows in 维护 (07-02, 04, 05, 07,
// 10, 18, 20, 22, 30, 31) are invalid and do not count, leaving 21 正常 rows (07-13 is at 04:00,
// the others at 08:00). Sums over those 21 rows and means, rounded half to even:
//   pH    153.11 / 21 = 7.2909… → 7.29  (class I: 6 ≤ pH ≤ 9)
//   DO    147.92 / 21 = 7.0438… → 7.04  (class II: 6 ≤ 7.04 < 7.5)
//   CODMn  19.54 / 21 = 0.9304… → 0.9   (class I: ≤ 2)
//   NH3-N  5.700 / 21 = 0.2714… → 0.27  (class II: 0.15 < 0.27 ≤ 0.5)
//   TP    0.0261 / 21 = 0.00124… → 0.001 (class I: ≤ 0.02; eleven rows publish 0.0001, counted as recorded)
//   TN     60.88 / 21 = 2.8990… → 2.90  (TN never sets the class)
//   temperature 517.6/21 → 24.6, conductivity 13116.3/21 → 624.6, turbidity 103.6/21 → 4.9
// Section class = worst participating class = II, which meets the target II.
const GUBEIKOU_2020_07_SAMPLES: [(&str, u32); 9] = [
    ("codmn", 21),
    ("conductivity", 21),
    ("do", 21),
    ("nh3n", 21),
    ("ph", 21),
    ("temp", 21),
    ("tn", 21),
    ("tp", 21),
    ("turbidity", 21),
];
const GUBEIKOU_2020_07_STATS: [(&str, &str); 9] = [
    ("codmn", "0.9"),
    ("conductivity", "624.6"),
    ("do", "7.04"),
    ("nh3n", "0.27"),
    ("ph", "7.29"),
    ("temp", "24.6"),
    ("tn", "2.90"),
    ("tp", "0.001"),
    ("turbidity", "4.9"),
];
const GUBEIKOU_2020_07_CLASS: &str = "II";

fn multipart(parts: &[(&str, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "basin-ledger-test-boundary";
    let mut body = Vec::new();
    for (name, bytes) in parts {
        body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{name}\"\r\n\r\n").as_bytes());
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

#[actix_web::test]
async fn the_http_import_takes_a_multipart_form_and_needs_an_admin() {
    let app = spawn_app().await;
    register_map_stations(&mut app.pool.get().unwrap());
    let (content_type, body) = multipart(&[("file", FOUR_HOURLY), ("map", MAP), ("year", b"2021")]);
    let send = |token: String, content_type: String, body: Vec<u8>| {
        actix_web::test::TestRequest::post()
            .uri("/v1/imports/cnemc")
            .insert_header(("Authorization", format!("Bearer {token}")))
            .insert_header(("Content-Type", content_type))
            .set_payload(body)
    };
    let auditor = app.token(basin_ledger::model::access::Role::Auditor, None);
    app.send(send(auditor, content_type.clone(), body.clone()))
        .await
        .problem_pointers(403);
    let reply = app
        .send(send(app.admin_token.clone(), content_type.clone(), body))
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.body["rows_read"], 2245);
    assert_eq!(
        reply.body["readings_created"], 2057,
        "2209 timed rows − 69 duplicates − 83 conflicts"
    );
    assert_eq!(
        reply.body["conflicts"], 83,
        "no daily data here: only the file's own conflicts"
    );
    let (content_type, body) = multipart(&[("file", FOUR_HOURLY)]);
    assert_eq!(
        app.send(send(app.admin_token.clone(), content_type, body))
            .await
            .problem_pointers(422),
        ["/map"]
    );
    let (content_type, body) = multipart(&[("file", FOUR_HOURLY), ("map", MAP), ("year", b"soon")]);
    assert_eq!(
        app.send(send(app.admin_token.clone(), content_type, body))
            .await
            .problem_pointers(422),
        ["/year"]
    );
}

#[actix_web::test]
async fn a_row_in_maintenance_is_kept_invalid_with_every_value_flagged_m() {
    let app = spawn_app().await;
    register_map_stations(&mut app.pool.get().unwrap());
    import(&mut app.pool.get().unwrap(), DAILY, None);
    let token = app.admin_token.clone();
    // 古北口 2020-07-02 08:00 is published in 维护; 2020-07-01 08:00 is 正常.
    let reply = app
        .get(
            "/v1/sections/gubeikou/readings?from=2020-07-01T00:00:00%2B08:00&to=2020-07-03T00:00:00%2B08:00",
            Some(&token),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let items = reply.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{}", reply.text);
    assert_eq!(items[0]["status"], "valid");
    assert!(items[0].get("flags").is_none(), "{}", items[0]);
    let maintenance = &items[1];
    assert_eq!(maintenance["status"], "invalid");
    assert_eq!(maintenance["reason"], "维护");
    let values = maintenance["values"].as_object().unwrap();
    let flags = maintenance["flags"].as_object().unwrap();
    assert!(!values.is_empty());
    assert_eq!(
        flags.keys().collect::<Vec<_>>(),
        values.keys().collect::<Vec<_>>()
    );
    assert!(flags.values().all(|flag| flag == "M"), "{flags:?}");
}
