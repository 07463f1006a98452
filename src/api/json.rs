//! The JSON body extractor: 400 when the body is not JSON, 413 when it is too large, 422 with a
//! JSON Pointer when it is JSON of the wrong shape (wrong types, unknown or missing fields).

use actix_web::dev::Payload;
use actix_web::error::PayloadError;
use actix_web::web::Bytes;
use actix_web::{FromRequest, HttpRequest};
use futures_util::future::LocalBoxFuture;
use serde::de::DeserializeOwned;

use super::problem::{ApiError, FieldProblem};

/// Largest request body accepted, in bytes. A batch of 5,000 readings is about 1.5 MB.
pub const REQUEST_BODY_BYTES_MAX: usize = 4 * 1024 * 1024;

/// A request body parsed as `T`, plus the exact bytes (kept as evidence where needed).
pub struct JsonBody<T> {
    pub value: T,
    pub bytes: Bytes,
}

impl<T: DeserializeOwned + 'static> FromRequest for JsonBody<T> {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(request: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let bytes = Bytes::from_request(request, payload);
        Box::pin(async move {
            let bytes = bytes.await.map_err(|error| payload_error(&error))?;
            let value = parse_json(&bytes)?;
            Ok(Self { value, bytes })
        })
    }
}

/// A request body read but not yet parsed, for a handler that must authenticate first and parses
/// with [`parse_json`] inside the same blocking call (the limits and errors are those above).
pub struct RawBody(pub Bytes);

impl FromRequest for RawBody {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(request: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let bytes = Bytes::from_request(request, payload);
        Box::pin(async move { Ok(Self(bytes.await.map_err(|error| payload_error(&error))?)) })
    }
}

fn payload_error(error: &actix_web::Error) -> ApiError {
    match error.as_error::<PayloadError>() {
        Some(PayloadError::Overflow) => ApiError::PayloadTooLarge {
            limit_bytes: REQUEST_BODY_BYTES_MAX,
        },
        _ => ApiError::BadRequest(format!("the request body could not be read: {error}")),
    }
}

/// Parses once into `T`. Syntax errors (400) and shape errors (422 with a pointer) still differ:
/// a shape error is re-checked for a syntax error anywhere in the body, which decides. Building a
/// `serde_json::Value` of every body first cost more than the rest of a 1,000-reading batch's
/// handling (allocations for every string, and a pointer string for every member walked).
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let text = std::str::from_utf8(bytes)
        .map_err(|_| ApiError::BadRequest("the request body is not UTF-8".into()))?;
    // No field of this API holds U+0000, and PostgreSQL text cannot store it: refuse it here,
    // naming the field, instead of letting it reach a query. JSON carries it only escaped, so
    // only a body containing `\u0000` needs the walk that finds it.
    if text.contains("\\u0000") {
        let value = serde_json::from_str::<serde_json::Value>(text).map_err(not_json)?;
        if let Some(pointer) = pointer_to_nul(&value, String::new()) {
            return Err(ApiError::invalid_field(
                &pointer,
                "must not contain the character U+0000",
            ));
        }
    }
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        if let Err(syntax) = serde_json::from_str::<serde::de::IgnoredAny>(text) {
            return not_json(syntax);
        }
        let pointer = pointer_of(&error);
        let message = clean_message(&error.inner().to_string());
        ApiError::invalid(vec![FieldProblem::pointer(pointer, message)])
    })?;
    // Trailing characters after the value make the body not JSON.
    deserializer.end().map_err(not_json)?;
    Ok(value)
}

fn not_json(error: serde_json::Error) -> ApiError {
    ApiError::BadRequest(format!("the request body is not JSON: {error}"))
}

/// Turns serde's path into a JSON Pointer; unknown and missing fields point at the field itself.
fn pointer_of(error: &serde_path_to_error::Error<serde_json::Error>) -> String {
    use serde_path_to_error::Segment;
    let mut pointer = String::new();
    for segment in error.path().iter() {
        match segment {
            Segment::Seq { index } => pointer.push_str(&format!("/{index}")),
            Segment::Map { key } | Segment::Enum { variant: key } => {
                pointer.push('/');
                pointer.push_str(&escape_pointer_token(key));
            }
            Segment::Unknown => {}
        }
    }
    let message = error.inner().to_string();
    for prefix in ["unknown field `", "missing field `"] {
        if let Some(rest) = message.strip_prefix(prefix) {
            if let Some(field) = rest.split('`').next() {
                if !pointer.ends_with(&format!("/{}", escape_pointer_token(field))) {
                    pointer.push('/');
                    pointer.push_str(&escape_pointer_token(field));
                }
            }
        }
    }
    if pointer.is_empty() {
        "/".to_owned()
    } else {
        pointer
    }
}

/// The pointer of the first string or key that contains U+0000, if any.
fn pointer_to_nul(value: &serde_json::Value, pointer: String) -> Option<String> {
    match value {
        serde_json::Value::String(text) if text.contains('\0') => Some(if pointer.is_empty() {
            "/".into()
        } else {
            pointer
        }),
        serde_json::Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(index, item)| pointer_to_nul(item, format!("{pointer}/{index}"))),
        serde_json::Value::Object(members) => members.iter().find_map(|(key, member)| {
            let here = format!("{pointer}/{}", escape_pointer_token(key));
            if key.contains('\0') {
                Some(here)
            } else {
                pointer_to_nul(member, here)
            }
        }),
        _ => None,
    }
}

/// RFC 6901: `~` becomes `~0` and `/` becomes `~1`.
pub fn escape_pointer_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// serde appends " at line L column C"; the pointer already says where.
fn clean_message(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(position) => message[..position].to_owned(),
        None => message.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Outer {
        code: String,
        items: Vec<Inner>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Inner {
        count: u32,
    }

    fn problem_of(body: &str) -> (u16, Vec<FieldProblem>) {
        use actix_web::ResponseError;
        let error = parse_json::<Outer>(body.as_bytes()).unwrap_err();
        let problem = error.problem();
        (error.status_code().as_u16(), problem.errors)
    }

    #[test]
    fn a_wrong_type_deep_in_the_body_points_at_it() {
        let (status, errors) = problem_of(r#"{"code":"a","items":[{"count":1},{"count":"x"}]}"#);
        assert_eq!(status, 422);
        assert_eq!(errors[0].pointer.as_deref(), Some("/items/1/count"));
    }

    #[test]
    fn unknown_and_missing_fields_point_at_the_field() {
        let (_, errors) = problem_of(r#"{"code":"a","items":[],"extra":1}"#);
        assert_eq!(errors[0].pointer.as_deref(), Some("/extra"));
        assert!(
            errors[0].message.contains("unknown field"),
            "{}",
            errors[0].message
        );
        let (_, errors) = problem_of(r#"{"items":[]}"#);
        assert_eq!(errors[0].pointer.as_deref(), Some("/code"));
    }

    #[test]
    fn malformed_json_and_non_utf8_are_bad_requests() {
        use actix_web::ResponseError;
        assert_eq!(
            parse_json::<Outer>(b"{\"code\":")
                .unwrap_err()
                .status_code()
                .as_u16(),
            400
        );
        assert_eq!(
            parse_json::<Outer>(&[0xff, 0xfe])
                .unwrap_err()
                .status_code()
                .as_u16(),
            400
        );
    }

    #[test]
    fn a_syntax_error_after_a_shape_error_and_trailing_characters_are_bad_requests() {
        use actix_web::ResponseError;
        let status = |body: &str| {
            parse_json::<Outer>(body.as_bytes())
                .unwrap_err()
                .status_code()
                .as_u16()
        };
        assert_eq!(status(r#"{"code":1,"items":[}"#), 400);
        assert_eq!(status(r#"{"code":"a","items":[]} x"#), 400);
        assert_eq!(status(r#"{"code":"a","items":[]}{}"#), 400);
    }

    #[test]
    fn a_nul_character_anywhere_is_refused_at_its_pointer() {
        let (status, errors) =
            problem_of(r#"{"code":"a","items":[{"count":1}],"x":{"y":["ok","bad\u0000"]}}"#);
        assert_eq!(status, 422);
        assert_eq!(errors[0].pointer.as_deref(), Some("/x/y/1"));
        let (_, errors) = problem_of(r#"{"code":"a\u0000","items":[]}"#);
        assert_eq!(errors[0].pointer.as_deref(), Some("/code"));
    }

    #[test]
    fn pointer_tokens_escape_tilde_and_slash() {
        assert_eq!(escape_pointer_token("a/b~c"), "a~1b~0c");
    }
}
