//! MIME type from a file's first bytes (never from its name alone; the name only refines
//! the kind of plain text).

/// How many leading bytes [`sniff`] looks at.
pub const SNIFF_LEN: usize = 64 * 1024;

/// The MIME type of content starting with `head`.
pub fn sniff(head: &[u8], file_name: &str) -> String {
    if find(&head[..head.len().min(1024)], b"%PDF-").is_some() {
        return "application/pdf".into();
    }
    if let Some(kind) = infer::get(head) {
        return kind.mime_type().into();
    }
    if let Some(text) = text_kind(head) {
        let ext = std::path::Path::new(file_name)
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .unwrap_or_default();
        let lower: Vec<u8> = head.iter().take(512).map(u8::to_ascii_lowercase).collect();
        let trimmed = lower.trim_ascii_start();
        if trimmed.starts_with(b"<!doctype html")
            || trimmed.starts_with(b"<html")
            || ext == "html"
            || ext == "htm"
        {
            return "text/html".into();
        }
        return match ext.as_str() {
            "csv" => "text/csv",
            "tsv" | "tab" => "text/tab-separated-values",
            "md" | "markdown" => "text/markdown",
            "xml" => "application/xml",
            "json" => "application/json",
            "rtf" => "application/rtf",
            _ => text,
        }
        .into();
    }
    "application/octet-stream".into()
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// `Some("text/plain")` when the bytes read as text in a common encoding.
fn text_kind(head: &[u8]) -> Option<&'static str> {
    if head.starts_with(&[0xEF, 0xBB, 0xBF])
        || head.starts_with(&[0xFF, 0xFE])
        || head.starts_with(&[0xFE, 0xFF])
        || head.starts_with(&[0, 0, 0xFE, 0xFF])
    {
        return Some("text/plain");
    }
    if head.is_empty() || head.contains(&0) {
        return None;
    }
    match std::str::from_utf8(head) {
        Ok(_) => return Some("text/plain"),
        // A multi-byte character cut off at the end of the sample is still text.
        Err(e) if e.error_len().is_none() && head.len() - e.valid_up_to() < 4 => {
            return Some("text/plain");
        }
        Err(_) => {}
    }
    // Legacy single-byte text (cp1252, latin-1): almost all bytes printable or whitespace.
    let controls = head
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0c))
        .count();
    (controls * 100 < head.len()).then_some("text/plain")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_from_bytes_not_names() {
        assert_eq!(sniff(b"%PDF-1.7\n...", "letter.txt"), "application/pdf");
        assert_eq!(
            sniff(
                &[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, b'J', b'F', b'I', b'F'],
                "scan.pdf"
            ),
            "image/jpeg"
        );
        assert_eq!(sniff(b"name,id\nAda,1\n", "roster.csv"), "text/csv");
        assert_eq!(sniff(b"plain words", "notes"), "text/plain");
        assert_eq!(
            sniff(&[0xFF, 0xFE, b'h', 0, b'i', 0], "u16.txt"),
            "text/plain"
        );
        assert_eq!(sniff(b"caf\xe9 cr\xe8me", "cp1252.txt"), "text/plain");
        assert_eq!(
            sniff(&[0, 1, 2, 3, 0, 0, 7, 8], "blob.txt"),
            "application/octet-stream"
        );
        assert_eq!(sniff(b"<!DOCTYPE html><p>x", "page"), "text/html");
    }
}
