//! Value profiles: for a function whose calls approach its next tier mark, per integer or
//! pointer parameter a small table of the values it was called with and how often (the first
//! [`TOP_K`] distinct values, then an "other" count). Recorded on the call-entry path only
//! (`exec::call::call`, `exec::callback`, and a thunk's counted calls, `exec::counted`), never in
//! the execution loop; the tier manager reads them ([`Machine::arg_values`]) to decide on guarded
//! specialization.

use crate::isa::FuncId;
use crate::vm::Machine;
use serde::Serialize;
use std::sync::{Mutex, PoisonError};

/// Distinct values kept per parameter.
pub const TOP_K: usize = 4;

/// What a parameter is, for value profiling.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ParamKind {
    Integer,
    Pointer,
    /// Floating point, vectors, aggregates: not profiled.
    Other,
}

/// A parameter's values so far: the first `TOP_K` distinct values with their counts; calls with
/// any other value count in `other`. First come, first kept: a value that only appears once
/// the table is full is never listed, and a specialization built from the table then sees its
/// calls as guard misses (counted by the tier manager).
#[derive(Clone, Debug, Default)]
pub(crate) struct TopK {
    seen: [(u64, u64); TOP_K],
    pub(crate) used: u8,
    pub(crate) other: u64,
}

impl TopK {
    #[inline]
    pub(crate) fn record(&mut self, v: u64) {
        let used = self.used as usize;
        if let Some(e) = self.seen[..used].iter_mut().find(|e| e.0 == v) {
            e.1 += 1;
        } else if used < TOP_K {
            self.seen[used] = (v, 1);
            self.used += 1;
        } else {
            self.other += 1;
        }
    }

    /// Halve every count once they sum to `limit` (older values weigh less; a value whose
    /// count reaches 0 stays listed).
    #[inline]
    pub(crate) fn decay_at(&mut self, limit: u64) {
        let used = self.used as usize;
        if self.seen[..used].iter().map(|e| e.1).sum::<u64>() + self.other >= limit {
            self.seen[..used].iter_mut().for_each(|e| e.1 /= 2);
            self.other /= 2;
        }
    }

    /// The listed values with their counts, most frequent first (ties: smaller value first).
    pub(crate) fn sorted(&self) -> Vec<(u64, u64)> {
        let mut values = self.seen[..self.used as usize].to_vec();
        values.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        values
    }
}

/// The value table of one parameter of a function (as [`Machine::arg_values`] reports it).
#[derive(Serialize, Clone, Debug, PartialEq, Eq)]
pub struct ArgValues {
    /// The parameter's position (0-based, LLVM's order).
    pub param: u32,
    /// Bits of the parameter's type (pointers: 64).
    pub bits: u8,
    /// A pointer (else an integer).
    pub pointer: bool,
    /// `(value, calls)`, most frequent first; narrow integers zero-extended.
    pub values: Vec<(u64, u64)>,
    /// Calls with a value not in `values`.
    pub other: u64,
}

impl ArgValues {
    /// Calls recorded for this parameter.
    pub fn total(&self) -> u64 {
        self.values.iter().map(|v| v.1).sum::<u64>() + self.other
    }
}

/// The value tables of one function: one per integer or pointer parameter.
#[derive(Clone, Debug, Default)]
pub(crate) struct FuncValues {
    /// `(parameter index, bits, pointer)`.
    pub(crate) params: Box<[(u32, u8, bool)]>,
    pub(crate) tables: Box<[TopK]>,
}

impl FuncValues {
    /// Tables for the integer and pointer parameters of a function with code `c`.
    pub(crate) fn for_code(c: &crate::translate::Code) -> FuncValues {
        let params: Box<[(u32, u8, bool)]> = c
            .params
            .iter()
            .enumerate()
            .filter_map(|(k, p)| {
                let kind = c.value_params.get(k).copied().unwrap_or(ParamKind::Other);
                let bits = c.param_types.get(k).copied().unwrap_or(64);
                (p.1 == 1 && kind != ParamKind::Other).then_some((k as u32, bits, kind == ParamKind::Pointer))
            })
            .collect();
        let tables = vec![TopK::default(); params.len()].into_boxed_slice();
        FuncValues { params, tables }
    }

    /// Record one call; `arg(k)` is parameter k's (first) slot.
    #[inline]
    pub(crate) fn record(&mut self, arg: impl Fn(usize) -> u64) {
        for (t, &(k, bits, _)) in self.tables.iter_mut().zip(self.params.iter()) {
            t.record(arg(k as usize) & crate::consts::mask(u32::from(bits)));
        }
    }

    fn report(&self) -> Vec<ArgValues> {
        self.params
            .iter()
            .zip(self.tables.iter())
            .filter(|(_, t)| t.used > 0)
            .map(|(&(param, bits, pointer), t)| ArgValues { param, bits, pointer, values: t.sorted(), other: t.other })
            .collect()
    }
}

/// A call of `f` is value-profiled once its call count is at least half its next tier mark.
#[inline]
pub(crate) fn is_candidate(calls: u64, mark: u64) -> bool {
    mark != u64::MAX && calls.saturating_mul(2) >= mark
}

/// The first call count `c` (before counting the call) with `is_candidate(c + 1, mark)`, i.e.
/// `2(c + 1) >= mark`; `u64::MAX` for no mark.
pub(crate) fn first_candidate(mark: u64) -> u64 {
    if mark == u64::MAX { u64::MAX } else { mark.div_ceil(2).saturating_sub(1) }
}

/// Every function's value tables (made at its first recorded call), each behind a mutex of its
/// own: calls through irvm record under the interpreter lock, and a thread's counted calls
/// (`exec::counted`) without it, so the tables need their own. A recording holds it for a few
/// compares.
pub(crate) struct ValueTables(Box<[Mutex<Option<Box<FuncValues>>>]>);

impl ValueTables {
    /// Tables for `n` functions, none recorded yet.
    pub(crate) fn new(n: usize) -> ValueTables {
        ValueTables((0..n).map(|_| Mutex::new(None)).collect())
    }

    /// Record one call of `f` (lowered code `code`); `arg(k)` is parameter k's (first) slot.
    pub(crate) fn record(&self, f: usize, code: &crate::translate::Code, arg: impl Fn(usize) -> u64) {
        let Some(slot) = self.0.get(f) else { return };
        let mut t = slot.lock().unwrap_or_else(PoisonError::into_inner);
        t.get_or_insert_with(|| Box::new(FuncValues::for_code(code))).record(arg);
    }

    fn report(&self, f: usize) -> Vec<ArgValues> {
        let Some(slot) = self.0.get(f) else { return Vec::new() };
        slot.lock().unwrap_or_else(PoisonError::into_inner).as_deref().map(FuncValues::report).unwrap_or_default()
    }
}

impl Machine {
    /// The value tables of `f`'s integer and pointer parameters (empty: not profiled, i.e. no
    /// tiering, or its calls never came near a tier mark while it was interpreted or entered
    /// through irvm).
    pub fn arg_values(&self, f: FuncId) -> Vec<ArgValues> {
        self.values.report(f.index())
    }

    /// Record a call of `f` if `f` is a candidate (see [`is_candidate`]); `code` is its lowered
    /// code, `arg(k)` parameter k's (first) slot.
    #[inline]
    pub(crate) fn note_call_values(&mut self, f: u32, code: &crate::translate::Code, arg: impl Fn(usize) -> u64) {
        let mark = self.tier_at.get(f as usize).copied().unwrap_or(u64::MAX);
        if !is_candidate(self.call_count(f as usize) + 1, mark) {
            return;
        }
        self.values.record(f as usize, code, arg);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn top_k_keeps_the_first_distinct_values_and_counts_the_rest() {
        let mut t = TopK::default();
        for v in [7, 7, 3, 7, 9, 1, 2, 5, 7] {
            t.record(v);
        }
        assert_eq!(&t.seen[..t.used as usize], &[(7, 4), (3, 1), (9, 1), (1, 1)]);
        assert_eq!(t.other, 2);
        t.decay_at(10);
        assert_eq!((&t.seen[..t.used as usize], t.other), (&[(7, 4), (3, 1), (9, 1), (1, 1)][..], 2));
        t.decay_at(9);
        assert_eq!((&t.seen[..t.used as usize], t.other), (&[(7, 2), (3, 0), (9, 0), (1, 0)][..], 1));
    }

    #[test]
    fn candidacy_starts_at_half_the_mark_and_never_without_one() {
        assert!(!is_candidate(99, 200));
        assert!(is_candidate(100, 200));
        assert!(!is_candidate(u64::MAX / 2, u64::MAX));
    }

    #[test]
    fn first_candidate_is_the_first_call_count_that_is_one() {
        for mark in [0, 1, 2, 3, 4, 5, 100, 101, 1000, 1 << 40] {
            let c = first_candidate(mark);
            assert!(is_candidate(c + 1, mark), "mark {mark}: {c} is a candidate");
            assert!(c == 0 || !is_candidate(c, mark), "mark {mark}: {} is not", c - 1);
        }
        assert_eq!(first_candidate(u64::MAX), u64::MAX);
    }
}
