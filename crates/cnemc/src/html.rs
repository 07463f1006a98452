//! Just enough HTML for the publishing API's cells: `<span ... title='原始值：8.20217'>8.20</span>`,
//! `水温<br/><span class='unit'>(℃)</span>`. The cells are machine-written and never nest spans,
//! so a full HTML parser would add a dependency for nothing.

/// The text of a cell with every tag removed and entities decoded.
pub(crate) fn text_content(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        text.push_str(&rest[..open]);
        match rest[open..].find('>') {
            Some(close) => rest = &rest[open + close + 1..],
            // A `<` that opens no tag is text.
            None => {
                text.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    text.push_str(rest);
    decode_entities(text.trim())
}

/// The `title` attribute of the cell's first tag (the tooltip), entities decoded.
pub(crate) fn first_title(html: &str) -> Option<String> {
    let open = html.find('<')?;
    let tag = &html[open..open + html[open..].find('>')?];
    let after_name = &tag[tag.find("title=")? + "title=".len()..];
    let quote = after_name
        .chars()
        .next()
        .filter(|quote| *quote == '\'' || *quote == '"')?;
    let value = &after_name[1..];
    let end = value.find(quote)?;
    Some(decode_entities(&value[..end]))
}

/// Decodes the entities the API writes (`&#10;` between city and river) and the five XML ones.
/// An unknown entity stays as written rather than being guessed at.
pub(crate) fn decode_entities(text: &str) -> String {
    let mut decoded = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(ampersand) = rest.find('&') {
        decoded.push_str(&rest[..ampersand]);
        let candidate = &rest[ampersand..];
        let entity = candidate
            .find(';')
            .and_then(|end| Some((entity_character(&candidate[1..end])?, end)));
        match entity {
            Some((character, end)) => {
                decoded.push(character);
                rest = &candidate[end + 1..];
            }
            None => {
                decoded.push('&');
                rest = &candidate[1..];
            }
        }
    }
    decoded.push_str(rest);
    decoded
}

fn entity_character(name: &str) -> Option<char> {
    match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        "nbsp" => Some(' '),
        _ => {
            let number = name.strip_prefix('#')?;
            let code = match number.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => number.parse().ok()?,
            };
            char::from_u32(code)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_stripped_from_headers_and_cells() {
        assert_eq!(
            text_content("水温<br/><span class='unit'>(℃)</span>"),
            "水温(℃)"
        );
        assert_eq!(
            text_content("<span data-toggle='tooltip' title='原始值：8.20217'>8.20</span>"),
            "8.20"
        );
        assert_eq!(text_content(" 正常 "), "正常");
        assert_eq!(text_content("a < b"), "a < b");
    }

    #[test]
    fn the_tooltip_title_is_read_with_either_quote_and_entities_decoded() {
        let name = "<span data-toggle='tooltip' data-placement='right' title='所在地市:门头沟区&#10;所属河流:永定河'>沿河城</span>";
        assert_eq!(
            first_title(name).as_deref(),
            Some("所在地市:门头沟区\n所属河流:永定河")
        );
        assert_eq!(
            first_title("<span title=\"原始值：0.16\">0.160</span>").as_deref(),
            Some("原始值：0.16")
        );
        assert_eq!(first_title("0.160"), None);
        assert_eq!(first_title("<span class='x'>0.160</span>"), None);
    }

    #[test]
    fn unknown_entities_are_left_as_written() {
        assert_eq!(
            decode_entities("a &amp; b &#x41; &bogus; &"),
            "a & b A &bogus; &"
        );
    }
}
