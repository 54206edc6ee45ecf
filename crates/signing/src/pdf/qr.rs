//! QR codes drawn as filled rectangles: sharp at any zoom and printer, and a few hundred
//! bytes of content stream instead of an image.
use pdf_writer::Content;
use qrcode::{Color, EcLevel, QrCode};
use tinhso_core::{Error, Result};

/// Draws the QR code of `payload` in a `size`-point square whose lower-left corner is
/// (`x`, `y`). The caller leaves the quiet zone around it.
pub(crate) fn draw(content: &mut Content, payload: &str, x: f32, y: f32, size: f32) -> Result<()> {
    // Level M survives a stain or fold on a printed page and keeps URLs of ~100
    // characters at a version that still scans from a phone at 25 mm.
    let code = QrCode::with_error_correction_level(payload.as_bytes(), EcLevel::M)
        .map_err(|_| Error::invalid("qr_too_long", "qr", "nội dung mã QR quá dài"))?;
    let width = code.width();
    let colors = code.to_colors();
    let module = size / width as f32;
    content.save_state();
    content.set_fill_gray(0.0);
    for (row, cells) in colors.chunks(width).enumerate() {
        let top = y + size - (row as f32 + 1.0) * module;
        let mut col = 0;
        while col < width {
            if cells[col] == Color::Dark {
                let start = col;
                while col < width && cells[col] == Color::Dark {
                    col += 1;
                }
                content.rect(x + start as f32 * module, top, (col - start) as f32 * module, module);
            } else {
                col += 1;
            }
        }
    }
    content.fill_nonzero();
    content.restore_state();
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn a_verification_url_draws_rectangles() {
        let mut content = Content::new();
        draw(&mut content, "https://dichvucong.example.vn/xac-minh/ABCD-1234", 0.0, 0.0, 80.0).unwrap();
        let ops = String::from_utf8(content.finish().into_vec()).unwrap();
        assert!(ops.matches(" re").count() > 50);
        assert!(ops.contains("f"));
    }
}
