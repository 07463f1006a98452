//! Station signatures, checked many at once: the replay collects one [`SignatureCheck`] per
//! signed batch, and the caller verifies them with Ed25519 batch verification, in as many
//! slices (and threads) as it likes. A slice that fails is checked one signature at a time,
//! with the strict single check the server used at ingest, to name the first bad batch.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use ed25519_dalek::{Signature, VerifyingKey};

use super::Failure;

#[derive(Debug, Clone)]
pub struct SignatureCheck {
    /// The log index of the batch's entry.
    pub index: u64,
    /// `station/batch_id`, to name it.
    pub batch: String,
    public_key: VerifyingKey,
    message: Vec<u8>,
    signature: Signature,
}

impl SignatureCheck {
    pub fn new(
        index: u64,
        batch: String,
        public_key: VerifyingKey,
        message: Vec<u8>,
        signature_base64: &str,
    ) -> Result<Self, Failure> {
        let signature = STANDARD
            .decode(signature_base64)
            .ok()
            .and_then(|bytes| <[u8; 64]>::try_from(bytes).ok())
            .map(|bytes| Signature::from_bytes(&bytes))
            .ok_or_else(|| {
                Failure::at(
                    index,
                    format!("the station signature on batch {batch} is not 64 bytes of base64"),
                )
            })?;
        Ok(Self {
            index,
            batch,
            public_key,
            message,
            signature,
        })
    }

    fn verify_one(&self) -> Result<(), Failure> {
        self.public_key
            .verify_strict(&self.message, &self.signature)
            .map_err(|_| {
                Failure::at(
                    self.index,
                    format!(
                        "the station signature on batch {} does not verify",
                        self.batch
                    ),
                )
            })
    }
}

/// Verifies every check; on failure names the first (lowest index) bad signature.
///
/// Batch verification uses the cofactored equation, which accepts a few crafted signatures the
/// strict single check refuses; so a passing batch is only trusted for keys that are not weak
/// (station keys are refused at registration when they are), and any failing batch is
/// re-checked one by one.
pub fn verify_signature_checks(checks: &[SignatureCheck]) -> Result<(), Failure> {
    if checks.is_empty() {
        return Ok(());
    }
    let weak = checks.iter().any(|check| check.public_key.is_weak());
    if !weak {
        let messages: Vec<&[u8]> = checks
            .iter()
            .map(|check| check.message.as_slice())
            .collect();
        let signatures: Vec<Signature> = checks.iter().map(|check| check.signature).collect();
        let keys: Vec<VerifyingKey> = checks.iter().map(|check| check.public_key).collect();
        if ed25519_dalek::verify_batch(&messages, &signatures, &keys).is_ok() {
            return Ok(());
        }
    }
    for check in checks {
        check.verify_one()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ed25519_dalek::{Signer, SigningKey};

    fn check(index: u64, seed: u8, message: &[u8], signed: &[u8]) -> SignatureCheck {
        let key = SigningKey::from_bytes(&[seed; 32]);
        let signature = STANDARD.encode(key.sign(signed).to_bytes());
        SignatureCheck::new(
            index,
            format!("st/b{index}"),
            key.verifying_key(),
            message.to_vec(),
            &signature,
        )
        .unwrap()
    }

    #[test]
    fn good_signatures_pass_and_the_first_bad_one_is_named() {
        let good: Vec<_> = (0..10).map(|i| check(i, i as u8 + 1, b"m", b"m")).collect();
        assert_eq!(verify_signature_checks(&good), Ok(()));
        let mut bad = good.clone();
        bad[7] = check(7, 8, b"m", b"other");
        bad[9] = check(9, 8, b"m", b"other");
        let failure = verify_signature_checks(&bad).unwrap_err();
        assert_eq!(failure.index, Some(7));
        assert!(failure.what.contains("st/b7"), "{failure}");
    }
}
