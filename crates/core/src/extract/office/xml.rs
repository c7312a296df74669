//! Streaming XML walking, bounded text output and document metadata.

use std::borrow::Cow;

use quick_xml::events::{BytesRef, BytesStart, Event};
use quick_xml::{Reader, XmlVersion};

use super::*;
use crate::error::Result;

/// What the walker reports: element names are local names (prefix dropped).
pub(super) enum Tag<'x> {
    Open(&'x str, &'x BytesStart<'x>),
    Close(&'x str),
    Text(&'x str),
}

/// What the handler wants next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Flow {
    Go,
    /// Skip the element just opened, with all its content.
    Skip,
    Stop,
}

/// Parse `xml` streaming, calling `f` for each element and piece of text. An empty element
/// is reported as `Open` then `Close`. Entity and character references are resolved.
pub(super) fn walk(xml: &[u8], mut f: impl FnMut(Tag<'_>) -> Flow) -> Result<()> {
    let text = xml_str(xml);
    let mut reader = Reader::from_str(&text);
    let config = reader.config_mut();
    config.check_end_names = false;
    config.allow_unmatched_ends = true;
    config.allow_dangling_amp = true;
    let mut skipping = 0usize;
    loop {
        let event = reader.read_event()?;
        if skipping > 0 {
            match event {
                Event::Start(_) => skipping += 1,
                Event::End(_) => skipping -= 1,
                Event::Eof => break,
                _ => {}
            }
            continue;
        }
        let flow = match &event {
            Event::Start(e) => match f(Tag::Open(e.local_name().as_ref(), e)) {
                Flow::Skip => {
                    skipping = 1;
                    Flow::Go
                }
                flow => flow,
            },
            Event::Empty(e) => match f(Tag::Open(e.local_name().as_ref(), e)) {
                Flow::Go => f(Tag::Close(e.local_name().as_ref())),
                Flow::Skip => Flow::Go,
                Flow::Stop => Flow::Stop,
            },
            Event::End(e) => f(Tag::Close(e.local_name().as_ref())),
            Event::Text(t) => f(Tag::Text(&t.xml10_content())),
            Event::CData(t) => f(Tag::Text(&t.xml10_content())),
            Event::GeneralRef(r) => resolve_ref(r).map_or(Flow::Go, |s| f(Tag::Text(&s))),
            Event::Eof => break,
            _ => Flow::Go,
        };
        if flow == Flow::Stop {
            break;
        }
    }
    Ok(())
}

/// The XML as text: a BOM decides the encoding (UTF-16 parts exist), else UTF-8 (lossy).
pub(super) fn xml_str(xml: &[u8]) -> Cow<'_, str> {
    match encoding_rs::Encoding::for_bom(xml) {
        Some((encoding, bom)) => encoding.decode_without_bom_handling(&xml[bom..]).0,
        None => String::from_utf8_lossy(xml),
    }
}

pub(super) fn resolve_ref(r: &BytesRef<'_>) -> Option<String> {
    match r.resolve_char_ref() {
        Ok(Some(c)) => Some(c.to_string()),
        Ok(None) => quick_xml::escape::resolve_predefined_entity(r).map(str::to_owned),
        Err(_) => None,
    }
}

/// The value of the attribute whose local name is `name` (entity references resolved).
pub(super) fn attr(e: &BytesStart<'_>, name: &str) -> Option<String> {
    attr_where(e, |key, local| local == name && !key.starts_with("xmlns"))
}

/// The value of a namespaced `id` attribute (`r:id`), as opposed to a plain `id`.
pub(super) fn rel_id(e: &BytesStart<'_>) -> Option<String> {
    attr_where(e, |key, local| local == "id" && key.contains(':'))
}

pub(super) fn attr_where(e: &BytesStart<'_>, want: impl Fn(&str, &str) -> bool) -> Option<String> {
    let mut attrs = e.attributes();
    attrs.with_checks(false);
    let a = attrs
        .map_while(std::result::Result::ok)
        .find(|a| want(a.key.as_ref(), a.key.local_name().as_ref()))?;
    let value = a
        .normalized_value(XmlVersion::Implicit1_0)
        .map(Cow::into_owned);
    Some(value.unwrap_or_else(|_| a.value.into_owned()))
}

/// Bounded text output shared by all the units of a document.
#[derive(Debug)]
pub(super) struct Budget {
    pub(super) left: usize,
}

impl Budget {
    pub(super) fn new(limit: usize) -> Self {
        Self { left: limit }
    }

    pub(super) fn push(&mut self, out: &mut String, s: &str) {
        let n = push_within(out, s, self.left);
        // A cut (even one short of a multi-byte char) exhausts the budget.
        self.left = if n < s.len() { 0 } else { self.left - n };
    }

    pub(super) fn full(&self) -> bool {
        self.left == 0
    }

    /// Stop walking once the budget is spent.
    pub(super) fn flow(&self) -> Flow {
        if self.full() { Flow::Stop } else { Flow::Go }
    }
}

/// Append as much of `s` as fits in `room` bytes (on a char boundary); return bytes added.
pub(super) fn push_within(out: &mut String, s: &str, room: usize) -> usize {
    let mut end = s.len().min(room);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    out.push_str(&s[..end]);
    end
}

/// Append to an intermediate buffer, which never grows past `MAX_TEXT`.
pub(super) fn cap_push(buf: &mut String, s: &str) {
    push_within(buf, s, MAX_TEXT.saturating_sub(buf.len()));
}

/// Append a block (header, notes...) on a new line, unless it is blank.
pub(super) fn append_block(text: &mut String, block: &str) {
    let block = block.trim_matches(['\n', '\r']);
    if !block.is_empty() {
        text.truncate(text.trim_end_matches(['\n', '\r']).len());
        if !text.is_empty() {
            text.push('\n');
        }
        text.push_str(block);
    }
}

/// A unit's final text: no leading or trailing line breaks.
pub(super) fn finish(text: &str) -> String {
    text.trim_matches(['\n', '\r']).to_owned()
}

pub(super) fn unit_number(i: usize) -> u32 {
    u32::try_from(i + 1).unwrap_or(u32::MAX)
}

pub(super) fn repeat_count(e: &BytesStart<'_>, name: &str) -> usize {
    let count = attr(e, name).and_then(|v| v.trim().parse::<usize>().ok());
    count.unwrap_or(1).clamp(1, MAX_REPEAT)
}

/// `dc:title` and `dc:creator` (else `meta:initial-creator`) of core.xml / meta.xml.
pub(super) fn metadata(xml: &[u8]) -> Result<(Option<String>, Option<String>)> {
    let mut fields = [String::new(), String::new(), String::new()];
    let mut current: Option<usize> = None;
    walk(xml, |tag| {
        match tag {
            Tag::Open(name, _) => {
                current = ["title", "creator", "initial-creator"]
                    .iter()
                    .position(|n| *n == name);
            }
            Tag::Close(_) => current = None,
            Tag::Text(s) => {
                if let Some(field) = current.and_then(|i| fields.get_mut(i)) {
                    push_within(field, s, 4096usize.saturating_sub(field.len()));
                }
            }
        }
        Flow::Go
    })?;
    let clean = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
    let [title, creator, initial] = &fields;
    Ok((clean(title), clean(creator).or_else(|| clean(initial))))
}
