//! The embedded TrueType fonts. DejaVu Sans has a precomposed glyph for every Vietnamese
//! letter with its tone mark (U+1EA0–U+1EF9 and the Latin-1/Extended-A letters), so NFC text
//! maps one character to one glyph and needs no shaping. Each font is embedded as a subset
//! (only the glyphs a document uses) in a CID font with Identity-H encoding, with a ToUnicode
//! map so that copying and `pdftotext` give back the exact text.
use std::collections::BTreeMap;

use pdf_writer::types::{CidFontType, FontFlags, SystemInfo};
use pdf_writer::{Filter, Finish, Name, Pdf, Rect, Ref, Str};
use sha2::{Digest, Sha256};
use subsetter::GlyphRemapper;
use tinhso_core::Result;
use ttf_parser::{Face, GlyphId};

use crate::internal;

static REGULAR: &[u8] = include_bytes!("../../../../assets/fonts/DejaVuSans.ttf");
static BOLD: &[u8] = include_bytes!("../../../../assets/fonts/DejaVuSans-Bold.ttf");

const IDENTITY: SystemInfo<'static> =
    SystemInfo { registry: Str(b"Adobe"), ordering: Str(b"Identity"), supplement: 0 };

/// Which of the two embedded faces a run of text uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Weight {
    Regular,
    Bold,
}

/// One face, and the glyphs the document has used from it so far.
pub(crate) struct Font {
    data: &'static [u8],
    face: Face<'static>,
    postscript_name: &'static str,
    remapper: GlyphRemapper,
    /// New glyph id -> the character it shows and its advance in 1/1000 em.
    used: BTreeMap<u16, (char, f32)>,
    /// Resource name in page dictionaries.
    pub resource: &'static [u8],
}

impl Font {
    pub(crate) fn load(weight: Weight) -> Result<Self> {
        let (data, postscript_name, resource) = match weight {
            Weight::Regular => (REGULAR, "DejaVuSans", b"F1".as_slice()),
            Weight::Bold => (BOLD, "DejaVuSans-Bold", b"F2".as_slice()),
        };
        let face = Face::parse(data, 0).map_err(|e| internal("đọc phông chữ", e))?;
        Ok(Font {
            data,
            face,
            postscript_name,
            remapper: GlyphRemapper::new(),
            used: BTreeMap::new(),
            resource,
        })
    }

    fn scale(&self) -> f32 {
        1000.0 / f32::from(self.face.units_per_em())
    }

    /// The glyph for `c`, or for '?' when the font lacks it (callers pass NFC text, so that
    /// only happens for scripts the documents do not use).
    fn glyph(&self, c: char) -> (GlyphId, char) {
        let c = if c.is_control() { ' ' } else { c };
        match self.face.glyph_index(c) {
            Some(g) => (g, c),
            None => (self.face.glyph_index('?').unwrap_or(GlyphId(0)), '?'),
        }
    }

    fn advance(&self, glyph: GlyphId) -> f32 {
        f32::from(self.face.glyph_hor_advance(glyph).unwrap_or(0)) * self.scale()
    }

    /// Width of `text` at `size` points.
    pub(crate) fn width(&self, text: &str, size: f32) -> f32 {
        text.chars().map(|c| self.advance(self.glyph(c).0)).sum::<f32>() * size / 1000.0
    }

    /// The two-byte codes (new glyph ids) that show `text`, registering its glyphs.
    pub(crate) fn encode(&mut self, text: &str) -> Vec<u8> {
        let mut out = Vec::with_capacity(text.len() * 2);
        for c in text.chars() {
            let (glyph, shown) = self.glyph(c);
            let id = self.remapper.remap(glyph.0);
            let advance = self.advance(glyph);
            self.used.entry(id).or_insert((shown, advance));
            out.extend_from_slice(&id.to_be_bytes());
        }
        out
    }

    /// Writes the font objects and returns the Type0 font to name in page resources.
    pub(crate) fn embed(&self, pdf: &mut Pdf, next: &mut Ref) -> Result<Ref> {
        let [type0, cid, descriptor, cmap, file] = std::array::from_fn(|_| next.bump());
        let subset = subsetter::subset(self.data, 0, &self.remapper).map_err(|e| internal("tách phông chữ", e))?;
        // A subset font's name carries a tag unique to its glyph set (ISO 32000-1 9.6.4).
        let hash = Sha256::digest(format!("{}{:?}", self.postscript_name, self.used.keys().collect::<Vec<_>>()));
        let tag: String = hash.iter().take(6).map(|b| char::from(b'A' + b % 26)).collect();
        let base_font = format!("{tag}+{}", self.postscript_name);
        let base = Name(base_font.as_bytes());

        pdf.type0_font(type0)
            .base_font(base)
            .encoding_predefined(Name(b"Identity-H"))
            .descendant_font(cid)
            .to_unicode(cmap);

        let last = self.used.keys().next_back().copied().unwrap_or(0);
        let notdef = self.advance(GlyphId(0));
        let widths: Vec<f32> =
            (0..=last).map(|id| self.used.get(&id).map_or(notdef, |(_, w)| *w)).collect();
        let mut cid_font = pdf.cid_font(cid);
        cid_font
            .subtype(CidFontType::Type2)
            .base_font(base)
            .system_info(IDENTITY)
            .font_descriptor(descriptor)
            .cid_to_gid_map_predefined(Name(b"Identity"));
        cid_font.widths().consecutive(0, widths);
        cid_font.finish();

        let s = self.scale();
        let bbox = self.face.global_bounding_box();
        let cap_height = self.face.capital_height().unwrap_or(self.face.ascender());
        pdf.font_descriptor(descriptor)
            .name(base)
            .flags(FontFlags::SYMBOLIC)
            .bbox(Rect::new(
                f32::from(bbox.x_min) * s,
                f32::from(bbox.y_min) * s,
                f32::from(bbox.x_max) * s,
                f32::from(bbox.y_max) * s,
            ))
            .italic_angle(0.0)
            .ascent(f32::from(self.face.ascender()) * s)
            .descent(f32::from(self.face.descender()) * s)
            .cap_height(f32::from(cap_height) * s)
            .stem_v(80.0)
            .font_file2(file);

        let mut unicode = pdf_writer::types::UnicodeCmap::new(Name(b"Custom"), IDENTITY);
        for (id, (c, _)) in &self.used {
            unicode.pair(*id, *c);
        }
        let cmap_bytes = deflate(unicode.finish().as_slice());
        pdf.stream(cmap, &cmap_bytes).filter(Filter::FlateDecode);

        let compressed = deflate(&subset);
        let length1 = i32::try_from(subset.len()).map_err(|e| internal("phông chữ", e))?;
        pdf.stream(file, &compressed).filter(Filter::FlateDecode).pair(Name(b"Length1"), length1);
        Ok(type0)
    }
}

pub(crate) fn deflate(data: &[u8]) -> Vec<u8> {
    miniz_oxide::deflate::compress_to_vec_zlib(data, 6)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn every_vietnamese_letter_has_its_own_glyph() {
        let font = Font::load(Weight::Regular).unwrap();
        let letters = "aàảãáạăằẳẵắặâầẩẫấậbcdđeèẻẽéẹêềểễếệghiìỉĩíịklmnoòỏõóọôồổỗốộơờởỡớợpqrstuùủũúụưừửữứựvxyỳỷỹýỵ";
        for c in letters.chars().chain(letters.to_uppercase().chars()) {
            assert!(font.face.glyph_index(c).is_some(), "no glyph for {c}");
        }
    }

    #[test]
    fn encoding_registers_glyphs_once() {
        let mut font = Font::load(Weight::Bold).unwrap();
        let codes = font.encode("Hoà Hoà");
        assert_eq!(codes.len(), 14);
        assert_eq!(font.used.len(), 4); // H, o, à, space
        assert!(font.width("Hoà", 12.0) > 12.0);
    }
}
