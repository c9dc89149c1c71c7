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

/// The tables of one segment, one per facet (in `Facet::ALL` order).
struct SegmentTables([Table; 4]);

impl SegmentTables {
    fn build(reader: &SegmentReader) -> tantivy::Result<SegmentTables> {
        Ok(SegmentTables([
            Table::of_text(reader, Facet::Country.field(), true)?,
            Table::of_text(reader, Facet::Theme.field(), false)?,
            Table::of_number(reader, Facet::Source.field(), true)?,
            Table::of_number(reader, Facet::Year.field(), false)?,
        ]))
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

pub struct FacetSegmentCollector {
    tables: Arc<SegmentTables>,
    counts: Vec<(Facet, Vec<u64>)>,
    total: u64,
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
        let counts = self
            .facets
            .iter()
            .map(|&f| (f, vec![0; tables.0[f.index()].labels.len()]))
            .collect();
        Ok(FacetSegmentCollector {
            tables,
            counts,
            total: 0,
        })
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
        self.total += docs.len() as u64;
        for (facet, counts) in &mut self.counts {
            self.tables.0[facet.index()].count(docs, counts);
        }
    }

    fn harvest(self) -> FacetCounts {
        let counts = self
            .counts
            .into_iter()
            .map(|(facet, counts)| {
                let labels = &self.tables.0[facet.index()].labels;
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
