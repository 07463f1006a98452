//! Single-factor classification: a parameter's class, and a section's class as the worst of them.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use super::{WaterBody, WaterClass};
use crate::parameter::{ClassLimits, ParameterCode};

/// The best class (I..V) whose limit the value meets, otherwise 劣V. Equal to a limit meets it, and since
/// classes are tried from I upwards, a limit shared by several classes gives the best of them (COD 15 → I).
/// TP is judged on the lake column for lakes. `None` for descriptive parameters (temperature, flow, …).
pub fn classify(
    parameter: ParameterCode,
    value: &Decimal,
    water_body: WaterBody,
) -> Option<WaterClass> {
    let limits = parameter.limits(water_body)?;
    let meets = |class_index: usize| match &limits {
        ClassLimits::AtMost(limits) => *value <= limits[class_index],
        ClassLimits::AtLeast(limits) => *value >= limits[class_index],
        ClassLimits::Between(limits) => {
            let (low, high) = limits[class_index];
            low <= *value && *value <= high
        }
    };
    let met = (0..5).find(|&class_index| meets(class_index));
    Some(met.map_or(WaterClass::WorseThanV, |class_index| {
        WaterClass::ALL[class_index]
    }))
}

/// The worst class among the given statistics that have a class at all; `None` when none has.
pub fn worst_class<'a>(
    stats: impl IntoIterator<Item = (&'a ParameterCode, &'a Decimal)>,
    water_body: WaterBody,
) -> Option<WaterClass> {
    stats
        .into_iter()
        .filter_map(|(parameter, value)| classify(*parameter, value, water_body))
        .max()
}

/// Section class by the single-factor method: the worst class among the participating parameters
/// (`in_class`) that are present. TN and fecal coliform never participate. `None` without any of them.
pub fn section_class(
    stats: &BTreeMap<ParameterCode, Decimal>,
    water_body: WaterBody,
) -> Option<WaterClass> {
    worst_class(
        stats.iter().filter(|(parameter, _)| parameter.in_class()),
        water_body,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn class_of(parameter: ParameterCode, text: &str) -> Option<WaterClass> {
        classify(
            parameter,
            &Decimal::from_str_exact(text).unwrap(),
            WaterBody::River,
        )
    }

    #[test]
    fn a_limit_shared_by_several_classes_gives_the_best() {
        assert_eq!(class_of(ParameterCode::Cod, "15"), Some(WaterClass::I));
        assert_eq!(class_of(ParameterCode::Cod, "15.1"), Some(WaterClass::III));
        assert_eq!(class_of(ParameterCode::Cod, "40.0"), Some(WaterClass::V));
        assert_eq!(
            class_of(ParameterCode::Cod, "40.1"),
            Some(WaterClass::WorseThanV)
        );
    }

    #[test]
    fn dissolved_oxygen_meets_a_class_at_or_above_its_limit() {
        assert_eq!(class_of(ParameterCode::Do, "7.5"), Some(WaterClass::I));
        assert_eq!(class_of(ParameterCode::Do, "7.49"), Some(WaterClass::II));
        assert_eq!(class_of(ParameterCode::Do, "2.00"), Some(WaterClass::V));
        assert_eq!(
            class_of(ParameterCode::Do, "1.99"),
            Some(WaterClass::WorseThanV)
        );
    }

    #[test]
    fn ph_between_six_and_nine_inclusive_is_class_one_and_otherwise_worse_than_five() {
        assert_eq!(class_of(ParameterCode::Ph, "6"), Some(WaterClass::I));
        assert_eq!(class_of(ParameterCode::Ph, "9.00"), Some(WaterClass::I));
        assert_eq!(
            class_of(ParameterCode::Ph, "9.01"),
            Some(WaterClass::WorseThanV)
        );
        assert_eq!(
            class_of(ParameterCode::Ph, "5.99"),
            Some(WaterClass::WorseThanV)
        );
    }

    #[test]
    fn descriptive_parameters_have_no_class_but_total_nitrogen_has_its_own() {
        assert_eq!(class_of(ParameterCode::Flow, "12.5"), None);
        assert_eq!(class_of(ParameterCode::Temp, "20"), None);
        assert_eq!(
            class_of(ParameterCode::Tn, "3.06"),
            Some(WaterClass::WorseThanV)
        );
    }

    #[test]
    fn total_nitrogen_and_fecal_coliform_never_decide_the_section_class() {
        let stats = BTreeMap::from([
            (
                ParameterCode::Nh3n,
                Decimal::from_str_exact("0.12").unwrap(),
            ),
            (ParameterCode::Tn, Decimal::from_str_exact("9.00").unwrap()),
            (ParameterCode::FecalColiform, Decimal::from(99_999)),
            (ParameterCode::Temp, Decimal::from(30)),
        ]);
        assert_eq!(section_class(&stats, WaterBody::River), Some(WaterClass::I));
    }

    #[test]
    fn a_section_without_participating_parameters_has_no_class() {
        let stats = BTreeMap::from([
            (ParameterCode::Tn, Decimal::ONE),
            (ParameterCode::Flow, Decimal::ONE),
        ]);
        assert_eq!(section_class(&stats, WaterBody::River), None);
        assert_eq!(section_class(&BTreeMap::new(), WaterBody::Lake), None);
    }
}
