use chrono::{DateTime, Utc};

use super::*;

fn instant(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap()
        .with_timezone(&Utc)
}

#[test]
fn each_form_round_trips_through_its_text() {
    for text in ["2025-07", "2025-Q3", "2025", "0001-01", "9999-Q4"] {
        assert_eq!(Period::parse(text).unwrap().to_string(), text);
    }
}

#[test]
fn refuses_short_months_month_thirteen_and_quarter_five() {
    assert_eq!(Period::parse("2025-7"), Err(PeriodError::Malformed));
    assert_eq!(Period::parse("2025-13"), Err(PeriodError::MonthOutOfRange));
    assert_eq!(
        Period::parse("2025-Q5"),
        Err(PeriodError::QuarterOutOfRange)
    );
    assert_eq!(
        Period::parse("2025-Q0"),
        Err(PeriodError::QuarterOutOfRange)
    );
    assert_eq!(Period::parse("0000"), Err(PeriodError::YearOutOfRange));
    for bad in [
        "",
        "25",
        "2025-q3",
        "2025-Q03",
        "2025-",
        "+2025",
        "２０２５",
        "2025-Q€",
        "20€5-Q",
    ] {
        assert!(Period::parse(bad).is_err(), "{bad}");
    }
}

#[test]
fn the_kind_follows_the_form_and_serialises_in_lower_case() {
    assert_eq!(Period::parse("2025-07").unwrap().kind(), PeriodKind::Month);
    assert_eq!(
        Period::parse("2025-Q3").unwrap().kind(),
        PeriodKind::Quarter
    );
    assert_eq!(Period::parse("2025").unwrap().kind(), PeriodKind::Year);
    assert_eq!(
        serde_json::to_string(&PeriodKind::Quarter).unwrap(),
        "\"quarter\""
    );
    assert_eq!(
        serde_json::from_str::<PeriodKind>("\"year\"").unwrap(),
        PeriodKind::Year
    );
    assert!(serde_json::from_str::<PeriodKind>("\"week\"").is_err());
}

#[test]
fn the_third_quarter_is_july_to_september() {
    let quarter = Period::parse("2025-Q3").unwrap();
    let months: Vec<String> = quarter
        .months()
        .iter()
        .map(|month| month.to_string())
        .collect();
    assert_eq!(months, ["2025-07", "2025-08", "2025-09"]);
    assert_eq!(quarter.start_utc(), instant("2025-06-30T16:00:00Z"));
    assert_eq!(quarter.end_utc(), instant("2025-09-30T16:00:00Z"));
}

#[test]
fn a_year_has_twelve_months_and_starts_on_new_years_eve_in_utc() {
    let year = Period::parse("2025").unwrap();
    assert_eq!(year.months().len(), 12);
    assert_eq!(year.start_utc(), instant("2024-12-31T16:00:00Z"));
    assert_eq!(year.end_utc(), instant("2025-12-31T16:00:00Z"));
}

#[test]
fn july_starts_at_sixteen_hundred_utc_on_june_thirtieth() {
    let july = Period::parse("2025-07").unwrap();
    assert_eq!(july.start_utc(), instant("2025-06-30T16:00:00Z"));
    assert_eq!(july.end_utc(), instant("2025-07-31T16:00:00Z"));
}

#[test]
fn a_reading_at_sixteen_thirty_utc_on_june_thirtieth_belongs_to_july() {
    let sampled_at = instant("2025-06-30T16:30:00Z");
    assert!(Period::parse("2025-07").unwrap().contains(sampled_at));
    assert!(!Period::parse("2025-06").unwrap().contains(sampled_at));
    assert!(Period::parse("2025-Q3").unwrap().contains(sampled_at));
    assert_eq!(
        Month::containing(sampled_at).unwrap().to_string(),
        "2025-07"
    );
}

#[test]
fn serialises_as_its_text() {
    let period = Period::parse("2025-Q3").unwrap();
    assert_eq!(serde_json::to_string(&period).unwrap(), "\"2025-Q3\"");
    assert_eq!(
        serde_json::from_str::<Period>("\"2025-Q3\"").unwrap(),
        period
    );
    assert!(serde_json::from_str::<Period>("\"2025-Q5\"").is_err());
}
