//! Pairs and latch prefixes. Pairs: two consecutive ops of a block that are the same vector
//! operation on the same shape (clang's vectorized loops interleaved by two: two loads, two
//! multiplies, two stores of the two halves), or two 1-, 4- or 8-byte loads or 4- or 8-byte
//! stores at folded addresses (two fields of a record, `a[i]` and `a[i - 1]`, the bytes of a
//! word, a swap's stores), run in one dispatch. The first op is marked (its `pair` flag, or its
//! `…2` form); the second stays as it was, a complete op: the interpreter's paired handler runs
//! it from its own operands right after the first, so the pair means exactly what the two ops in
//! sequence mean, and a path that runs the first op alone (out of the loop, for shapes the loop
//! does not run inline) then runs the second one as usual.
//!
//! Latch prefixes: a paired axpy step (`VAxpy2X`) right before a loop's latch (`IncBr64`,
//! `IncRBr64`, `Inc2Br64`), the whole of a vectorized matrix product's inner loop, is marked
//! (its `latch`) and runs the latch in its own dispatch; the latch too stays as it was. (A
//! byte store marked the same way, a sieve's marking loop, was no faster: that loop waits on
//! memory.)

use super::Fx;
use crate::isa::Op;

impl Fx<'_> {
    /// Mark the op before the latch that ends the block starting at op `start`, if it is a
    /// paired axpy step.
    pub(super) fn latch_prefixes(&mut self, start: usize) {
        let len = self.code.len();
        if len < start + 3 || !matches!(self.code[len - 1], Op::ExtBr { .. }) {
            return;
        }
        if !matches!(self.code[len - 2], Op::IncBr64 { .. } | Op::IncRBr64 { .. } | Op::Inc2Br64 { .. }) {
            return;
        }
        if len >= start + 4
            && matches!(self.code[len - 3], Op::ExtMem { .. })
            && let Op::VAxpy2X { latch, .. } = &mut self.code[len - 4]
        {
            *latch = true;
        }
    }

    /// Mark the pairs among the ops from `start` (a block's first op) to the end.
    pub(super) fn pair_ops(&mut self, start: usize) {
        let mut k = start;
        while k + 1 < self.code.len() {
            match paired(self.code[k], &self.code[k + 1]) {
                Some(first) => {
                    self.code[k] = first;
                    k += 2;
                }
                None => k += 1,
            }
        }
    }
}

/// `a` marked as the first op of a pair with `b`, if the two make one.
fn paired(a: Op, b: &Op) -> Option<Op> {
    Some(match (a, *b) {
        (Op::Load128X(x), Op::Load128X(_)) => Op::Load128X2(x),
        (Op::Store128X(x), Op::Store128X(_)) => Op::Store128X2(x),
        (Op::Load8X(x), Op::Load8X(_)) => Op::Load8X2(x),
        (Op::Load32X(x), Op::Load32X(_)) => Op::Load32X2(x),
        (Op::Load64X(x), Op::Load64X(_)) => Op::Load64X2(x),
        (Op::Store32X(x), Op::Store32X(_)) => Op::Store32X2(x),
        (Op::Store64X(x), Op::Store64X(_)) => Op::Store64X2(x),
        (Op::VInt { op, lane, n, d, a, b, pair: false }, Op::VInt { op: o, lane: l, n: k, pair: false, .. })
            if (o, l, k) == (op, lane, n) =>
        {
            Op::VInt { op, lane, n, d, a, b, pair: true }
        }
        (Op::VFloat { op, dbl, n, d, a, b, pair: false }, Op::VFloat { op: o, dbl: f, n: k, pair: false, .. })
            if (o, f, k) == (op, dbl, n) =>
        {
            Op::VFloat { op, dbl, n, d, a, b, pair: true }
        }
        (Op::VFma { dbl, fused, n, d, a, b, c, pair: false }, Op::VFma { dbl: f, fused: u, n: k, pair: false, .. })
            if (f, u, k) == (dbl, fused, n) =>
        {
            Op::VFma { dbl, fused, n, d, a, b, c, pair: true }
        }
        (Op::VIBin2 { op, lane, n, d, a, b, pair: false }, Op::VIBin2 { op: o, lane: l, n: k, pair: false, .. })
            if (o, l, k) == (op, lane, n) =>
        {
            Op::VIBin2 { op, lane, n, d, a, b, pair: true }
        }
        (
            Op::VResize { from, to, signed, n, d, a, pair: false },
            Op::VResize { from: f, to: t, signed: s, n: k, pair: false, .. },
        ) if (f, t, s, k) == (from, to, signed, n) => Op::VResize { from, to, signed, n, d, a, pair: true },
        _ => return None,
    })
}
