//! Hand-built schema pieces that several resources share: the literal patterns and the
//! number/string alternatives of values that arrive as either.

use utoipa::openapi::schema::{ObjectBuilder, Type};

/// A decimal as text, as `decimal_text` in the domain crate parses it.
pub(super) const DECIMAL_PATTERN: &str = r"^-?[0-9]+(\.[0-9]{1,6})?$";

/// A registry code, as `Code::parse` accepts it.
pub(super) const CODE_PATTERN: &str = "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$";

/// `{"type": "number", ...}` built by hand: the root crate never names a binary float type.
pub(super) fn number(minimum: Option<i64>, maximum: Option<i64>) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::Number)
        .minimum(minimum)
        .maximum(maximum)
}

/// A string schema with a pattern and one example.
pub(super) fn decimal_string(pattern: &str, example: &str) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .pattern(Some(pattern))
        .examples([example])
}
