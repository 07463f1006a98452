//! A small reader of Rust source text: enough to know which paths a file names, on which line,
//! from which (inline) module, and whether that code only exists under `#[cfg(test)]`. It is a
//! text scan, not a compiler: comments and literals are dropped so that prose and strings never
//! count as imports, and `use` trees are expanded so `use std::{fs, io}` names `std::fs`.

/// One token of code: an identifier (keywords included) or a punctuation mark (`::` is one).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Token {
    text: String,
    line: usize,
}

/// Something a file names, with where it was found.
#[derive(Debug, Clone)]
pub struct Reference {
    /// The path as written (`super`, `self`, `crate` kept), or one identifier.
    pub segments: Vec<String>,
    /// The name a `use` binds (its last segment or its `as` rename); `None` for inline paths,
    /// globs and single identifiers.
    pub alias: Option<String>,
    /// True for `use` declarations, false for paths written in code.
    pub is_use: bool,
    pub line: usize,
    /// The module the code is in, relative to the file's own module (inline `mod x { }` names).
    pub inline_module: Vec<String>,
    /// Inside a `#[cfg(test)]` item.
    pub in_test: bool,
}

/// What a file names and which child module files it declares (`mod x;`).
#[derive(Debug, Default)]
pub struct Scanned {
    pub references: Vec<Reference>,
    /// Identifiers with their line and test flag, for rules about names rather than paths.
    pub identifiers: Vec<(String, usize, bool)>,
    pub child_modules: Vec<(String, bool)>,
}

fn is_identifier_start(character: char) -> bool {
    character.is_alphabetic() || character == '_'
}

fn is_identifier_continue(character: char) -> bool {
    character.is_alphanumeric() || character == '_'
}

/// Splits code into tokens, dropping comments, string, byte-string, raw-string and character
/// literals, and keeping line numbers.
fn tokenize(text: &str) -> Vec<Token> {
    let characters: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut line = 1;
    let mut index = 0;
    let count = characters.len();
    let at = |position: usize| characters.get(position).copied().unwrap_or('\0');
    while index < count {
        let character = characters[index];
        if character == '\n' {
            line += 1;
            index += 1;
        } else if character.is_whitespace() {
            index += 1;
        } else if character == '/' && at(index + 1) == '/' {
            while index < count && characters[index] != '\n' {
                index += 1;
            }
        } else if character == '/' && at(index + 1) == '*' {
            let mut depth = 0;
            while index < count {
                if characters[index] == '/' && at(index + 1) == '*' {
                    depth += 1;
                    index += 2;
                } else if characters[index] == '*' && at(index + 1) == '/' {
                    depth -= 1;
                    index += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    if characters[index] == '\n' {
                        line += 1;
                    }
                    index += 1;
                }
            }
        } else if character == '"' {
            index = skip_string(&characters, index + 1, &mut line);
        } else if (character == 'r' || character == 'b')
            && (at(index + 1) == '"' || at(index + 1) == '#' || at(index + 1) == 'r')
            && literal_prefix(&characters, index)
        {
            index = skip_prefixed_literal(&characters, index, &mut line);
        } else if character == '\'' {
            if at(index + 1) == '\\' {
                // An escaped character literal: skip to its closing quote.
                index += 2;
                while index < count && characters[index] != '\'' {
                    index += 1;
                }
                index += 1;
            } else if at(index + 2) == '\'' {
                index += 3;
            } else {
                // A lifetime or label: the quote alone, the name follows as an identifier.
                index += 1;
            }
        } else if is_identifier_start(character) || character.is_ascii_digit() {
            let start = index;
            while index < count && is_identifier_continue(characters[index]) {
                index += 1;
            }
            tokens.push(Token {
                text: characters[start..index].iter().collect(),
                line,
            });
        } else if character == ':' && at(index + 1) == ':' {
            tokens.push(Token {
                text: "::".into(),
                line,
            });
            index += 2;
        } else {
            tokens.push(Token {
                text: character.to_string(),
                line,
            });
            index += 1;
        }
    }
    tokens
}

/// True when the `r`/`b`/`br` at `index` starts a literal rather than an identifier such as
/// `range` or `b2`.
fn literal_prefix(characters: &[char], index: usize) -> bool {
    if index > 0 && is_identifier_continue(characters[index - 1]) {
        return false;
    }
    let mut position = index;
    while position < characters.len()
        && (characters[position] == 'r' || characters[position] == 'b')
    {
        position += 1;
        if position - index > 2 {
            return false;
        }
    }
    while position < characters.len() && characters[position] == '#' {
        position += 1;
    }
    characters.get(position) == Some(&'"')
}

fn skip_string(characters: &[char], mut index: usize, line: &mut usize) -> usize {
    while index < characters.len() {
        match characters[index] {
            '\\' => index += 2,
            '"' => return index + 1,
            '\n' => {
                *line += 1;
                index += 1;
            }
            _ => index += 1,
        }
    }
    index
}

fn skip_prefixed_literal(characters: &[char], mut index: usize, line: &mut usize) -> usize {
    let mut raw = false;
    while characters[index] == 'r' || characters[index] == 'b' {
        raw |= characters[index] == 'r';
        index += 1;
    }
    if !raw {
        return skip_string(characters, index + 1, line);
    }
    let mut hashes = 0;
    while characters[index] == '#' {
        hashes += 1;
        index += 1;
    }
    index += 1;
    while index < characters.len() {
        if characters[index] == '\n' {
            *line += 1;
        }
        if characters[index] == '"'
            && characters[index + 1..]
                .iter()
                .take(hashes)
                .filter(|&&character| character == '#')
                .count()
                == hashes
        {
            return index + 1 + hashes;
        }
        index += 1;
    }
    index
}

fn is_identifier(token: &Token) -> bool {
    token.text.chars().next().is_some_and(is_identifier_start)
}

/// Expands one `use` tree (the tokens after `use`, before `;`) into (path, bound name) pairs.
fn expand_use_tree(
    tokens: &[Token],
    position: &mut usize,
    prefix: &[String],
    out: &mut Vec<(Vec<String>, Option<String>)>,
) {
    let mut segments = prefix.to_vec();
    while let Some(token) = tokens.get(*position) {
        match token.text.as_str() {
            "::" => *position += 1,
            "{" => {
                *position += 1;
                while let Some(inner) = tokens.get(*position) {
                    match inner.text.as_str() {
                        "}" => {
                            *position += 1;
                            break;
                        }
                        "," => *position += 1,
                        _ => expand_use_tree(tokens, position, &segments, out),
                    }
                }
                return;
            }
            "*" => {
                *position += 1;
                out.push((segments, None));
                return;
            }
            _ if is_identifier(token) => {
                *position += 1;
                if token.text == "self" && !segments.is_empty() {
                    // `use a::b::{self}` binds `b` itself.
                } else {
                    segments.push(token.text.clone());
                }
                if tokens.get(*position).is_some_and(|next| next.text == "::") {
                    continue;
                }
                let mut alias = segments.last().cloned();
                if tokens.get(*position).is_some_and(|next| next.text == "as") {
                    alias = tokens.get(*position + 1).map(|name| name.text.clone());
                    *position += 2;
                }
                out.push((segments, alias));
                return;
            }
            _ => {
                // Anything else (a stray mark) ends this branch of the tree.
                *position += 1;
                return;
            }
        }
    }
}

/// What an open brace belongs to, so the matching close brace knows what it ends.
enum Block {
    Module { name: String, test: bool },
    Test,
    Plain,
}

/// Reads one file's text.
pub fn scan(text: &str) -> Scanned {
    let tokens = tokenize(text);
    let mut scanned = Scanned::default();
    let mut blocks: Vec<Block> = Vec::new();
    let mut pending_test = false;
    let mut pending_module: Option<String> = None;
    let mut index = 0;
    while index < tokens.len() {
        let token = &tokens[index];
        let enclosing_test = blocks.iter().any(|block| match block {
            Block::Module { test, .. } => *test,
            Block::Test => true,
            Block::Plain => false,
        });
        let in_test = enclosing_test || pending_test;
        let inline_module: Vec<String> = blocks
            .iter()
            .filter_map(|block| match block {
                Block::Module { name, .. } => Some(name.clone()),
                _ => None,
            })
            .collect();
        let text_at = |offset: usize| tokens.get(index + offset).map(|t| t.text.as_str());
        if token.text == "#"
            && text_at(1) == Some("[")
            && text_at(2) == Some("cfg")
            && text_at(3) == Some("(")
            && text_at(4) == Some("test")
            && text_at(5) == Some(")")
        {
            pending_test = true;
            index += 7;
            continue;
        }
        match token.text.as_str() {
            "use" => {
                let end = tokens[index..]
                    .iter()
                    .position(|t| t.text == ";")
                    .map_or(tokens.len(), |offset| index + offset);
                let mut expanded = Vec::new();
                let mut position = 0;
                expand_use_tree(&tokens[index + 1..end], &mut position, &[], &mut expanded);
                for (segments, alias) in expanded {
                    scanned.references.push(Reference {
                        segments,
                        alias,
                        is_use: true,
                        line: token.line,
                        inline_module: inline_module.clone(),
                        in_test,
                    });
                }
                for identifier in tokens[index + 1..end].iter().filter(|t| is_identifier(t)) {
                    scanned
                        .identifiers
                        .push((identifier.text.clone(), identifier.line, in_test));
                }
                pending_test = false;
                index = end + 1;
                continue;
            }
            "mod" if text_at(1).is_some() => {
                let name = tokens[index + 1].text.clone();
                if text_at(2) == Some(";") {
                    if inline_module.is_empty() {
                        scanned.child_modules.push((name, in_test));
                    }
                    pending_test = false;
                    index += 3;
                    continue;
                }
                pending_module = Some(name);
                index += 2;
                continue;
            }
            "{" => {
                blocks.push(match pending_module.take() {
                    Some(name) => Block::Module {
                        name,
                        test: in_test,
                    },
                    None if pending_test => Block::Test,
                    None => Block::Plain,
                });
                pending_test = false;
            }
            "}" => {
                blocks.pop();
            }
            ";" => pending_test = false,
            _ if is_identifier(token) => {
                scanned
                    .identifiers
                    .push((token.text.clone(), token.line, in_test));
                let preceded_by_path = index > 0 && tokens[index - 1].text == "::";
                if !preceded_by_path && text_at(1) == Some("::") {
                    let mut segments = vec![token.text.clone()];
                    let mut next = index + 1;
                    while tokens.get(next).is_some_and(|t| t.text == "::")
                        && tokens.get(next + 1).is_some_and(is_identifier)
                    {
                        segments.push(tokens[next + 1].text.clone());
                        next += 2;
                    }
                    if segments.len() > 1 {
                        scanned.references.push(Reference {
                            segments,
                            alias: None,
                            is_use: false,
                            line: token.line,
                            inline_module,
                            in_test,
                        });
                    }
                }
            }
            _ => {}
        }
        index += 1;
    }
    scanned
}
