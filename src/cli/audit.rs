//! `export` and `verify`: what an auditor runs. Verification trusts nothing the operator says:
//! everything is recomputed by the pure verifier from the entries, batch bodies and readings.

use std::io::IsTerminal;
use std::path::Path;

use anyhow::{anyhow, Context};

use crate::export::bundle_from_database;
use crate::ledger_key::LedgerKey;
use crate::model::time::utc_text;
use crate::store::log::checkpoints as log_checkpoints;
use crate::store::{ledger_keys, DatabaseUrl};
use crate::verify::{verify_bundle, Bundle, Report, VerifyOptions};
use basin_audit::messages::parse_public_key_base64;
use basin_ledger_core::replay::bundle::log_key_from_keys_json;

/// `keys.json` as `GET /v1/keys` shows it: the key in force and every retired one.
fn keys_json(
    key: &LedgerKey,
    records: &[ledger_keys::LedgerKeyRecord],
) -> anyhow::Result<serde_json::Value> {
    let mut retired = Vec::new();
    for record in records.iter().filter(|record| record.valid_to.is_some()) {
        let public_key = parse_public_key_base64(&record.public_key)
            .map_err(|error| anyhow!("ledger key {}: {error}", record.key_id))?;
        retired.push(serde_json::json!({
            "origin": record.origin,
            "key_id": record.key_id,
            "public_key": record.public_key,
            "vkey": basin_audit::note::vkey(&record.origin, &public_key)?,
            "valid_from": record.valid_from,
            "valid_to": record.valid_to,
        }));
    }
    Ok(serde_json::json!({"log": {
        "origin": key.origin(),
        "key_id": key.key_id(),
        "public_key": key.public_key_base64(),
        "vkey": key.vkey()?,
    }, "retired": retired}))
}

/// Writes the bundle of the log's current checkpoint to `out`.
pub fn export(
    database_url: &DatabaseUrl,
    key_file: &Path,
    origin: &str,
    out: &Path,
) -> anyhow::Result<Report> {
    let key = LedgerKey::load(key_file, origin)?
        .ok_or_else(|| anyhow!("{}: no ledger key file", key_file.display()))?;
    let pool = crate::server::open_database(database_url)?;
    // Stored checkpoints signed before a rotation verify with the retired keys.
    let key = crate::server::with_retired_keys(&pool, key, key_file)?;
    let mut connection = pool.get()?;
    let checkpoint =
        log_checkpoints::current_checkpoint(&mut connection, &key, &utc_text(chrono::Utc::now()))?;
    let records = ledger_keys::all(&mut connection)?;
    let keys = keys_json(&key, &records)?;
    let log_key = log_key_from_keys_json(&keys).map_err(|error| anyhow!("{error}"))?;
    let bundle = bundle_from_database(
        &mut connection,
        checkpoint.note,
        checkpoint.tree_size,
        log_key,
    )?;
    crate::verify::files::write_folder(&bundle, out, &keys)?;
    // An export that does not verify is not worth handing to anyone.
    verify(&bundle, None)
}

pub(crate) fn progress_bar() -> Option<indicatif::ProgressBar> {
    std::io::stderr()
        .is_terminal()
        .then(|| indicatif::ProgressBar::new(0))
}

fn verify(bundle: &Bundle, old_checkpoint: Option<&str>) -> anyhow::Result<Report> {
    let bar = progress_bar();
    let mut progress = |done: u64, total: u64| {
        if let Some(bar) = &bar {
            bar.set_length(total);
            bar.set_position(done);
        }
    };
    let report = verify_bundle(bundle, &VerifyOptions { old_checkpoint }, &mut progress);
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    report.map_err(|failure| anyhow!("verification FAILED: {failure}"))
}

pub(crate) fn read_old_checkpoint(path: Option<&Path>) -> anyhow::Result<Option<String>> {
    match path {
        Some(path) if path.exists() => Ok(Some(
            std::fs::read_to_string(path).with_context(|| path.display().to_string())?,
        )),
        _ => Ok(None),
    }
}

/// `verify --bundle DIR`: offline.
pub fn verify_folder(
    folder: &Path,
    old_checkpoint: Option<&Path>,
    policy: Option<&Path>,
) -> anyhow::Result<Report> {
    let bundle = crate::verify::files::read_folder(folder)?;
    let old = super::policy_check::check(policy, &bundle, read_old_checkpoint(old_checkpoint)?)?;
    let report = verify(&bundle, old.as_deref())?;
    if let Some(path) = old_checkpoint {
        std::fs::write(path, &bundle.checkpoint).with_context(|| path.display().to_string())?;
    }
    Ok(report)
}
