//! Which backend a `DATABASE_URL` selects. Parsing it up front lets the pool report real
//! connection errors instead of diesel's generic "invalid connection url for multiconnection".

use std::fmt;

pub const DATABASE_URL_DEFAULT: &str = "sqlite://basin-ledger.db";

#[derive(Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    /// A PostgreSQL connection URI, passed to libpq as given.
    Postgres(String),
    /// A path to an SQLite file (created on first use).
    Sqlite(String),
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DatabaseUrlError {
    #[error("DATABASE_URL must start with sqlite:// or postgres:// (got scheme {0:?})")]
    UnknownScheme(String),
    #[error("DATABASE_URL sqlite:// needs a file path, e.g. sqlite://basin-ledger.db")]
    EmptySqlitePath,
}

impl DatabaseUrl {
    pub fn parse(text: &str) -> Result<Self, DatabaseUrlError> {
        if text.starts_with("postgres://") || text.starts_with("postgresql://") {
            return Ok(Self::Postgres(text.to_owned()));
        }
        if let Some(path) = text
            .strip_prefix("sqlite://")
            .or_else(|| text.strip_prefix("sqlite:"))
        {
            if path.is_empty() {
                return Err(DatabaseUrlError::EmptySqlitePath);
            }
            return Ok(Self::Sqlite(path.to_owned()));
        }
        let scheme = text.split(':').next().unwrap_or_default().to_owned();
        Err(DatabaseUrlError::UnknownScheme(scheme))
    }

    pub fn backend_name(&self) -> &'static str {
        match self {
            Self::Postgres(_) => "postgresql",
            Self::Sqlite(_) => "sqlite",
        }
    }
}

/// Printing a database URL must never leak a password into logs.
impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Sqlite(path) => write!(f, "sqlite://{path}"),
            Self::Postgres(url) => {
                let host = url.rsplit('@').next().unwrap_or(url);
                let host = host
                    .strip_prefix("postgres://")
                    .or_else(|| host.strip_prefix("postgresql://"))
                    .unwrap_or(host);
                write!(f, "postgres://…@{host}")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_urls_name_a_file_path() {
        assert_eq!(
            DatabaseUrl::parse("sqlite://basin-ledger.db"),
            Ok(DatabaseUrl::Sqlite("basin-ledger.db".into()))
        );
        assert_eq!(
            DatabaseUrl::parse("sqlite:///var/lib/x.db"),
            Ok(DatabaseUrl::Sqlite("/var/lib/x.db".into()))
        );
        assert_eq!(
            DatabaseUrl::parse("sqlite://"),
            Err(DatabaseUrlError::EmptySqlitePath)
        );
    }

    #[test]
    fn other_schemes_are_refused_by_name() {
        assert_eq!(
            DatabaseUrl::parse("mysql://x"),
            Err(DatabaseUrlError::UnknownScheme("mysql".into()))
        );
    }

    #[test]
    fn debug_output_hides_postgres_credentials() {
        let url = DatabaseUrl::parse("postgres://ledger:secret@db:5432/ledger").unwrap();
        let shown = format!("{url:?}");
        assert!(!shown.contains("secret"), "{shown}");
        assert!(shown.contains("db:5432/ledger"), "{shown}");
    }
}
