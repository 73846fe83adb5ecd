//! A timer-driven sampling profiler (which runtime code ever runs). While enabled, the
//! timer interrupt runs at [`SAMPLE_HZ`] and records the interrupted instruction pointer; the
//! program symbolizes the samples (with /boot/kernel.sym) at exit. The coarse tick count
//! (`arch::interrupts::timer::ticks`) keeps its rate: only every
//! `SAMPLE_HZ / TIMER_HZ`-th interrupt is a tick then.

use core::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};

/// Sampling rate while enabled.
pub const SAMPLE_HZ: u32 = 1000;
const MAX_SAMPLES: usize = 1 << 17;

static ENABLED: AtomicBool = AtomicBool::new(false);
static COUNT: AtomicUsize = AtomicUsize::new(0);
static SAMPLES: [AtomicU64; MAX_SAMPLES] = [const { AtomicU64::new(0) }; MAX_SAMPLES];

/// Start sampling: the timer interrupt switches to [`SAMPLE_HZ`].
pub fn start() {
    ENABLED.store(true, Ordering::Relaxed);
    crate::arch::interrupts::set_rate(SAMPLE_HZ);
}

/// Whether sampling is on.
pub fn enabled() -> bool {
    ENABLED.load(Ordering::Relaxed)
}

/// Record one sample (from the timer interrupt).
pub fn record(rip: u64) {
    let i = COUNT.fetch_add(1, Ordering::Relaxed);
    if i < MAX_SAMPLES {
        SAMPLES[i].store(rip, Ordering::Relaxed);
    }
}

/// The samples so far (instruction pointers), and how many were dropped for lack of room.
pub fn samples() -> (alloc::vec::Vec<u64>, usize) {
    let n = COUNT.load(Ordering::Relaxed);
    let kept = n.min(MAX_SAMPLES);
    (SAMPLES[..kept].iter().map(|s| s.load(Ordering::Relaxed)).collect(), n - kept)
}
