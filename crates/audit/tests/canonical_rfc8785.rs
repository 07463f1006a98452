//! RFC 8785 examples for the value set basin-ledger signs (no floats).

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is how a test fails.

use basin_audit::canonical::{canonical_json, CanonicalError};
use serde_json::Value;

fn canonical_of(text: &str) -> Result<String, CanonicalError> {
    let value: Value = serde_json::from_str(text).unwrap();
    canonical_json(&value).map(|bytes| String::from_utf8(bytes).unwrap())
}

#[test]
fn the_rfc_8785_string_and_literal_example_is_reproduced() {
    // RFC 8785 §3.2.4, without its "numbers" member, which this scheme refuses.
    let input = r#"{
        "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
        "literals": [null, true, false]
    }"#;
    assert_eq!(
        canonical_of(input).unwrap(),
        r#"{"literals":[null,true,false],"string":"€$\u000f\nA'B\"\\\\\"/"}"#
    );
}

#[test]
fn the_rfc_8785_numbers_example_is_refused_because_it_holds_floats() {
    let input =
        r#"{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001]}"#;
    assert!(matches!(
        canonical_of(input),
        Err(CanonicalError::NotAnInteger(_))
    ));
}

#[test]
fn members_are_sorted_by_utf_16_code_units_as_in_rfc_8785_section_3_2_3() {
    let input = r#"{
        "\u20ac": "Euro Sign",
        "\r": "Carriage Return",
        "\ufb33": "Hebrew Letter Dalet With Dagesh",
        "1": "One",
        "\ud83d\ude00": "Emoji: Grinning Face",
        "\u0080": "Control",
        "\u00f6": "Latin Small Letter O With Diaeresis"
    }"#;
    // Escapes keep editors from normalizing U+FB33 (it has a canonical decomposition).
    let expected = "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u{80}\":\"Control\",\
                    \"\u{f6}\":\"Latin Small Letter O With Diaeresis\",\"\u{20ac}\":\"Euro Sign\",\
                    \"\u{1f600}\":\"Emoji: Grinning Face\",\"\u{fb33}\":\"Hebrew Letter Dalet With Dagesh\"}";
    assert_eq!(canonical_of(input).unwrap(), expected);
}

#[test]
fn every_control_character_is_escaped_as_rfc_8785_section_3_2_2_2_says() {
    let controls: String = (0_u8..0x20).map(char::from).collect();
    let value = Value::String(format!("{controls}\u{7f}\u{2028}/"));
    let text = String::from_utf8(canonical_json(&value).unwrap()).unwrap();
    assert_eq!(
        text,
        "\"\\u0000\\u0001\\u0002\\u0003\\u0004\\u0005\\u0006\\u0007\\b\\t\\n\\u000b\\f\\r\\u000e\\u000f\
         \\u0010\\u0011\\u0012\\u0013\\u0014\\u0015\\u0016\\u0017\\u0018\\u0019\\u001a\\u001b\\u001c\\u001d\\u001e\\u001f\
         \u{7f}\u{2028}/\""
    );
}

#[test]
fn nested_objects_are_sorted_at_every_level_and_whitespace_is_removed() {
    let input = r#"{ "b": [ {"z": 1, "a": -2}, "x" ], "a": { "d": null, "c": true } }"#;
    assert_eq!(
        canonical_of(input).unwrap(),
        r#"{"a":{"c":true,"d":null},"b":[{"a":-2,"z":1},"x"]}"#
    );
}

#[test]
fn canonical_output_parses_back_to_the_same_value_and_is_a_fixed_point() {
    let input = r#"{"名称":"潮白河","code":"chaobai","count":9007199254740991,"neg":-9007199254740991,"e":[]}"#;
    let once = canonical_of(input).unwrap();
    assert_eq!(canonical_of(&once).unwrap(), once);
    let reparsed: Value = serde_json::from_str(&once).unwrap();
    assert_eq!(reparsed, serde_json::from_str::<Value>(input).unwrap());
}
