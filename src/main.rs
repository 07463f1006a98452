use std::process::ExitCode;

use basin_ledger::api;
use basin_ledger::api::rate_limit::RateLimit;
use basin_ledger::cli::witness::WitnessServeOptions;
use basin_ledger::cli::{self, Cli, Command, ImportCommand, KeyCommand, WitnessCommand};
use basin_ledger::import::cnemc::ImportOptions;
use basin_ledger::publish::PublishSettings;
use basin_ledger::server::{self, ServeOptions};
use basin_ledger::store::DatabaseUrl;
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
    // Parsed only by the commands that use a database, so that `keygen` and `sign` work
    // whatever DATABASE_URL says.
    let database_url = || DatabaseUrl::parse(&cli.database_url);
    match cli.command {
        Command::Serve {
            bind,
            database_read_url,
            rate_limit_per_second,
            rate_limit_burst,
            ledger_key_file,
            log_origin,
            checkpoint_interval_ms,
            log_read,
            witness_policy,
            demo,
        } => {
            let rate_limit = RateLimit {
                requests_per_second: rate_limit_per_second,
                burst_requests: rate_limit_burst,
            };
            actix_web::rt::System::new().block_on(server::serve(ServeOptions {
                database_url: database_url()?,
                database_read_url: database_read_url
                    .as_deref()
                    .map(DatabaseUrl::parse)
                    .transpose()?,
                bind,
                rate_limit,
                ledger_key_file,
                log_origin,
                publish: PublishSettings {
                    checkpoint_interval: std::time::Duration::from_millis(checkpoint_interval_ms),
                },
                log_read,
                witness_policy,
                demo,
            }))
        }
        Command::Migrate => {
            server::open_database(&database_url()?)?;
            println!("database is up to date");
            Ok(())
        }
        Command::Token { command } => {
            let pool = server::open_database(&database_url()?)?;
            let mut connection = pool.get()?;
            cli::tokens::run(&mut connection, command, chrono::Utc::now())
        }
        Command::Import {
            command:
                ImportCommand::Cnemc {
                    file,
                    map,
                    year,
                    revise,
                },
        } => import_cnemc(
            &database_url()?,
            &file,
            &map,
            ImportOptions { year, revise },
        ),
        Command::Keygen { name, out } => {
            print!("{}", cli::keygen(&name, &out)?.to_text());
            Ok(())
        }
        Command::Key {
            command:
                KeyCommand::Rotate {
                    overlap_seconds,
                    ledger_key_file,
                    log_origin,
                },
        } => {
            let rotated = cli::key_rotate::rotate(&cli::key_rotate::RotateOptions {
                database_url: &database_url()?,
                key_file: &ledger_key_file,
                origin: &log_origin,
                overlap_seconds,
            })?;
            print!("{}", rotated.to_text());
            Ok(())
        }
        Command::Sign { key, context, hash } => {
            println!("{}", cli::sign(&key, &context, &hash)?);
            Ok(())
        }
        Command::Export {
            out,
            ledger_key_file,
            log_origin,
        } => {
            let report = cli::audit::export(&database_url()?, &ledger_key_file, &log_origin, &out)?;
            println!("{}", serde_json::to_string_pretty(&report)?);
            Ok(())
        }
        Command::Verify {
            url,
            bundle,
            token,
            checkpoint,
            receipt,
            vkey,
            policy,
            state,
        } => {
            if let Some(receipt) = receipt.filter(|_| !vkey.is_empty()) {
                let verified =
                    cli::receipt::verify_receipt_file(&receipt, &vkey, policy.as_deref())?;
                println!("{}", serde_json::to_string_pretty(&verified)?);
                return Ok(());
            }
            let report = match (url, bundle) {
                (Some(url), _) => {
                    let options = cli::verify_remote::UrlOptions {
                        url: &url,
                        token: token.as_deref(),
                        state: state.as_deref(),
                        old_checkpoint: checkpoint.as_deref(),
                        policy: policy.as_deref(),
                    };
                    serde_json::to_value(cli::verify_remote::verify_url(&options)?)?
                }
                (None, Some(bundle)) => serde_json::to_value(cli::audit::verify_folder(
                    &bundle,
                    checkpoint.as_deref(),
                    policy.as_deref(),
                )?)?,
                (None, None) => anyhow::bail!("give --url or --bundle"),
            };
            println!("{}", serde_json::to_string_pretty(&report)?);
            Ok(())
        }
        Command::Witness {
            command: WitnessCommand::Keygen { name, out },
        } => {
            println!("{}", cli::witness::keygen(&name, &out)?);
            Ok(())
        }
        Command::Witness {
            command:
                WitnessCommand::Serve {
                    key,
                    logs,
                    database,
                    bind,
                },
        } => actix_web::rt::System::new().block_on(cli::witness::serve(WitnessServeOptions {
            key,
            logs,
            database,
            bind,
        })),
        Command::Hj212 { command } => cli::hj212::run(command),
        Command::Openapi => {
            println!("{}", api::openapi_document().to_pretty_json()?);
            Ok(())
        }
    }
}

fn import_cnemc(
    database_url: &DatabaseUrl,
    file: &std::path::Path,
    map: &std::path::Path,
    options: ImportOptions,
) -> anyhow::Result<()> {
    use std::io::IsTerminal;
    let file_bytes =
        std::fs::read(file).map_err(|error| anyhow::anyhow!("{}: {error}", file.display()))?;
    let map_bytes =
        std::fs::read(map).map_err(|error| anyhow::anyhow!("{}: {error}", map.display()))?;
    let pool = server::open_database(database_url)?;
    let mut connection = pool.get()?;
    // A progress bar only for people at a terminal; scripts get the summary alone.
    let bar = std::io::stderr().is_terminal().then(|| {
        let bar = indicatif::ProgressBar::new(0);
        bar.set_message("stations imported");
        bar
    });
    let mut progress = |done: usize, total: usize| {
        if let Some(bar) = &bar {
            bar.set_length(total as u64);
            bar.set_position(done as u64);
        }
    };
    let summary = basin_ledger::import::cnemc::import_cnemc(
        &mut connection,
        &file_bytes,
        &map_bytes,
        &options,
        chrono::Utc::now(),
        &mut progress,
    )?;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    println!("{}", serde_json::to_string_pretty(&summary)?);
    Ok(())
}
