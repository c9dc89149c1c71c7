//! Stopping `serve` cleanly: the operating system's signal, the stop shared by the background
//! threads, and joining them within a bound.
//!
//! On SIGTERM or SIGINT the HTTP server stops accepting and finishes the requests in flight
//! (within the grace period, `--shutdown-grace-secs`); then the background threads are told
//! to stop, finish the step they are in and are joined (within `THREADS_GRACE`), the pools
//! close and the process exits 0.

use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How long stopped background threads may take to finish their current step.
pub const THREADS_GRACE: Duration = Duration::from_secs(10);

/// A stop shared by background threads: each sleeps on it between steps, and wakes as soon as
/// a stop is requested. Cloning shares it.
#[derive(Debug, Clone, Default)]
pub struct Stop(Arc<(Mutex<bool>, Condvar)>);

impl Stop {
    pub fn new() -> Stop {
        Stop::default()
    }

    fn flag(&self) -> MutexGuard<'_, bool> {
        // The flag is a plain bool: a panic elsewhere cannot leave it half-written.
        self.0 .0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Asks every thread sleeping on this stop (now or later) to stop.
    pub fn request(&self) {
        *self.flag() = true;
        self.0 .1.notify_all();
    }

    /// Whether a stop was requested.
    pub fn requested(&self) -> bool {
        *self.flag()
    }

    /// Sleeps for `every`, or less when a stop is requested meanwhile; true when stopping.
    pub fn sleep(&self, every: Duration) -> bool {
        let deadline = Instant::now() + every;
        let mut stopped = self.flag();
        while !*stopped {
            let now = Instant::now();
            if now >= deadline {
                return false;
            }
            stopped = self
                .0
                 .1
                .wait_timeout(stopped, deadline - now)
                .map(|(guard, _)| guard)
                .unwrap_or_else(|e| e.into_inner().0);
        }
        true
    }
}

/// Runs `step` on a thread named `name` now and then every `every` until `stop` is requested.
/// A step in progress when the stop comes is finished, never cut short.
pub fn every(
    name: &str,
    every: Duration,
    stop: Stop,
    mut step: impl FnMut() + Send + 'static,
) -> std::io::Result<JoinHandle<()>> {
    std::thread::Builder::new()
        .name(name.to_string())
        .spawn(move || {
            while !stop.requested() {
                step();
                if stop.sleep(every) {
                    break;
                }
            }
        })
}

/// Joins these threads, waiting at most `bound` in all; returns the names of those still
/// running (left behind: the process is about to exit).
pub fn join_within(handles: Vec<JoinHandle<()>>, bound: Duration) -> Vec<String> {
    let deadline = Instant::now() + bound;
    let mut left = Vec::new();
    for handle in handles {
        while !handle.is_finished() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
        }
        let name = handle.thread().name().unwrap_or("unnamed").to_string();
        if handle.is_finished() {
            if handle.join().is_err() {
                tracing::error!(thread = %name, "a background thread panicked");
            }
        } else {
            left.push(name);
        }
    }
    left
}

/// Completes when the process receives SIGTERM or SIGINT (Ctrl-C), logging which; `at` is
/// set to the moment it came. A signal whose handler cannot be installed is logged and never
/// completes the future (the other one still can).
pub async fn os_signal(at: Arc<Mutex<Option<Instant>>>) {
    use tokio::signal::unix::{signal, SignalKind};
    async fn wait(kind: SignalKind, name: &'static str) -> &'static str {
        match signal(kind) {
            Ok(mut s) => {
                s.recv().await;
                name
            }
            Err(e) => {
                tracing::error!(error = %e, signal = name, "cannot listen for the signal");
                std::future::pending().await
            }
        }
    }
    let term = std::pin::pin!(wait(SignalKind::terminate(), "SIGTERM"));
    let int = std::pin::pin!(wait(SignalKind::interrupt(), "SIGINT"));
    let name = match futures_util::future::select(term, int).await {
        futures_util::future::Either::Left((name, _)) => name,
        futures_util::future::Either::Right((name, _)) => name,
    };
    *at.lock().unwrap_or_else(|e| e.into_inner()) = Some(Instant::now());
    tracing::info!(
        signal = name,
        "shutting down: no new connections; finishing the requests in flight"
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stop_wakes_a_sleeping_thread_at_once() {
        let stop = Stop::new();
        let steps = Arc::new(std::sync::atomic::AtomicU32::new(0));
        let counted = Arc::clone(&steps);
        let handle = every(
            "test-every",
            Duration::from_secs(3600),
            stop.clone(),
            move || {
                counted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            },
        )
        .expect("spawn");
        while steps.load(std::sync::atomic::Ordering::SeqCst) == 0 {
            std::thread::sleep(Duration::from_millis(1));
        }
        let started = Instant::now();
        stop.request();
        let left = join_within(vec![handle], Duration::from_secs(5));
        assert!(left.is_empty(), "still running: {left:?}");
        assert!(started.elapsed() < Duration::from_secs(1));
        assert_eq!(steps.load(std::sync::atomic::Ordering::SeqCst), 1);
    }

    #[test]
    fn sleep_without_a_stop_lasts_its_time() {
        let stop = Stop::new();
        let started = Instant::now();
        assert!(!stop.sleep(Duration::from_millis(50)));
        assert!(started.elapsed() >= Duration::from_millis(50));
        stop.request();
        assert!(stop.sleep(Duration::from_secs(3600)));
    }

    #[test]
    fn join_within_leaves_a_thread_that_will_not_stop() {
        let handle = std::thread::Builder::new()
            .name("stubborn".into())
            .spawn(|| std::thread::sleep(Duration::from_millis(500)))
            .expect("spawn");
        let left = join_within(vec![handle], Duration::from_millis(20));
        assert_eq!(left, vec!["stubborn".to_string()]);
    }
}
