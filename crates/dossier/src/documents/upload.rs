//! What an uploaded file must be: at most [`MAX_FILE_BYTES`], and a PDF, JPEG or PNG as its
//! bytes show, whatever its name or declared type says. A file that starts like one of those
//! but is cut short or broken is refused too, so an agency never receives a file it cannot open.
use axum::extract::Multipart;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use tinhso_core::text::nfc;

/// The largest file a dossier accepts.
pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;
/// The request around the file: the file, the other fields and the multipart framing.
pub const MAX_BODY_BYTES: usize = MAX_FILE_BYTES + 256 * 1024;

/// The types a dossier accepts, with how a person names them.
pub const ACCEPTED: [(&str, &str); 3] = [("application/pdf", "PDF"), ("image/jpeg", "JPEG"), ("image/png", "PNG")];

/// Why a file is refused, each with its own status and stable code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    TooLarge,
    Empty,
    Unsupported,
    /// Starts like the named type but is not a whole file of it.
    Damaged(&'static str),
    /// The request is not `multipart/form-data` with a `file` field and a `requirement` index.
    BadForm(String),
}

impl Refusal {
    pub fn status(&self) -> StatusCode {
        match self {
            Refusal::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Refusal::Unsupported => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Refusal::Empty | Refusal::Damaged(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Refusal::BadForm(_) => StatusCode::BAD_REQUEST,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            Refusal::TooLarge => "file_too_large",
            Refusal::Empty => "empty_file",
            Refusal::Unsupported => "unsupported_file_type",
            Refusal::Damaged(_) => "file_type_mismatch",
            Refusal::BadForm(_) => "invalid_upload",
        }
    }

    pub fn message(&self) -> String {
        match self {
            Refusal::TooLarge => format!("Tệp vượt quá dung lượng cho phép ({} MB).", MAX_FILE_BYTES / (1024 * 1024)),
            Refusal::Empty => "Tệp rỗng, không có nội dung.".into(),
            Refusal::Unsupported => "Chỉ nhận tệp PDF, JPEG hoặc PNG. Nội dung tệp không thuộc các loại này (đổi tên tệp không đổi được loại tệp).".into(),
            Refusal::Damaged(kind) => format!("Tệp có phần đầu của tệp {kind} nhưng nội dung không đúng định dạng {kind} (tệp bị hỏng hoặc tải lên chưa trọn vẹn)."),
            Refusal::BadForm(why) => why.clone(),
        }
    }
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        (self.status(), axum::Json(tinhso_web::error::error_body(self.code(), &self.message()))).into_response()
    }
}

/// A file that passed every check: only [`check`] makes one.
#[derive(Debug)]
pub struct CheckedFile {
    name: String,
    mime: &'static str,
    bytes: Vec<u8>,
}

impl CheckedFile {
    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn mime(&self) -> &'static str {
        self.mime
    }

    pub fn size(&self) -> usize {
        self.bytes.len()
    }

    pub fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

fn tail(bytes: &[u8], n: usize) -> &[u8] {
    &bytes[bytes.len().saturating_sub(n)..]
}

/// Whether the bytes are a whole file of `mime`, beyond its first bytes.
fn is_whole(mime: &str, bytes: &[u8]) -> bool {
    match mime {
        "application/pdf" => contains(tail(bytes, 2048), b"%%EOF") && contains(bytes, b"obj"),
        "image/png" => bytes.len() > 16 && &bytes[12..16] == b"IHDR" && contains(tail(bytes, 64), b"IEND"),
        // Cameras append trailers after the image, so the end marker may be anywhere.
        "image/jpeg" => bytes.len() > 4 && contains(&bytes[2..], &[0xFF, 0xD9]),
        _ => false,
    }
}

/// The file's name as given, without folders or control characters, with the extension of
/// its real type.
fn clean_name(given: &str, mime: &str) -> String {
    let base = given.rsplit(['/', '\\']).next().unwrap_or_default();
    let base: String = nfc(base).chars().filter(|c| !c.is_control()).take(200).collect();
    let ext = tinhso_wallet::http::extension_of(mime);
    let stem = match base.rsplit_once('.') {
        Some((stem, e)) if e.len() <= 5 => stem.trim().to_owned(),
        _ => base.trim().to_owned(),
    };
    let stem = if stem.is_empty() { "tep".to_owned() } else { stem };
    format!("{stem}.{ext}")
}

/// Checks a file by its bytes.
pub fn check(name: &str, bytes: Vec<u8>) -> Result<CheckedFile, Refusal> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(Refusal::TooLarge);
    }
    if bytes.is_empty() {
        return Err(Refusal::Empty);
    }
    let found = infer::get(&bytes).map(|t| t.mime_type());
    let (mime, kind) = ACCEPTED.into_iter().find(|(m, _)| Some(*m) == found).ok_or(Refusal::Unsupported)?;
    if !is_whole(mime, &bytes) {
        return Err(Refusal::Damaged(kind));
    }
    Ok(CheckedFile { name: clean_name(name, mime), mime, bytes })
}

/// What an upload form carries.
#[derive(Debug, Default)]
pub struct Form {
    pub requirement: Option<String>,
    /// Set by the page's upload form (the API checks its header instead).
    pub csrf_token: Option<String>,
    pub file: Option<CheckedFile>,
}

fn form_error(e: axum::extract::multipart::MultipartError) -> Refusal {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        Refusal::TooLarge
    } else {
        Refusal::BadForm("Nội dung gửi lên không phải biểu mẫu multipart/form-data hợp lệ.".into())
    }
}

/// Reads the form, keeping at most [`MAX_FILE_BYTES`] of the file in memory. An oversized
/// file is read to its end (within the route's body limit) and dropped, so the client gets
/// the answer rather than a broken connection.
pub async fn read(mut multipart: Multipart) -> Result<Form, Refusal> {
    let mut form = Form::default();
    let mut too_large = false;
    while let Some(mut field) = multipart.next_field().await.map_err(form_error)? {
        match field.name().unwrap_or_default() {
            "requirement" => form.requirement = Some(field.text().await.map_err(form_error)?.trim().to_owned()),
            "csrf_token" => form.csrf_token = Some(field.text().await.map_err(form_error)?.trim().to_owned()),
            "file" => {
                let name = field.file_name().unwrap_or_default().to_owned();
                let mut bytes = Vec::new();
                while let Some(chunk) = field.chunk().await.map_err(form_error)? {
                    if bytes.len() + chunk.len() > MAX_FILE_BYTES {
                        too_large = true;
                        bytes = Vec::new();
                    }
                    if !too_large {
                        bytes.extend_from_slice(&chunk);
                    }
                }
                if !too_large {
                    form.file = Some(check(&name, bytes)?);
                }
            }
            _ => {}
        }
    }
    if too_large {
        return Err(Refusal::TooLarge);
    }
    Ok(form)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A real 1×1 PNG.
    const PNG_HEX: &str = "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c49444154789c63f8cfc0000003010100c9fe92ef0000000049454e44ae426082";

    fn png() -> Vec<u8> {
        (0..PNG_HEX.len()).step_by(2).filter_map(|i| u8::from_str_radix(&PNG_HEX[i..i + 2], 16).ok()).collect()
    }

    #[test]
    fn the_type_comes_from_the_bytes_not_the_name() {
        let found = check("anh-chup.pdf", png()).ok();
        assert_eq!(found.as_ref().map(|f| (f.mime(), f.name())), Some(("image/png", "anh-chup.png")));
        assert_eq!(check("to-khai.pdf", b"chi la van ban".to_vec()).err(), Some(Refusal::Unsupported));
        assert_eq!(check("x.exe", b"MZ\x90\x00\x03\x00\x00\x00".to_vec()).err(), Some(Refusal::Unsupported));
        assert_eq!(check("x.pdf", Vec::new()).err(), Some(Refusal::Empty));
    }

    #[test]
    fn a_cut_or_forged_file_is_refused() {
        assert_eq!(check("x.png", png()[..40].to_vec()).err(), Some(Refusal::Damaged("PNG")));
        assert_eq!(check("x.pdf", b"%PDF-1.7 but then plain text".to_vec()).err(), Some(Refusal::Damaged("PDF")));
        assert_eq!(check("x.jpg", vec![0xFF, 0xD8, 0xFF, 0xE0, 0, 0]).err(), Some(Refusal::Damaged("JPEG")));
        assert_eq!(check("x.pdf", vec![b'%'; MAX_FILE_BYTES + 1]).err(), Some(Refusal::TooLarge));
    }

    #[test]
    fn names_lose_folders_and_get_the_real_extension() {
        assert_eq!(clean_name("C:\\Users\\an\\Tờ khai.PDF", "application/pdf"), "Tờ khai.pdf");
        assert_eq!(clean_name("../../etc/passwd", "image/jpeg"), "passwd.jpg");
        assert_eq!(clean_name("", "image/png"), "tep.png");
    }
}
