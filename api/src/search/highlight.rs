//! The best passage of each result, with the search's words marked.
//!
//! The passage is cut from the text the database returns for the page (which the response
//! needs anyway), so the index stores no text at all. The passage is the one tantivy's
//! snippet generator picks (the window of at most `SNIPPET_CHARS` bytes, cut at the
//! tokenizer's words, whose matched terms weigh most, rarer terms weighing more; the first
//! such window on a tie), found without building every word: a word is analysed (folded and
//! stemmed as the index does) only when it begins with the first letter of one of the
//! search's terms, since a stem keeps its word's first letter; any other word only moves the
//! window. A unit test checks the passages against tantivy's generator.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use peoples_stories_shared::Story;
use tantivy::query::Query;
use tantivy::schema::Field;
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RawTokenizer, Stemmer, TextAnalyzer,
};
use tantivy::{Score, Searcher};

use super::document::searchable_body;
use super::tokenizer::for_each_token;

const SNIPPET_CHARS: usize = 240;

/// Marks a search's words in a story's text.
pub struct Highlighter {
    body: Terms,
    title: Terms,
}

/// One field's search terms, as the index analysed them, with their weights.
struct Terms {
    scored: BTreeMap<String, Score>,
    /// The terms' first letters (ASCII only: a word starting with any other letter is
    /// always analysed).
    initials: Vec<u8>,
}

/// A window of the text: its byte range, weight and matched words.
struct Passage {
    range: Range<usize>,
    score: Score,
    marks: Vec<Range<usize>>,
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
            body: Terms::of(searcher, body_query, all)?,
            title: Terms::of(searcher, title_query, title)?,
        })
    }

    /// The best passage of the story's searchable text (or of its title, when only the title
    /// matches), HTML-escaped, with the matches in `<mark>`.
    pub fn highlight(&self, story: &Story) -> String {
        let body = searchable_body(story);
        let mut analyzer = word_analyzer();
        if let Some(p) = self.body.best_passage(&mut analyzer, &body) {
            return p.to_html(&body);
        }
        if let Some(p) = self.title.best_passage(&mut analyzer, &story.title) {
            return p.to_html(&story.title);
        }
        // Nothing to mark (a query of exclusions): the start of the text, escaped.
        let start: String = body.chars().take(SNIPPET_CHARS).collect();
        html_escape(&start)
    }
}

/// One word, folded and stemmed as the index's analyzer does after splitting.
fn word_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(RawTokenizer::default())
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(Stemmer::new(Language::English))
        .build()
}

impl Terms {
    /// The query's terms on `field`, each weighing as in tantivy's snippet generator:
    /// `1 / (1 + document frequency)`.
    fn of(searcher: &Searcher, query: &dyn Query, field: Field) -> anyhow::Result<Terms> {
        let mut terms = BTreeSet::new();
        query.query_terms(&mut |term, _| {
            if term.field() == field {
                terms.insert(term.clone());
            }
        });
        let mut scored = BTreeMap::new();
        for term in terms {
            let Some(text) = term.value().as_str().map(str::to_string) else {
                continue;
            };
            let doc_freq = searcher.doc_freq(&term)?;
            if doc_freq > 0 {
                scored.insert(text, 1.0 / (1.0 + doc_freq as Score));
            }
        }
        let initials = scored.keys().filter_map(|t| t.bytes().next()).collect();
        Ok(Terms { scored, initials })
    }

    /// The weight of the word `text[from..to]` if it is one of the terms.
    fn weight(&self, analyzer: &mut TextAnalyzer, word: &str) -> Option<Score> {
        let first = *word.as_bytes().first()?;
        if first.is_ascii() && !self.initials.contains(&first.to_ascii_lowercase()) {
            return None;
        }
        let mut stream = analyzer.token_stream(word);
        if !stream.advance() {
            return None;
        }
        self.scored.get(&stream.token().text).copied()
    }

    /// The window that tantivy's `SnippetGenerator::snippet` picks, or `None` when no term
    /// is in the text.
    fn best_passage(&self, analyzer: &mut TextAnalyzer, text: &str) -> Option<Passage> {
        if self.scored.is_empty() {
            return None;
        }
        let mut best: Option<Passage> = None;
        // The first of the heaviest windows wins.
        let keep = |p: Passage, best: &mut Option<Passage>| {
            if p.score > 0.0 && best.as_ref().is_none_or(|b| p.score > b.score) {
                *best = Some(p);
            }
        };
        let mut current = Passage::starting_at(0);
        for_each_token(text, |from, to| {
            if to - current.range.start > SNIPPET_CHARS {
                let full = std::mem::replace(&mut current, Passage::starting_at(from));
                keep(full, &mut best);
            }
            current.range.end = to;
            if let Some(w) = self.weight(analyzer, &text[from..to]) {
                current.score += w;
                current.marks.push(from..to);
            }
        });
        keep(current, &mut best);
        best
    }
}

impl Passage {
    fn starting_at(start: usize) -> Passage {
        Passage {
            range: start..start,
            score: 0.0,
            marks: Vec::new(),
        }
    }

    /// The passage of `text`, escaped, with its marks (overlapping or touching ones merged)
    /// in `<mark>`.
    fn to_html(&self, text: &str) -> String {
        let mut marks = self.marks.clone();
        marks.sort_by_key(|r| (r.start, r.end));
        let mut merged: Vec<Range<usize>> = Vec::with_capacity(marks.len());
        for m in marks {
            match merged.last_mut() {
                Some(last) if m.start <= last.end => last.end = last.end.max(m.end),
                _ => merged.push(m),
            }
        }
        let mut html = String::with_capacity(self.range.len() + 13 * merged.len());
        let mut at = self.range.start;
        for m in merged {
            html.push_str(&html_escape(&text[at..m.start]));
            html.push_str("<mark>");
            html.push_str(&html_escape(&text[m.clone()]));
            html.push_str("</mark>");
            at = m.end;
        }
        html.push_str(&html_escape(&text[at..self.range.end]));
        html
    }
}

fn html_escape(s: &str) -> String {
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
    use tantivy::schema::{IndexRecordOption, Schema, TextFieldIndexing, TextOptions};
    use tantivy::snippet::SnippetGenerator;
    use tantivy::{doc, Index, Term};

    use super::*;

    /// The passages and marks are those of tantivy's generator with the index's analyzer,
    /// for every term, on text in several scripts, with windows cut at many places.
    #[test]
    fn passages_are_those_of_tantivys_snippet_generator() {
        let mut schema = Schema::builder();
        let indexing = TextFieldIndexing::default()
            .set_tokenizer("story")
            .set_index_option(IndexRecordOption::WithFreqsAndPositions);
        let field =
            schema.add_text_field("all", TextOptions::default().set_indexing_options(indexing));
        let index = Index::create_in_ram(schema.build());
        index
            .tokenizers()
            .register("story", super::super::analyzer());
        let texts = [
            "Trafficked workers said the trafficking of workers went on. Türk's office & <b>rights</b> groups: \"rights\" matter; RIGHTS, righteous.",
            "права человека, 人权观察 and dying skies; the sky is dying, Dying rights.",
            "A scam compound in Cambodia held workers; scams and scammers. Universal jurisdiction was invoked under universal jurisdiction laws.",
        ];
        let mut writer: tantivy::IndexWriter = index
            .writer_with_num_threads(1, 15_000_000)
            .expect("writer");
        for t in texts {
            writer.add_document(doc!(field => t)).expect("add");
        }
        writer.commit().expect("commit");
        let searcher = index.reader().expect("reader").searcher();
        let long: String = texts
            .iter()
            .map(|t| t.repeat(7))
            .collect::<Vec<_>>()
            .join(" ");
        let mut all_terms: Vec<String> = Vec::new();
        let mut marked = 0;
        for t in texts {
            let mut analyzer = super::super::analyzer();
            let mut stream = analyzer.token_stream(t);
            while stream.advance() {
                all_terms.push(stream.token().text.clone());
            }
        }
        for words in [1, 2, 3] {
            for chunk in all_terms.chunks(words) {
                let mut terms = BTreeMap::new();
                for (i, t) in chunk.iter().enumerate() {
                    let doc_freq = searcher
                        .doc_freq(&Term::from_field_text(field, t))
                        .expect("df");
                    terms.insert(t.clone(), 1.0 / (1.0 + doc_freq as Score + i as Score));
                }
                let ours = Terms {
                    initials: terms.keys().filter_map(|t| t.bytes().next()).collect(),
                    scored: terms.clone(),
                };
                let theirs =
                    SnippetGenerator::new(terms, super::super::analyzer(), field, SNIPPET_CHARS);
                for text in texts.iter().copied().chain([long.as_str()]) {
                    let expected = theirs.snippet(text);
                    let found = ours.best_passage(&mut word_analyzer(), text);
                    match found {
                        None => assert!(expected.is_empty(), "{chunk:?} in {text}"),
                        Some(p) => {
                            assert_eq!(p.range, expected.fragment_range(), "{chunk:?}");
                            let start = p.range.start;
                            let relative: Vec<Range<usize>> = p
                                .marks
                                .iter()
                                .map(|m| m.start - start..m.end - start)
                                .collect();
                            assert_eq!(relative, expected.highlighted(), "{chunk:?}");
                            marked += 1;
                        }
                    }
                }
            }
        }
        assert!(marked > 100, "only {marked} passages compared");
    }

    #[test]
    fn marks_are_merged_and_everything_else_escaped() {
        let p = Passage {
            range: 0..20,
            score: 1.0,
            marks: vec![3..5, 0..2, 2..3, 10..14],
        };
        assert_eq!(
            p.to_html("a<b&'\"cd <script> ok"),
            "<mark>a&lt;b&amp;&#39;</mark>&quot;cd &lt;<mark>scri</mark>pt&gt; ok"
        );
    }
}
