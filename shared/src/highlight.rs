//! Reading a search result's `highlight`: the passage the API sends HTML-escaped, with the
//! matches wrapped in `<mark>` and `</mark>`.
//!
//! Clients should not hand that string to an HTML parser. [`parse_highlight`] checks that
//! nothing but those two tags is present and turns the passage back into plain text pieces,
//! so a client can rebuild it with text nodes and `<mark>` elements of its own.

/// One piece of a highlighted passage: its text (unescaped) and whether it matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HighlightPart {
    pub text: String,
    pub marked: bool,
}

/// Splits a highlight into plain and marked pieces. `None` when the string holds any tag
/// other than `<mark>`/`</mark>`, nested or unbalanced marks, or an unknown entity: such a
/// passage is not what the API sends and is not shown.
pub fn parse_highlight(html: &str) -> Option<Vec<HighlightPart>> {
    let mut parts = Vec::new();
    let mut marked = false;
    let mut rest = html;
    while !rest.is_empty() {
        let next_tag = rest.find('<').unwrap_or(rest.len());
        if next_tag > 0 {
            let text = unescape(&rest[..next_tag])?;
            parts.push(HighlightPart { text, marked });
            rest = &rest[next_tag..];
            continue;
        }
        if let Some(after) = rest.strip_prefix("<mark>") {
            if marked {
                return None;
            }
            marked = true;
            rest = after;
        } else if let Some(after) = rest.strip_prefix("</mark>") {
            if !marked {
                return None;
            }
            marked = false;
            rest = after;
        } else {
            return None;
        }
    }
    if marked {
        return None;
    }
    Some(parts)
}

/// Undoes HTML escaping: the five named entities and numeric ones. `None` on a bare `>` or
/// an entity it does not know.
fn unescape(s: &str) -> Option<String> {
    if s.contains('>') {
        return None;
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let end = after.find(';')?;
        let entity = &after[..end];
        let c = match entity {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            _ => {
                let code = if let Some(hex) = entity
                    .strip_prefix("#x")
                    .or_else(|| entity.strip_prefix("#X"))
                {
                    u32::from_str_radix(hex, 16).ok()?
                } else {
                    entity.strip_prefix('#')?.parse::<u32>().ok()?
                };
                char::from_u32(code)?
            }
        };
        out.push(c);
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn part(text: &str, marked: bool) -> HighlightPart {
        HighlightPart {
            text: text.into(),
            marked,
        }
    }

    #[test]
    fn splits_marks_and_unescapes() {
        assert_eq!(
            parse_highlight(
                "forced to run <mark>scams</mark> &amp; &quot;fraud&quot; &#39;x&#x27;"
            ),
            Some(vec![
                part("forced to run ", false),
                part("scams", true),
                part(" & \"fraud\" 'x'", false),
            ])
        );
        assert_eq!(parse_highlight(""), Some(vec![]));
        assert_eq!(
            parse_highlight("a &lt;script&gt; b"),
            Some(vec![part("a <script> b", false)])
        );
    }

    #[test]
    fn refuses_anything_but_marks() {
        assert_eq!(parse_highlight("<script>alert(1)</script>"), None);
        assert_eq!(parse_highlight("<mark onclick=x>a</mark>"), None);
        assert_eq!(parse_highlight("<img src=x>"), None);
        assert_eq!(parse_highlight("<mark>a<mark>b</mark></mark>"), None);
        assert_eq!(parse_highlight("<mark>open"), None);
        assert_eq!(parse_highlight("close</mark>"), None);
        assert_eq!(parse_highlight("a > b"), None);
        assert_eq!(parse_highlight("&nbsp;"), None);
        assert_eq!(parse_highlight("a & b"), None);
    }
}
