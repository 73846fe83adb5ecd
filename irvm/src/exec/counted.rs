//! Calls counted without the interpreter lock. Native code (JIT-compiled callers, C library
//! callbacks) calls a compiled function through its thunk; until the call count reaches the
//! function's tier mark, where the tier hook must run, the thunk counts the call with one atomic
//! read-modify-write here, records its argument values if it is near the mark (from half of it,
//! into the function's value table, which has a mutex of its own) and jumps to the function's
//! native code, without entering irvm (`callback::thunk_entry`). A function's call count is the
//! calls irvm counted under its lock (`FuncStats::calls`) plus the calls counted here:
//! [`Machine::call_count`], which every reader of the count goes through. See docs/irvm.md
//! ("Threads").
//!
//! Ordering: `native` and `shape` are written by the lock holder, `native` last with a release
//! store, and read by the thunk after an acquire load of `native` (the native code and its shape
//! are complete when seen); `lowered`, which may come later (when irvm lowers the function), is
//! published and read the same way on its own. `calls` is only changed by atomic
//! read-modify-writes, so no call is lost or counted twice whatever the threads do. `limit` and
//! `record_from` are written by the lock holder after every change of what they depend on and read
//! relaxed: a thread that read them just before a change may count one call under the old values
//! (see [`Machine::refresh_counted`]).

use crate::abi::classify::CallShape;
use crate::translate::Code;
use crate::vm::Machine;
use std::sync::atomic::{AtomicPtr, AtomicU64, AtomicUsize, Ordering};

/// One function's counted calls.
#[derive(Default)]
struct Entry {
    /// Native code a counted call runs (0: none, every call goes through irvm).
    native: AtomicUsize,
    /// The function's `CallShape` ([`pack`]).
    shape: AtomicU64,
    /// Its lowered code, if it is lowered and its signature comes in registers and stack words
    /// (`Code::own_sig`): what recording its argument values needs (null: none recorded here,
    /// as irvm records none for a function it did not lower).
    lowered: AtomicPtr<Code>,
    /// Calls counted here.
    calls: AtomicU64,
    /// A call may be counted here while `calls` is below this: the tier mark minus the calls
    /// irvm counted under its lock.
    limit: AtomicU64,
    /// A call counted here records its argument values once `calls` is at least this: the first
    /// call count that records them (`profile::values::first_candidate`) minus the same.
    record_from: AtomicU64,
}

/// The per-function counts of calls made through the thunk without the lock (the machine owns
/// one; its size is fixed when the machine is loaded).
pub(crate) struct CountedCalls {
    entries: Box<[Entry]>,
}

/// A counted call may run: the function's native code and the shape of its signature; the
/// lowered code whose signature gives the argument values to record (None: record none).
pub(crate) struct Admitted {
    pub(crate) native: usize,
    pub(crate) shape: CallShape,
    pub(crate) record: Option<*const Code>,
}

fn pack(s: CallShape) -> u64 {
    u64::from(s.nstack) | u64::from(s.nxmm) << 32 | u64::from(s.x87) << 40
}

fn unpack(v: u64) -> CallShape {
    CallShape { nstack: v as u32, nxmm: (v >> 32) as u8, x87: v >> 40 & 1 != 0 }
}

impl CountedCalls {
    /// Counts for `n` functions, none with code.
    pub(crate) fn new(n: usize) -> CountedCalls {
        CountedCalls { entries: (0..n).map(|_| Entry::default()).collect() }
    }

    /// Calls of `f` counted here (0 for an index without an entry: the native-pointer bucket).
    #[inline]
    pub(crate) fn calls(&self, f: usize) -> u64 {
        self.entries.get(f).map_or(0, |e| e.calls.load(Ordering::Relaxed))
    }

    /// Whether counted calls of `f` may run native code (the lock holder's view).
    #[inline]
    fn has_native(&self, f: usize) -> bool {
        self.entries.get(f).is_some_and(|e| e.native.load(Ordering::Relaxed) != 0)
    }

    /// Let counted calls of `f` run `native` (0: none), whose signature has `shape`; None: a
    /// signature the thunk cannot pass straight through (variadic), so no code.
    fn set_native(&self, f: usize, native: usize, shape: Option<CallShape>) {
        let Some(e) = self.entries.get(f) else { return };
        match shape {
            Some(s) if native != 0 => {
                e.shape.store(pack(s), Ordering::Relaxed);
                e.native.store(native, Ordering::Release);
            }
            _ => e.native.store(0, Ordering::Release),
        }
    }

    /// Move the calls counted here for `f` out (to be added to the locked count). A thread that
    /// was admitted before may still count one afterwards: it stays here, still part of the sum.
    fn take_calls(&self, f: usize) -> u64 {
        self.entries.get(f).map_or(0, |e| e.calls.swap(0, Ordering::Relaxed))
    }

    /// Count a call of `f` here if its native code may run without irvm now: it has native code
    /// and the count is below its limit. None: the call goes through irvm (nothing counted).
    #[inline]
    pub(crate) fn admit(&self, f: usize) -> Option<Admitted> {
        let e = self.entries.get(f)?;
        let native = e.native.load(Ordering::Acquire);
        if native == 0 {
            return None;
        }
        let limit = e.limit.load(Ordering::Relaxed);
        let before =
            e.calls.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |c| (c < limit).then_some(c + 1)).ok()?;
        let lowered = e.lowered.load(Ordering::Acquire);
        let record =
            (before >= e.record_from.load(Ordering::Relaxed) && !lowered.is_null()).then_some(lowered as *const Code);
        Some(Admitted { native, shape: unpack(e.shape.load(Ordering::Relaxed)), record })
    }
}

impl Machine {
    /// Calls of `f` so far: those counted under the lock and those counted without it.
    #[inline]
    pub(crate) fn call_count(&self, f: usize) -> u64 {
        self.stats.get(f).map_or(0, |s| s.calls) + self.counted.calls(f)
    }

    /// Count a call of `f` under the lock, and move the limit of its counted calls with it.
    #[inline]
    pub(crate) fn count_locked_call(&mut self, f: usize) {
        self.stats[f].calls += 1;
        self.refresh_counted(f);
    }

    /// Recompute how far counted calls of `f` may go — up to its tier mark, where the tier hook
    /// must run — and from where they record argument values (half the mark,
    /// `profile::values::first_candidate`), both minus the calls counted under the lock; and
    /// publish its lowered code once it has some. Called after every change of those (a call
    /// counted under the lock, a new tier mark, new native code, a seeded count, a call through
    /// irvm that lowered it). A thread that read the old values just before may count one call
    /// under them: a call's argument values are recorded or not, or the tier hook runs one call
    /// later (at the next call through irvm); the count itself stays exact.
    #[inline]
    pub(crate) fn refresh_counted(&self, f: usize) {
        if !self.counted.has_native(f) {
            return;
        }
        let at = self.tier_at.get(f).copied().unwrap_or(u64::MAX);
        let locked = self.stats.get(f).map_or(0, |s| s.calls);
        let e = &self.counted.entries[f];
        let lowered = self.prog.funcs[f].code.as_deref().filter(|c| c.own_sig.is_some());
        e.lowered.store(lowered.map_or(std::ptr::null_mut(), |c| c as *const Code as *mut Code), Ordering::Release);
        e.record_from.store(crate::profile::values::first_candidate(at).saturating_sub(locked), Ordering::Relaxed);
        e.limit.store(at.saturating_sub(locked), Ordering::Relaxed);
    }

    /// `f` runs `native` now (0: interpreted again): counted calls run it too, if its signature
    /// lets the thunk pass the native caller's registers straight through.
    pub(crate) fn publish_counted(&mut self, f: usize, native: usize) {
        let shape = if native != 0 { self.prog.call_shape(f as u32) } else { None };
        self.counted.set_native(f, native, shape);
        if native == 0 {
            // Interpreted again: its calls are counted under the lock from now on.
            let moved = self.counted.take_calls(f);
            self.stats[f].calls += moved;
        }
        self.refresh_counted(f);
    }

    /// Set `f`'s call count to `calls`, all of it as if counted under the lock.
    pub(crate) fn reset_call_count(&mut self, f: usize, calls: u64) {
        self.counted.take_calls(f);
        self.stats[f].calls = calls;
        self.refresh_counted(f);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_survive_packing() {
        for s in [
            CallShape { nstack: 0, nxmm: 0, x87: false },
            CallShape { nstack: 7, nxmm: 8, x87: true },
            CallShape { nstack: u32::MAX, nxmm: 3, x87: false },
        ] {
            let u = unpack(pack(s));
            assert_eq!((u.nstack, u.nxmm, u.x87), (s.nstack, s.nxmm, s.x87));
        }
    }

    #[test]
    fn calls_are_admitted_only_below_the_limit_and_with_code() {
        let t = CountedCalls::new(2);
        assert!(t.admit(0).is_none(), "no code: not admitted");
        t.set_native(0, 0x1000, Some(CallShape { nstack: 1, nxmm: 2, x87: false }));
        t.entries[0].limit.store(3, Ordering::Relaxed);
        t.entries[0].record_from.store(1, Ordering::Relaxed);
        for _ in 0..3 {
            let a = t.admit(0).expect("below the limit");
            assert_eq!((a.native, a.shape.nstack, a.shape.nxmm), (0x1000, 1, 2));
            assert!(a.record.is_none(), "not lowered: nothing to record with");
        }
        assert!(t.admit(0).is_none(), "at the limit: through irvm");
        assert_eq!(t.calls(0), 3);
        let code = 0x2000 as *mut Code;
        t.entries[0].lowered.store(code, Ordering::Relaxed);
        t.entries[0].limit.store(5, Ordering::Relaxed);
        t.entries[0].record_from.store(4, Ordering::Relaxed);
        assert_eq!(t.admit(0).map(|a| a.record), Some(None), "call 4: below record_from");
        assert_eq!(t.admit(0).map(|a| a.record), Some(Some(code as *const Code)), "call 5: records");
        t.set_native(0, 0x1000, None);
        assert!(t.admit(0).is_none(), "variadic: never admitted");
        assert_eq!((t.take_calls(0), t.calls(0)), (5, 0));
        assert!(t.admit(1).is_none() && t.admit(5).is_none());
    }

    #[test]
    fn threads_counting_at_once_lose_no_call_and_never_pass_the_limit() {
        let t = std::sync::Arc::new(CountedCalls::new(1));
        t.set_native(0, 0x1000, Some(CallShape { nstack: 0, nxmm: 0, x87: false }));
        t.entries[0].limit.store(30_000, Ordering::Relaxed);
        let admitted: u64 = (0..4)
            .map(|_| {
                let t = t.clone();
                std::thread::spawn(move || (0..10_000).filter(|_| t.admit(0).is_some()).count() as u64)
            })
            .collect::<Vec<_>>()
            .into_iter()
            .map(|h| h.join().unwrap())
            .sum();
        assert_eq!((admitted, t.calls(0)), (30_000, 30_000));
    }
}
