//! Which outbox events the applicant is told about, and what they are told, in Vietnamese.
//!
//! Told: the desk received the dossier (with the appointment), the dossier was returned for
//! completion or needs a supplement (with what is missing), processing was paused (with why),
//! the result is ready (with the fee still to pay, if any), the dossier was refused (with the
//! reason the law requires), the apology for a late result (with the new appointment), and
//! a fee payment that went through.
//!
//! Not told: the applicant's own acts (submit, resubmit, complete a supplement, withdraw),
//! which they see on screen as they do them; internal steps (assign, record a step, transfer,
//! submit for approval, return to processing, resume); handing over the result (the "result
//! ready" message came before); and the overdue flag, which is for the agency: the applicant
//! hears of lateness through the apology letter the agency must then send.
use chrono::{DateTime, Utc};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Received,
    ReturnedForCompletion,
    SupplementRequested,
    Paused,
    ResultReady,
    Refused,
    Apology,
    PaymentReceived,
}

/// The kind of message an event calls for, if any.
pub fn kind_of(action: &str, note: &str) -> Option<Kind> {
    match action {
        "receive" => Some(Kind::Received),
        "return_for_completion" => Some(Kind::ReturnedForCompletion),
        "request_supplement" => Some(Kind::SupplementRequested),
        "pause" => Some(Kind::Paused),
        "approve" => Some(Kind::ResultReady),
        "refuse" => Some(Kind::Refused),
        "apologize" => Some(Kind::Apology),
        // The payment event's note is the outcome's label; only a success is news worth a
        // message (a cancelled attempt happened in front of the payer).
        "payment" if note == tinhso_payment::PaymentStatus::Paid.label() => Some(Kind::PaymentReceived),
        _ => None,
    }
}

/// What a message may say: the dossier's code and procedure, the appointment, the officer's
/// written note, the fee. Not the applicant's name or anything else from the form.
#[derive(Debug, Clone)]
pub struct Context<'a> {
    pub code: &'a str,
    pub procedure: &'a str,
    pub due_at: Option<DateTime<Utc>>,
    pub note: &'a str,
    pub fee_vnd: i64,
    pub payment_status: &'a str,
    /// The dossier's page on the portal.
    pub link: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub subject: String,
    pub body: String,
    pub sms: String,
}

/// Longest SMS text: five Unicode segments, enough for a reason and cheap enough to send.
const SMS_CHARS: usize = 335;

fn when(at: Option<DateTime<Utc>>) -> String {
    at.map(|t| t.with_timezone(&tinhso_core::calendar::vietnam()).format("%H:%M ngày %d/%m/%Y").to_string())
        .unwrap_or_else(|| "sẽ được thông báo sau".to_owned())
}

fn short(text: &str, max: usize) -> String {
    let text = text.trim().trim_end_matches('.');
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let cut: String = text.chars().take(max.saturating_sub(1)).collect();
    format!("{}…", cut.trim_end())
}

/// The parts every message is built from.
struct Parts {
    subject: String,
    what: String,
    detail: Option<String>,
    next: String,
    sms: String,
}

fn parts(kind: Kind, c: &Context) -> Parts {
    let (code, due, p) = (c.code, when(c.due_at), short(c.procedure, 60));
    let fee_due = c.fee_vnd > 0 && c.payment_status != "paid";
    let fee = tinhso_payment::format_vnd(c.fee_vnd);
    let reason = short(c.note, 120);
    match kind {
        Kind::Received => Parts {
            subject: format!("Hồ sơ {code} đã được tiếp nhận"),
            what: "Hồ sơ của Ông/Bà đã được tiếp nhận và đang được giải quyết.".into(),
            detail: Some(format!("Ngày hẹn trả kết quả: {due}.")),
            next: "Ông/Bà không cần làm gì thêm. Chúng tôi sẽ báo khi hồ sơ có kết quả hoặc cần bổ sung.".into(),
            sms: format!("Hồ sơ {code} ({p}) đã được tiếp nhận. Hẹn trả kết quả: {due}."),
        },
        Kind::ReturnedForCompletion => Parts {
            subject: format!("Hồ sơ {code} cần hoàn thiện trước khi tiếp nhận"),
            what: "Hồ sơ của Ông/Bà chưa đủ điều kiện tiếp nhận và được trả lại để hoàn thiện.".into(),
            detail: Some(format!("Nội dung cần hoàn thiện: {}", c.note)),
            next: "Vui lòng hoàn thiện theo hướng dẫn trên và nộp lại hồ sơ trên Cổng Dịch vụ công.".into(),
            sms: format!("Hồ sơ {code} cần hoàn thiện: {reason}. Vui lòng sửa và nộp lại trên Cổng Dịch vụ công."),
        },
        Kind::SupplementRequested => Parts {
            subject: format!("Hồ sơ {code} cần bổ sung giấy tờ"),
            what: "Cơ quan giải quyết đề nghị Ông/Bà bổ sung hồ sơ.".into(),
            detail: Some(format!("Nội dung cần bổ sung: {}", c.note)),
            next: "Vui lòng bổ sung trên Cổng Dịch vụ công hoặc tại bộ phận một cửa. Thời hạn giải quyết tạm dừng cho đến khi hồ sơ được bổ sung đầy đủ.".into(),
            sms: format!("Hồ sơ {code} cần bổ sung: {reason}. Vui lòng bổ sung trên Cổng Dịch vụ công."),
        },
        Kind::Paused => Parts {
            subject: format!("Hồ sơ {code} tạm dừng giải quyết"),
            what: "Việc giải quyết hồ sơ của Ông/Bà tạm dừng.".into(),
            detail: Some(format!("Lý do: {}", c.note)),
            next: "Ông/Bà không cần làm gì thêm. Chúng tôi sẽ báo khi hồ sơ được giải quyết tiếp.".into(),
            sms: format!("Hồ sơ {code} tạm dừng giải quyết. Lý do: {reason}."),
        },
        Kind::ResultReady => Parts {
            subject: format!("Hồ sơ {code} đã có kết quả"),
            what: "Hồ sơ của Ông/Bà đã được giải quyết và có kết quả.".into(),
            detail: fee_due.then(|| format!("Phí, lệ phí cần nộp: {fee}.")),
            next: if fee_due {
                "Vui lòng nộp phí, lệ phí trực tuyến trên Cổng Dịch vụ công, sau đó nhận kết quả tại bộ phận một cửa hoặc trên Cổng.".into()
            } else {
                "Mời Ông/Bà nhận kết quả tại bộ phận một cửa hoặc trên Cổng Dịch vụ công, và đánh giá mức độ hài lòng.".into()
            },
            sms: if fee_due {
                format!("Hồ sơ {code} ({p}) đã có kết quả. Vui lòng nộp {fee} trên Cổng Dịch vụ công trước khi nhận.")
            } else {
                format!("Hồ sơ {code} ({p}) đã có kết quả. Mời Ông/Bà nhận kết quả.")
            },
        },
        Kind::Refused => Parts {
            subject: format!("Hồ sơ {code} không được giải quyết"),
            what: "Cơ quan có thẩm quyền từ chối giải quyết hồ sơ của Ông/Bà.".into(),
            detail: Some(format!("Lý do: {}", c.note)),
            next: "Nếu chưa đồng ý, Ông/Bà có thể liên hệ bộ phận một cửa để được hướng dẫn hoặc khiếu nại theo quy định.".into(),
            sms: format!("Hồ sơ {code} không được giải quyết. Lý do: {reason}."),
        },
        Kind::Apology => Parts {
            subject: format!("Thư xin lỗi: hồ sơ {code} chậm trả kết quả"),
            what: "Chúng tôi thành thật xin lỗi vì hồ sơ của Ông/Bà chưa được giải quyết đúng hẹn.".into(),
            detail: Some(c.note.to_owned()),
            next: format!("Mong Ông/Bà thông cảm. Kết quả sẽ được trả theo ngày hẹn mới: {due}."),
            sms: format!("Xin lỗi Ông/Bà: hồ sơ {code} chậm trả kết quả. Hẹn trả kết quả mới: {due}."),
        },
        Kind::PaymentReceived => Parts {
            subject: format!("Đã nhận phí, lệ phí của hồ sơ {code}"),
            what: format!("Cơ quan giải quyết đã nhận khoản thanh toán {fee} cho hồ sơ."),
            detail: None,
            next: "Ông/Bà không cần làm gì thêm.".into(),
            sms: format!("Đã nhận thanh toán {fee} cho hồ sơ {code}. Xin cảm ơn."),
        },
    }
}

/// The e-mail and the SMS for an event of `kind`.
pub fn compose(kind: Kind, c: &Context) -> Notice {
    let p = parts(kind, c);
    let mut body = format!("Kính gửi Ông/Bà,\n\n{}\n", p.what);
    if let Some(detail) = p.detail.filter(|d| !d.trim().is_empty()) {
        body.push_str(&detail);
        body.push('\n');
    }
    body.push_str(&format!("\nViệc cần làm tiếp theo: {}\n\nMã hồ sơ: {}\nThủ tục: {}\nTheo dõi hồ sơ: {}\n", p.next, c.code, c.procedure, c.link));
    body.push_str("\nThư này được gửi tự động từ Cổng Dịch vụ công của tỉnh, vui lòng không trả lời.\n");
    Notice { subject: p.subject, body, sms: short(&p.sms, SMS_CHARS) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(note: &str) -> Context<'_> {
        Context {
            code: "000.00.04.H55-260315-0001",
            procedure: "Cấp Phiếu lý lịch tư pháp",
            due_at: DateTime::parse_from_rfc3339("2026-03-20T09:00:00Z").ok().map(|t| t.with_timezone(&Utc)),
            note,
            fee_vnd: 0,
            payment_status: "none",
            link: "https://dichvucong.example/ho-so/1".into(),
        }
    }

    #[test]
    fn only_changes_that_matter_to_the_applicant_are_told() {
        for a in ["receive", "return_for_completion", "request_supplement", "pause", "approve", "refuse", "apologize"] {
            assert!(kind_of(a, "").is_some(), "{a}");
        }
        for a in ["submit", "resubmit", "assign", "record_step", "transfer", "complete_supplement", "withdraw", "return_result", "overdue", "resume"] {
            assert_eq!(kind_of(a, ""), None, "{a}");
        }
        assert_eq!(kind_of("payment", "Đã thanh toán"), Some(Kind::PaymentReceived));
        assert_eq!(kind_of("payment", "Thanh toán không thành công"), None);
    }

    #[test]
    fn a_receipt_gives_the_appointment_in_vietnam_time() {
        let n = compose(Kind::Received, &ctx(""));
        assert_eq!(n.subject, "Hồ sơ 000.00.04.H55-260315-0001 đã được tiếp nhận");
        assert!(n.sms.contains("16:00 ngày 20/03/2026"), "{}", n.sms);
        assert!(n.body.contains("Cấp Phiếu lý lịch tư pháp") && n.body.contains("/ho-so/1"), "{}", n.body);
    }

    #[test]
    fn a_supplement_says_what_is_missing_and_the_sms_stays_short() {
        let long = "Bổ sung bản sao Căn cước công dân. ".repeat(30);
        let n = compose(Kind::SupplementRequested, &ctx(&long));
        assert!(n.body.contains(long.trim()), "the e-mail carries the whole note");
        assert!(n.sms.chars().count() <= SMS_CHARS);
        assert!(n.sms.starts_with("Hồ sơ 000.00.04.H55-260315-0001 cần bổ sung: Bổ sung bản sao"), "{}", n.sms);
    }

    #[test]
    fn a_result_with_a_fee_due_asks_for_payment() {
        let mut c = ctx("");
        c.fee_vnd = 200_000;
        c.payment_status = "pending";
        assert!(compose(Kind::ResultReady, &c).sms.contains("200.000 đ"));
        c.payment_status = "paid";
        assert!(!compose(Kind::ResultReady, &c).sms.contains("200.000 đ"));
    }
}
