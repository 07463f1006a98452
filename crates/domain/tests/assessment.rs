//! The assessment body of API.md (without `section`), byte for byte.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is how a test fails.

mod common;

use basin_domain::assessment::{assess, AssessmentInput};
use basin_domain::{WaterBody, WaterClass};
use common::*;
use serde_json::json;

#[test]
fn the_assessment_lists_every_month_and_writes_statistics_with_the_published_decimals() {
    let readings = vec![
        reading(
            2,
            "2025-07-20T08:00:00+08:00",
            &[
                ("ph", "7.6"),
                ("codmn", "4"),
                ("nh3n", "0.120"),
                ("tn", "3.06"),
            ],
        ),
        reading(
            1,
            "2025-07-10T08:00:00+08:00",
            &[("ph", "7.62"), ("codmn", "4"), ("nh3n", "0.13")],
        ),
        reading(
            3,
            "2025-08-10T08:00:00+08:00",
            &[
                ("ph", "8.1"),
                ("codmn", "2.1"),
                ("nh3n", "0.6"),
                ("flow", "12.5"),
            ],
        ),
    ];
    let assessment = assess(AssessmentInput {
        period: period("2025-Q3"),
        water_body: WaterBody::River,
        target_class: WaterClass::II,
        readings,
    })
    .unwrap();
    let expected = json!({
        "period": "2025-Q3",
        "target_class": "II",
        "months": [
            {"month": "2025-07", "samples": {"ph": 2, "codmn": 2, "nh3n": 2, "tn": 1},
             "stats": {"ph": "7.61", "codmn": "4.0", "nh3n": "0.12", "tn": "3.06"}, "class": "II"},
            {"month": "2025-08", "samples": {"ph": 1, "codmn": 1, "nh3n": 1, "flow": 1},
             "stats": {"ph": "8.10", "codmn": "2.1", "nh3n": "0.60", "flow": "12.500"}, "class": "III"},
            {"month": "2025-09", "samples": {}, "stats": {}, "class": null}
        ],
        "stats": {"ph": "7.86", "codmn": "3.0", "nh3n": "0.36", "tn": "3.06", "flow": "12.500"},
        "class": "II",
        "attained": true,
        "classes_by_parameter": {"ph": "I", "codmn": "II", "nh3n": "II", "tn": "劣V"}
    });
    // Compare the bytes, so that key order and number-versus-string choices are checked too.
    assert_eq!(
        serde_json::to_string(&assessment).unwrap(),
        expected.to_string()
    );
}

#[test]
fn an_assessment_without_data_has_a_null_class_and_no_verdict() {
    let assessment = assess(AssessmentInput {
        period: period("2025-07"),
        water_body: WaterBody::Lake,
        target_class: WaterClass::III,
        readings: Vec::new(),
    })
    .unwrap();
    assert_eq!(
        serde_json::to_value(&assessment).unwrap(),
        json!({"period": "2025-07", "target_class": "III",
               "months": [{"month": "2025-07", "samples": {}, "stats": {}, "class": null}],
               "stats": {}, "class": null, "attained": null, "classes_by_parameter": {}})
    );
}

#[test]
fn a_class_worse_than_the_target_is_not_attained() {
    let assessment = assess(AssessmentInput {
        period: period("2025-07"),
        water_body: WaterBody::Lake,
        target_class: WaterClass::III,
        readings: vec![reading(1, "2025-07-01T00:00:00Z", &[("tp", "0.072")])],
    })
    .unwrap();
    assert_eq!(assessment.class, Some(WaterClass::IV));
    assert_eq!(assessment.attained, Some(false));
}
