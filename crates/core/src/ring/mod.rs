//! Lock-free queues: a single-producer single-consumer ring ([`spsc`]) and a bounded
//! multi-producer multi-consumer queue ([`mpmc`]).
//!
//! Both have a fixed power-of-two capacity, never allocate after construction and never block:
//! a full queue hands the value back, an empty one returns `None`. Waiting is the caller's
//! policy (see [`crate::stream::WaitStrategy`]).

pub mod mpmc;
pub mod spsc;

/// Rounds a requested capacity up to a power of two (at least 2).
///
/// # Errors
/// Returns the requested capacity back if it is zero or too large to round.
pub(crate) fn pow2_capacity(requested: usize) -> Result<usize, usize> {
    if requested == 0 {
        return Err(requested);
    }
    requested
        .max(2)
        .checked_next_power_of_two()
        .ok_or(requested)
}

/// Why a queue could not be built.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("queue capacity {0} is invalid (must be between 1 and 2^62)")]
pub struct CapacityError(pub usize);

impl CapacityError {
    /// Stable machine-readable code.
    #[must_use]
    pub fn code(&self) -> &'static str {
        "ERR_RING_CAPACITY"
    }
}
