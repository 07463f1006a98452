//! What the ledger serves besides the log (readings by section, settlements), fetched so that
//! `verify --url` without `--state` compares them with what the log rebuilds. An incremental
//! run skips them: their size is the log's, not the new entries'.

use anyhow::anyhow;

use super::bundle::{ExportedReading, ExportedSettlement};
use super::remote::Remote;

/// Readings or settlements fetched per request.
const PAGE_ITEMS: u32 = 1000;

/// Every reading the ledger serves, section by section.
pub fn fetch_readings(remote: &Remote) -> anyhow::Result<Vec<ExportedReading>> {
    let mut sections = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(cursor) => format!("/v1/sections?limit={PAGE_ITEMS}&cursor={cursor}"),
            None => format!("/v1/sections?limit={PAGE_ITEMS}"),
        };
        let page: serde_json::Value = remote.get_json(&path)?;
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
            let page: serde_json::Value = remote.get_json(&path)?;
            for item in page["items"].as_array().into_iter().flatten() {
                readings.push(ExportedReading {
                    id: item["id"]
                        .as_i64()
                        .ok_or_else(|| anyhow!("a reading without an id"))?,
                    station: item["station"].as_str().unwrap_or_default().to_owned(),
                    section: item["section"].as_str().unwrap_or_default().to_owned(),
                    sampled_at: item["sampled_at"].as_str().unwrap_or_default().to_owned(),
                    values_json: serde_json::to_string(&item["values"])?,
                    flags_json: match &item["flags"] {
                        serde_json::Value::Object(flags) if !flags.is_empty() => {
                            Some(serde_json::to_string(flags)?)
                        }
                        _ => None,
                    },
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
pub fn fetch_settlements(remote: &Remote) -> anyhow::Result<Vec<ExportedSettlement>> {
    let mut settlements = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(cursor) => format!("/v1/settlements?limit={PAGE_ITEMS}&cursor={cursor}"),
            None => format!("/v1/settlements?limit={PAGE_ITEMS}"),
        };
        let page: serde_json::Value = remote.get_json(&path)?;
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
