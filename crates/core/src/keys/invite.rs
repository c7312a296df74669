//! One-time invitation codes (issue 21): 128 random bits and a checksum, shown as 29
//! base32 characters in groups, which the owner hands the invitee out of band (read out,
//! or in a message the provider does not carry). The code names the invitation on the
//! remote ([`InviteCode::id`]) and gives the key both the invitation and the reply are
//! sealed under, bound to their object names.

use zeroize::Zeroizing;

use super::master::{Cipher, open, seal};
use super::recovery::{cleaned, grouped};
use crate::error::{Error, Result};
use crate::format::invitation::{
    INVITATION_FORMAT, Invitation, InvitationReply, MAX_INVITATION_BYTES, object_name, reply_name,
};
use crate::ids::InvitationId;

const CHECK_CONTEXT: &str = "dossier 2026-12 invitation code checksum";
const ID_CONTEXT: &str = "dossier 2026-12 invitation id";
const REPLY_ID_CONTEXT: &str = "dossier 2026-12 invitation reply id";
const SEAL_CONTEXT: &str = "dossier 2026-12 invitation seal";
/// Characters in a code as shown, without the dashes: 18 bytes in base32.
const CODE_CHARS: usize = 29;

/// An invitation's one-time code. Zeroized on drop; `Debug` never shows it.
#[derive(Clone)]
pub struct InviteCode(Zeroizing<[u8; 16]>);

impl std::fmt::Debug for InviteCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("InviteCode(..)")
    }
}

fn checksum(bytes: &[u8; 16]) -> [u8; 2] {
    let h = blake3::derive_key(CHECK_CONTEXT, bytes);
    [h[0], h[1]]
}

impl InviteCode {
    /// A new random code.
    pub fn generate() -> Self {
        let mut k = Zeroizing::new([0u8; 16]);
        crate::fill_random(k.as_mut());
        Self(k)
    }

    /// The printable form, e.g. `ABCDE-FGHIJ-KLMNO-PQRST-UVWXY-Z234`.
    pub fn display(&self) -> Zeroizing<String> {
        let mut raw = Zeroizing::new(Vec::with_capacity(18));
        raw.extend_from_slice(self.0.as_ref());
        raw.extend_from_slice(&checksum(&self.0));
        grouped(&raw)
    }

    /// Parse what a person typed: tolerant of case, spaces and dashes, strict about the
    /// checksum, so a typo is reported as one rather than as an unknown invitation.
    pub fn parse(s: &str) -> Result<Self> {
        let cleaned = cleaned(s);
        if cleaned.len() != CODE_CHARS {
            return Err(Error::MalformedInviteCode {
                reason: "it must have 29 letters and digits",
            });
        }
        let raw = Zeroizing::new(
            data_encoding::BASE32_NOPAD
                .decode(cleaned.as_bytes())
                .map_err(|_| Error::MalformedInviteCode {
                    reason: "it holds characters that are not used in invitation codes",
                })?,
        );
        let mut code = Zeroizing::new([0u8; 16]);
        code.copy_from_slice(&raw[..16]);
        if checksum(&code) != raw[16..18] {
            return Err(Error::MalformedInviteCode {
                reason: "its checksum does not match",
            });
        }
        Ok(Self(code))
    }

    /// The invitation this code names.
    pub fn id(&self) -> InvitationId {
        InvitationId(blake3::derive_key(ID_CONTEXT, self.0.as_ref()))
    }

    /// The name the answer to this code's invitation is kept under: derived from the code
    /// apart from [`InviteCode::id`], so it cannot be told from the invitation's name.
    pub fn reply_id(&self) -> InvitationId {
        InvitationId(blake3::derive_key(REPLY_ID_CONTEXT, self.0.as_ref()))
    }

    fn cipher(&self) -> Cipher {
        Cipher::new(&Zeroizing::new(blake3::derive_key(
            SEAL_CONTEXT,
            self.0.as_ref(),
        )))
    }

    /// `invitation` sealed for its object on the remote.
    pub fn seal_invitation(&self, invitation: &Invitation) -> Result<Vec<u8>> {
        let body = Zeroizing::new(serde_json::to_vec(invitation)?);
        Ok(seal(
            &self.cipher(),
            object_name(&self.id()).as_bytes(),
            &body,
        ))
    }

    /// The invitation this code names, from its object. One that does not open with the
    /// code (changed, or put there by someone without it) is
    /// [`Error::InvitationNotAuthentic`].
    pub fn open_invitation(&self, sealed: &[u8]) -> Result<Invitation> {
        let invitation: Invitation = self.open_object(&object_name(&self.id()), sealed)?;
        if invitation.format > INVITATION_FORMAT {
            return Err(Error::TooNew {
                what: "invitation",
                found: invitation.format,
                supported: INVITATION_FORMAT,
            });
        }
        if invitation.id != self.id() || !invitation.owner.well_formed() {
            return Err(Error::InvitationNotAuthentic);
        }
        Ok(invitation)
    }

    /// `reply` sealed for its object on the remote.
    pub fn seal_reply(&self, reply: &InvitationReply) -> Result<Vec<u8>> {
        let body = serde_json::to_vec(reply)?;
        Ok(seal(
            &self.cipher(),
            reply_name(&self.reply_id()).as_bytes(),
            &body,
        ))
    }

    /// The reply to the invitation this code names. One that does not open with the
    /// code, or names another invitation, is [`Error::InvitationNotAuthentic`].
    pub fn open_reply(&self, sealed: &[u8]) -> Result<InvitationReply> {
        let reply: InvitationReply = self.open_object(&reply_name(&self.reply_id()), sealed)?;
        if reply.format > INVITATION_FORMAT {
            return Err(Error::TooNew {
                what: "invitation reply",
                found: reply.format,
                supported: INVITATION_FORMAT,
            });
        }
        if reply.invitation != self.id() || !reply.identity.public.well_formed() {
            return Err(Error::InvitationNotAuthentic);
        }
        Ok(reply)
    }

    fn open_object<T: serde::de::DeserializeOwned>(&self, name: &str, sealed: &[u8]) -> Result<T> {
        if sealed.len() as u64 > MAX_INVITATION_BYTES {
            return Err(Error::InvitationNotAuthentic);
        }
        let plain = Zeroizing::new(
            open(&self.cipher(), name.as_bytes(), sealed).ok_or(Error::InvitationNotAuthentic)?,
        );
        serde_json::from_slice(&plain).map_err(|_| Error::InvitationNotAuthentic)
    }
}

#[cfg(feature = "fuzzing")]
impl InviteCode {
    /// A code of fixed bytes (the fuzz targets').
    pub(crate) fn fixed(byte: u8) -> Self {
        Self(Zeroizing::new([byte; 16]))
    }

    /// `plain` sealed as this code's invitation object and as its reply, as anyone holding
    /// the code could write them (so the fuzzers reach the JSON and the checks).
    pub(crate) fn seal_raw(&self, plain: &[u8]) -> [Vec<u8>; 2] {
        [
            seal(&self.cipher(), object_name(&self.id()).as_bytes(), plain),
            seal(
                &self.cipher(),
                reply_name(&self.reply_id()).as_bytes(),
                plain,
            ),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_parse_back_and_typos_are_caught() {
        let code = InviteCode::generate();
        let shown = code.display();
        assert_eq!(shown.replace('-', "").len(), CODE_CHARS);
        let back = InviteCode::parse(&shown.to_lowercase()).unwrap();
        assert_eq!(back.id(), code.id());
        let mut typo: Vec<char> = shown.chars().collect();
        typo[2] = if typo[2] == 'A' { 'B' } else { 'A' };
        let typo: String = typo.into_iter().collect();
        assert!(matches!(
            InviteCode::parse(&typo),
            Err(Error::MalformedInviteCode { .. })
        ));
        assert!(matches!(
            InviteCode::parse("ABCDE"),
            Err(Error::MalformedInviteCode { .. })
        ));
        assert_ne!(InviteCode::generate().id(), code.id());
    }
}
