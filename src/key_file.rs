//! Private key files in the Go/C2SP text form `PRIVATE+KEY+<name>+<key id>+<base64(0x01 ‖ seed)>`
//! (API.md "Command line"). The ledger key and the keys `keygen` writes share this code.
//!
//! A key file is created exclusively with mode 0600 in the same `open` call, so there is no
//! moment at which it exists with wider permissions, and an existing file is never overwritten.
//! A file that the group or others may read or write is refused, as ssh refuses such keys:
//! by then the key must be presumed known to others. Errors name the path but never the key.
//! Unix only: the permission bits are the point.

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Write};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use basin_audit::note::{format_private_key, parse_private_key};
use basin_audit::NoteError;
use ed25519_dalek::SigningKey;

/// A key text is about 100 bytes; anything much longer is not a key file.
pub const KEY_FILE_BYTES_MAX: u64 = 4096;

/// Owner read and write only.
const KEY_FILE_MODE: u32 = 0o600;

/// Permission bits for the group and others.
const GROUP_OTHER_BITS: u32 = 0o077;

#[derive(Debug, thiserror::Error)]
pub enum KeyFileError {
    #[error("cannot read key file {path}")]
    Read {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("key file {path} is not a regular file")]
    NotAFile { path: PathBuf },
    #[error(
        "key file {path} is accessible to group or others (mode {mode:03o}); the key must be \
         presumed leaked: replace it, or if you are sure it is not, run `chmod 600 {path}`"
    )]
    TooOpen { path: PathBuf, mode: u32 },
    #[error("key file {path} is larger than {KEY_FILE_BYTES_MAX} bytes, so it is not a key")]
    TooLarge { path: PathBuf },
    #[error("key file {path} does not hold a key of the form PRIVATE+KEY+<name>+<key id>+<key>")]
    Malformed {
        path: PathBuf,
        #[source]
        reason: NoteError,
    },
    #[error("key file {path} exists already; refusing to overwrite it")]
    Exists { path: PathBuf },
    #[error("cannot create key file {path}")]
    Create {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
}

impl KeyFileError {
    /// True when the file is simply not there (the ledger then creates its key).
    pub fn is_missing(&self) -> bool {
        matches!(self, Self::Read { source, .. } if source.kind() == io::ErrorKind::NotFound)
    }
}

/// Reads and parses a private key file, refusing one that others may read or write.
/// Returns the key name and the key.
pub fn read_private_key(path: &Path) -> Result<(String, SigningKey), KeyFileError> {
    let read_error = |source| KeyFileError::Read {
        path: path.to_owned(),
        source,
    };
    let file = File::open(path).map_err(read_error)?;
    // Checks the file that was opened, not the path again, so the checked file is the read one.
    let metadata = file.metadata().map_err(read_error)?;
    if !metadata.is_file() {
        return Err(KeyFileError::NotAFile {
            path: path.to_owned(),
        });
    }
    let mode = metadata.permissions().mode() & 0o777;
    if mode & GROUP_OTHER_BITS != 0 {
        return Err(KeyFileError::TooOpen {
            path: path.to_owned(),
            mode,
        });
    }
    let mut bytes = Vec::new();
    file.take(KEY_FILE_BYTES_MAX + 1)
        .read_to_end(&mut bytes)
        .map_err(read_error)?;
    if bytes.len() as u64 > KEY_FILE_BYTES_MAX {
        return Err(KeyFileError::TooLarge {
            path: path.to_owned(),
        });
    }
    let malformed = |reason| KeyFileError::Malformed {
        path: path.to_owned(),
        reason,
    };
    let text = std::str::from_utf8(&bytes)
        .map_err(|_| malformed(NoteError::MalformedKey("the file is not UTF-8 text")))?;
    parse_private_key(text).map_err(malformed)
}

/// Writes `signing_key` under `name` to a new file with mode 0600. Refuses to replace an
/// existing file, including one created concurrently by another process.
pub fn create_private_key(
    path: &Path,
    name: &str,
    signing_key: &SigningKey,
) -> Result<(), KeyFileError> {
    let text = format_private_key(name, signing_key).map_err(|reason| KeyFileError::Malformed {
        path: path.to_owned(),
        reason,
    })?;
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(KEY_FILE_MODE)
        .open(path)
        .map_err(|source| match source.kind() {
            io::ErrorKind::AlreadyExists => KeyFileError::Exists {
                path: path.to_owned(),
            },
            _ => KeyFileError::Create {
                path: path.to_owned(),
                source,
            },
        })?;
    let written = file
        .write_all(format!("{text}\n").as_bytes())
        .and_then(|()| file.sync_all());
    if let Err(source) = written {
        // A half-written key would be refused at every later start; remove it so the next
        // attempt starts clean. The write error is what the caller needs to see.
        drop(file);
        let _ = std::fs::remove_file(path);
        return Err(KeyFileError::Create {
            path: path.to_owned(),
            source,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_created_key_reads_back_and_is_not_overwritten() {
        let directory = tempfile::tempdir().unwrap();
        let path = directory.path().join("k.key");
        let key = SigningKey::from_bytes(&[5; 32]);
        create_private_key(&path, "example.com/log", &key).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let (name, read) = read_private_key(&path).unwrap();
        assert_eq!(name, "example.com/log");
        assert_eq!(read.as_bytes(), key.as_bytes());
        let again = create_private_key(&path, "example.com/log", &SigningKey::from_bytes(&[6; 32]));
        assert!(matches!(again, Err(KeyFileError::Exists { .. })));
        assert_eq!(
            read_private_key(&path).unwrap().1.as_bytes(),
            key.as_bytes()
        );
    }

    #[test]
    fn a_missing_file_is_reported_as_missing_and_garbage_as_malformed() {
        let directory = tempfile::tempdir().unwrap();
        let missing = read_private_key(&directory.path().join("none")).unwrap_err();
        assert!(missing.is_missing());
        let path = directory.path().join("garbage");
        std::fs::write(&path, "PRIVATE+KEY+x").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        let error = read_private_key(&path).unwrap_err();
        assert!(matches!(error, KeyFileError::Malformed { .. }), "{error}");
    }
}
