//! The embedded GB 3838-2002 parameter table (`data/gb3838.json`, a copy of the shared reference), parsed
//! once on first use.

use std::sync::LazyLock;

use rust_decimal::Decimal;
use serde::Deserialize;

use super::{ClassLimits, Direction, ParameterCode};

const TABLE_JSON: &str = include_str!("../../data/gb3838.json");

/// Everything the table says about one parameter.
#[derive(Debug, Clone)]
pub(crate) struct ParameterDefinition {
    pub name_zh: String,
    pub name_en: String,
    pub unit: String,
    pub direction: Direction,
    pub decimals: u32,
    pub in_class: bool,
    pub river_limits: Option<ClassLimits>,
    pub lake_limits: Option<ClassLimits>,
}

#[derive(Debug, thiserror::Error)]
pub(crate) enum TableError {
    #[error("gb3838.json is not the expected JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("parameter {code}: {reason}")]
    Parameter { code: String, reason: String },
    #[error("the table lists {listed} parameters, ParameterCode knows {known}")]
    Count { listed: usize, known: usize },
}

#[derive(Deserialize)]
struct RawTable {
    parameters: Vec<RawParameter>,
}

#[derive(Deserialize)]
struct RawParameter {
    code: String,
    zh: String,
    en: String,
    unit: String,
    direction: Direction,
    #[serde(default)]
    limits: Option<serde_json::Value>,
    decimals: u32,
    in_class: bool,
}

/// Definitions in the order of `ParameterCode::ALL`, which is the order of the table.
static TABLE: LazyLock<Vec<ParameterDefinition>> = LazyLock::new(|| {
    // The table is compiled into the binary and a test proves it loads, so failure here is a build defect.
    load(TABLE_JSON).unwrap_or_else(|error| panic!("the embedded gb3838.json is invalid: {error}"))
});

pub(crate) fn definition(code: ParameterCode) -> &'static ParameterDefinition {
    &TABLE[code as usize]
}

pub(crate) fn load(json: &str) -> Result<Vec<ParameterDefinition>, TableError> {
    let raw: RawTable = serde_json::from_str(json)?;
    if raw.parameters.len() != ParameterCode::ALL.len() {
        return Err(TableError::Count {
            listed: raw.parameters.len(),
            known: ParameterCode::ALL.len(),
        });
    }
    raw.parameters
        .into_iter()
        .zip(ParameterCode::ALL)
        .map(|(parameter, code)| {
            let fail = |reason: &str| TableError::Parameter {
                code: parameter.code.clone(),
                reason: reason.to_owned(),
            };
            if parameter.code != code.as_str() {
                return Err(fail(&format!(
                    "expected {} at this position",
                    code.as_str()
                )));
            }
            let (river_limits, lake_limits) =
                limits(parameter.direction, parameter.limits.as_ref())
                    .map_err(|reason| fail(&reason))?;
            Ok(ParameterDefinition {
                name_zh: parameter.zh,
                name_en: parameter.en,
                unit: parameter.unit,
                direction: parameter.direction,
                decimals: parameter.decimals,
                in_class: parameter.in_class,
                river_limits,
                lake_limits,
            })
        })
        .collect()
}

type LimitsByWaterBody = (Option<ClassLimits>, Option<ClassLimits>);

/// Reads the limits column(s): five values, or `{river, lake}` where the two columns differ.
fn limits(
    direction: Direction,
    value: Option<&serde_json::Value>,
) -> Result<LimitsByWaterBody, String> {
    match (direction, value) {
        (Direction::Descriptive, None) => Ok((None, None)),
        (Direction::Descriptive, Some(_)) => Err("a descriptive parameter has no limits".into()),
        (_, None) => Err("limits are missing".into()),
        (_, Some(serde_json::Value::Object(columns))) => {
            let column = |name: &str| {
                columns
                    .get(name)
                    .ok_or_else(|| format!("the {name} column is missing"))
                    .and_then(|column| class_limits(direction, column))
            };
            Ok((Some(column("river")?), Some(column("lake")?)))
        }
        (_, Some(column)) => {
            let limits = class_limits(direction, column)?;
            Ok((Some(limits), Some(limits)))
        }
    }
}

fn class_limits(direction: Direction, column: &serde_json::Value) -> Result<ClassLimits, String> {
    let entries = column
        .as_array()
        .filter(|entries| entries.len() == 5)
        .ok_or("limits must list five classes")?;
    match direction {
        Direction::Max => Ok(ClassLimits::AtMost(five(entries, number)?)),
        Direction::Min => Ok(ClassLimits::AtLeast(five(entries, number)?)),
        Direction::Range => Ok(ClassLimits::Between(five(entries, |entry| {
            match entry.as_array().map(Vec::as_slice) {
                Some([low, high]) => Ok((number(low)?, number(high)?)),
                _ => Err("a range limit must be [low, high]".into()),
            }
        })?)),
        Direction::Descriptive => Err("a descriptive parameter has no limits".into()),
    }
}

fn five<T: Copy + Default>(
    entries: &[serde_json::Value],
    read: impl Fn(&serde_json::Value) -> Result<T, String>,
) -> Result<[T; 5], String> {
    let mut limits = [T::default(); 5];
    for (limit, entry) in limits.iter_mut().zip(entries) {
        *limit = read(entry)?;
    }
    Ok(limits)
}

/// Limits are decimal strings (`"0.15"`) or plain JSON integers (pH `6`); both are read exactly from text.
fn number(entry: &serde_json::Value) -> Result<Decimal, String> {
    let text = match entry {
        serde_json::Value::String(text) => text.clone(),
        serde_json::Value::Number(number) => number.to_string(),
        _ => return Err("a limit must be a number or a decimal string".into()),
    };
    Decimal::from_str_exact(&text).map_err(|error| format!("limit {text}: {error}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_table_parses_and_matches_every_parameter_code() {
        let table = load(TABLE_JSON).unwrap();
        assert_eq!(table.len(), ParameterCode::ALL.len());
        assert_eq!(TABLE.len(), ParameterCode::ALL.len());
    }

    #[test]
    fn the_embedded_table_is_the_shared_reference_copy() {
        let raw: serde_json::Value = serde_json::from_str(TABLE_JSON).unwrap();
        assert_eq!(
            raw["classes"],
            serde_json::json!(["I", "II", "III", "IV", "V", "劣V"])
        );
    }

    #[test]
    fn the_embedded_copy_matches_the_shared_reference_when_it_is_beside_the_repository() {
        // CI and developers have shared/ next to the work tree; elsewhere there is nothing to compare.
        let reference = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../../shared/reference/gb3838.json");
        if let Ok(shared) = std::fs::read_to_string(reference) {
            assert_eq!(
                shared, TABLE_JSON,
                "data/gb3838.json drifted from shared/reference/gb3838.json"
            );
        }
    }

    #[test]
    fn a_table_with_a_renamed_parameter_is_refused() {
        let renamed = TABLE_JSON.replacen("\"code\": \"ph\"", "\"code\": \"acidity\"", 1);
        assert!(matches!(load(&renamed), Err(TableError::Parameter { .. })));
    }

    #[test]
    fn a_table_with_four_limits_is_refused() {
        let short = TABLE_JSON.replacen(
            "[\"7.5\",\"6\",\"5\",\"3\",\"2\"]",
            "[\"7.5\",\"6\",\"5\",\"3\"]",
            1,
        );
        assert!(matches!(load(&short), Err(TableError::Parameter { .. })));
    }
}
