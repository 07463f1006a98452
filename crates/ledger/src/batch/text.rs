//! Free text (names, reasons): one rule for every field that takes it.

/// Longest name or free-text field accepted, in characters.
pub const TEXT_CHARACTERS_MAX: usize = 200;

/// What is wrong with a free-text field, or `None` when it is fine.
pub fn free_text_problem(text: &str) -> Option<String> {
    if text.trim().is_empty() {
        Some("must not be empty".into())
    } else if text.chars().count() > TEXT_CHARACTERS_MAX {
        Some(format!("must be at most {TEXT_CHARACTERS_MAX} characters"))
    } else if text.chars().any(char::is_control) {
        Some("must not contain control characters".into())
    } else {
        None
    }
}
