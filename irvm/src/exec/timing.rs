//! Cycle accounting with the TSC. Every activation is timed (one rdtsc at entry, one at exit)
//! until its function has had `EXACT_CALLS` calls; after that, a function whose activations
//! average under `TINY_CYCLES` exclusive is timed on a pseudo-random 1 in `SAMPLE` of its calls
//! on average, then more sparsely as its timed calls accumulate (1 in `timed / GAP_GROWTH`, at
//! most 1 in `MAX_SAMPLE`: the timed calls grow as the square root of the calls), the call count
//! of the next timed call being set, pseudo-randomly, when a timed one returns; each untimed call
//! is charged the function's average exclusive cycles, and its caller that plus what the call's
//! own callees were charged. rdtsc costs ~10 ns here,
//! more than a whole small interpreted call, so timing every call of a tiny function would
//! mostly measure the timer. `Machine::set_exact_cycles(true)` times every call. Call counts,
//! instruction, block, branch and loop counts are always exact.

use crate::vm::{Frame, Machine, rdtsc};

pub(crate) const EXACT_CALLS: u64 = 1024;
pub(crate) const TINY_CYCLES: u64 = 5000;
/// The first sampling, 1 in 64: with 1 in 16 the two `rdtsc` of the timed calls were ~9% of
/// fib's time in a `perf` profile; at 1 in 64 fib ran 5% faster (docs/performance.md, irvm
/// interpreter, fourth round). A function called a million times still has ~5 600 timed calls
/// behind its averages (see `GAP_GROWTH`).
pub(crate) const SAMPLE: u64 = 64;
/// The mean gap between timed calls is `timed / GAP_GROWTH` once that exceeds `SAMPLE`: after
/// n calls a tiny function has had about √(2·GAP_GROWTH·n) timed calls (≈ 28 000 for fib's
/// 24 million), instead of n / SAMPLE (375 000, whose `rdtsc` pairs and slow call path were
/// ~10 % of fib's time in a `perf` profile: docs/performance.md, eleventh round).
pub(crate) const GAP_GROWTH: u64 = 16;
/// The sparsest sampling: 1 in 4096, so that a change of a function's cost is still seen within
/// a few thousand of its calls.
pub(crate) const MAX_SAMPLE: u64 = 4096;

/// TSC for a new activation of `f`, or 0 if this activation is not timed: timed from the call
/// count `time_at` set when the function's last timed activation closed. (The call fast path
/// never gets here: below `check_at`, which is at most `time_at`, a call is untimed.)
#[inline(always)]
pub(crate) fn start(mm: &mut Machine, f: usize) -> u64 {
    if mm.stats[f].calls >= mm.stats[f].time_at { rdtsc() } else { 0 }
}

/// How many calls of a function to leave untimed after a timed one: none while it is timed
/// exactly, else a pseudo-random gap of 0..=2·(mean-1) calls, so that on average 1 call in
/// `mean` is timed, `mean` growing from `SAMPLE` to `MAX_SAMPLE` with the timed calls.
#[inline(always)]
fn next_gap(exact: bool, rng: &mut u64, st: &crate::vm::FuncStats) -> u64 {
    if exact || st.calls < EXACT_CALLS || st.timed_excl > (TINY_CYCLES * st.timed) as i64 {
        return 0;
    }
    let mut x = *rng;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    *rng = x;
    let mean = (st.timed / GAP_GROWTH).clamp(SAMPLE, MAX_SAMPLE);
    x % (2 * mean - 1)
}

/// Close frame `fr` (already popped): charge its cycles to its function and to its parent.
#[inline(always)]
pub(crate) fn close(mm: &mut Machine, fr: &Frame) {
    if fr.tsc != 0 {
        close_timed(mm, fr);
        return;
    }
    let st = &mut mm.stats[fr.func as usize];
    let dt = charge_untimed(st, fr.child);
    if let Some(p) = mm.frames.last_mut() {
        p.child = p.child.wrapping_add(dt);
    }
}

/// An untimed activation of `st`'s function closed, its callees having been charged `child`
/// cycles: charge it the function's average exclusive cycles. Returns the inclusive cycles
/// charged (for the parent frame): that average plus `child`. (An average of inclusive times
/// would charge every call of a function such as Lua's `precallC`, whose few long calls run
/// the whole script, a share of those: more than the run took, and 0 exclusive cycles left to
/// the callers.)
#[inline(always)]
pub(crate) fn charge_untimed(st: &mut crate::vm::FuncStats, child: u64) -> u64 {
    st.excl = st.excl.wrapping_add(st.avg_excl as i64);
    let dt = st.avg_excl.wrapping_add(child);
    st.active -= 1;
    if st.active == 0 {
        st.incl = st.incl.wrapping_add(dt);
    }
    dt
}

/// Close timed frame `fr` (already popped): its measured cycles, new averages and the call
/// count from which its function is timed again.
#[inline(never)]
pub(crate) fn close_timed(mm: &mut Machine, fr: &Frame) {
    let f = fr.func as usize;
    // What timing costs an activation that does nothing (the `rdtsc` pair and the checked call
    // and return paths that a timed call takes between them): the least time measured so far of
    // an activation that called nothing, taken off every measured one. Left in, it made a tiny
    // function's average several times its real cost, charged to every untimed call.
    let raw = rdtsc().wrapping_sub(fr.tsc);
    if fr.child == 0 {
        mm.timer_floor = mm.timer_floor.min(raw);
    }
    let dt = raw.saturating_sub(mm.timer_floor);
    let st = &mut mm.stats[f];
    // Not clamped at 0: an activation whose callees were charged averages above what they took
    // has a negative exclusive time, which the averages need (clamped, a recursive function's
    // average grew with its own overcharge: fib's exclusive cycles came to 3 times the run's).
    let excl = dt.wrapping_sub(fr.child) as i64;
    st.timed += 1;
    st.timed_dt = st.timed_dt.wrapping_add(dt);
    st.timed_excl = st.timed_excl.wrapping_add(excl);
    if st.calls >= EXACT_CALLS {
        // The average charged to untimed calls (kept here: a division per untimed call would
        // cost more than the call).
        st.avg_excl = (st.timed_excl / st.timed as i64).max(0) as u64;
    }
    st.time_at = st.calls.saturating_add(next_gap(mm.exact_cycles, &mut mm.rng, st));
    st.excl = st.excl.wrapping_add(excl);
    st.active -= 1;
    if st.active == 0 {
        st.incl = st.incl.wrapping_add(dt);
    }
    mm.refresh_check(f);
    if let Some(p) = mm.frames.last_mut() {
        p.child = p.child.wrapping_add(dt);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vm::FuncStats;

    /// Mean of `n` gaps drawn for a tiny function (averages under `TINY_CYCLES`) past its exact
    /// calls that has had `timed` timed calls.
    fn mean_gap(timed: u64, n: u64) -> f64 {
        let st = FuncStats { calls: EXACT_CALLS + timed, timed, timed_excl: timed as i64 * 10, ..Default::default() };
        let mut rng = 0x9e37_79b9_7f4a_7c15;
        (0..n).map(|_| next_gap(false, &mut rng, &st)).sum::<u64>() as f64 / n as f64
    }

    #[test]
    fn sampling_thins_out_as_timed_calls_accumulate() {
        // Gaps are uniform in 0..=2·(mean-1): their average is mean - 1.
        let near = |got: f64, mean: u64| (got - (mean - 1) as f64).abs() < 0.05 * mean as f64;
        let first = mean_gap(0, 20_000);
        assert!(near(first, SAMPLE), "right after the exact calls: mean gap {first}, not ~{SAMPLE}");
        let later = mean_gap(GAP_GROWTH * 1000, 20_000);
        assert!(near(later, 1000), "after {} timed calls: mean gap {later}, not ~1000", GAP_GROWTH * 1000);
        let capped = mean_gap(GAP_GROWTH * MAX_SAMPLE * 4, 20_000);
        assert!(near(capped, MAX_SAMPLE), "mean gap {capped} past the cap {MAX_SAMPLE}");
        // A function timed exactly, or not tiny, is timed on every call.
        let st = FuncStats { calls: EXACT_CALLS, timed: 1, timed_excl: 10 * TINY_CYCLES as i64, ..Default::default() };
        assert_eq!(next_gap(false, &mut 1, &st), 0);
        assert_eq!(next_gap(true, &mut 1, &FuncStats { calls: EXACT_CALLS, ..Default::default() }), 0);
    }
}
