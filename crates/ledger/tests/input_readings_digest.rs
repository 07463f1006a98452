//! A settlement parses each counted reading once and keeps its stored values and flags objects as
//! the digest's bytes. Whatever form the stored text has (as ingest writes it, members in another
//! order, escaped characters, a repeated name), the digest equals the one over the same readings
//! as maps of strings.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;

use basin_ledger_core::settlement::document::{
    digest_of, flagged_readings_digest, FlaggedReading, InputReading, ReadingText, UsedReading,
};
use basin_ledger_core::settlement::inputs::CountedReading;
use proptest::prelude::*;

const CODES: [&str; 5] = ["do", "codmn", "nh3n", "tn", "tp"];

/// The stored text of a map of strings: as ingest writes it, members reversed, a member sent
/// first with another value (the last one wins), or every character of the values escaped.
fn stored_text(members: &BTreeMap<String, String>, form: u8) -> String {
    let member = |(name, value): (&String, &String)| format!("\"{name}\":\"{value}\"");
    let escaped = |(name, value): (&String, &String)| {
        let value: String = value
            .chars()
            .map(|character| format!("\\u{:04x}", u32::from(character)))
            .collect();
        format!("\"{name}\":\"{value}\"")
    };
    let members: Vec<String> = match form {
        0 => return serde_json::to_string(members).unwrap(),
        1 => members.iter().rev().map(member).collect(),
        2 => members
            .keys()
            .map(|name| format!("\"{name}\":\"9.9\""))
            .chain(members.iter().map(member))
            .collect(),
        _ => members.iter().map(escaped).collect(),
    };
    format!("{{{}}}", members.join(","))
}

fn counted_reading() -> impl Strategy<Value = (FlaggedReading, CountedReading)> {
    let literal = prop_oneof!["[0-9]\\.[0-9]{1,3}", "<0\\.0[1-9]"];
    (
        1_i64..(1 << 53),
        prop::sample::select(vec!["gubeikou", "houcheng"]),
        "2025-0[1-9]-[0-2][1-8]T[0-1][0-9]:00:00Z",
        prop::collection::btree_map(prop::sample::select(CODES.to_vec()), literal, 1..5),
        prop::collection::btree_map(prop::sample::select(CODES.to_vec()), "[NFM]", 0..3),
        0_u8..4,
        0_u8..4,
    )
        .prop_map(
            |(id, section, sampled_at, values, flags, values_form, flags_form)| {
                let values: BTreeMap<String, String> = values
                    .into_iter()
                    .map(|(code, literal)| (code.to_owned(), literal))
                    .collect();
                // A flag needs a value of its parameter.
                let flags: BTreeMap<String, String> = flags
                    .into_iter()
                    .filter(|(code, _)| values.contains_key(*code))
                    .map(|(code, letter)| (code.to_owned(), letter))
                    .collect();
                let counted = CountedReading {
                    id,
                    section: section.to_owned(),
                    sampled_at: sampled_at.clone(),
                    values_json: stored_text(&values, values_form),
                    flags_json: (!flags.is_empty()).then(|| stored_text(&flags, flags_form)),
                };
                let flagged = FlaggedReading {
                    reading: UsedReading {
                        id,
                        section: section.to_owned(),
                        sampled_at,
                        values,
                    },
                    flags,
                };
                (flagged, counted)
            },
        )
}

proptest! {
    #[test]
    fn readings_parsed_once_digest_as_the_maps_of_strings_do(
        readings in prop::collection::vec(counted_reading(), 0..30),
    ) {
        let (flagged, counted): (Vec<FlaggedReading>, Vec<CountedReading>) =
            readings.into_iter().unzip();
        // What a settlement digests: each reading's texts, once parsed.
        let texts: Vec<ReadingText> = counted
            .into_iter()
            .map(|reading| InputReading::parse(reading).unwrap().into_parts().0)
            .collect();
        prop_assert_eq!(digest_of(&texts).unwrap(), flagged_readings_digest(&flagged).unwrap());
    }
}

#[test]
fn a_stored_value_that_is_no_literal_of_its_parameter_is_named_by_reading() {
    let problem = InputReading::parse(CountedReading {
        id: 12,
        section: "gubeikou".into(),
        sampled_at: "2025-07-01T00:00:00Z".into(),
        values_json: r#"{"tp":"0.05","do":"lots"}"#.into(),
        flags_json: None,
    })
    .unwrap_err();
    assert_eq!(problem.id, 12);
    assert!(problem.problem.starts_with("do \"lots\""), "{problem}");
}
