//! `token create | list | revoke`: the operator's side of access tokens.

use anyhow::bail;
use chrono::{DateTime, Utc};

use super::TokenCommand;
use crate::store::page::{PageRequest, PAGE_ITEMS_MAX};
use crate::store::tokens::{list_tokens, revoke_token, TokenRecord};
use crate::store::AnyConnection;
use crate::tokens::{mint_token, TokenRequest};

/// The columns `token list` prints, tab-separated, under this header.
const LIST_HEADER: &str = "id\trole\tsubject\tlabel\tcreated\tlast_used\texpires\trevoked";

pub fn run(
    connection: &mut AnyConnection,
    command: TokenCommand,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    match command {
        TokenCommand::Create {
            role,
            subject,
            label,
            expires_in,
        } => {
            let request = TokenRequest {
                role,
                subject: subject.as_deref(),
                label: label.as_deref(),
                expires_in_seconds: expires_in,
            };
            let minted = mint_token(connection, &request, now)?;
            // The secret alone on standard output, so `TOKEN=$(basin-ledger token create …)`
            // keeps working; what identifies it goes to standard error.
            println!("{}", minted.secret);
            eprintln!(
                "token id {} ({role}{}), expires {}",
                minted.id,
                request
                    .subject
                    .map(|code| format!(" of {code}"))
                    .unwrap_or_default(),
                minted.expires_at.as_deref().unwrap_or("never")
            );
            Ok(())
        }
        TokenCommand::List => {
            println!("{LIST_HEADER}");
            let mut after = None;
            loop {
                let page = list_tokens(
                    connection,
                    &PageRequest {
                        limit: PAGE_ITEMS_MAX,
                        after,
                    },
                )?;
                for record in &page.items {
                    println!("{}", list_line(record));
                }
                match page.next_after {
                    Some(next) => after = Some(next),
                    None => return Ok(()),
                }
            }
        }
        TokenCommand::Revoke { id } => {
            if id <= 0 {
                bail!("token id {id} does not exist");
            }
            let record = revoke_token(connection, id, now)?;
            println!("{}", list_line(&record));
            Ok(())
        }
    }
}

fn list_line(record: &TokenRecord) -> String {
    let or_dash = |value: &Option<String>| {
        value
            .as_deref()
            .map(|text| text.replace(['\t', '\n', '\r'], " "))
            .unwrap_or_else(|| "-".to_owned())
    };
    format!(
        "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
        record.id,
        record.role,
        or_dash(&record.subject),
        or_dash(&record.label),
        record.created_at,
        or_dash(&record.last_used_at),
        or_dash(&record.expires_at),
        or_dash(&record.revoked_at),
    )
}
