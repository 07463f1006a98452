//! Balances and statements. Money is conserved over random histories of issuing, superseding,
//! acknowledging, disputing and paying (on SQLite, and on PostgreSQL when DATABASE_URL points
//! there): for every pair, obligations − payments = outstanding, both sides see the same amounts
//! mirrored, and a superseded settlement never counts next to the one that replaced it. The CSV
//! statement of the demo reads back with a CSV parser, Chinese names intact.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is how a test fails.

use crate::common;

use std::collections::{BTreeMap, BTreeSet};

use basin_ledger::demo;
use basin_ledger::ledger_key::{LedgerKey, LOG_ORIGIN_DEFAULT};
use basin_ledger::model::access::Role;
use common::agreements::{agreement, bad_values, components, good_values, BureauKey};
use common::spawn_app;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, TestRunner};
use serde_json::{json, Value};

const HISTORIES: u32 = 6;
const OPERATIONS_MAX: usize = 28;
const AGREEMENTS: [&str; 2] = ["miyun-test", "miyun-swapped"];

#[derive(Debug, Clone)]
enum Operation {
    Issue { agreement: usize, month: u8 },
    Supersede { pick: usize },
    Acknowledge { pick: usize },
    Dispute { pick: usize },
    Pay { pick: usize, per_mille: i64 },
}

fn operation() -> impl Strategy<Value = Operation> {
    prop_oneof![
        3 => (0..AGREEMENTS.len(), 1_u8..=4).prop_map(|(agreement, month)| Operation::Issue { agreement, month }),
        1 => any::<usize>().prop_map(|pick| Operation::Supersede { pick }),
        3 => any::<usize>().prop_map(|pick| Operation::Acknowledge { pick }),
        1 => any::<usize>().prop_map(|pick| Operation::Dispute { pick }),
        4 => (any::<usize>(), 1_i64..=1000).prop_map(|(pick, per_mille)| Operation::Pay { pick, per_mille }),
    ]
}

fn sum(values: impl Iterator<Item = i64>) -> i64 {
    values.sum()
}

fn between<'a>(
    settlements: &'a [Value],
    payer: &'a str,
    payee: &'a str,
) -> impl Iterator<Item = &'a Value> + 'a {
    settlements
        .iter()
        .filter(move |s| s["payer"] == payer && s["payee"] == payee)
}

/// Checks one jurisdiction's balances against the settlements as listed, and the identities.
fn check_view(view: &Value, settlements: &[Value], counted_heads: usize) {
    let pairs = view["pairs"].as_array().expect("pairs");
    let mut counted = 0;
    for pair in pairs {
        let me = pair["jurisdiction"].as_str().unwrap();
        let other = pair["counterparty"].as_str().unwrap();
        let field = |name: &str| pair[name].as_i64().unwrap();
        let between = |payer, payee| between(settlements, payer, payee);
        let expected_owed_to = sum(between(me, other)
            .filter(|s| s["status"] != "superseded")
            .map(|s| s["amount_fen"].as_i64().unwrap()));
        let expected_owed_by = sum(between(other, me)
            .filter(|s| s["status"] != "superseded")
            .map(|s| s["amount_fen"].as_i64().unwrap()));
        let expected_paid_to = sum(between(me, other).map(|s| s["paid_fen"].as_i64().unwrap()));
        let expected_paid_by = sum(between(other, me).map(|s| s["paid_fen"].as_i64().unwrap()));
        assert_eq!(
            field("owed_to_counterparty_fen"),
            expected_owed_to,
            "{pair}"
        );
        assert_eq!(
            field("owed_by_counterparty_fen"),
            expected_owed_by,
            "{pair}"
        );
        assert_eq!(
            field("paid_to_counterparty_fen"),
            expected_paid_to,
            "{pair}"
        );
        assert_eq!(
            field("paid_by_counterparty_fen"),
            expected_paid_by,
            "{pair}"
        );
        // Obligations − payments = outstanding, each way and netted.
        assert_eq!(
            field("owed_to_counterparty_fen") - field("paid_to_counterparty_fen"),
            field("outstanding_to_counterparty_fen")
        );
        assert_eq!(
            field("owed_by_counterparty_fen") - field("paid_by_counterparty_fen"),
            field("outstanding_from_counterparty_fen")
        );
        assert_eq!(
            field("net_owed_fen")
                - (field("paid_to_counterparty_fen") - field("paid_by_counterparty_fen")),
            field("net_outstanding_fen")
        );
        // The agreements' parts add up to the pair.
        for name in [
            "owed_to_counterparty_fen",
            "owed_by_counterparty_fen",
            "paid_to_counterparty_fen",
            "paid_by_counterparty_fen",
            "net_outstanding_fen",
            "settlements",
        ] {
            let parts = sum(pair["agreements"]
                .as_array()
                .unwrap()
                .iter()
                .map(|part| part[name].as_i64().unwrap()));
            assert_eq!(parts, field(name), "{name} in {pair}");
        }
        counted += field("settlements") as usize;
    }
    // Exactly one settlement counts per (agreement, period): the head of its chain.
    assert_eq!(counted, counted_heads, "{view}");
}

fn mirrored(left: &Value, right: &Value) {
    let field = |pair: &Value, name: &str| pair[name].as_i64().unwrap();
    assert_eq!(
        field(left, "owed_to_counterparty_fen"),
        field(right, "owed_by_counterparty_fen")
    );
    assert_eq!(
        field(left, "paid_to_counterparty_fen"),
        field(right, "paid_by_counterparty_fen")
    );
    assert_eq!(
        field(left, "net_outstanding_fen"),
        -field(right, "net_outstanding_fen")
    );
}

#[actix_web::test]
async fn money_is_conserved_over_random_histories_and_superseded_settlements_never_count_twice() {
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        proptest::test_runner::TestRng::deterministic_rng(
            proptest::test_runner::RngAlgorithm::ChaCha,
        ),
    );
    let histories = proptest::collection::vec(operation(), 8..=OPERATIONS_MAX);
    let mut statuses_seen = BTreeSet::new();
    let mut payments_seen = 0;
    for history_number in 0..HISTORIES {
        let history = histories
            .new_tree(&mut runner)
            .expect("a history")
            .current();
        let app = spawn_app().await;
        app.register_chaobai().await;
        app.admin_post(
            "/v1/agreements",
            agreement(AGREEMENTS[0], "HE-CD", "BJ", components()),
        )
        .await;
        app.admin_post(
            "/v1/agreements",
            agreement(AGREEMENTS[1], "BJ", "HE-CD", components()),
        )
        .await;
        for month in 1..=4 {
            let values = if month % 2 == 0 {
                bad_values()
            } else {
                good_values()
            };
            app.post_month(&format!("2025-{month:02}"), values).await;
        }
        let keys: BTreeMap<&str, BureauKey> = [
            ("BJ", app.register_bureau_key("BJ", 11).await),
            ("HE-CD", app.register_bureau_key("HE-CD", 12).await),
        ]
        .into_iter()
        .collect();
        let tokens: BTreeMap<&str, String> = ["BJ", "HE-CD"]
            .into_iter()
            .map(|code| (code, app.token(Role::Bureau, Some(code))))
            .collect();
        let mut ids: Vec<String> = Vec::new();
        for (step, operation) in history.iter().enumerate() {
            let pick = |pick: usize| (!ids.is_empty()).then(|| ids[pick % ids.len()].clone());
            let status = match operation {
                Operation::Issue { agreement, month } => {
                    let reply = app
                        .issue(
                            AGREEMENTS[*agreement],
                            json!({"period": format!("2025-{month:02}")}),
                        )
                        .await;
                    if reply.status == 201 {
                        ids.push(reply.body["id"].as_str().unwrap().to_owned());
                    }
                    reply.status
                }
                Operation::Supersede { pick: choice } => {
                    let Some(id) = pick(*choice) else { continue };
                    let old = app
                        .get(&format!("/v1/settlements/{id}"), Some(&app.admin_token))
                        .await;
                    let reply = app
                        .issue(
                            old.body["agreement"].as_str().unwrap(),
                            json!({"period": old.body["period"], "supersedes": {"settlement_id": id, "reason": format!("step {step}")}}),
                        )
                        .await;
                    if reply.status == 201 {
                        ids.push(reply.body["id"].as_str().unwrap().to_owned());
                    }
                    reply.status
                }
                Operation::Acknowledge { pick: choice } => {
                    let Some(id) = pick(*choice) else { continue };
                    let settlement = app
                        .get(&format!("/v1/settlements/{id}"), Some(&app.admin_token))
                        .await;
                    let sha = settlement.body["document_sha256"]
                        .as_str()
                        .unwrap()
                        .to_owned();
                    let mut last = actix_web::http::StatusCode::OK;
                    for party in ["BJ", "HE-CD"] {
                        let body = json!({"jurisdiction": party, "key_id": keys[party].key_id, "signature": keys[party].ack(&sha)});
                        last = app
                            .post(
                                &format!("/v1/settlements/{id}/acknowledgements"),
                                Some(&tokens[party]),
                                &body,
                            )
                            .await
                            .status;
                    }
                    last
                }
                Operation::Dispute { pick: choice } => {
                    let Some(id) = pick(*choice) else { continue };
                    let body = json!({"jurisdiction": "BJ", "reason": format!("step {step}")});
                    app.post(
                        &format!("/v1/settlements/{id}/disputes"),
                        Some(&tokens["BJ"]),
                        &body,
                    )
                    .await
                    .status
                }
                Operation::Pay {
                    pick: choice,
                    per_mille,
                } => {
                    let Some(id) = pick(*choice) else { continue };
                    let settlement = app
                        .get(&format!("/v1/settlements/{id}"), Some(&app.admin_token))
                        .await;
                    let outstanding = settlement.body["outstanding_fen"].as_i64().unwrap();
                    let amount = (outstanding * per_mille / 1000).max(1);
                    let body = json!({"amount_fen": amount, "paid_at": "2025-09-01T10:00:00+08:00", "reference": format!("h{history_number}-{step}")});
                    app.post(
                        &format!("/v1/settlements/{id}/payments"),
                        Some(&app.admin_token),
                        &body,
                    )
                    .await
                    .status
                }
            };
            assert!(status.as_u16() < 500, "step {step} {operation:?}: {status}");
        }

        let all = app
            .get("/v1/settlements?limit=1000", Some(&app.admin_token))
            .await;
        let settlements = all.body["items"].as_array().unwrap().clone();
        let heads: BTreeSet<(String, String)> = settlements
            .iter()
            .map(|s| {
                (
                    s["agreement"].as_str().unwrap().to_owned(),
                    s["period"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        for settlement in &settlements {
            statuses_seen.insert(settlement["status"].as_str().unwrap().to_owned());
            payments_seen += settlement["payments"].as_array().unwrap().len();
        }
        let money_moving_heads = settlements
            .iter()
            .filter(|s| s["status"] != "superseded")
            .count();
        assert_eq!(
            money_moving_heads,
            heads.len(),
            "one settlement in force per agreement and period"
        );
        let views: BTreeMap<&str, Value> = {
            let mut views = BTreeMap::new();
            for code in ["BJ", "HE-CD"] {
                let reply = app
                    .get(
                        &format!("/v1/balances?year=2025&jurisdiction={code}"),
                        Some(&app.admin_token),
                    )
                    .await;
                assert_eq!(reply.status, 200, "{}", reply.text);
                check_view(&reply.body, &settlements, heads.len());
                views.insert(code, reply.body);
            }
            views
        };
        let both = app
            .get("/v1/balances?year=2025", Some(&app.admin_token))
            .await;
        check_view(&both.body, &settlements, heads.len());
        if let (Some(bj), Some(chengde)) =
            (views["BJ"]["pairs"].get(0), views["HE-CD"]["pairs"].get(0))
        {
            mirrored(bj, chengde);
        }
        // The statement lists every settlement, superseded ones too, and totals the counted ones.
        let statement = app
            .get("/v1/statements/BJ?year=2025", Some(&app.admin_token))
            .await;
        assert_eq!(statement.status, 200, "{}", statement.text);
        assert_eq!(
            statement.body["lines"].as_array().unwrap().len(),
            settlements.len()
        );
        if let Some(pair) = views["BJ"]["pairs"].get(0) {
            for name in [
                "owed_to_counterparty_fen",
                "paid_by_counterparty_fen",
                "net_outstanding_fen",
            ] {
                assert_eq!(statement.body["totals"][name], pair[name], "{name}");
            }
        }
    }
    // The histories reached every state, so the checks above saw each kind of money movement.
    for status in ["issued", "acknowledged", "disputed", "paid", "superseded"] {
        assert!(
            statuses_seen.contains(status),
            "no history reached {status}: {statuses_seen:?}"
        );
    }
    assert!(payments_seen > 0);
}

#[actix_web::test]
async fn the_demo_statement_csv_reads_back_with_its_chinese_names_and_a_known_row() {
    let app = spawn_app().await;
    {
        let mut connection = app.pool.get().unwrap();
        let key = LedgerKey::generate(LOG_ORIGIN_DEFAULT).unwrap();
        demo::setup(&mut connection, &key, chrono::Utc::now()).unwrap();
    }
    let token = app.token(Role::Auditor, None);
    let response = actix_web::test::call_service(
        &app.service,
        actix_web::test::TestRequest::get()
            .uri("/v1/statements/BJ?year=2020&format=csv")
            .insert_header(("Authorization", format!("Bearer {token}")))
            .to_request(),
    )
    .await;
    assert_eq!(response.status(), 200);
    let content_type = response
        .headers()
        .get("content-type")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(content_type, "text/csv; charset=utf-8");
    let bytes = actix_web::test::read_body(response).await;
    assert!(
        bytes.starts_with("\u{feff}".as_bytes()),
        "UTF-8 byte-order mark first"
    );
    let text = std::str::from_utf8(&bytes[3..]).expect("UTF-8");
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(
        header,
        basin_ledger_core::balances::CSV_HEADER.map(str::to_owned)
    );
    assert_eq!(header[7], "对方名称 counterparty_name");
    let rows: Vec<csv::StringRecord> = reader.records().map(|row| row.unwrap()).collect();
    // 古北口, July 2020 (tests/demo.rs): Beijing pays Chengde 5 051 670.00 yuan.
    let july = rows
        .iter()
        .find(|row| {
            &row[0] == "settlement" && &row[2] == "miyun-gubeikou-monthly" && &row[4] == "2020-07"
        })
        .expect("the July 2020 settlement of 古北口");
    assert_eq!(&july[6], "HE-CD");
    assert_eq!(&july[7], "承德市");
    assert_eq!(&july[8], "pay");
    assert_eq!(&july[11], "505167000");
    assert_eq!(&july[12], "5051670.00");
    assert!(july[3].contains("密云水库"), "{}", &july[3]);
    assert!(july[16].parse::<u64>().is_ok());
    let components = rows
        .iter()
        .filter(|row| &row[0] == "component" && row[1] == july[1])
        .map(|row| row[11].parse::<i64>().unwrap())
        .sum::<i64>();
    assert_eq!(
        components, 505_167_000,
        "the components add up to the amount"
    );

    let json = app.get("/v1/statements/BJ?year=2020", Some(&token)).await;
    assert_eq!(json.status, 200);
    let lines = json.body["lines"].as_array().unwrap();
    assert_eq!(
        lines.len(),
        rows.iter().filter(|row| &row[0] == "settlement").count()
    );
}

#[actix_web::test]
async fn balances_need_a_year_and_a_known_jurisdiction() {
    let app = spawn_app().await;
    app.register_chaobai().await;
    let token = app.admin_token.clone();
    assert_eq!(
        app.get("/v1/balances", Some(&token))
            .await
            .problem_pointers(422),
        ["year"]
    );
    assert_eq!(
        app.get("/v1/balances?year=25", Some(&token))
            .await
            .problem_pointers(422),
        ["year"]
    );
    assert_eq!(
        app.get("/v1/statements/BJ?year=2025&format=xlsx", Some(&token))
            .await
            .problem_pointers(422),
        ["format"]
    );
    app.get("/v1/balances?year=2025&jurisdiction=XX", Some(&token))
        .await
        .problem_pointers(404);
    app.get("/v1/statements/XX?year=2025", Some(&token))
        .await
        .problem_pointers(404);
    let empty = app
        .get("/v1/balances?year=2025&jurisdiction=BJ", Some(&token))
        .await;
    assert_eq!(empty.status, 200);
    assert_eq!(empty.body["pairs"], json!([]));
    assert_eq!(app.get("/v1/balances?year=2025", None).await.status, 401);
}
