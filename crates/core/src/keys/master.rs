//! The master key and the ciphers derived from it.

use ring::aead::{AES_256_GCM, Aad, LessSafeKey, Nonce, UnboundKey};
use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::format::repo::Tagger;
use crate::format::sealed::Sealer;
use crate::ids::{ChunkId, ContentHash};

/// BLAKE3 `derive_key` contexts, one per purpose. Never change these: ids and ciphertexts
/// of existing libraries depend on them.
mod context {
    pub const CHUNK_ID: &str = "dossier 2026-11 chunk id";
    pub const CONTENT_HASH: &str = "dossier 2026-11 content hash";
    pub const CHUNK_SEAL: &str = "dossier 2026-11 chunk encryption";
    pub const PACK_INDEX: &str = "dossier 2026-11 pack index encryption";
    pub const KEY_CHECK: &str = "dossier 2026-11 key check";
    pub const DERIVED: &str = "dossier 2026-11 derived file encryption";
    pub const JOURNAL: &str = "dossier 2026-11 journal encryption";
    pub const CATALOG: &str = "dossier 2026-12 catalog encryption";
    pub const INDEX: &str = "dossier 2026-12 index encryption";
    pub const KEY_OBJECT: &str = "dossier 2026-12 key object authentication";
    /// The key every member holds (department staff included), from which the keys of
    /// what every member must open are derived: today, epoch objects.
    pub const MEMBERS: &str = "dossier 2026-12 members' key";
    /// Under the members' key: the key epoch objects are sealed with.
    pub const EPOCH_OBJECT: &str = "dossier 2026-12 epoch object encryption";
    /// Under a content key: the key drawn, with each record's own key, into that record's
    /// ciphers.
    pub const RECORD: &str = "dossier 2026-12 record content";
    /// Under the record key and a record's own key: its chunks' ids, their sealing, its
    /// derived files' sealing.
    pub const RECORD_CHUNK_ID: &str = "dossier 2026-12 record chunk id";
    pub const RECORD_CHUNK_SEAL: &str = "dossier 2026-12 record chunk encryption";
    pub const RECORD_DERIVED: &str = "dossier 2026-12 record derived file encryption";
}

/// Length of the random nonce prefixed to every sealed object.
pub const NONCE_LEN: usize = 12;
/// Length of the AES-GCM tag appended to every sealed object.
pub const TAG_LEN: usize = 16;

/// The library's 256-bit master key. Zeroized on drop; never printed.
#[derive(Clone)]
pub struct MasterKey(Zeroizing<[u8; 32]>);

impl std::fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MasterKey(..)")
    }
}

impl MasterKey {
    /// A new random key from the OS generator.
    pub fn generate() -> Self {
        let mut k = Zeroizing::new([0u8; 32]);
        crate::fill_random(k.as_mut());
        Self(k)
    }

    /// From raw bytes (unwrapped from a slot or the keyring).
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let arr: [u8; 32] = bytes.try_into().map_err(|_| Error::Integrity {
            object: "master key".into(),
            detail: "not 32 bytes",
        })?;
        Ok(Self(Zeroizing::new(arr)))
    }

    /// The raw bytes, for wrapping into a slot or storing in the keyring.
    pub(crate) fn expose(&self) -> &[u8; 32] {
        &self.0
    }

    fn derive(&self, context: &str) -> Zeroizing<[u8; 32]> {
        Zeroizing::new(blake3::derive_key(context, self.0.as_ref()))
    }

    /// A check value that identifies this key without revealing it.
    pub fn check_value(&self) -> Vec<u8> {
        self.derive(context::KEY_CHECK).to_vec()
    }

    /// The key that authenticates key objects on a remote ([`crate::format::repo`]).
    pub(crate) fn key_object_key(&self) -> KeyObjectKey {
        KeyObjectKey(self.derive(context::KEY_OBJECT))
    }

    /// Build the ciphers and hash keys used by the store.
    pub fn crypto(&self) -> Crypto {
        crypto_from(
            &self.0,
            &self.derive(context::MEMBERS),
            self.key_object_key(),
        )
    }

    /// The key of a folder made with this key: this key itself.
    pub(crate) fn folder_key(&self) -> FolderKey {
        FolderKey::new(self.0.clone(), self.members_key())
    }

    /// What a department member's key slot holds in place of this key.
    pub(crate) fn members_key(&self) -> MembersKey {
        MembersKey {
            members: self.derive(context::MEMBERS),
            key_object: self.derive(context::KEY_OBJECT),
        }
    }
}

/// The ciphers and hash keys derived from `root`, with the key of epoch objects from
/// `members` and `key_object` for key objects' tags.
fn crypto_from(root: &[u8; 32], members: &[u8; 32], key_object: KeyObjectKey) -> Crypto {
    let derive = |ctx| Zeroizing::new(blake3::derive_key(ctx, root));
    let cipher = |ctx| Cipher::new(&derive(ctx));
    Crypto {
        chunk_id_key: derive(context::CHUNK_ID),
        content_key: derive(context::CONTENT_HASH),
        chunk: cipher(context::CHUNK_SEAL),
        pack_index: cipher(context::PACK_INDEX),
        derived: cipher(context::DERIVED),
        journal: cipher(context::JOURNAL),
        epoch_object: Cipher::new(&Zeroizing::new(blake3::derive_key(
            context::EPOCH_OBJECT,
            members,
        ))),
        key_object,
        record: derive(context::RECORD),
    }
}

/// What a department member's key slot holds in place of the library's key (issue 21):
/// the members' key (derived from the library's; it seals epoch objects and this
/// desktop's own catalog, index and store journal) and the key of key objects' tags. It
/// opens no content, segment or checkpoint sealed under the library's key: a
/// department member reads only what their collections' and the journal's keys open.
/// Zeroized on drop; never printed.
#[derive(Clone)]
pub struct MembersKey {
    members: Zeroizing<[u8; 32]>,
    key_object: Zeroizing<[u8; 32]>,
}

impl std::fmt::Debug for MembersKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MembersKey(..)")
    }
}

impl MembersKey {
    /// The bytes a slot wraps: the members' key, then the key objects' key.
    pub(crate) fn to_bytes(&self) -> Zeroizing<Vec<u8>> {
        let mut out = Zeroizing::new(Vec::with_capacity(64));
        out.extend_from_slice(self.members.as_ref());
        out.extend_from_slice(self.key_object.as_ref());
        out
    }

    /// From the 64 bytes a department member's slot wraps.
    pub(crate) fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let damaged = || Error::Integrity {
            object: "members' key".into(),
            detail: "not 64 bytes",
        };
        let (members, key_object) = bytes.split_at_checked(32).ok_or_else(damaged)?;
        Ok(Self {
            members: Zeroizing::new(members.try_into().map_err(|_| damaged())?),
            key_object: Zeroizing::new(key_object.try_into().map_err(|_| damaged())?),
        })
    }

    /// A check value that identifies this key without revealing it (`KeyFile::members_check`).
    pub fn check_value(&self) -> Vec<u8> {
        blake3::derive_key(context::KEY_CHECK, self.members.as_ref()).to_vec()
    }

    /// The key of key objects' tags, as the library's key derives it.
    pub(crate) fn key_object_key(&self) -> KeyObjectKey {
        KeyObjectKey(self.key_object.clone())
    }

    /// The key of a department member's folder made in sessions 34 and 35: this key
    /// itself (every department member holds it; later folders have a key of their own).
    pub(crate) fn folder_key(&self) -> FolderKey {
        FolderKey::new(self.members.clone(), self.clone())
    }
}

/// The key of one library folder's own files (catalog, search index, store journal),
/// with the members' key and key objects' key its ciphers carry for epoch and key
/// objects: the library's key in a folder made by someone who reads every record, the
/// members' key in a department member's folder made in sessions 34 and 35, and a random
/// key sealed to its person in one made since (`FolderKeys`). Zeroized on drop; never
/// printed.
#[derive(Clone)]
pub(crate) struct FolderKey {
    root: Zeroizing<[u8; 32]>,
    members: MembersKey,
}

impl std::fmt::Debug for FolderKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FolderKey(..)")
    }
}

impl FolderKey {
    /// A folder under `root`, of a library whose members' key is `members`.
    pub(crate) fn new(root: Zeroizing<[u8; 32]>, members: MembersKey) -> Self {
        Self { root, members }
    }

    /// A new random key, for a person's own folder.
    pub(crate) fn generate(members: MembersKey) -> Self {
        let mut root = Zeroizing::new([0u8; 32]);
        crate::fill_random(root.as_mut());
        Self::new(root, members)
    }

    /// The bytes sealed to the folder's person.
    pub(crate) fn root(&self) -> &[u8; 32] {
        &self.root
    }

    fn derive(&self, context: &str) -> Zeroizing<[u8; 32]> {
        Zeroizing::new(blake3::derive_key(context, self.root.as_ref()))
    }

    /// The key SQLCipher encrypts the folder's `catalog.sqlite` with.
    pub(crate) fn catalog_key(&self) -> CatalogKey {
        CatalogKey(self.derive(context::CATALOG))
    }

    /// The key the folder's search index files are sealed with.
    pub(crate) fn index_key(&self) -> IndexKey {
        IndexKey(self.derive(context::INDEX))
    }

    /// The ciphers of the folder's own files (its store journal), epoch objects and key
    /// objects.
    pub(crate) fn crypto(&self) -> Crypto {
        crypto_from(
            &self.root,
            &self.members.members,
            self.members.key_object_key(),
        )
    }
}

/// The catalog's raw SQLCipher key. Zeroized on drop; never printed.
pub struct CatalogKey(Zeroizing<[u8; 32]>);

impl std::fmt::Debug for CatalogKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CatalogKey(..)")
    }
}

impl CatalogKey {
    /// The key as SQLCipher's raw-key literal, `x'<64 hex digits>'`.
    pub(crate) fn sql_literal(&self) -> Zeroizing<String> {
        // Sized up front: a string that grows leaves copies behind in freed memory.
        let mut literal = Zeroizing::new(String::with_capacity(67));
        literal.push_str("x'");
        data_encoding::HEXLOWER.encode_append(self.0.as_ref(), &mut literal);
        literal.push('\'');
        literal
    }
}

/// The search index's key: each index file is sealed with a key derived from it and the
/// file's salt and name ([`crate::format::index_file`]). Zeroized on drop; never printed.
pub(crate) struct IndexKey(Zeroizing<[u8; 32]>);

impl std::fmt::Debug for IndexKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("IndexKey(..)")
    }
}

impl IndexKey {
    /// The cipher of one file: its salt and name bound into its key.
    pub(crate) fn file_cipher(&self, salt: &[u8], name: &[u8]) -> BlockCipher {
        let mut h = blake3::Hasher::new_keyed(&self.0);
        h.update(salt);
        h.update(name);
        let key = Zeroizing::new(*h.finalize().as_bytes());
        BlockCipher(Cipher::new(&key))
    }
}

/// The key of key objects' tags (BLAKE3 keyed hash). Zeroized on drop; never printed.
#[derive(Clone)]
pub(crate) struct KeyObjectKey(Zeroizing<[u8; 32]>);

impl std::fmt::Debug for KeyObjectKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("KeyObjectKey(..)")
    }
}

impl KeyObjectKey {
    pub(crate) fn tag(&self, message: &[u8]) -> [u8; 32] {
        *blake3::keyed_hash(&self.0, message).as_bytes()
    }

    /// Whether `tag` is this key's tag of `message` (compared in constant time).
    pub(crate) fn verify(&self, message: &[u8], tag: &[u8]) -> bool {
        <[u8; 32]>::try_from(tag)
            .is_ok_and(|tag| blake3::keyed_hash(&self.0, message) == blake3::Hash::from_bytes(tag))
    }
}

/// AES-256-GCM with caller-chosen nonces, for a key used on one write-once file whose
/// block numbers are the nonces.
pub(crate) struct BlockCipher(Cipher);

impl std::fmt::Debug for BlockCipher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("BlockCipher(..)")
    }
}

impl BlockCipher {
    /// Encrypt `buf` in place and append its tag.
    pub(crate) fn seal(&self, nonce: [u8; NONCE_LEN], aad: &[u8], buf: &mut Vec<u8>) {
        let tag = self
            .0
            .0
            .seal_in_place_separate_tag(Nonce::assume_unique_for_key(nonce), Aad::from(aad), buf)
            .expect("AES-GCM encryption of an in-memory buffer cannot fail");
        buf.extend_from_slice(tag.as_ref());
    }

    /// Decrypt ciphertext-and-tag `buf` in place; the plaintext's length, or `None` when it
    /// does not authenticate.
    pub(crate) fn open(&self, nonce: [u8; NONCE_LEN], aad: &[u8], buf: &mut [u8]) -> Option<usize> {
        self.0
            .0
            .open_in_place(Nonce::assume_unique_for_key(nonce), Aad::from(aad), buf)
            .ok()
            .map(|p| p.len())
    }
}

/// Ciphers and keyed hashes of one unlocked library. Cheap to share by reference across
/// worker threads.
pub struct Crypto {
    /// Drawn, with a record's own key, into that record's ciphers ([`Crypto::for_record`]).
    record: Zeroizing<[u8; 32]>,
    chunk_id_key: Zeroizing<[u8; 32]>,
    content_key: Zeroizing<[u8; 32]>,
    chunk: Cipher,
    pack_index: Cipher,
    derived: Cipher,
    journal: Cipher,
    epoch_object: Cipher,
    key_object: KeyObjectKey,
}

impl std::fmt::Debug for Crypto {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Crypto(..)")
    }
}

use crate::format::sealed::SealKind;

impl Sealer for Crypto {
    fn seal(&self, kind: SealKind, aad: &[u8], plain: &[u8]) -> Vec<u8> {
        Crypto::seal(self, kind, aad, plain)
    }

    fn open(&self, kind: SealKind, aad: &[u8], sealed: &[u8], object: &str) -> Result<Vec<u8>> {
        Crypto::open(self, kind, aad, sealed, object)
    }
}

impl Tagger for KeyObjectKey {
    fn tag(&self, message: &[u8]) -> [u8; 32] {
        KeyObjectKey::tag(self, message)
    }

    fn verify(&self, message: &[u8], tag: &[u8]) -> bool {
        KeyObjectKey::verify(self, message, tag)
    }
}

impl Crypto {
    /// The ciphers of one record's content under this key: its chunks' ids and sealing and
    /// its derived files' sealing are drawn from both this key and the record's own, so
    /// that neither alone opens them; the rest (pack indexes, the content hash, journal,
    /// epoch and key objects) is this key's.
    pub fn for_record(&self, record: &super::RecordKey) -> Crypto {
        let derive = |ctx| {
            let mut h = blake3::Hasher::new_derive_key(ctx);
            h.update(self.record.as_ref());
            h.update(record.expose());
            Zeroizing::new(*h.finalize().as_bytes())
        };
        Crypto {
            record: self.record.clone(),
            chunk_id_key: derive(context::RECORD_CHUNK_ID),
            content_key: self.content_key.clone(),
            chunk: Cipher::new(&derive(context::RECORD_CHUNK_SEAL)),
            pack_index: self.pack_index.clone(),
            derived: Cipher::new(&derive(context::RECORD_DERIVED)),
            journal: self.journal.clone(),
            epoch_object: self.epoch_object.clone(),
            key_object: self.key_object.clone(),
        }
    }

    /// The key of key objects' tags.
    pub(crate) fn key_object_key(&self) -> &KeyObjectKey {
        &self.key_object
    }

    /// The id of a chunk: keyed BLAKE3 of its plaintext.
    pub fn chunk_id(&self, plaintext: &[u8]) -> ChunkId {
        ChunkId(*blake3::keyed_hash(&self.chunk_id_key, plaintext).as_bytes())
    }

    /// A streaming hasher for a whole file's content hash.
    pub fn content_hasher(&self) -> ContentHasher {
        ContentHasher(blake3::Hasher::new_keyed(&self.content_key))
    }

    /// Encrypt a chunk's stored form, binding it to its id.
    #[cfg(test)]
    pub(crate) fn seal_chunk(&self, id: &ChunkId, stored: &[u8]) -> Vec<u8> {
        seal(&self.chunk, &id.0, stored)
    }

    /// Encrypt a chunk's stored form written by `fill` straight into the sealed buffer
    /// (no intermediate copy), binding it to its id.
    pub(crate) fn seal_chunk_with(
        &self,
        id: &ChunkId,
        capacity: usize,
        fill: impl FnOnce(&mut Vec<u8>),
    ) -> Vec<u8> {
        seal_with(&self.chunk, &id.0, capacity, fill)
    }

    /// Decrypt a chunk, checking it belongs to `id`.
    pub(crate) fn open_chunk(&self, id: &ChunkId, sealed: &[u8]) -> Result<Vec<u8>> {
        open(&self.chunk, &id.0, sealed).ok_or_else(|| Error::Integrity {
            object: format!("chunk {id}"),
            detail: "authentication failed (damaged or tampered)",
        })
    }

    pub(crate) fn seal(&self, kind: SealKind, aad: &[u8], plain: &[u8]) -> Vec<u8> {
        seal(self.cipher(kind), aad, plain)
    }

    pub(crate) fn open(
        &self,
        kind: SealKind,
        aad: &[u8],
        sealed: &[u8],
        object: impl Into<String>,
    ) -> Result<Vec<u8>> {
        open(self.cipher(kind), aad, sealed).ok_or_else(|| Error::Integrity {
            object: object.into(),
            detail: "authentication failed (damaged or tampered)",
        })
    }

    fn cipher(&self, kind: SealKind) -> &Cipher {
        match kind {
            SealKind::PackIndex => &self.pack_index,
            SealKind::Derived => &self.derived,
            SealKind::Journal => &self.journal,
            SealKind::EpochObject => &self.epoch_object,
        }
    }
}

/// Keyed BLAKE3 over a whole file, fed as it streams.
#[derive(Debug, Clone)]
pub struct ContentHasher(blake3::Hasher);

impl ContentHasher {
    pub fn update(&mut self, data: &[u8]) {
        self.0.update(data);
    }
    pub fn finalize(&self) -> ContentHash {
        ContentHash(*self.0.finalize().as_bytes())
    }
}

/// An AES-256-GCM key (ring's implementation: AES-NI/ARMv8 and carry-less multiply
/// assembly on every desktop platform).
#[derive(Clone)]
pub(crate) struct Cipher(LessSafeKey);

impl Cipher {
    pub(crate) fn new(key: &[u8; 32]) -> Self {
        let key = UnboundKey::new(&AES_256_GCM, key).expect("a 32-byte AES-256 key");
        Self(LessSafeKey::new(key))
    }
}

/// `nonce || ciphertext || tag` with a fresh random nonce.
pub(crate) fn seal(cipher: &Cipher, aad: &[u8], plain: &[u8]) -> Vec<u8> {
    seal_with(cipher, aad, plain.len(), |out| out.extend_from_slice(plain))
}

/// [`seal`] of the plaintext that `fill` appends (`capacity` is its expected length).
pub(crate) fn seal_with(
    cipher: &Cipher,
    aad: &[u8],
    capacity: usize,
    fill: impl FnOnce(&mut Vec<u8>),
) -> Vec<u8> {
    let mut nonce = [0u8; NONCE_LEN];
    crate::fill_random(&mut nonce);
    let mut out = Vec::with_capacity(NONCE_LEN + capacity + TAG_LEN);
    out.extend_from_slice(&nonce);
    fill(&mut out);
    // A random 96-bit nonce per object; with under 2^32 objects per key the chance of a
    // repeat stays far below the 2^-32 NIST bound.
    let tag = cipher
        .0
        .seal_in_place_separate_tag(
            Nonce::assume_unique_for_key(nonce),
            Aad::from(aad),
            &mut out[NONCE_LEN..],
        )
        .expect("AES-GCM encryption of an in-memory buffer cannot fail");
    out.extend_from_slice(tag.as_ref());
    out
}

/// Inverse of [`seal`]; `None` when the data or the associated data do not authenticate.
pub(crate) fn open(cipher: &Cipher, aad: &[u8], sealed: &[u8]) -> Option<Vec<u8>> {
    if sealed.len() < NONCE_LEN + TAG_LEN {
        return None;
    }
    let (nonce, ct) = sealed.split_at(NONCE_LEN);
    let nonce = Nonce::try_assume_unique_for_key(nonce).ok()?;
    let mut buf = ct.to_vec();
    let plain_len = cipher
        .0
        .open_in_place(nonce, Aad::from(aad), &mut buf)
        .ok()?
        .len();
    buf.truncate(plain_len);
    Some(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_records_ciphers_need_both_its_collections_key_and_its_own() {
        let (collection, other) = (
            MasterKey::generate().crypto(),
            MasterKey::generate().crypto(),
        );
        let (r, s) = (
            crate::keys::RecordKey::generate(),
            crate::keys::RecordKey::generate(),
        );
        let record = collection.for_record(&r);
        let plain = b"transcript of Ada Lovelace";
        let id = record.chunk_id(plain);
        assert_ne!(id, collection.chunk_id(plain), "ids are the record's own");
        assert_ne!(id, collection.for_record(&s).chunk_id(plain));
        assert_eq!(id, collection.for_record(&r.clone()).chunk_id(plain));
        let sealed = record.seal_chunk(&id, plain);
        assert_eq!(record.open_chunk(&id, &sealed).unwrap(), plain);
        for wrong in [
            &collection,
            &collection.for_record(&s),
            &other.for_record(&r),
        ] {
            assert!(wrong.open_chunk(&id, &sealed).is_err());
        }
        let derived = record.seal(SealKind::Derived, b"aad", plain);
        assert!(
            collection
                .open(SealKind::Derived, b"aad", &derived, "x")
                .is_err()
        );
        // What is the collection's stays the collection's: pack indexes, content hashes.
        let index = collection.seal(SealKind::PackIndex, b"i", plain);
        assert_eq!(
            record.open(SealKind::PackIndex, b"i", &index, "x").unwrap(),
            plain
        );
        let (mut h1, mut h2) = (record.content_hasher(), collection.content_hasher());
        h1.update(plain);
        h2.update(plain);
        assert_eq!(h1.finalize(), h2.finalize());
    }

    /// The keys of a folder's own files are derived as before `FolderKey` (session 36):
    /// a folder under the library's key, or under the members' key (sessions 34 and 35,
    /// no fixture of which is checked in), opens with the same catalog key, index key and
    /// journal cipher.
    #[test]
    fn folder_keys_derive_what_the_library_and_members_keys_derived() {
        let master = MasterKey::generate();
        let derive = |ctx, root: &[u8; 32]| blake3::derive_key(ctx, root);
        let library = master.folder_key();
        assert_eq!(
            *library.catalog_key().0,
            derive(context::CATALOG, &master.0)
        );
        assert_eq!(*library.index_key().0, derive(context::INDEX, &master.0));
        let members = derive(context::MEMBERS, &master.0);
        let folder = master.members_key().folder_key();
        assert_eq!(*folder.catalog_key().0, derive(context::CATALOG, &members));
        assert_eq!(*folder.index_key().0, derive(context::INDEX, &members));
        // The journal cipher of each: what the root's own subkey seals, it opens.
        let journal = Cipher::new(&Zeroizing::new(derive(context::JOURNAL, &members)));
        let sealed = seal(&journal, b"aad", b"a store journal segment");
        assert_eq!(
            open(&folder.crypto().journal, b"aad", &sealed).as_deref(),
            Some(&b"a store journal segment"[..])
        );
        let journal = Cipher::new(&Zeroizing::new(derive(context::JOURNAL, &master.0)));
        let sealed = seal(&journal, b"aad", b"a store journal segment");
        assert_eq!(
            open(&library.crypto().journal, b"aad", &sealed).as_deref(),
            Some(&b"a store journal segment"[..])
        );
    }

    #[test]
    fn chunks_round_trip_and_are_bound_to_their_id() {
        let c = MasterKey::generate().crypto();
        let id = c.chunk_id(b"hello");
        let sealed = c.seal_chunk(&id, b"hello");
        assert_eq!(c.open_chunk(&id, &sealed).unwrap(), b"hello");
        let other = c.chunk_id(b"other");
        assert!(matches!(
            c.open_chunk(&other, &sealed),
            Err(Error::Integrity { .. })
        ));
        let mut flipped = sealed.clone();
        flipped[20] ^= 1;
        assert!(c.open_chunk(&id, &flipped).is_err());
    }

    #[test]
    fn ids_depend_on_the_library_key() {
        let a = MasterKey::generate().crypto();
        let b = MasterKey::generate().crypto();
        assert_eq!(a.chunk_id(b"x"), a.chunk_id(b"x"));
        assert_ne!(a.chunk_id(b"x"), b.chunk_id(b"x"));
    }

    #[test]
    fn debug_never_shows_key_bytes() {
        let k = MasterKey::from_bytes(&[0xAB; 32]).unwrap();
        assert_eq!(format!("{k:?}"), "MasterKey(..)");
    }
}
