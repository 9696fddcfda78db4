//! A tour's narration markup: paragraphs (split by blank lines) of plain text with `**strong**`,
//! `*emphasis*` and `` `code` ``, parsed into plain data a driver renders as text nodes. Nothing else is
//! markup: angle brackets, entities and links stay the characters they are, so narration from a share link can
//! never become HTML. An unclosed marker is literal text.

/// How a run of text is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    Plain,
    Strong,
    Emphasis,
    Code,
}

/// A run of text in one style.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Span {
    pub style: Style,
    pub text: String,
}

/// The paragraphs of `text`, each a list of spans. Lines within a paragraph are joined by a space.
pub fn parse(text: &str) -> Vec<Vec<Span>> {
    let mut out = Vec::new();
    let mut para = String::new();
    for line in text.lines() {
        if line.trim().is_empty() {
            if !para.is_empty() {
                out.push(spans(&para));
                para.clear();
            }
            continue;
        }
        if !para.is_empty() {
            para.push(' ');
        }
        para.push_str(line.trim());
    }
    if !para.is_empty() {
        out.push(spans(&para));
    }
    out
}

/// The spans of one paragraph.
fn spans(s: &str) -> Vec<Span> {
    let mut out: Vec<Span> = Vec::new();
    let mut plain = String::new();
    let mut rest = s;
    while let Some(c) = rest.chars().next() {
        let marked = match c {
            '`' => closed(rest, "`", Style::Code),
            '*' if rest.starts_with("**") => closed(rest, "**", Style::Strong),
            '*' => closed(rest, "*", Style::Emphasis),
            _ => None,
        };
        match marked {
            Some((span, used)) => {
                if !plain.is_empty() {
                    out.push(Span {
                        style: Style::Plain,
                        text: std::mem::take(&mut plain),
                    });
                }
                out.push(span);
                rest = &rest[used..];
            }
            None => {
                // An unclosed `**` is two literal stars, not an opening `*` followed by one.
                let n = if rest.starts_with("**") { 2 } else { c.len_utf8() };
                plain.push_str(&rest[..n]);
                rest = &rest[n..];
            }
        }
    }
    if !plain.is_empty() {
        out.push(Span {
            style: Style::Plain,
            text: plain,
        });
    }
    out
}

/// A span opened by `mark` at the start of `s` and closed by the next `mark`, with the bytes it used; `None`
/// when it is not closed or is empty.
fn closed(s: &str, mark: &str, style: Style) -> Option<(Span, usize)> {
    let inner = &s[mark.len()..];
    let end = inner.find(mark)?;
    if end == 0 {
        return None;
    }
    Some((
        Span {
            style,
            text: inner[..end].to_owned(),
        },
        mark.len() * 2 + end,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn styles(text: &str) -> Vec<Vec<(Style, String)>> {
        parse(text)
            .into_iter()
            .map(|p| p.into_iter().map(|s| (s.style, s.text)).collect())
            .collect()
    }

    #[test]
    fn emphasis_strong_code_and_paragraphs() {
        use Style::*;
        let got = styles("One **server** does *everything*:\n`web` and db.\n\nThen it `fails`.");
        let want = vec![
            vec![
                (Plain, "One ".to_owned()),
                (Strong, "server".to_owned()),
                (Plain, " does ".to_owned()),
                (Emphasis, "everything".to_owned()),
                (Plain, ": ".to_owned()),
                (Code, "web".to_owned()),
                (Plain, " and db.".to_owned()),
            ],
            vec![
                (Plain, "Then it ".to_owned()),
                (Code, "fails".to_owned()),
                (Plain, ".".to_owned()),
            ],
        ];
        assert_eq!(got, want);
        assert!(parse("\n  \n").is_empty());
    }

    /// Markup-like or hostile text stays text: tags, entities and unclosed markers are characters.
    #[test]
    fn html_and_unclosed_markers_are_plain_text() {
        use Style::*;
        let hostile = "<script>alert(1)</script> &amp; <img src=x onerror=alert(1)> **open * `x";
        assert_eq!(styles(hostile), vec![vec![(Plain, hostile.to_owned())]]);
        assert_eq!(styles("a ** b"), vec![vec![(Plain, "a ** b".to_owned())]]);
        assert_eq!(
            styles("é*ü*ß"),
            vec![vec![
                (Plain, "é".to_owned()),
                (Emphasis, "ü".to_owned()),
                (Plain, "ß".to_owned())
            ]]
        );
    }
}
