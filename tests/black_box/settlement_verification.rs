//! The auditor's verifier recomputes every logged settlement from the logged agreement version and
//! the readings that counted when it was issued, and follows the lifecycle; a settlement the
//! ledger signed with a wrong amount is named by its log index.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is how a test fails.

use crate::common;

use basin_audit::messages::SigningContext;
use basin_audit::tree::{self, MemoryTree};
use basin_domain::Period;
use basin_ledger::demo;
use basin_ledger::export::bundle_from_database;
use basin_ledger::ledger_key::{LedgerKey, LOG_ORIGIN_DEFAULT};
use basin_ledger::store::registry::{add_jurisdiction_key, NewKey};
use basin_ledger::store::settlements::lifecycle::{acknowledge, pay, Acknowledge, PaymentRequest};
use basin_ledger::store::settlements::queries::get_settlement;
use basin_ledger::store::settlements::{issue, IssueRequest, SupersedesRequest};
use basin_ledger::store::{self, AnyConnection};
use basin_ledger::verify::{verify_bundle, Failure, LogKey, Report, VerifyOptions};
use basin_ledger_core::entry::{Entry, SettlementIssued};
use basin_ledger_core::settlement::document::document_sha256;
use common::TestDatabase;
use ed25519_dalek::SigningKey;

fn ledger_key() -> LedgerKey {
    LedgerKey::new(LOG_ORIGIN_DEFAULT, SigningKey::from_bytes(&[42; 32])).unwrap()
}

fn verify_now(connection: &mut AnyConnection, key: &LedgerKey) -> Result<Report, Failure> {
    let size = store::export::log_size(connection).unwrap();
    let hashes: Vec<_> = store::export::entries(connection, 0, size)
        .unwrap()
        .into_iter()
        .map(|(_, _, hash)| basin_audit::hash::hash_from_hex(&hash).unwrap())
        .collect();
    let root = tree::root(size, &MemoryTree::from_leaf_hashes(hashes)).unwrap();
    let checkpoint = key
        .sign_checkpoint(size, root, "2026-01-01T00:00:00Z")
        .unwrap();
    let log_key = LogKey::single(key.origin(), key.public_key());
    let bundle = bundle_from_database(connection, checkpoint, size, log_key).unwrap();
    verify_bundle(
        &bundle,
        &VerifyOptions {
            old_checkpoint: None,
        },
        &mut |_, _| {},
    )
}

/// Registers a key for each party and has both acknowledge settlement `id`.
fn acknowledge_by_both(connection: &mut AnyConnection, id: i64, parties: [&str; 2]) {
    let settlement = get_settlement(connection, id).unwrap();
    for (seed, party) in parties.into_iter().enumerate() {
        let signing_key = SigningKey::from_bytes(&[seed as u8 + 1; 32]);
        let key_id = basin_audit::note::key_id_hex(party, &signing_key.verifying_key());
        let public_key = basin_audit::messages::public_key_base64(&signing_key.verifying_key());
        let message = basin_audit::messages::ack_message(&settlement.document_sha256).unwrap();
        let signature = basin_audit::messages::sign(&message, &signing_key);
        store::write_transaction(connection, |connection, log| {
            add_jurisdiction_key(
                connection,
                log,
                &NewKey {
                    jurisdiction: party,
                    key_id: &key_id,
                    public_key: &public_key,
                    added_at: "2026-01-01T00:00:00Z",
                },
            )?;
            acknowledge(
                connection,
                log,
                &Acknowledge {
                    settlement_id: id,
                    jurisdiction: party,
                    key_id: &key_id,
                    signature: &signature,
                    at: "2026-01-02T00:00:00Z",
                },
            )
        })
        .unwrap();
    }
}

#[test]
fn the_demo_ledger_with_acknowledgements_payments_and_a_supersession_verifies() {
    let database = TestDatabase::new();
    let pool = database.pool();
    let mut connection = pool.get().unwrap();
    let key = ledger_key();
    let now = chrono::Utc::now();
    let summary = demo::setup(&mut connection, &key, now).unwrap();
    let issued = summary.settlements.len();

    acknowledge_by_both(&mut connection, 1, ["HE-CD", "BJ"]);
    store::write_transaction(&mut connection, |connection, log| {
        pay(
            connection,
            log,
            &PaymentRequest {
                settlement_id: 1,
                amount_fen: 100,
                paid_at: "2026-02-01T00:00:00Z",
                reference: "BJ-1",
                at: "2026-02-01T00:00:00Z",
            },
        )
    })
    .unwrap();
    let request = IssueRequest {
        agreement: demo::agreements::GUANTING_MONTHLY.into(),
        period: Period::parse("2020-06").unwrap(),
        supersedes: Some(SupersedesRequest {
            settlement_id: 12,
            reason: "re-check".into(),
        }),
    };
    store::write_transaction_as(&mut connection, |connection, log| {
        issue(connection, log, &key, &request, now)
    })
    .unwrap();

    let report = verify_now(&mut connection, &key).expect("the ledger verifies");
    assert_eq!(report.settlements, issued + 1);
}

#[test]
fn a_signed_settlement_with_a_wrong_amount_is_named_by_its_log_index() {
    let database = TestDatabase::new();
    let pool = database.pool();
    let mut connection = pool.get().unwrap();
    let key = ledger_key();
    demo::setup(&mut connection, &key, chrono::Utc::now()).unwrap();
    // A ledger that signs what it did not compute: settlement 1 again, 100 fen more, presented as
    // superseding the original.
    let original = get_settlement(&mut connection, 1).unwrap();
    let mut document = serde_json::to_value(&original.document).unwrap();
    document["id"] = "999".into();
    document["supersedes"] = serde_json::json!({"settlement_id": "1", "reason": "forged"});
    document["net_fen"] = (original.document.net_fen + 100).into();
    document["amount_fen"] = (original.document.amount_fen + 100).into();
    let digest = document_sha256(&document).unwrap();
    let signature = key.sign(SigningContext::Settlement, &digest).unwrap();
    let entry = Entry::SettlementIssued(SettlementIssued {
        document,
        document_sha256: digest,
        key_id: key.key_id().to_owned(),
        signature,
    });
    let forged = store::write_transaction(&mut connection, |connection, log| {
        log.append(connection, "2026-03-01T00:00:00Z", &entry)
    })
    .unwrap();
    let failure = verify_now(&mut connection, &key).unwrap_err();
    assert_eq!(failure.index, Some(forged.index), "{failure}");
    assert!(failure.what.contains("net_fen"), "{failure}");
}

/// One changed byte in a stored settlement (its document, or its status) is named by the log
/// index of the settlement's `settlement.issued` entry.
#[test]
fn a_settlement_changed_in_the_database_is_named_by_its_log_index() {
    use diesel::connection::SimpleConnection;
    let database = TestDatabase::new();
    let pool = database.pool();
    let mut connection = pool.get().unwrap();
    let key = ledger_key();
    demo::setup(&mut connection, &key, chrono::Utc::now()).unwrap();
    let settlement = get_settlement(&mut connection, 3).unwrap();
    let index = settlement.log_index;
    verify_now(&mut connection, &key).expect("the untouched ledger verifies");

    connection
        .batch_execute("UPDATE settlements SET document = replace(document, '\"net_fen\":', '\"net_fen\": ') WHERE id = 3")
        .unwrap();
    let failure = verify_now(&mut connection, &key).unwrap_err();
    assert_eq!(failure.index, Some(index), "{failure}");
    assert!(
        failure.what.contains("settlement 3 as served differs"),
        "{failure}"
    );

    connection
        .batch_execute("UPDATE settlements SET document = replace(document, '\"net_fen\": ', '\"net_fen\":'), status = 'paid' WHERE id = 3")
        .unwrap();
    let failure = verify_now(&mut connection, &key).unwrap_err();
    assert_eq!(failure.index, Some(index), "{failure}");
    assert!(
        failure
            .what
            .contains("is paid but the logged lifecycle says issued"),
        "{failure}"
    );
}
