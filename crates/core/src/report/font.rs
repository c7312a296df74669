//! The fonts reports are set in: DejaVu Sans and its bold (`assets/fonts`, their licence
//! beside them), which cover the Latin, Greek and Cyrillic scripts, so that students'
//! names print as they are spelled. Each PDF embeds only the glyphs it uses (`subset`),
//! the rest of each glyph table left empty, so glyph ids stay the font's own.

use std::collections::BTreeSet;
use std::sync::OnceLock;

static REGULAR: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
static BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");

/// The regular face or the bold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Font {
    Regular,
    Bold,
}

/// One parsed face and what a PDF says of it.
pub(super) struct Face {
    data: &'static [u8],
    face: ttf_parser::Face<'static>,
    /// The PostScript name the PDF gives it.
    pub(super) name: &'static str,
}

impl Font {
    pub(super) fn face(self) -> &'static Face {
        static FACES: OnceLock<[Face; 2]> = OnceLock::new();
        let faces = FACES.get_or_init(|| {
            let parse = |data: &'static [u8], name| Face {
                data,
                face: ttf_parser::Face::parse(data, 0).expect("the fonts built into Dossier parse"),
                name,
            };
            [parse(REGULAR, "DejaVuSans"), parse(BOLD, "DejaVuSans-Bold")]
        });
        &faces[self as usize]
    }
}

impl Face {
    /// The glyph of `c` (0, the font's "missing" box, for a character it lacks; a tab is
    /// a space).
    pub(super) fn glyph(&self, c: char) -> u16 {
        let c = if c == '\t' { ' ' } else { c };
        self.face.glyph_index(c).map_or(0, |g| g.0)
    }

    /// A glyph's advance width in thousandths of an em.
    pub(super) fn advance(&self, glyph: u16) -> u16 {
        let units = self
            .face
            .glyph_hor_advance(ttf_parser::GlyphId(glyph))
            .unwrap_or(0);
        (u32::from(units) * 1000 / u32::from(self.face.units_per_em().max(1))) as u16
    }

    /// The width of `text` at `size` points.
    pub(super) fn width(&self, text: &str, size: f32) -> f32 {
        let em: u32 = text
            .chars()
            .map(|c| u32::from(self.advance(self.glyph(c))))
            .sum();
        em as f32 * size / 1000.0
    }

    fn per_mille(&self, units: i16) -> i32 {
        i32::from(units) * 1000 / i32::from(self.face.units_per_em().max(1))
    }

    /// The font descriptor's metrics: bounding box, ascent, descent, cap height.
    pub(super) fn metrics(&self) -> ([i32; 4], i32, i32, i32) {
        let b = self.face.global_bounding_box();
        (
            [
                self.per_mille(b.x_min),
                self.per_mille(b.y_min),
                self.per_mille(b.x_max),
                self.per_mille(b.y_max),
            ],
            self.per_mille(self.face.ascender()),
            self.per_mille(self.face.descender()),
            self.per_mille(self.face.capital_height().unwrap_or(self.face.ascender())),
        )
    }

    /// The font with only the glyphs of `used` (and the glyphs they are built from, and
    /// the missing box), as a TrueType file: the tables a PDF's TrueType font needs.
    pub(super) fn subset(&self, used: &BTreeSet<u16>) -> Vec<u8> {
        subset(self.data, used).expect("the fonts built into Dossier are well formed")
    }
}

/// The tables kept in a subset (sorted, as a font's directory lists them).
const KEPT: [&[u8; 4]; 11] = [
    b"OS/2", b"cvt ", b"fpgm", b"glyf", b"head", b"hhea", b"hmtx", b"loca", b"maxp", b"name",
    b"prep",
];

fn be16(d: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(d.get(at..at + 2)?.try_into().ok()?))
}

fn be32(d: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(d.get(at..at + 4)?.try_into().ok()?))
}

/// `font` with the glyph outlines of `used` only (`None`: not a font this understands).
fn subset(font: &[u8], used: &BTreeSet<u16>) -> Option<Vec<u8>> {
    let count = usize::from(be16(font, 4)?);
    let table = |tag: &[u8; 4]| -> Option<&[u8]> {
        (0..count).find_map(|i| {
            let at = 12 + 16 * i;
            (font.get(at..at + 4)? == tag).then_some(())?;
            let (off, len) = (be32(font, at + 8)? as usize, be32(font, at + 12)? as usize);
            font.get(off..off + len)
        })
    };
    let head = table(b"head")?;
    let glyphs = usize::from(be16(table(b"maxp")?, 4)?);
    let (loca, glyf) = (table(b"loca")?, table(b"glyf")?);
    let long = be16(head, 50)? == 1;
    let offset = |g: usize| -> Option<usize> {
        if long {
            Some(be32(loca, 4 * g)? as usize)
        } else {
            Some(usize::from(be16(loca, 2 * g)?) * 2)
        }
    };
    let outline = |g: usize| -> Option<&[u8]> { glyf.get(offset(g)?..offset(g + 1)?) };
    // The glyphs kept: those used, the missing box, and every component of a composite.
    let mut keep: BTreeSet<u16> = used
        .iter()
        .copied()
        .filter(|&g| usize::from(g) < glyphs)
        .collect();
    keep.insert(0);
    let mut todo: Vec<u16> = keep.iter().copied().collect();
    while let Some(g) = todo.pop() {
        let data = outline(usize::from(g))?;
        if data.len() < 10 || (be16(data, 0)? as i16) >= 0 {
            continue;
        }
        let mut at = 10;
        loop {
            let (flags, component) = (be16(data, at)?, be16(data, at + 2)?);
            if usize::from(component) < glyphs && keep.insert(component) {
                todo.push(component);
            }
            at += 4 + if flags & 0x0001 != 0 { 4 } else { 2 };
            at += if flags & 0x0008 != 0 {
                2
            } else if flags & 0x0040 != 0 {
                4
            } else if flags & 0x0080 != 0 {
                8
            } else {
                0
            };
            if flags & 0x0020 == 0 {
                break;
            }
        }
    }
    let mut new_glyf = Vec::new();
    let mut new_loca = Vec::with_capacity(4 * (glyphs + 1));
    for g in 0..glyphs {
        new_loca.extend_from_slice(&(new_glyf.len() as u32).to_be_bytes());
        if keep.contains(&(g as u16)) {
            new_glyf.extend_from_slice(outline(g)?);
            while new_glyf.len() % 4 != 0 {
                new_glyf.push(0);
            }
        }
    }
    new_loca.extend_from_slice(&(new_glyf.len() as u32).to_be_bytes());
    let mut new_head = head.to_vec();
    // Long offsets; the whole-file checksum adjustment is left 0 (readers do not check it).
    new_head
        .get_mut(50..52)?
        .copy_from_slice(&1u16.to_be_bytes());
    new_head.get_mut(8..12)?.copy_from_slice(&[0; 4]);
    let tables: Vec<(&[u8; 4], Vec<u8>)> = KEPT
        .iter()
        .map(|&tag| {
            Some((
                tag,
                match tag {
                    b"glyf" => new_glyf.clone(),
                    b"loca" => new_loca.clone(),
                    b"head" => new_head.clone(),
                    _ => table(tag)?.to_vec(),
                },
            ))
        })
        .collect::<Option<_>>()?;
    Some(assemble(&tables))
}

/// A TrueType file of `tables` (sorted by tag).
fn assemble(tables: &[(&[u8; 4], Vec<u8>)]) -> Vec<u8> {
    let n = tables.len() as u16;
    let power = 1u16 << (15 - n.leading_zeros().min(15));
    let mut out = Vec::new();
    out.extend_from_slice(&0x0001_0000u32.to_be_bytes());
    out.extend_from_slice(&n.to_be_bytes());
    out.extend_from_slice(&(power * 16).to_be_bytes());
    out.extend_from_slice(&(power.trailing_zeros() as u16).to_be_bytes());
    out.extend_from_slice(&(n * 16 - power * 16).to_be_bytes());
    let mut at = 12 + 16 * tables.len();
    let mut body = Vec::new();
    for (tag, data) in tables {
        let sum = data
            .chunks(4)
            .map(|c| {
                let mut word = [0u8; 4];
                word[..c.len()].copy_from_slice(c);
                u32::from_be_bytes(word)
            })
            .fold(0u32, u32::wrapping_add);
        out.extend_from_slice(&tag[..]);
        out.extend_from_slice(&sum.to_be_bytes());
        out.extend_from_slice(&(at as u32).to_be_bytes());
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        body.extend_from_slice(data);
        while body.len() % 4 != 0 {
            body.push(0);
        }
        at = 12 + 16 * tables.len() + body.len();
    }
    out.extend_from_slice(&body);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_subset_keeps_the_glyphs_used_and_opens_as_a_font() {
        let face = Font::Regular.face();
        let text = "Łukasz Żółć, Nguyễn Thị Hương, Дмитрий, Ἀθηνᾶ";
        let used: BTreeSet<u16> = text.chars().map(|c| face.glyph(c)).collect();
        assert!(!used.contains(&0), "every letter is in the font");
        let small = face.subset(&used);
        assert!(small.len() < REGULAR.len() / 4, "{} bytes", small.len());
        let parsed = ttf_parser::Face::parse(&small, 0).unwrap();
        assert_eq!(parsed.number_of_glyphs(), face.face.number_of_glyphs());
        for &g in &used {
            let id = ttf_parser::GlyphId(g);
            assert!(parsed.glyph_bounding_box(id).is_some() || g == face.glyph(' '));
            assert_eq!(
                parsed.glyph_hor_advance(id),
                face.face.glyph_hor_advance(id)
            );
        }
        // A glyph not used has no outline left.
        let unused = face.glyph('Q');
        assert!(!used.contains(&unused));
        assert!(
            parsed
                .glyph_bounding_box(ttf_parser::GlyphId(unused))
                .is_none()
        );
        // Bold is wider than regular, and a missing character is the box.
        assert!(Font::Bold.face().width("Ada", 8.0) > face.width("Ada", 8.0));
        assert_eq!(face.glyph('漢'), 0);
    }
}
