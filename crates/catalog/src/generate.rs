//! A generated catalogue of any size for benchmarks: the demo procedures first, then variants
//! of them in the shape real catalogues have (the same procedure for another case, another
//! group of people or another sector), with codes of the form `9.xxxxxx` that no real
//! procedure uses.
use crate::model::Procedure;

const CASES: [&str; 24] = [
    "đối với trường hợp có yếu tố nước ngoài",
    "cho người đang cư trú ở nước ngoài",
    "trong trường hợp bị mất, hỏng",
    "đối với tổ chức kinh tế",
    "đối với hộ gia đình, cá nhân",
    "cấp lại",
    "điều chỉnh nội dung",
    "gia hạn",
    "đối với doanh nghiệp nhỏ và vừa",
    "tại khu công nghiệp",
    "trên địa bàn miền núi",
    "đối với người có công với cách mạng",
    "cho đồng bào dân tộc thiểu số",
    "đối với hợp tác xã",
    "liên thông với cơ quan thuế",
    "theo hình thức trực tuyến",
    "đối với cơ sở giáo dục ngoài công lập",
    "đối với công trình tôn giáo",
    "trong khu kinh tế Dung Quất",
    "cho người lao động nước ngoài",
    "đối với tàu cá",
    "đối với trường hợp thay đổi chủ sở hữu",
    "cho học sinh, sinh viên",
    "đối với người cao tuổi",
];

/// `n` procedures: the given ones, then numbered variants of them.
pub fn catalogue(base: &[Procedure], n: usize) -> Vec<Procedure> {
    let mut out: Vec<Procedure> = base.iter().take(n).cloned().collect();
    let mut i = 0usize;
    while out.len() < n && !base.is_empty() {
        let b = &base[i % base.len()];
        let case = CASES[(i / base.len()) % CASES.len()];
        let round = i / (base.len() * CASES.len());
        let mut p = b.clone();
        p.code = format!("9.{:06}", i + 1);
        p.name = if round == 0 { format!("{} {case}", b.name) } else { format!("{} {case} (mẫu {})", b.name, round + 1) };
        p.aliases.clear();
        p.processing_days = b.processing_days + (i % 5) as f64;
        p.demo_fields = vec!["generated".into()];
        p.source = "generated for benchmarks".into();
        out.push(p);
        i += 1;
    }
    out
}
