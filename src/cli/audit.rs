//! `export` and `verify`: what an auditor runs. Verification trusts nothing the operator says:
//! everything is recomputed by the pure verifier from the entries, batch bodies and readings.

use std::io::IsTerminal;
use std::path::Path;

use anyhow::{anyhow, bail, Context};

use crate::export::bundle_from_database;
use crate::ledger_key::LedgerKey;
use crate::model::time::utc_text;
use crate::store::log::checkpoints as log_checkpoints;
use crate::store::DatabaseUrl;
use crate::verify::bundle::{
    log_key_from_keys_json, BatchEvidence, ExportedReading, ExportedSettlement,
};
use crate::verify::{verify_bundle, Bundle, BundleEntry, LogKey, Report, VerifyOptions};
use basin_ledger_core::entry::{Entry, TypedEntry};

/// Entries or readings fetched per request.
const PAGE_ITEMS: u32 = 1000;

fn keys_json(key: &LedgerKey) -> anyhow::Result<serde_json::Value> {
    Ok(serde_json::json!({"log": {
        "origin": key.origin(),
        "key_id": key.key_id(),
        "public_key": key.public_key_base64(),
        "vkey": key.vkey()?,
    }, "retired": []}))
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
    let mut connection = pool.get()?;
    let checkpoint =
        log_checkpoints::current_checkpoint(&mut connection, &key, &utc_text(chrono::Utc::now()))?;
    let log_key = LogKey {
        origin: key.origin().to_owned(),
        public_key: key.public_key(),
    };
    let bundle = bundle_from_database(
        &mut connection,
        checkpoint.note,
        checkpoint.tree_size,
        log_key,
    )?;
    crate::verify::files::write_folder(&bundle, out, &keys_json(&key)?)?;
    // An export that does not verify is not worth handing to anyone.
    verify(&bundle, None)
}

fn progress_bar() -> Option<indicatif::ProgressBar> {
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

fn read_old_checkpoint(path: Option<&Path>) -> anyhow::Result<Option<String>> {
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

/// `verify --url URL`: fetches the log, the batch bodies and the served readings, then verifies
/// them exactly as a bundle.
pub fn verify_url(
    url: &str,
    token: &str,
    old_checkpoint: Option<&Path>,
    policy: Option<&Path>,
) -> anyhow::Result<Report> {
    let base = url.trim_end_matches('/');
    let agent = ureq::AgentBuilder::new()
        .timeout(std::time::Duration::from_secs(60))
        .build();
    let get = |path: &str| -> anyhow::Result<ureq::Response> {
        agent
            .get(&format!("{base}{path}"))
            .set("Authorization", &format!("Bearer {token}"))
            .call()
            .map_err(|error| anyhow!("GET {path}: {error}"))
    };
    let keys: serde_json::Value = get("/v1/keys")?.into_json()?;
    let log_key =
        log_key_from_keys_json(&keys).map_err(|message| anyhow!("/v1/keys: {message}"))?;
    let checkpoint = get("/v1/log/checkpoint")?.into_string()?;
    let size: u64 = checkpoint
        .lines()
        .nth(1)
        .and_then(|line| line.parse().ok())
        .ok_or_else(|| anyhow!("the checkpoint has no size line"))?;
    let mut entries = Vec::new();
    let mut batches = std::collections::BTreeMap::new();
    while (entries.len() as u64) < size {
        let page: serde_json::Value = get(&format!(
            "/v1/log/entries?start={}&limit={PAGE_ITEMS}",
            entries.len()
        ))?
        .into_json()?;
        let items = page["items"]
            .as_array()
            .ok_or_else(|| anyhow!("/v1/log/entries: no items"))?;
        if items.is_empty() {
            bail!(
                "the log has fewer entries than its checkpoint says ({} < {size})",
                entries.len()
            );
        }
        for item in items.iter().take((size - entries.len() as u64) as usize) {
            let entry: BundleEntry = serde_json::from_value(item.clone())?;
            // The leaf bytes are what the verifier checks; the batch to fetch is read from them,
            // through the typed entries, never from the response's convenience fields.
            let typed = TypedEntry::from_leaf(entry.leaf.as_bytes())
                .map_err(|error| anyhow!("entry {}: {error}", entry.index))?;
            if let Entry::ReadingsBatch(batch) = typed.entry {
                let station = batch.station.as_str().to_owned();
                let batch_id = batch.batch_id;
                let response = get(&format!("/v1/stations/{station}/batches/{batch_id}"))?;
                let signature = response.header("Signature").map(str::to_owned);
                let mut body = Vec::new();
                std::io::Read::read_to_end(&mut response.into_reader(), &mut body)?;
                batches.insert((station, batch_id), BatchEvidence { body, signature });
            }
            entries.push(entry);
        }
    }
    let readings = fetch_readings(&get)?;
    let settlements = fetch_settlements(&get)?;
    let bundle = Bundle {
        checkpoint,
        log_key,
        entries,
        batches,
        readings,
        settlements,
    };
    let old = super::policy_check::check(policy, &bundle, read_old_checkpoint(old_checkpoint)?)?;
    let report = verify(&bundle, old.as_deref())?;
    if let Some(path) = old_checkpoint {
        std::fs::write(path, &bundle.checkpoint).with_context(|| path.display().to_string())?;
    }
    Ok(report)
}

/// Every reading the ledger serves, section by section.
fn fetch_readings(
    get: &dyn Fn(&str) -> anyhow::Result<ureq::Response>,
) -> anyhow::Result<Vec<ExportedReading>> {
    let mut sections = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(cursor) => format!("/v1/sections?limit={PAGE_ITEMS}&cursor={cursor}"),
            None => format!("/v1/sections?limit={PAGE_ITEMS}"),
        };
        let page: serde_json::Value = get(&path)?.into_json()?;
        sections.extend(
            page["items"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|item| item["code"].as_str().map(str::to_owned)),
        );
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    let mut readings = Vec::new();
    for section in sections {
        let mut cursor: Option<String> = None;
        loop {
            let path = match &cursor {
                Some(cursor) => {
                    format!("/v1/sections/{section}/readings?limit={PAGE_ITEMS}&cursor={cursor}")
                }
                None => format!("/v1/sections/{section}/readings?limit={PAGE_ITEMS}"),
            };
            let page: serde_json::Value = get(&path)?.into_json()?;
            for item in page["items"].as_array().into_iter().flatten() {
                readings.push(ExportedReading {
                    id: item["id"]
                        .as_i64()
                        .ok_or_else(|| anyhow!("a reading without an id"))?,
                    station: item["station"].as_str().unwrap_or_default().to_owned(),
                    section: item["section"].as_str().unwrap_or_default().to_owned(),
                    sampled_at: item["sampled_at"].as_str().unwrap_or_default().to_owned(),
                    values_json: serde_json::to_string(&item["values"])?,
                    status: item["status"].as_str().unwrap_or_default().to_owned(),
                    superseded: !item["superseded_by"].is_null(),
                    invalidated: item["invalidated"].as_bool().unwrap_or(false),
                });
            }
            match page["next_cursor"].as_str() {
                Some(next) => cursor = Some(next.to_owned()),
                None => break,
            }
        }
    }
    Ok(readings)
}

/// The document fields of a served settlement (API.md), in which the server's signature is made.
const DOCUMENT_FIELDS: [&str; 14] = [
    "id",
    "agreement",
    "agreement_version",
    "period",
    "period_start",
    "period_end",
    "inputs",
    "components",
    "net_fen",
    "payer",
    "payee",
    "amount_fen",
    "issued_at",
    "supersedes",
];

/// Every settlement the ledger serves, with its document rebuilt from the served fields.
fn fetch_settlements(
    get: &dyn Fn(&str) -> anyhow::Result<ureq::Response>,
) -> anyhow::Result<Vec<ExportedSettlement>> {
    let mut settlements = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(cursor) => format!("/v1/settlements?limit={PAGE_ITEMS}&cursor={cursor}"),
            None => format!("/v1/settlements?limit={PAGE_ITEMS}"),
        };
        let page: serde_json::Value = get(&path)?.into_json()?;
        for item in page["items"].as_array().into_iter().flatten() {
            let document: serde_json::Map<String, serde_json::Value> = DOCUMENT_FIELDS
                .iter()
                .map(|field| ((*field).to_owned(), item[*field].clone()))
                .collect();
            let canonical = basin_audit::canonical_json(&serde_json::Value::Object(document))?;
            settlements.push(ExportedSettlement {
                id: item["id"]
                    .as_str()
                    .map(str::to_owned)
                    .unwrap_or_else(|| item["id"].to_string()),
                document: String::from_utf8(canonical)?,
                document_sha256: item["document_sha256"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
                amount_fen: item["amount_fen"].as_i64().unwrap_or_default(),
                status: item["status"].as_str().unwrap_or_default().to_owned(),
            });
        }
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    Ok(settlements)
}
