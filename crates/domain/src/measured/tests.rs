use super::*;

fn decimal(text: &str) -> Decimal {
    Decimal::from_str_exact(text).unwrap()
}

#[test]
fn a_detection_limit_literal_keeps_its_text_and_its_limit() {
    let value = ValueLiteral::parse_for(ParameterCode::Tp, "<0.010").unwrap();
    assert_eq!(value.as_str(), "<0.010");
    assert_eq!(
        value.measured(),
        Measured::BelowLimit {
            limit: decimal("0.010")
        }
    );
    assert_eq!(serde_json::to_string(&value).unwrap(), "\"<0.010\"");
}

#[test]
fn a_plain_literal_is_an_exact_value() {
    let value = ValueLiteral::parse_for(ParameterCode::Nh3n, "0.270").unwrap();
    assert_eq!(value.measured(), Measured::Exact(decimal("0.270")));
    assert_eq!(value.to_string(), "0.270");
}

#[test]
fn only_a_less_than_sign_immediately_followed_by_a_positive_literal_is_a_limit() {
    for bad in [
        "< 0.02", "<<0.1", "<1e-3", "<-1", ">0.5", "<", "<.5", "<0", "<0.000", "<+1",
    ] {
        assert!(
            ValueLiteral::parse_for(ParameterCode::Tp, bad).is_err(),
            "{bad:?}"
        );
    }
    assert_eq!(
        ValueLiteral::parse_for(ParameterCode::Temp, "<-1"),
        Err(ValueError::LimitNotPositive)
    );
    assert_eq!(
        ValueLiteral::parse_for(ParameterCode::Tp, "< 0.02"),
        Err(ValueError::MalformedLimit)
    );
    assert_eq!(
        ValueLiteral::parse_for(ParameterCode::Tp, "<0.0000001"),
        Err(ValueError::TooManyDecimals)
    );
    assert_eq!(
        ValueLiteral::parse_for(ParameterCode::Ph, "<15"),
        Err(ValueError::PhOutOfRange)
    );
}

#[test]
fn a_bad_limit_is_explained_to_the_sender() {
    let error = ValueLiteral::parse_for(ParameterCode::Tp, "<<0.1").unwrap_err();
    assert!(error.to_string().contains("<0.02"), "{error}");
}
