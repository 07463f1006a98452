//! `?limit=&cursor=` on every list, and the `{items, next_cursor}` envelope. Cursors are opaque
//! to clients: base64url of the key to continue after.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::problem::ApiError;
use crate::store::page::{Page, PageRequest, PAGE_ITEMS_DEFAULT, PAGE_ITEMS_MAX};

/// Longest cursor accepted, in characters.
const CURSOR_LENGTH_MAX: usize = 512;

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Items per page: 1 to 1000 (larger values are clamped), default 100.
    #[param(value_type = Option<u32>, minimum = 1)]
    pub limit: Option<String>,
    /// `next_cursor` of the previous page.
    #[param(max_length = 512, pattern = "^[A-Za-z0-9_-]*$")]
    pub cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ListResponse<T> {
    pub items: Vec<T>,
    /// Pass as `cursor` to get the next page; null on the last page.
    pub next_cursor: Option<String>,
}

pub fn parse_limit(limit: Option<&str>) -> Result<u32, ApiError> {
    let Some(text) = limit else {
        return Ok(PAGE_ITEMS_DEFAULT);
    };
    let invalid = || ApiError::invalid_parameter("limit", "must be a whole number from 1 to 1000");
    if text.is_empty() || !text.bytes().all(|byte| byte.is_ascii_digit()) {
        return Err(invalid());
    }
    // Any larger whole number, however long, is clamped rather than refused.
    match text.parse::<u64>() {
        Ok(0) => Err(invalid()),
        Ok(value) => {
            Ok(u32::try_from(value.min(u64::from(PAGE_ITEMS_MAX))).unwrap_or(PAGE_ITEMS_MAX))
        }
        Err(_) if text.bytes().any(|byte| byte != b'0') => Ok(PAGE_ITEMS_MAX),
        Err(_) => Err(invalid()),
    }
}

impl ListQuery {
    /// A page request keyed by a text key (registry codes).
    pub fn page_request(&self) -> Result<PageRequest<String>, ApiError> {
        let limit = parse_limit(self.limit.as_deref())?;
        let after = self.cursor.as_deref().map(decode_cursor).transpose()?;
        Ok(PageRequest { limit, after })
    }
}

pub fn encode_cursor(key: &str) -> String {
    URL_SAFE_NO_PAD.encode(key.as_bytes())
}

pub fn decode_cursor(cursor: &str) -> Result<String, ApiError> {
    let invalid = || ApiError::invalid_parameter("cursor", "is not a cursor this server issued");
    if cursor.len() > CURSOR_LENGTH_MAX {
        return Err(invalid());
    }
    let bytes = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| invalid())?;
    let text = String::from_utf8(bytes).map_err(|_| invalid())?;
    // The cursors this server issues hold codes, instants and ids: never a control character.
    // Refusing them here also keeps U+0000 away from PostgreSQL, whose text cannot hold it.
    if text.chars().any(char::is_control) {
        return Err(invalid());
    }
    Ok(text)
}

impl<T> ListResponse<T> {
    pub fn from_page(page: Page<T, String>) -> Self {
        Self {
            items: page.items,
            next_cursor: page.next_after.as_deref().map(encode_cursor),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_default_clamp_and_refuse_zero_or_text() {
        assert_eq!(parse_limit(None).unwrap(), 100);
        assert_eq!(parse_limit(Some("5000")).unwrap(), 1000);
        assert_eq!(parse_limit(Some("7")).unwrap(), 7);
        assert!(parse_limit(Some("0")).is_err());
        assert!(parse_limit(Some("-1")).is_err());
        assert!(parse_limit(Some("ten")).is_err());
    }

    #[test]
    fn cursors_round_trip_and_garbage_is_refused() {
        assert_eq!(
            decode_cursor(&encode_cursor("gubeikou")).unwrap(),
            "gubeikou"
        );
        assert!(decode_cursor("!!!").is_err());
        // Decodes to "wI\0}]\x1a\x04k": a control character is never in a cursor we issue.
        assert!(decode_cursor("d0kAfV0aBGs").is_err());
    }
}
