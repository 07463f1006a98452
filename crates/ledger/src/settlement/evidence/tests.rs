#![allow(clippy::unwrap_used)] // Test code: a panic is how a test fails.

use basin_domain::Code;
use proptest::prelude::*;
use sha2::{Digest, Sha256};

use super::*;
use crate::batch::{recorded_form, BatchBody, RecordedForm};
use crate::settlement::counted::CountedReading;
use crate::settlement::reading::InputReading;

const FIRST_ID: i64 = 41;

fn logged(body: &str, readings: u32) -> LoggedBatch {
    LoggedBatch {
        entry: ReadingsBatchLogged {
            station: Code::parse("gubeikou-auto").unwrap(),
            batch_id: "b-1".into(),
            body_sha256: hex::encode(Sha256::digest(body.as_bytes())),
            signature: None,
            key_id: None,
            first_reading_id: FIRST_ID,
            readings,
        },
        body: body.as_bytes().to_vec(),
    }
}

fn body_of(readings: &[String]) -> String {
    format!(
        r#"{{"batch_id":"b-1","station":"gubeikou-auto","readings":[{}]}}"#,
        readings.join(",")
    )
}

fn row(id: i64, form: RecordedForm) -> CountedReading {
    CountedReading {
        id,
        section: form.section,
        sampled_at: form.sampled_at,
        values_json: form.values_json,
        flags_json: form.flags_json,
    }
}

/// What ingest recorded for the reading at `position`, by the rules themselves.
fn recorded_at(body: &str, position: usize) -> Option<RecordedForm> {
    let body: BatchBody = serde_json::from_str(body).ok()?;
    recorded_form(body.readings.get(position)?)
}

#[test]
fn a_row_exactly_as_ingest_recorded_it_passes() {
    let reading = r#"{"section":"gubeikou","sampled_at":"2025-07-01T08:00:00+08:00","values":{"tp":0.05,"do":"7.5","nh3n":"<0.02"},"flags":{"do":"M"}}"#;
    let body = body_of(&[reading.to_owned()]);
    let stored = row(FIRST_ID, recorded_at(&body, 0).unwrap());
    assert_eq!(stored.sampled_at, "2025-07-01T00:00:00Z");
    assert_eq!(
        stored.values_json,
        r#"{"do":"7.5","nh3n":"<0.02","tp":"0.05"}"#
    );
    assert_eq!(
        check_against_evidence(&[stored], &[logged(&body, 1)]),
        Ok(())
    );
}

#[test]
fn a_counted_row_whose_batch_sent_it_invalid_is_named() {
    let reading = r#"{"section":"gubeikou","sampled_at":"2025-07-01T00:00:00Z","values":{"do":"7.5"},"status":"invalid","reason":"pump failure"}"#;
    let body = body_of(&[reading.to_owned()]);
    let stored = row(FIRST_ID, recorded_at(&body, 0).unwrap());
    let (id, problem) = check_against_evidence(&[stored], &[logged(&body, 1)]).unwrap_err();
    assert_eq!(id, FIRST_ID);
    assert!(
        problem.contains("differs from what batch gubeikou-auto/b-1 recorded"),
        "{problem}"
    );
}

#[test]
fn a_body_that_does_not_hash_to_its_entry_is_named_by_its_first_counted_reading() {
    let reading =
        r#"{"section":"gubeikou","sampled_at":"2025-07-01T00:00:00Z","values":{"do":"7.5"}}"#;
    let body = body_of(&[
        reading.to_owned(),
        reading.replace("00:00:00Z", "01:00:00Z"),
    ]);
    let second = row(FIRST_ID + 1, recorded_at(&body, 1).unwrap());
    let mut batch = logged(&body, 2);
    batch.body[0] = b' ';
    let (id, problem) = check_against_evidence(&[second], &[batch]).unwrap_err();
    assert_eq!(id, FIRST_ID + 1);
    assert!(problem.contains("does not hash"), "{problem}");
}

#[test]
fn a_parsed_row_is_checked_as_stored_not_as_rewritten() {
    let reading = r#"{"section":"gubeikou","sampled_at":"2025-07-01T00:00:00Z","values":{"do":"7.5","tp":"0.05"}}"#;
    let body = body_of(&[reading.to_owned()]);
    let batch = logged(&body, 1);
    let as_ingest_wrote = row(FIRST_ID, recorded_at(&body, 0).unwrap());
    let parsed = InputReading::parse(as_ingest_wrote.clone()).unwrap();
    assert_eq!(
        check_against_evidence(&[parsed], std::slice::from_ref(&batch)),
        Ok(())
    );
    // The same values, stored in another member order: not what ingest wrote.
    let reordered = CountedReading {
        values_json: r#"{"tp":"0.05","do":"7.5"}"#.into(),
        ..as_ingest_wrote
    };
    let parsed = InputReading::parse(reordered).unwrap();
    assert!(check_against_evidence(&[parsed], &[batch]).is_err());
}

fn literal() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("7.5".to_owned()),
        Just("\"7.5\"".to_owned()),
        Just("\"7.50\"".to_owned()),
        Just("\"<0.02\"".to_owned()),
        Just("\"\\u0037.5\"".to_owned()),
        Just("0.270".to_owned()),
    ]
}

fn members(codes: &'static [&'static str], value: BoxedStrategy<String>) -> BoxedStrategy<String> {
    prop::collection::vec((prop::sample::select(codes), value), 0..4)
        .prop_map(|members| {
            let members: Vec<String> = members
                .iter()
                .map(|(code, value)| format!("\"{code}\":{value}"))
                .collect();
            format!("{{{}}}", members.join(","))
        })
        .boxed()
}

/// A reading as a station might send it, valid or not: known and unknown codes, repeated
/// codes, numbers and strings, escapes, flags with and without values, other offsets.
fn sent_reading() -> impl Strategy<Value = String> {
    let instants = prop::sample::select(vec![
        "2025-07-01T00:00:00Z",
        "2025-07-01T08:00:00+08:00",
        "2025-07-01T00:00:00.5Z",
        "2025-07-01t00:00:00z",
        "not a time",
    ]);
    let flags = prop_oneof![
        Just(None),
        members(
            &["do", "tp", "xx"],
            prop_oneof![
                Just("\"M\"".to_owned()),
                Just("\"N\"".to_owned()),
                Just("\"q\"".to_owned()),
                Just("3".to_owned())
            ]
            .boxed()
        )
        .prop_map(Some),
    ];
    (
        prop::sample::select(vec!["gubeikou", "houcheng"]),
        instants,
        members(&["do", "tp", "nh3n", "xx"], literal().boxed()),
        flags,
        prop::sample::select(vec!["", r#","status":"valid""#, r#","status":null"#]),
    )
        .prop_map(|(section, instant, values, flags, status)| {
            let flags = flags.map_or_else(String::new, |flags| format!(r#","flags":{flags}"#));
            format!(r#"{{"section":"{section}","sampled_at":"{instant}","values":{values}{flags}{status}}}"#)
        })
}

/// A stored row: what ingest recorded, or that record with one field altered.
fn stored_row(recorded: Option<RecordedForm>, alteration: u8) -> RecordedForm {
    let mut form = recorded.unwrap_or(RecordedForm {
        section: "gubeikou".into(),
        sampled_at: "2025-07-01T00:00:00Z".into(),
        values_json: r#"{"do":"7.5"}"#.into(),
        flags_json: None,
    });
    match alteration {
        0 => {}
        1 => form.section = "houcheng".into(),
        2 => form.sampled_at = "2025-07-01T01:00:00Z".into(),
        3 => form.values_json = form.values_json.replace('5', "6"),
        4 => form.flags_json = None,
        _ => form.flags_json = Some(r#"{"do":"M"}"#.into()),
    }
    form
}

proptest! {
    /// The byte comparison gives the verdict the batch rules give: a row passes exactly when it
    /// equals the recorded form of the reading at its position.
    #[test]
    fn the_check_agrees_with_the_recorded_form(
        reading in sent_reading(),
        alteration in 0_u8..6,
    ) {
        let body = body_of(&[reading]);
        let recorded = recorded_at(&body, 0);
        let stored = stored_row(recorded.clone(), alteration);
        let expected = recorded.as_ref() == Some(&stored);
        let verdict = check_against_evidence(&[row(FIRST_ID, stored)], &[logged(&body, 1)]);
        prop_assert_eq!(verdict.is_ok(), expected, "{} → {:?}", body, verdict);
    }
}
