//! Month-by-month trend lines drawn on the server as SVG (no JavaScript bundle).
use std::fmt::Write;

const W: f64 = 320.0;
const H: f64 = 120.0;
const PAD: f64 = 24.0;

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// A line of percentages (0–100) over months, with the target as a dashed line. Months
/// without a value leave a gap. The title and each point's <title> make it readable by
/// screen readers.
pub fn trend(title: &str, points: &[(String, Option<f64>)], target: Option<f64>) -> String {
    let n = points.len().max(2) as f64;
    let x = |i: usize| PAD + (W - 2.0 * PAD) * i as f64 / (n - 1.0);
    let y = |v: f64| H - PAD - (H - 2.0 * PAD) * v.clamp(0.0, 100.0) / 100.0;
    let mut s = String::new();
    let _ = write!(s, r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}" width="100%" role="img" aria-label="{}"><title>{}</title>"#, esc(title), esc(title));
    let _ = write!(s, r##"<line x1="{PAD}" y1="{}" x2="{}" y2="{}" stroke="#9ca3af"/>"##, H - PAD, W - PAD, H - PAD);
    for v in [0.0, 50.0, 100.0] {
        let _ = write!(s, r##"<text x="2" y="{:.1}" font-size="9" fill="#4b5563">{v}</text>"##, y(v) + 3.0);
    }
    if let Some(t) = target {
        let _ = write!(s, r##"<line x1="{PAD}" y1="{:.1}" x2="{}" y2="{:.1}" stroke="#b91c1c" stroke-dasharray="4 3"><title>Chỉ tiêu {t}%</title></line>"##, y(t), W - PAD, y(t));
    }
    let mut path = String::new();
    let mut pen_down = false;
    for (i, (_, v)) in points.iter().enumerate() {
        match v {
            Some(v) => {
                let _ = write!(path, "{}{:.1},{:.1} ", if pen_down { "L" } else { "M" }, x(i), y(*v));
                pen_down = true;
            }
            None => pen_down = false,
        }
    }
    if !path.is_empty() {
        let _ = write!(s, r##"<path d="{}" fill="none" stroke="#0b4f9c" stroke-width="2"/>"##, path.trim_end());
    }
    for (i, (m, v)) in points.iter().enumerate() {
        if let Some(v) = v {
            let _ = write!(s, r##"<circle cx="{:.1}" cy="{:.1}" r="3" fill="#0b4f9c"><title>{}: {:.1}%</title></circle>"##, x(i), y(*v), esc(m), v);
        }
        if i == 0 || i + 1 == points.len() {
            let _ = write!(s, r##"<text x="{:.1}" y="{}" font-size="9" text-anchor="middle" fill="#4b5563">{}</text>"##, x(i), H - 8.0, esc(m));
        }
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_trend_has_a_point_per_value_and_gaps_for_missing_months() {
        let pts = vec![("2026-01".to_owned(), Some(50.0)), ("2026-02".to_owned(), None), ("2026-03".to_owned(), Some(80.0))];
        let svg = trend("Hồ sơ <trực tuyến>", &pts, Some(60.0));
        assert_eq!(svg.matches("<circle").count(), 2);
        assert_eq!(svg.matches(" M").count() + svg.matches("\"M").count(), 2, "{svg}");
        assert!(svg.contains("Hồ sơ &lt;trực tuyến&gt;"));
        assert!(svg.contains("stroke-dasharray"));
    }
}
