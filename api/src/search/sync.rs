//! Following the `story_changes` log, and rebuilding from the database.
//!
//! On PostgreSQL, transactions may commit out of sequence order, so a number missing from
//! the log may still appear: such gaps are re-checked on every poll for `GAP_PATIENCE` before
//! they are taken for rolled-back transactions. Applying a change is idempotent (the story's
//! document is deleted and, if it is published, added again), so re-reading never hurts.

use std::collections::BTreeMap;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use tantivy::Term;

use super::document::story_document;
use super::SearchIndex;
use crate::db::{changes, stories, DbConn, Pool};
use crate::shutdown::Stop;

const GAP_PATIENCE: Duration = Duration::from_secs(30);
const MAX_GAPS: usize = 1000;
const BATCH: i64 = 500;

/// How far the index has followed the change log; saved in each commit's payload.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SyncState {
    pub schema_version: u32,
    /// Every change up to this number is applied (or was a gap given up on).
    pub seq: i64,
    /// Numbers above an applied change that were missing when last looked at.
    #[serde(default)]
    pub gaps: Vec<i64>,
    /// False until the index has been built from the database once.
    pub built: bool,
    #[serde(skip)]
    gap_seen: BTreeMap<i64, Option<Instant>>,
}

impl SyncState {
    pub fn empty() -> SyncState {
        SyncState {
            schema_version: super::SCHEMA_VERSION,
            seq: 0,
            gaps: Vec::new(),
            built: false,
            gap_seen: BTreeMap::new(),
        }
    }

    pub fn from_payload(payload: Option<&str>) -> Option<SyncState> {
        let mut s: SyncState = serde_json::from_str(payload?).ok()?;
        s.gap_seen = s.gaps.iter().map(|g| (*g, None)).collect();
        Some(s)
    }
}

impl SearchIndex {
    fn commit(&self, state: &SyncState) -> anyhow::Result<()> {
        let payload = serde_json::to_string(state)?;
        let mut writer = self
            .writer
            .lock()
            .map_err(|_| anyhow::anyhow!("writer poisoned"))?;
        let mut prepared = writer.prepare_commit()?;
        prepared.set_payload(&payload);
        prepared.commit()?;
        drop(writer);
        self.reader.reload()?;
        // After the reload: a response computed from the new searchers is never cached
        // under the generation before it.
        self.generation.fetch_add(1, Ordering::AcqRel);
        self.publish_exact(state);
        Ok(())
    }

    /// Tells requests which change-log number the searchers now reflect exactly (see
    /// `exact_seq`), without their taking the state's lock.
    fn publish_exact(&self, state: &SyncState) {
        let exact = if state.built && state.gaps.is_empty() {
            state.seq
        } else {
            -1
        };
        self.exact.store(exact, Ordering::Release);
        self.applied.store(state.seq, Ordering::Release);
    }

    /// Replaces the documents of these stories with what the database holds now.
    fn apply(&self, conn: &mut DbConn, ids: &[i64]) -> anyhow::Result<()> {
        let published = changes::published_among(conn, ids)?;
        let whole = stories::load_whole(conn, &published)?;
        let writer = self
            .writer
            .lock()
            .map_err(|_| anyhow::anyhow!("writer poisoned"))?;
        for id in ids {
            writer.delete_term(Term::from_field_u64(self.fields.id, *id as u64));
        }
        for s in &whole {
            writer.add_document(story_document(&self.fields, s))?;
        }
        Ok(())
    }

    /// Rebuilds the whole index from the database; `progress(done, total)` is called as it goes.
    pub fn rebuild(&self, pool: &Pool, progress: &dyn Fn(u64, u64)) -> anyhow::Result<u64> {
        // A connection first, then the state: never wait for the pool while holding the
        // state, which requests (holding connections) may be waiting for.
        let mut conn = pool.get()?;
        let mut state = self
            .state
            .lock()
            .map_err(|_| anyhow::anyhow!("state poisoned"))?;
        self.rebuild_locked(&mut conn, &mut state, progress)
    }

    fn rebuild_locked(
        &self,
        conn: &mut DbConn,
        state: &mut SyncState,
        progress: &dyn Fn(u64, u64),
    ) -> anyhow::Result<u64> {
        // Read the log's head first: changes made while we read are applied afterwards.
        let head = changes::latest(conn)?;
        let total = changes::published_count(conn)? as u64;
        self.writer
            .lock()
            .map_err(|_| anyhow::anyhow!("writer poisoned"))?
            .delete_all_documents()?;
        let mut done = 0u64;
        let mut after = 0i64;
        loop {
            let ids = changes::published_ids_after(conn, after, BATCH)?;
            let Some(&last) = ids.last() else { break };
            let whole = stories::load_whole(conn, &ids)?;
            {
                let writer = self
                    .writer
                    .lock()
                    .map_err(|_| anyhow::anyhow!("writer poisoned"))?;
                for s in &whole {
                    writer.add_document(story_document(&self.fields, s))?;
                }
            }
            done += whole.len() as u64;
            progress(done, total);
            after = last;
        }
        state.seq = head;
        state.gaps.clear();
        state.gap_seen.clear();
        state.built = true;
        self.commit(state)?;
        self.ready.store(true, Ordering::Release);
        Ok(done)
    }

    /// Applies every change the index has not seen; rebuilds when it was never built or when
    /// the log asks for it. Returns how many changes it applied.
    pub fn catch_up(&self, pool: &Pool) -> anyhow::Result<usize> {
        // A connection first, then the state (see `rebuild`).
        let mut conn = pool.get()?;
        let mut state = self
            .state
            .lock()
            .map_err(|_| anyhow::anyhow!("state poisoned"))?;
        if !state.built {
            self.rebuild_locked(&mut conn, &mut state, &|_, _| {})?;
            return Ok(0);
        }
        // The log never shrinks, so a head below what the index applied means the database
        // was replaced (restored from an older backup): the index may hold stories it does
        // not, and would take new changes, numbered like old ones, for seen. Rebuild.
        let head = changes::latest(&mut conn)?;
        if head < state.seq {
            tracing::warn!(
                index_seq = state.seq,
                database_seq = head,
                "the search index is ahead of the database (restored from a backup?); rebuilding"
            );
            self.rebuild_locked(&mut conn, &mut state, &|_, _| {})?;
            return Ok(0);
        }
        let mut applied = 0;
        loop {
            let gaps: Vec<i64> = state.gap_seen.keys().copied().collect();
            let mut rows = changes::by_seqs(&mut conn, &gaps)?;
            let fresh = changes::since(&mut conn, state.seq, 5_000)?;
            let fresh_len = fresh.len();
            rows.extend(fresh.iter().copied());
            if rows.is_empty() {
                break;
            }
            if rows.iter().any(|(_, id)| id.is_none()) {
                self.rebuild_locked(&mut conn, &mut state, &|_, _| {})?;
                return Ok(applied + rows.len());
            }
            let mut ids: Vec<i64> = rows.iter().filter_map(|(_, id)| *id).collect();
            ids.sort_unstable();
            ids.dedup();
            for chunk in ids.chunks(BATCH as usize) {
                self.apply(&mut conn, chunk)?;
            }
            applied += rows.len();

            // New gaps: numbers skipped between the old head and the newest change seen.
            let now = Instant::now();
            for (seq, _) in &rows {
                state.gap_seen.remove(seq);
            }
            let mut expected = state.seq + 1;
            for (seq, _) in &fresh {
                while expected < *seq && state.gap_seen.len() < MAX_GAPS {
                    state.gap_seen.insert(expected, Some(now));
                    expected += 1;
                }
                expected = seq + 1;
            }
            if let Some((last, _)) = fresh.last() {
                state.seq = *last;
            }
            expire_gaps(&mut state, now);
            self.commit(&state)?;
            if fresh_len < 5_000 {
                break;
            }
        }
        if applied == 0 && !state.gap_seen.is_empty() {
            // Expire gaps even when nothing else happens.
            expire_gaps(&mut state, Instant::now());
        }
        self.publish_exact(&state);
        self.ready.store(true, Ordering::Release);
        Ok(applied)
    }

    /// Follows the change log on a background thread, every `every`, until `stop` is
    /// requested (a catch-up in progress is finished first).
    pub fn follow(
        self: &Arc<Self>,
        pool: Pool,
        every: Duration,
        stop: Stop,
    ) -> std::io::Result<JoinHandle<()>> {
        let index = Arc::clone(self);
        crate::shutdown::every("search-follower", every, stop, move || {
            if let Err(e) = index.catch_up(&pool) {
                tracing::error!(error = %e, "search index could not follow the change log");
            }
        })
    }
}

/// Forgets gaps older than `GAP_PATIENCE` (their transactions rolled back), and starts the
/// clock on gaps seen for the first time.
fn expire_gaps(state: &mut SyncState, now: Instant) {
    state.gap_seen.retain(|_, seen| match seen {
        Some(t) => now.duration_since(*t) < GAP_PATIENCE,
        None => {
            *seen = Some(now);
            true
        }
    });
    state.gaps = state.gap_seen.keys().copied().collect();
}
