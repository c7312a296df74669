//! Entry points for the fuzz targets under `fuzz/` (built only with the `fuzzing`
//! feature): each hands untrusted bytes to one parser the way Dossier reads them. None
//! may panic, hang or allocate without bound, whatever the bytes.

use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use tantivy::directory::Directory;

use crate::extract::OfficeKind;
use crate::format::sealed::SealKind;
use crate::format::{
    checkpoint, collection_keys, index_file, journal, pack, repo, sections, store_journal,
};
use crate::ids::{DeviceId, PackId};
use crate::keys::{Crypto, MasterKey};

fn crypto() -> Crypto {
    MasterKey::from_bytes(&[7; 32]).expect("32 bytes").crypto()
}

fn device() -> DeviceId {
    "0190f3a2-0000-7000-8000-000000000001"
        .parse()
        .expect("a device id")
}

/// `data` as the compressed plaintext of a sealed object, and compressed first (so that
/// the JSON inside is reached too).
fn as_plaintexts(data: &[u8]) -> [Vec<u8>; 2] {
    [
        data.to_vec(),
        zstd::bulk::compress(data, 1).expect("compressing in memory"),
    ]
}

/// A journal segment: the object as a remote serves it, and the same bytes as what a key
/// holder sealed (decompression, JSON, and the checks on its operations).
pub fn journal_segment(data: &[u8]) {
    let c = crypto();
    let _ = journal::open(&c, device(), 1, data);
    let mut part_keys = |_: &collection_keys::ContentKey| {
        Ok(vec![
            Arc::new(crypto()) as Arc<dyn crate::format::sealed::Sealer>
        ])
    };
    let _ = sections::open(&c, device(), 1, data, &mut part_keys);
    let _ = journal::from_plain(device(), 1, data);
    for plain in as_plaintexts(data) {
        let sealed = journal::SEGMENT_CODEC.seal(&c, &journal::aad(device(), 1), &plain);
        let _ = journal::open(&c, device(), 1, &sealed);
        // Format 2: under an epoch of the journal's own key.
        let sealed = crate::format::sealed::seal_in_epoch(
            &c,
            journal::JOURNAL_MAGIC_2,
            7,
            &journal::aad_2(device(), 1, 7),
            &plain,
        );
        let _ = journal::open(&c, device(), 1, &sealed);
        // Format 3: a header a key holder sealed, and the rest of `data` as its parts.
        let mut body = sections::JOURNAL_MAGIC_3.to_vec();
        body.extend_from_slice(&7u64.to_le_bytes());
        let header = c.seal(
            SealKind::Journal,
            &sections::header_aad(device(), 1, Some(7)),
            &plain,
        );
        body.extend_from_slice(&(header.len() as u32).to_le_bytes());
        body.extend_from_slice(&header);
        body.extend_from_slice(data);
        let _ = sections::open(&c, device(), 1, &body, &mut part_keys);
        // An epoch object of the journal, as a key holder sealed it.
        let name = format!("epochs/{}", "ab".repeat(32));
        let _ = collection_keys::open_object(&c, &name, data);
        for codec in [
            collection_keys::EPOCH_OBJECT_CODEC,
            collection_keys::EPOCH_OBJECT_CODEC_1,
        ] {
            let sealed = codec.seal(&c, name.as_bytes(), &plain);
            let _ = collection_keys::open_object(&c, &name, &sealed);
        }
    }
    let _ = journal::parse_object_name(&String::from_utf8_lossy(data));
}

/// `segment` sealed in parts: its operations in a part under a collection's key.
fn in_parts(segment: &journal::Segment) -> Vec<u8> {
    let key = collection_keys::ContentKey {
        collection: "Science".into(),
        epoch: 1,
        object: None,
    };
    sections::seal(sections::Plan {
        segment,
        header: (Some(7), &crypto()),
        library: Vec::new(),
        parts: vec![(key, Arc::new(crypto()), segment.ops.clone())],
    })
    .expect("sealed")
}

/// A checkpoint object, as served and as sealed by a key holder.
pub fn checkpoint(data: &[u8]) {
    let c = crypto();
    let _ = checkpoint::open(&c, 3, device(), data);
    let _ = checkpoint::open_heads(&c, 3, device(), data);
    for plain in as_plaintexts(data) {
        // Format 1: the body alone.
        let mut body = checkpoint::CHECKPOINT_MAGIC_1.to_vec();
        body.extend_from_slice(&c.seal(SealKind::Journal, &checkpoint::aad_1(3, device()), &plain));
        let _ = checkpoint::open(&c, 3, device(), &body);
        // Format 2: the same plaintext as a header, then as a body after a good header.
        let header = c.seal(
            SealKind::Journal,
            &checkpoint::header_aad(3, device(), None),
            &plain,
        );
        let mut with_header = checkpoint::CHECKPOINT_MAGIC.to_vec();
        with_header.extend_from_slice(&(header.len() as u32).to_le_bytes());
        with_header.extend_from_slice(&header);
        let _ = checkpoint::open_heads(&c, 3, device(), &with_header);
        with_header.extend_from_slice(&c.seal(
            SealKind::Journal,
            &checkpoint::aad(3, device(), None),
            &plain,
        ));
        let _ = checkpoint::open(&c, 3, device(), &with_header);
        // Format 3: the same under an epoch of the journal's own key.
        let header = c.seal(
            SealKind::Journal,
            &checkpoint::header_aad(3, device(), Some(5)),
            &plain,
        );
        let mut in_epoch = checkpoint::CHECKPOINT_MAGIC_3.to_vec();
        in_epoch.extend_from_slice(&5u64.to_le_bytes());
        in_epoch.extend_from_slice(&(header.len() as u32).to_le_bytes());
        in_epoch.extend_from_slice(&header);
        let _ = checkpoint::open_heads(&c, 3, device(), &in_epoch);
        in_epoch.extend_from_slice(&c.seal(
            SealKind::Journal,
            &checkpoint::aad(3, device(), Some(5)),
            &plain,
        ));
        let _ = checkpoint::open(&c, 3, device(), &in_epoch);
    }
    let _ = checkpoint::parse_object_name(&String::from_utf8_lossy(data));
}

/// A segment of the store journal (`store/journal/`), as found and as sealed.
pub fn store_segment(data: &[u8]) {
    let c = crypto();
    let _ = store_journal::open(&c, device(), 1, data);
    for plain in as_plaintexts(data) {
        let sealed = journal::SEGMENT_CODEC.seal(&c, &store_journal::aad(device(), 1), &plain);
        let _ = store_journal::open(&c, device(), 1, &sealed);
    }
    let _ = store_journal::parse_file_name(&String::from_utf8_lossy(data));
}

/// `dossier.repo` and key objects (authenticated JSON on the remote), parsed and
/// checked; and tables of records' keys (`format::record_keys`).
pub fn repo_and_keys(data: &[u8]) {
    if let Ok(r) = repo::RepoFile::parse(data) {
        let _ = r.authenticity(1, crypto().key_object_key());
    }
    if let Ok(kf) = serde_json::from_slice::<crate::format::keyfile::KeyFile>(data) {
        for slot in &kf.slots {
            let _ = (slot.usable(), slot.identity());
        }
        let _ = kf.format_needed();
    }
    // A table of records' keys, as an erasure key opens it; one that decodes encodes
    // back to the same bytes.
    if let Ok(keys) = crate::format::record_keys::decode(data) {
        assert_eq!(&crate::format::record_keys::encode(&keys)[..], data);
    }
}

/// A pack file's trailer and index, and an index's entries once opened.
pub fn pack_index(data: &[u8]) {
    let id = PackId([1; 32]);
    if let Ok(range) = pack::index_range(data, &id) {
        let _ = data.get(range);
    }
    let _ = pack::decode_index(data, &id);
}

/// Office documents (zip packages and their XML parts), read as every kind.
pub fn office(data: &[u8]) {
    for kind in [
        OfficeKind::Docx,
        OfficeKind::Xlsx,
        OfficeKind::Pptx,
        OfficeKind::Odt,
        OfficeKind::Ods,
        OfficeKind::Odp,
    ] {
        let _ = crate::extract::extract_office(data, kind);
    }
}

/// Text of unknown encoding, and HTML; and the text as filing suggestions and OCR word
/// boxes read it.
pub fn text(data: &[u8]) {
    let text = crate::extract::decode_text(data);
    let _ = crate::extract::html_to_text(&text);
    // What the filing suggestions read of a document's name and text.
    let _ = crate::suggest::Features::of(&text, &text);
    let clues = crate::suggest::Clues::of(&text, &text);
    let most = crate::suggest::clues::MAX_CLUES;
    assert!(clues.numbers.len() <= most && clues.names.len() <= most);
    // And as Tesseract's word boxes of a hostile scan.
    for w in crate::extract::ocr::parse_tsv(&text) {
        assert!(w.bounds.iter().all(|b| b.is_finite()));
    }
}

/// MIME sniffing of a file's first bytes.
pub fn sniff(data: &[u8]) {
    let _ = crate::sniff::sniff(data, "file.bin");
    let _ = crate::sniff::sniff(data, "file.docx");
}

/// The search query language.
pub fn query(data: &[u8]) {
    let input = String::from_utf8_lossy(data);
    let _ = crate::index::parse(&input, &mut |name| name.len() % 2 == 0);
}

/// A `dossier://` URL as the webview asks for it: the path, then `?` and the query.
pub fn asset_url(data: &[u8]) {
    let url = String::from_utf8_lossy(data);
    let (path, query) = match url.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (&*url, None),
    };
    let _ = crate::AssetUrl::parse(path, query);
}

/// Frames from the PDF worker (what a compromised worker could send) and to it.
pub fn worker_frames(data: &[u8]) {
    use crate::extract::worker::protocol::{Reply, Request, office_parts, read_frame};
    let mut input = data;
    while let Ok(Some(_)) = read_frame::<Reply>(&mut input) {}
    let mut input = data;
    while let Ok(Some((request, body))) = read_frame::<Request>(&mut input) {
        if let Request::ConvertOffice { files, .. } = request
            && let Some(parts) = office_parts(&files, &body)
        {
            assert_eq!(
                parts.iter().map(|p| p.bytes.len()).sum::<usize>(),
                body.len()
            );
        }
    }
}

/// A sealed index file as found on disk: opened and read in a few ranges.
pub fn index_file(data: &[u8]) {
    let _ = index_file::plain_len(data.len() as u64);
    let Ok(dir) = tempfile::tempdir() else {
        return;
    };
    let key = Arc::new(
        MasterKey::from_bytes(&[7; 32])
            .expect("32 bytes")
            .folder_key()
            .index_key(),
    );
    let Ok(d) = crate::index::directory::IndexDirectory::open(dir.path(), key) else {
        return;
    };
    let written =
        std::fs::File::create(dir.path().join("f.idx")).and_then(|mut f| f.write_all(data));
    if written.is_err() {
        return;
    }
    if let Ok(h) = d.get_file_handle(Path::new("f.idx")) {
        let len = h.len();
        for range in [
            0..len,
            0..len.min(10),
            len / 2..len,
            len.saturating_sub(5000)..len,
        ] {
            let _ = h.read_bytes(range);
        }
    }
}

/// Seed inputs for every target, made by the real encoders (`examples/fuzz_seeds.rs`
/// writes them under `fuzz/seeds/`): `(target, name, bytes)`.
pub fn seeds() -> Vec<(&'static str, &'static str, Vec<u8>)> {
    use crate::extract::worker::protocol::{PdfProblem, Reply, Request, write_frame};
    use crate::format::op::{FieldKey, FieldValue, Op, OpKind, Stamp};
    use crate::ids::DocId;

    let c = crypto();
    let stamp =
        |n: u32| Stamp::parse(&format!("019a00000000.{n:08x}.{}", device())).expect("a stamp");
    let doc: DocId = "0190f3a2-0000-4000-8000-000000000002"
        .parse()
        .expect("a doc id");
    let ops = vec![
        Op {
            stamp: stamp(1),
            kind: OpKind::DocumentCreated {
                doc,
                title: "Transcript".into(),
            },
        },
        Op {
            stamp: stamp(2),
            kind: OpKind::FieldSet {
                doc,
                key: FieldKey::SubjectName,
                value: Some(FieldValue::Text("A student".into())),
            },
        },
        Op {
            stamp: stamp(3),
            kind: OpKind::TagAdded {
                doc,
                tag: "registrar".into(),
            },
        },
    ];
    let segment = journal::Segment {
        device: device(),
        seq: 2,
        ops: ops.clone(),
        link: Some(journal::Link {
            prev: Some(journal::SegmentDigest([9; 32])),
            seen: [(device(), 4)].into(),
            audit: Some(journal::AuditHead {
                events: 3,
                hash: journal::AuditHash([7; 32]),
            }),
        }),
        withheld: None,
    };
    let segment_json = serde_json::to_vec(&segment).expect("serialisable");
    let checkpoint = checkpoint::Checkpoint {
        device: device(),
        covered: 1,
        segments: vec![segment.clone()],
        sealed: Vec::new(),
    };
    let store_segment = store_journal::StoreSegment {
        device: device(),
        seq: 1,
        received: None,
        ops,
        link: segment.link.clone(),
        from: None,
        withheld: None,
    };
    let keys: &[u8] = include_bytes!("../tests/fixtures/library-v1/library/keys.json");
    let pack: &[u8] = include_bytes!(
        "../tests/fixtures/library-v1/library/store/packs/6c/6c968cc6b2a73820f98e7ebc3f606dae4ccc4da1f44ccd839e8355d602d13956"
    );
    let entries = [pack::PackEntry {
        chunk: crate::ids::ChunkId([3; 32]),
        offset: 8,
        sealed_len: 100,
        plain_len: 72,
    }];
    let mut frames = Vec::new();
    for reply in [
        Reply::Ready { protocol: 1 },
        Reply::Extracted {
            info: Default::default(),
            pages: Vec::new(),
        },
        Reply::Image {
            width: 1,
            height: 1,
        },
        Reply::Failed {
            problem: PdfProblem::Damaged,
        },
        Reply::Done,
    ] {
        let body: &[u8] = if matches!(reply, Reply::Image { .. }) {
            &[255, 255, 255, 255]
        } else {
            &[]
        };
        write_frame(&mut frames, &reply, body).expect("in memory");
    }
    let mut requests = Vec::new();
    write_frame(
        &mut requests,
        &Request::RenderForOcr {
            pages: vec![1, 2],
            dpi: 300.0,
        },
        b"%PDF-1.4",
    )
    .expect("in memory");
    let (library, owner) = fuzz_owner();
    let bo = crate::keys::Identity::from_secrets(
        "0190f3a2-0000-4000-8000-000000000005"
            .parse()
            .expect("a member id"),
        "Bo".into(),
        &[6; 32],
        &[8; 32],
    );
    let mut registry = crate::members::Registry::new(library, owner.public().clone());
    let mut statements = Vec::new();
    for change in [
        crate::format::member::Change::Grant {
            member: bo.public().clone(),
            role: crate::role::Role::DepartmentStaff,
            collections: vec!["Science".into()],
            segments: Default::default(),
        },
        crate::format::member::Change::Remove {
            member: bo.public().member,
            segments: [(device(), 3)].into(),
        },
    ] {
        statements.push(registry.make(&owner, change, 0).expect("an owner's change"));
        registry = crate::members::Registry::replay(library, owner.public().clone(), &statements);
    }
    let sealed_box = crate::keys::seal_to(
        owner.public(),
        crate::keys::Purpose::MemberKeys,
        b"the key of collection all",
    )
    .expect("a well-formed identity");
    let k0 = crate::keys::MasterKey::from_bytes(&[11; 32]).expect("32 bytes");
    let k1 = crate::keys::MasterKey::from_bytes(&[12; 32]).expect("32 bytes");
    let epochs = [
        registry
            .seal_epoch(&owner, "all", 0, &k0, None)
            .expect("an owner's epoch"),
        registry
            .seal_epoch(&owner, "all", 1, &k1, Some(&k0))
            .expect("an owner's epoch"),
    ];
    let code = crate::keys::InviteCode::fixed(9);
    let invitation = crate::format::invitation::Invitation {
        format: crate::format::invitation::INVITATION_FORMAT,
        id: code.id(),
        library,
        member: bo.public().member,
        name: "Bo".into(),
        role: crate::role::Role::DepartmentStaff,
        collections: vec!["Science".into()],
        owner: owner.public().clone(),
        by: owner.public().clone(),
        head: None,
        expires_ms: 1_900_000_000_000,
    };
    let reply = crate::format::invitation::InvitationReply {
        format: crate::format::invitation::INVITATION_FORMAT,
        invitation: code.id(),
        identity: bo
            .wrap(
                "seed passphrase",
                crate::keys::KdfParams {
                    m_cost_kib: 1024,
                    t_cost: 1,
                    p_cost: 1,
                },
            )
            .expect("an identity wraps"),
    };
    let mut out = vec![
        ("invitations", "invitation", serde_json::to_vec(&invitation).expect("serialisable")),
        ("invitations", "reply", serde_json::to_vec(&reply).expect("serialisable")),
        ("invitations", "code", code.display().as_bytes().to_vec()),
        ("member_statements", "chain", serde_json::to_vec(&statements).expect("serialisable")),
        ("member_statements", "epochs", serde_json::to_vec(&epochs).expect("serialisable")),
        ("member_statements", "sealed_box", sealed_box),
        ("journal_segment", "sealed", journal::seal(&c, None, &segment).expect("sealed")),
        ("journal_segment", "sealed-v2", journal::seal(&c, Some(7), &segment).expect("sealed")),
        ("journal_segment", "sealed-v3", in_parts(&segment)),
        ("journal_segment", "plain", segment_json.clone()),
        ("checkpoint", "sealed", checkpoint::seal(&c, None, &checkpoint).expect("sealed")),
        ("checkpoint", "sealed-v3", checkpoint::seal(&c, Some(5), &checkpoint).expect("sealed")),
        ("checkpoint", "plain", serde_json::to_vec(&checkpoint).expect("serialisable")),
        ("store_segment", "sealed", store_journal::seal(&c, &store_segment).expect("sealed")),
        ("store_segment", "plain", serde_json::to_vec(&store_segment).expect("serialisable")),
        ("repo_and_keys", "keys", keys.to_vec()),
        (
            "repo_and_keys",
            "repo-v1",
            include_bytes!("../tests/fixtures/repo-v1/dossier.repo").to_vec(),
        ),
        (
            "repo_and_keys",
            "repo-v2",
            include_bytes!("../tests/fixtures/repo-v2/keys/00000000000000000001").to_vec(),
        ),
        (
            "repo_and_keys",
            "people-v1",
            include_bytes!("../tests/fixtures/people-v1/library/keys.json").to_vec(),
        ),
        ("pack_index", "pack", pack.to_vec()),
        ("pack_index", "entries", pack::encode_index(&entries)),
        ("text", "utf8", "Caf\u{e9} cr\u{e8}me, r\u{e9}sum\u{e9}\n".as_bytes().to_vec()),
        ("text", "latin1", b"caf\xe9 cr\xe8me for the staff room\n".to_vec()),
        ("text", "utf16", [0xFF, 0xFE, b'h', 0, b'i', 0].to_vec()),
        (
            "text",
            "html",
            b"<html><head><title>Report</title><style>p{}</style></head><body><p>Term &amp; year<br>two</p><script>x()</script></body></html>".to_vec(),
        ),
        ("sniff", "pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n".to_vec()),
        ("sniff", "png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec()),
        ("sniff", "zip", b"PK\x03\x04\x14\0\0\0\x08\0".to_vec()),
        ("query", "words", b"transcript student:1234567 \"report card\" tag:registrar".to_vec()),
        ("query", "syntax", b"type:letter after:2020-01-01 -draft fie* colour~ (a OR b)".to_vec()),
        ("asset_url", "thumbnail", format!("/thumbnail/{doc}?v=2&size=96").into_bytes()),
        ("asset_url", "page", format!("/page/{doc}/3?width=800&v=1").into_bytes()),
        ("asset_url", "content", format!("/content/{doc}").into_bytes()),
        ("worker_frames", "replies", frames),
        ("worker_frames", "request", requests),
    ];
    out.extend(office_seeds());
    out.push(("index_file", "sealed", sealed_index_file(&segment_json)));
    out
}

/// A minimal DOCX and ODT, written with the zip crate.
fn office_seeds() -> Vec<(&'static str, &'static str, Vec<u8>)> {
    let package = |parts: &[(&str, &str)]| {
        let mut out = std::io::Cursor::new(Vec::new());
        let mut zip = zip::ZipWriter::new(&mut out);
        for (name, body) in parts {
            zip.start_file(*name, zip::write::SimpleFileOptions::default())
                .expect("in memory");
            zip.write_all(body.as_bytes()).expect("in memory");
        }
        zip.finish().expect("in memory");
        out.into_inner()
    };
    let docx = package(&[
        (
            "[Content_Types].xml",
            r#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#,
        ),
        (
            "_rels/.rels",
            r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="r1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#,
        ),
        (
            "word/document.xml",
            r#"<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Enrolment form</w:t></w:r></w:p></w:body></w:document>"#,
        ),
    ]);
    let odt = package(&[
        ("mimetype", "application/vnd.oasis.opendocument.text"),
        (
            "content.xml",
            r#"<?xml version="1.0"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:text><text:p>Minutes</text:p></office:text></office:body></office:document-content>"#,
        ),
    ]);
    vec![("office", "docx", docx), ("office", "odt", odt)]
}

/// An index file sealed with the fuzz key, as `IndexDirectory` writes it.
fn sealed_index_file(plain: &[u8]) -> Vec<u8> {
    let Ok(dir) = tempfile::tempdir() else {
        return Vec::new();
    };
    let key = Arc::new(
        MasterKey::from_bytes(&[7; 32])
            .expect("32 bytes")
            .folder_key()
            .index_key(),
    );
    let d = crate::index::directory::IndexDirectory::open(dir.path(), key).expect("a folder");
    let mut w = d.open_write(Path::new("f.idx")).expect("a new file");
    w.write_all(plain).expect("written");
    tantivy::directory::TerminatingWrite::terminate(w).expect("written");
    std::fs::read(dir.path().join("f.idx")).expect("written")
}

/// The fixed owner and library the members target replays from.
fn fuzz_owner() -> (crate::ids::LibraryId, crate::keys::Identity) {
    let member = "0190f3a2-0000-4000-8000-000000000003"
        .parse()
        .expect("a member id");
    let library = "0190f3a2-0000-4000-8000-000000000004"
        .parse()
        .expect("a library id");
    (
        library,
        crate::keys::Identity::from_secrets(member, "Owner".into(), &[3; 32], &[5; 32]),
    )
}

/// Statements about the library's members as a remote serves them (a JSON list),
/// replayed from a fixed owner; the same bytes as a collection's epoch keys opened for that
/// owner, and as a box sealed to them.
pub fn member_statements(data: &[u8]) {
    let (library, owner) = fuzz_owner();
    if let Ok(list) =
        serde_json::from_slice::<Vec<crate::format::collection_keys::SignedEpochKeys>>(data)
    {
        let registry = crate::members::Registry::new(library, owner.public().clone());
        let _ = crate::members::open_epochs(&registry, &owner, "all", &list);
    }
    if let Ok(list) = serde_json::from_slice::<Vec<crate::format::member::SignedStatement>>(data) {
        let _ = crate::members::Registry::replay(
            library,
            owner.public().clone(),
            list.iter().take(1000),
        );
    }
    let _ = owner.open_sealed(crate::keys::Purpose::MemberKeys, data, "fuzzed bytes");
}

/// An invitation and its answer as a remote serves them, opened with a fixed code; the
/// same bytes as what a holder of the code sealed (the JSON and the checks on it); and as
/// a code typed.
pub fn invitations(data: &[u8]) {
    let code = crate::keys::InviteCode::fixed(9);
    let _ = code.open_invitation(data);
    let _ = code.open_reply(data);
    let [invitation, reply] = code.seal_raw(data);
    let _ = code.open_invitation(&invitation);
    let _ = code.open_reply(&reply);
    let _ = crate::keys::InviteCode::parse(&String::from_utf8_lossy(data));
}

/// A roster file as a school's information system exported it (CSV).
pub fn roster(data: &[u8]) {
    let _ = crate::library::parse_roster(data, crate::format::subject::SubjectKind::Student);
}
