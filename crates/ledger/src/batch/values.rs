//! A reading's values: known GB 3838 parameters, each an exact decimal literal within its range.

use std::collections::BTreeMap;

use basin_domain::{ParameterCode, ValueFlag, ValueLiteral};
use serde_json::value::RawValue;

use super::{BatchErrors, FieldPath, ReadingBody, ReadingField};

/// The values as a JSON object of code → the literal text sent, keys sorted; `None` (with every
/// problem recorded) when any value is refused.
pub(super) fn literal_values(
    errors: &mut BatchErrors,
    position: usize,
    values: &BTreeMap<String, Box<RawValue>>,
) -> Option<String> {
    if values.is_empty() {
        errors.fail(
            FieldPath::Reading {
                position,
                field: ReadingField::Values,
            },
            "a reading needs at least one value",
        );
        return None;
    }
    let mut literals = BTreeMap::new();
    let mut ok = true;
    for (code, raw) in values {
        let path = || FieldPath::Value {
            position,
            parameter: code.clone(),
        };
        let Ok(parameter) = ParameterCode::parse(code) else {
            errors.fail(path(), format!("unknown parameter {code:?} (see GB 3838-2002 codes: ph, do, codmn, nh3n, tp, tn, …)"));
            ok = false;
            continue;
        };
        match ValueLiteral::parse_for(parameter, &literal_text(raw)) {
            Ok(value) => {
                literals.insert(parameter.as_str(), value.as_str().to_owned());
            }
            Err(error) => {
                errors.fail(path(), error.to_string());
                ok = false;
            }
        }
    }
    if !ok {
        return None;
    }
    match serde_json::to_string(&literals) {
        Ok(text) => Some(text),
        Err(error) => {
            let field = ReadingField::Values;
            errors.fail(FieldPath::Reading { position, field }, error.to_string());
            None
        }
    }
}

/// The flags as a JSON object of code → letter, keys sorted; `Some(None)` without flags and
/// `None` (with every problem recorded) when any flag is refused. A flag needs a value of its
/// parameter in the same reading, and must be one of the HJ 212 letters.
pub(super) fn literal_flags(
    errors: &mut BatchErrors,
    position: usize,
    reading: &ReadingBody,
) -> Option<Option<String>> {
    let Some(flags) = reading.flags.as_ref().filter(|flags| !flags.is_empty()) else {
        return Some(None);
    };
    let mut letters = BTreeMap::new();
    let mut ok = true;
    for (code, raw) in flags {
        let path = || FieldPath::Flag {
            position,
            parameter: code.clone(),
        };
        if !reading.values.contains_key(code) {
            errors.fail(
                path(),
                format!("a flag for {code:?}, which has no value in this reading"),
            );
            ok = false;
            continue;
        }
        let letter = serde_json::from_str::<String>(raw.get()).ok();
        match letter.as_deref().map(ValueFlag::parse) {
            Some(Ok(flag)) => {
                letters.insert(code.as_str(), flag.as_str());
            }
            Some(Err(error)) => {
                errors.fail(path(), error.to_string());
                ok = false;
            }
            None => {
                errors.fail(path(), "must be a string holding one HJ 212 flag letter");
                ok = false;
            }
        }
    }
    if !ok {
        return None;
    }
    match serde_json::to_string(&letters) {
        Ok(text) => Some(Some(text)),
        Err(error) => {
            let field = ReadingField::Values;
            errors.fail(FieldPath::Reading { position, field }, error.to_string());
            None
        }
    }
}

/// The literal as sent: a JSON number's text, or a JSON string's contents.
fn literal_text(raw: &RawValue) -> String {
    match raw.get().strip_prefix('"') {
        Some(_) => {
            serde_json::from_str::<String>(raw.get()).unwrap_or_else(|_| raw.get().to_owned())
        }
        None => raw.get().to_owned(),
    }
}
