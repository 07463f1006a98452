//! A settlement document over readings without flags or `<L` values, under an agreement that does
//! not state `below_detection`, has exactly the bytes it had before flags and detection limits
//! existed: the hash below was computed with the code of that time (commit 4eeaadc).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;

use basin_domain::agreement::{validate, AgreementTerms};
use basin_domain::quality::SectionFacts;
use basin_domain::{Code, Period, WaterBody, WaterClass};
use basin_ledger_core::settlement::document::{
    assemble, DocumentInputs, InputReading, UsedReading,
};
use serde_json::json;

/// Index and class steps at 古北口 over July 2025.
fn inputs(readings: Vec<UsedReading>) -> DocumentInputs {
    let facts = BTreeMap::from([(
        Code::parse("gubeikou").unwrap(),
        SectionFacts {
            water_body: WaterBody::River,
            target_class: WaterClass::II,
        },
    )]);
    let terms: AgreementTerms = serde_json::from_value(json!({"period": "month", "components": [
        {"kind": "index", "section": "gubeikou", "k0": "1",
         "weights": {"codmn": "0.5", "nh3n": "0.5"}, "baseline": {"codmn": "4", "nh3n": "0.5"},
         "tiers": [{"max_p": "1", "amount_fen": 1_000_000}, {"max_p": null, "amount_fen": -1_000_000}]},
        {"kind": "class_steps", "section": "gubeikou", "parameters": ["codmn", "nh3n", "tp"],
         "rate_worse_fen": 300_000, "rate_better_fen": 50_000}]}))
    .unwrap();
    let terms = validate(&terms, |code| facts.get(code).copied()).unwrap();
    DocumentInputs {
        id: "7".into(),
        agreement: "miyun-test".into(),
        agreement_version: 1,
        upstream: Code::parse("HE-CD").unwrap(),
        downstream: Code::parse("BJ").unwrap(),
        terms,
        sections: facts,
        period: Period::parse("2025-07").unwrap(),
        readings: readings
            .into_iter()
            .map(|reading| InputReading::try_from(reading).unwrap())
            .collect(),
        issued_at: chrono::DateTime::parse_from_rfc3339("2025-08-02T01:02:03Z")
            .unwrap()
            .with_timezone(&chrono::Utc),
        supersedes: None,
    }
}

fn reading(id: i64, sampled_at: &str, values: &[(&str, &str)]) -> UsedReading {
    UsedReading {
        id,
        section: "gubeikou".into(),
        sampled_at: sampled_at.into(),
        values: values
            .iter()
            .map(|(code, text)| ((*code).to_owned(), (*text).to_owned()))
            .collect(),
    }
}

#[test]
fn a_document_over_plain_readings_keeps_the_bytes_it_had_before_flags_existed() {
    let readings = vec![
        reading(
            1,
            "2025-07-03T01:00:00Z",
            &[
                ("codmn", "1.8"),
                ("nh3n", "0.12"),
                ("tp", "0.015"),
                ("tn", "1.00"),
            ],
        ),
        reading(
            2,
            "2025-07-17T01:00:00Z",
            &[
                ("codmn", "7.0"),
                ("nh3n", "1.20"),
                ("tp", "0.250"),
                ("ph", "7.62"),
            ],
        ),
    ];
    let assembled = assemble(inputs(readings)).unwrap();
    assert_eq!(assembled.document_sha256, KNOWN_DOCUMENT_SHA256);
}

const KNOWN_DOCUMENT_SHA256: &str =
    "879dccd8f6c690b9a8f86e875c6dc6888652e34822feec7a47895ea7ff6964d6";
