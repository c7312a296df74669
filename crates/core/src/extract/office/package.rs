//! The zip container, read under limits, and OPC relationships.

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::{Cursor, Read};

use zip::ZipArchive;
use zip::result::ZipError;

use super::*;
use crate::error::{Error, Result};

/// A zip container read under limits.
pub(super) struct Package<'a> {
    pub(super) zip: ZipArchive<Cursor<&'a [u8]>>,
    /// Entry names (lower case, forward slashes, no leading slash) to entry index.
    pub(super) index: HashMap<String, usize>,
    /// Entry names as stored, in archive order.
    pub(super) names: Vec<String>,
    /// Decompressed bytes read so far.
    pub(super) total: u64,
}

impl<'a> Package<'a> {
    pub(super) fn open(data: &'a [u8]) -> Result<Self> {
        if data.starts_with(&OLE_MAGIC) {
            return Err(if contains_utf16le(data, "EncryptedPackage") {
                Error::PasswordProtected
            } else {
                Error::LegacyOffice
            });
        }
        let zip = ZipArchive::new(Cursor::new(data))?;
        if zip.len() > MAX_ENTRIES {
            let limit = MAX_ENTRIES as u64;
            return Err(Error::TooLarge {
                what: "the number of zip entries",
                limit,
            });
        }
        let (mut index, mut names) = (HashMap::new(), Vec::new());
        for i in 0..zip.len() {
            let entry = zip.by_index_data(i)?;
            if entry.encrypted() {
                return Err(Error::PasswordProtected);
            }
            let name = entry.name().map(Cow::into_owned).unwrap_or_default();
            index.entry(normalize_name(&name)).or_insert(i);
            names.push(name);
        }
        Ok(Self {
            zip,
            index,
            names,
            total: 0,
        })
    }

    pub(super) fn find(&self, name: &str) -> Option<usize> {
        self.index.get(&normalize_name(name)).copied()
    }

    /// The decompressed bytes of a part, `None` if there is no such part.
    pub(super) fn read(&mut self, name: &str) -> Result<Option<Vec<u8>>> {
        let Some(i) = self.find(name) else {
            return Ok(None);
        };
        let file = self.zip.by_index(i)?;
        if file.size() > MAX_PART {
            return Err(too_large_part());
        }
        let buf = read_capped(file, MAX_PART)?;
        self.total += buf.len() as u64;
        if self.total > MAX_TOTAL {
            return Err(Error::TooLarge {
                what: "the decompressed document",
                limit: MAX_TOTAL,
            });
        }
        Ok(Some(buf))
    }

    /// The relationships of `part` (`""`: of the package), targets resolved to part names.
    pub(super) fn rels(&mut self, part: &str) -> Result<Vec<Rel>> {
        let path = match part.rsplit_once('/') {
            Some((dir, file)) => format!("{dir}/_rels/{file}.rels"),
            None => format!("_rels/{part}.rels"),
        };
        let Some(xml) = self.read(&path)? else {
            return Ok(Vec::new());
        };
        let mut rels = Vec::new();
        walk(&xml, |tag| {
            if let Tag::Open("Relationship", e) = tag
                && !attr(e, "TargetMode").is_some_and(|m| m.eq_ignore_ascii_case("External"))
            {
                rels.push(Rel {
                    id: attr(e, "Id").unwrap_or_default(),
                    kind: attr(e, "Type").unwrap_or_default(),
                    target: resolve(part, &attr(e, "Target").unwrap_or_default()),
                });
            }
            Flow::Go
        })?;
        Ok(rels)
    }

    /// The part that relationship `id` of `rels` points to, unless the text budget is spent.
    pub(super) fn read_rel(
        &mut self,
        rels: &[Rel],
        id: &str,
        budget: &Budget,
    ) -> Result<Option<(String, Vec<u8>)>> {
        let Some(rel) = rels.iter().find(|r| r.id == id).filter(|_| !budget.full()) else {
            return Ok(None);
        };
        Ok(self.read(&rel.target)?.map(|xml| (rel.target.clone(), xml)))
    }
}

pub(super) fn too_large_part() -> Error {
    Error::TooLarge {
        what: "a part of the document",
        limit: MAX_PART,
    }
}

/// Read everything, refusing more than `limit` bytes whatever the header said.
pub(super) fn read_capped(reader: impl Read, limit: u64) -> Result<Vec<u8>> {
    let mut buf = Vec::new();
    let mut reader = reader.take(limit.saturating_add(1));
    reader
        .read_to_end(&mut buf)
        .map_err(|e| Error::Zip(ZipError::Io(e)))?;
    if buf.len() as u64 > limit {
        return Err(too_large_part());
    }
    Ok(buf)
}

pub(super) fn normalize_name(name: &str) -> String {
    name.replace('\\', "/")
        .trim_start_matches('/')
        .to_ascii_lowercase()
}

pub(super) fn contains_utf16le(data: &[u8], needle: &str) -> bool {
    let pattern: Vec<u8> = needle.encode_utf16().flat_map(u16::to_le_bytes).collect();
    data.windows(pattern.len()).any(|w| w == pattern.as_slice())
}

/// One OPC relationship, its target resolved to a part name.
#[derive(Debug, Default)]
pub(super) struct Rel {
    pub(super) id: String,
    pub(super) kind: String,
    pub(super) target: String,
}

/// Resolve a relationship target against the part that holds the relationship.
pub(super) fn resolve(base_part: &str, target: &str) -> String {
    let target = target.split(['#', '?']).next().unwrap_or_default();
    let mut segments: Vec<&str> = Vec::new();
    if !target.starts_with('/')
        && let Some((dir, _)) = base_part.rsplit_once('/')
    {
        segments.extend(dir.split('/'));
    }
    for segment in target.split('/') {
        match segment {
            "" | "." => {}
            ".." => _ = segments.pop(),
            s => segments.push(s),
        }
    }
    segments.join("/")
}

/// Optional parts: damaged XML or a damaged zip entry is skipped; limits still apply.
pub(super) fn lenient<T: Default>(result: Result<T>) -> Result<T> {
    match result {
        Err(Error::Xml(_) | Error::Zip(_)) => Ok(T::default()),
        other => other,
    }
}
