//! Splitting story text into terms, for every script.
//!
//! Words are runs of letters and digits in any script (Latin, Cyrillic, Arabic, ...). Scripts
//! written without spaces between words (Chinese, Japanese, Thai, Lao, Khmer, Myanmar) have
//! no such boundaries, so their runs become overlapping character bigrams: a query in those
//! scripts is tokenised the same way and matches as a phrase of bigrams.

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

#[derive(Clone, Default)]
pub struct ScriptTokenizer;

pub struct VecTokenStream {
    tokens: Vec<Token>,
    index: usize,
}

impl VecTokenStream {
    pub fn new(tokens: Vec<Token>) -> VecTokenStream {
        VecTokenStream { tokens, index: 0 }
    }
}

impl TokenStream for VecTokenStream {
    fn advance(&mut self) -> bool {
        if self.index < self.tokens.len() {
            self.index += 1;
            true
        } else {
            false
        }
    }

    fn token(&self) -> &Token {
        &self.tokens[self.index - 1]
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.index - 1]
    }
}

/// Characters of scripts written without spaces between words.
fn unspaced(c: char) -> bool {
    matches!(c as u32,
        0x0E00..=0x0EFF      // Thai, Lao
        | 0x1000..=0x109F    // Myanmar
        | 0x1780..=0x17FF    // Khmer
        | 0x3040..=0x30FF    // Hiragana, Katakana
        | 0x3400..=0x4DBF    // CJK extension A
        | 0x4E00..=0x9FFF    // CJK unified ideographs
        | 0xF900..=0xFAFF    // CJK compatibility ideographs
        | 0x20000..=0x2FFFF) // CJK extensions
}

/// Letters, digits and combining marks (Thai and Arabic vowels are marks) belong to words.
fn word_char(c: char) -> bool {
    c.is_alphanumeric()
        || matches!(c as u32, 0x0300..=0x036F | 0x0610..=0x061A | 0x064B..=0x065F)
        || unspaced(c)
}

/// Calls `f` with the byte range of each of `text`'s tokens, in order: what the tokenizer
/// yields, without building the tokens (the highlighter needs the ranges of every word but
/// the text of only a few).
pub fn for_each_token(text: &str, mut f: impl FnMut(usize, usize)) {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let end_of = |i: usize| chars.get(i).map(|(o, _)| *o).unwrap_or(text.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i].1;
        if !word_char(c) {
            i += 1;
            continue;
        }
        let start = i;
        if unspaced(c) {
            while i < chars.len() && unspaced(chars[i].1) {
                i += 1;
            }
            if i - start == 1 {
                f(chars[start].0, end_of(i));
            } else {
                for (j, (offset, _)) in chars.iter().enumerate().take(i - 1).skip(start) {
                    f(*offset, end_of(j + 2));
                }
            }
        } else {
            while i < chars.len() && word_char(chars[i].1) && !unspaced(chars[i].1) {
                i += 1;
            }
            f(chars[start].0, end_of(i));
        }
    }
}

impl Tokenizer for ScriptTokenizer {
    type TokenStream<'a> = VecTokenStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecTokenStream {
        let mut tokens = Vec::new();
        for_each_token(text, |from, to| {
            tokens.push(Token {
                offset_from: from,
                offset_to: to,
                position: tokens.len(),
                text: text[from..to].to_string(),
                position_length: 1,
            })
        });
        VecTokenStream { tokens, index: 0 }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(text: &str) -> Vec<String> {
        let mut t = ScriptTokenizer;
        let mut s = t.token_stream(text);
        let mut out = Vec::new();
        while s.advance() {
            out.push(s.token().text.clone());
        }
        out
    }

    #[test]
    fn splits_words_and_bigrams_unspaced_scripts() {
        assert_eq!(
            terms("Volker Türk, UN-report"),
            ["Volker", "Türk", "UN", "report"]
        );
        assert_eq!(terms("права человека"), ["права", "человека"]);
        assert_eq!(terms("حقوق الإنسان"), ["حقوق", "الإنسان"]);
        assert_eq!(terms("人权观察"), ["人权", "权观", "观察"]);
        assert_eq!(terms("สิทธิ"), ["สิ", "ิท", "ทธ", "ธิ"]);
        assert_eq!(terms("a 人 b"), ["a", "人", "b"]);
    }
}
