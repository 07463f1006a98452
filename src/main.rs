use std::process::ExitCode;

use basin_ledger::cli::{Cli, Command, TokenCommand};
use basin_ledger::server::{self, ServeOptions};
use basin_ledger::store::DatabaseUrl;
use basin_ledger::{api, tokens};
use clap::Parser;

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("basin-ledger: {error:#}");
            ExitCode::FAILURE
        }
    }
}

/// Logs go to standard error; `RUST_LOG` filters them (default: info).
fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}

fn run(cli: Cli) -> anyhow::Result<()> {
    let database_url = DatabaseUrl::parse(&cli.database_url)?;
    match cli.command {
        Command::Serve {
            bind,
            ledger_key_file,
            log_origin,
            demo,
        } => actix_web::rt::System::new().block_on(server::serve(ServeOptions {
            database_url,
            bind,
            ledger_key_file,
            log_origin,
            demo,
        })),
        Command::Migrate => {
            server::open_database(&database_url)?;
            println!("database is up to date");
            Ok(())
        }
        Command::Token {
            command:
                TokenCommand::Create {
                    role,
                    subject,
                    label,
                },
        } => {
            let pool = server::open_database(&database_url)?;
            let mut connection = pool.get()?;
            let secret = tokens::create_token(
                &mut connection,
                role,
                subject.as_deref(),
                label.as_deref(),
                chrono::Utc::now(),
            )?;
            println!("{secret}");
            Ok(())
        }
        Command::Openapi => {
            println!("{}", api::openapi_document().to_pretty_json()?);
            Ok(())
        }
    }
}
