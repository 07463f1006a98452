//! The command line: `serve`, `migrate`, `token create`, `openapi`.

use clap::{Parser, Subcommand};

use std::path::PathBuf;

use crate::ledger_key::{LEDGER_KEY_FILE_DEFAULT, LOG_ORIGIN_DEFAULT};
use crate::model::access::Role;
use crate::store::DATABASE_URL_DEFAULT;

#[derive(Debug, Parser)]
#[command(
    name = "basin-ledger",
    version,
    about = "A tamper-evident ledger for water-quality compensation between upstream and downstream jurisdictions",
    long_about = "basin-ledger records monitoring readings, evaluates compensation agreements into exact \
                  payment obligations and keeps every change in a signed, hash-chained audit log.\n\n\
                  Start with `basin-ledger serve`: it creates the database (SQLite by default), prints a \
                  one-time admin token and listens on http://127.0.0.1:8080 (API docs at /docs)."
)]
pub struct Cli {
    /// Database: sqlite://PATH (embedded, the default) or postgres://USER@HOST/DB.
    #[arg(long, env = "DATABASE_URL", default_value = DATABASE_URL_DEFAULT, global = true)]
    pub database_url: String,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the HTTP server (migrates the database first; prints an admin token on first start).
    Serve {
        /// Address and port to listen on.
        #[arg(long, env = "BIND", default_value = "127.0.0.1:8080")]
        bind: String,
        /// The ledger's private key (created with mode 0600 on first start if missing).
        #[arg(long, env = "LEDGER_KEY_FILE", default_value = LEDGER_KEY_FILE_DEFAULT)]
        ledger_key_file: PathBuf,
        /// The log origin, which is also the ledger key's name.
        #[arg(long, env = "LOG_ORIGIN", default_value = LOG_ORIGIN_DEFAULT)]
        log_origin: String,
        /// Load the real-data demo first (Miyun/Chaobai and Guanting/Yongding registry, CNEMC
        /// readings 2020-05..2021-04, two example agreements, monthly settlements). Idempotent.
        #[arg(long)]
        demo: bool,
    },
    /// Apply pending database migrations and exit.
    Migrate,
    /// Manage access tokens.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Print the OpenAPI document (the same one the server serves at /openapi.json).
    Openapi,
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Mint a token and print it once (only its hash is stored).
    Create {
        /// admin, bureau (needs --subject JURISDICTION), station (needs --subject STATION) or auditor.
        #[arg(long, value_enum)]
        role: Role,
        /// The jurisdiction code (bureau) or station code (station) the token acts for.
        #[arg(long)]
        subject: Option<String>,
        /// A note to recognise the token by (who holds it).
        #[arg(long)]
        label: Option<String>,
    },
}
