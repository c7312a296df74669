//! Catalog operations: the unit of change. Every mutation of the catalog is an [`Op`]
//! stamped with a hybrid logical clock and the device id, applied to the tables and kept
//! in the journal. The sync engine exchanges exactly these, as JSON lines (encrypted).
//!
//! Merge rules (`docs/design.md`, section 5): fields are last-writer-wins registers ordered by
//! [`Stamp`]; tags are an add-wins observed-remove set; versions a grow-only set; trash
//! loses to any version its author did not see.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use super::collection_keys::{ContentKey, SignedEpochKeys};
use super::destruction::Signed;
use super::disclosure::Disclosure;
use super::field_def::FieldDef;
use super::identity::PublicIdentity;
use super::manifest::Manifest;
use super::member::SignedStatement;
use super::request::RecordRequest;
use super::rule::Rule;
use super::series::RecordSeries;
use super::subject::SubjectField;
use super::view::View;
use crate::error::{Error, Result};
use crate::ids::{
    ContentHash, DestructionId, DeviceId, DisclosureId, DocId, ErasureEpochId, InvitationId,
    MemberId, PackId, RecordKeyId, RequestId, RuleId, SubjectId, VersionId, ViewId,
};
use crate::role::Role;

/// Hybrid logical clock value: wall-clock milliseconds plus a counter for ties.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Hlc {
    pub wall_ms: u64,
    pub counter: u32,
}

/// A total order on operations: (HLC, device).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Stamp {
    pub hlc: Hlc,
    pub device: DeviceId,
}

impl Stamp {
    /// Fixed-width text that sorts like the stamp itself (used as a SQLite key).
    pub fn key(&self) -> String {
        format!(
            "{:012x}.{:08x}.{}",
            self.hlc.wall_ms, self.hlc.counter, self.device
        )
    }

    pub fn parse(key: &str) -> Result<Self> {
        let bad = || Error::NotUnderstood {
            input: key.to_owned(),
            expected: "an operation stamp",
        };
        let mut parts = key.splitn(3, '.');
        let wall_ms = u64::from_str_radix(parts.next().ok_or_else(bad)?, 16).map_err(|_| bad())?;
        let counter = u32::from_str_radix(parts.next().ok_or_else(bad)?, 16).map_err(|_| bad())?;
        let device = parts.next().ok_or_else(bad)?.parse()?;
        Ok(Self {
            hlc: Hlc { wall_ms, counter },
            device,
        })
    }

    /// Milliseconds since the Unix epoch, as signed for SQL.
    pub fn wall_ms(&self) -> i64 {
        i64::try_from(self.hlc.wall_ms).unwrap_or(i64::MAX)
    }
}

impl fmt::Debug for Stamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Stamp({})", self.key())
    }
}

impl Serialize for Stamp {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(&self.key())
    }
}

impl<'de> Deserialize<'de> for Stamp {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Stamp::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// A typed field value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldValue {
    Text(String),
    Number(f64),
    /// ISO date, `YYYY-MM-DD`.
    Date(String),
    Bool(bool),
}

impl FieldValue {
    /// Parse a value typed on the command line: numbers, ISO dates and booleans are typed,
    /// anything else is text.
    pub fn parse_typed(s: &str) -> Self {
        if let Ok(n) = s.parse::<f64>()
            && n.is_finite()
        {
            return Self::Number(n);
        }
        if chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok() {
            return Self::Date(s.to_owned());
        }
        match s {
            "true" => Self::Bool(true),
            "false" => Self::Bool(false),
            _ => Self::Text(s.to_owned()),
        }
    }

    /// Human form.
    pub fn display(&self) -> String {
        match self {
            Self::Text(s) | Self::Date(s) => s.clone(),
            Self::Number(n) => n.to_string(),
            Self::Bool(b) => b.to_string(),
        }
    }
}

/// A register key: one of the built-in document properties or a custom field.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldKey {
    Title,
    Type,
    SubjectId,
    SubjectName,
    Collection,
    /// A legal hold: while `Bool(true)`, the document cannot be deleted for good.
    LegalHold,
    /// Keep the document at least until the end of this ISO date (`Date`).
    RetainUntil,
    Custom(String),
}

impl FieldKey {
    /// Key used in the registers table.
    pub fn register(&self) -> String {
        match self {
            Self::Title => "title".into(),
            Self::Type => "type".into(),
            Self::SubjectId => "subject_id".into(),
            Self::SubjectName => "subject_name".into(),
            Self::Collection => "collection".into(),
            Self::LegalHold => "legal_hold".into(),
            Self::RetainUntil => "retain_until".into(),
            Self::Custom(n) => format!("field:{n}"),
        }
    }

    /// From a user-typed name: built-in names map to their property.
    pub fn from_name(name: &str) -> Result<Self> {
        let name = name.trim();
        if name.is_empty() || name.contains(['=', '\n']) {
            return Err(Error::BadFieldName {
                name: name.to_owned(),
            });
        }
        Ok(match name.to_ascii_lowercase().as_str() {
            "legal_hold" | "hold" | "retain_until" | "retention" => {
                return Err(Error::ReservedField {
                    name: name.to_owned(),
                });
            }
            "title" => Self::Title,
            "type" => Self::Type,
            "subject" | "subject_id" | "student" | "student_id" | "staff_id" => Self::SubjectId,
            "subject_name" | "name" => Self::SubjectName,
            "collection" | "folder" => Self::Collection,
            _ => Self::Custom(name.to_owned()),
        })
    }
}

/// What a version records (immutable once added).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VersionRecord {
    pub id: VersionId,
    pub parents: Vec<VersionId>,
    pub manifest: Manifest,
    pub size: u64,
    pub content_hash: ContentHash,
    pub mime: String,
    pub file_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_mtime_ms: Option<i64>,
    /// OS user who added it.
    pub author: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restored_from: Option<VersionId>,
    /// The collection key its content (chunk ids, sealing, content hash) is under; absent:
    /// the library's own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<ContentKey>,
    /// The record's own key its content is also under (issue 22: `Crypto::for_record`),
    /// given in [`OpKind::RecordKeys`]; absent: the content key's alone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record: Option<RecordKeyId>,
}

/// What an audit event says happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    Created,
    VersionAdded,
    Restored,
    Edited,
    Trashed,
    Untrashed,
    Exported,
    /// The first view of a sitting (issue 22): `detail` says what was looked at first.
    Viewed,
    /// Printed from the app (issue 22).
    Printed,
    /// Disclosed to a party outside the school (issue 22, 34 CFR 99.32).
    Disclosed,
    /// Destroyed under its series' rule, in a batch a records officer approved (issue 22).
    Destroyed,
    KeysChanged,
    Purged,
    HoldPlaced,
    HoldReleased,
    RetentionSet,
    SubjectAdded,
    SubjectEdited,
    SubjectsMerged,
    RosterImported,
    RequirementsSet,
    RuleChanged,
    ViewChanged,
    TypeFieldsSet,
    /// A document type's record series or retention rule changed (issue 22).
    SeriesSet,
    /// A request about a student's records was logged or changed (issue 22).
    RequestChanged,
    /// A person joined, changed role or left; or the library became owned by a person.
    PeopleChanged,
}

impl AuditAction {
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Created => "created",
            Self::VersionAdded => "version_added",
            Self::Restored => "restored",
            Self::Edited => "edited",
            Self::Trashed => "trashed",
            Self::Untrashed => "untrashed",
            Self::Exported => "exported",
            Self::Viewed => "viewed",
            Self::Printed => "printed",
            Self::Disclosed => "disclosed",
            Self::Destroyed => "destroyed",
            Self::KeysChanged => "keys_changed",
            Self::Purged => "purged",
            Self::HoldPlaced => "hold_placed",
            Self::HoldReleased => "hold_released",
            Self::RetentionSet => "retention_set",
            Self::SubjectAdded => "subject_added",
            Self::SubjectEdited => "subject_edited",
            Self::SubjectsMerged => "subjects_merged",
            Self::RosterImported => "roster_imported",
            Self::RequirementsSet => "requirements_set",
            Self::RuleChanged => "rule_changed",
            Self::ViewChanged => "view_changed",
            Self::TypeFieldsSet => "type_fields_set",
            Self::SeriesSet => "series_set",
            Self::RequestChanged => "request_changed",
            Self::PeopleChanged => "people_changed",
        }
    }
}

/// One audit event, hash-chained to the previous event of the same device.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEvent {
    /// Who did it, in words: the signed-in person's name, or (in a library without
    /// people, and in events made before issue 21) the OS user name.
    pub user: String,
    /// The signed-in person who did it (issue 21; absent in a library without people, so
    /// that events older builds wrote hash the same).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member: Option<MemberId>,
    pub action: AuditAction,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc: Option<DocId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<VersionId>,
    /// The person whose record changed (only with the subject actions, so that events
    /// older builds wrote hash the same).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<SubjectId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Hash of the previous event of this device (zeros for the first).
    #[serde(with = "super::b64")]
    pub prev: Vec<u8>,
}

impl AuditEvent {
    /// The chain hash of this event at `stamp`.
    pub fn chain_hash(&self, stamp: &Stamp) -> [u8; 32] {
        let mut h = blake3::Hasher::new_derive_key("dossier 2026-11 audit chain");
        h.update(&self.prev);
        h.update(stamp.key().as_bytes());
        h.update(&serde_json::to_vec(self).expect("serialisable"));
        *h.finalize().as_bytes()
    }
}

/// The change an operation makes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum OpKind {
    DocumentCreated {
        doc: DocId,
        title: String,
    },
    VersionAdded {
        doc: DocId,
        version: Box<VersionRecord>,
    },
    FieldSet {
        doc: DocId,
        key: FieldKey,
        value: Option<FieldValue>,
    },
    TagAdded {
        doc: DocId,
        tag: String,
    },
    /// Removes the adds of `tag` this device had seen; a concurrent add survives.
    TagRemoved {
        doc: DocId,
        tag: String,
        observed: Vec<Stamp>,
    },
    /// Hides the document unless a version its author had not seen exists.
    Trashed {
        doc: DocId,
        observed_head: Option<VersionId>,
    },
    Untrashed {
        doc: DocId,
    },
    /// Deletes these versions for good (emptying the trash), and the document with them
    /// when no other version is left. A version added concurrently survives, and so does
    /// its document.
    Purged {
        doc: DocId,
        versions: Vec<VersionId>,
    },
    /// The document is destroyed (issue 22), in the approved batch `batch`: every version,
    /// register, tag, text and derived file goes, and no later operation about it (one
    /// made on a desktop that had not heard of it) is applied again. Final, unlike
    /// [`OpKind::Purged`].
    Destroyed {
        doc: DocId,
        batch: DestructionId,
    },
    /// A pack's index: which chunks it holds and where.
    PackAdded {
        pack: PackId,
        size: u64,
        #[serde(with = "super::b64")]
        index: Vec<u8>,
        /// The collection key its chunks are sealed under; absent: the library's own.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        key: Option<ContentKey>,
    },
    /// The pack is given up (garbage collection, first phase): no chunk is read from it
    /// any more, and it is deleted once a grace period has passed and a re-check finds
    /// every chunk still in use stored in another pack.
    PackDropped {
        pack: PackId,
    },
    Audit {
        event: AuditEvent,
    },
    /// A person's record begins (`subject add`, a roster import). `values` holds at
    /// least kind, number and name; each value is a register like [`OpKind::SubjectSet`]'s,
    /// so the same person created on two desktops (same [`SubjectId::for_number`]) is one.
    SubjectCreated {
        subject: SubjectId,
        values: BTreeMap<SubjectField, String>,
        author: String,
        collection: String,
    },
    /// One field of a person's record (last writer wins; `None` clears it).
    SubjectSet {
        subject: SubjectId,
        field: SubjectField,
        value: Option<String>,
        author: String,
        collection: String,
    },
    /// `subject` is a duplicate of `into` (`None`: not any more). Its documents show under
    /// the person its merges lead to; a loop of merges (two desktops merging two people
    /// each into the other) leads to the smallest id among them.
    SubjectMerged {
        subject: SubjectId,
        into: Option<SubjectId>,
        author: String,
        collection: String,
    },
    /// The document types every person of `programme` must have on file (`*`: of any
    /// programme without its own list). Last writer wins per programme; empty clears it.
    RequirementsSet {
        programme: String,
        types: Vec<String>,
        author: String,
        collection: String,
    },
    /// An intake rule made or changed (`None`: deleted). Last writer wins per rule.
    RuleSet {
        rule: RuleId,
        body: Option<Rule>,
        author: String,
        collection: String,
    },
    /// A saved view made or changed (`None`: deleted). Last writer wins per view.
    ViewSet {
        view: ViewId,
        body: Option<View>,
        author: String,
        collection: String,
    },
    /// The custom fields of documents of `doc_type`, with their kinds. Last writer wins
    /// per type (matched without regard to case); empty clears them.
    TypeFieldsSet {
        doc_type: String,
        fields: Vec<FieldDef>,
        author: String,
        collection: String,
    },
    /// The record series of a document type and its retention rule (issue 22; last
    /// writer wins per type, case aside; `None` takes the type out of every series).
    SeriesSet {
        doc_type: String,
        series: Option<RecordSeries>,
    },
    /// A request about a student's records, as it stands (issue 22; last writer wins per
    /// request).
    RequestSet {
        request: RequestId,
        body: RecordRequest,
    },
    /// A disclosure of a student's records (issue 22, 34 CFR 99.32), recorded once and
    /// never changed.
    DisclosureRecorded {
        disclosure: DisclosureId,
        body: Disclosure,
    },
    /// An approved destruction as its approver signed it (issue 22): the body of a
    /// certificate, recorded once (of two under one id, the earlier holds).
    DestructionRecorded {
        batch: DestructionId,
        signed: Signed,
    },
    /// A check, after a sync, that the remote holds nothing of a destruction's records
    /// (issue 22), as its author signed it.
    RemoteChecked {
        batch: DestructionId,
        signed: Signed,
    },
    /// The library is owned by this person from now on (issue 21): the root every
    /// statement about its people chains to. Of two (two desktops taking the library
    /// offline), the one with the earlier stamp names the owner on every desktop; the
    /// other names no one.
    LibraryOwned {
        owner: PublicIdentity,
    },
    /// A statement about the library's people (a grant or a removal), signed by an owner.
    MemberStatement {
        statement: SignedStatement,
    },
    /// The document is about `subject` (`None`: about no one).
    DocumentSubjectSet {
        doc: DocId,
        subject: Option<SubjectId>,
        author: String,
        collection: String,
    },
    /// Closes a batch in a library kept by its people (issue 21): the `covers` operations
    /// of this device just before this one were made by `member`, as the registry stood
    /// after statement `at`, and `signature` is their signature over them
    /// ([`super::batch::message`]). `scope` names the collections the batch is about
    /// (`members::BatchScope`; none: the library's own), so that it travels in the part
    /// of a segment sealed under their keys ([`super::sections`]); it is not signed: the
    /// part's key and the segment's digest bind it, and judging reads the operations.
    Signed {
        member: MemberId,
        at: u64,
        covers: u32,
        #[serde(with = "super::b64")]
        signature: Vec<u8>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        scope: Vec<String>,
    },
    /// An owner invited a person to join as `member` (issue 21): the invitation
    /// ([`super::invitation::Invitation`]) is on the remote, sealed under its one-time
    /// code, which is kept here sealed to each owner of the moment (`codes`, by member),
    /// so that their desktops open the answer and can show the code again, and nobody
    /// else who reads the journal learns it. Open until `expires_ms`, a withdrawal, or
    /// `member` joins.
    Invited {
        invitation: InvitationId,
        member: MemberId,
        name: String,
        role: Role,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        collections: Vec<String>,
        #[serde(with = "super::sealed_map")]
        codes: BTreeMap<MemberId, Vec<u8>>,
        expires_ms: i64,
    },
    /// The invitation is withdrawn: its reply is never confirmed.
    InvitationWithdrawn {
        invitation: InvitationId,
    },
    /// One epoch of a collection's key, sealed to each person who may read the
    /// collection then and signed by the owner who made it (issue 21; opened with
    /// `members::open_epochs`).
    CollectionKeys {
        keys: SignedEpochKeys,
    },
    /// The content of `version` is now the copy sealed under `key` (a collection's, or
    /// the library's own when `None`): the chunks of `manifest`, hashing to
    /// `content_hash` under that key. Made when a document moves to another collection;
    /// of two for one version, the later stamp's counts.
    VersionResealed {
        doc: DocId,
        version: VersionId,
        manifest: Manifest,
        content_hash: ContentHash,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        key: Option<ContentKey>,
    },
    /// The record's history as the desktop that moved it to another collection held it:
    /// the operations that made its state ([`OpKind::is_record_state`]; not its audit
    /// events), each with its own stamp, so that readers of the collection it is moved
    /// to, who may hold none of them, hold the record. Each is projected as it would be
    /// on its own (where it is held already, that changes nothing). They are vouched
    /// for by the signer of the batch that carries them, who may change the record.
    RecordCarried {
        doc: DocId,
        history: Vec<Op>,
    },
    /// An erasure epoch began (issue 22): a desktop made a new erasure key
    /// (`keys::ErasureKey`), named here by its id. The first epoch has none before it
    /// (`sealed` is empty); each later one carries its key sealed under the key of the
    /// epoch before it, so that a desktop holding that one moves on and forgets it.
    ErasureEpoch {
        epoch: ErasureEpochId,
        number: u64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        previous: Option<ErasureEpochId>,
        #[serde(with = "super::b64")]
        sealed: Vec<u8>,
    },
    /// A desktop holds no key of the current erasure epoch and asks for it: the public
    /// half of its one-time key. With `code`, the one-time key is an erasure recovery
    /// code's, printed for the records officer (`keys::ErasureRecoveryCode`).
    ErasureKeyWanted {
        #[serde(with = "super::b64")]
        public: Vec<u8>,
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        code: bool,
    },
    /// The key of erasure `epoch` sealed to the one-time key `to` asked with
    /// [`OpKind::ErasureKeyWanted`].
    ErasureKeyGiven {
        #[serde(with = "super::b64")]
        to: Vec<u8>,
        epoch: ErasureEpochId,
        #[serde(with = "super::b64")]
        sealed: Vec<u8>,
    },
    /// Records' own keys sealed under the key of erasure `epoch`
    /// (`ErasureKey::seal_record_keys`): those of records just added, or every kept
    /// record's again when an epoch begins, so that the keys of destroyed ones are under
    /// no epoch that is still held.
    RecordKeys {
        epoch: ErasureEpochId,
        #[serde(with = "super::b64")]
        sealed: Vec<u8>,
    },
}

/// The kinds of operation that make a record's state ([`OpKind::is_record_state`]), by
/// name.
pub const RECORD_STATE_KINDS: [&str; 9] = [
    "document_created",
    "version_added",
    "field_set",
    "tag_added",
    "tag_removed",
    "trashed",
    "untrashed",
    "document_subject_set",
    "version_resealed",
];

impl OpKind {
    /// Whether this operation makes part of its record's state: what a move carries
    /// ([`OpKind::RecordCarried`]).
    pub fn is_record_state(&self) -> bool {
        RECORD_STATE_KINDS.contains(&self.name())
    }

    /// The document this operation changes, if any (audit events change none).
    pub fn doc(&self) -> Option<DocId> {
        match self {
            Self::DocumentCreated { doc, .. }
            | Self::VersionAdded { doc, .. }
            | Self::FieldSet { doc, .. }
            | Self::TagAdded { doc, .. }
            | Self::TagRemoved { doc, .. }
            | Self::Trashed { doc, .. }
            | Self::Untrashed { doc, .. }
            | Self::Purged { doc, .. }
            | Self::Destroyed { doc, .. }
            | Self::DocumentSubjectSet { doc, .. }
            | Self::VersionResealed { doc, .. }
            | Self::RecordCarried { doc, .. } => Some(*doc),
            Self::PackAdded { .. }
            | Self::PackDropped { .. }
            | Self::Audit { .. }
            | Self::SubjectCreated { .. }
            | Self::SubjectSet { .. }
            | Self::SubjectMerged { .. }
            | Self::RequirementsSet { .. }
            | Self::RuleSet { .. }
            | Self::ViewSet { .. }
            | Self::TypeFieldsSet { .. }
            | Self::SeriesSet { .. }
            | Self::RequestSet { .. }
            | Self::DisclosureRecorded { .. }
            | Self::DestructionRecorded { .. }
            | Self::RemoteChecked { .. }
            | Self::LibraryOwned { .. }
            | Self::MemberStatement { .. }
            | Self::Signed { .. }
            | Self::Invited { .. }
            | Self::InvitationWithdrawn { .. }
            | Self::CollectionKeys { .. }
            | Self::ErasureEpoch { .. }
            | Self::ErasureKeyWanted { .. }
            | Self::ErasureKeyGiven { .. }
            | Self::RecordKeys { .. } => None,
        }
    }

    pub fn name(&self) -> &'static str {
        match self {
            Self::DocumentCreated { .. } => "document_created",
            Self::VersionAdded { .. } => "version_added",
            Self::FieldSet { .. } => "field_set",
            Self::TagAdded { .. } => "tag_added",
            Self::TagRemoved { .. } => "tag_removed",
            Self::Trashed { .. } => "trashed",
            Self::Untrashed { .. } => "untrashed",
            Self::Purged { .. } => "purged",
            Self::Destroyed { .. } => "destroyed",
            Self::PackAdded { .. } => "pack_added",
            Self::PackDropped { .. } => "pack_dropped",
            Self::Audit { .. } => "audit",
            Self::SubjectCreated { .. } => "subject_created",
            Self::SubjectSet { .. } => "subject_set",
            Self::SubjectMerged { .. } => "subject_merged",
            Self::DocumentSubjectSet { .. } => "document_subject_set",
            Self::RequirementsSet { .. } => "requirements_set",
            Self::RuleSet { .. } => "rule_set",
            Self::ViewSet { .. } => "view_set",
            Self::TypeFieldsSet { .. } => "type_fields_set",
            Self::SeriesSet { .. } => "series_set",
            Self::RequestSet { .. } => "request_set",
            Self::DisclosureRecorded { .. } => "disclosure_recorded",
            Self::DestructionRecorded { .. } => "destruction_recorded",
            Self::RemoteChecked { .. } => "remote_checked",
            Self::LibraryOwned { .. } => "library_owned",
            Self::MemberStatement { .. } => "member_statement",
            Self::Signed { .. } => "signed",
            Self::Invited { .. } => "invited",
            Self::InvitationWithdrawn { .. } => "invitation_withdrawn",
            Self::CollectionKeys { .. } => "collection_keys",
            Self::VersionResealed { .. } => "version_resealed",
            Self::RecordCarried { .. } => "record_carried",
            Self::ErasureEpoch { .. } => "erasure_epoch",
            Self::ErasureKeyWanted { .. } => "erasure_key_wanted",
            Self::ErasureKeyGiven { .. } => "erasure_key_given",
            Self::RecordKeys { .. } => "record_keys",
        }
    }
}

/// The first operation in `json` (a segment, a store segment or a checkpoint) that this
/// build does not understand because a newer Dossier wrote it: a kind of operation, or a
/// value (an audit action, a field), it does not know. Sealed objects are authenticated,
/// so an unknown name is newness, never damage; anything else that does not parse stays
/// damage. Returns the operation's kind.
pub(crate) fn newer_kind_in(json: &[u8]) -> Option<String> {
    fn walk(v: &serde_json::Value) -> Option<String> {
        match v {
            serde_json::Value::Object(map) => {
                if let (Some(tag), true) = (
                    map.get("op").and_then(|t| t.as_str()),
                    map.contains_key("stamp"),
                ) {
                    if let Err(e) = serde_json::from_value::<Op>(v.clone())
                        && e.to_string().starts_with("unknown variant")
                    {
                        return Some(tag.to_owned());
                    }
                    return None;
                }
                map.values().find_map(walk)
            }
            serde_json::Value::Array(items) => items.iter().find_map(walk),
            _ => None,
        }
    }
    walk(&serde_json::from_slice(json).ok()?)
}

/// One stamped operation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Op {
    pub stamp: Stamp,
    #[serde(flatten)]
    pub kind: OpKind,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamp_keys_sort_like_stamps() {
        let d1: DeviceId = "00000000000000000000000000000001".parse().unwrap();
        let d2: DeviceId = "00000000000000000000000000000002".parse().unwrap();
        let mut stamps = vec![
            Stamp {
                hlc: Hlc {
                    wall_ms: 10,
                    counter: 1,
                },
                device: d1,
            },
            Stamp {
                hlc: Hlc {
                    wall_ms: 10,
                    counter: 0,
                },
                device: d2,
            },
            Stamp {
                hlc: Hlc {
                    wall_ms: 9,
                    counter: 7,
                },
                device: d2,
            },
            Stamp {
                hlc: Hlc {
                    wall_ms: 10,
                    counter: 0,
                },
                device: d1,
            },
        ];
        let mut keys: Vec<String> = stamps.iter().map(Stamp::key).collect();
        stamps.sort();
        keys.sort();
        assert_eq!(keys, stamps.iter().map(Stamp::key).collect::<Vec<_>>());
        for s in &stamps {
            assert_eq!(Stamp::parse(&s.key()).unwrap(), *s);
        }
    }

    #[test]
    fn typed_values_parse() {
        assert_eq!(FieldValue::parse_typed("12"), FieldValue::Number(12.0));
        assert_eq!(
            FieldValue::parse_typed("2024-02-29"),
            FieldValue::Date("2024-02-29".into())
        );
        assert_eq!(FieldValue::parse_typed("true"), FieldValue::Bool(true));
        assert_eq!(
            FieldValue::parse_typed("NaN"),
            FieldValue::Text("NaN".into())
        );
        assert_eq!(
            FieldValue::parse_typed("Grade 9"),
            FieldValue::Text("Grade 9".into())
        );
    }
}
