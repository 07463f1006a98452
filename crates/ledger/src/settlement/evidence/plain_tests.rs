//! The plain-body scanner reads a body exactly as serde does, or declines it.

#![allow(clippy::unwrap_used)] // Test code: a panic is how a test fails.

use proptest::prelude::*;

use super::plain::plain_body;
use super::view::BodyView;

/// A piece of JSON text, and whether the scanner is expected to read it (rather than decline).
type Piece = (String, bool);

fn plain(text: &str) -> Piece {
    (text.to_owned(), true)
}

fn declined(text: &str) -> Piece {
    (text.to_owned(), false)
}

fn scalar() -> impl Strategy<Value = Piece> {
    prop::sample::select(vec![
        plain("\"7.5\""),
        plain("7.5"),
        plain("-0.5e3"),
        plain("1E+2"),
        plain("0"),
        plain("true"),
        plain("null"),
        plain("\"<0.02\""),
        plain("\"\""),
        plain("\"水\""),
        // An escape, a nested value, a number JSON refuses, a raw control character.
        declined("\"\\u0037.5\""),
        declined("{\"a\":1}"),
        declined("[1]"),
        declined("01"),
        declined("1."),
        declined("\"a\tb\""),
    ])
}

/// `{"name":value,…}` of scalars, names possibly repeated.
fn object_of_scalars(names: &'static [&'static str]) -> impl Strategy<Value = Piece> {
    prop::collection::vec((prop::sample::select(names), scalar()), 0..4).prop_map(|members| {
        let read = members.iter().all(|(_, (_, read))| *read);
        let text: Vec<String> = members
            .iter()
            .map(|(name, (value, _))| format!("\"{name}\":{value}"))
            .collect();
        (format!("{{{}}}", text.join(",")), read)
    })
}

fn optional_members() -> impl Strategy<Value = Vec<Piece>> {
    let flags = prop_oneof![
        object_of_scalars(&["do", "tp"])
            .prop_map(|(text, read)| (format!("\"flags\":{text}"), read)),
        Just(plain("\"flags\":null")),
    ];
    let status = prop::sample::select(vec![
        plain("\"status\":\"valid\""),
        plain("\"status\":\"invalid\""),
        plain("\"status\":null"),
        declined("\"status\":1"),
    ]);
    let reason = prop::sample::select(vec![plain("\"reason\":\"pump\""), plain("\"reason\":null")]);
    let other = prop::sample::select(vec![
        // serde's to read or refuse: a correction, an unknown field, a repeated one.
        declined("\"revises\":12"),
        declined("\"revises\":null"),
        declined("\"zz\":1"),
        declined("\"section\":\"again\""),
    ]);
    (
        prop::option::of(flags),
        prop::option::of(status),
        prop::option::of(reason),
        prop::option::weighted(0.2, other),
    )
        .prop_map(|(flags, status, reason, other)| {
            [flags, status, reason, other]
                .into_iter()
                .flatten()
                .collect()
        })
}

fn reading() -> impl Strategy<Value = Piece> {
    let section = prop::sample::select(vec![
        plain("\"section\":\"gubeikou\""),
        declined("\"section\":7"),
    ]);
    let instant = prop::sample::select(vec![
        plain("\"sampled_at\":\"2025-07-01T08:00:00+08:00\""),
        plain("\"sampled_at\":\"not a time\""),
    ]);
    let values = object_of_scalars(&["do", "tp", "nh3n", "xx"])
        .prop_map(|(text, read)| (format!("\"values\":{text}"), read));
    (
        prop::option::weighted(0.95, section),
        instant,
        values,
        optional_members(),
    )
        .prop_flat_map(|(section, instant, values, optional)| {
            // A reading without its section is serde's to refuse.
            let section = section.unwrap_or_else(|| declined(""));
            let mut members: Vec<Piece> = vec![section, instant, values];
            members.extend(optional);
            Just(members).prop_shuffle()
        })
        .prop_map(|members| joined_object(&members))
}

/// `{a,b,…}` of the non-empty pieces, read only when every piece is.
fn joined_object(members: &[Piece]) -> Piece {
    let read = members.iter().all(|(_, read)| *read);
    let text: Vec<&str> = members
        .iter()
        .map(|(text, _)| text.as_str())
        .filter(|text| !text.is_empty())
        .collect();
    (format!("{{{}}}", text.join(",")), read)
}

fn body() -> impl Strategy<Value = Piece> {
    let readings = prop::collection::vec(reading(), 0..3).prop_map(|readings| {
        let read = readings.iter().all(|(_, read)| *read);
        let text: Vec<&str> = readings.iter().map(|(text, _)| text.as_str()).collect();
        (format!("\"readings\":[{}]", text.join(",")), read)
    });
    let extra = prop::sample::select(vec![
        declined("\"zz\":1"),
        declined("\"station\":\"again\""),
    ]);
    (readings, prop::option::weighted(0.1, extra))
        .prop_flat_map(|(readings, extra)| {
            let mut members = vec![
                plain("\"batch_id\":\"b-1\""),
                plain("\"station\":\"gubeikou-auto\""),
                readings,
            ];
            members.extend(extra);
            Just(members).prop_shuffle()
        })
        .prop_map(|members| joined_object(&members))
}

/// The text with whitespace after each structural character outside strings, drawn from `spaces`.
fn spaced(text: &str, spaces: &[u8]) -> String {
    let mut output = String::with_capacity(text.len() * 2);
    let (mut in_string, mut escaped, mut next) = (false, false, 0);
    for character in text.chars() {
        output.push(character);
        match (in_string, character) {
            (true, _) if escaped => escaped = false,
            (true, '\\') => escaped = true,
            (true, '"') => in_string = false,
            (false, '"') => in_string = true,
            (false, '{' | '}' | '[' | ']' | ':' | ',') => {
                let space = spaces.get(next % spaces.len().max(1)).copied().unwrap_or(0);
                next += 1;
                output.push_str(match space % 5 {
                    0 | 1 => "",
                    2 => " ",
                    3 => "\n  ",
                    _ => "\t\r\n",
                });
            }
            _ => {}
        }
    }
    output
}

proptest! {
    /// Whatever the scanner reads, serde reads the same; and a body made only of plain pieces
    /// is read by the scanner, so the fast path is the one taken.
    #[test]
    fn the_scanner_reads_what_serde_reads_or_declines(
        (text, expected_read) in body(),
        spaces in prop::collection::vec(any::<u8>(), 1..16),
        trailing in prop::sample::select(vec!["", " \n", "x", "{}"]),
    ) {
        let text = format!(" {}{trailing}", spaced(&text, &spaces));
        let by_serde = serde_json::from_slice::<BodyView<'_>>(text.as_bytes());
        match plain_body(text.as_bytes()) {
            Some(view) => {
                let by_serde = by_serde.map_err(|error| error.to_string());
                prop_assert_eq!(Ok(&view), by_serde.as_ref(), "{}", text);
            }
            None => {
                let plain_trailing = trailing.trim().is_empty();
                prop_assert!(
                    !(expected_read && plain_trailing),
                    "a plain body was declined: {}",
                    text
                );
            }
        }
    }
}

#[test]
fn a_body_as_serde_writes_it_is_read_by_the_scanner() {
    let body = serde_json::json!({
        "batch_id": "2025-07-01T08",
        "station": "gubeikou-auto",
        "readings": [
            {"section": "gubeikou", "sampled_at": "2025-07-01T00:00:00Z",
             "values": {"do": "7.5", "tp": 0.05, "nh3n": "<0.02"}, "flags": {"do": "M"}},
            {"section": "gubeikou", "sampled_at": "2025-07-01T01:00:00Z",
             "values": {"do": "7.4"}, "status": "invalid", "reason": "pump failure"}
        ]
    });
    for text in [
        serde_json::to_vec(&body).unwrap(),
        serde_json::to_vec_pretty(&body).unwrap(),
    ] {
        let view = plain_body(&text).expect("read by the scanner");
        assert_eq!(view, serde_json::from_slice::<BodyView<'_>>(&text).unwrap());
        assert_eq!(view.readings.len(), 2);
        assert_eq!(view.readings[0].values.0[1], ("tp".into(), "0.05"));
        assert_eq!(view.readings[1].reason.as_deref(), Some("pump failure"));
    }
}

#[test]
fn an_escape_anywhere_leaves_the_body_to_serde() {
    let text = br#"{"batch_id":"b\u002d1","station":"s","readings":[]}"#;
    assert_eq!(plain_body(text), None);
    let by_serde = serde_json::from_slice::<BodyView<'_>>(text).unwrap();
    assert_eq!(by_serde.batch_id, "b-1");
}
