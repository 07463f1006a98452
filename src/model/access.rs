//! Who is calling: the role a token grants and what it is bound to.

use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum Role {
    /// Runs the ledger: registry, agreements, imports.
    Admin,
    /// An environment bureau acting for one jurisdiction.
    Bureau,
    /// A monitoring station posting its own readings.
    Station,
    /// Reads everything, writes nothing.
    Auditor,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Bureau => "bureau",
            Self::Station => "station",
            Self::Auditor => "auditor",
        }
    }

    /// Bureau and station tokens act for one subject; admin and auditor tokens for none.
    pub fn needs_subject(self) -> bool {
        matches!(self, Self::Bureau | Self::Station)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "admin" => Ok(Self::Admin),
            "bureau" => Ok(Self::Bureau),
            "station" => Ok(Self::Station),
            "auditor" => Ok(Self::Auditor),
            other => Err(format!("unknown role {other:?}")),
        }
    }
}

/// The caller behind a valid token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub role: Role,
    /// The jurisdiction (bureau) or station (station) the token acts for.
    pub subject: Option<String>,
}

impl Principal {
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }

    pub fn is_bureau_of(&self, jurisdiction: &str) -> bool {
        self.role == Role::Bureau && self.subject.as_deref() == Some(jurisdiction)
    }

    pub fn is_station(&self, station: &str) -> bool {
        self.role == Role::Station && self.subject.as_deref() == Some(station)
    }
}

/// `LOG_READ` (`serve --log-read`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum LogRead {
    /// Tiles and receipts need a token, like every other read.
    #[default]
    Tokens,
    /// The checkpoint, tiles and receipts are open to anonymous readers.
    Public,
}
