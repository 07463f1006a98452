//! Collecting validation problems with their JSON pointers: what `validate` and the per-kind
//! `rules` share, kept apart from both so that neither imports the other's helpers.

use rust_decimal::Decimal;
use serde::Serialize;

use crate::code::Code;
use crate::money::Fen;
use crate::parameter::{Direction, ParameterCode};
use crate::quality::{SectionFacts, WaterClass};

/// One problem with one field: `pointer` is a JSON Pointer into the request body
/// (`/components/0/baseline/tp`), `message` a sentence for the person who wrote it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub pointer: String,
    pub message: String,
}

#[derive(Default)]
pub(super) struct Errors {
    list: Vec<FieldError>,
}

impl Errors {
    pub(super) fn add(&mut self, pointer: String, message: String) {
        self.list.push(FieldError { pointer, message });
    }

    pub(super) fn into_list(self) -> Vec<FieldError> {
        self.list
    }
}

/// Reports problems under one component's pointer.
pub(super) struct Field<'a> {
    prefix: String,
    errors: &'a mut Errors,
}

impl<'a> Field<'a> {
    pub(super) fn new(prefix: String, errors: &'a mut Errors) -> Self {
        Self { prefix, errors }
    }

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
