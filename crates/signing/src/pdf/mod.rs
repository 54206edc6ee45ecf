//! Renders simple A4 documents (results, receipts) to PDF with an embedded font that covers
//! Vietnamese. Text is normalised to NFC and carries a ToUnicode map, so what a reader copies
//! or a search engine extracts is exactly the text given here.
use pdf_writer::{Filter, Finish, Name, Pdf, Rect, Ref, TextStr};
use sha2::{Digest, Sha256};
use tinhso_core::Result;
use tinhso_core::text::nfc;

mod font;
mod layout;
mod qr;

use font::{Font, Weight, deflate};
use layout::{Align, BOTTOM, Fonts, LEFT, PAGE_HEIGHT, PAGE_WIDTH, Pages, RIGHT, Run};

const BODY: f32 = 11.0;
const HEADING: f32 = 12.0;
const TITLE: f32 = 15.0;
const SMALL: f32 = 8.0;
const QR_SIZE: f32 = 80.0;

/// A document to render: header lines, a title, body lines, a footer on every page and an
/// optional verification block (code and QR) at the end.
#[derive(Debug, Clone, Default)]
pub struct Document {
    /// Lines above the title, e.g. [`Line::national_motto`].
    pub header: Vec<Line>,
    pub title: String,
    pub lines: Vec<Line>,
    /// Small text at the bottom of every page, beside the page number.
    pub footer: String,
    /// Printed in the verification block.
    pub verification_code: Option<String>,
    /// Encoded in the QR code, usually the public verification URL.
    pub qr_payload: Option<String>,
}

/// One block of the document body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Line {
    /// Bold, centred, slightly larger.
    Heading(String),
    /// Bold, centred, body size (the national motto, agency names).
    Centered(String),
    /// Wrapped body text.
    Paragraph(String),
    /// "label: value" with the value in bold, wrapped as one paragraph.
    Field { label: String, value: String },
    /// Half a line of space.
    Gap,
}

impl Line {
    /// A key-value row.
    pub fn field(label: impl Into<String>, value: impl Into<String>) -> Self {
        Line::Field { label: label.into(), value: value.into() }
    }

    /// The national name and motto that head every administrative document.
    pub fn national_motto() -> Vec<Line> {
        vec![
            Line::Centered("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM".into()),
            Line::Centered("Độc lập - Tự do - Hạnh phúc".into()),
        ]
    }
}

impl Document {
    /// An empty document with this title.
    pub fn new(title: impl Into<String>) -> Self {
        Document { title: title.into(), ..Document::default() }
    }
}

/// Renders `doc` to PDF bytes. The output is deterministic for the same document.
pub fn render(doc: &Document) -> Result<Vec<u8>> {
    let fonts = Fonts { regular: Font::load(Weight::Regular)?, bold: Font::load(Weight::Bold)? };
    let mut pages = Pages::new(fonts);
    let width = Pages::text_width();
    for line in &doc.header {
        draw_block(&mut pages, line);
    }
    if !doc.header.is_empty() {
        pages.gap(BODY);
    }
    pages.paragraph(&[Run::bold(nfc(&doc.title))], TITLE, LEFT, width, Align::Center);
    pages.gap(BODY);
    for line in &doc.lines {
        draw_block(&mut pages, line);
    }
    verification_block(&mut pages, doc.verification_code.as_deref(), doc.qr_payload.as_deref())?;
    footers(&mut pages, &nfc(&doc.footer));
    write_pdf(pages, &nfc(&doc.title))
}

fn draw_block(pages: &mut Pages, line: &Line) {
    let width = Pages::text_width();
    match line {
        Line::Heading(text) => {
            pages.gap(BODY * 0.4);
            pages.paragraph(&[Run::bold(nfc(text))], HEADING, LEFT, width, Align::Center);
        }
        Line::Centered(text) => pages.paragraph(&[Run::bold(nfc(text))], BODY, LEFT, width, Align::Center),
        Line::Paragraph(text) => pages.paragraph(&[Run::regular(nfc(text))], BODY, LEFT, width, Align::Left),
        Line::Field { label, value } => {
            let runs = [Run::regular(format!("{}: ", nfc(label))), Run::bold(nfc(value))];
            pages.paragraph(&runs, BODY, LEFT, width, Align::Left);
        }
        Line::Gap => pages.gap(BODY * 0.7),
    }
}

/// The QR code at the left and the code and URL beside it, kept together on one page.
fn verification_block(pages: &mut Pages, code: Option<&str>, payload: Option<&str>) -> Result<()> {
    let (code, payload) = (code.map(nfc), payload.map(nfc));
    if code.is_none() && payload.is_none() {
        return Ok(());
    }
    pages.gap(BODY);
    pages.ensure(QR_SIZE + BODY);
    let top = pages.y;
    let (x, width) = match &payload {
        Some(url) => {
            qr::draw(pages.current(), url, LEFT, top - QR_SIZE, QR_SIZE)?;
            (LEFT + QR_SIZE + 14.0, Pages::text_width() - QR_SIZE - 14.0)
        }
        None => (LEFT, Pages::text_width()),
    };
    pages.gap(6.0);
    if let Some(code) = &code {
        pages.paragraph(&[Run::regular("Mã xác minh: "), Run::bold(code.as_str())], BODY, x, width, Align::Left);
    }
    if let Some(url) = &payload {
        let hint = "Quét mã QR hoặc truy cập địa chỉ dưới đây để kiểm tra văn bản điện tử:";
        pages.paragraph(&[Run::regular(hint)], SMALL + 1.0, x, width, Align::Left);
        pages.paragraph(&[Run::regular(url.as_str())], SMALL + 1.0, x, width, Align::Left);
        pages.y = pages.y.min(top - QR_SIZE);
    }
    Ok(())
}

/// A rule, the footer text and "Trang i/n" at the bottom of every page.
fn footers(pages: &mut Pages, footer: &str) {
    let count = pages.pages.len();
    let rule = BOTTOM - 20.0;
    for i in 0..count {
        let number = [Run::regular(format!("Trang {}/{}", i + 1, count))];
        let number_width = pages.width_of(&number, SMALL);
        let baseline = rule - SMALL * 1.6;
        if !footer.is_empty() {
            let lines = layout::wrap(&pages.fonts, &[Run::regular(footer)], SMALL, Pages::text_width() - number_width - 20.0);
            for (n, line) in lines.iter().take(3).enumerate() {
                pages.draw_line(line, SMALL, LEFT, baseline - n as f32 * SMALL * 1.3, Some(i));
            }
        }
        pages.draw_line(&number, SMALL, PAGE_WIDTH - RIGHT - number_width, baseline, Some(i));
        if let Some(content) = pages.pages.get_mut(i) {
            content.save_state();
            content.set_line_width(0.5);
            content.set_stroke_gray(0.5);
            content.move_to(LEFT, rule);
            content.line_to(PAGE_WIDTH - RIGHT, rule);
            content.stroke();
            content.restore_state();
        }
    }
}

fn write_pdf(pages: Pages, title: &str) -> Result<Vec<u8>> {
    let mut pdf = Pdf::new();
    let mut next = Ref::new(1);
    let (catalog, tree, info) = (next.bump(), next.bump(), next.bump());
    let streams: Vec<Vec<u8>> = pages.pages.into_iter().map(|c| c.finish().into_vec()).collect();
    let page_refs: Vec<(Ref, Ref)> = streams.iter().map(|_| (next.bump(), next.bump())).collect();
    let regular = pages.fonts.regular.embed(&mut pdf, &mut next)?;
    let bold = pages.fonts.bold.embed(&mut pdf, &mut next)?;

    let mut cat = pdf.catalog(catalog);
    cat.pages(tree).lang(TextStr("vi"));
    cat.viewer_preferences().display_doc_title(true);
    cat.finish();
    pdf.pages(tree).kids(page_refs.iter().map(|(page, _)| *page)).count(page_refs.len() as i32);
    let mut id = Sha256::new();
    for ((page, contents), data) in page_refs.iter().zip(&streams) {
        id.update(data);
        let mut p = pdf.page(*page);
        p.media_box(Rect::new(0.0, 0.0, PAGE_WIDTH, PAGE_HEIGHT)).parent(tree).contents(*contents);
        p.resources().fonts().pair(Name(b"F1"), regular).pair(Name(b"F2"), bold);
        p.finish();
        pdf.stream(*contents, &deflate(data)).filter(Filter::FlateDecode);
    }
    pdf.document_info(info).title(TextStr(title)).producer(TextStr("tinhso"));
    // The file identifier is derived from the content so that rendering is reproducible.
    let id = id.finalize()[..16].to_vec();
    pdf.set_file_id((id.clone(), id));
    Ok(pdf.finish())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn a_long_document_breaks_into_numbered_pages() {
        let mut doc = Document::new("Danh sách");
        doc.lines = (0..120).map(|i| Line::field(format!("Dòng {i}"), "Đặc khu Lý Sơn")).collect();
        doc.footer = "tinhso".into();
        let pdf = render(&doc).unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
        let count = lopdf::Document::load_mem(&pdf).unwrap().get_pages().len();
        assert!(count >= 3, "expected several pages, found {count}");
        assert_eq!(render(&doc).unwrap(), pdf, "rendering is deterministic");
    }
}
