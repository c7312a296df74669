//! Printable recovery keys: 32 random bytes plus a 2-byte checksum, base32 in groups.

use data_encoding::BASE32_NOPAD;
use zeroize::Zeroizing;

use crate::error::{Error, Result};

const CHECK_CONTEXT: &str = "dossier 2026-11 recovery key checksum";

/// A recovery key, shown once at `init` for the user to print or write down.
#[derive(Clone)]
pub struct RecoveryKey(Zeroizing<[u8; 32]>);

impl std::fmt::Debug for RecoveryKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RecoveryKey(..)")
    }
}

fn checksum(context: &str, bytes: &[u8; 32]) -> [u8; 2] {
    let h = blake3::derive_key(context, bytes);
    [h[0], h[1]]
}

/// 32 secret bytes and their checksum (under `context`, so one kind of key typed where
/// another is asked is caught), in base32 groups of five.
pub(super) fn printable(context: &str, secret: &[u8; 32]) -> Zeroizing<String> {
    let mut raw = Zeroizing::new(Vec::with_capacity(34));
    raw.extend_from_slice(secret);
    raw.extend_from_slice(&checksum(context, secret));
    grouped(&raw)
}

/// The 32 secret bytes of a [`printable`] key; what is wrong with it, else.
pub(super) fn from_printable(
    context: &str,
    s: &str,
) -> std::result::Result<Zeroizing<[u8; 32]>, &'static str> {
    let cleaned = cleaned(s);
    if cleaned.len() != 55 {
        return Err("it must have 55 letters and digits");
    }
    let raw = Zeroizing::new(
        BASE32_NOPAD
            .decode(cleaned.as_bytes())
            .map_err(|_| "it holds characters that are not used in these keys")?,
    );
    let mut key = Zeroizing::new([0u8; 32]);
    key.copy_from_slice(&raw[..32]);
    if checksum(context, &key) != raw[32..34] {
        return Err("its checksum does not match");
    }
    Ok(key)
}

impl RecoveryKey {
    /// A new random recovery key.
    pub fn generate() -> Self {
        let mut k = Zeroizing::new([0u8; 32]);
        crate::fill_random(k.as_mut());
        Self(k)
    }

    pub(crate) fn secret(&self) -> &[u8; 32] {
        &self.0
    }

    /// The printable form: 55 base32 characters in groups of five, e.g. `ABCDE-FGHIJ-...`.
    pub fn display(&self) -> Zeroizing<String> {
        printable(CHECK_CONTEXT, &self.0)
    }

    /// True when `s` has the shape of a recovery key (so a prompt can accept either a
    /// passphrase or a recovery key).
    pub fn looks_like(s: &str) -> bool {
        let groups: Vec<&str> = s
            .split(|c: char| c == '-' || c.is_whitespace())
            .filter(|g| !g.is_empty())
            .collect();
        groups.len() == 11
            && groups
                .iter()
                .all(|g| g.len() == 5 && g.chars().all(|c| c.is_ascii_alphanumeric()))
    }

    /// Parse the printable form; tolerant of case, spaces and dashes, strict about the
    /// checksum so a typo is reported as such rather than as a wrong key.
    pub fn parse(s: &str) -> Result<Self> {
        from_printable(CHECK_CONTEXT, s)
            .map(Self)
            .map_err(Error::MalformedRecoveryKey)
    }
}

/// `raw` in base32, in groups of five joined by dashes (how keys and codes are shown).
pub(super) fn grouped(raw: &[u8]) -> Zeroizing<String> {
    let enc = Zeroizing::new(BASE32_NOPAD.encode(raw));
    let groups: Vec<&str> = enc
        .as_bytes()
        .chunks(5)
        .map(|c| std::str::from_utf8(c).expect("base32 is ASCII"))
        .collect();
    Zeroizing::new(groups.join("-"))
}

/// What a person typed of a [`grouped`] key or code, without dashes and spaces, in upper
/// case, with the digits base32 does not use read as the letters they look like.
pub(super) fn cleaned(s: &str) -> Zeroizing<String> {
    Zeroizing::new(
        s.chars()
            .filter(|c| !matches!(c, '-' | ' ' | '\n' | '\t'))
            .map(|c| c.to_ascii_uppercase())
            .map(|c| match c {
                '0' => 'O',
                '1' => 'I',
                '8' => 'B',
                other => other,
            })
            .collect(),
    )
}

/// What a user types to unlock a library.
#[derive(Debug)]
pub enum Secret {
    Passphrase(Zeroizing<String>),
    RecoveryKey(RecoveryKey),
    /// A person (their name or member id) and their own passphrase: it opens their
    /// identity, which opens their slot.
    Person {
        who: String,
        passphrase: Zeroizing<String>,
    },
}

impl Secret {
    /// A prompt's answer: a recovery key if it has that shape, else a passphrase.
    pub fn from_input(input: &str) -> Result<Self> {
        if RecoveryKey::looks_like(input) {
            Ok(Self::RecoveryKey(RecoveryKey::parse(input)?))
        } else {
            Ok(Self::Passphrase(Zeroizing::new(input.to_owned())))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_parses_back_and_typos_are_caught() {
        let k = RecoveryKey::generate();
        let shown = k.display();
        assert!(RecoveryKey::looks_like(&shown));
        let back = RecoveryKey::parse(&shown.to_lowercase()).unwrap();
        assert_eq!(back.secret(), k.secret());
        // Change one character: the checksum catches it.
        let mut typo: Vec<char> = shown.chars().collect();
        typo[3] = if typo[3] == 'A' { 'B' } else { 'A' };
        let typo: String = typo.into_iter().collect();
        assert!(matches!(
            RecoveryKey::parse(&typo),
            Err(Error::MalformedRecoveryKey(_))
        ));
        assert!(!RecoveryKey::looks_like("correct horse battery staple"));
    }
}
