//! The stations file: CSV `mn,station,password,key_file,token_file`, one data logger per line
//! (API.md, "HJ 212 gateway"). Key and token files are named relative to the stations file and
//! must be readable by the gateway's user only, as the ledger's own key file must.

use std::collections::HashMap;
use std::io::Read;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use ed25519_dalek::SigningKey;

use crate::key_file;

/// A stations file lists a few hundred loggers at most.
const STATIONS_FILE_BYTES_MAX: u64 = 1024 * 1024;
/// A bearer token is about 50 characters.
const TOKEN_FILE_BYTES_MAX: u64 = 4096;
/// Permission bits for the group and others.
const GROUP_OTHER_BITS: u32 = 0o077;
const HEADER: [&str; 5] = ["mn", "station", "password", "key_file", "token_file"];

/// One data logger and the station it reports for.
pub struct Station {
    pub mn: String,
    pub code: String,
    pub password: String,
    pub signing_key: SigningKey,
    pub token: String,
}

impl std::fmt::Debug for Station {
    // Never the password, the key or the token: this may reach a log.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Station")
            .field("mn", &self.mn)
            .field("code", &self.code)
            .finish_non_exhaustive()
    }
}

/// The loggers by MN.
#[derive(Debug, Default)]
pub struct Stations {
    by_mn: HashMap<String, Station>,
}

impl Stations {
    pub fn by_mn(&self, mn: &str) -> Option<&Station> {
        self.by_mn.get(mn)
    }

    pub fn by_code(&self, code: &str) -> Option<&Station> {
        self.by_mn.values().find(|station| station.code == code)
    }

    pub fn len(&self) -> usize {
        self.by_mn.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_mn.is_empty()
    }
}

fn read_private_file(path: &Path, bytes_max: u64) -> anyhow::Result<String> {
    let file = std::fs::File::open(path).with_context(|| format!("{}", path.display()))?;
    let mode = file.metadata()?.permissions().mode() & 0o777;
    if mode & GROUP_OTHER_BITS != 0 {
        bail!(
            "{} is accessible to group or others (mode {mode:03o}); run `chmod 600` on it",
            path.display()
        );
    }
    let mut text = String::new();
    file.take(bytes_max + 1)
        .read_to_string(&mut text)
        .with_context(|| format!("{}", path.display()))?;
    if text.len() as u64 > bytes_max {
        bail!("{} is larger than {bytes_max} bytes", path.display());
    }
    Ok(text)
}

fn relative_to(folder: &Path, name: &str) -> PathBuf {
    let path = Path::new(name);
    if path.is_absolute() {
        path.to_owned()
    } else {
        folder.join(path)
    }
}

/// Reads the stations file and every key and token file it names. Errors name the file and line.
pub fn read_stations(path: &Path) -> anyhow::Result<Stations> {
    let text = read_private_file(path, STATIONS_FILE_BYTES_MAX)
        .with_context(|| format!("stations file {}", path.display()))?;
    let folder = path.parent().unwrap_or(Path::new("."));
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let header: Vec<String> = reader.headers()?.iter().map(str::to_owned).collect();
    if header != HEADER {
        bail!(
            "stations file {}: the header must be `{}`",
            path.display(),
            HEADER.join(",")
        );
    }
    let mut stations = Stations::default();
    for (index, record) in reader.records().enumerate() {
        let line = index + 2;
        let at = || format!("stations file {} line {line}", path.display());
        let record = record.with_context(at)?;
        let field = |number: usize| record.get(number).unwrap_or_default().to_owned();
        let (mn, code, password) = (field(0), field(1), field(2));
        if mn.is_empty() || password.is_empty() {
            bail!("{}: mn and password are required", at());
        }
        basin_domain::Code::parse(&code)
            .map_err(|error| anyhow::anyhow!("{}: station {code:?}: {error}", at()))?;
        let (_, signing_key) =
            key_file::read_private_key(&relative_to(folder, &field(3))).with_context(at)?;
        let token = read_private_file(&relative_to(folder, &field(4)), TOKEN_FILE_BYTES_MAX)
            .with_context(at)?
            .trim()
            .to_owned();
        if token.is_empty() {
            bail!("{}: the token file is empty", at());
        }
        let station = Station {
            mn: mn.clone(),
            code,
            password,
            signing_key,
            token,
        };
        if stations.by_mn.insert(mn.clone(), station).is_some() {
            bail!("{}: MN {mn} is listed twice", at());
        }
    }
    Ok(stations)
}
