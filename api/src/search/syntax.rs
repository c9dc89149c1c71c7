//! The keyword syntax people type, read by hand into a small tree of plain data.
//!
//! The syntax is the one the search box documents and no more: words (all must match),
//! `"exact phrases"`, `-excluded` words or `-"phrases"`, and `OR` between two terms. Everything
//! else is text: tantivy's own query language (`title:`, `[a TO z]`, `*`, `^2`, `~`, `+`,
//! parentheses, `AND`, `NOT`) is never interpreted, its characters are split away by the
//! tokenizer like any other punctuation, so `all:*` is the word "all". A query is bounded
//! (`MAX_QUERY_CHARS` characters, `MAX_QUERY_TERMS` words) so that no query can cost much.
//!
//! This module knows nothing of tantivy: `query.rs` analyses each word and phrase with the
//! field's tokenizer and builds the query from the tree.

use peoples_stories_shared::{MAX_QUERY_CHARS, MAX_QUERY_TERMS};

/// A word or a quoted phrase, as typed (a phrase's words joined by single spaces).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    Word(String),
    Phrase(String),
}

/// One clause of a query; a story matches when it matches every clause.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Clause {
    /// The item must match.
    Must(Item),
    /// At least one of two or more items joined by `OR` must match.
    AnyOf(Vec<Item>),
    /// The item must not match.
    Not(Item),
}

/// Why a query is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyntaxError {
    /// Over `MAX_QUERY_CHARS` characters.
    TooLong { chars: usize },
    /// Over `MAX_QUERY_TERMS` words, counting each word of a phrase.
    TooManyTerms { terms: usize },
    /// Nothing to search for: no letter or digit outside the syntax.
    NoWords,
}

impl std::fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SyntaxError::TooLong { chars } => write!(
                f,
                "the query is too long: at most {MAX_QUERY_CHARS} characters, this has {chars}"
            ),
            SyntaxError::TooManyTerms { terms } => write!(
                f,
                "the query has too many words: at most {MAX_QUERY_TERMS}, counting each word of \
                 a phrase, this has {terms}"
            ),
            SyntaxError::NoWords => write!(
                f,
                "the query has no words to search for: use words, \"a phrase\", -excluded or OR"
            ),
        }
    }
}

impl std::error::Error for SyntaxError {}

impl Item {
    /// How many words it holds.
    fn terms(&self) -> usize {
        match self {
            Item::Word(_) => 1,
            Item::Phrase(p) => p.split(' ').count(),
        }
    }
}

/// What the scanner sees: a word or phrase (excluded or not), or `OR`.
enum Token {
    Item { item: Item, excluded: bool },
    Or,
}

/// Whether text holds something the tokenizer makes a term of.
fn has_word(text: &str) -> bool {
    text.chars().any(char::is_alphanumeric)
}

/// Reads a query. Malformed syntax is read leniently (an unclosed quote runs to the end, a
/// lone `-` or an `OR` with nothing to join is dropped); only a query over the bounds or
/// without a single word is refused.
pub fn parse(q: &str) -> Result<Vec<Clause>, SyntaxError> {
    let chars = q.chars().count();
    if chars > MAX_QUERY_CHARS {
        return Err(SyntaxError::TooLong { chars });
    }
    let clauses = group(scan(q));
    let terms: usize = clauses
        .iter()
        .map(|c| match c {
            Clause::Must(i) | Clause::Not(i) => i.terms(),
            Clause::AnyOf(items) => items.iter().map(Item::terms).sum(),
        })
        .sum();
    if terms > MAX_QUERY_TERMS {
        return Err(SyntaxError::TooManyTerms { terms });
    }
    if clauses.is_empty() {
        return Err(SyntaxError::NoWords);
    }
    Ok(clauses)
}

/// Splits the query into words, phrases and `OR`s. A quote always begins or ends a phrase,
/// even inside a word; a `-` right before a word or an opening quote excludes it.
fn scan(q: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut word = String::new();
    let mut chars = q.chars();
    while let Some(c) = chars.next() {
        if c == '"' {
            // A word of just `-` before the quote excludes the phrase; any other word ends.
            let excluded = word == "-";
            if !excluded {
                push_word(&mut tokens, &word);
            }
            word.clear();
            let mut phrase = String::new();
            for c in chars.by_ref() {
                if c == '"' {
                    break;
                }
                phrase.push(c);
            }
            let words: Vec<&str> = phrase.split_whitespace().filter(|w| has_word(w)).collect();
            if !words.is_empty() {
                tokens.push(Token::Item {
                    item: Item::Phrase(words.join(" ")),
                    excluded,
                });
            }
        } else if c.is_whitespace() {
            push_word(&mut tokens, &word);
            word.clear();
        } else {
            word.push(c);
        }
    }
    push_word(&mut tokens, &word);
    tokens
}

fn push_word(tokens: &mut Vec<Token>, word: &str) {
    if word == "OR" {
        tokens.push(Token::Or);
        return;
    }
    let (text, excluded) = match word.strip_prefix('-') {
        Some(rest) => (rest, true),
        None => (word, false),
    };
    if has_word(text) {
        tokens.push(Token::Item {
            item: Item::Word(text.to_string()),
            excluded,
        });
    }
}

/// Joins the items on each side of an `OR`; `OR` binds tighter than the implicit AND, so
/// `a OR b c` is `(a OR b) c`. An `OR` beside an exclusion or at either end joins nothing.
fn group(tokens: Vec<Token>) -> Vec<Clause> {
    let mut clauses: Vec<Clause> = Vec::new();
    let mut or = false;
    for token in tokens {
        match token {
            Token::Or => {
                or = matches!(clauses.last(), Some(Clause::Must(_) | Clause::AnyOf(_)));
            }
            Token::Item {
                item,
                excluded: true,
            } => {
                or = false;
                clauses.push(Clause::Not(item));
            }
            Token::Item {
                item,
                excluded: false,
            } => {
                let last = if or { clauses.pop() } else { None };
                let clause = match last {
                    Some(Clause::Must(first)) => Clause::AnyOf(vec![first, item]),
                    Some(Clause::AnyOf(mut items)) => {
                        items.push(item);
                        Clause::AnyOf(items)
                    }
                    // `or` is set only after a positive clause; an exclusion stays as it was.
                    Some(not @ Clause::Not(_)) => {
                        clauses.push(not);
                        Clause::Must(item)
                    }
                    None => Clause::Must(item),
                };
                clauses.push(clause);
                or = false;
            }
        }
    }
    clauses
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(s: &str) -> Item {
        Item::Word(s.into())
    }
    fn p(s: &str) -> Item {
        Item::Phrase(s.into())
    }
    fn must(i: Item) -> Clause {
        Clause::Must(i)
    }
    fn not(i: Item) -> Clause {
        Clause::Not(i)
    }

    /// Every input and the tree it becomes.
    #[test]
    fn reads_the_documented_syntax_and_nothing_else() {
        let cases: Vec<(&str, Vec<Clause>)> = vec![
            ("scam", vec![must(w("scam"))]),
            (
                "  scam   compound ",
                vec![must(w("scam")), must(w("compound"))],
            ),
            (
                "\"rule of law\" -torture",
                vec![must(p("rule of law")), not(w("torture"))],
            ),
            ("\"rule   of\tlaw\"", vec![must(p("rule of law"))]),
            (
                "a OR b c",
                vec![Clause::AnyOf(vec![w("a"), w("b")]), must(w("c"))],
            ),
            (
                "a OR b OR \"c d\"",
                vec![Clause::AnyOf(vec![w("a"), w("b"), p("c d")])],
            ),
            ("a or b", vec![must(w("a")), must(w("or")), must(w("b"))]),
            ("OR a", vec![must(w("a"))]),
            ("a OR", vec![must(w("a"))]),
            ("a OR OR b", vec![Clause::AnyOf(vec![w("a"), w("b")])]),
            ("a OR -b", vec![must(w("a")), not(w("b"))]),
            ("-b OR a", vec![not(w("b")), must(w("a"))]),
            ("-scam", vec![not(w("scam"))]),
            (
                "-\"rule of law\" x",
                vec![not(p("rule of law")), must(w("x"))],
            ),
            ("--scam", vec![not(w("-scam"))]),
            ("e-mail", vec![must(w("e-mail"))]),
            ("- scam", vec![must(w("scam"))]),
            ("scam -", vec![must(w("scam"))]),
            // Unbalanced quotes run to the end.
            (
                "\"universal jurisdiction",
                vec![must(p("universal jurisdiction"))],
            ),
            (
                "a \"b c\" \"d",
                vec![must(w("a")), must(p("b c")), must(p("d"))],
            ),
            ("foo\"bar baz\"", vec![must(w("foo")), must(p("bar baz"))]),
            ("\"\" x", vec![must(w("x"))]),
            // Tantivy's syntax is text.
            ("all:*", vec![must(w("all:*"))]),
            ("title:foo^2", vec![must(w("title:foo^2"))]),
            (
                "[a TO z]",
                vec![must(w("[a")), must(w("TO")), must(w("z]"))],
            ),
            (
                "{a TO z}",
                vec![must(w("{a")), must(w("TO")), must(w("z}"))],
            ),
            ("scam*", vec![must(w("scam*"))]),
            ("scam~2", vec![must(w("scam~2"))]),
            ("+scam", vec![must(w("+scam"))]),
            ("(scam", vec![must(w("(scam"))]),
            (
                "a AND NOT b",
                vec![must(w("a")), must(w("AND")), must(w("NOT")), must(w("b"))],
            ),
            ("title:x^3~2", vec![must(w("title:x^3~2"))]),
            ("人权观察", vec![must(w("人权观察"))]),
        ];
        for (input, expected) in cases {
            assert_eq!(parse(input), Ok(expected), "{input:?}");
        }
    }

    #[test]
    fn refuses_queries_without_words_or_over_the_bounds() {
        for empty in [
            "", "   ", "-", "\"\"", "*", "(((", "!!!", "OR", "- OR -", "\" \"",
        ] {
            assert_eq!(parse(empty), Err(SyntaxError::NoWords), "{empty:?}");
        }
        let words = |n: usize| vec!["word"; n].join(" ");
        assert!(parse(&words(MAX_QUERY_TERMS)).is_ok());
        assert_eq!(
            parse(&words(MAX_QUERY_TERMS + 1)),
            Err(SyntaxError::TooManyTerms {
                terms: MAX_QUERY_TERMS + 1
            })
        );
        // A phrase's words count; OR and dropped punctuation do not.
        let phrase = format!("\"{}\" x", words(MAX_QUERY_TERMS));
        assert!(matches!(
            parse(&phrase),
            Err(SyntaxError::TooManyTerms { .. })
        ));
        let ors = vec!["a"; MAX_QUERY_TERMS].join(" OR * ");
        assert!(parse(&ors).is_ok(), "{ors}");
        let long = "a".repeat(MAX_QUERY_CHARS + 1);
        assert_eq!(
            parse(&long),
            Err(SyntaxError::TooLong {
                chars: MAX_QUERY_CHARS + 1
            })
        );
        // Characters, not bytes.
        assert!(parse(&"é".repeat(MAX_QUERY_CHARS)).is_ok());
        assert!(parse(&"é".repeat(MAX_QUERY_CHARS + 1)).is_err());
    }
}
