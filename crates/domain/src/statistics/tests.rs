use super::*;

fn decimal(text: &str) -> Decimal {
    Decimal::from_str_exact(text).unwrap()
}

fn reading(id: i64, sampled_at: &str, values: &[(ParameterCode, &str)]) -> ReadingForStatistics {
    ReadingForStatistics {
        id,
        sampled_at: DateTime::parse_from_rfc3339(sampled_at)
            .unwrap()
            .with_timezone(&Utc),
        values: values
            .iter()
            .map(|(parameter, text)| (*parameter, decimal(text).into()))
            .collect(),
        flags: BTreeMap::new(),
    }
}

#[test]
fn the_period_statistic_is_the_rounded_mean_of_rounded_monthly_statistics() {
    let quarter = Period::parse("2025-Q3").unwrap();
    let readings = [
        reading(
            1,
            "2025-07-01T08:00:00+08:00",
            &[(ParameterCode::Nh3n, "0.125")],
        ),
        reading(
            2,
            "2025-07-02T08:00:00+08:00",
            &[(ParameterCode::Nh3n, "0.130")],
        ),
        reading(
            3,
            "2025-08-01T08:00:00+08:00",
            &[(ParameterCode::Nh3n, "0.15")],
        ),
    ];
    let statistics = section_statistics(&quarter, WaterBody::River, &readings).unwrap();
    // July: 0.1275 → 0.13; August: 0.15; September has no data; (0.13 + 0.15) / 2 = 0.14.
    assert_eq!(statistics.months.len(), 3);
    assert_eq!(
        statistics.months[0].stats[&ParameterCode::Nh3n].to_string(),
        "0.13"
    );
    assert_eq!(statistics.months[0].samples[&ParameterCode::Nh3n], 2);
    assert!(statistics.months[2].stats.is_empty());
    assert_eq!(statistics.months[2].class, None);
    assert_eq!(statistics.stats[&ParameterCode::Nh3n].to_string(), "0.14");
    assert_eq!(statistics.months_with(ParameterCode::Nh3n).count(), 2);
}

#[test]
fn readings_outside_the_period_are_ignored() {
    let july = Period::parse("2025-07").unwrap();
    let readings = [
        reading(1, "2025-06-30T15:59:59Z", &[(ParameterCode::Tp, "0.5")]),
        reading(2, "2025-06-30T16:00:00Z", &[(ParameterCode::Tp, "0.010")]),
        reading(3, "2025-07-31T16:00:00Z", &[(ParameterCode::Tp, "0.5")]),
    ];
    let statistics = section_statistics(&july, WaterBody::River, &readings).unwrap();
    assert_eq!(statistics.stats[&ParameterCode::Tp].to_string(), "0.010");
    assert_eq!(statistics.class, Some(WaterClass::I));
}

#[test]
fn sums_too_large_for_exact_decimals_are_reported_not_rounded() {
    let july = Period::parse("2025-07").unwrap();
    let readings = [
        reading(
            1,
            "2025-07-01T00:00:00Z",
            &[(ParameterCode::Flow, "50000000000000000000000000000")],
        ),
        reading(
            2,
            "2025-07-02T00:00:00Z",
            &[(ParameterCode::Flow, "50000000000000000000000000000")],
        ),
    ];
    assert!(matches!(
        section_statistics(&july, WaterBody::River, &readings),
        Err(StatisticsError::Overflow { .. })
    ));
}
