//! Finding links in what readers write, however they are spelled: the guestbook holds an
//! entry with a link for a moderator.
//!
//! `shared::contribution::count_links` (which the app also runs, for the caps on the number
//! of links) sees only `http://`, `https://` and `www.`. Here the text is first normalised
//! (NFKC: full-width `ｈｔｔｐｓ：／／` and `ｃｈｅａｐ．ｃｏｍ` become ASCII), then a link is any
//! `scheme://`, any `www.`, or a bare domain (`cheap-pills.com/buy`, `pills.co.uk`,
//! `xn--80ak6aa92e.com`) whose last labels are a suffix of the public suffix list, so that
//! `e.g.`, `Mr.Smith` or `3.5` are not links. An ideographic full stop (`。`) between ASCII
//! letters or digits counts as a dot (`pills。com`); between words of Chinese or Japanese it
//! ends a sentence.
//!
//! The rule errs towards holding: a missing space after a full stop before a word that is
//! also a top-level domain (`there.Life`, `file.py`) holds the entry, which a moderator then
//! shows. A link never slips past it.

use unicode_normalization::UnicodeNormalization;

/// The longest label of a domain name, in bytes (RFC 1035).
const LABEL_MAX: usize = 63;

/// Whether the text holds a link in any of its spellings.
pub fn has_link(text: &str) -> bool {
    let text = normalise(text);
    has_scheme(&text) || has_www(&text) || has_domain(&text)
}

/// NFKC, lower case, and the ideographic full stop as a dot between ASCII letters or digits.
fn normalise(text: &str) -> String {
    let folded: Vec<char> = text.nfkc().flat_map(char::to_lowercase).collect();
    let ascii_word = |c: Option<&char>| c.is_some_and(char::is_ascii_alphanumeric);
    folded
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            let between_ascii =
                i > 0 && ascii_word(folded.get(i - 1)) && ascii_word(folded.get(i + 1));
            if c == '。' && between_ascii {
                '.'
            } else {
                c
            }
        })
        .collect()
}

/// `xxx://` for any scheme: a letter, then letters, digits, `+`, `-` or `.`.
fn has_scheme(text: &str) -> bool {
    let scheme_char = |c: &char| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.');
    text.match_indices("://").any(|(i, _)| {
        text[..i]
            .chars()
            .rev()
            .take_while(scheme_char)
            .any(|c| c.is_ascii_alphabetic())
    })
}

/// `www.` followed by a letter or digit, at the start of a word.
fn has_www(text: &str) -> bool {
    text.match_indices("www.").any(|(i, _)| {
        let starts_word = !text[..i]
            .chars()
            .next_back()
            .is_some_and(char::is_alphanumeric);
        let followed = text[i + 4..]
            .chars()
            .next()
            .is_some_and(char::is_alphanumeric);
        starts_word && followed
    })
}

/// A run of labels (letters, digits, `-`) joined by dots whose last labels are a public
/// suffix, with a label before it.
fn has_domain(text: &str) -> bool {
    text.split(|c: char| !(c.is_alphanumeric() || c == '-' || c == '.'))
        .map(|run| run.trim_matches(|c| c == '.' || c == '-'))
        .filter(|run| run.contains('.'))
        .any(is_domain)
}

fn is_domain(host: &str) -> bool {
    let labels_ok = host
        .split('.')
        .all(|l| !l.is_empty() && l.len() <= LABEL_MAX);
    if !labels_ok {
        return false;
    }
    psl::domain(host.as_bytes()).is_some_and(|d| d.suffix().is_known())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_links_in_every_spelling() {
        let links = [
            "see https://spam.example.com now",
            "HTTP://SHOUTING.ORG",
            "ftp://files.invalid/x",
            "hxxp://defanged.invalid",
            "git+ssh://host.invalid",
            "irc://chat",
            "visit www.something",
            "WWW.SOMETHING.INVALID",
            "cheap-pills.com/buy",
            "buy at buy-now.com!",
            "Buy-Now.COM",
            "pills.co.uk",
            "(pills.org)",
            "mail me: someone@pills.net",
            "visit pills.com.",
            "xn--80ak6aa92e.com",
            "пример.рф",
            "example.xn--p1ai",
            "sub.domain.shop/path?x=1",
            "ｈｔｔｐｓ://ｓｐａｍ",
            "ｈｔｔｐｓ：／／ｓｐａｍ",
            "ｗｗｗ．ｓｐａｍ",
            "ｃｈｅａｐ．ｃｏｍ",
            "cheap．com",
            "cheap。com",
            "cheap｡com",
            "cheap﹒com",
            "ⓒⓗⓔⓐⓟ.ⓒⓞⓜ",
        ];
        for text in links {
            assert!(has_link(text), "{text}");
        }
    }

    #[test]
    fn leaves_ordinary_text_alone() {
        let plain = [
            "Thank you for keeping these stories.",
            "e.g. 3.5 Mr.Smith",
            "i.e. the U.S. and the U.K. at 10.30 a.m.",
            "Version 1.2.3 of the report, p.12",
            "cheap-pills.example/buy",
            "a..com",
            "..com",
            "www.",
            "the www. prefix",
            "ratio 3:1 // comment",
            "://nothing",
            "人权观察发布报告。谢谢你们的工作。我爱你",
            "Спасибо. Рф",
            "",
        ];
        for text in plain {
            assert!(!has_link(text), "{text}");
        }
    }
}
