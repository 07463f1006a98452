//! The policy file's line format (c2sp.org/tlog-policy, "Policy file syntax and structure"):
//! `log <vkey> [<url>]`, `witness <name> <vkey> [<url>]`, `group <name> all|any|<k> <name>…`
//! and exactly one `quorum <name>`; names are defined before they are used, `none` is
//! predefined, and nothing is listed twice.

use std::collections::BTreeMap;

use super::{Group, Member, Policy, PolicyLog, PolicyWitness};
use crate::note::{parse_cosigner_vkey, parse_decimal, parse_vkey, NoteError};

/// A policy is a short hand-written file; anything larger is a mistake.
pub const POLICY_BYTES_MAX: usize = 64 * 1024;

/// The spec recommends supporting at least 32 logs, witnesses and groups; this caps each at 64.
pub const POLICY_NAMES_MAX: usize = 64;

/// The predefined name of the empty quorum.
const NONE: &str = "none";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("policy line {line}: {kind}")]
pub struct PolicyError {
    /// 1-based; 0 for the file as a whole.
    pub line: usize,
    pub kind: PolicyErrorKind,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyErrorKind {
    #[error("the policy is larger than {POLICY_BYTES_MAX} bytes")]
    TooLarge,
    #[error("a control character other than tab and newline")]
    ControlCharacter,
    #[error("unknown keyword {0:?} (expected log, witness, group or quorum)")]
    UnknownKeyword(String),
    #[error("expected {0}")]
    Shape(&'static str),
    #[error("bad vkey: {0}")]
    BadKey(NoteError),
    #[error("the key is listed twice (once on line {0})")]
    DuplicateKey(usize),
    #[error("the name {0:?} is defined twice")]
    DuplicateName(String),
    #[error("the name {0:?} is reserved")]
    ReservedName(String),
    #[error("the name {0:?} is not defined on an earlier line")]
    UndefinedName(String),
    #[error("the member {0:?} is listed twice")]
    DuplicateMember(String),
    #[error("the threshold {0:?} must be all, any or a decimal from 1 to the member count")]
    BadThreshold(String),
    #[error("more than {POLICY_NAMES_MAX} {0}")]
    TooMany(&'static str),
    #[error("a second quorum line")]
    SecondQuorum,
    #[error("the policy has no quorum line")]
    NoQuorum,
}

#[derive(Default)]
struct Builder {
    logs: Vec<PolicyLog>,
    witnesses: Vec<PolicyWitness>,
    groups: Vec<Group>,
    names: BTreeMap<String, Member>,
    /// Public key bytes → the line that listed them: no key may appear twice.
    keys: BTreeMap<[u8; 32], usize>,
    quorum: Option<Option<Member>>,
}

impl Policy {
    /// Parses a policy file strictly.
    pub fn parse(text: &str) -> Result<Self, PolicyError> {
        let whole = |kind| PolicyError { line: 0, kind };
        if text.len() > POLICY_BYTES_MAX {
            return Err(whole(PolicyErrorKind::TooLarge));
        }
        let mut builder = Builder::default();
        for (index, line) in text.split('\n').enumerate() {
            let at = |kind| PolicyError {
                line: index + 1,
                kind,
            };
            if line
                .chars()
                .any(|c| (u32::from(c) < 0x20 && c != '\t') || c == '\u{7f}')
            {
                return Err(at(PolicyErrorKind::ControlCharacter));
            }
            // Whitespace is ASCII space and tab only.
            let words: Vec<&str> = line
                .split([' ', '\t'])
                .filter(|word| !word.is_empty())
                .collect();
            match words.first() {
                None => continue,
                Some(word) if word.starts_with('#') => continue,
                Some(_) => builder.line(index + 1, &words).map_err(at)?,
            }
        }
        let quorum = builder.quorum.ok_or(whole(PolicyErrorKind::NoQuorum))?;
        Ok(Self {
            logs: builder.logs,
            witnesses: builder.witnesses,
            groups: builder.groups,
            quorum,
        })
    }
}

impl Builder {
    fn line(&mut self, line: usize, words: &[&str]) -> Result<(), PolicyErrorKind> {
        match words {
            ["log", vkey] => self.log(line, vkey, None),
            ["log", vkey, url] => self.log(line, vkey, Some(url)),
            ["log", ..] => Err(PolicyErrorKind::Shape("log <vkey> [<url>]")),
            ["witness", name, vkey] => self.witness(line, name, vkey, None),
            ["witness", name, vkey, url] => self.witness(line, name, vkey, Some(url)),
            ["witness", ..] => Err(PolicyErrorKind::Shape("witness <name> <vkey> [<url>]")),
            ["group", name, threshold, members @ ..] if !members.is_empty() => {
                self.group(name, threshold, members)
            }
            ["group", ..] => Err(PolicyErrorKind::Shape(
                "group <name> all|any|<k> <member>...",
            )),
            ["quorum", name] => self.quorum(name),
            ["quorum", ..] => Err(PolicyErrorKind::Shape("quorum <name>")),
            [keyword, ..] => Err(PolicyErrorKind::UnknownKeyword((*keyword).to_owned())),
            [] => Ok(()),
        }
    }

    fn key_once(
        &mut self,
        line: usize,
        key: &ed25519_dalek::VerifyingKey,
    ) -> Result<(), PolicyErrorKind> {
        if let Some(first) = self.keys.insert(key.to_bytes(), line) {
            return Err(PolicyErrorKind::DuplicateKey(first));
        }
        Ok(())
    }

    fn log(&mut self, line: usize, vkey: &str, url: Option<&str>) -> Result<(), PolicyErrorKind> {
        let (origin, public_key) = parse_vkey(vkey).map_err(PolicyErrorKind::BadKey)?;
        self.key_once(line, &public_key)?;
        if self.logs.len() == POLICY_NAMES_MAX {
            return Err(PolicyErrorKind::TooMany("logs"));
        }
        self.logs.push(PolicyLog {
            origin,
            public_key,
            url: url.map(str::to_owned),
        });
        Ok(())
    }

    fn define(&mut self, name: &str, member: Member) -> Result<(), PolicyErrorKind> {
        if name == NONE {
            return Err(PolicyErrorKind::ReservedName(name.to_owned()));
        }
        if self.names.insert(name.to_owned(), member).is_some() {
            return Err(PolicyErrorKind::DuplicateName(name.to_owned()));
        }
        Ok(())
    }

    fn witness(
        &mut self,
        line: usize,
        name: &str,
        vkey: &str,
        url: Option<&str>,
    ) -> Result<(), PolicyErrorKind> {
        let (key_name, public_key) = parse_cosigner_vkey(vkey).map_err(PolicyErrorKind::BadKey)?;
        if self.witnesses.len() == POLICY_NAMES_MAX {
            return Err(PolicyErrorKind::TooMany("witnesses"));
        }
        self.define(name, Member::Witness(self.witnesses.len()))?;
        self.key_once(line, &public_key)?;
        self.witnesses.push(PolicyWitness {
            name: name.to_owned(),
            key_name,
            public_key,
            url: url.map(|url| url.trim_end_matches('/').to_owned()),
        });
        Ok(())
    }

    fn group(
        &mut self,
        name: &str,
        threshold: &str,
        names: &[&str],
    ) -> Result<(), PolicyErrorKind> {
        if self.groups.len() == POLICY_NAMES_MAX {
            return Err(PolicyErrorKind::TooMany("groups"));
        }
        let mut members = Vec::with_capacity(names.len());
        for member in names {
            let found = *self
                .names
                .get(*member)
                .ok_or_else(|| PolicyErrorKind::UndefinedName((*member).to_owned()))?;
            if members.contains(&found) {
                return Err(PolicyErrorKind::DuplicateMember((*member).to_owned()));
            }
            members.push(found);
        }
        let threshold = match threshold {
            "all" => members.len(),
            "any" => 1,
            text => parse_decimal(text)
                .and_then(|k| usize::try_from(k).ok())
                .filter(|k| (1..=members.len()).contains(k))
                .ok_or_else(|| PolicyErrorKind::BadThreshold(text.to_owned()))?,
        };
        self.define(name, Member::Group(self.groups.len()))?;
        self.groups.push(Group {
            name: name.to_owned(),
            threshold,
            members,
        });
        Ok(())
    }

    fn quorum(&mut self, name: &str) -> Result<(), PolicyErrorKind> {
        if self.quorum.is_some() {
            return Err(PolicyErrorKind::SecondQuorum);
        }
        let member = if name == NONE {
            None
        } else {
            Some(
                *self
                    .names
                    .get(name)
                    .ok_or_else(|| PolicyErrorKind::UndefinedName(name.to_owned()))?,
            )
        };
        self.quorum = Some(member);
        Ok(())
    }
}
