//! Page flow: greedy line wrapping of mixed regular/bold runs, page breaks, and drawing the
//! lines as text operators on A4 pages.
use pdf_writer::{Content, Name, Str};

use super::font::{Font, Weight};

/// A4 in points.
pub(crate) const PAGE_WIDTH: f32 = 595.28;
pub(crate) const PAGE_HEIGHT: f32 = 841.89;
/// Margins close to those of Nghị định 30/2020 for administrative documents (left 30 mm,
/// right 15–20 mm, top and bottom 20–25 mm); the bottom one also holds the footer.
pub(crate) const LEFT: f32 = 85.0;
pub(crate) const RIGHT: f32 = 50.0;
const TOP: f32 = 60.0;
pub(crate) const BOTTOM: f32 = 80.0;
pub(crate) const LINE_SPACING: f32 = 1.4;

/// A piece of text in one weight.
#[derive(Debug, Clone)]
pub(crate) struct Run {
    pub weight: Weight,
    pub text: String,
}

impl Run {
    pub(crate) fn regular(text: impl Into<String>) -> Self {
        Run { weight: Weight::Regular, text: text.into() }
    }

    pub(crate) fn bold(text: impl Into<String>) -> Self {
        Run { weight: Weight::Bold, text: text.into() }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Align {
    Left,
    Center,
}

/// The two faces, borrowed by weight.
pub(crate) struct Fonts {
    pub regular: Font,
    pub bold: Font,
}

impl Fonts {
    pub(crate) fn get(&self, weight: Weight) -> &Font {
        match weight {
            Weight::Regular => &self.regular,
            Weight::Bold => &self.bold,
        }
    }

    fn get_mut(&mut self, weight: Weight) -> &mut Font {
        match weight {
            Weight::Regular => &mut self.regular,
            Weight::Bold => &mut self.bold,
        }
    }

    fn line_width(&self, line: &[Run], size: f32) -> f32 {
        line.iter().map(|r| self.get(r.weight).width(&r.text, size)).sum()
    }
}

/// The pages drawn so far and the baseline position on the last one.
pub(crate) struct Pages {
    pub fonts: Fonts,
    pub pages: Vec<Content>,
    /// Top of the free space on the current page.
    pub y: f32,
}

impl Pages {
    pub(crate) fn new(fonts: Fonts) -> Self {
        Pages { fonts, pages: vec![Content::new()], y: PAGE_HEIGHT - TOP }
    }

    pub(crate) fn text_width() -> f32 {
        PAGE_WIDTH - LEFT - RIGHT
    }

    pub(crate) fn current(&mut self) -> &mut Content {
        if self.pages.is_empty() {
            self.pages.push(Content::new());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    /// Starts a new page unless `height` still fits above the bottom margin.
    pub(crate) fn ensure(&mut self, height: f32) {
        if self.y - height < BOTTOM {
            self.pages.push(Content::new());
            self.y = PAGE_HEIGHT - TOP;
        }
    }

    pub(crate) fn gap(&mut self, height: f32) {
        self.y -= height;
    }

    /// Wraps `runs` into `width` starting at `x` and draws them, moving down.
    pub(crate) fn paragraph(&mut self, runs: &[Run], size: f32, x: f32, width: f32, align: Align) {
        let leading = size * LINE_SPACING;
        for line in wrap(&self.fonts, runs, size, width) {
            self.ensure(leading);
            self.y -= leading;
            let line_x = match align {
                Align::Left => x,
                Align::Center => x + (width - self.fonts.line_width(&line, size)).max(0.0) / 2.0,
            };
            let baseline = self.y + size * (LINE_SPACING - 1.0);
            self.draw_line(&line, size, line_x, baseline, None);
        }
    }

    /// Draws one line at a fixed position on page `page` (or the current one).
    pub(crate) fn draw_line(&mut self, line: &[Run], size: f32, x: f32, baseline: f32, page: Option<usize>) {
        let encoded: Vec<(&'static [u8], Vec<u8>)> = line
            .iter()
            .map(|run| {
                let font = self.fonts.get_mut(run.weight);
                (font.resource, font.encode(&run.text))
            })
            .collect();
        let content = match page.and_then(|i| self.pages.get_mut(i)) {
            Some(content) => content,
            None => self.current(),
        };
        content.begin_text();
        content.next_line(x, baseline);
        for (resource, codes) in &encoded {
            content.set_font(Name(resource), size);
            content.show(Str(codes));
        }
        content.end_text();
    }

    /// Width of a single unwrapped line.
    pub(crate) fn width_of(&self, line: &[Run], size: f32) -> f32 {
        self.fonts.line_width(line, size)
    }
}

/// A word with the weight it is set in and whether a space follows it.
struct Token {
    weight: Weight,
    text: String,
    space_after: bool,
}

fn tokens(runs: &[Run]) -> Vec<Token> {
    let mut out: Vec<Token> = Vec::new();
    for run in runs {
        let mut word = String::new();
        for c in run.text.chars() {
            if c.is_whitespace() {
                if !word.is_empty() {
                    out.push(Token { weight: run.weight, text: std::mem::take(&mut word), space_after: true });
                } else if let Some(last) = out.last_mut() {
                    last.space_after = true;
                }
            } else {
                word.push(c);
            }
        }
        if !word.is_empty() {
            out.push(Token { weight: run.weight, text: word, space_after: false });
        }
    }
    out
}

/// Greedy wrapping at spaces; a word wider than the line is broken between characters.
pub(crate) fn wrap(fonts: &Fonts, runs: &[Run], size: f32, width: f32) -> Vec<Vec<Run>> {
    let mut lines: Vec<Vec<Run>> = Vec::new();
    let mut line: Vec<Run> = Vec::new();
    let mut used = 0.0_f32;
    let mut pending_space: Option<Weight> = None;
    for token in tokens(runs) {
        let font = fonts.get(token.weight);
        let space = pending_space.map_or(0.0, |w| fonts.get(w).width(" ", size));
        let word_width = font.width(&token.text, size);
        if !line.is_empty() && used + space + word_width > width {
            lines.push(std::mem::take(&mut line));
            used = 0.0;
        } else if let Some(w) = pending_space.filter(|_| !line.is_empty()) {
            push(&mut line, w, " ");
            used += space;
        }
        if word_width <= width {
            push(&mut line, token.weight, &token.text);
            used += word_width;
        } else {
            for c in token.text.chars() {
                let cw = font.width(c.encode_utf8(&mut [0; 4]), size);
                if !line.is_empty() && used + cw > width {
                    lines.push(std::mem::take(&mut line));
                    used = 0.0;
                }
                push(&mut line, token.weight, c.encode_utf8(&mut [0; 4]));
                used += cw;
            }
        }
        pending_space = token.space_after.then_some(token.weight);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// Appends text to the line, merging with the last run when the weight is the same.
fn push(line: &mut Vec<Run>, weight: Weight, text: &str) {
    match line.last_mut() {
        Some(last) if last.weight == weight => last.text.push_str(text),
        _ => line.push(Run { weight, text: text.to_string() }),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn fonts() -> Fonts {
        Fonts { regular: Font::load(Weight::Regular).unwrap(), bold: Font::load(Weight::Bold).unwrap() }
    }

    fn text(line: &[Run]) -> String {
        line.iter().map(|r| r.text.as_str()).collect()
    }

    #[test]
    fn long_paragraphs_wrap_at_spaces_within_the_width() {
        let fonts = fonts();
        let para = "Ủy ban nhân dân đặc khu Lý Sơn chứng nhận việc đăng ký khai sinh cho người có tên dưới đây. ".repeat(4);
        let lines = wrap(&fonts, &[Run::regular(para.clone())], 11.0, 300.0);
        assert!(lines.len() > 4);
        for line in &lines {
            assert!(fonts.line_width(line, 11.0) <= 300.0 + 0.01);
        }
        let joined: Vec<String> = lines.iter().map(|l| text(l)).collect();
        assert_eq!(joined.join(" "), para.trim_end());
    }

    #[test]
    fn mixed_weights_keep_their_runs_and_the_space_between() {
        let lines = wrap(&fonts(), &[Run::regular("Họ và tên: "), Run::bold("Nguyễn Thị Hoà")], 11.0, 400.0);
        assert_eq!(lines.len(), 1);
        assert_eq!(text(&lines[0]), "Họ và tên: Nguyễn Thị Hoà");
        assert_eq!(lines[0].len(), 2);
    }

    #[test]
    fn an_overlong_word_is_broken() {
        let url = "https://dichvucong.quangngai.gov.vn/xac-minh/000.00.12.H48-260315-0007-ABCDEFGH";
        let lines = wrap(&fonts(), &[Run::regular(url)], 9.0, 120.0);
        assert!(lines.len() > 1);
        assert_eq!(lines.iter().map(|l| text(l)).collect::<String>(), url);
    }
}
