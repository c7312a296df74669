//! Members' own keys (docs/decisions.md, "Key hierarchy"): an [`Identity`] is a signing
//! key pair (Ed25519) and an encryption key pair (X25519). Its private halves exist in
//! memory (zeroized on drop) or wrapped by the member's passphrase in an
//! [`IdentityFile`]; its public half ([`PublicIdentity`]) verifies what the member signs
//! ([`verify`]) and receives keys sealed to them ([`seal_to`]), and people compare its
//! [`Fingerprint`] out of band.
//!
//! **Invariant:** a signing key is never wrapped by anything but its member's passphrase:
//! no recovery path can sign as a member.

use std::fmt;

use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use x25519_dalek::{PublicKey, StaticSecret};
use zeroize::Zeroizing;

use super::KdfParams;
use super::master::{Cipher, open, seal};
use super::slots::{argon2_key, now_ms, passphrase_key, random};
use crate::error::{Error, Result};
use crate::format::identity::{IDENTITY_FORMAT, IdentityFile, MAX_NAME_BYTES, PublicIdentity};
use crate::format::keyfile::{SlotKdf, costs_within_bounds};
use crate::ids::MemberId;

/// What a signature or a sealed box is for: signed and sealed under this name, so that
/// one made for one purpose is never accepted for another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Keys sealed to a member outside a collection's epochs (an invitation's).
    MemberKeys,
    /// A statement about the library's members (`format::member`).
    MemberStatement,
    /// One epoch of a collection's keys (`format::collection_keys`), as signed.
    EpochKeys,
    /// A collection's epoch key sealed to one member, inside a signed epoch.
    EpochKey,
    /// A batch of operations a member made (`format::batch`).
    OpBatch,
    /// An invitation's one-time code sealed to an owner (`OpKind::Invited`).
    InvitationCode,
    /// A key object (`format::repo`): whose slot set it is.
    KeyObject,
    /// A department member's own folder key (`format::library_json`), sealed to them
    /// and signed by them with the folder's library and device.
    FolderKey,
    /// A destruction certificate's parts (`format::destruction`): the approved batch, a
    /// check of the remote.
    Destruction,
    /// An erasure epoch's key given to one desktop's one-time key (`keys::erasure`).
    ErasureKey,
    /// Test vectors only.
    #[cfg(test)]
    Test,
}

impl Purpose {
    fn context(self) -> &'static str {
        match self {
            Self::MemberKeys => "dossier 2026-12 keys sealed to a member",
            Self::MemberStatement => "dossier 2026-12 statement about members",
            Self::EpochKeys => "dossier 2026-12 collection epoch keys",
            Self::EpochKey => "dossier 2026-12 collection epoch key for a member",
            Self::OpBatch => "dossier 2026-12 batch of operations",
            Self::InvitationCode => "dossier 2026-12 invitation code for an owner",
            Self::KeyObject => "dossier 2026-12 key object",
            Self::FolderKey => "dossier 2026-12 library folder key",
            Self::Destruction => "dossier 2026-12 destruction certificate",
            Self::ErasureKey => "dossier 2026-12 erasure key for a desktop",
            #[cfg(test)]
            Self::Test => "dossier 2026-12 test",
        }
    }
}

const SEALED_BOX_KEY: &str = "dossier 2026-12 sealed box key";
const FINGERPRINT: &str = "dossier 2026-12 identity fingerprint";
const ANSWER_FINGERPRINT: &str = "dossier 2026-12 invitation answer fingerprint";
/// An ephemeral public key, then the AES-256-GCM nonce and tag.
const SEALED_BOX_OVERHEAD: usize = 32 + super::master::NONCE_LEN + super::master::TAG_LEN;

/// A member's two key pairs, unwrapped.
pub struct Identity {
    public: PublicIdentity,
    signing: SigningKey,
    encryption: StaticSecret,
}

impl fmt::Debug for Identity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Identity")
            .field("member", &self.public.member)
            .field("name", &self.public.name)
            .finish_non_exhaustive()
    }
}

impl Identity {
    /// A new identity for `member`, called `name`.
    pub fn generate(member: MemberId, name: &str) -> Result<Self> {
        let name = name.trim();
        if name.is_empty() || name.len() > MAX_NAME_BYTES {
            return Err(Error::KeySlot(
                "a member needs a name (at most 200 bytes) for their identity",
            ));
        }
        let seed = Zeroizing::new(random::<32>());
        let secret = Zeroizing::new(random::<32>());
        Ok(Self::from_secrets(member, name.to_owned(), &seed, &secret))
    }

    /// The identity these secrets make (a fixed one for the fuzz targets' seeds).
    pub(crate) fn from_secrets(
        member: MemberId,
        name: String,
        seed: &[u8; 32],
        secret: &[u8; 32],
    ) -> Self {
        let signing = SigningKey::from_bytes(seed);
        let encryption = StaticSecret::from(*secret);
        let public = PublicIdentity {
            member,
            name,
            signing: signing.verifying_key().to_bytes().to_vec(),
            encryption: PublicKey::from(&encryption).to_bytes().to_vec(),
        };
        Self {
            public,
            signing,
            encryption,
        }
    }

    /// The same keys in a second value, for a read handle of the library the person
    /// signed in to (it opens their collections' keys; it commits nothing). Not `Clone`,
    /// so secrets are not copied by accident.
    pub(crate) fn duplicate(&self) -> Self {
        Self {
            public: self.public.clone(),
            signing: self.signing.clone(),
            encryption: self.encryption.clone(),
        }
    }

    pub fn public(&self) -> &PublicIdentity {
        &self.public
    }

    /// The member's signature of `message` for `purpose`.
    pub fn sign(&self, purpose: Purpose, message: &[u8]) -> [u8; 64] {
        self.signing
            .sign(&signed_bytes(purpose, message))
            .to_bytes()
    }

    /// Open a box sealed to this identity for `purpose` ([`seal_to`]). `object` names it
    /// in the error.
    pub fn open_sealed(
        &self,
        purpose: Purpose,
        sealed: &[u8],
        object: &str,
    ) -> Result<Zeroizing<Vec<u8>>> {
        open_box(
            &self.encryption,
            &self.public.encryption,
            purpose,
            sealed,
            object,
        )
    }

    /// The identity wrapped by `passphrase` (at least 8 characters), for its file.
    pub fn wrap(&self, passphrase: &str, params: KdfParams) -> Result<IdentityFile> {
        let (key, kdf) = passphrase_key(passphrase, params)?;
        let mut secrets = Zeroizing::new(self.signing.to_bytes().to_vec());
        secrets.extend_from_slice(self.encryption.as_bytes());
        Ok(IdentityFile {
            format: IDENTITY_FORMAT,
            public: self.public.clone(),
            created_ms: now_ms(),
            kdf,
            wrapped: seal(&Cipher::new(&key), &self.public.binding(), &secrets),
        })
    }

    /// The identity `file` holds, unwrapped by `passphrase`. A wrong passphrase and a file
    /// whose public keys were replaced (they are bound to the wrapping) are both
    /// [`Error::WrongPassphrase`]; a file of another shape is [`Error::Integrity`].
    pub fn unwrap(file: &IdentityFile, passphrase: &str) -> Result<Self> {
        let damaged = |detail| Error::Integrity {
            object: format!("the identity of {}", file.public.member),
            detail,
        };
        if file.format > IDENTITY_FORMAT {
            return Err(Error::TooNew {
                what: "identity file",
                found: file.format,
                supported: IDENTITY_FORMAT,
            });
        }
        if !file.public.well_formed() {
            return Err(damaged("its public keys or name have the wrong size"));
        }
        let SlotKdf::Passphrase {
            m_cost_kib,
            t_cost,
            p_cost,
            salt,
        } = &file.kdf
        else {
            return Err(damaged("an identity is wrapped only by a passphrase"));
        };
        if !costs_within_bounds(*m_cost_kib, *t_cost, *p_cost) || !(8..=64).contains(&salt.len()) {
            return Err(damaged("its passphrase asks for more than Dossier allows"));
        }
        let key = argon2_key(passphrase, salt, *m_cost_kib, *t_cost, *p_cost)?;
        let secrets = Zeroizing::new(
            open(&Cipher::new(&key), &file.public.binding(), &file.wrapped)
                .ok_or(Error::WrongPassphrase)?,
        );
        let (Ok(seed), Ok(secret)) = (
            <[u8; 32]>::try_from(&secrets[..secrets.len().min(32)]),
            <[u8; 32]>::try_from(secrets.get(32..).unwrap_or_default()),
        ) else {
            return Err(damaged("its wrapped keys have the wrong size"));
        };
        let (seed, secret) = (Zeroizing::new(seed), Zeroizing::new(secret));
        let identity =
            Self::from_secrets(file.public.member, file.public.name.clone(), &seed, &secret);
        // The keys are bound to the public ones by the wrapping; they must also be them.
        if identity.public != file.public {
            return Err(damaged("its keys are not its public keys"));
        }
        Ok(identity)
    }
}

/// Whether `signature` is `identity`'s signature of `message` for `purpose` (strict
/// Ed25519 verification). `object` names what was signed in the error.
pub fn verify(
    identity: &PublicIdentity,
    purpose: Purpose,
    message: &[u8],
    signature: &[u8],
    object: &str,
) -> Result<()> {
    let bad = || Error::BadSignature {
        object: object.to_owned(),
        member: identity.member,
    };
    let key: [u8; 32] = identity.signing.as_slice().try_into().map_err(|_| bad())?;
    let key = VerifyingKey::from_bytes(&key).map_err(|_| bad())?;
    let signature: [u8; 64] = signature.try_into().map_err(|_| bad())?;
    key.verify_strict(
        &signed_bytes(purpose, message),
        &Signature::from_bytes(&signature),
    )
    .map_err(|_| bad())
}

/// Whether an identity's public keys can be used: an Ed25519 key that decodes and is not
/// of small order, and an X25519 key an agreement with is contributory (no low-order
/// point, with which every box sealed to it would be refused).
pub fn usable_keys(identity: &PublicIdentity) -> bool {
    let (Ok(signing), Ok(encryption)) = (
        <[u8; 32]>::try_from(identity.signing.as_slice()),
        <[u8; 32]>::try_from(identity.encryption.as_slice()),
    ) else {
        return false;
    };
    let strong_signing = VerifyingKey::from_bytes(&signing).is_ok_and(|k| !k.is_weak());
    let probe = StaticSecret::from([0x5a; 32]);
    strong_signing
        && probe
            .diffie_hellman(&PublicKey::from(encryption))
            .was_contributory()
}

/// `plain` sealed so that only `identity` can open it ([`Identity::open_sealed`]): an
/// ephemeral X25519 key agreed with the member's, the shared secret through BLAKE3
/// `derive_key` with both public keys, AES-256-GCM with the purpose as associated data.
pub fn seal_to(identity: &PublicIdentity, purpose: Purpose, plain: &[u8]) -> Result<Vec<u8>> {
    let recipient: [u8; 32] =
        identity
            .encryption
            .as_slice()
            .try_into()
            .map_err(|_| Error::Integrity {
                object: format!("the identity of {}", identity.member),
                detail: "its encryption key has the wrong size",
            })?;
    seal_box(&recipient, purpose, plain).ok_or_else(|| Error::Integrity {
        object: format!("the identity of {}", identity.member),
        detail: "its encryption key has no strength",
    })
}

/// `plain` sealed to the X25519 key `recipient` for `purpose` (an ephemeral key, BLAKE3
/// `derive_key`, AES-256-GCM); `None` when `recipient` is a key of no strength.
pub(super) fn seal_box(recipient: &[u8; 32], purpose: Purpose, plain: &[u8]) -> Option<Vec<u8>> {
    let ephemeral = StaticSecret::from(*Zeroizing::new(random::<32>()));
    let ephemeral_public = PublicKey::from(&ephemeral).to_bytes();
    let shared = ephemeral.diffie_hellman(&PublicKey::from(*recipient));
    if !shared.was_contributory() {
        return None;
    }
    let key = box_key(shared.as_bytes(), &ephemeral_public, recipient);
    let mut out = ephemeral_public.to_vec();
    out.extend(seal(
        &Cipher::new(&key),
        purpose.context().as_bytes(),
        plain,
    ));
    Some(out)
}

/// Open a box [`seal_box`] sealed to `public`, whose secret is `secret`. `object` names
/// it in the error.
pub(super) fn open_box(
    secret: &StaticSecret,
    public: &[u8],
    purpose: Purpose,
    sealed: &[u8],
    object: &str,
) -> Result<Zeroizing<Vec<u8>>> {
    let damaged = |detail| Error::Integrity {
        object: object.to_owned(),
        detail,
    };
    if sealed.len() < SEALED_BOX_OVERHEAD {
        return Err(damaged("too short to be a sealed box"));
    }
    let (ephemeral, body) = sealed.split_at(32);
    let ephemeral: [u8; 32] = ephemeral.try_into().map_err(|_| damaged("no key"))?;
    let shared = secret.diffie_hellman(&PublicKey::from(ephemeral));
    if !shared.was_contributory() {
        return Err(damaged("sealed to a key of no strength"));
    }
    let key = box_key(shared.as_bytes(), &ephemeral, public);
    open(&Cipher::new(&key), purpose.context().as_bytes(), body)
        .map(Zeroizing::new)
        .ok_or_else(|| damaged("not sealed to this key, or changed since"))
}

fn box_key(shared: &[u8; 32], ephemeral: &[u8; 32], recipient: &[u8]) -> Zeroizing<[u8; 32]> {
    let mut material = Zeroizing::new(shared.to_vec());
    material.extend_from_slice(ephemeral);
    material.extend_from_slice(recipient);
    Zeroizing::new(blake3::derive_key(SEALED_BOX_KEY, &material))
}

fn signed_bytes(purpose: Purpose, message: &[u8]) -> Vec<u8> {
    let mut b = purpose.context().as_bytes().to_vec();
    b.push(0);
    b.extend_from_slice(message);
    b
}

/// What two people compare to know a public identity is the one its member made: 24
/// digits in six groups of four (about 80 bits of BLAKE3 over the identity's
/// [`PublicIdentity::binding`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fingerprint(String);

impl Fingerprint {
    pub fn of(identity: &PublicIdentity) -> Self {
        Self::digits(&blake3::derive_key(FINGERPRINT, &identity.binding()))
    }

    /// The digits an invitee reads to the owner for their answer to an invitation: over
    /// their public identity, the owner the invitation named and the invitation, so the
    /// owner's desktop, which computes them with the library's owner, finds them equal
    /// only when both desktops saw the same identity, owner and invitation.
    pub fn of_answer(identity: &PublicIdentity, owner_signing: &[u8], invitation: &[u8]) -> Self {
        let mut h = blake3::Hasher::new_derive_key(ANSWER_FINGERPRINT);
        h.update(&identity.binding());
        h.update(&(owner_signing.len() as u64).to_le_bytes());
        h.update(owner_signing);
        h.update(invitation);
        Self::digits(h.finalize().as_bytes())
    }

    fn digits(hash: &[u8; 32]) -> Self {
        let mut first = [0u8; 16];
        first.copy_from_slice(&hash[..16]);
        let digits = format!("{:024}", u128::from_le_bytes(first) % 10u128.pow(24));
        let groups: Vec<&str> = (0..6).map(|i| &digits[i * 4..i * 4 + 4]).collect();
        Self(groups.join(" "))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quick() -> KdfParams {
        KdfParams {
            m_cost_kib: 1024,
            t_cost: 1,
            p_cost: 1,
        }
    }

    fn someone(name: &str) -> Identity {
        Identity::generate(MemberId::new(), name).unwrap()
    }

    #[test]
    fn a_signature_verifies_for_its_message_purpose_and_member_only() {
        let ann = someone("Ann Lee");
        let bo = someone("Bo Chen");
        let sig = ann.sign(Purpose::Test, b"grant: Bo is registrar staff");
        verify(
            ann.public(),
            Purpose::Test,
            b"grant: Bo is registrar staff",
            &sig,
            "a grant",
        )
        .unwrap();
        for (who, purpose, message) in [
            (
                bo.public(),
                Purpose::Test,
                &b"grant: Bo is registrar staff"[..],
            ),
            (
                ann.public(),
                Purpose::MemberKeys,
                b"grant: Bo is registrar staff",
            ),
            (ann.public(), Purpose::Test, b"grant: Bo is the owner"),
        ] {
            let refused = verify(who, purpose, message, &sig, "a grant");
            assert!(
                matches!(refused, Err(Error::BadSignature { .. })),
                "{refused:?}"
            );
        }
        let mut forged = sig;
        forged[10] ^= 1;
        assert!(
            verify(
                ann.public(),
                Purpose::Test,
                b"grant: Bo is registrar staff",
                &forged,
                "a grant"
            )
            .is_err()
        );
        assert!(verify(ann.public(), Purpose::Test, b"x", &sig[..63], "a grant").is_err());
    }

    #[test]
    fn a_sealed_box_opens_for_its_member_and_purpose_only() {
        let ann = someone("Ann Lee");
        let bo = someone("Bo Chen");
        let sealed = seal_to(
            ann.public(),
            Purpose::Test,
            b"the key of collection Science",
        )
        .unwrap();
        assert_eq!(
            &ann.open_sealed(Purpose::Test, &sealed, "a key").unwrap()[..],
            b"the key of collection Science"
        );
        assert!(bo.open_sealed(Purpose::Test, &sealed, "a key").is_err());
        assert!(
            ann.open_sealed(Purpose::MemberKeys, &sealed, "a key")
                .is_err()
        );
        for i in [0, 40, sealed.len() - 1] {
            let mut changed = sealed.clone();
            changed[i] ^= 1;
            assert!(
                ann.open_sealed(Purpose::Test, &changed, "a key").is_err(),
                "byte {i}"
            );
        }
        assert!(
            ann.open_sealed(Purpose::Test, &sealed[..20], "a key")
                .is_err()
        );
        // Each box has its own ephemeral key: the same key sealed twice looks different.
        assert_ne!(
            sealed,
            seal_to(
                ann.public(),
                Purpose::Test,
                b"the key of collection Science"
            )
            .unwrap()
        );
    }

    #[test]
    fn a_box_sealed_to_a_key_of_no_strength_is_refused() {
        let mut weak = someone("Ann Lee").public().clone();
        weak.encryption = vec![0; 32];
        assert!(matches!(
            seal_to(&weak, Purpose::Test, b"k"),
            Err(Error::Integrity { .. })
        ));
        let ann = someone("Ann Lee");
        let mut sealed = vec![0u8; 32];
        sealed.extend([0u8; 40]);
        assert!(ann.open_sealed(Purpose::Test, &sealed, "a key").is_err());
    }

    #[test]
    fn an_identity_unwraps_with_its_passphrase_only_and_keeps_its_keys() {
        let ann = someone("Ann Lee");
        let file = ann.wrap("correct horse battery", quick()).unwrap();
        let back = Identity::unwrap(&file, "correct horse battery").unwrap();
        assert_eq!(back.public(), ann.public());
        let sig = back.sign(Purpose::Test, b"m");
        verify(ann.public(), Purpose::Test, b"m", &sig, "m").unwrap();
        assert!(matches!(
            Identity::unwrap(&file, "wrong horse battery"),
            Err(Error::WrongPassphrase)
        ));
        // Someone who can write the file swaps in their own public keys: it no longer opens.
        let mallory = someone("Mallory");
        let mut swapped = file.clone();
        swapped.public.signing = mallory.public().signing.clone();
        assert!(Identity::unwrap(&swapped, "correct horse battery").is_err());
        // A recovery-key wrapping is not an identity's.
        let mut recovered = file.clone();
        recovered.kdf = SlotKdf::Recovery { salt: vec![0; 16] };
        assert!(matches!(
            Identity::unwrap(&recovered, "correct horse battery"),
            Err(Error::Integrity { .. })
        ));
        assert!(ann.wrap("short", quick()).is_err());
        assert!(format!("{ann:?}").contains("Ann Lee"));
        assert!(!format!("{ann:?}").contains("signing"));
    }

    #[test]
    fn fingerprints_are_six_groups_of_four_digits_and_tell_keys_apart() {
        let ann = someone("Ann Lee");
        let f = Fingerprint::of(ann.public());
        assert_eq!(f, Fingerprint::of(ann.public()));
        assert_eq!(f.as_str().len(), 29);
        assert!(
            f.as_str()
                .split(' ')
                .all(|g| g.len() == 4 && g.bytes().all(|b| b.is_ascii_digit()))
        );
        let mut renamed = ann.public().clone();
        renamed.name = "Ann Lee-Smith".into();
        assert_eq!(Fingerprint::of(&renamed), f, "a name is a label");
        let mut other = ann.public().clone();
        other.encryption = someone("Bo Chen").public().encryption.clone();
        assert_ne!(Fingerprint::of(&other), f);
    }
}
