//! Which field of a batch broke which rule. Typed, so that the HTTP layer alone decides how a
//! field is written (a JSON Pointer in problem+json) and the verifier can name it in words.

use std::fmt;

/// A field of one reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadingField {
    Section,
    SampledAt,
    Values,
    Status,
    Reason,
    Revises,
}

impl ReadingField {
    pub fn name(self) -> &'static str {
        match self {
            Self::Section => "section",
            Self::SampledAt => "sampled_at",
            Self::Values => "values",
            Self::Status => "status",
            Self::Reason => "reason",
            Self::Revises => "revises",
        }
    }
}

/// Where in the batch body a problem is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldPath {
    BatchId,
    Station,
    Readings,
    Reading {
        position: usize,
        field: ReadingField,
    },
    /// One value of a reading, by the parameter code as sent.
    Value {
        position: usize,
        parameter: String,
    },
    /// One per-value flag of a reading, by the parameter code as sent.
    Flag {
        position: usize,
        parameter: String,
    },
}

impl FieldPath {
    /// The path's member names and positions, outermost first (unescaped).
    pub fn segments(&self) -> Vec<String> {
        match self {
            Self::BatchId => vec!["batch_id".into()],
            Self::Station => vec!["station".into()],
            Self::Readings => vec!["readings".into()],
            Self::Reading { position, field } => {
                vec!["readings".into(), position.to_string(), field.name().into()]
            }
            Self::Value {
                position,
                parameter,
            } => vec![
                "readings".into(),
                position.to_string(),
                "values".into(),
                parameter.clone(),
            ],
            Self::Flag {
                position,
                parameter,
            } => vec![
                "readings".into(),
                position.to_string(),
                "flags".into(),
                parameter.clone(),
            ],
        }
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.segments().join("."))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub path: FieldPath,
    pub message: String,
}

/// Every problem found in one batch, in body order.
#[derive(Debug, Clone, Default, PartialEq, Eq, thiserror::Error)]
#[error("{}", .0.iter().map(|error| format!("{}: {}", error.path, error.message)).collect::<Vec<_>>().join("; "))]
pub struct BatchErrors(pub Vec<FieldError>);

impl BatchErrors {
    pub fn fail(&mut self, path: FieldPath, message: impl Into<String>) {
        self.0.push(FieldError {
            path,
            message: message.into(),
        });
    }

    pub fn finish(self) -> Result<(), Self> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(self)
        }
    }
}
