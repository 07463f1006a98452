//! The logs a witness cosigns for: one `log <vkey>` line each (the tlog-policy line form, without
//! the optional URL), the origin being the vkey's name. Empty lines and `#` comments are allowed.

use std::collections::BTreeMap;

use ed25519_dalek::VerifyingKey;

use crate::note::{parse_vkey, NoteError};

/// A logs file names a handful of logs; a bound keeps a mistaken file from becoming a big map.
pub const WITNESSED_LOGS_MAX: usize = 1000;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LogsFileError {
    #[error("line {line}: expected `log <vkey>`")]
    BadLine { line: usize },
    #[error("line {line}: {source}")]
    BadKey {
        line: usize,
        #[source]
        source: NoteError,
    },
    #[error("line {line}: the log {origin} is listed twice")]
    Duplicate { line: usize, origin: String },
    #[error("the file lists no log")]
    Empty,
    #[error("the file lists more than {WITNESSED_LOGS_MAX} logs")]
    TooMany,
}

/// The origins a witness knows and the key that signs each one's checkpoints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WitnessedLogs {
    keys: BTreeMap<String, VerifyingKey>,
}

impl WitnessedLogs {
    /// Parses the logs file text.
    pub fn parse(text: &str) -> Result<Self, LogsFileError> {
        let mut keys = BTreeMap::new();
        for (index, line) in text.lines().enumerate() {
            let line_number = index + 1;
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let mut words = line.split_whitespace();
            let (Some("log"), Some(vkey), None) = (words.next(), words.next(), words.next()) else {
                return Err(LogsFileError::BadLine { line: line_number });
            };
            let (origin, key) = parse_vkey(vkey).map_err(|source| LogsFileError::BadKey {
                line: line_number,
                source,
            })?;
            if keys.contains_key(&origin) {
                return Err(LogsFileError::Duplicate {
                    line: line_number,
                    origin,
                });
            }
            if keys.len() == WITNESSED_LOGS_MAX {
                return Err(LogsFileError::TooMany);
            }
            keys.insert(origin, key);
        }
        if keys.is_empty() {
            return Err(LogsFileError::Empty);
        }
        Ok(Self { keys })
    }

    /// The key of the log named `origin`, if this witness knows it.
    pub fn key(&self, origin: &str) -> Option<&VerifyingKey> {
        self.keys.get(origin)
    }

    /// Every known origin, in order.
    pub fn origins(&self) -> impl Iterator<Item = &str> {
        self.keys.keys().map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::note::vkey;
    use ed25519_dalek::SigningKey;

    #[test]
    fn a_logs_file_maps_origins_to_keys() {
        let key = SigningKey::from_bytes(&[1; 32]).verifying_key();
        let line = format!("log {}", vkey("example.com/log", &key).unwrap());
        let logs = WitnessedLogs::parse(&format!("# Beijing\n\n{line}\n")).unwrap();
        assert_eq!(logs.key("example.com/log"), Some(&key));
        assert_eq!(logs.key("example.com/other"), None);
        assert_eq!(
            WitnessedLogs::parse(&format!("{line}\n{line}\n")),
            Err(LogsFileError::Duplicate {
                line: 2,
                origin: "example.com/log".into()
            })
        );
        assert_eq!(
            WitnessedLogs::parse("witness x y\n"),
            Err(LogsFileError::BadLine { line: 1 })
        );
        assert_eq!(WitnessedLogs::parse("\n"), Err(LogsFileError::Empty));
    }
}
