//! The consumer side of a market-event stream: a thread that drains an [`EventSource`] into an
//! [`EventSink`] in batches, with a configurable [`WaitStrategy`] when idle.
//!
//! Sources: an in-process [`spsc::Consumer`](crate::ring::spsc::Consumer) (fed by batch pushes)
//! or a [`SharedRingConsumer`] (fed directly by JavaScript). Sinks: [`StreamStats`] here; the
//! engine plugs its own.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use crate::event::{EventError, EventKind, MarketEvent};
use crate::ring::spsc;
use crate::shm::{RingError, SharedRingConsumer};

/// Largest number of events handed to a sink in one call.
pub const BATCH: usize = 512;

/// Where events come from.
pub trait EventSource: Send {
    /// Copies up to `out.len()` events into `out`; returns how many.
    ///
    /// # Errors
    /// A broken source (see [`RingError`]); the consumer stops reading it.
    fn read(&mut self, out: &mut [MarketEvent]) -> Result<usize, RingError>;
}

impl EventSource for spsc::Consumer<MarketEvent> {
    #[inline]
    fn read(&mut self, out: &mut [MarketEvent]) -> Result<usize, RingError> {
        Ok(self.pop_slice(out))
    }
}

impl EventSource for SharedRingConsumer {
    #[inline]
    fn read(&mut self, out: &mut [MarketEvent]) -> Result<usize, RingError> {
        SharedRingConsumer::read(self, out)
    }
}

/// Where events go.
pub trait EventSink: Send {
    /// Handles a batch (in arrival order).
    fn on_events(&mut self, events: &[MarketEvent]);
    /// The source broke; no more events will come from it.
    fn on_source_error(&mut self, _err: RingError) {}
}

/// How the consumer waits when the source is empty: spin, then yield, then sleep.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WaitStrategy {
    /// Empty polls with a CPU spin hint before yielding.
    pub spin: u32,
    /// Empty polls with `yield_now` before sleeping.
    pub yields: u32,
    /// Sleep between polls after that (the idle latency bound).
    pub sleep: Duration,
}

impl Default for WaitStrategy {
    /// Spin 2,000 polls, yield 100, then poll every 50 µs.
    fn default() -> Self {
        Self {
            spin: 2_000,
            yields: 100,
            sleep: Duration::from_micros(50),
        }
    }
}

impl WaitStrategy {
    #[inline]
    fn idle(&self, polls: u32) {
        if polls < self.spin {
            std::hint::spin_loop();
        } else if polls < self.spin.saturating_add(self.yields) {
            std::thread::yield_now();
        } else {
            std::thread::sleep(self.sleep);
        }
    }
}

/// A running consumer thread. Dropping it stops and joins the thread.
#[derive(Debug)]
pub struct ConsumerThread<Src, Snk> {
    stop: Arc<AtomicBool>,
    handle: Option<JoinHandle<(Src, Snk)>>,
}

impl<Src: EventSource + 'static, Snk: EventSink + 'static> ConsumerThread<Src, Snk> {
    /// Starts a thread named `name` that moves events from `source` to `sink`.
    ///
    /// # Errors
    /// The OS refused to create a thread.
    pub fn spawn(
        name: &str,
        mut source: Src,
        mut sink: Snk,
        wait: WaitStrategy,
    ) -> std::io::Result<Self> {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        let handle = std::thread::Builder::new()
            .name(name.to_owned())
            .spawn(move || {
                let mut buf = [MarketEvent::default(); BATCH];
                let mut polls = 0u32;
                loop {
                    // Read the stop flag *before* polling: if it was set, everything the producer
                    // published before setting it is visible to this poll, so an empty poll means
                    // fully drained.
                    let stopping = flag.load(Ordering::Acquire);
                    match source.read(&mut buf) {
                        Ok(0) => {
                            if stopping {
                                break;
                            }
                            wait.idle(polls);
                            polls = polls.saturating_add(1);
                        }
                        Ok(n) => {
                            sink.on_events(&buf[..n]);
                            polls = 0;
                        }
                        Err(e) => {
                            sink.on_source_error(e);
                            // A broken source yields nothing more; wait for stop.
                            while !flag.load(Ordering::Acquire) {
                                std::thread::sleep(wait.sleep.max(Duration::from_micros(100)));
                            }
                            break;
                        }
                    }
                }
                (source, sink)
            })?;
        Ok(Self {
            stop,
            handle: Some(handle),
        })
    }

    /// Drains what has been published, stops the thread and returns the source and sink.
    /// Returns `None` if the thread panicked (the sink's state is then lost).
    pub fn stop(mut self) -> Option<(Src, Snk)> {
        self.stop.store(true, Ordering::Release);
        self.handle.take().and_then(|h| h.join().ok())
    }
}

impl<Src, Snk> Drop for ConsumerThread<Src, Snk> {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Release);
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

/// Counters a [`StreamStats`] sink publishes; readable from any thread at any time.
#[derive(Debug, Default)]
pub struct StreamCounters {
    /// Records seen (accepted + rejected).
    pub received: AtomicU64,
    /// Records that passed validation.
    pub accepted: AtomicU64,
    /// Rejected records by [`EventError::index`].
    pub rejected: [AtomicU64; 4],
    /// Accepted records by kind (index = kind byte − 1).
    pub by_kind: [AtomicU64; 5],
    /// Sequence numbers skipped (sum of the sizes of forward jumps).
    pub seq_missing: AtomicU64,
    /// Records whose sequence number was not above the previous one (duplicates, reorders).
    pub seq_regressions: AtomicU64,
    /// Last sequence number seen.
    pub last_seq: AtomicU64,
    /// Wrapping sum of [`MarketEvent::fingerprint`] over every record received.
    pub fingerprint: AtomicU64,
    /// Batches handed to the sink.
    pub batches: AtomicU64,
    /// 1 if the source broke (e.g. a corrupt shared ring).
    pub source_broken: AtomicU64,
}

/// A plain-value copy of [`StreamCounters`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StreamSnapshot {
    /// See [`StreamCounters::received`].
    pub received: u64,
    /// See [`StreamCounters::accepted`].
    pub accepted: u64,
    /// See [`StreamCounters::rejected`].
    pub rejected: [u64; 4],
    /// See [`StreamCounters::by_kind`].
    pub by_kind: [u64; 5],
    /// See [`StreamCounters::seq_missing`].
    pub seq_missing: u64,
    /// See [`StreamCounters::seq_regressions`].
    pub seq_regressions: u64,
    /// See [`StreamCounters::last_seq`].
    pub last_seq: u64,
    /// See [`StreamCounters::fingerprint`].
    pub fingerprint: u64,
    /// See [`StreamCounters::batches`].
    pub batches: u64,
    /// See [`StreamCounters::source_broken`].
    pub source_broken: bool,
}

impl StreamCounters {
    /// Reads all counters (each is individually consistent; the set is as of one moment
    /// between two batches only if the stream is idle).
    #[must_use]
    pub fn snapshot(&self) -> StreamSnapshot {
        let r = |a: &AtomicU64| a.load(Ordering::Acquire);
        StreamSnapshot {
            received: r(&self.received),
            accepted: r(&self.accepted),
            rejected: std::array::from_fn(|i| r(&self.rejected[i])),
            by_kind: std::array::from_fn(|i| r(&self.by_kind[i])),
            seq_missing: r(&self.seq_missing),
            seq_regressions: r(&self.seq_regressions),
            last_seq: r(&self.last_seq),
            fingerprint: r(&self.fingerprint),
            batches: r(&self.batches),
            source_broken: r(&self.source_broken) != 0,
        }
    }
}

/// A sink that validates every record and keeps counts, sequence checks and a fingerprint,
/// publishing them to shared [`StreamCounters`] after each batch. It is the foundation's
/// consumer and the template for the engine's.
#[derive(Debug)]
pub struct StreamStats {
    shared: Arc<StreamCounters>,
    local: StreamSnapshot,
    started: bool,
}

impl StreamStats {
    /// A sink publishing to `shared`.
    #[must_use]
    pub fn new(shared: Arc<StreamCounters>) -> Self {
        Self {
            shared,
            local: StreamSnapshot::default(),
            started: false,
        }
    }

    /// Processes one record.
    #[inline]
    pub fn observe(&mut self, e: &MarketEvent) {
        let l = &mut self.local;
        l.received += 1;
        l.fingerprint = l.fingerprint.wrapping_add(e.fingerprint());
        if self.started {
            if e.seq > l.last_seq {
                l.seq_missing += e.seq - l.last_seq - 1;
            } else {
                l.seq_regressions += 1;
            }
        }
        self.started = true;
        l.last_seq = e.seq;
        match e.validate() {
            Ok(kind) => {
                l.accepted += 1;
                l.by_kind[kind as usize - 1] += 1;
            }
            Err(err) => l.rejected[err.index()] += 1,
        }
    }

    fn publish(&self) {
        let s = &self.shared;
        let l = &self.local;
        let w = |a: &AtomicU64, v: u64| a.store(v, Ordering::Release);
        w(&s.received, l.received);
        w(&s.accepted, l.accepted);
        for i in 0..4 {
            w(&s.rejected[i], l.rejected[i]);
        }
        for i in 0..5 {
            w(&s.by_kind[i], l.by_kind[i]);
        }
        w(&s.seq_missing, l.seq_missing);
        w(&s.seq_regressions, l.seq_regressions);
        w(&s.last_seq, l.last_seq);
        w(&s.fingerprint, l.fingerprint);
        w(&s.batches, l.batches);
    }
}

impl EventSink for StreamStats {
    fn on_events(&mut self, events: &[MarketEvent]) {
        for e in events {
            self.observe(e);
        }
        self.local.batches += 1;
        self.publish();
    }

    fn on_source_error(&mut self, _err: RingError) {
        self.shared.source_broken.store(1, Ordering::Release);
    }
}

/// Reason codes in the order of [`StreamCounters::rejected`].
pub const REJECT_CODES: [&str; 4] = EventError::CODES;

/// Kind names in the order of [`StreamCounters::by_kind`].
pub const KIND_NAMES: [&str; 5] = ["trade", "bidLevel", "askLevel", "bookClear", "heartbeat"];

const _: () = assert!(EventKind::Heartbeat as usize == KIND_NAMES.len());

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(seq: u64) -> MarketEvent {
        MarketEvent {
            seq,
            price: 100 + seq as i64,
            qty: 1,
            kind: 1,
            side: 1,
            ..Default::default()
        }
    }

    #[test]
    fn stats_count_validate_and_check_sequence() {
        let c = Arc::new(StreamCounters::default());
        let mut s = StreamStats::new(Arc::clone(&c));
        let mut bad = ev(3);
        bad.qty = 0;
        s.on_events(&[ev(1), ev(2), bad, ev(6), ev(5), ev(5)]);
        let snap = c.snapshot();
        assert_eq!((snap.received, snap.accepted), (6, 5));
        assert_eq!(snap.rejected, [0, 0, 0, 1]);
        assert_eq!(snap.seq_missing, 2); // 4 and 5 skipped at 3→6
        assert_eq!(snap.seq_regressions, 2); // 6→5, 5→5
        let want = [ev(1), ev(2), bad, ev(6), ev(5), ev(5)]
            .iter()
            .fold(0u64, |a, e| a.wrapping_add(e.fingerprint()));
        assert_eq!(snap.fingerprint, want);
    }

    #[test]
    fn consumer_thread_drains_before_stopping() {
        let (mut p, c) = spsc::channel::<MarketEvent>(1024).unwrap();
        let counters = Arc::new(StreamCounters::default());
        let t = ConsumerThread::spawn(
            "test-consumer",
            c,
            StreamStats::new(Arc::clone(&counters)),
            WaitStrategy::default(),
        )
        .unwrap();
        let mut sent = 0u64;
        while sent < 100_000 {
            let n = p.push_with(256.min(100_000 - sent as usize), |k| ev(sent + k as u64));
            sent += n as u64;
            if n == 0 {
                std::thread::yield_now();
            }
        }
        let (_, sink) = t.stop().unwrap();
        assert_eq!(sink.local.received, 100_000);
        let snap = counters.snapshot();
        assert_eq!(
            (snap.accepted, snap.seq_missing, snap.seq_regressions),
            (100_000, 0, 0)
        );
    }
}
