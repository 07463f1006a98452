//! Rebuilding a settlement from the replayed log alone: the agreement version in effect (ranges
//! cut short by later versions' `ends`), the sections' facts as registered, and the readings that
//! counted at that point of the log.

use std::collections::{BTreeMap, BTreeSet};

use basin_domain::agreement::{validate, AgreementTerms};
use basin_domain::quality::SectionFacts;
use basin_domain::{Code, Period, WaterBody, WaterClass};
use chrono::{DateTime, Utc};
use serde_json::Value;

use super::document::{assemble, AssembledDocument, DocumentInputs, SupersedesRef, UsedReading};
use crate::verify::LedgerState;

fn text<'a>(value: &'a Value, field: &str) -> Result<&'a str, String> {
    value[field]
        .as_str()
        .ok_or_else(|| format!("no {field} in the entry"))
}

/// The newest version whose range (as logged, cut short by later versions' `ends`) covers the
/// period.
pub fn version_in_effect(
    state: &LedgerState,
    agreement: &str,
    period: Period,
) -> Result<Option<u64>, String> {
    let mut ranges: BTreeMap<u64, (Period, Option<Period>)> = BTreeMap::new();
    let parse = |value: &Value| {
        value
            .as_str()
            .map(Period::parse)
            .transpose()
            .map_err(|error| error.to_string())
    };
    for ((code, number), body) in &state.agreement_versions {
        if code != agreement {
            continue;
        }
        let from = parse(&body["effective_from"])?.ok_or("a version without effective_from")?;
        ranges.insert(*number, (from, parse(&body["effective_to"])?));
        if let Some(ended) = body["ends"]["version"].as_u64() {
            let end = parse(&body["ends"]["effective_to"])?;
            if let Some(range) = ranges.get_mut(&ended) {
                range.1 = end;
            }
        }
    }
    Ok(ranges
        .iter()
        .rev()
        .find(|(_, (from, to))| *from <= period && to.is_none_or(|to| period <= to))
        .map(|(number, _)| *number))
}

/// Assembles the document again from the logged version, the registry and the counted readings.
pub fn recompute(
    state: &LedgerState,
    version: &Value,
    id: &str,
    period: Period,
    document: &Value,
    supersedes: Option<SupersedesRef>,
) -> Result<AssembledDocument, String> {
    let terms = AgreementTerms {
        period: serde_json::from_value(version["period"].clone())
            .map_err(|error| error.to_string())?,
        min_valid_months: version["min_valid_months"]
            .as_u64()
            .and_then(|months| u32::try_from(months).ok()),
        components: serde_json::from_value(version["components"].clone())
            .map_err(|error| error.to_string())?,
    };
    let basin = text(version, "basin")?;
    let facts: BTreeMap<Code, SectionFacts> = state
        .sections
        .values()
        .filter(|section| section["basin"].as_str() == Some(basin))
        .filter_map(section_facts)
        .collect();
    let valid = validate(&terms, |code| facts.get(code).copied())
        .map_err(|errors| format!("the logged terms do not validate: {errors:?}"))?;
    let needed: BTreeSet<String> = valid
        .sections()
        .iter()
        .map(|code| code.as_str().to_owned())
        .collect();
    let mut readings = Vec::new();
    for reading in state
        .readings
        .values()
        .filter(|reading| reading.counts() && needed.contains(&reading.section))
    {
        let sampled_at =
            DateTime::parse_from_rfc3339(&reading.sampled_at).map_err(|error| error.to_string())?;
        if period.contains(sampled_at.with_timezone(&Utc)) {
            readings.push(UsedReading {
                id: reading.id,
                section: reading.section.clone(),
                sampled_at: reading.sampled_at.clone(),
                values: serde_json::from_str(&reading.values_json)
                    .map_err(|error| error.to_string())?,
            });
        }
    }
    let party = |field: &str| Code::parse(text(version, field)?).map_err(|error| error.to_string());
    let issued_at = DateTime::parse_from_rfc3339(text(document, "issued_at")?)
        .map_err(|error| error.to_string())?
        .with_timezone(&Utc);
    assemble(DocumentInputs {
        id: id.to_owned(),
        agreement: text(version, "agreement")?.to_owned(),
        agreement_version: version["version"].as_i64().ok_or("no version")?,
        upstream: party("upstream")?,
        downstream: party("downstream")?,
        terms: valid,
        sections: facts,
        period,
        readings,
        issued_at,
        supersedes,
    })
    .map_err(|error| format!("recomputing settlement {id}: {error}"))
}

fn section_facts(section: &Value) -> Option<(Code, SectionFacts)> {
    let code = Code::parse(section["code"].as_str()?).ok()?;
    let water_body: WaterBody = serde_json::from_value(section["water_body"].clone()).ok()?;
    let target_class = WaterClass::parse(section["target_class"].as_str()?).ok()?;
    Some((
        code,
        SectionFacts {
            water_body,
            target_class,
        },
    ))
}
