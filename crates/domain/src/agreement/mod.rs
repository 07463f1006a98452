//! Agreement terms: the component kinds of compensation.md §5 as request types, and their validation.

use serde::Deserialize;

mod exceedance;
mod field;
mod rule_decimal;
mod rules;
mod terms;
pub(crate) mod valid;
mod validate;

pub use field::FieldError;
pub use rule_decimal::RuleDecimal;
pub use rules::TIERS_MAX;
pub use terms::{
    AgreementTerms, AttainmentTerms, Band, ClassStepsTerms, Component, ComponentKind,
    ExceedanceTerms, IndexTerms, ReductionTerms, ThresholdTerms, Tier, VolumeTerms,
};
pub use valid::ValidTerms;
pub use validate::{validate, COMPONENTS_MAX};

/// Deserialises a `components` array element by element, so that a serde error (unknown kind or field,
/// wrong type) is reported at the pointer of the component it concerns (`/components/2`).
pub fn parse_components(components: &serde_json::Value) -> Result<Vec<Component>, Vec<FieldError>> {
    let Some(items) = components.as_array() else {
        return Err(vec![FieldError {
            pointer: "/components".into(),
            message: "must be an array of components".into(),
        }]);
    };
    let mut parsed = Vec::new();
    let mut errors = Vec::new();
    for (index, item) in items.iter().enumerate() {
        match Component::deserialize(item) {
            Ok(component) => parsed.push(component),
            Err(error) => errors.push(FieldError {
                pointer: format!("/components/{index}"),
                message: error.to_string(),
            }),
        }
    }
    if errors.is_empty() {
        Ok(parsed)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests;
