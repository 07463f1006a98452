//! The ledger as a witnessed log (issue 12, acceptance 2 and 3): with a 2-of-2 policy and two
//! real `witness serve` processes (one per province), a checkpoint is published only once both
//! cosigned it; a stopped witness delays publication and never a write; and a history
//! rewritten in the database and re-signed with the ledger key is refused by the witnesses, so
//! nothing new is published.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is how a test fails.

use crate::common;

use std::sync::{Arc, Mutex};

use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use basin_audit::canonical_json;
use basin_audit::hash::{hash_to_hex, leaf_hash, Hash};
use basin_audit::note::cosignature_line;
use basin_audit::policy::Policy;
use basin_audit::tree::{self, NodeId};
use basin_audit::MemoryTree;
use basin_ledger::export::bundle_from_database;
use basin_ledger::key_file::read_private_key;
use basin_ledger::ledger_key::{LedgerKey, LOG_ORIGIN_DEFAULT};
use basin_ledger::model::access::Role;
use basin_ledger::publish::WitnessPolicy;
use basin_ledger::store::schema::{log_checkpoints, log_entries, log_head, log_nodes};
use basin_ledger::store::Pool;
use basin_ledger::verify::files::write_folder;
use basin_ledger::verify::LogKey;
use common::agreements::bad_values;
use common::publication::note_size;
use common::witness_process::Witness;
use common::{spawn_app_configured, TestApp};
use diesel::prelude::*;
use serde_json::json;

/// Beijing's and Hebei's witnesses, both needed.
fn policy_text(log_vkey: &str, witnesses: &[Witness]) -> String {
    let lines: String = witnesses.iter().map(Witness::policy_line).collect();
    format!("log {log_vkey}\n{lines}group both all beijing hebei\nquorum both\n")
}

/// The in-memory ledger key and the policy text, taken from the app as it is built.
type Captured = (Arc<LedgerKey>, String);

struct Setup {
    witnesses: Vec<Witness>,
    key: Arc<LedgerKey>,
    policy: String,
    _folder: tempfile::TempDir,
}

/// The in-process ledger with the 2-of-2 policy, and both witnesses running.
async fn witnessed_ledger() -> (
    TestApp<
        impl Service<
            actix_http::Request,
            Response = ServiceResponse<impl MessageBody>,
            Error = actix_web::Error,
        >,
    >,
    Setup,
) {
    let folder = tempfile::tempdir().unwrap();
    let mut witnesses = vec![
        Witness::create(&folder.path().join("beijing"), "beijing"),
        Witness::create(&folder.path().join("hebei"), "hebei"),
    ];
    let captured: Arc<Mutex<Option<Captured>>> = Arc::default();
    let lines: Vec<String> = witnesses.iter().map(Witness::policy_line).collect();
    let app = spawn_app_configured({
        let captured = Arc::clone(&captured);
        move |state| {
            let log_vkey = state.ledger_key.vkey().unwrap();
            let text = format!(
                "log {log_vkey}\n{}group both all beijing hebei\nquorum both\n",
                lines.concat()
            );
            let policy = WitnessPolicy::parse(&text, &state.ledger_key).unwrap();
            *captured.lock().unwrap() = Some((Arc::clone(&state.ledger_key), text));
            state.with_witness_policy(Some(policy))
        }
    })
    .await;
    let (key, policy) = captured.lock().unwrap().take().unwrap();
    assert_eq!(policy, policy_text(&key.vkey().unwrap(), &witnesses));
    for witness in &mut witnesses {
        witness.start(&key.vkey().unwrap());
    }
    let setup = Setup {
        witnesses,
        key,
        policy,
        _folder: folder,
    };
    (app, setup)
}

fn sample(metric: &str, witness: &str, outcome: Option<&str>) -> String {
    match outcome {
        Some(outcome) => format!("{metric}{{outcome=\"{outcome}\",witness=\"{witness}\"}}"),
        None => format!("{metric}{{witness=\"{witness}\"}}"),
    }
}

#[actix_web::test]
async fn with_one_of_two_witnesses_stopped_writes_continue_and_publication_waits_for_its_return() {
    let (app, mut setup) = witnessed_ledger().await;
    let policy = Policy::parse(&setup.policy).unwrap();
    let served_policy = app.get("/v1/log/policy", None).await;
    assert_eq!(served_policy.status, 200);
    assert_eq!(served_policy.text, setup.policy);

    app.register_chaobai().await;
    let first = app.checkpoint_covering(6).await;
    let accepted = policy.check_checkpoint(&first).unwrap();
    assert_eq!(accepted.checkpoint.size, 6);
    assert_eq!(accepted.cosigners, ["beijing", "hebei"]);

    setup.witnesses[1].stop();
    // Writes go on while Hebei's witness is down.
    app.admin_post("/v1/basins", json!({"code": "yongding", "name": "永定河"}))
        .await;
    app.admin_post("/v1/basins", json!({"code": "daqing", "name": "大清河"}))
        .await;
    // Beijing's witness cosigns the new checkpoint; Hebei's cannot be reached.
    let cosigned = "basin_ledger_witness_cosigned_tree_size";
    app.metric_reaching(&sample(cosigned, "beijing", None), 8.0)
        .await;
    let submissions = "basin_ledger_witness_submissions_total";
    app.metric_reaching(&sample(submissions, "hebei", Some("unreachable")), 1.0)
        .await;
    app.metric_reaching(
        &sample("basin_ledger_witness_lag_entries", "hebei", None),
        2.0,
    )
    .await;
    // So the quorum is not met and the published checkpoint waits.
    assert_eq!(app.get("/v1/log/checkpoint", None).await.text, first);
    let proof = app
        .get(
            "/v1/log/proofs/inclusion?index=0&tree_size=8",
            Some(&app.admin_token),
        )
        .await;
    assert_eq!(proof.problem_pointers(422), ["tree_size"], "{}", proof.text);

    // Hebei's witness comes back on its own database: publication resumes.
    let log_vkey = setup.key.vkey().unwrap();
    setup.witnesses[1].start(&log_vkey);
    let resumed = app.checkpoint_covering(8).await;
    let accepted = policy.check_checkpoint(&resumed).unwrap();
    assert_eq!(accepted.checkpoint.size, 8);
    assert_eq!(accepted.cosigners, ["beijing", "hebei"]);
    app.metric_reaching(&sample(cosigned, "hebei", None), 8.0)
        .await;
}

/// What an operator with database access and the ledger key can do: rewrite entry 0 (and so
/// every later leaf, whose `prev` links change), append a forged entry, recompute every stored
/// tree node, and sign the forged tree, all in one transaction. Returns the forged size.
pub(crate) fn rewrite_history(pool: &Pool, key: &LedgerKey) -> u64 {
    let mut connection = pool.get().unwrap();
    connection
        .transaction::<_, diesel::result::Error, _>(|connection| {
            let rows: Vec<(i64, String)> = log_entries::table
                .order(log_entries::entry_index)
                .select((log_entries::entry_index, log_entries::leaf))
                .load(connection)?;
            let mut leaves: Vec<Hash> = Vec::new();
            let mut prev = hash_to_hex(&[0; 32]);
            let mut last = serde_json::Value::Null;
            for (index, leaf) in &rows {
                let mut value: serde_json::Value = serde_json::from_str(leaf).unwrap();
                if *index == 0 {
                    value["body"]["name"] = json!("北京市（改写）");
                }
                value["prev"] = json!(prev);
                let text = String::from_utf8(canonical_json(&value).unwrap()).unwrap();
                leaves.push(leaf_hash(text.as_bytes()));
                diesel::update(log_entries::table.filter(log_entries::entry_index.eq(*index)))
                    .set((
                        log_entries::leaf.eq(&text),
                        log_entries::leaf_hash.eq(hash_to_hex(leaves.last().unwrap())),
                        log_entries::prev.eq(&prev),
                        log_entries::body.eq(value["body"].to_string()),
                    ))
                    .execute(connection)?;
                prev = hash_to_hex(leaves.last().unwrap());
                last = value;
            }
            let index = leaves.len() as u64;
            last["index"] = json!(index);
            last["prev"] = json!(prev);
            last["body"]["code"] = json!("forged");
            let appended = String::from_utf8(canonical_json(&last).unwrap()).unwrap();
            leaves.push(leaf_hash(appended.as_bytes()));
            diesel::insert_into(log_entries::table)
                .values((
                    log_entries::entry_index.eq(index as i64),
                    log_entries::kind.eq(last["kind"].as_str().unwrap()),
                    log_entries::time.eq(last["time"].as_str().unwrap()),
                    log_entries::prev.eq(&prev),
                    log_entries::body.eq(last["body"].to_string()),
                    log_entries::leaf.eq(&appended),
                    log_entries::leaf_hash.eq(hash_to_hex(leaves.last().unwrap())),
                ))
                .execute(connection)?;
            let size = leaves.len() as u64;
            let forged = MemoryTree::from_leaf_hashes(leaves.iter().copied());
            diesel::delete(log_nodes::table).execute(connection)?;
            for level in 0..64_u8 {
                for node_index in 0..(size >> level) {
                    let id = NodeId {
                        level,
                        index: node_index,
                    };
                    diesel::insert_into(log_nodes::table)
                        .values((
                            log_nodes::level.eq(i32::from(level)),
                            log_nodes::node_index.eq(node_index as i64),
                            log_nodes::hash.eq(hash_to_hex(&forged.node(id).unwrap())),
                        ))
                        .execute(connection)?;
                }
            }
            diesel::update(log_head::table)
                .set((
                    log_head::size.eq(size as i64),
                    log_head::last_leaf_hash.eq(hash_to_hex(leaves.last().unwrap())),
                ))
                .execute(connection)?;
            let root = tree::root(size, &forged).unwrap();
            diesel::insert_into(log_checkpoints::table)
                .values((
                    log_checkpoints::tree_size.eq(size as i64),
                    log_checkpoints::root_hash.eq(hash_to_hex(&root)),
                    log_checkpoints::note.eq(key
                        .sign_checkpoint(size, root, "2026-01-01T00:00:00Z")
                        .unwrap()),
                    log_checkpoints::signed_at.eq("2020-01-01T00:00:00Z"),
                ))
                .execute(connection)?;
            Ok(size)
        })
        .unwrap()
}

#[actix_web::test]
async fn a_rewritten_history_re_signed_with_the_ledger_key_is_refused_by_the_witnesses() {
    let (app, setup) = witnessed_ledger().await;
    app.register_chaobai().await;
    let seen = app.checkpoint_covering(6).await;
    let cosigned = "basin_ledger_witness_cosigned_tree_size";
    for witness in ["beijing", "hebei"] {
        app.metric_reaching(&sample(cosigned, witness, None), 6.0)
            .await;
    }

    let forged_size = rewrite_history(&app.pool, &setup.key);
    assert_eq!(forged_size, 7);
    // The ledger sends the forged checkpoint with a proof from the size each witness cosigned;
    // both refuse it (422: the proof does not verify against what they cosigned).
    let submissions = "basin_ledger_witness_submissions_total";
    for witness in ["beijing", "hebei"] {
        app.metric_reaching(&sample(submissions, witness, Some("refused_422")), 1.0)
            .await;
        app.metric_reaching(
            &sample("basin_ledger_witness_lag_entries", witness, None),
            1.0,
        )
        .await;
    }
    // Nothing new is published: the checkpoint every party saw is still the one served.
    let served = app.get("/v1/log/checkpoint", None).await;
    assert_eq!(served.text, seen);
    assert_eq!(note_size(&served.text), Some(6));
    let metrics = app.get("/metrics", None).await.text;
    for witness in ["beijing", "hebei"] {
        assert_eq!(
            common::publication::metric_value(&metrics, &sample(cosigned, witness, None)),
            Some(6.0),
            "{metrics}"
        );
    }
}

fn verify(folder: &std::path::Path, arguments: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_basin-ledger"))
        .arg("verify")
        .args(arguments)
        .current_dir(folder)
        .env_remove("DATABASE_URL")
        .env("RUST_LOG", "warn")
        .output()
        .unwrap()
}

#[actix_web::test]
async fn verify_with_the_policy_refuses_an_unwitnessed_checkpoint_and_a_split_view_of_the_one_seen()
{
    let (app, setup) = witnessed_ledger().await;
    app.register_chaobai().await;
    let seen = app.checkpoint_covering(6).await;
    let folder = tempfile::tempdir().unwrap();
    let dir = folder.path();
    std::fs::write(dir.join("policy.txt"), &setup.policy).unwrap();
    let keys = app.get("/v1/keys", None).await.body;
    let log_key = LogKey::single(LOG_ORIGIN_DEFAULT, app.ledger_public_key);
    let write_bundle = |name: &str, note: &str, size: u64| {
        let mut connection = app.pool.get().unwrap();
        let bundle =
            bundle_from_database(&mut connection, note.to_owned(), size, log_key.clone()).unwrap();
        write_folder(&bundle, &dir.join(name), &keys).unwrap();
    };
    let seen_file = |name: &str| {
        std::fs::write(dir.join(name), &seen).unwrap();
        name.to_owned()
    };

    // The honest log with its cosigned checkpoint verifies under the policy.
    write_bundle("honest", &seen, 6);
    let honest = verify(
        dir,
        &[
            "--bundle",
            "honest",
            "--policy",
            "policy.txt",
            "--checkpoint",
            &seen_file("a.txt"),
        ],
    );
    assert!(
        honest.status.success(),
        "{}",
        String::from_utf8_lossy(&honest.stderr)
    );

    // The same checkpoint with the ledger's signature alone does not meet the quorum.
    let bare: String = seen.split_inclusive('\n').take(5).collect();
    assert!(
        bare.ends_with('\n') && !bare.contains("witness.example"),
        "{bare}"
    );
    write_bundle("bare", &bare, 6);
    let refused = verify(dir, &["--bundle", "bare", "--policy", "policy.txt"]);
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(!refused.status.success());
    assert!(
        stderr.contains("do not meet the policy's quorum"),
        "{stderr}"
    );

    // The operator rewrites history and gets the fork cosigned by the witnesses' keys (a
    // witness restored from an old backup, say): the fork meets the quorum, but it is not an
    // extension of the cosigned checkpoint a party saw before.
    let forged_size = rewrite_history(&app.pool, &setup.key);
    let forged_note: String = log_checkpoints::table
        .filter(log_checkpoints::tree_size.eq(forged_size as i64))
        .select(log_checkpoints::note)
        .first(&mut *app.pool.get().unwrap())
        .unwrap();
    let text = basin_audit::note::parse_note(&forged_note).unwrap().text;
    let mut cosigned_fork = forged_note.clone();
    for witness in &setup.witnesses {
        let (name, key) = read_private_key(&witness.key_path()).unwrap();
        cosigned_fork.push_str(&cosignature_line(&text, &name, &key, 1_780_000_000).unwrap());
    }
    Policy::parse(&setup.policy)
        .unwrap()
        .check_checkpoint(&cosigned_fork)
        .expect("the fork's checkpoint meets the quorum");
    write_bundle("fork", &cosigned_fork, forged_size);
    let split = verify(
        dir,
        &[
            "--bundle",
            "fork",
            "--policy",
            "policy.txt",
            "--checkpoint",
            &seen_file("b.txt"),
        ],
    );
    let stderr = String::from_utf8_lossy(&split.stderr);
    assert!(!split.status.success());
    assert!(
        stderr.contains("split view: the log served is not an extension of the checkpoint seen"),
        "{stderr}"
    );
    // The checkpoint seen is kept as it was: a failed run writes nothing back.
    assert_eq!(std::fs::read_to_string(dir.join("b.txt")).unwrap(), seen);
}

#[actix_web::test]
async fn a_settlement_is_acknowledged_only_once_a_witnessed_checkpoint_covers_it() {
    let (app, mut setup) = witnessed_ledger().await;
    app.register_test_agreement().await;
    app.post_month("2025-08", bad_values()).await;
    let chengde = app.register_bureau_key("HE-CD", 11).await;
    app.published_checkpoint().await;
    // Hebei's witness is down when the settlement is issued: no witness quorum covers it.
    setup.witnesses[1].stop();
    let settlement = app.issue_period("miyun-test", "2025-08").await;
    let path = format!(
        "/v1/settlements/{}/acknowledgements",
        settlement["id"].as_str().unwrap()
    );
    let body = json!({"jurisdiction": "HE-CD", "key_id": chengde.key_id,
        "signature": chengde.ack(settlement["document_sha256"].as_str().unwrap())});
    let token = app.token(Role::Bureau, Some("HE-CD"));
    let early = app.post(&path, Some(&token), &body).await;
    early.problem_pointers(409);
    assert!(
        early.body["detail"]
            .as_str()
            .unwrap()
            .contains("is not final yet"),
        "{}",
        early.text
    );
    // Once the witness is back and a quorum-meeting checkpoint covers the entry, it is final.
    setup.witnesses[1].start(&setup.key.vkey().unwrap());
    let index = settlement["log_index"].as_u64().unwrap();
    app.checkpoint_covering(index + 1).await;
    let acknowledged = app.post(&path, Some(&token), &body).await;
    assert_eq!(acknowledged.status, 201, "{}", acknowledged.text);
}

fn verify_receipt(receipt: &str, vkey: &str, policy: Option<&str>) -> std::process::Output {
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("settlement.tlog-proof");
    std::fs::write(&path, receipt).unwrap();
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_basin-ledger"));
    command
        .args(["verify", "--receipt"])
        .arg(&path)
        .args(["--vkey", vkey])
        .env_remove("DATABASE_URL");
    if let Some(policy) = policy {
        let policy_path = folder.path().join("policy.txt");
        std::fs::write(&policy_path, policy).unwrap();
        command.arg("--policy").arg(policy_path);
    }
    command.output().unwrap()
}

#[actix_web::test]
async fn a_receipt_carries_the_witnesses_cosignatures_and_verify_enforces_the_policy_on_it() {
    let (app, setup) = witnessed_ledger().await;
    app.register_test_agreement().await;
    app.post_month("2025-08", bad_values()).await;
    let settlement = app.issue_period("miyun-test", "2025-08").await;
    let index = settlement["log_index"].as_u64().unwrap();
    app.checkpoint_covering(index + 1).await;
    let token = app.admin_token.clone();
    let reply = app
        .get(
            &format!(
                "/v1/settlements/{}/receipt",
                settlement["id"].as_str().unwrap()
            ),
            Some(&token),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let receipt = reply.text;
    let cosignatures = receipt
        .lines()
        .filter(|line| line.starts_with("— beijing.") || line.starts_with("— hebei."))
        .count();
    assert_eq!(cosignatures, 2, "{receipt}");
    let vkey = setup.key.vkey().unwrap();

    let output = verify_receipt(&receipt, &vkey, Some(&setup.policy));
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["cosigned_by"], json!(["beijing", "hebei"]));

    // Without Hebei's cosignature the ledger's own signature still holds, but the policy does not.
    let without_hebei: String = receipt
        .split_inclusive('\n')
        .filter(|line| !line.starts_with("— hebei."))
        .collect();
    assert!(verify_receipt(&without_hebei, &vkey, None).status.success());
    let refused = verify_receipt(&without_hebei, &vkey, Some(&setup.policy));
    assert!(!refused.status.success());
    let message = String::from_utf8_lossy(&refused.stderr);
    assert!(message.contains("receipt verification FAILED"), "{message}");
    assert!(message.contains("quorum"), "{message}");
}
