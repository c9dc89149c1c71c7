//! The search index: tantivy on local disk beside the database, the same on both backends.
//!
//! The database stays the one source of truth; the index can always be rebuilt from it. Each
//! `serve` process keeps its own index and follows the `story_changes` log (see `sync.rs`),
//! so several API nodes on one PostgreSQL converge. Only this module speaks tantivy.

mod document;
mod facets;
mod highlight;
mod pairs;
mod query;
mod sync;
pub mod syntax;
mod tokenizer;
mod topk;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use tantivy::schema::{
    Field, IndexRecordOption, NumericOptions, Schema, TextFieldIndexing, TextOptions, FAST,
    INDEXED, STRING,
};
use tantivy::tokenizer::{AsciiFoldingFilter, Language, LowerCaser, Stemmer, TextAnalyzer};
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy};

pub use facets::Facet;
use facets::FacetTables;
pub use highlight::Highlighter;
pub use query::{SearchRequest, SearchResult, SearchSort};
pub use sync::SyncState;

/// Bumped whenever the schema or the analysis changes: an index of another version is rebuilt.
pub const SCHEMA_VERSION: u32 = 6;
const TOKENIZER: &str = "story_text";
const PAIR_TOKENIZER: &str = "story_pairs";
const WRITER_HEAP: usize = 64 * 1024 * 1024;

/// The fields of a story document.
#[derive(Clone, Copy)]
pub struct Fields {
    pub id: Field,
    /// Everything searchable in one field, so each word is one posting list rather than a
    /// union over five fields (measured: the union was most of a broad query's cost).
    pub all: Field,
    /// Adjacent word pairs with a common word, for fast phrases (see `pairs.rs`).
    pub pairs: Field,
    /// The title alone: a match there ranks first. Nothing is stored; highlights are cut
    /// from the database's text.
    pub title: Field,
    pub theme: Field,
    pub country: Field,
    pub source_id: Field,
    pub date_start: Field,
    pub date_end: Field,
    pub sort_key: Field,
    pub year: Field,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(TOKENIZER)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    let pair_text = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(PAIR_TOKENIZER)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    let num = NumericOptions::default().set_indexed().set_fast();
    let fields = Fields {
        id: b.add_u64_field("id", INDEXED | FAST),
        all: b.add_text_field("all", text.clone()),
        pairs: b.add_text_field("pairs", pair_text),
        title: b.add_text_field("title", text),
        theme: b.add_text_field("theme", STRING | FAST),
        country: b.add_text_field("country", STRING | FAST),
        source_id: b.add_u64_field("source_id", num.clone()),
        date_start: b.add_i64_field("date_start", num.clone()),
        date_end: b.add_i64_field("date_end", num.clone()),
        sort_key: b.add_i64_field("sort_key", num.clone()),
        year: b.add_u64_field("year", num),
    };
    (b.build(), fields)
}

/// Lower case, accents folded (`Türk` finds `Turk`), English stems (`trafficked` finds
/// `trafficking`); other scripts pass the stemmer unchanged.
fn analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(tokenizer::ScriptTokenizer)
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(Stemmer::new(Language::English))
        .build()
}

/// The index of one node, its writer, and how far it has followed the change log.
pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    writer: Mutex<IndexWriter>,
    fields: Fields,
    /// Per-segment facet tables, built by the reader's warmer (see `facets.rs`).
    facet_tables: Arc<FacetTables>,
    dir: PathBuf,
    state: Mutex<SyncState>,
    ready: AtomicBool,
    /// The change-log number the searchers reflect exactly, or -1; see `exact_seq`.
    exact: AtomicI64,
    /// Counts the commits this node has made to its index; see `generation`.
    generation: AtomicU64,
    /// The change-log number the index has followed to (`SyncState::seq`); see `applied_seq`.
    applied: AtomicI64,
}

impl SearchIndex {
    /// Opens the index in `dir`, creating it when absent. An index of another schema version
    /// is wiped: it will be rebuilt from the database.
    pub fn open(dir: &Path) -> anyhow::Result<SearchIndex> {
        std::fs::create_dir_all(dir)?;
        let (schema, fields) = schema();
        let existing = Index::open_in_dir(dir).ok();
        let (mut index, state) = match existing {
            Some(index) => {
                let state = SyncState::from_payload(index.load_metas()?.payload.as_deref());
                match state {
                    Some(s) if s.schema_version == SCHEMA_VERSION => (index, s),
                    _ => {
                        drop(index);
                        wipe(dir)?;
                        (Index::create_in_dir(dir, schema)?, SyncState::empty())
                    }
                }
            }
            None => {
                wipe(dir)?;
                (Index::create_in_dir(dir, schema)?, SyncState::empty())
            }
        };
        // A search's segments are searched on every core: one request's latency (a facet pass
        // over a million matches) drops; throughput under many clients stays the same.
        index.set_default_multithread_executor()?;
        index.tokenizers().register(TOKENIZER, analyzer());
        index.tokenizers().register(
            PAIR_TOKENIZER,
            TextAnalyzer::from(pairs::PairTokenizer::new(analyzer())),
        );
        let writer = index.writer(WRITER_HEAP)?;
        let facet_tables = Arc::new(FacetTables::default());
        let warmer: Arc<dyn tantivy::Warmer> = facet_tables.clone();
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .warmers(vec![Arc::downgrade(&warmer)])
            .try_into()?;
        Ok(SearchIndex {
            index,
            reader,
            writer: Mutex::new(writer),
            fields,
            facet_tables,
            dir: dir.to_path_buf(),
            ready: AtomicBool::new(false),
            exact: AtomicI64::new(-1),
            generation: AtomicU64::new(0),
            applied: AtomicI64::new(state.seq),
            state: Mutex::new(state),
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Whether the index has caught up with the database at least once since it opened.
    pub fn is_ready(&self) -> bool {
        self.ready.load(Ordering::Acquire)
    }

    /// The change-log number the index reflects exactly: every change up to it applied and
    /// none missing. None until the first catch-up, and while a gap is pending.
    pub fn exact_seq(&self) -> Option<i64> {
        if !self.is_ready() {
            return None;
        }
        let exact = self.exact.load(Ordering::Acquire);
        (exact >= 0).then_some(exact)
    }

    /// Moves whenever this node's index takes in a change (each commit), before the change
    /// is searchable: the story part of the response cache's key (`cache.rs`). It is this
    /// node's own count, not comparable between nodes.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// How many stories the index holds.
    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// The newest change-log number this node's index has followed to (applied, or given up
    /// on as a rolled-back gap); the log's head minus this is how far the index lags.
    pub fn applied_seq(&self) -> i64 {
        self.applied.load(Ordering::Acquire)
    }

    /// The size on disk of the index's folder (and any folders in it), in bytes. Blocks.
    pub fn disk_bytes(&self) -> std::io::Result<u64> {
        fn walk(dir: &Path, depth: u8) -> std::io::Result<u64> {
            let mut total = 0;
            for entry in std::fs::read_dir(dir)? {
                let entry = entry?;
                let meta = entry.metadata()?;
                if meta.is_dir() && depth < 4 {
                    total += walk(&entry.path(), depth + 1)?;
                } else if meta.is_file() {
                    total += meta.len();
                }
            }
            Ok(total)
        }
        walk(&self.dir, 0)
    }
}

fn wipe(dir: &Path) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            std::fs::remove_dir_all(path)?;
        } else {
            std::fs::remove_file(path)?;
        }
    }
    Ok(())
}
