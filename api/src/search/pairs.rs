//! Common-word pairs, so that phrases with common words stay fast (Lucene's "common grams").
//!
//! A phrase like `"rule of law"` is checked position by position in every story holding all
//! its words, and `of` is in nearly every story: at a million stories that is hundreds of
//! thousands of position lists read per query. So the index also holds, in the `pairs`
//! field, each pair of adjacent words of which at least one is common (`rule of`, `of law`),
//! at the position of its first word. A phrase whose every adjacent pair has a common word is
//! then a phrase of pairs (or one term, for two words), whose position lists are short; a
//! phrase with only some such pairs keeps its word-by-word check, narrowed by the pairs.

use std::collections::HashSet;
use std::sync::OnceLock;

use tantivy::query::{BooleanQuery, Occur, PhraseQuery, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::{TextAnalyzer, Token, TokenStream, Tokenizer};
use tantivy::Term;

use super::tokenizer::VecTokenStream;

/// English words frequent enough that a phrase's position check over them is slow.
const COMMON_WORDS: &[&str] = &[
    "a", "about", "after", "against", "all", "an", "and", "any", "are", "as", "at", "be", "been",
    "before", "between", "but", "by", "can", "could", "did", "do", "for", "from", "had", "has",
    "have", "he", "her", "his", "i", "if", "in", "into", "is", "it", "its", "more", "no", "not",
    "of", "on", "or", "our", "out", "over", "she", "so", "than", "that", "the", "their", "them",
    "there", "these", "they", "this", "those", "to", "under", "up", "was", "we", "were", "what",
    "when", "where", "which", "while", "who", "will", "with", "would", "you",
];

/// The common words as the story analyzer writes them (lower case, stemmed).
fn common() -> &'static HashSet<String> {
    static COMMON: OnceLock<HashSet<String>> = OnceLock::new();
    COMMON.get_or_init(|| {
        let mut analyzer = super::analyzer();
        let mut set = HashSet::new();
        for word in COMMON_WORDS {
            let mut stream = analyzer.token_stream(word);
            while stream.advance() {
                set.insert(stream.token().text.clone());
            }
        }
        set
    })
}

fn pair_text(first: &str, second: &str) -> String {
    format!("{first} {second}")
}

/// The story analyzer's words, then each adjacent pair with a common word, as one token.
#[derive(Clone)]
pub struct PairTokenizer {
    words: TextAnalyzer,
}

impl PairTokenizer {
    pub fn new(words: TextAnalyzer) -> PairTokenizer {
        PairTokenizer { words }
    }
}

impl Tokenizer for PairTokenizer {
    type TokenStream<'a> = VecTokenStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecTokenStream {
        let common = common();
        let mut words: Vec<Token> = Vec::new();
        let mut stream = self.words.token_stream(text);
        while stream.advance() {
            words.push(stream.token().clone());
        }
        let tokens = words
            .windows(2)
            .filter_map(|w| {
                let [a, b] = w else { return None };
                let adjacent = b.position == a.position + 1;
                (adjacent && (common.contains(&a.text) || common.contains(&b.text))).then(|| {
                    Token {
                        offset_from: a.offset_from,
                        offset_to: b.offset_to,
                        position: a.position,
                        text: pair_text(&a.text, &b.text),
                        position_length: 1,
                    }
                })
            })
            .collect();
        VecTokenStream::new(tokens)
    }
}

/// Rewrites the phrases of a parsed query on the catch-all field `all` to use `pairs` where
/// that is exact; every other part of the query is kept as it is. The parser gives a phrase's
/// words the analyzer's consecutive positions, so its terms in order are its words in order.
/// Not for a query with a slop (`"..."~2`): a phrase of pairs is exact, never sloppy.
pub fn rewrite(query: Box<dyn Query>, all: Field, pairs: Field) -> Box<dyn Query> {
    if let Some(phrase) = query.downcast_ref::<PhraseQuery>() {
        return rewrite_phrase(phrase, all, pairs).unwrap_or(query);
    }
    if let Some(boolean) = query.downcast_ref::<BooleanQuery>() {
        let clauses = boolean
            .clauses()
            .iter()
            .map(|(occur, q)| (*occur, rewrite(q.box_clone(), all, pairs)))
            .collect();
        return Box::new(BooleanQuery::new(clauses));
    }
    query
}

fn rewrite_phrase(phrase: &PhraseQuery, all: Field, pairs: Field) -> Option<Box<dyn Query>> {
    if phrase.field() != all {
        return None;
    }
    let common = common();
    let words: Vec<String> = phrase
        .phrase_terms()
        .iter()
        .map(|t| t.value().as_str().map(str::to_string))
        .collect::<Option<_>>()?;
    let pair_terms: Vec<Option<Term>> = words
        .windows(2)
        .map(|w| {
            let [a, b] = w else { return None };
            (common.contains(a) || common.contains(b))
                .then(|| Term::from_field_text(pairs, &pair_text(a, b)))
        })
        .collect();
    if pair_terms.iter().all(Option::is_none) {
        return None;
    }
    // Each run of consecutive pairs is exact on its own span of the phrase.
    let mut runs: Vec<Vec<(usize, Term)>> = Vec::new();
    let mut current: Vec<(usize, Term)> = Vec::new();
    for (i, term) in pair_terms.iter().enumerate() {
        match term {
            Some(t) => current.push((i, t.clone())),
            None if !current.is_empty() => runs.push(std::mem::take(&mut current)),
            None => {}
        }
    }
    if !current.is_empty() {
        runs.push(current);
    }
    let covered = pair_terms.iter().all(Option::is_some);
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = runs
        .into_iter()
        .map(|run| (Occur::Must, run_query(run)))
        .collect();
    if covered && clauses.len() == 1 {
        return clauses.pop().map(|(_, q)| q);
    }
    if !covered {
        clauses.push((Occur::Must, Box::new(phrase.clone())));
    }
    Some(Box::new(BooleanQuery::new(clauses)))
}

fn run_query(mut run: Vec<(usize, Term)>) -> Box<dyn Query> {
    if run.len() == 1 {
        if let Some((_, term)) = run.pop() {
            return Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs));
        }
    }
    let first = run.first().map(|(i, _)| *i).unwrap_or(0);
    Box::new(PhraseQuery::new_with_offset(
        run.into_iter().map(|(i, t)| (i - first, t)).collect(),
    ))
}
