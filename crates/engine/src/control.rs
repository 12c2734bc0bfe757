//! Control modes, the transition log, the kill switch and the dead-man heartbeat.
//!
//! [`Control`] holds the trading [`Mode`] in an atomic byte: [`Control::mode`] is one
//! `Acquire` load, safe and cheap from any thread (the OMS reads it before every order).
//! Every change goes through one mutex that also appends a [`Transition`] record
//! `{seq, ts_ns, from, to, reason, source}` to an append-only in-memory log (the journal of the
//! runtime issue will persist the same shape).
//!
//! # Allowed transitions
//! Severity order: `Normal < Pause < Reduce < Emergency`.
//! - An operator ([`Control::request`]: API, CLI) moves freely between Normal, Pause and Reduce
//!   and can always go to Emergency.
//! - Automatic sources ([`Control::escalate`]: circuit breakers, the dead-man heartbeat, a
//!   signal) only ever raise the severity; they never relax it.
//! - Nothing leaves Emergency except [`Control::reset`] with the configured reset key, to
//!   Normal, Pause or Reduce. Without a configured key Emergency is final for the process.
//!
//! [`Mode::allows`] states these rules as a pure function (the property tests check every
//! recorded transition against it).

use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU8, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::Duration;

use tachyon_core::{Clock, Timestamp};

use crate::error::EngineError;

/// The trading mode.
#[repr(u8)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Mode {
    /// Everything allowed within limits.
    Normal = 0,
    /// No new orders (cancels are always allowed).
    Pause = 1,
    /// Only position-reducing orders, in stages of at most `reduceStage` of the position.
    Reduce = 2,
    /// Cancel everything and flatten: only full position-reducing orders pass.
    Emergency = 3,
}

impl Mode {
    /// Every mode in severity order.
    pub const ALL: [Self; 4] = [Self::Normal, Self::Pause, Self::Reduce, Self::Emergency];

    /// Lower-case name.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Normal => "normal",
            Self::Pause => "pause",
            Self::Reduce => "reduce",
            Self::Emergency => "emergency",
        }
    }

    /// Parses [`Mode::name`].
    #[must_use]
    pub fn from_name(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.name() == s)
    }

    #[inline]
    fn from_u8(v: u8) -> Self {
        match v {
            0 => Self::Normal,
            1 => Self::Pause,
            2 => Self::Reduce,
            _ => Self::Emergency,
        }
    }

    /// `true` if `via` may move the mode from `self` to `to` (`self != to`).
    #[must_use]
    pub fn allows(self, to: Self, via: Via) -> bool {
        if self == to {
            return false;
        }
        match via {
            Via::Operator => self != Self::Emergency,
            Via::Automatic => to > self,
            Via::Reset => self == Self::Emergency,
        }
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The kind of move, for [`Mode::allows`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    /// An explicit command ([`Control::request`]).
    Operator,
    /// A trigger, signal or heartbeat ([`Control::escalate`]): only raises severity.
    Automatic,
    /// An authorised reset out of Emergency ([`Control::reset`]).
    Reset,
}

/// Who asked for a transition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Source {
    /// The programmatic API (Rust or TypeScript).
    Api,
    /// The command line.
    Cli,
    /// A process signal (e.g. SIGUSR2).
    Signal,
    /// The dead-man heartbeat expired.
    Heartbeat,
    /// A circuit breaker (slippage, staleness, spread, venue errors, drawdown, daily loss).
    Trigger,
    /// An authorised reset out of Emergency.
    Reset,
}

impl Source {
    /// Every source.
    pub const ALL: [Self; 6] = [
        Self::Api,
        Self::Cli,
        Self::Signal,
        Self::Heartbeat,
        Self::Trigger,
        Self::Reset,
    ];

    /// Lower-case name.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Api => "api",
            Self::Cli => "cli",
            Self::Signal => "signal",
            Self::Heartbeat => "heartbeat",
            Self::Trigger => "trigger",
            Self::Reset => "reset",
        }
    }

    /// Parses [`Source::name`].
    #[must_use]
    pub fn from_name(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.name() == s)
    }
}

/// One recorded mode change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transition {
    /// 1, 2, 3 … without gaps.
    pub seq: u64,
    /// When it happened (the caller's clock), ns since the epoch.
    pub ts_ns: i64,
    /// Mode before.
    pub from: Mode,
    /// Mode after.
    pub to: Mode,
    /// Why, in words (e.g. `"slippage 14.0 bps > 3 × expected 4.0 bps"`).
    pub reason: String,
    /// Who asked.
    pub source: Source,
}

/// Settings of a [`Control`].
#[derive(Clone, Default, PartialEq, Eq)]
pub struct ControlConfig {
    /// The key [`Control::reset`] must be given to leave Emergency (at least 8 characters).
    /// `None`: Emergency cannot be left in this process.
    pub reset_key: Option<String>,
    /// Dead-man interval: if armed and no heartbeat arrives within it, Emergency. `None`: off
    /// until [`Control::arm_heartbeat`].
    pub heartbeat_ms: Option<u64>,
}

impl fmt::Debug for ControlConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ControlConfig")
            .field("reset_key", &self.reset_key.as_ref().map(|_| "<redacted>"))
            .field("heartbeat_ms", &self.heartbeat_ms)
            .finish()
    }
}

impl ControlConfig {
    /// Checks the fields (names are the documented `control.*` keys).
    ///
    /// # Errors
    /// [`EngineError::Config`] for a reset key shorter than 8 characters or a zero interval.
    pub fn validate(&self) -> Result<(), EngineError> {
        if let Some(k) = &self.reset_key {
            if k.chars().count() < 8 {
                return Err(EngineError::Config {
                    field: "control.resetKey".into(),
                    reason: "must be at least 8 characters".into(),
                });
            }
        }
        if self.heartbeat_ms == Some(0) {
            return Err(EngineError::Config {
                field: "control.heartbeatMs".into(),
                reason: "must be positive".into(),
            });
        }
        Ok(())
    }
}

/// The shared control state (see the [module docs](self)). Share it as `Arc<Control>`.
pub struct Control {
    mode: AtomicU8,
    log: Mutex<Vec<Transition>>,
    reset_key: Option<Box<[u8]>>,
    /// Dead-man interval in ns; 0 = disarmed.
    hb_interval: AtomicI64,
    /// Last heartbeat, ns.
    hb_last: AtomicI64,
}

impl fmt::Debug for Control {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Control")
            .field("mode", &self.mode())
            .field(
                "heartbeat_interval_ns",
                &self.hb_interval.load(Ordering::Relaxed),
            )
            .finish_non_exhaustive()
    }
}

impl Control {
    /// Starts in [`Mode::Normal`] with an empty log; the heartbeat (if configured) is armed
    /// from `now`.
    ///
    /// # Errors
    /// As [`ControlConfig::validate`].
    pub fn new(config: &ControlConfig, now: Timestamp) -> Result<Self, EngineError> {
        config.validate()?;
        let interval = config.heartbeat_ms.map_or(0, |ms| {
            i64::try_from(ms.saturating_mul(1_000_000)).unwrap_or(i64::MAX)
        });
        Ok(Self {
            mode: AtomicU8::new(Mode::Normal as u8),
            log: Mutex::new(Vec::new()),
            reset_key: config
                .reset_key
                .as_ref()
                .map(|k| k.as_bytes().to_vec().into_boxed_slice()),
            hb_interval: AtomicI64::new(interval),
            hb_last: AtomicI64::new(now.as_nanos()),
        })
    }

    /// The current mode: one atomic load.
    #[inline]
    #[must_use]
    pub fn mode(&self) -> Mode {
        Mode::from_u8(self.mode.load(Ordering::Acquire))
    }

    fn lock(&self) -> MutexGuard<'_, Vec<Transition>> {
        // A panic while holding the lock cannot leave the Vec half-written (push is the only
        // mutation), so a poisoned lock is still consistent.
        self.log
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn apply(
        &self,
        log: &mut Vec<Transition>,
        from: Mode,
        to: Mode,
        source: Source,
        reason: String,
        now: Timestamp,
    ) -> Transition {
        self.mode.store(to as u8, Ordering::Release);
        let t = Transition {
            seq: log.len() as u64 + 1,
            ts_ns: now.as_nanos(),
            from,
            to,
            reason,
            source,
        };
        log.push(t.clone());
        t
    }

    /// An operator's command (API, CLI). Returns `None` if already in `to`.
    ///
    /// # Errors
    /// [`EngineError::Transition`] when in Emergency (use [`Control::reset`]).
    pub fn request(
        &self,
        to: Mode,
        source: Source,
        reason: &str,
        now: Timestamp,
    ) -> Result<Option<Transition>, EngineError> {
        let mut log = self.lock();
        let from = self.mode();
        if from == to {
            return Ok(None);
        }
        if !from.allows(to, Via::Operator) {
            return Err(EngineError::Transition {
                from,
                to,
                hint: "; leaving emergency needs reset() with the reset key",
            });
        }
        Ok(Some(self.apply(
            &mut log,
            from,
            to,
            source,
            reason.to_owned(),
            now,
        )))
    }

    /// An automatic move (breaker, heartbeat, signal): applied only if `to` is more severe than
    /// the current mode; returns the transition if one happened.
    pub fn escalate(
        &self,
        to: Mode,
        source: Source,
        reason: impl Into<String>,
        now: Timestamp,
    ) -> Option<Transition> {
        // Fast path: nothing to do (no lock).
        if self.mode() >= to {
            return None;
        }
        let mut log = self.lock();
        let from = self.mode();
        if !from.allows(to, Via::Automatic) {
            return None;
        }
        Some(self.apply(&mut log, from, to, source, reason.into(), now))
    }

    /// The kill switch: Emergency now (no-op if already there).
    pub fn kill(&self, source: Source, reason: &str, now: Timestamp) -> Option<Transition> {
        self.escalate(Mode::Emergency, source, reason, now)
    }

    /// Leaves Emergency for `to` (Normal, Pause or Reduce) given the reset key. The key is
    /// compared in constant time and never recorded; `operator` goes into the reason.
    ///
    /// # Errors
    /// [`EngineError::ResetDenied`] without a configured key or with a wrong one;
    /// [`EngineError::Transition`] if not in Emergency or `to` is Emergency.
    pub fn reset(
        &self,
        key: &str,
        to: Mode,
        operator: &str,
        now: Timestamp,
    ) -> Result<Transition, EngineError> {
        let Some(expected) = &self.reset_key else {
            return Err(EngineError::ResetDenied(
                "no reset key is configured (control.resetKey); emergency is final",
            ));
        };
        if !ct_eq(expected, key.as_bytes()) {
            return Err(EngineError::ResetDenied("wrong reset key"));
        }
        let mut log = self.lock();
        let from = self.mode();
        if !from.allows(to, Via::Reset) {
            return Err(EngineError::Transition {
                from,
                to,
                hint: "; reset only leaves emergency",
            });
        }
        let who = if operator.trim().is_empty() {
            "unnamed operator"
        } else {
            operator.trim()
        };
        Ok(self.apply(
            &mut log,
            from,
            to,
            Source::Reset,
            format!("authorised reset by {who}"),
            now,
        ))
    }

    /// Every transition so far, oldest first.
    #[must_use]
    pub fn transitions(&self) -> Vec<Transition> {
        self.lock().clone()
    }

    /// Transitions with `seq > after`.
    #[must_use]
    pub fn transitions_since(&self, after: u64) -> Vec<Transition> {
        let log = self.lock();
        let start = usize::try_from(after).unwrap_or(usize::MAX).min(log.len());
        log[start..].to_vec()
    }

    /// Arms (or re-arms) the dead-man switch: Emergency if no heartbeat within `interval_ns`.
    ///
    /// # Errors
    /// [`EngineError::Config`] for a non-positive interval.
    pub fn arm_heartbeat(&self, interval_ns: i64, now: Timestamp) -> Result<(), EngineError> {
        if interval_ns <= 0 {
            return Err(EngineError::Config {
                field: "control.heartbeatMs".into(),
                reason: "must be positive".into(),
            });
        }
        self.hb_last.store(now.as_nanos(), Ordering::Release);
        self.hb_interval.store(interval_ns, Ordering::Release);
        Ok(())
    }

    /// Turns the dead-man switch off.
    pub fn disarm_heartbeat(&self) {
        self.hb_interval.store(0, Ordering::Release);
    }

    /// The orchestrator is alive.
    #[inline]
    pub fn heartbeat(&self, now: Timestamp) {
        self.hb_last.fetch_max(now.as_nanos(), Ordering::AcqRel);
    }

    /// Trips the kill switch if the heartbeat is armed and overdue at `now`.
    pub fn check_heartbeat(&self, now: Timestamp) -> Option<Transition> {
        let interval = self.hb_interval.load(Ordering::Acquire);
        if interval <= 0 {
            return None;
        }
        let last = self.hb_last.load(Ordering::Acquire);
        let late = now.as_nanos().saturating_sub(last);
        if late <= interval {
            return None;
        }
        self.kill(
            Source::Heartbeat,
            &format!(
                "no heartbeat for {:.1} ms (dead-man interval {:.1} ms)",
                late as f64 / 1e6,
                interval as f64 / 1e6
            ),
            now,
        )
    }
}

/// Constant-time byte comparison (length is not secret).
fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A thread that calls [`Control::check_heartbeat`] every `poll` on a clock; stops (and joins)
/// on drop or [`Watchdog::stop`].
pub struct Watchdog {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl fmt::Debug for Watchdog {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Watchdog")
            .field("running", &self.thread.is_some())
            .finish()
    }
}

impl Watchdog {
    /// Starts the thread.
    ///
    /// # Errors
    /// The OS error if the thread cannot be spawned.
    pub fn spawn(
        control: Arc<Control>,
        clock: Arc<dyn Clock>,
        poll: Duration,
    ) -> std::io::Result<Self> {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        let thread = std::thread::Builder::new()
            .name("tachyon-deadman".into())
            .spawn(move || {
                while !flag.load(Ordering::Acquire) {
                    control.check_heartbeat(clock.now());
                    std::thread::park_timeout(poll);
                }
            })?;
        Ok(Self {
            stop,
            thread: Some(thread),
        })
    }

    /// Stops and joins the thread.
    pub fn stop(&mut self) {
        self.stop.store(true, Ordering::Release);
        if let Some(t) = self.thread.take() {
            t.thread().unpark();
            let _ = t.join();
        }
    }
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        self.stop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tachyon_core::SimClock;

    fn ts(ns: i64) -> Timestamp {
        Timestamp::from_nanos(ns)
    }

    fn control(key: Option<&str>) -> Control {
        Control::new(
            &ControlConfig {
                reset_key: key.map(str::to_owned),
                heartbeat_ms: None,
            },
            ts(0),
        )
        .unwrap()
    }

    #[test]
    fn operator_moves_and_log_shape() {
        let c = control(Some("letmein-123"));
        assert_eq!(c.mode(), Mode::Normal);
        let t = c
            .request(Mode::Pause, Source::Api, "lunch", ts(10))
            .unwrap()
            .unwrap();
        assert_eq!(
            t,
            Transition {
                seq: 1,
                ts_ns: 10,
                from: Mode::Normal,
                to: Mode::Pause,
                reason: "lunch".into(),
                source: Source::Api
            }
        );
        assert!(c
            .request(Mode::Pause, Source::Api, "again", ts(11))
            .unwrap()
            .is_none());
        c.request(Mode::Reduce, Source::Cli, "derisk", ts(12))
            .unwrap();
        c.request(Mode::Normal, Source::Api, "resume", ts(13))
            .unwrap();
        assert_eq!(c.mode(), Mode::Normal);
        assert_eq!(c.transitions().len(), 3);
        assert_eq!(c.transitions_since(2).len(), 1);
        assert_eq!(c.transitions_since(99).len(), 0);
    }

    #[test]
    fn automatic_moves_only_escalate() {
        let c = control(None);
        c.request(Mode::Reduce, Source::Api, "x", ts(1)).unwrap();
        assert!(c
            .escalate(Mode::Pause, Source::Trigger, "spread", ts(2))
            .is_none());
        assert_eq!(c.mode(), Mode::Reduce);
        let t = c.kill(Source::Signal, "SIGUSR2", ts(3)).unwrap();
        assert_eq!(
            (t.from, t.to, t.source),
            (Mode::Reduce, Mode::Emergency, Source::Signal)
        );
        assert!(c.kill(Source::Api, "again", ts(4)).is_none());
        assert_eq!(c.transitions().len(), 2);
    }

    #[test]
    fn emergency_needs_an_authorised_reset() {
        let c = control(Some("correct horse"));
        c.kill(Source::Api, "test", ts(1)).unwrap();
        for m in [Mode::Normal, Mode::Pause, Mode::Reduce] {
            assert!(matches!(
                c.request(m, Source::Api, "nope", ts(2)),
                Err(EngineError::Transition { .. })
            ));
        }
        assert!(matches!(
            c.reset("wrong horse", Mode::Normal, "bob", ts(3)),
            Err(EngineError::ResetDenied(_))
        ));
        assert!(matches!(
            c.reset("correct horse", Mode::Emergency, "bob", ts(3)),
            Err(EngineError::Transition { .. })
        ));
        assert_eq!(c.mode(), Mode::Emergency);
        let t = c.reset("correct horse", Mode::Pause, "bob", ts(4)).unwrap();
        assert_eq!(
            (t.from, t.to, t.source),
            (Mode::Emergency, Mode::Pause, Source::Reset)
        );
        assert!(!t.reason.contains("correct horse"));
        assert!(t.reason.contains("bob"));
        // not in emergency any more: a second reset is refused
        assert!(c
            .reset("correct horse", Mode::Normal, "bob", ts(5))
            .is_err());
        // without a key, emergency is final
        let k = control(None);
        k.kill(Source::Api, "x", ts(1));
        assert!(matches!(
            k.reset("anything", Mode::Normal, "bob", ts(2)),
            Err(EngineError::ResetDenied(_))
        ));
        assert!(ControlConfig {
            reset_key: Some("short".into()),
            heartbeat_ms: None
        }
        .validate()
        .is_err());
        assert!(!format!(
            "{:?}",
            ControlConfig {
                reset_key: Some("secret-key".into()),
                heartbeat_ms: None
            }
        )
        .contains("secret-key"));
    }

    #[test]
    fn dead_man_trips_deterministically() {
        let c = Control::new(
            &ControlConfig {
                reset_key: None,
                heartbeat_ms: Some(100),
            },
            ts(0),
        )
        .unwrap();
        let ms = 1_000_000;
        assert!(c.check_heartbeat(ts(100 * ms)).is_none());
        c.heartbeat(ts(90 * ms));
        assert!(c.check_heartbeat(ts(190 * ms)).is_none());
        let t = c.check_heartbeat(ts(190 * ms + 1)).unwrap();
        assert_eq!(
            (t.to, t.source, t.ts_ns),
            (Mode::Emergency, Source::Heartbeat, 190 * ms + 1)
        );
        c.disarm_heartbeat();
        assert!(c.check_heartbeat(ts(10_000 * ms)).is_none());
        assert!(c.arm_heartbeat(0, ts(0)).is_err());
    }

    #[test]
    fn watchdog_thread_trips_on_a_sim_clock() {
        let clock = Arc::new(SimClock::new(ts(0)));
        let c = Arc::new(
            Control::new(
                &ControlConfig {
                    reset_key: None,
                    heartbeat_ms: Some(50),
                },
                ts(0),
            )
            .unwrap(),
        );
        let mut w =
            Watchdog::spawn(Arc::clone(&c), clock.clone(), Duration::from_millis(1)).unwrap();
        clock.set(ts(40_000_000)).unwrap();
        c.heartbeat(clock.now());
        std::thread::sleep(Duration::from_millis(20));
        assert_eq!(c.mode(), Mode::Normal);
        clock.set(ts(200_000_000)).unwrap();
        let deadline = std::time::Instant::now() + Duration::from_secs(5);
        while c.mode() != Mode::Emergency && std::time::Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(1));
        }
        w.stop();
        assert_eq!(c.mode(), Mode::Emergency);
        assert_eq!(c.transitions()[0].source, Source::Heartbeat);
    }

    #[test]
    fn mode_reads_from_many_threads_see_the_kill() {
        let c = Arc::new(control(None));
        let seen: Vec<_> = (0..4)
            .map(|_| {
                let c = Arc::clone(&c);
                std::thread::spawn(move || {
                    while c.mode() != Mode::Emergency {
                        std::hint::spin_loop();
                    }
                    true
                })
            })
            .collect();
        c.kill(Source::Api, "go", ts(1));
        assert!(seen.into_iter().all(|h| h.join().unwrap()));
    }
}
