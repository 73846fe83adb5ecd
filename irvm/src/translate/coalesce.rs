//! Phi coalescing: a phi and an incoming value that never live at the same time can share one
//! slot, so the move on that edge disappears (loop counters update in place). Liveness is computed
//! on SSA values per block; a value `a` interferes with `b` when one is live at the other's
//! definition. Classes are built greedily (union-find) with every pair of members checked; only
//! one-slot scalars are coalesced, and vectors of up to four slots whose members are phis or
//! lane-wise operations (each lane of the result computed from the same lane of the operands,
//! which every handler does reading a lane before writing it, so the result may share the
//! operand's slots: a vectorized loop's accumulators update in place); a class holds at most one
//! function argument (arguments have fixed slots). The remaining phi moves are sequenced as
//! parallel copies afterwards.

use super::Fx;
use crate::llvm::{TyKind, Val, ValKind};
use llvm_sys::LLVMOpcode as O;
use std::collections::HashMap;

struct Bits(Vec<u64>);

impl Bits {
    fn new(n: usize) -> Bits {
        Bits(vec![0; n.div_ceil(64)])
    }
    fn get(&self, i: usize) -> bool {
        self.0[i / 64] >> (i % 64) & 1 != 0
    }
    fn set(&mut self, i: usize) {
        self.0[i / 64] |= 1 << (i % 64);
    }
}

/// Where a value is defined: (block, position); arguments and phis sit at position 0.
#[derive(Clone, Copy)]
struct Def {
    block: usize,
    pos: u32,
}

pub(super) struct Live {
    pub(super) index: HashMap<Val, usize>,
    defs: Vec<Def>,
    /// Per block: (value, position) of every non-phi use.
    uses: Vec<Vec<(usize, u32)>>,
    live_in: Vec<Bits>,
    live_out: Vec<Bits>,
}

impl Live {
    /// Whether value `a` (index into the values) is live on entry to `block`, after its phis.
    pub(super) fn live_in(&self, a: usize, block: usize) -> bool {
        self.live_in[block].get(a)
    }
    fn live_at(&self, a: usize, block: usize, pos: u32) -> bool {
        let d = self.defs[a];
        let defined = if d.block == block { d.pos <= pos } else { self.live_in[block].get(a) };
        defined && (self.live_out[block].get(a) || self.uses[block].iter().any(|&(v, p)| v == a && p > pos))
    }
    fn interfere(&self, a: usize, b: usize) -> bool {
        let (da, db) = (self.defs[a], self.defs[b]);
        self.live_at(a, db.block, db.pos) || self.live_at(b, da.block, da.pos)
    }
}

impl Fx<'_> {
    /// The values whose slots an operand reads when its user executes (through no-op aliases and
    /// instructions folded into their users).
    fn expand(&self, v: Val, out: &mut Vec<Val>) {
        let v = self.resolve(v);
        if self.fused.contains(&v) && v.kind() == ValKind::Instruction && v.opcode() == O::LLVMGetElementPtr {
            // A folded GEP reads exactly what its address computation uses (its index may look
            // through an `x + C`).
            if let Some(parts) = self.gep_parts(v) {
                self.expand(parts.base, out);
                if let Some((x, _, _)) = parts.var {
                    self.expand(x, out);
                }
                return;
            }
        }
        if self.fused.contains(&v) {
            let n = v.num_operands();
            for k in 0..n {
                let o = v.operand(k);
                if !matches!(
                    o.ty().kind(),
                    TyKind::Int(_) | TyKind::Ptr | TyKind::Float | TyKind::Double | TyKind::Vector
                ) {
                    continue;
                }
                self.expand(o, out);
            }
            return;
        }
        if matches!(v.kind(), ValKind::Instruction | ValKind::Argument) {
            out.push(v);
        }
    }

    /// SSA liveness per block (values: the function's parameters then its slot-holding
    /// instructions), through folded instructions and aliases (`expand`).
    pub(super) fn liveness(&self, blocks: &[Val], values: &[Val]) -> Live {
        let index: HashMap<Val, usize> = values.iter().enumerate().map(|(i, v)| (*v, i)).collect();
        let bindex: HashMap<Val, usize> = blocks.iter().enumerate().map(|(i, b)| (*b, i)).collect();
        let n = values.len();
        let nb = blocks.len();
        let mut defs = vec![Def { block: 0, pos: 0 }; n];
        let mut uses: Vec<Vec<(usize, u32)>> = vec![Vec::new(); nb];
        let mut ue: Vec<Bits> = (0..nb).map(|_| Bits::new(n)).collect();
        let mut defined: Vec<Bits> = (0..nb).map(|_| Bits::new(n)).collect();
        let mut succs: Vec<Vec<usize>> = vec![Vec::new(); nb];
        // Per (pred block): values used by phis of successors on that edge.
        let mut phi_out: Vec<Vec<usize>> = vec![Vec::new(); nb];
        let mut buf = Vec::new();
        for (bi, b) in blocks.iter().enumerate() {
            for (p, i) in b.instructions().into_iter().enumerate() {
                let pos = p as u32;
                if i.opcode() == O::LLVMPHI {
                    if let Some(&k) = index.get(&i) {
                        defs[k] = Def { block: bi, pos: 0 };
                        defined[bi].set(k);
                    }
                    for (v, from) in i.incoming() {
                        buf.clear();
                        self.expand(v, &mut buf);
                        if let Some(&fb) = bindex.get(&from) {
                            phi_out[fb].extend(buf.iter().filter_map(|x| index.get(x).copied()));
                        }
                    }
                    continue;
                }
                if let Some(&k) = index.get(&i) {
                    defs[k] = Def { block: bi, pos };
                }
                if self.alias.contains_key(&i) || self.fused.contains(&i) {
                    continue;
                }
                for k in 0..i.num_operands() {
                    let o = i.operand(k);
                    if o.kind() == ValKind::BasicBlock {
                        if let Some(&s) = bindex.get(&o) {
                            succs[bi].push(s);
                        }
                        continue;
                    }
                    buf.clear();
                    self.expand(o, &mut buf);
                    for x in &buf {
                        if let Some(&u) = index.get(x) {
                            uses[bi].push((u, pos));
                            if !defined[bi].get(u) {
                                ue[bi].set(u);
                            }
                        }
                    }
                }
                if let Some(&k) = index.get(&i) {
                    defined[bi].set(k);
                }
            }
        }
        for (k, v) in values.iter().enumerate() {
            if v.kind() == ValKind::Argument {
                defs[k] = Def { block: 0, pos: 0 };
                defined[0].set(k);
            }
        }
        // Backward dataflow to a fixpoint.
        let mut live_in: Vec<Bits> = (0..nb).map(|_| Bits::new(n)).collect();
        let mut live_out: Vec<Bits> = (0..nb).map(|_| Bits::new(n)).collect();
        let words = n.div_ceil(64);
        let mut changed = true;
        while changed {
            changed = false;
            for b in (0..nb).rev() {
                let mut out = vec![0u64; words];
                for &s in &succs[b] {
                    for (w, x) in out.iter_mut().zip(&live_in[s].0) {
                        *w |= x;
                    }
                }
                for &u in &phi_out[b] {
                    out[u / 64] |= 1 << (u % 64);
                }
                let inn: Vec<u64> = (0..words).map(|w| ue[b].0[w] | (out[w] & !defined[b].0[w])).collect();
                if out != live_out[b].0 || inn != live_in[b].0 {
                    changed = true;
                    live_out[b].0 = out;
                    live_in[b].0 = inn;
                }
            }
        }
        Live { index, defs, uses, live_in, live_out }
    }

    /// Coalescing classes: value -> representative (values not listed stand alone).
    /// `live` is the function's liveness (None when it was too large to compute: no coalescing).
    pub(super) fn coalesce(&self, values: &[Val], live: Option<&Live>) -> HashMap<Val, Val> {
        let mut rep: HashMap<Val, Val> = HashMap::new();
        let scalar = |v: Val| {
            matches!(v.ty().kind(), TyKind::Int(b) if b <= 64)
                || matches!(v.ty().kind(), TyKind::Ptr | TyKind::Float | TyKind::Double)
        };
        let is_phi = |v: Val| v.kind() == ValKind::Instruction && v.opcode() == O::LLVMPHI;
        let vector_slots = |v: Val| {
            (v.ty().kind() == TyKind::Vector && v.ty().elem().kind() != TyKind::Int(1))
                .then(|| crate::layout::slots(self.dl, v.ty()).ok())
                .flatten()
                .filter(|&n| n <= 4)
        };
        // Whether `v` may share the slots of phi `p`: both one-slot scalars, or vectors of the same
        // slots with `v` a phi or a lane-wise operation.
        let fits = |p: Val, v: Val| {
            if scalar(p) {
                return scalar(v);
            }
            vector_slots(p).is_some() && vector_slots(v) == vector_slots(p) && (is_phi(v) || lane_wise(v))
        };
        let phis: Vec<Val> =
            values.iter().copied().filter(|v| is_phi(*v) && (scalar(*v) || vector_slots(*v).is_some())).collect();
        let Some(live) = live.filter(|_| !phis.is_empty()) else { return rep };
        // Greedy classes.
        let mut members: HashMap<Val, Vec<usize>> = HashMap::new();
        let find = |rep: &HashMap<Val, Val>, v: Val| -> Val {
            let mut v = v;
            while let Some(&r) = rep.get(&v) {
                if r == v {
                    break;
                }
                v = r;
            }
            v
        };
        for p in phis {
            for (v, _) in p.incoming() {
                let v = self.resolve(v);
                if !matches!(v.kind(), ValKind::Instruction | ValKind::Argument)
                    || !fits(p, v)
                    || self.fused.contains(&v)
                {
                    continue;
                }
                if !live.index.contains_key(&v) {
                    continue;
                }
                let (rp, rv) = (find(&rep, p), find(&rep, v));
                if rp == rv {
                    continue;
                }
                let mp = members.get(&rp).cloned().unwrap_or_else(|| vec![live.index[&rp]]);
                let mv = members.get(&rv).cloned().unwrap_or_else(|| vec![live.index[&rv]]);
                let args = mp.iter().chain(&mv).filter(|&&k| values[k].kind() == ValKind::Argument).count();
                if args > 1 || mp.iter().any(|&a| mv.iter().any(|&b| live.interfere(a, b))) {
                    continue;
                }
                // Keep an argument as the representative (its slot is fixed).
                let (keep, gone) =
                    if mv.iter().any(|&k| values[k].kind() == ValKind::Argument) { (rv, rp) } else { (rp, rv) };
                rep.insert(gone, keep);
                rep.insert(keep, keep);
                let mut all = mp;
                all.extend(mv);
                members.remove(&gone);
                members.insert(keep, all);
            }
        }
        values.iter().filter(|v| rep.contains_key(v)).map(|v| (*v, find(&rep, *v))).collect()
    }
}

/// Whether instruction `v` computes each lane of its vector result from the same lane of its
/// operands (binary arithmetic, negation, and the intrinsics of `is_lane_wise_intrinsic`).
fn lane_wise(v: Val) -> bool {
    if v.kind() != ValKind::Instruction {
        return false;
    }
    match v.opcode() {
        O::LLVMAdd
        | O::LLVMSub
        | O::LLVMMul
        | O::LLVMAnd
        | O::LLVMOr
        | O::LLVMXor
        | O::LLVMShl
        | O::LLVMLShr
        | O::LLVMAShr
        | O::LLVMFAdd
        | O::LLVMFSub
        | O::LLVMFMul
        | O::LLVMFDiv
        | O::LLVMFNeg => true,
        O::LLVMCall => super::superop::is_lane_wise_intrinsic(v),
        _ => false,
    }
}
