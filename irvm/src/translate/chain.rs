//! Chained operands: an op that reads the result of the op right before it in the same block
//! becomes its chained form, which takes that operand from the interpreter's result register
//! instead of the slot (`exec::result`, which also lists the ops and forms this applies to; the
//! operand's field becomes [`Reg::RESULT`]). The block's first op never does: it is a jump
//! target, reached from ops other than the one before it. Every later op of a block is reached
//! only from the op before it (jumps land on block starts and stubs; a call returns to the op
//! after it, which is not listed as leaving a result). The second op of a load pair does not
//! either: the first one's dispatch runs it as the op it is, and a pair's first op is not listed.
//!
//! Before pairs are formed, each run of such ops in a block (ops that only compute a result from
//! slots and write it to one, listed in `exec::result::result`) is reordered so that an op comes
//! right before an op that reads its result wherever the dependencies allow: placed from the
//! run's end back, the op placed before an op is, if it can be, one whose result that op reads,
//! the one with the longest chain of such ops behind it (the slower operand); otherwise the op
//! latest in the original order. An op stays after every op whose result it reads, before every
//! op that writes a slot it reads or the slot it writes, and two ops that can stop the run (a
//! load, a division) keep their order: the run computes what it did.

use super::Fx;
use crate::exec::result;
use crate::isa::{Op, Reg};

/// The longest stretch of a run that is ordered as one (a block of straight-line code can hold
/// thousands of such ops).
const WINDOW: usize = 32;

impl Fx<'_> {
    /// Reorder the runs of result ops of the block whose ops start at op `start` (above).
    pub(super) fn order_chains(&mut self, start: usize) {
        let end = self.code.len();
        // Pairs are formed after this: no pair's first op is among these yet.
        let mut s = start;
        while s < end {
            let mut e = s;
            while e < end && result::result(&self.code[e]).is_some() {
                e += 1;
            }
            // In windows of at most `WINDOW` ops: the ordering takes time cubic in a window's length.
            for w in (s..e).step_by(WINDOW) {
                let w_end = (w + WINDOW).min(e);
                if w_end - w >= 3 {
                    let order = chain_order(&self.code[w..w_end]);
                    let ops: Vec<Op> = order.iter().map(|&i| self.code[w + i]).collect();
                    self.code[w..w_end].copy_from_slice(&ops);
                }
            }
            s = e + 1;
        }
    }

    /// Turn each op of the block whose ops start at op `start` that reads the result of the op
    /// before it into its chained form.
    pub(super) fn chain_operands(&mut self, start: usize) {
        for k in start + 1..self.code.len() {
            let Some(d) = result::result(&self.code[k - 1]) else { continue };
            if let Some(op) = result::chained_form(&self.code[k], d) {
                self.code[k] = op;
            }
        }
    }
}

/// The order of `ops` (a run of result ops) in which as many as possible come right before an op
/// that reads their result (module doc): indices into `ops`.
fn chain_order(ops: &[Op]) -> Vec<usize> {
    let n = ops.len();
    let d: Vec<Reg> = ops.iter().map(|o| result::result(o).expect("a run holds result ops")).collect();
    let reads: Vec<Vec<Reg>> = ops
        .iter()
        .map(|o| {
            let mut v = Vec::new();
            result::for_each_read(o, |r| v.push(r));
            v
        })
        .collect();
    let faults: Vec<bool> = ops.iter().map(result::may_fault).collect();
    // `earlier[j]`: the ops that must stay before op j; `depth[j]`: the longest chain of results
    // ending at op j within the run.
    let mut earlier = vec![Vec::new(); n];
    let mut depth = vec![1usize; n];
    // Per op, how many of the ops that must stay after it are not placed yet.
    let mut waiting = vec![0usize; n];
    for j in 0..n {
        for i in 0..j {
            let raw = reads[j].contains(&d[i]);
            if raw {
                depth[j] = depth[j].max(depth[i] + 1);
            }
            if raw || reads[i].contains(&d[j]) || d[i] == d[j] || (faults[i] && faults[j]) {
                earlier[j].push(i);
                waiting[i] += 1;
            }
        }
    }
    let mut placed = vec![false; n];
    let mut rev = Vec::with_capacity(n);
    let mut next: Option<usize> = None;
    for _ in 0..n {
        let free = || (0..n).filter(|&i| !placed[i] && waiting[i] == 0);
        let feeds = |i: usize| next.is_some_and(|c| reads[c].contains(&d[i]));
        let pick = free()
            .filter(|&i| feeds(i))
            .max_by_key(|&i| (depth[i], i))
            .or_else(|| free().max())
            .expect("the dependencies of a run have no cycle");
        placed[pick] = true;
        rev.push(pick);
        for &i in &earlier[pick] {
            waiting[i] -= 1;
        }
        next = Some(pick);
    }
    rev.reverse();
    rev
}
