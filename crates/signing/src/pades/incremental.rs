//! Appends a signature to a PDF as an incremental update: the original bytes stay exactly as
//! they were (earlier signatures stay valid), and the update adds the signature dictionary,
//! an invisible signature field, and new versions of the catalog (AcroForm) and first page
//! (Annots). The update is written by hand so that we know the byte offsets of /ByteRange
//! and /Contents; lopdf reads the original and serialises the copied dictionaries.
use std::io::Write;

use lopdf::{Dictionary, Object, ObjectId, StringFormat};
use tinhso_core::{Error, Result};

use crate::internal;

/// Where the placeholders sit in the finished file.
pub(crate) struct Prepared {
    pub bytes: Vec<u8>,
    /// Offset of `[` of the /ByteRange array and the width reserved for it.
    pub byte_range_at: usize,
    pub byte_range_width: usize,
    /// Offsets of `<` and one past `>` of the /Contents hex string.
    pub contents_start: usize,
    pub contents_end: usize,
}

/// Text fields of the signature dictionary, already in PDF form.
pub(crate) struct SigDict<'a> {
    pub name: &'a str,
    pub reason: &'a str,
    pub location: &'a str,
    /// A PDF date string, `D:YYYYMMDDHHmmSS+07'00'`.
    pub date: &'a str,
}

const BYTE_RANGE_PLACEHOLDER: &str = "[0 0000000000 0000000000 0000000000]";

fn bad_pdf(reason: &str) -> Error {
    Error::invalid("invalid_pdf", "pdf", format!("tệp PDF không ký được: {reason}"))
}

pub(crate) fn prepare(original: &[u8], sig: &SigDict<'_>, contents_bytes: usize) -> Result<Prepared> {
    let doc = lopdf::Document::load_mem(original).map_err(|e| bad_pdf(&e.to_string()))?;
    if doc.trailer.get(b"Encrypt").is_ok() {
        return Err(bad_pdf("tệp đã mã hoá"));
    }
    let root_id = doc.trailer.get(b"Root").and_then(Object::as_reference).map_err(|_| bad_pdf("thiếu /Root"))?;
    let size = doc.trailer.get(b"Size").and_then(Object::as_i64).map_err(|_| bad_pdf("thiếu /Size"))?;
    let size = u32::try_from(size).map_err(|_| bad_pdf("/Size sai"))?.max(doc.max_id + 1);
    let prev = last_startxref(original).ok_or_else(|| bad_pdf("thiếu startxref"))?;
    let page_id = *doc.get_pages().values().next().ok_or_else(|| bad_pdf("không có trang"))?;

    let sig_id: ObjectId = (size, 0);
    let field_id: ObjectId = (size + 1, 0);
    let mut updated: Vec<(ObjectId, Object)> = Vec::new();

    let mut catalog = doc.get_dictionary(root_id).map_err(|_| bad_pdf("/Root sai"))?.clone();
    let field_name = add_field_to_acroform(&doc, &mut catalog, &mut updated, field_id)?;
    updated.push((root_id, Object::Dictionary(catalog)));

    let mut page = doc.get_dictionary(page_id).map_err(|_| bad_pdf("trang sai"))?.clone();
    let mut annots = resolved_array(&doc, page.get(b"Annots").ok());
    annots.push(Object::Reference(field_id));
    page.set("Annots", Object::Array(annots));
    updated.push((page_id, Object::Dictionary(page)));

    let mut field = Dictionary::new();
    field.set("Type", Object::Name(b"Annot".to_vec()));
    field.set("Subtype", Object::Name(b"Widget".to_vec()));
    field.set("FT", Object::Name(b"Sig".to_vec()));
    field.set("T", Object::String(field_name.into_bytes(), StringFormat::Literal));
    field.set("V", Object::Reference(sig_id));
    // Invisible: the rendered document already shows who issued it.
    field.set("Rect", Object::Array(vec![Object::Integer(0); 4]));
    field.set("F", Object::Integer(132)); // Print + Locked
    field.set("P", Object::Reference(page_id));
    updated.push((field_id, Object::Dictionary(field)));

    let mut out = original.to_vec();
    if !out.ends_with(b"\n") {
        out.push(b'\n');
    }
    let mut offsets: Vec<(ObjectId, usize)> = Vec::new();
    for (id, object) in &updated {
        offsets.push((*id, out.len()));
        writeln!(out, "{} {} obj", id.0, id.1).map_err(|e| internal("ghi PDF", e))?;
        lopdf::Writer::write_object(&mut out, object).map_err(|e| internal("ghi PDF", e))?;
        out.extend_from_slice(b"\nendobj\n");
    }

    offsets.push((sig_id, out.len()));
    write!(
        out,
        "{} 0 obj\n<</Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached\n\
         /Name {} /Reason {} /Location {} /M ({})\n/ByteRange ",
        sig_id.0,
        text_string(sig.name),
        text_string(sig.reason),
        text_string(sig.location),
        sig.date,
    )
    .map_err(|e| internal("ghi PDF", e))?;
    let byte_range_at = out.len();
    out.extend_from_slice(BYTE_RANGE_PLACEHOLDER.as_bytes());
    out.extend_from_slice(b"\n/Contents ");
    let contents_start = out.len();
    out.push(b'<');
    out.resize(out.len() + 2 * contents_bytes, b'0');
    out.push(b'>');
    let contents_end = out.len();
    out.extend_from_slice(b">>\nendobj\n");

    write_xref_and_trailer(&mut out, &doc.trailer, &mut offsets, root_id, size + 2, prev)?;
    Ok(Prepared {
        bytes: out,
        byte_range_at,
        byte_range_width: BYTE_RANGE_PLACEHOLDER.len(),
        contents_start,
        contents_end,
    })
}

/// Adds the field to /AcroForm (inline or indirect) with /SigFlags 3 (signatures exist,
/// append only), and returns a field name not already taken.
fn add_field_to_acroform(
    doc: &lopdf::Document,
    catalog: &mut Dictionary,
    updated: &mut Vec<(ObjectId, Object)>,
    field_id: ObjectId,
) -> Result<String> {
    let (form_id, mut form) = match catalog.get(b"AcroForm") {
        Ok(Object::Reference(id)) => {
            (Some(*id), doc.get_dictionary(*id).map_err(|_| bad_pdf("/AcroForm sai"))?.clone())
        }
        Ok(Object::Dictionary(d)) => (None, d.clone()),
        _ => (None, Dictionary::new()),
    };
    let mut fields = resolved_array(doc, form.get(b"Fields").ok());
    let name = format!("ChuKy{}", fields.len() + 1);
    fields.push(Object::Reference(field_id));
    form.set("Fields", Object::Array(fields));
    form.set("SigFlags", Object::Integer(3));
    match form_id {
        Some(id) => updated.push((id, Object::Dictionary(form))),
        None => catalog.set("AcroForm", Object::Dictionary(form)),
    }
    Ok(name)
}

fn resolved_array(doc: &lopdf::Document, object: Option<&Object>) -> Vec<Object> {
    match object {
        Some(Object::Array(items)) => items.clone(),
        Some(Object::Reference(id)) => match doc.get_object(*id) {
            Ok(Object::Array(items)) => items.clone(),
            _ => Vec::new(),
        },
        _ => Vec::new(),
    }
}

/// A classic cross-reference section and trailer chained to the previous one by /Prev.
fn write_xref_and_trailer(
    out: &mut Vec<u8>,
    old_trailer: &Dictionary,
    offsets: &mut [(ObjectId, usize)],
    root_id: ObjectId,
    size: u32,
    prev: usize,
) -> Result<()> {
    let xref_at = out.len();
    offsets.sort_by_key(|(id, _)| id.0);
    out.extend_from_slice(b"xref\n");
    let mut i = 0;
    while i < offsets.len() {
        let mut j = i + 1;
        while j < offsets.len() && offsets[j].0.0 == offsets[j - 1].0.0 + 1 {
            j += 1;
        }
        out.extend_from_slice(format!("{} {}\n", offsets[i].0.0, j - i).as_bytes());
        for ((_, generation), at) in &offsets[i..j] {
            out.extend_from_slice(format!("{at:010} {generation:05} n\r\n").as_bytes());
        }
        i = j;
    }
    let mut trailer = Dictionary::new();
    trailer.set("Size", Object::Integer(i64::from(size)));
    trailer.set("Root", Object::Reference(root_id));
    for key in [b"Info".as_slice(), b"ID".as_slice()] {
        if let Ok(value) = old_trailer.get(key) {
            trailer.set(key.to_vec(), value.clone());
        }
    }
    trailer.set("Prev", Object::Integer(i64::try_from(prev).map_err(|e| internal("xref", e))?));
    out.extend_from_slice(b"trailer\n");
    lopdf::Writer::write_object(out, &Object::Dictionary(trailer)).map_err(|e| internal("ghi PDF", e))?;
    out.extend_from_slice(format!("\nstartxref\n{xref_at}\n%%EOF\n").as_bytes());
    Ok(())
}

/// The offset after the last `startxref`, i.e. where the newest cross-reference section is.
fn last_startxref(pdf: &[u8]) -> Option<usize> {
    let at = rfind(pdf, b"startxref")?;
    let rest = &pdf[at + b"startxref".len()..];
    let digits: String = rest
        .iter()
        .skip_while(|b| b.is_ascii_whitespace())
        .take_while(|b| b.is_ascii_digit())
        .map(|&b| char::from(b))
        .collect();
    digits.parse().ok()
}

pub(crate) fn rfind(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

/// A PDF text string: plain when ASCII, else UTF-16BE with a byte order mark, in hex.
fn text_string(s: &str) -> String {
    if s.bytes().all(|b| (b' '..=b'~').contains(&b) && !b"()\\".contains(&b)) {
        return format!("({s})");
    }
    let mut hex = String::from("<FEFF");
    for unit in s.encode_utf16() {
        hex.push_str(&format!("{unit:04X}"));
    }
    hex.push('>');
    hex
}

/// Writes `[0 a b c]` over the placeholder, padded with spaces (PDF whitespace).
pub(crate) fn fill_byte_range(prepared: &mut Prepared, range: [usize; 4]) -> Result<()> {
    let text = format!("[{} {} {} {}]", range[0], range[1], range[2], range[3]);
    if text.len() > prepared.byte_range_width {
        return Err(internal("ByteRange", "tệp quá lớn"));
    }
    let slot = &mut prepared.bytes[prepared.byte_range_at..prepared.byte_range_at + prepared.byte_range_width];
    slot.fill(b' ');
    slot[..text.len()].copy_from_slice(text.as_bytes());
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn text_strings_are_utf16_when_vietnamese() {
        assert_eq!(text_string("Ly Son"), "(Ly Son)");
        assert_eq!(text_string("Lý"), "<FEFF004C00FD>");
        assert_eq!(text_string("a(b"), "<FEFF006100280062>");
    }

    #[test]
    fn the_last_startxref_wins() {
        assert_eq!(last_startxref(b"startxref\n12\n%%EOF\nstartxref\r\n345\n%%EOF"), Some(345));
        assert_eq!(last_startxref(b"nothing"), None);
    }
}
