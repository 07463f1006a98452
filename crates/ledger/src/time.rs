//! The one text form of instants in responses, storage and the log: UTC, whole seconds.

use chrono::{DateTime, SecondsFormat, Utc};

/// `YYYY-MM-DDTHH:MM:SSZ`. Sub-second digits are dropped so that both backends and the log
/// hash identical bytes.
pub fn utc_text(instant: DateTime<Utc>) -> String {
    instant.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Parses an RFC 3339 instant (any offset) into UTC.
pub fn parse_instant(text: &str) -> Result<DateTime<Utc>, chrono::ParseError> {
    Ok(DateTime::parse_from_rfc3339(text)?.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instants_print_in_utc_with_whole_seconds() {
        let instant = parse_instant("2025-07-01T08:00:00.75+08:00").unwrap();
        assert_eq!(utc_text(instant), "2025-07-01T00:00:00Z");
    }
}
