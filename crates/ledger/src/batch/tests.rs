use super::*;

fn body(json: &str) -> BatchBody {
    serde_json::from_str(json).unwrap()
}

fn now() -> DateTime<Utc> {
    crate::time::parse_instant("2025-07-02T00:00:00Z").unwrap()
}

#[test]
fn a_valid_batch_keeps_each_literal_as_sent_and_times_in_utc() {
    let batch = body(
        r#"{"batch_id": "b1", "station": "st", "readings": [
        {"section": "gubeikou", "sampled_at": "2025-07-01T08:00:00+08:00",
         "values": {"nh3n": 0.270, "ph": "7.62"}}]}"#,
    );
    let readings = validate_batch(&batch, "gubeikou", now()).unwrap();
    assert_eq!(readings.len(), 1);
    assert_eq!(readings[0].sampled_at, "2025-07-01T00:00:00Z");
    assert_eq!(readings[0].values_json, r#"{"nh3n":"0.270","ph":"7.62"}"#);
    assert_eq!(readings[0].status, ReadingStatus::Valid);
}

#[test]
fn every_offending_field_is_named_by_its_path() {
    let batch = body(
        r#"{"batch_id": "bad id", "station": "st", "readings": [
        {"section": "other", "sampled_at": "2025-07-01T08:00:00.5+08:00",
         "values": {"ph": 15, "xx": 1}, "status": "invalid"}]}"#,
    );
    let errors = validate_batch(&batch, "gubeikou", now()).unwrap_err();
    let paths: Vec<String> = errors
        .0
        .iter()
        .map(|error| error.path.to_string())
        .collect();
    assert_eq!(
        paths,
        [
            "batch_id",
            "readings.0.section",
            "readings.0.sampled_at",
            "readings.0.values.ph",
            "readings.0.values.xx",
            "readings.0.reason"
        ]
    );
}

#[test]
fn a_time_more_than_ten_minutes_ahead_is_refused_and_two_readings_may_not_share_an_instant() {
    let batch = body(
        r#"{"batch_id": "b", "station": "st", "readings": [
        {"section": "s", "sampled_at": "2025-07-02T00:11:00Z", "values": {"ph": 7}},
        {"section": "s", "sampled_at": "2025-07-01T00:00:00Z", "values": {"ph": 7}},
        {"section": "s", "sampled_at": "2025-07-01T08:00:00+08:00", "values": {"ph": 7}}]}"#,
    );
    let errors = validate_batch(&batch, "s", now()).unwrap_err();
    assert_eq!(errors.0.len(), 2);
    assert!(errors.0[0].message.contains("in the future"));
    assert_eq!(
        errors.0[1].path,
        FieldPath::Reading {
            position: 2,
            field: ReadingField::SampledAt
        }
    );
}

#[test]
fn a_detection_limit_literal_and_flags_are_recorded_exactly_as_sent() {
    let batch = body(
        r#"{"batch_id": "b1", "station": "st", "readings": [
        {"section": "s", "sampled_at": "2025-07-01T08:00:00+08:00",
         "values": {"tp": "<0.02", "ph": 7.62}, "flags": {"ph": "M", "tp": "N"}},
        {"section": "s", "sampled_at": "2025-07-01T09:00:00+08:00",
         "values": {"tp": "0.02"}, "flags": {}}]}"#,
    );
    let readings = validate_batch(&batch, "s", now()).unwrap();
    assert_eq!(readings[0].values_json, r#"{"ph":"7.62","tp":"<0.02"}"#);
    assert_eq!(
        readings[0].flags_json.as_deref(),
        Some(r#"{"ph":"M","tp":"N"}"#)
    );
    assert_eq!(readings[1].flags_json, None);
}

#[test]
fn bad_limits_and_bad_flags_are_named_by_their_paths() {
    let batch = body(
        r#"{"batch_id": "b1", "station": "st", "readings": [
        {"section": "s", "sampled_at": "2025-07-01T08:00:00+08:00",
         "values": {"tp": "< 0.02", "nh3n": "<<0.1", "codmn": "<1e-3", "do": ">0.5", "temp": "<-1"}},
        {"section": "s", "sampled_at": "2025-07-01T09:00:00+08:00",
         "values": {"ph": 7}, "flags": {"ph": "X", "tp": "M", "do": 1}}]}"#,
    );
    let errors = validate_batch(&batch, "s", now()).unwrap_err();
    let paths: Vec<String> = errors
        .0
        .iter()
        .map(|error| error.path.to_string())
        .collect();
    assert_eq!(
        paths,
        [
            "readings.0.values.codmn",
            "readings.0.values.do",
            "readings.0.values.nh3n",
            "readings.0.values.temp",
            "readings.0.values.tp",
            "readings.1.flags.do",
            "readings.1.flags.ph",
            "readings.1.flags.tp",
        ]
    );
    assert!(errors.0[7].message.contains("has no value"));
    assert!(errors.0[6].message.contains("N, F, M, S, D, C, T, B"));
}

#[test]
fn a_reading_without_flags_or_limits_keeps_the_recorded_form_it_always_had() {
    let batch = body(
        r#"{"batch_id": "b1", "station": "st", "readings": [
        {"section": "s", "sampled_at": "2025-07-01T08:00:00+08:00", "values": {"nh3n": 0.270}}]}"#,
    );
    let recorded = recorded_form(&batch.readings[0]).unwrap();
    assert_eq!(recorded.values_json, r#"{"nh3n":"0.270"}"#);
    assert_eq!(recorded.flags_json, None);
    assert_eq!(recorded.sampled_at, "2025-07-01T00:00:00Z");
}
