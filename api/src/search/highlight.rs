//! The best passage of each result, with the search's words marked.
//!
//! The passage is cut from the text the database returns for the page (which the response
//! needs anyway), so the index stores no text at all. Finding it means analysing the
//! whole story as the index did; stemming every word was most of that cost, so a word is
//! stemmed only when it begins with the first letter of one of the search's terms (a stem
//! keeps its word's first letter). Any other word cannot be one of the terms, stemmed or not.

use std::collections::{BTreeMap, BTreeSet};

use peoples_stories_shared::Story;
use tantivy::query::Query;
use tantivy::schema::Field;
use tantivy::snippet::SnippetGenerator;
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RawTokenizer, Stemmer, TextAnalyzer, Token,
    TokenStream, Tokenizer,
};
use tantivy::{Score, Searcher};

use super::document::searchable_body;
use super::tokenizer::{ScriptTokenizer, VecTokenStream};

const SNIPPET_CHARS: usize = 240;

/// Marks a search's words in a story's text.
pub struct Highlighter {
    body: SnippetGenerator,
    title: SnippetGenerator,
}

impl Highlighter {
    /// `body_query` and `title_query`: the search's terms on the catch-all field (which holds
    /// the body: the body has no field of its own) and on the title field.
    pub fn new(
        searcher: &Searcher,
        body_query: &dyn Query,
        title_query: &dyn Query,
        (all, title): (Field, Field),
    ) -> anyhow::Result<Highlighter> {
        Ok(Highlighter {
            body: generator(searcher, body_query, all)?,
            title: generator(searcher, title_query, title)?,
        })
    }

    /// The best passage of the story's searchable text (or of its title, when only the title
    /// matches), HTML-escaped, with the matches in `<mark>`.
    pub fn highlight(&self, story: &Story) -> String {
        let body = searchable_body(story);
        let mut snippet = self.body.snippet(&body);
        if snippet.highlighted().is_empty() {
            let title = self.title.snippet(&story.title);
            if !title.highlighted().is_empty() {
                snippet = title;
            }
        }
        snippet.set_snippet_prefix_postfix("<mark>", "</mark>");
        if snippet.is_empty() {
            // Nothing to mark (a query of exclusions): the start of the text, escaped.
            let start: String = body.chars().take(SNIPPET_CHARS).collect();
            html_escape(&start)
        } else {
            snippet.to_html()
        }
    }
}

/// A snippet generator for one field's terms, scored as tantivy's own (rarer terms weigh
/// more), analysing text with the selective stemmer.
fn generator(
    searcher: &Searcher,
    query: &dyn Query,
    field: Field,
) -> anyhow::Result<SnippetGenerator> {
    let mut terms = BTreeSet::new();
    query.query_terms(&mut |term, _| {
        if term.field() == field {
            terms.insert(term.clone());
        }
    });
    let mut scored: BTreeMap<String, Score> = BTreeMap::new();
    for term in terms {
        let Some(text) = term.value().as_str().map(str::to_string) else {
            continue;
        };
        let doc_freq = searcher.doc_freq(&term)?;
        if doc_freq > 0 {
            scored.insert(text, 1.0 / (1.0 + doc_freq as Score));
        }
    }
    let initials: Vec<char> = scored.keys().filter_map(|t| t.chars().next()).collect();
    let analyzer = TextAnalyzer::from(SelectiveStemmer::new(initials));
    Ok(SnippetGenerator::new(
        scored,
        analyzer,
        field,
        SNIPPET_CHARS,
    ))
}

/// The story analyzer's tokens, except that only words starting with one of `initials` are
/// stemmed (the others are left folded: they cannot equal a term either way).
#[derive(Clone)]
struct SelectiveStemmer {
    initials: Vec<char>,
    folded: TextAnalyzer,
    stem: TextAnalyzer,
}

impl SelectiveStemmer {
    fn new(initials: Vec<char>) -> SelectiveStemmer {
        SelectiveStemmer {
            initials,
            folded: TextAnalyzer::builder(ScriptTokenizer)
                .filter(LowerCaser)
                .filter(AsciiFoldingFilter)
                .build(),
            stem: TextAnalyzer::builder(RawTokenizer::default())
                .filter(Stemmer::new(Language::English))
                .build(),
        }
    }
}

impl Tokenizer for SelectiveStemmer {
    type TokenStream<'a> = VecTokenStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecTokenStream {
        let mut tokens: Vec<Token> = Vec::new();
        let mut stream = self.folded.token_stream(text);
        while stream.advance() {
            tokens.push(stream.token().clone());
        }
        for token in &mut tokens {
            let promising = token
                .text
                .chars()
                .next()
                .is_some_and(|c| self.initials.contains(&c));
            if promising {
                let mut stemmed = self.stem.token_stream(&token.text);
                let stem = stemmed.advance().then(|| stemmed.token().text.clone());
                drop(stemmed);
                if let Some(stem) = stem {
                    token.text = stem;
                }
            }
        }
        VecTokenStream::new(tokens)
    }
}

pub(super) fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn analyse(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
        let mut stream = analyzer.token_stream(text);
        let mut out = Vec::new();
        while stream.advance() {
            out.push(stream.token().text.clone());
        }
        out
    }

    #[test]
    fn promising_words_are_stemmed_as_the_index_stems_them() {
        let text = "Trafficked workers, Türk's rights: права человека, 人权观察 and dying skies";
        let full = analyse(&mut super::super::analyzer(), text);
        let initials: Vec<char> = full.iter().filter_map(|t| t.chars().next()).collect();
        let mut selective = TextAnalyzer::from(SelectiveStemmer::new(initials));
        assert_eq!(analyse(&mut selective, text), full);
        // With no promising initial, words are folded but not stemmed.
        let mut none = TextAnalyzer::from(SelectiveStemmer::new(vec!['q']));
        assert_eq!(analyse(&mut none, "Trafficked workers")[0], "trafficked");
    }
}
