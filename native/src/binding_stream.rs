//! Binding of the JS → Rust market-event stream (`tachyon_core::{stream, shm, ring}`).
//!
//! Two transports feed one Rust consumer thread:
//! - `ring`: JS writes records into a `SharedArrayBuffer` laid out by `tachyon_core::shm` and
//!   publishes them with `Atomics.store`; Rust reads them in place. No N-API call per event.
//! - `push`: JS calls `pushBatch(bytes)` (one call per batch, records copied into a Rust SPSC
//!   ring) or `pushOne(...)` (one call per event; the baseline the others are measured against).

use std::sync::Arc;

use napi::bindgen_prelude::{BigInt, External, Uint8Array, Unknown};
use napi::{sys, Env, JsValue};
use napi_derive::napi;
use tachyon_core::event::{MarketEvent, EVENT_SIZE};
use tachyon_core::ring::spsc;
use tachyon_core::shm::SharedRingConsumer;
use tachyon_core::stream::{ConsumerThread, StreamCounters, StreamStats};

use crate::error::{invalid_arg, invalid_state, system, OrThrow, Result};
use crate::options::{safe_integer, EventStreamOptions, StreamConfig, Transport};

/// Records rejected by the consumer's validation, by reason.
#[napi(object)]
#[derive(Debug, Clone, Copy, Default)]
pub struct RejectedCounts {
    pub unknown_kind: f64,
    pub unknown_side: f64,
    pub non_positive_price: f64,
    pub bad_quantity: f64,
}

/// Accepted records by kind.
#[napi(object)]
#[derive(Debug, Clone, Copy, Default)]
pub struct KindCounts {
    pub trade: f64,
    pub bid_level: f64,
    pub ask_level: f64,
    pub book_clear: f64,
    pub heartbeat: f64,
}

/// What the consumer thread has seen so far.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct StreamStatsSnapshot {
    /// Records read (accepted + rejected).
    pub received: f64,
    /// Records that passed validation.
    pub accepted: f64,
    /// Rejections by reason.
    pub rejected: RejectedCounts,
    /// Accepted records by kind.
    pub by_kind: KindCounts,
    /// Sequence numbers skipped (sum of forward jumps).
    pub seq_missing: f64,
    /// Records whose sequence number did not increase (duplicates or reorders).
    pub seq_regressions: f64,
    /// Last sequence number seen.
    pub last_seq: f64,
    /// Wrapping 64-bit sum of every received record's fingerprint (see the TS `fingerprint`).
    pub fingerprint: BigInt,
    /// Batches the consumer handed to its sink.
    pub batches: f64,
    /// The shared ring was found corrupt and is no longer read.
    pub source_broken: bool,
    /// `pushBatch`/`pushOne` records refused because the ring was full.
    pub push_refused: f64,
}

enum Inner {
    // Field order matters: the consumer thread (dropped first: stop + join) must be gone
    // before the view that keeps the shared memory alive is released.
    Ring {
        thread: ConsumerThread<SharedRingConsumer, StreamStats>,
        _view: Uint8Array,
    },
    Push {
        producer: spsc::Producer<MarketEvent>,
        thread: ConsumerThread<spsc::Consumer<MarketEvent>, StreamStats>,
    },
    Unattached,
}

/// The native half of an event stream, held by JS as an opaque `External` handle (a call on a
/// handle costs about half of a class-method call, which unwraps and type-checks `this`
/// through two property lookups). Use the TypeScript `EventStream`, which owns the handle and
/// the shared ring.
pub struct BindingEventStream {
    cfg: StreamConfig,
    counters: Arc<StreamCounters>,
    inner: Option<Inner>,
    push_refused: u64,
}

impl std::fmt::Debug for BindingEventStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BindingEventStream")
            .field("cfg", &self.cfg)
            .finish_non_exhaustive()
    }
}

/// Bytes a shared ring of `capacity` events needs (capacity rounded up to a power of two).
#[napi(catch_unwind)]
pub fn ring_bytes(capacity: u32) -> Result<u32> {
    let cap = StreamConfig::try_from(Some(EventStreamOptions {
        capacity: Some(capacity),
        ..Default::default()
    }))?
    .capacity;
    u32::try_from(tachyon_core::shm::bytes_for(cap)).map_err(|_| invalid_arg("ring too large"))
}

/// Size of one event record in bytes (48).
#[napi]
pub fn event_record_bytes() -> u32 {
    EVENT_SIZE as u32
}

impl BindingEventStream {
    fn stats_snapshot(&self) -> StreamStatsSnapshot {
        let s = self.counters.snapshot();
        StreamStatsSnapshot {
            received: s.received as f64,
            accepted: s.accepted as f64,
            rejected: RejectedCounts {
                unknown_kind: s.rejected[0] as f64,
                unknown_side: s.rejected[1] as f64,
                non_positive_price: s.rejected[2] as f64,
                bad_quantity: s.rejected[3] as f64,
            },
            by_kind: KindCounts {
                trade: s.by_kind[0] as f64,
                bid_level: s.by_kind[1] as f64,
                ask_level: s.by_kind[2] as f64,
                book_clear: s.by_kind[3] as f64,
                heartbeat: s.by_kind[4] as f64,
            },
            seq_missing: s.seq_missing as f64,
            seq_regressions: s.seq_regressions as f64,
            last_seq: s.last_seq as f64,
            fingerprint: BigInt::from(s.fingerprint),
            batches: s.batches as f64,
            source_broken: s.source_broken,
            push_refused: self.push_refused as f64,
        }
    }

    fn producer(&mut self) -> Result<&mut spsc::Producer<MarketEvent>> {
        match &mut self.inner {
            Some(Inner::Push { producer, .. }) => Ok(producer),
            Some(_) => Err(invalid_state(
                "this stream uses the shared ring; push calls need transport 'push'",
            )),
            None => Err(invalid_state("stream is closed")),
        }
    }
}

/// Returns `true` if `value` is a typed array whose buffer is a `SharedArrayBuffer`.
fn is_shared_view(env: &Env, value: &Unknown<'_>) -> Result<bool> {
    let mut is_typed = false;
    // SAFETY: plain N-API queries on a live value in the current scope.
    let status = unsafe { sys::napi_is_typedarray(env.raw(), value.raw(), &mut is_typed) };
    if status != sys::Status::napi_ok || !is_typed {
        return Ok(false);
    }
    let mut buffer = std::ptr::null_mut();
    // SAFETY: as above; only the arraybuffer out-parameter is requested.
    let status = unsafe {
        sys::napi_get_typedarray_info(
            env.raw(),
            value.raw(),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            &mut buffer,
            std::ptr::null_mut(),
        )
    };
    if status != sys::Status::napi_ok {
        return Ok(false);
    }
    // A SharedArrayBuffer is not an ArrayBuffer for N-API; a detachable ArrayBuffer is
    // refused because JS could transfer it away while Rust reads it.
    let mut is_plain = true;
    // SAFETY: `buffer` is a live value returned just above.
    let status = unsafe { sys::napi_is_arraybuffer(env.raw(), buffer, &mut is_plain) };
    Ok(status == sys::Status::napi_ok && !is_plain)
}

// Handles are `External<BindingEventStream>` in every signature (napi's typegen does not
// declare Rust type aliases, so an alias would leave an undefined name in index.d.ts).

/// Creates a stream. With `transport: 'push'` the consumer thread starts now; with `'ring'`
/// (default) it starts at `streamAttachRing`.
#[napi(catch_unwind)]
pub fn stream_new(options: Option<EventStreamOptions>) -> Result<External<BindingEventStream>> {
    let cfg = StreamConfig::try_from(options)?;
    let counters = Arc::new(StreamCounters::default());
    let inner = match cfg.transport {
        Transport::Ring => Inner::Unattached,
        Transport::Push => {
            let (producer, consumer) = spsc::channel(cfg.capacity).or_throw()?;
            let sink = StreamStats::new(Arc::clone(&counters));
            let thread = ConsumerThread::spawn("tachyon-stream", consumer, sink, cfg.wait)
                .map_err(|e| system(format!("cannot start consumer thread: {e}")))?;
            Inner::Push { producer, thread }
        }
    };
    Ok(External::new(BindingEventStream {
        cfg,
        counters,
        inner: Some(inner),
        push_refused: 0,
    }))
}

/// Ring capacity in events (a power of two).
#[napi]
pub fn stream_capacity(stream: &External<BindingEventStream>) -> u32 {
    stream.cfg.capacity as u32
}

/// Attaches a `Uint8Array` over a `SharedArrayBuffer` of `ringBytes(capacity)` bytes,
/// initialises its header and starts the consumer thread. Returns the capacity.
#[napi(catch_unwind)]
pub fn stream_attach_ring(
    env: Env,
    stream: &mut External<BindingEventStream>,
    view: Unknown<'_>,
) -> Result<u32> {
    let s: &mut BindingEventStream = stream;
    match &s.inner {
        Some(Inner::Unattached) => {}
        Some(Inner::Push { .. }) => {
            return Err(invalid_state(
                "this stream uses transport 'push'; create it with transport 'ring'",
            ))
        }
        Some(Inner::Ring { .. }) => return Err(invalid_state("a ring is already attached")),
        None => return Err(invalid_state("stream is closed")),
    }
    if !is_shared_view(&env, &view)? {
        return Err(invalid_arg(
            "attachRing needs a Uint8Array over a SharedArrayBuffer",
        ));
    }
    // SAFETY: `view` is a live typed array value of this call's scope.
    let mut view: Uint8Array =
        unsafe { napi::bindgen_prelude::FromNapiValue::from_napi_value(env.raw(), view.raw()) }
            .map_err(|e| invalid_arg(e.reason.clone()))?;
    let want = tachyon_core::shm::bytes_for(s.cfg.capacity);
    if view.len() != want {
        return Err(invalid_arg(format!(
            "ring buffer must be exactly {want} bytes for capacity {}, got {}",
            s.cfg.capacity,
            view.len()
        )));
    }
    // SAFETY: the memory belongs to a SharedArrayBuffer (cannot be detached) kept alive by
    // `view`, which `Inner::Ring` holds until after the consumer thread is joined. Only the
    // TS RingWriter writes head and records.
    let ring =
        unsafe { SharedRingConsumer::attach(view.as_mut().as_mut_ptr(), view.len()) }.or_throw()?;
    let sink = StreamStats::new(Arc::clone(&s.counters));
    let thread = ConsumerThread::spawn("tachyon-ring", ring, sink, s.cfg.wait)
        .map_err(|e| system(format!("cannot start consumer thread: {e}")))?;
    s.inner = Some(Inner::Ring {
        thread,
        _view: view,
    });
    Ok(s.cfg.capacity as u32)
}

/// Copies whole 48-byte records from `bytes` into the stream. Returns how many were accepted
/// (fewer than given when the ring is full; push the rest again). `ERR_INVALID_ARG` if the
/// length is not a multiple of 48 or exceeds the capacity.
#[napi(catch_unwind)]
pub fn stream_push_batch(stream: &mut External<BindingEventStream>, bytes: &[u8]) -> Result<u32> {
    let s: &mut BindingEventStream = stream;
    if !bytes.len().is_multiple_of(EVENT_SIZE) {
        return Err(invalid_arg(format!(
            "batch length {} is not a multiple of the {EVENT_SIZE}-byte record",
            bytes.len()
        )));
    }
    let n = bytes.len() / EVENT_SIZE;
    let cap = s.cfg.capacity;
    if n > cap {
        return Err(invalid_arg(format!(
            "batch of {n} records exceeds the stream capacity of {cap}"
        )));
    }
    let producer = s.producer()?;
    let pushed = producer.push_with(n, |k| {
        let rec: &[u8; EVENT_SIZE] = bytes[k * EVENT_SIZE..(k + 1) * EVENT_SIZE]
            .try_into()
            .unwrap_or(&[0; EVENT_SIZE]);
        MarketEvent::from_bytes(rec)
    });
    s.push_refused += (n - pushed) as u64;
    Ok(pushed as u32)
}

/// Pushes one event (one N-API call per event: the baseline). Prices and quantities are
/// fixed-point mantissas; `tsUs` is microseconds since the epoch. Returns `false` if full.
#[napi(catch_unwind)]
pub fn stream_push_one(
    stream: &mut External<BindingEventStream>,
    kind: u32,
    instrument: u32,
    side: u32,
    ts_us: f64,
    price: f64,
    qty: f64,
    seq: f64,
) -> Result<bool> {
    let s: &mut BindingEventStream = stream;
    let e = MarketEvent {
        ts_ns: safe_integer(ts_us, "tsUs")?.saturating_mul(1_000),
        seq: safe_integer(seq, "seq")? as u64,
        price: safe_integer(price, "price")?,
        qty: safe_integer(qty, "qty")?,
        instrument,
        kind: u8::try_from(kind).unwrap_or(u8::MAX),
        side: u8::try_from(side).unwrap_or(u8::MAX),
        flags: 0,
        aux: 0,
    };
    let ok = s.producer()?.push(e).is_ok();
    if !ok {
        s.push_refused += 1;
    }
    Ok(ok)
}

/// Counters from the consumer thread.
#[napi]
pub fn stream_stats(stream: &External<BindingEventStream>) -> StreamStatsSnapshot {
    stream.stats_snapshot()
}

/// Drains everything published, stops the consumer thread and returns the final counters.
/// Calling it again returns the same counters.
#[napi(catch_unwind)]
pub fn stream_close(stream: &mut External<BindingEventStream>) -> StreamStatsSnapshot {
    let s: &mut BindingEventStream = stream;
    match s.inner.take() {
        Some(Inner::Ring { thread, _view }) => {
            if let Some((ring, _)) = thread.stop() {
                ring.set_status(tachyon_core::shm::status::CLOSED);
            }
            drop(_view);
        }
        Some(Inner::Push { producer, thread }) => {
            drop(producer);
            drop(thread.stop());
        }
        Some(Inner::Unattached) | None => {}
    }
    s.stats_snapshot()
}

/// `true` once `streamClose` has run.
#[napi]
pub fn stream_closed(stream: &External<BindingEventStream>) -> bool {
    stream.inner.is_none()
}
