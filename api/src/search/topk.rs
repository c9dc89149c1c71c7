//! The best `k` matches by score, each segment starting from what the others have found.
//!
//! tantivy ranks each segment on its own: block-max WAND skips the blocks that cannot beat
//! the segment's own k-th best score, which starts at nothing in every segment. Here the
//! segments share a floor: once a segment holds k matches, no match anywhere that scores
//! below its k-th best can reach the overall top k, so every segment (the ones running at
//! the same time on other cores too) may skip below it from then on. A match that *equals*
//! the floor is still collected, since on a tie the lower document address comes first and
//! it may belong to an earlier segment: the results are exactly tantivy's.

use std::cmp::{Ordering as CmpOrdering, Reverse};
use std::collections::BinaryHeap;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

use tantivy::collector::sort_key::{NaturalComparator, SortBySimilarityScore};
use tantivy::collector::SortKeyComputer;
use tantivy::query::Weight;
use tantivy::{DocAddress, DocId, Score, SegmentReader};

/// Ranks by score like `TopDocs::order_by_score`, sharing the k-th best score between
/// segments. Make a new one for each search.
#[derive(Clone, Default)]
pub struct SharedFloor {
    /// The bits of the highest k-th best score any segment has reached (scores are never
    /// negative, so their bits order as they do); 0 until one has.
    floor: Arc<AtomicU32>,
}

impl SharedFloor {
    /// The threshold to hand block-max WAND, which passes on only what scores above it: just
    /// below the shared floor, so that ties with the floor are collected.
    fn threshold(&self) -> Score {
        let bits = self.floor.load(Ordering::Relaxed);
        if bits == 0 {
            Score::MIN
        } else {
            f32::from_bits(bits).next_down()
        }
    }

    fn raise(&self, kth_best: Score) {
        if kth_best > 0.0 {
            self.floor.fetch_max(kth_best.to_bits(), Ordering::Relaxed);
        }
    }
}

impl SortKeyComputer for SharedFloor {
    type SortKey = Score;
    type Child = SortBySimilarityScore;
    type Comparator = NaturalComparator;

    fn requires_scoring(&self) -> bool {
        true
    }

    fn segment_sort_key_computer(
        &self,
        segment_reader: &SegmentReader,
    ) -> tantivy::Result<SortBySimilarityScore> {
        SortBySimilarityScore.segment_sort_key_computer(segment_reader)
    }

    fn collect_segment_top_k(
        &self,
        k: usize,
        weight: &dyn Weight,
        reader: &SegmentReader,
        segment_ord: u32,
    ) -> tantivy::Result<Vec<(Score, DocAddress)>> {
        let mut top = TopK::new(k);
        let alive = reader.alive_bitset();
        weight.for_each_pruning(self.threshold(), reader, &mut |doc, score| {
            if !alive.is_some_and(|a| a.is_deleted(doc)) {
                top.push(score, doc);
                if let Some(kth) = top.kth_best() {
                    self.raise(kth);
                }
            }
            let shared = self.threshold();
            match top.kth_best() {
                Some(own) if own > shared => own,
                _ => shared,
            }
        })?;
        Ok(top
            .heap
            .into_iter()
            .map(|Reverse(e)| (e.score, DocAddress::new(segment_ord, e.doc)))
            .collect())
    }
}

/// A match in a segment's heap: a higher score ranks higher, and on a tie the lower doc.
struct Entry {
    score: Score,
    doc: DocId,
}

impl Ord for Entry {
    fn cmp(&self, other: &Self) -> CmpOrdering {
        self.score
            .total_cmp(&other.score)
            .then_with(|| other.doc.cmp(&self.doc))
    }
}

impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<CmpOrdering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Entry {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == CmpOrdering::Equal
    }
}

impl Eq for Entry {}

/// The k best of a segment's matches, which arrive in doc order (so a later match that only
/// ties the k-th best never displaces it).
struct TopK {
    heap: BinaryHeap<Reverse<Entry>>,
    k: usize,
}

impl TopK {
    fn new(k: usize) -> TopK {
        TopK {
            heap: BinaryHeap::with_capacity(k),
            k,
        }
    }

    fn push(&mut self, score: Score, doc: DocId) {
        if self.heap.len() < self.k {
            self.heap.push(Reverse(Entry { score, doc }));
        } else if let Some(mut worst) = self.heap.peek_mut() {
            if score > worst.0.score {
                *worst = Reverse(Entry { score, doc });
            }
        }
    }

    /// The k-th best score, once there are k matches.
    fn kth_best(&self) -> Option<Score> {
        if self.heap.len() < self.k {
            return None;
        }
        self.heap.peek().map(|Reverse(e)| e.score)
    }
}

#[cfg(test)]
mod tests {
    use tantivy::collector::TopDocs;
    use tantivy::indexer::NoMergePolicy;
    use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, TermQuery};
    use tantivy::schema::{IndexRecordOption, Schema, TEXT};
    use tantivy::{doc, Index, IndexWriter, Term};

    use super::*;

    /// Many segments, many tied scores, a union that block-max WAND prunes: the same pages as
    /// tantivy's own top-k, on several cores, at every depth.
    #[test]
    fn pages_are_tantivys_own() {
        let mut schema = Schema::builder();
        let title = schema.add_text_field("title", TEXT);
        let body = schema.add_text_field("body", TEXT);
        let mut index = Index::create_in_ram(schema.build());
        index.set_default_multithread_executor().expect("executor");
        let mut writer: IndexWriter = index
            .writer_with_num_threads(1, 15_000_000)
            .expect("writer");
        writer.set_merge_policy(Box::new(NoMergePolicy));
        let words = ["rights", "court", "water", "press", "land"];
        let mut n = 0u64;
        for segment in 0..6 {
            for i in 0..(200 + segment * 150) {
                n += 1;
                // Few distinct texts: most scores tie with many others.
                let pick = |m: u64| words[((n * m + i) % words.len() as u64) as usize];
                let body_text = format!("{} {} {} rights", pick(3), pick(7), pick(11));
                writer
                    .add_document(doc!(title => pick(5), body => body_text))
                    .expect("add");
            }
            writer.commit().expect("commit");
        }
        let reader = index.reader().expect("reader");
        let searcher = reader.searcher();
        assert_eq!(searcher.segment_readers().len(), 6);
        for word in words {
            let query = BooleanQuery::new(vec![
                (
                    Occur::Should,
                    Box::new(TermQuery::new(
                        Term::from_field_text(body, word),
                        IndexRecordOption::WithFreqs,
                    )) as Box<dyn Query>,
                ),
                (
                    Occur::Should,
                    Box::new(BoostQuery::new(
                        Box::new(TermQuery::new(
                            Term::from_field_text(title, word),
                            IndexRecordOption::WithFreqs,
                        )),
                        2.0,
                    )),
                ),
            ]);
            for (limit, offset) in [(1, 0), (20, 0), (20, 20), (20, 180), (7, 300), (50, 950)] {
                let top = || TopDocs::with_limit(limit).and_offset(offset);
                let theirs = searcher
                    .search(&query, &top().order_by_score())
                    .expect("theirs");
                let ours = searcher
                    .search(&query, &top().order_by(SharedFloor::default()))
                    .expect("ours");
                assert_eq!(ours, theirs, "{word} limit {limit} offset {offset}");
            }
        }
    }

    #[test]
    fn heap_keeps_the_best_and_the_earlier_of_ties() {
        let mut top = TopK::new(2);
        assert_eq!(top.kth_best(), None);
        for (score, doc) in [(1.0, 0), (3.0, 1), (2.0, 2), (2.0, 3), (0.5, 4)] {
            top.push(score, doc);
        }
        assert_eq!(top.kth_best(), Some(2.0));
        let mut kept: Vec<(Score, DocId)> = top
            .heap
            .into_iter()
            .map(|Reverse(e)| (e.score, e.doc))
            .collect();
        kept.sort_by(|a, b| b.0.total_cmp(&a.0));
        assert_eq!(kept, [(3.0, 1), (2.0, 2)]);
    }

    #[test]
    fn the_floor_lets_ties_through() {
        let shared = SharedFloor::default();
        assert_eq!(shared.threshold(), Score::MIN);
        shared.raise(2.5);
        shared.raise(1.0);
        let t = shared.threshold();
        assert!(t < 2.5 && t > 2.49);
    }
}
