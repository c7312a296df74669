//! Text of plain-text and HTML files: encoding detection and a tolerant HTML-to-text pass.

use std::borrow::Cow;

use chardetng::{EncodingDetector, Iso2022JpDetection, Utf8Detection};
use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, WINDOWS_1252};

/// How many leading bytes the encoding heuristics look at.
const SNIFF_LEN: usize = 1 << 20;

/// Decode text of unknown encoding: BOM (UTF-8, UTF-16LE/BE) first, then valid UTF-8, else
/// chardetng's guess decoded with encoding_rs (legacy single-byte like windows-1252,
/// ISO-8859-x). Never fails; NULs removed.
///
/// UTF-32 with a BOM and BOM-less UTF-16 (recognised by its pattern of zero bytes) are
/// decoded too.
pub(crate) fn decode_text(data: &[u8]) -> String {
    let text: Cow<'_, str> = if let Some(text) = decode_utf32_bom(data) {
        Cow::Owned(text)
    } else if let Some((encoding, bom)) = Encoding::for_bom(data) {
        encoding.decode_without_bom_handling(&data[bom..]).0
    } else if let Some(encoding) = utf16_without_bom(data) {
        encoding.decode_without_bom_handling(data).0
    } else if let Ok(text) = std::str::from_utf8(data) {
        Cow::Borrowed(text)
    } else {
        let mut detector = EncodingDetector::new(Iso2022JpDetection::Deny);
        detector.feed(&data[..data.len().min(SNIFF_LEN)], true);
        let encoding = detector.guess(None, Utf8Detection::Allow);
        encoding.decode_without_bom_handling(data).0
    };
    if text.contains('\0') {
        text.replace('\0', "")
    } else {
        text.into_owned()
    }
}

/// UTF-32 announced by its BOM (checked before UTF-16, whose LE BOM is a prefix of it).
fn decode_utf32_bom(data: &[u8]) -> Option<String> {
    let little = if data.starts_with(&[0xFF, 0xFE, 0x00, 0x00]) {
        true
    } else if data.starts_with(&[0x00, 0x00, 0xFE, 0xFF]) {
        false
    } else {
        return None;
    };
    let text = data[4..]
        .chunks(4)
        .map(|c| {
            let mut b = [0u8; 4];
            b[..c.len()].copy_from_slice(c);
            let v = if little {
                u32::from_le_bytes(b)
            } else {
                u32::from_be_bytes(b)
            };
            char::from_u32(v).unwrap_or(char::REPLACEMENT_CHARACTER)
        })
        .collect();
    Some(text)
}

/// UTF-16 without BOM: mostly-ASCII text shows a zero in one byte of nearly every pair.
fn utf16_without_bom(data: &[u8]) -> Option<&'static Encoding> {
    let sample = &data[..data.len().min(SNIFF_LEN)];
    let pairs = sample.len() / 2;
    if pairs < 2 {
        return None;
    }
    let (mut zero_even, mut zero_odd) = (0usize, 0usize);
    for pair in sample.chunks_exact(2) {
        zero_even += usize::from(pair[0] == 0);
        zero_odd += usize::from(pair[1] == 0);
    }
    if zero_odd * 10 >= pairs * 7 && zero_even * 20 <= pairs {
        Some(UTF_16LE)
    } else if zero_even * 10 >= pairs * 7 && zero_odd * 20 <= pairs {
        Some(UTF_16BE)
    } else {
        None
    }
}

/// Visible text of an HTML document (and its `<title>`): `<script>`, `<style>`, comments
/// and the head (except the title) are dropped; block elements become line breaks, table
/// cells are separated by tabs; entities are decoded; runs of blank space on a line
/// collapse to one space. Tolerant of broken HTML: unclosed tags, stray `<`, no `</head>`.
pub(crate) fn html_to_text(html: &str) -> (Option<String>, String) {
    let bytes = html.as_bytes();
    let mut out = Lines::default();
    let mut title: Option<String> = None;
    let mut in_head = false;
    let mut pre = 0u32;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'<' {
            let end = find_byte(bytes, i, b'<').unwrap_or(bytes.len());
            let text = decode_entities(&html[i..end]);
            if in_head && !text.trim().is_empty() {
                in_head = false;
            }
            if !in_head {
                out.text(&text, pre > 0);
            }
            i = end;
            continue;
        }
        let rest = &bytes[i..];
        if rest.starts_with(b"<!--") {
            i = find_str_ci(bytes, i + 4, "-->").map_or(bytes.len(), |p| p + 3);
            continue;
        }
        if rest.starts_with(b"<!") || rest.starts_with(b"<?") {
            i = find_byte(bytes, i, b'>').map_or(bytes.len(), |p| p + 1);
            continue;
        }
        let closing = rest.get(1) == Some(&b'/');
        let name_start = i + 1 + usize::from(closing);
        let name_end = bytes[name_start..]
            .iter()
            .position(|b| !(b.is_ascii_alphanumeric() || matches!(b, b'-' | b':' | b'_')))
            .map_or(bytes.len(), |n| name_start + n);
        if name_end == name_start || !bytes[name_start].is_ascii_alphabetic() {
            if closing {
                // `</ >` and the like: a bogus comment.
                i = find_byte(bytes, i, b'>').map_or(bytes.len(), |p| p + 1);
            } else {
                // A lone `<` is text.
                if !in_head {
                    out.text("<", pre > 0);
                }
                i += 1;
            }
            continue;
        }
        let name = html[name_start..name_end].to_ascii_lowercase();
        let Some(tag_end) = tag_end(bytes, name_end) else {
            break;
        };
        i = tag_end;
        if closing {
            match name.as_str() {
                "head" => in_head = false,
                "pre" => {
                    pre = pre.saturating_sub(1);
                    out.soft_break();
                }
                "td" | "th" => {}
                n if is_block(n) => out.soft_break(),
                _ => {}
            }
            continue;
        }
        match name.as_str() {
            "script" | "style" | "textarea" | "title" | "template" | "xmp" => {
                let close = format!("</{name}");
                let (content_end, after) = match find_str_ci(bytes, i, &close) {
                    Some(p) => (p, find_byte(bytes, p, b'>').map_or(bytes.len(), |q| q + 1)),
                    None => (bytes.len(), bytes.len()),
                };
                let content = &html[i..content_end];
                match name.as_str() {
                    "title" if title.is_none() => {
                        let mut t = Lines::default();
                        t.text(&decode_entities(content), false);
                        title = Some(t.finish()).filter(|t| !t.is_empty());
                    }
                    "textarea" if !in_head => out.text(&decode_entities(content), true),
                    _ => {}
                }
                i = after;
            }
            "head" => in_head = true,
            "body" | "html" => {}
            "meta" | "link" | "base" => {}
            _ => {
                in_head = false;
                match name.as_str() {
                    "br" => out.hard_break(),
                    "td" | "th" => out.tab(),
                    "pre" => {
                        out.soft_break();
                        pre += 1;
                    }
                    n if is_block(n) => out.soft_break(),
                    _ => {}
                }
            }
        }
    }
    (title, out.finish())
}

/// Elements that start and end a line.
fn is_block(name: &str) -> bool {
    matches!(
        name,
        "p" | "div"
            | "br"
            | "li"
            | "tr"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "ul"
            | "ol"
            | "dl"
            | "dt"
            | "dd"
            | "table"
            | "thead"
            | "tbody"
            | "tfoot"
            | "caption"
            | "blockquote"
            | "pre"
            | "section"
            | "article"
            | "header"
            | "footer"
            | "nav"
            | "aside"
            | "main"
            | "figure"
            | "figcaption"
            | "form"
            | "fieldset"
            | "legend"
            | "address"
            | "hr"
            | "details"
            | "summary"
            | "center"
            | "option"
            | "body"
    )
}

fn find_byte(bytes: &[u8], from: usize, b: u8) -> Option<usize> {
    bytes
        .get(from..)?
        .iter()
        .position(|&x| x == b)
        .map(|p| from + p)
}

/// Position of `needle` (ASCII) in `bytes` from `from`, ignoring ASCII case.
fn find_str_ci(bytes: &[u8], from: usize, needle: &str) -> Option<usize> {
    let needle = needle.as_bytes();
    bytes
        .get(from..)?
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
        .map(|p| from + p)
}

/// Index just past the `>` that ends a tag whose name ends at `from`, honouring quoted
/// attribute values; an unbalanced quote falls back to the first `>`.
fn tag_end(bytes: &[u8], from: usize) -> Option<usize> {
    let mut quote: Option<u8> = None;
    let mut j = from;
    while j < bytes.len() {
        let b = bytes[j];
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if b == b'"' || b == b'\'' => quote = Some(b),
            None if b == b'>' => return Some(j + 1),
            None => {}
        }
        j += 1;
    }
    find_byte(bytes, from, b'>').map(|p| p + 1)
}

/// Text output with collapsed blank space.
#[derive(Debug, Default)]
struct Lines {
    out: String,
    space: bool,
}

impl Lines {
    fn text(&mut self, s: &str, keep_newlines: bool) {
        for c in s.chars() {
            if keep_newlines && c == '\n' {
                self.hard_break();
            } else if c.is_whitespace() || c.is_control() {
                self.space = true;
            } else {
                if self.space && !self.out.is_empty() && !self.out.ends_with(char::is_whitespace) {
                    self.out.push(' ');
                }
                self.space = false;
                self.out.push(c);
            }
        }
    }

    fn line_empty(&self) -> bool {
        self.out.is_empty() || self.out.ends_with('\n')
    }

    /// End the current line if it has text.
    fn soft_break(&mut self) {
        self.space = false;
        if !self.line_empty() {
            self.out.push('\n');
        }
    }

    /// A line break even on an empty line (at most one blank line in a row).
    fn hard_break(&mut self) {
        self.space = false;
        if !self.out.ends_with("\n\n") {
            self.out.push('\n');
        }
    }

    fn tab(&mut self) {
        self.space = false;
        if !self.line_empty() {
            self.out.push('\t');
        }
    }

    fn finish(self) -> String {
        let lines: Vec<&str> = self.out.lines().map(str::trim_end).collect();
        lines.join("\n").trim_matches('\n').to_owned()
    }
}

/// Decode HTML character references: named (common ones), decimal and hexadecimal.
fn decode_entities(s: &str) -> Cow<'_, str> {
    if !s.contains('&') {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        match reference(after) {
            Some((text, used)) => {
                out.push_str(&text);
                rest = &after[used..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// The text of the reference at the start of `s` (just after `&`) and the bytes it used.
fn reference(s: &str) -> Option<(Cow<'static, str>, usize)> {
    let bytes = s.as_bytes();
    if let Some(num) = s.strip_prefix('#') {
        let (digits, radix, skip) = match num.strip_prefix(['x', 'X']) {
            Some(hex) => (hex, 16, 2),
            None => (num, 10, 1),
        };
        let len = digits
            .bytes()
            .take_while(|b| b.is_ascii_hexdigit() && (radix == 16 || b.is_ascii_digit()))
            .count();
        if len == 0 {
            return None;
        }
        let value = digits[..len]
            .chars()
            .filter_map(|d| d.to_digit(radix))
            .fold(0u32, |v, d| v.saturating_mul(radix).saturating_add(d));
        let c = match value {
            0 => char::REPLACEMENT_CHARACTER,
            // Numeric references to C1 controls mean windows-1252 (HTML5).
            0x80..=0x9F => {
                let byte = u8::try_from(value).unwrap_or(b'?');
                WINDOWS_1252
                    .decode_without_bom_handling(&[byte])
                    .0
                    .chars()
                    .next()
                    .unwrap_or('?')
            }
            v => char::from_u32(v).unwrap_or(char::REPLACEMENT_CHARACTER),
        };
        let used = skip + len + usize::from(bytes.get(skip + len) == Some(&b';'));
        return Some((Cow::Owned(c.to_string()), used));
    }
    let len = bytes
        .iter()
        .take_while(|b| b.is_ascii_alphanumeric())
        .count();
    let name = &s[..len];
    let text = named_entity(name)?;
    if bytes.get(len) == Some(&b';') {
        Some((Cow::Borrowed(text), len + 1))
    } else if matches!(name, "amp" | "lt" | "gt" | "quot" | "nbsp" | "copy" | "reg") {
        // Legacy references without `;`.
        Some((Cow::Borrowed(text), len))
    } else {
        None
    }
}

fn named_entity(name: &str) -> Option<&'static str> {
    Some(match name {
        "amp" => "&",
        "lt" => "<",
        "gt" => ">",
        "quot" => "\"",
        "apos" => "'",
        "nbsp" => "\u{a0}",
        "copy" => "©",
        "reg" => "®",
        "trade" => "™",
        "eacute" => "é",
        "egrave" => "è",
        "ecirc" => "ê",
        "euml" => "ë",
        "Eacute" => "É",
        "Egrave" => "È",
        "agrave" => "à",
        "aacute" => "á",
        "acirc" => "â",
        "atilde" => "ã",
        "aring" => "å",
        "aelig" => "æ",
        "Agrave" => "À",
        "ccedil" => "ç",
        "Ccedil" => "Ç",
        "iacute" => "í",
        "igrave" => "ì",
        "icirc" => "î",
        "iuml" => "ï",
        "ntilde" => "ñ",
        "oacute" => "ó",
        "ograve" => "ò",
        "ocirc" => "ô",
        "otilde" => "õ",
        "oslash" => "ø",
        "uacute" => "ú",
        "ugrave" => "ù",
        "ucirc" => "û",
        "uuml" => "ü",
        "ouml" => "ö",
        "auml" => "ä",
        "Uuml" => "Ü",
        "Ouml" => "Ö",
        "Auml" => "Ä",
        "szlig" => "ß",
        "ndash" => "–",
        "mdash" => "—",
        "hellip" => "…",
        "laquo" => "«",
        "raquo" => "»",
        "rsquo" => "’",
        "lsquo" => "‘",
        "rdquo" => "”",
        "ldquo" => "“",
        "sbquo" => "‚",
        "bdquo" => "„",
        "bull" => "•",
        "middot" => "·",
        "euro" => "€",
        "pound" => "£",
        "yen" => "¥",
        "cent" => "¢",
        "sect" => "§",
        "para" => "¶",
        "deg" => "°",
        "plusmn" => "±",
        "times" => "×",
        "divide" => "÷",
        "frac12" => "½",
        "iexcl" => "¡",
        "iquest" => "¿",
        "shy" => "",
        "zwnj" | "zwj" => "",
        "ensp" | "emsp" | "thinsp" => " ",
        "dagger" => "†",
        "larr" => "←",
        "rarr" => "→",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16(text: &str, little: bool, bom: bool) -> Vec<u8> {
        let mut out = Vec::new();
        if bom {
            out.extend_from_slice(if little { &[0xFF, 0xFE] } else { &[0xFE, 0xFF] });
        }
        for unit in text.encode_utf16() {
            out.extend_from_slice(&if little {
                unit.to_le_bytes()
            } else {
                unit.to_be_bytes()
            });
        }
        out
    }

    #[test]
    fn utf16le_with_bom() {
        assert_eq!(
            decode_text(&utf16("Grüße, 世界 😀\r\nline", true, true)),
            "Grüße, 世界 😀\r\nline"
        );
    }

    #[test]
    fn utf16be_with_bom() {
        assert_eq!(
            decode_text(&utf16("Grüße, 世界 😀", false, true)),
            "Grüße, 世界 😀"
        );
    }

    #[test]
    fn utf16_without_bom_is_recognised() {
        assert_eq!(
            decode_text(&utf16("plain ASCII text, né", true, false)),
            "plain ASCII text, né"
        );
        assert_eq!(
            decode_text(&utf16("plain ASCII text, né", false, false)),
            "plain ASCII text, né"
        );
    }

    #[test]
    fn utf8_with_and_without_bom() {
        assert_eq!(decode_text(b"\xEF\xBB\xBFcaf\xC3\xA9"), "café");
        assert_eq!(decode_text("déjà vu".as_bytes()), "déjà vu");
        assert_eq!(decode_text(b""), "");
    }

    #[test]
    fn utf32_with_bom() {
        let mut le = vec![0xFF, 0xFE, 0, 0];
        let mut be = vec![0, 0, 0xFE, 0xFF];
        for c in "é😀".chars() {
            le.extend_from_slice(&u32::from(c).to_le_bytes());
            be.extend_from_slice(&u32::from(c).to_be_bytes());
        }
        assert_eq!(decode_text(&le), "é😀");
        assert_eq!(decode_text(&be), "é😀");
        // A truncated final code unit and an invalid scalar do not panic.
        le.push(0x41);
        le.extend_from_slice(&0xD800u32.to_le_bytes());
        assert_eq!(decode_text(&le[..le.len() - 4]), "é😀A");
    }

    #[test]
    fn windows_1252_is_detected() {
        assert_eq!(decode_text(b"caf\xe9 cr\xe8me"), "café crème");
        assert_eq!(
            decode_text(b"\x93Quoted\x94 \x96 na\xefve fa\xe7ade, \x80 5"),
            "\u{201c}Quoted\u{201d} \u{2013} naïve façade, € 5"
        );
    }

    #[test]
    fn nuls_are_removed() {
        assert_eq!(decode_text(b"a\0b\xff\0c"), decode_text(b"ab\xffc"));
        assert_eq!(decode_text(b"x\0y"), "xy");
    }

    #[test]
    fn html_with_script_style_entities_and_unclosed_tags() {
        let html = r#"<!DOCTYPE html>
<html><head>
<meta charset="utf-8"><title>  Caf&eacute; &amp;
 Cr&egrave;me  </title>
<style>p { color: red; } </style>
<script type="text/javascript">var s = "<p>not text</p>"; if (a < b) {}</script>
</head>
<body>
<!-- a comment <p>hidden</p> -->
<h1>Menu&nbsp;&mdash;  today</h1>
<p>Fish &amp; chips &lt;3 &#169; &#x263A; &copy &unknown; AT&T
   costs 5&euro;<br>per   plate
<p>Unclosed paragraph with <b>bold <i>nested</b> text
<div class="x" title='a > b'>Attribute with &gt; inside</div>
<ul><li>one<li>two</ul>
<table><tr><td>a1</td><td> b1 </td></tr><tr><th>a2<td>b2</table>
<SCRIPT>alert("upper case")</SCRIPT>
<p>&laquo;fin&raquo; &ldquo;q&rdquo; &lsquo;s&rsquo; &hellip; &ndash; &szlig;&uuml;&ouml;&auml;&ccedil;&agrave; &reg; 1 < 2 <3
<a href="x>broken
"#;
        let (title, text) = html_to_text(html);
        assert_eq!(title.as_deref(), Some("Café & Crème"));
        assert_eq!(
            text,
            "Menu \u{2014} today\n\
             Fish & chips <3 \u{a9} \u{263a} \u{a9} &unknown; AT&T costs 5\u{20ac}\n\
             per plate\n\
             Unclosed paragraph with bold nested text\n\
             Attribute with > inside\n\
             one\n\
             two\n\
             a1\tb1\n\
             a2\tb2\n\
             «fin» “q” ‘s’ … – ßüöäçà ® 1 < 2 <3 broken"
        );
    }

    #[test]
    fn html_edge_cases_do_not_panic() {
        for html in [
            "",
            "<",
            "</",
            "<!",
            "<!--",
            "<a",
            "<a href='",
            "&",
            "&#",
            "&#x",
            "&#xZZ;",
            "&#99999999999;",
            "&#0;",
            "&#150;",
            "<script>",
            "<title>x",
            "<pre>a\n  b</pre>",
            "é<é>é",
            "<p>é</p\n>",
            "</ p>x",
        ] {
            let _ = html_to_text(html);
        }
        assert_eq!(
            html_to_text("&#150;&#x2014;&#0;").1,
            "\u{2013}\u{2014}\u{fffd}"
        );
        assert_eq!(html_to_text("<pre>a\n  b</pre>after").1, "a\nb\nafter");
        assert_eq!(html_to_text("<title>x").0.as_deref(), Some("x"));
        assert_eq!(
            html_to_text("<head><title>T</title><p>body without body tag").1,
            "body without body tag"
        );
        assert_eq!(html_to_text("line<br><br><br><br>next").1, "line\n\nnext");
        assert_eq!(html_to_text("a <!-- unterminated comment").1, "a");
    }

    #[test]
    fn random_bytes_never_panic() {
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        let pieces: [&[u8]; 10] = [
            b"<", b">", b"</p", b"<script", b"&#x", b"&am", b"\"", b"\xe9", b"\0", b"<!--",
        ];
        for round in 0..3000 {
            let mut data = Vec::new();
            for _ in 0..round % 40 {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                let random = state.to_le_bytes();
                let piece = pieces[(state % 10) as usize];
                data.extend_from_slice(if state.is_multiple_of(3) {
                    piece
                } else {
                    &random[..3]
                });
            }
            let text = decode_text(&data);
            assert!(!text.contains('\0'));
            let _ = html_to_text(&text);
        }
    }
}
