//! Validation of agreement terms into [`ValidTerms`], reporting every problem with the JSON pointer of the
//! offending field in the request body (API.md: `errors: [{pointer, message}]`).

use rust_decimal::Decimal;
use serde::Serialize;

use super::rules;
use super::valid::ValidTerms;
use super::{AgreementTerms, Component};
use crate::code::Code;
use crate::money::Fen;
use crate::parameter::{Direction, ParameterCode};
use crate::quality::{SectionFacts, WaterClass};

/// Most components one agreement version may have; every loop over them stays bounded.
pub const COMPONENTS_MAX: usize = 32;
/// Most tiers one index component may have.
pub const TIERS_MAX: usize = 32;

/// One problem with one field: `pointer` is a JSON Pointer into the request body
/// (`/components/0/baseline/tp`), `message` a sentence for the person who wrote it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub pointer: String,
    pub message: String,
}

/// Checks the terms. `section_facts` answers for the sections of the agreement's basin (the registry is
/// not reachable from here); a section it does not know is reported at its pointer.
pub fn validate(
    terms: &AgreementTerms,
    section_facts: impl Fn(&Code) -> Option<SectionFacts>,
) -> Result<ValidTerms, Vec<FieldError>> {
    let mut errors = Errors::default();
    let months_in_period = terms.period.month_count();
    let min_valid_months = terms.min_valid_months.unwrap_or(months_in_period);
    if !(1..=months_in_period).contains(&min_valid_months) {
        errors.add(
            "/min_valid_months".into(),
            format!(
                "must be between 1 and {months_in_period}, the months of a {} period",
                terms.period
            ),
        );
    }
    if terms.components.is_empty() {
        errors.add(
            "/components".into(),
            "must list at least one component".into(),
        );
    }
    if terms.components.len() > COMPONENTS_MAX {
        errors.add(
            "/components".into(),
            format!("must list at most {COMPONENTS_MAX} components"),
        );
    }
    let mut checked = Vec::new();
    for (index, component) in terms.components.iter().take(COMPONENTS_MAX).enumerate() {
        let mut field = Field {
            prefix: format!("/components/{index}"),
            errors: &mut errors,
        };
        field.section("section", component.section(), &section_facts);
        let rule = match component {
            Component::Index(terms) => rules::index(terms, &mut field),
            Component::ClassSteps(terms) => rules::class_steps(terms, &mut field, &section_facts),
            Component::Attainment(terms) => rules::attainment(terms, &mut field),
            Component::Volume(terms) => rules::volume(terms, &mut field),
            Component::Threshold(terms) => rules::threshold(terms, &mut field),
            Component::Reduction(terms) => rules::reduction(terms, &mut field),
        };
        checked.extend(rule);
    }
    if errors.list.is_empty() {
        Ok(ValidTerms {
            terms: terms.clone(),
            min_valid_months,
            rules: checked,
        })
    } else {
        Err(errors.list)
    }
}

#[derive(Default)]
pub(super) struct Errors {
    list: Vec<FieldError>,
}

impl Errors {
    fn add(&mut self, pointer: String, message: String) {
        self.list.push(FieldError { pointer, message });
    }
}

/// Reports problems under one component's pointer.
pub(super) struct Field<'a> {
    prefix: String,
    errors: &'a mut Errors,
}

impl Field<'_> {
    /// Adds an error at `prefix/path`; `path` segments are already escaped.
    pub(super) fn error(&mut self, path: &str, message: impl Into<String>) {
        let pointer = format!("{}/{path}", self.prefix);
        self.errors.add(pointer, message.into());
    }

    pub(super) fn section(
        &mut self,
        path: &str,
        section: &Code,
        section_facts: &impl Fn(&Code) -> Option<SectionFacts>,
    ) -> bool {
        let known = section_facts(section).is_some();
        if !known {
            self.error(
                path,
                format!("{section} is not a section of the agreement's basin"),
            );
        }
        known
    }

    pub(super) fn parameter(&mut self, path: &str, text: &str) -> Option<ParameterCode> {
        let parsed = ParameterCode::parse(text);
        if parsed.is_err() {
            self.error(
                path,
                format!("{text:?} is not a parameter code of gb3838.json"),
            );
        }
        parsed.ok()
    }

    /// A non-empty list of distinct parameters that have water quality classes.
    pub(super) fn classed_parameters(
        &mut self,
        path: &str,
        texts: &[String],
    ) -> Option<Vec<ParameterCode>> {
        if texts.is_empty() {
            self.error(path, "must list at least one parameter");
            return None;
        }
        let mut parameters = Vec::new();
        let mut valid = true;
        for (index, text) in texts.iter().enumerate() {
            let item = format!("{path}/{index}");
            match self.parameter(&item, text) {
                Some(parameter) if parameter.direction() == Direction::Descriptive => {
                    self.error(&item, format!("{parameter} has no water quality class"));
                    valid = false;
                }
                Some(parameter) if parameters.contains(&parameter) => {
                    self.error(&item, format!("{parameter} is listed twice"));
                    valid = false;
                }
                Some(parameter) => parameters.push(parameter),
                None => valid = false,
            }
        }
        valid.then_some(parameters)
    }

    /// Targets are classes I..V; 劣V is not a target.
    pub(super) fn target_class(&mut self, path: &str, class: WaterClass) -> bool {
        let valid = class <= WaterClass::V;
        if !valid {
            self.error(path, "a target class must be one of I, II, III, IV, V");
        }
        valid
    }

    pub(super) fn non_negative_fen(&mut self, path: &str, amount: Fen) -> bool {
        let valid = !amount.is_negative();
        if !valid {
            self.error(path, "must not be negative");
        }
        valid
    }

    pub(super) fn non_negative(&mut self, path: &str, value: Decimal) -> bool {
        let valid = !value.is_sign_negative() || value.is_zero();
        if !valid {
            self.error(path, "must not be negative");
        }
        valid
    }

    pub(super) fn positive(&mut self, path: &str, value: Decimal) -> bool {
        let valid = value > Decimal::ZERO;
        if !valid {
            self.error(path, "must be greater than 0");
        }
        valid
    }
}

/// Escapes a key for use as a JSON Pointer segment (RFC 6901: `~` → `~0`, `/` → `~1`).
pub(super) fn pointer_segment(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}
