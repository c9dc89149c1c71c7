//! Facet counts over every match of a search.
//!
//! Counting facets visits every matching story (a million for a common word), so the inner
//! loop must be a few array reads. Each segment gets, once, a table per facet: the segment's
//! distinct values (`labels`) and each document's values as indexes into them. The tables are
//! built by the reader's warmer when a segment first appears (a commit or a merge, on the sync
//! thread, not in a request) and dropped with the last searcher that uses the segment.
//! Segments never change, so a table never goes stale.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, PoisonError};

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::index::SegmentId;
use tantivy::{DocId, Score, Searcher, SearcherGeneration, SegmentOrdinal, SegmentReader, Warmer};

/// A facet of the search results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Facet {
    Country,
    Theme,
    Source,
    Year,
}

impl Facet {
    pub const ALL: [Facet; 4] = [Facet::Country, Facet::Theme, Facet::Source, Facet::Year];

    pub fn parse(name: &str) -> Option<Facet> {
        Facet::ALL.into_iter().find(|f| f.name() == name)
    }

    pub fn name(self) -> &'static str {
        match self {
            Facet::Country => "country",
            Facet::Theme => "theme",
            Facet::Source => "source",
            Facet::Year => "year",
        }
    }

    /// The index field the facet reads.
    fn field(self) -> &'static str {
        match self {
            Facet::Country => "country",
            Facet::Theme => "theme",
            Facet::Source => "source_id",
            Facet::Year => "year",
        }
    }

    /// How many values a response lists at most, most frequent first.
    fn max_values(self) -> usize {
        match self {
            Facet::Country => 300,
            Facet::Theme => 50,
            Facet::Source => 100,
            Facet::Year => 200,
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// One facet of one segment: each document's values as indexes into `labels`.
struct Table {
    labels: Vec<String>,
    values: Values,
}

/// No value, in a single-valued table.
const NONE: u32 = u32::MAX;

#[derive(Clone, Copy)]
enum Sign {
    Add,
    Subtract,
}

/// How far into a segment its collector looks before choosing how to count (see
/// `FacetSegmentCollector`).
const DECIDE_AT: DocId = 4096;

enum Values {
    /// At most one value a document (a theme, a year): `of_doc[d]`, or `NONE`.
    Single(Vec<u32>),
    /// Any number (countries, sources): `values[offsets[d]..offsets[d + 1]]`.
    Multi { offsets: Vec<u32>, values: Vec<u32> },
}

impl Table {
    /// Adds the values of `docs` (ascending) to `counts`, one per label.
    fn count(&self, docs: &[DocId], counts: &mut [u64]) {
        match &self.values {
            Values::Single(of_doc) => {
                for &doc in docs {
                    if let Some(&v) = of_doc.get(doc as usize) {
                        if let Some(c) = counts.get_mut(v as usize) {
                            *c += 1;
                        }
                    }
                }
            }
            Values::Multi { offsets, values } => {
                for &doc in docs {
                    let d = doc as usize;
                    let (Some(&start), Some(&end)) = (offsets.get(d), offsets.get(d + 1)) else {
                        continue;
                    };
                    for &v in values.get(start as usize..end as usize).unwrap_or_default() {
                        if let Some(c) = counts.get_mut(v as usize) {
                            *c += 1;
                        }
                    }
                }
            }
        }
    }

    /// Adds the values of every document in `docs` to `counts` (`sign` -1 takes them away).
    fn count_range(&self, docs: std::ops::Range<DocId>, counts: &mut [u64], sign: Sign) {
        let (from, to) = (docs.start as usize, docs.end as usize);
        let values: &[u32] = match &self.values {
            Values::Single(of_doc) => of_doc.get(from..to).unwrap_or_default(),
            Values::Multi { offsets, values } => match (offsets.get(from), offsets.get(to)) {
                (Some(&start), Some(&end)) => {
                    values.get(start as usize..end as usize).unwrap_or_default()
                }
                _ => &[],
            },
        };
        for &v in values {
            if let Some(c) = counts.get_mut(v as usize) {
                *c = match sign {
                    Sign::Add => c.saturating_add(1),
                    Sign::Subtract => c.saturating_sub(1),
                };
            }
        }
    }

    fn max_doc(&self) -> DocId {
        match &self.values {
            Values::Single(of_doc) => of_doc.len() as DocId,
            Values::Multi { offsets, .. } => offsets.len().saturating_sub(1) as DocId,
        }
    }

    /// A text facet: the labels are the segment's dictionary, the values its ordinals.
    fn of_text(reader: &SegmentReader, field: &str, multi: bool) -> tantivy::Result<Table> {
        let max_doc = reader.max_doc();
        let Some(column) = reader.fast_fields().str(field)? else {
            return Ok(Table::empty(max_doc, multi));
        };
        let mut labels = Vec::with_capacity(column.num_terms());
        for ord in 0..column.num_terms() as u64 {
            let mut label = String::new();
            column.ord_to_str(ord, &mut label)?;
            labels.push(label);
        }
        let values = Values::of_docs(max_doc, multi, |doc| {
            column.ords().values_for_doc(doc).map(|o| o as u32)
        });
        Ok(Table { labels, values })
    }

    /// A numeric facet: the labels are the segment's distinct values in order.
    fn of_number(reader: &SegmentReader, field: &str, multi: bool) -> tantivy::Result<Table> {
        let max_doc = reader.max_doc();
        let Some(column) = reader.fast_fields().column_opt::<u64>(field)? else {
            return Ok(Table::empty(max_doc, multi));
        };
        let mut distinct: Vec<u64> = (0..max_doc)
            .flat_map(|doc| column.values_for_doc(doc))
            .collect();
        distinct.sort_unstable();
        distinct.dedup();
        let labels = distinct.iter().map(u64::to_string).collect();
        let values = Values::of_docs(max_doc, multi, |doc| {
            column
                .values_for_doc(doc)
                .filter_map(|v| distinct.binary_search(&v).ok())
                .map(|i| i as u32)
        });
        Ok(Table { labels, values })
    }

    fn empty(max_doc: DocId, multi: bool) -> Table {
        Table {
            labels: Vec::new(),
            values: Values::of_docs(max_doc, multi, |_| std::iter::empty()),
        }
    }
}

impl Values {
    fn of_docs<I: Iterator<Item = u32>>(
        max_doc: DocId,
        multi: bool,
        mut values_of: impl FnMut(DocId) -> I,
    ) -> Values {
        let n = max_doc as usize;
        if !multi {
            return Values::Single(
                (0..max_doc)
                    .map(|d| values_of(d).next().unwrap_or(NONE))
                    .collect(),
            );
        }
        let mut offsets = Vec::with_capacity(n + 1);
        let mut values = Vec::with_capacity(n);
        offsets.push(0);
        for doc in 0..max_doc {
            values.extend(values_of(doc));
            offsets.push(values.len() as u32);
        }
        Values::Multi { offsets, values }
    }
}

/// The tables of one segment, one per facet (in `Facet::ALL` order), and each facet's
/// counts over every document of the segment (deleted ones too).
struct SegmentTables {
    tables: [Table; 4],
    totals: [Vec<u64>; 4],
}

impl SegmentTables {
    fn build(reader: &SegmentReader) -> tantivy::Result<SegmentTables> {
        Ok(SegmentTables::new([
            Table::of_text(reader, Facet::Country.field(), true)?,
            Table::of_text(reader, Facet::Theme.field(), false)?,
            Table::of_number(reader, Facet::Source.field(), true)?,
            Table::of_number(reader, Facet::Year.field(), false)?,
        ]))
    }

    fn new(tables: [Table; 4]) -> SegmentTables {
        let totals = std::array::from_fn(|i| {
            let t = &tables[i];
            let mut counts = vec![0; t.labels.len()];
            t.count_range(0..t.max_doc(), &mut counts, Sign::Add);
            counts
        });
        SegmentTables { tables, totals }
    }

    fn table(&self, facet: Facet) -> &Table {
        &self.tables[facet.index()]
    }

    /// The segment's documents (every table has one entry a document).
    fn max_doc(&self) -> DocId {
        self.tables[0].max_doc()
    }
}

/// Every live segment's tables; the index reader's warmer.
#[derive(Default)]
pub struct FacetTables {
    by_segment: Mutex<HashMap<SegmentId, Arc<SegmentTables>>>,
}

impl FacetTables {
    fn of_segment(&self, reader: &SegmentReader) -> tantivy::Result<Arc<SegmentTables>> {
        let id = reader.segment_id();
        if let Some(t) = self.lock().get(&id) {
            return Ok(t.clone());
        }
        // Built outside the lock: a merge's new segment must not stall other requests.
        let built = Arc::new(SegmentTables::build(reader)?);
        Ok(self.lock().entry(id).or_insert(built).clone())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<SegmentId, Arc<SegmentTables>>> {
        self.by_segment
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

impl Warmer for FacetTables {
    fn warm(&self, searcher: &Searcher) -> tantivy::Result<()> {
        for reader in searcher.segment_readers() {
            self.of_segment(reader)?;
        }
        Ok(())
    }

    fn garbage_collect(&self, live_generations: &[&SearcherGeneration]) {
        self.lock().retain(|id, _| {
            live_generations
                .iter()
                .any(|g| g.segments().contains_key(id))
        });
    }
}

/// What a facet pass finds: how many stories match, and per facet each value's count.
#[derive(Debug, Default)]
pub struct FacetCounts {
    pub total: u64,
    pub counts: BTreeMap<Facet, HashMap<String, u64>>,
}

impl FacetCounts {
    /// Each facet's values, most frequent first (ties by value), at most its maximum.
    pub fn into_sorted(self) -> BTreeMap<Facet, Vec<(String, u64)>> {
        self.counts
            .into_iter()
            .map(|(facet, counts)| {
                let mut values: Vec<(String, u64)> = counts.into_iter().collect();
                values.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
                values.truncate(facet.max_values());
                (facet, values)
            })
            .collect()
    }
}

/// Counts the matches and the requested facets' values in one pass, without scoring.
pub struct FacetCollector {
    pub tables: Arc<FacetTables>,
    pub facets: Vec<Facet>,
}

/// Counts one segment's matches.
///
/// A common word matches nearly every story, and counting its matches' values reads every
/// document's; counting what it does *not* match, taken from the segment's totals, reads only
/// the few others. So the collector counts the first `DECIDE_AT` documents' matches, then, if
/// most of those matched, counts the rest of the segment the other way round: it adds the
/// totals of the documents not yet seen and takes away each document the query skips.
pub struct FacetSegmentCollector {
    tables: Arc<SegmentTables>,
    counts: Vec<(Facet, Vec<u64>)>,
    total: u64,
    /// One past the last document collected.
    next: DocId,
    mode: Mode,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Counting each match; not yet decided.
    Matches,
    /// Counting each match to the end.
    MatchesOnly,
    /// Taking away each document skipped.
    Skipped,
}

impl FacetSegmentCollector {
    fn new(tables: Arc<SegmentTables>, facets: &[Facet]) -> FacetSegmentCollector {
        let counts = facets
            .iter()
            .map(|&f| (f, vec![0; tables.table(f).labels.len()]))
            .collect();
        FacetSegmentCollector {
            tables,
            counts,
            total: 0,
            next: 0,
            mode: Mode::Matches,
        }
    }

    /// Switches to taking away skipped documents when most of the first ones matched: the
    /// counts become those of the matches so far plus every document from `next` on.
    fn decide(&mut self) {
        if u64::from(self.next) > 2 * self.total {
            self.mode = Mode::MatchesOnly;
            return;
        }
        for (facet, counts) in &mut self.counts {
            let i = facet.index();
            let mut before = vec![0; counts.len()];
            self.tables.tables[i].count_range(0..self.next, &mut before, Sign::Add);
            for ((c, total), before) in counts.iter_mut().zip(&self.tables.totals[i]).zip(before) {
                *c += total - before;
            }
        }
        self.mode = Mode::Skipped;
    }

    /// Takes away the documents in `skipped`, none of which matched.
    fn skip(&mut self, skipped: std::ops::Range<DocId>) {
        if skipped.is_empty() {
            return;
        }
        for (facet, counts) in &mut self.counts {
            self.tables
                .table(*facet)
                .count_range(skipped.clone(), counts, Sign::Subtract);
        }
    }
}

impl Collector for FacetCollector {
    type Fruit = FacetCounts;
    type Child = FacetSegmentCollector;

    fn for_segment(
        &self,
        _segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<FacetSegmentCollector> {
        let tables = self.tables.of_segment(reader)?;
        Ok(FacetSegmentCollector::new(tables, &self.facets))
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<FacetCounts>) -> tantivy::Result<FacetCounts> {
        let mut merged = FacetCounts::default();
        for &f in &self.facets {
            merged.counts.entry(f).or_default();
        }
        for fruit in fruits {
            merged.total += fruit.total;
            for (facet, counts) in fruit.counts {
                let into = merged.counts.entry(facet).or_default();
                for (label, n) in counts {
                    *into.entry(label).or_default() += n;
                }
            }
        }
        Ok(merged)
    }
}

impl SegmentCollector for FacetSegmentCollector {
    type Fruit = FacetCounts;

    fn collect(&mut self, doc: DocId, _score: Score) {
        self.collect_block(&[doc]);
    }

    /// Tantivy hands over matches a block at a time when nothing is scored: one facet at a
    /// time over the block keeps each table's reads in order.
    fn collect_block(&mut self, docs: &[DocId]) {
        let Some(&last) = docs.last() else { return };
        self.total += docs.len() as u64;
        if self.mode == Mode::Skipped {
            for &doc in docs {
                self.skip(self.next..doc);
                self.next = doc + 1;
            }
            return;
        }
        for (facet, counts) in &mut self.counts {
            self.tables.table(*facet).count(docs, counts);
        }
        self.next = last + 1;
        if self.mode == Mode::Matches && self.next >= DECIDE_AT {
            self.decide();
        }
    }

    fn harvest(mut self) -> FacetCounts {
        if self.mode == Mode::Skipped {
            let end = self.tables.max_doc();
            self.skip(self.next..end);
        }
        let counts = self
            .counts
            .into_iter()
            .map(|(facet, counts)| {
                let labels = &self.tables.table(facet).labels;
                let found = counts
                    .into_iter()
                    .zip(labels)
                    .filter(|(n, _)| *n > 0)
                    .map(|(n, label)| (label.clone(), n))
                    .collect();
                (facet, found)
            })
            .collect();
        FacetCounts {
            total: self.total,
            counts,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A segment of `n` documents: countries (0 to 3 each, of 5), a theme (or none, of 3), no
    /// sources, a year (of 7).
    fn segment(n: u32) -> Arc<SegmentTables> {
        let labels = |k: usize| (0..k).map(|i| format!("v{i}")).collect::<Vec<_>>();
        let multi = |of: &dyn Fn(u32) -> Vec<u32>| Values::of_docs(n, true, |d| of(d).into_iter());
        let single =
            |of: &dyn Fn(u32) -> Option<u32>| Values::of_docs(n, false, |d| of(d).into_iter());
        Arc::new(SegmentTables::new([
            Table {
                labels: labels(5),
                values: multi(&|d| (0..d % 4).map(|i| (d / 3 + i) % 5).collect()),
            },
            Table {
                labels: labels(3),
                values: single(&|d| (d % 11 != 0).then_some(d % 3)),
            },
            Table {
                labels: Vec::new(),
                values: multi(&|_| Vec::new()),
            },
            Table {
                labels: labels(7),
                values: single(&|d| Some((d / 100) % 7)),
            },
        ]))
    }

    /// Counts by looking at each match, the plain way.
    fn expected(tables: &SegmentTables, facets: &[Facet], docs: &[DocId]) -> FacetCounts {
        let mut c = FacetSegmentCollector::new(
            Arc::new(SegmentTables::new(std::array::from_fn(|i| Table {
                labels: tables.tables[i].labels.clone(),
                values: match &tables.tables[i].values {
                    Values::Single(v) => Values::Single(v.clone()),
                    Values::Multi { offsets, values } => Values::Multi {
                        offsets: offsets.clone(),
                        values: values.clone(),
                    },
                },
            }))),
            facets,
        );
        c.mode = Mode::MatchesOnly;
        c.collect_block(docs);
        c.harvest()
    }

    #[test]
    fn counting_what_is_skipped_gives_the_counts_of_the_matches() {
        let n = 20_000;
        let tables = segment(n);
        let facets = [Facet::Country, Facet::Theme, Facet::Source, Facet::Year];
        let every: Vec<DocId> = (0..n).collect();
        let cases: Vec<(&str, Vec<DocId>)> = vec![
            ("all", every.clone()),
            ("none", Vec::new()),
            (
                "nearly all",
                every.iter().copied().filter(|d| d % 97 != 5).collect(),
            ),
            (
                "dense then sparse",
                every
                    .iter()
                    .copied()
                    .filter(|d| *d < 6000 || d % 50 == 0)
                    .collect(),
            ),
            (
                "sparse",
                every.iter().copied().filter(|d| d % 3 == 0).collect(),
            ),
            (
                "dense, none at the end",
                every
                    .iter()
                    .copied()
                    .filter(|d| *d < 15_000 && d % 7 != 0)
                    .collect(),
            ),
            (
                "none at the start",
                every.iter().copied().filter(|d| *d > 9000).collect(),
            ),
        ];
        for (name, docs) in cases {
            let want = expected(&tables, &facets, &docs);
            // As tantivy hands them over: blocks of up to 64, or one at a time.
            for block in [64, 1] {
                let mut c = FacetSegmentCollector::new(tables.clone(), &facets);
                for chunk in docs.chunks(block) {
                    c.collect_block(chunk);
                }
                let mode = c.mode;
                let got = c.harvest();
                assert_eq!(got.total, docs.len() as u64, "{name}");
                assert_eq!(
                    got.counts, want.counts,
                    "{name}, blocks of {block}, {mode:?}"
                );
            }
        }
        // Both ways were taken.
        let mut dense = FacetSegmentCollector::new(tables.clone(), &facets);
        dense.collect_block(&every[..5000]);
        assert_eq!(dense.mode, Mode::Skipped);
        let mut sparse = FacetSegmentCollector::new(tables, &facets);
        sparse.collect_block(
            &every
                .iter()
                .copied()
                .filter(|d| d % 3 == 0)
                .take(2000)
                .collect::<Vec<_>>(),
        );
        assert_eq!(sparse.mode, Mode::MatchesOnly);
    }
}
