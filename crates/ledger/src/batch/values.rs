//! A reading's values: known GB 3838 parameters, each an exact decimal literal within its range.

use std::collections::BTreeMap;

use basin_domain::{MeasuredValue, ParameterCode};
use serde_json::value::RawValue;

use super::{BatchErrors, FieldPath, ReadingField};

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
        match MeasuredValue::parse_for(parameter, &literal_text(raw)) {
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

/// The literal as sent: a JSON number's text, or a JSON string's contents.
fn literal_text(raw: &RawValue) -> String {
    match raw.get().strip_prefix('"') {
        Some(_) => {
            serde_json::from_str::<String>(raw.get()).unwrap_or_else(|_| raw.get().to_owned())
        }
        None => raw.get().to_owned(),
    }
}
