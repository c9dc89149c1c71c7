//! Keyword search with filters, sorting, highlights and facet counts.

use std::collections::{BTreeMap, HashMap};

use tantivy::collector::sort_key::SortByStaticFastValue;
use tantivy::collector::{Collector, Count, TopDocs};
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, EmptyQuery, Occur, PhraseQuery, Query, RangeQuery,
    TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::{TextAnalyzer, TokenStream};
use tantivy::{DocAddress, DocId, Order, Score, Searcher, SegmentReader, Term};

use super::facets::{Facet, FacetCollector, FacetCounts};
use super::highlight::Highlighter;
use super::pairs;
use super::syntax::{self, Clause, Item};
use super::topk::SharedFloor;
use super::SearchIndex;

/// How much a match in the title weighs against the same match in the rest of the story.
const TITLE_BOOST: f32 = 2.0;

/// How deep (`offset + limit`) a relevance page may reach and still be found by block-max
/// WAND over a heap; deeper pages score every match once into a buffered top-k. Measured on
/// a word in every story of a million (CPU a request): at offset 2,000 the heap takes 12.5 ms
/// and the buffer 15.4 ms; at offset 10,000 the heap 29.6 ms and the buffer 26.9 ms.
const PRUNED_DEPTH: usize = 5_000;

/// A keyword query read two ways: which stories match, and how to rank them.
struct TextQuery {
    matching: Box<dyn Query>,
    ranking: Box<dyn Query>,
    /// Whether the ranking is a union of term queries, which tantivy can prune.
    prunable: bool,
}

/// The order of search results.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchSort {
    Relevance,
    Newest,
    Oldest,
}

/// A search: keywords and/or filters, a page, and the facets to count.
#[derive(Debug, Clone)]
pub struct SearchRequest {
    pub q: Option<String>,
    pub country_codes: Vec<String>,
    pub themes: Vec<String>,
    pub source_ids: Vec<i64>,
    pub from_key: Option<i32>,
    pub to_key: Option<i32>,
    pub sort: SearchSort,
    pub limit: usize,
    pub offset: usize,
    /// Among `country`, `theme`, `source`, `year`.
    pub facets: Vec<String>,
}

pub struct SearchResult {
    /// The page's story ids, in order.
    pub ids: Vec<i64>,
    pub total: u64,
    /// Facet name → (value, count), most frequent first.
    pub facets: BTreeMap<String, Vec<(String, u64)>>,
    /// With keywords: finds each story's best passage.
    pub highlighter: Option<Highlighter>,
}

impl SearchIndex {
    /// Reads people's query syntax (`syntax.rs`): all words must match, `"exact phrase"`,
    /// `-excluded`, `OR`; tantivy's own query language is never read, its characters are text.
    /// A query of exclusions alone matches everything but them. The query must have passed
    /// `syntax::parse` (the reading layer refuses the rest with a 400 naming `q`).
    ///
    /// Matching runs on the catch-all field; ranking adds a match of the same query in the
    /// title, so title matches rank first. The title is part of the catch-all field, so the
    /// title clause never adds a match. A single word ranks as a union of two term queries,
    /// which tantivy prunes with block-max WAND instead of scoring every match.
    fn text_query(&self, q: &str) -> anyhow::Result<TextQuery> {
        let f = &self.fields;
        let clauses = syntax::parse(q)?;
        if clauses.iter().all(|c| matches!(c, Clause::Not(_))) {
            let mut analyzer = self.index.tokenizer_for_field(f.all)?;
            let mut parts: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, Box::new(AllQuery))];
            for clause in &clauses {
                if let Clause::Not(item) = clause {
                    if let Some(q) = item_query(&mut analyzer, f.all, item) {
                        parts.push((Occur::MustNot, q));
                    }
                }
            }
            let matching = pairs::rewrite(Box::new(BooleanQuery::new(parts)), f.all, f.pairs);
            return Ok(TextQuery {
                ranking: matching.box_clone(),
                matching,
                prunable: false,
            });
        }
        let matching = pairs::rewrite(self.clauses_query(f.all, &clauses)?, f.all, f.pairs);
        let in_title = self.clauses_query(f.title, &clauses)?;
        let title = Box::new(BoostQuery::new(in_title, TITLE_BOOST));
        let one_term = matching.is::<TermQuery>();
        let ranking = BooleanQuery::new(vec![
            (
                if one_term { Occur::Should } else { Occur::Must },
                matching.box_clone(),
            ),
            (Occur::Should, title),
        ]);
        Ok(TextQuery {
            matching,
            ranking: Box::new(ranking),
            prunable: one_term,
        })
    }

    /// The clauses on one field: each must match (an `OR` group: one of its items), each
    /// exclusion must not. A lone clause stands unwrapped, so that a single word is a bare
    /// term query. Clauses whose text the tokenizer keeps nothing of are left out; if none is
    /// left, nothing matches.
    fn clauses_query(&self, field: Field, clauses: &[Clause]) -> anyhow::Result<Box<dyn Query>> {
        let mut analyzer = self.index.tokenizer_for_field(field)?;
        let mut parts: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for clause in clauses {
            let part = match clause {
                Clause::Must(item) => {
                    item_query(&mut analyzer, field, item).map(|q| (Occur::Must, q))
                }
                Clause::Not(item) => {
                    item_query(&mut analyzer, field, item).map(|q| (Occur::MustNot, q))
                }
                Clause::AnyOf(items) => {
                    let mut any: Vec<(Occur, Box<dyn Query>)> = items
                        .iter()
                        .filter_map(|i| item_query(&mut analyzer, field, i))
                        .map(|q| (Occur::Should, q))
                        .collect();
                    match any.len() {
                        0 => None,
                        1 => any.pop().map(|(_, q)| (Occur::Must, q)),
                        _ => Some((
                            Occur::Must,
                            Box::new(BooleanQuery::new(any)) as Box<dyn Query>,
                        )),
                    }
                }
            };
            parts.extend(part);
        }
        if !parts.iter().any(|(occur, _)| *occur == Occur::Must) {
            return Ok(Box::new(EmptyQuery));
        }
        if parts.len() == 1 {
            if let Some((_, q)) = parts.pop() {
                return Ok(q);
            }
        }
        Ok(Box::new(BooleanQuery::new(parts)))
    }

    /// The query's words and phrases on one stored field, for highlighting it; exclusions
    /// are left out, since a match never holds them.
    fn highlight_query(&self, field: Field, q: &str) -> anyhow::Result<Box<dyn Query>> {
        let mut analyzer = self.index.tokenizer_for_field(field)?;
        let items = syntax::parse(q)?.into_iter().flat_map(|c| match c {
            Clause::Must(item) => vec![item],
            Clause::AnyOf(items) => items,
            Clause::Not(_) => vec![],
        });
        let any: Vec<(Occur, Box<dyn Query>)> = items
            .filter_map(|i| item_query(&mut analyzer, field, &i))
            .map(|q| (Occur::Should, q))
            .collect();
        Ok(Box::new(BooleanQuery::new(any)))
    }

    fn any_of_terms(mut terms: Vec<Term>) -> Box<dyn Query> {
        if terms.len() == 1 {
            // One term stands alone: a bare term query counts without walking its postings.
            if let Some(t) = terms.pop() {
                return Box::new(TermQuery::new(t, IndexRecordOption::Basic));
            }
        }
        let clauses: Vec<(Occur, Box<dyn Query>)> = terms
            .into_iter()
            .map(|t| {
                (
                    Occur::Should,
                    Box::new(TermQuery::new(t, IndexRecordOption::Basic)) as Box<dyn Query>,
                )
            })
            .collect();
        Box::new(BooleanQuery::new(clauses))
    }

    fn filters(&self, r: &SearchRequest) -> Vec<(Occur, Box<dyn Query>)> {
        let f = &self.fields;
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        if !r.country_codes.is_empty() {
            let terms = r
                .country_codes
                .iter()
                .map(|c| Term::from_field_text(f.country, c));
            clauses.push((Occur::Must, Self::any_of_terms(terms.collect())));
        }
        if !r.themes.is_empty() {
            let terms = r.themes.iter().map(|t| Term::from_field_text(f.theme, t));
            clauses.push((Occur::Must, Self::any_of_terms(terms.collect())));
        }
        if !r.source_ids.is_empty() {
            let terms = r
                .source_ids
                .iter()
                .map(|s| Term::from_field_u64(f.source_id, *s as u64));
            clauses.push((Occur::Must, Self::any_of_terms(terms.collect())));
        }
        if let Some(from) = r.from_key {
            clauses.push((
                Occur::Must,
                Box::new(RangeQuery::new(
                    std::ops::Bound::Included(Term::from_field_i64(f.date_end, from as i64)),
                    std::ops::Bound::Unbounded,
                )),
            ));
        }
        if let Some(to) = r.to_key {
            clauses.push((
                Occur::Must,
                Box::new(RangeQuery::new(
                    std::ops::Bound::Unbounded,
                    std::ops::Bound::Included(Term::from_field_i64(f.date_start, to as i64)),
                )),
            ));
        }
        clauses
    }

    /// How many stories match, as of the index's last commit.
    pub fn count(&self, r: &SearchRequest) -> anyhow::Result<u64> {
        let searcher = self.reader.searcher();
        let text = r.q.as_deref().map(|q| self.text_query(q)).transpose()?;
        let query = self.combined(r, text.as_ref().map(|t| &*t.matching));
        Ok(query.count(&searcher)? as u64)
    }

    /// The ids of every story that matches, in id order, as of the index's last commit: the
    /// set an export with keywords reads from the database in batches. Eight bytes a match.
    pub fn matching_ids(&self, r: &SearchRequest) -> anyhow::Result<Vec<i64>> {
        let searcher = self.reader.searcher();
        let text = r.q.as_deref().map(|q| self.text_query(q)).transpose()?;
        let query = self.combined(r, text.as_ref().map(|t| &*t.matching));
        let docs: Vec<DocAddress> = searcher
            .search(&*query, &tantivy::collector::DocSetCollector)?
            .into_iter()
            .collect();
        let mut ids = self.ids(&searcher, &docs)?;
        ids.sort_unstable();
        Ok(ids)
    }

    /// The text query with the filters; a lone filter or text query stands unwrapped, so that
    /// `count` of a single term (one word, or a list of one theme) reads the posting list's
    /// length instead of walking it, and a lone word's ranking keeps its WAND pruning.
    fn combined(&self, r: &SearchRequest, text: Option<&dyn Query>) -> Box<dyn Query> {
        let mut clauses = self.filters(r);
        match (clauses.len(), text) {
            (0, Some(t)) => return t.box_clone(),
            (0, None) => return Box::new(AllQuery),
            (1, None) if clauses[0].0 == Occur::Must => return clauses.remove(0).1,
            _ => {}
        }
        match text {
            Some(t) => clauses.push((Occur::Must, t.box_clone())),
            None => clauses.push((Occur::Must, Box::new(AllQuery))),
        }
        Box::new(BooleanQuery::new(clauses))
    }

    /// Runs a search against the index as of its last commit.
    ///
    /// The page and the total take separate passes, each the cheap kind: the page is a top-k
    /// that can skip blocks which cannot reach it, and the total (with the facets, when asked
    /// for) a pass without scoring, or a posting list's length for a lone term.
    pub fn search(&self, r: &SearchRequest) -> anyhow::Result<SearchResult> {
        let searcher = self.reader.searcher();
        let text = r.q.as_deref().map(|q| self.text_query(q)).transpose()?;
        let matching = self.combined(r, text.as_ref().map(|t| &*t.matching));
        let top = TopDocs::with_limit(r.limit.max(1)).and_offset(r.offset);
        let wanted: Vec<Facet> = r.facets.iter().filter_map(|f| Facet::parse(f)).collect();
        let deep = r.offset + r.limit > PRUNED_DEPTH;
        let (addresses, counts) = match r.sort {
            SearchSort::Relevance => {
                let ranking = self.combined(r, text.as_ref().map(|t| &*t.ranking));
                let prunable = text.as_ref().is_some_and(|t| t.prunable);
                if prunable && !deep && self.filters(r).is_empty() {
                    // The page skips what cannot reach it; the counts take a pass of their own.
                    let docs = searcher.search(&*ranking, &top.order_by(SharedFloor::default()))?;
                    let counts = self.counts(&searcher, &*matching, wanted)?;
                    (addresses(docs), counts)
                } else if deep {
                    // Far down the ranking a heap of `offset + limit` costs more than it
                    // saves; the buffered top-k scores everything once, in the same order.
                    let by_score = top.tweak_score(|_: &SegmentReader| |_: DocId, s: Score| s);
                    self.page_and_counts(&searcher, &*ranking, by_score, wanted)?
                } else {
                    self.page_and_counts(&searcher, &*ranking, top.order_by_score(), wanted)?
                }
            }
            SearchSort::Newest | SearchSort::Oldest => {
                let order = if r.sort == SearchSort::Newest {
                    Order::Desc
                } else {
                    Order::Asc
                };
                // Among stories of one day, the highest id first (or last): the database's
                // order, so that a list paged partly here and partly there, or across a
                // merge of segments, neither repeats nor skips.
                let by_date = top.order_by((
                    (SortByStaticFastValue::<i64>::for_field("sort_key"), order),
                    (SortByStaticFastValue::<u64>::for_field("id"), order),
                ));
                self.page_and_counts(&searcher, &*matching, by_date, wanted)?
            }
        };
        let total = counts.total;
        let facets = counts
            .into_sorted()
            .into_iter()
            .map(|(facet, values)| (facet.name().to_string(), values))
            .collect();
        let highlighter = match r.q.as_deref() {
            Some(q) => Some(self.highlighter(&searcher, q)?),
            None => None,
        };
        Ok(SearchResult {
            ids: self.ids(&searcher, &addresses)?,
            total,
            facets,
            highlighter,
        })
    }

    /// One pass that finds the page, counts the matches and, when asked, the facets.
    fn page_and_counts<K>(
        &self,
        searcher: &Searcher,
        query: &dyn Query,
        page: impl Collector<Fruit = Vec<(K, DocAddress)>>,
        facets: Vec<Facet>,
    ) -> anyhow::Result<(Vec<DocAddress>, FacetCounts)> {
        if facets.is_empty() {
            let (docs, total) = searcher.search(query, &(page, Count))?;
            let counts = FacetCounts {
                total: total as u64,
                ..FacetCounts::default()
            };
            return Ok((addresses(docs), counts));
        }
        let (docs, counts) = searcher.search(query, &(page, self.facet_collector(facets)))?;
        Ok((addresses(docs), counts))
    }

    /// The matches' total and facets, without scoring; a lone term's total is its posting
    /// list's length.
    fn counts(
        &self,
        searcher: &Searcher,
        query: &dyn Query,
        facets: Vec<Facet>,
    ) -> anyhow::Result<FacetCounts> {
        if facets.is_empty() {
            return Ok(FacetCounts {
                total: query.count(searcher)? as u64,
                ..FacetCounts::default()
            });
        }
        Ok(searcher.search(query, &self.facet_collector(facets))?)
    }

    /// Published stories per value of `facet` (country codes, theme slugs, source ids), as of
    /// the index's last commit: on the node that wrote, every change it made; on another,
    /// within a second of it. `None` until the index has caught up once (the caller counts in
    /// the database). A few milliseconds at a million stories, where the database's
    /// `GROUP BY` takes seconds.
    pub fn published_counts(&self, facet: Facet) -> anyhow::Result<Option<HashMap<String, u64>>> {
        if !self.is_ready() {
            return Ok(None);
        }
        let searcher = self.reader.searcher();
        let mut counts = searcher.search(&AllQuery, &self.facet_collector(vec![facet]))?;
        Ok(Some(counts.counts.remove(&facet).unwrap_or_default()))
    }

    fn facet_collector(&self, facets: Vec<Facet>) -> FacetCollector {
        FacetCollector {
            tables: self.facet_tables.clone(),
            facets,
        }
    }

    fn highlighter(&self, searcher: &Searcher, q: &str) -> anyhow::Result<Highlighter> {
        let f = &self.fields;
        Highlighter::new(
            searcher,
            &*self.highlight_query(f.all, q)?,
            &*self.highlight_query(f.title, q)?,
            (f.all, f.title),
        )
    }

    /// The stories' ids, from the `id` column (no stored document is read).
    fn ids(&self, searcher: &Searcher, addresses: &[DocAddress]) -> anyhow::Result<Vec<i64>> {
        let mut columns = BTreeMap::new();
        let mut ids = Vec::with_capacity(addresses.len());
        for a in addresses {
            let column = match columns.entry(a.segment_ord) {
                std::collections::btree_map::Entry::Occupied(e) => e.into_mut(),
                std::collections::btree_map::Entry::Vacant(e) => e.insert(
                    searcher
                        .segment_reader(a.segment_ord)
                        .fast_fields()
                        .u64("id")?,
                ),
            };
            let id = column
                .first(a.doc_id)
                .ok_or_else(|| anyhow::anyhow!("indexed story without an id"))?;
            ids.push(id as i64);
        }
        Ok(ids)
    }
}

/// A word or phrase on one field, analysed by the field's tokenizer (lower case, folded,
/// stemmed; bigrams in unspaced scripts): one term, or a phrase of the terms at their
/// positions when the text makes several (a phrase, but also `UN-report` or `人权观察`).
/// None when the tokenizer keeps nothing of it.
fn item_query(analyzer: &mut TextAnalyzer, field: Field, item: &Item) -> Option<Box<dyn Query>> {
    let (Item::Word(text) | Item::Phrase(text)) = item;
    let mut terms: Vec<(usize, Term)> = Vec::new();
    let mut stream = analyzer.token_stream(text);
    while stream.advance() {
        let token = stream.token();
        terms.push((token.position, Term::from_field_text(field, &token.text)));
    }
    if terms.len() > 1 {
        return Some(Box::new(PhraseQuery::new_with_offset(terms)));
    }
    let (_, term) = terms.pop()?;
    Some(Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs)))
}

fn addresses<K>(docs: Vec<(K, DocAddress)>) -> Vec<DocAddress> {
    docs.into_iter().map(|(_, a)| a).collect()
}

#[cfg(test)]
mod tests {
    use tantivy::query::{AllQuery, BooleanQuery, EmptyQuery, Occur, PhraseQuery, TermQuery};

    use super::*;

    /// A query as text: `field:term`, `field:"term|term"` for a phrase of terms, `(+must
    /// -not should)`, `*` for everything, `∅` for nothing.
    fn show(index: &SearchIndex, q: &dyn Query) -> String {
        let schema = index.index.schema();
        let term = |t: &Term| {
            let text = t.value().as_str().unwrap_or("?").to_string();
            (schema.get_field_name(t.field()).to_string(), text)
        };
        if let Some(t) = q.downcast_ref::<TermQuery>() {
            let (field, text) = term(t.term());
            return format!("{field}:{text}");
        }
        if let Some(p) = q.downcast_ref::<PhraseQuery>() {
            let terms: Vec<(String, String)> = p.phrase_terms().iter().map(term).collect();
            let texts: Vec<&str> = terms.iter().map(|(_, t)| t.as_str()).collect();
            return format!("{}:\"{}\"", terms[0].0, texts.join("|"));
        }
        if let Some(b) = q.downcast_ref::<BooleanQuery>() {
            let parts: Vec<String> = b
                .clauses()
                .iter()
                .map(|(occur, q)| {
                    let sign = match occur {
                        Occur::Must => "+",
                        Occur::MustNot => "-",
                        Occur::Should => "",
                    };
                    format!("{sign}{}", show(index, &**q))
                })
                .collect();
            return format!("({})", parts.join(" "));
        }
        if q.is::<AllQuery>() {
            return "*".into();
        }
        if q.is::<EmptyQuery>() {
            return "∅".into();
        }
        format!("{q:?}")
    }

    /// Every input and the query on the index it becomes: words analysed as the index
    /// analyses text (folded, stemmed, bigrams), phrases of common words as pairs, and
    /// tantivy's own syntax as plain words.
    #[test]
    fn queries_are_built_from_the_syntax_alone() {
        let dir = std::env::temp_dir().join(format!("ps-query-test-{}", std::process::id()));
        let index = SearchIndex::open(&dir).expect("index");
        let cases = [
            ("scam", "all:scam"),
            ("Scams Türk", "(+all:scam +all:turk)"),
            ("all:*", "all:all"),
            ("title:foo^2", "all:\"titl|foo|2\""),
            ("title:x^3~2", "all:\"titl|x|3|2\""),
            ("[a TO z]", "(+all:a +all:to +all:z)"),
            ("{a TO z}", "(+all:a +all:to +all:z)"),
            ("scam*", "all:scam"),
            ("(scam OR *)", "all:scam"),
            (
                "+scam AND NOT genocide",
                "(+all:scam +all:and +all:not +all:genocid)",
            ),
            (
                "\"rule of law\" -torture",
                "(+pairs:\"rule of|of law\" -all:tortur)",
            ),
            ("\"universal jurisdiction", "all:\"universal|jurisdict\""),
            ("a OR b c", "(+(all:a all:b) +all:c)"),
            ("-scam", "(+* -all:scam)"),
            (
                "-scam -\"rule of law\"",
                "(+* -all:scam -pairs:\"rule of|of law\")",
            ),
            ("UN-report", "all:\"un|report\""),
            ("人权观察", "all:\"人权|权观|观察\""),
        ];
        let mut failures = Vec::new();
        for (q, expected) in cases {
            let built = index.text_query(q).expect("query");
            let got = show(&index, &*built.matching);
            if got != expected {
                failures.push(format!("{q:?}: {got} (expected {expected})"));
            }
        }
        let _ = std::fs::remove_dir_all(&dir);
        assert!(failures.is_empty(), "{failures:#?}");
    }
}
