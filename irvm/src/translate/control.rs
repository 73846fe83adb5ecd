//! Control flow: branches (with icmp/fcmp fused in), switches, returns, phi moves on edges,
//! select; plus the branch metadata the profile keeps per IR block.

use super::superop::CmpBr;
use super::{Fx, SwitchTable, Target};
use crate::exec::result::{both, br_forms, br_imm_forms};
use crate::isa::{Aux, BrCmp, BrCmpI, Ctr, FPred, IPred, Op, Reg, Rel, TrapOp};
use crate::layout;
use crate::llvm::{TyKind, Val, ValKind};
use llvm_sys::LLVMOpcode as O;

/// What ends a block, for the profile.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum BranchKind {
    Jump,
    Cond,
    Switch,
}

/// The counters of one block's terminator: edge k (to `succs[k]`) counts at `first + k`.
#[derive(Debug, Clone)]
pub(crate) struct BranchMeta {
    pub(crate) block: u32,
    pub(crate) kind: BranchKind,
    pub(crate) first: u32,
    /// Cond: [true target, false target]. Switch: [default, case 0, case 1, ...] (LLVM order).
    pub(crate) succs: Box<[u32]>,
    /// Switch case values (LLVM order).
    pub(crate) cases: Box<[u64]>,
    /// Whether edge k is a loop back edge.
    pub(crate) back: Box<[bool]>,
    /// A jump to the next block that was left out: its count is its block's count.
    pub(crate) derived: bool,
    /// `indirectbr`: its destinations in LLVM's order (duplicates included), whose weights the
    /// profile gives from `succs[1..]` (lowered as a switch on block tokens; its default edge,
    /// which no valid token takes, has no LLVM counterpart).
    pub(crate) indirect: Option<Box<[u32]>>,
}

/// Apply `f` to every jump target of `op`.
pub(crate) fn for_each_target(op: &mut Op, mut f: impl FnMut(&mut Rel)) {
    use Op::*;
    match op {
        Jmp { rel, .. } | MovJmp { rel, .. } | MovMovJmp { rel, .. } | AddIJmp { rel, .. } => f(rel),
        ExtBr { t, f: e, .. } | ExtCmpBr { t, f: e, .. } => {
            f(t);
            f(e)
        }
        Br { t, f: e, .. } | BrR { t, f: e, .. } | BrLane { t, f: e, .. } | BrFCmp { t, f: e, .. } => {
            f(t);
            f(e)
        }
        br_forms!(both!(x)) => {
            f(&mut x.t);
            f(&mut x.f)
        }
        br_imm_forms!(both!(x)) => {
            f(&mut x.t);
            f(&mut x.f)
        }
        _ => {}
    }
}

pub(super) fn ipred(v: Val) -> IPred {
    use llvm_sys::LLVMIntPredicate::*;
    match v.icmp_pred() {
        LLVMIntEQ => IPred::Eq,
        LLVMIntNE => IPred::Ne,
        LLVMIntUGT => IPred::Ugt,
        LLVMIntUGE => IPred::Uge,
        LLVMIntULT => IPred::Ult,
        LLVMIntULE => IPred::Ule,
        LLVMIntSGT => IPred::Sgt,
        LLVMIntSGE => IPred::Sge,
        LLVMIntSLT => IPred::Slt,
        LLVMIntSLE => IPred::Sle,
    }
}

pub(super) fn fpred(v: Val) -> FPred {
    use llvm_sys::LLVMRealPredicate::*;
    match v.fcmp_pred() {
        LLVMRealPredicateFalse => FPred::False,
        LLVMRealOEQ => FPred::Oeq,
        LLVMRealOGT => FPred::Ogt,
        LLVMRealOGE => FPred::Oge,
        LLVMRealOLT => FPred::Olt,
        LLVMRealOLE => FPred::Ole,
        LLVMRealONE => FPred::One,
        LLVMRealORD => FPred::Ord,
        LLVMRealUNO => FPred::Uno,
        LLVMRealUEQ => FPred::Ueq,
        LLVMRealUGT => FPred::Ugt,
        LLVMRealUGE => FPred::Uge,
        LLVMRealULT => FPred::Ult,
        LLVMRealULE => FPred::Ule,
        LLVMRealUNE => FPred::Une,
        LLVMRealPredicateTrue => FPred::True,
    }
}

/// The predicate that holds for (b, a) when `p` holds for (a, b).
pub(super) fn swap_pred(p: IPred) -> IPred {
    use IPred::*;
    match p {
        Eq => Eq,
        Ne => Ne,
        Ugt => Ult,
        Uge => Ule,
        Ult => Ugt,
        Ule => Uge,
        Sgt => Slt,
        Sge => Sle,
        Slt => Sgt,
        Sle => Sge,
    }
}

pub(super) fn is_signed(p: IPred) -> bool {
    matches!(p, IPred::Sgt | IPred::Sge | IPred::Slt | IPred::Sle)
}

fn brcmp(p: IPred, w32: bool, x: BrCmp) -> Op {
    use IPred::*;
    match (p, w32) {
        (Eq, true) => Op::BrEq32(x),
        (Ne, true) => Op::BrNe32(x),
        (Slt, true) => Op::BrSlt32(x),
        (Sle, true) => Op::BrSle32(x),
        (Sgt, true) => Op::BrSgt32(x),
        (Sge, true) => Op::BrSge32(x),
        (Ult, true) => Op::BrUlt32(x),
        (Ule, true) => Op::BrUle32(x),
        (Ugt, true) => Op::BrUgt32(x),
        (Uge, true) => Op::BrUge32(x),
        (Eq, false) => Op::BrEq64(x),
        (Ne, false) => Op::BrNe64(x),
        (Slt, false) => Op::BrSlt64(x),
        (Sle, false) => Op::BrSle64(x),
        (Sgt, false) => Op::BrSgt64(x),
        (Sge, false) => Op::BrSge64(x),
        (Ult, false) => Op::BrUlt64(x),
        (Ule, false) => Op::BrUle64(x),
        (Ugt, false) => Op::BrUgt64(x),
        (Uge, false) => Op::BrUge64(x),
    }
}

fn brcmpi(p: IPred, w32: bool, x: BrCmpI) -> Op {
    use IPred::*;
    match (p, w32) {
        (Eq, true) => Op::BrEq32I(x),
        (Ne, true) => Op::BrNe32I(x),
        (Slt, true) => Op::BrSlt32I(x),
        (Sle, true) => Op::BrSle32I(x),
        (Sgt, true) => Op::BrSgt32I(x),
        (Sge, true) => Op::BrSge32I(x),
        (Ult, true) => Op::BrUlt32I(x),
        (Ule, true) => Op::BrUle32I(x),
        (Ugt, true) => Op::BrUgt32I(x),
        (Uge, true) => Op::BrUge32I(x),
        (Eq, false) => Op::BrEq64I(x),
        (Ne, false) => Op::BrNe64I(x),
        (Slt, false) => Op::BrSlt64I(x),
        (Sle, false) => Op::BrSle64I(x),
        (Sgt, false) => Op::BrSgt64I(x),
        (Sge, false) => Op::BrSge64I(x),
        (Ult, false) => Op::BrUlt64I(x),
        (Ule, false) => Op::BrUle64I(x),
        (Ugt, false) => Op::BrUgt64I(x),
        (Uge, false) => Op::BrUge64I(x),
    }
}

impl Fx<'_> {
    /// Pass 1: fold an icmp/fcmp whose only use is its block's conditional branch into it, and an
    /// fmul whose only use is an fadd/fsub of its block into that.
    pub(super) fn maybe_fuse(&mut self, i: Val) {
        let op = i.opcode();
        if op == O::LLVMFMul && matches!(i.ty().kind(), TyKind::Float | TyKind::Double) {
            let users = i.users();
            if users.len() == 1
                && users[0].kind() == ValKind::Instruction
                && matches!(users[0].opcode(), O::LLVMFAdd | O::LLVMFSub)
                && users[0].parent_block() == i.parent_block()
                && users[0].operand(0) != users[0].operand(1)
                // Only one operand of an fadd can be a folded fmul.
                && !self.fused.contains(&users[0].operand(0))
                && !self.fused.contains(&users[0].operand(1))
            {
                self.fused.insert(i);
            }
            return;
        }
        if op != O::LLVMICmp && op != O::LLVMFCmp {
            return;
        }
        let ok_ty = match i.operand(0).ty().kind() {
            TyKind::Int(b) => b <= 64,
            TyKind::Ptr | TyKind::Float | TyKind::Double => true,
            _ => false,
        };
        let users = i.users();
        if ok_ty
            && users.len() == 1
            && users[0].kind() == ValKind::Instruction
            && users[0].opcode() == O::LLVMBr
            && users[0].num_operands() == 3
            && users[0].parent_block() == i.parent_block()
        {
            self.fused.insert(i);
        }
    }

    fn block_id(&self, b: Val) -> Result<u32, String> {
        self.block_index.get(&b).copied().ok_or_else(|| "branch to a block of another function".to_string())
    }

    /// The ops that perform the phi moves of edge `from` -> `to`.
    fn edge_moves(&mut self, from: Val, to: Val) -> Result<Vec<Op>, String> {
        let mut moves = Vec::new();
        for i in to.instructions() {
            if i.opcode() != O::LLVMPHI {
                break;
            }
            let Some(&(v, _)) = i.incoming().iter().find(|(_, b)| *b == from) else {
                return Err(format!("phi without an entry for its predecessor: '{}'", i.to_text()));
            };
            if matches!(self.resolve(v).kind(), ValKind::Undef | ValKind::Poison) {
                continue;
            }
            let n = layout::slots(self.dl, i.ty())?;
            let d = self.reg(i)?;
            if self.preset.contains(&d) && self.func.blocks().first() == Some(&from) {
                // The frame starts with the entry's constant in the phi's slot.
                continue;
            }
            let s = self.reg(v)?;
            if d != s {
                moves.push((d, s, n));
            }
        }
        Ok(self.sequence(moves))
    }

    /// Order parallel moves so none overwrites a source still to be read (cycles via a temp).
    fn sequence(&mut self, mut pending: Vec<(Reg, Reg, u32)>) -> Vec<Op> {
        let overlaps = |a: Reg, n: u32, b: Reg, m: u32| a.0 < b.0 + m as i32 && b.0 < a.0 + n as i32;
        let mut out = Vec::new();
        while !pending.is_empty() {
            let free = (0..pending.len()).find(|&k| {
                let (d, _, n) = pending[k];
                pending.iter().enumerate().all(|(j, &(_, s, m))| j == k || !overlaps(d, n, s, m))
            });
            match free {
                Some(k) => {
                    let (d, s, n) = pending.remove(k);
                    out.push(mov(d, s, n));
                }
                None => {
                    let (d, _, n) = pending[0];
                    let t = self.temp(n);
                    out.push(mov(t, d, n));
                    for m in pending.iter_mut() {
                        if m.1 == d {
                            m.1 = t;
                        }
                    }
                }
            }
        }
        out
    }

    /// Where a conditional edge must jump: the block itself, or a stub doing its phi moves.
    fn edge_target(&mut self, from: Val, to: Val) -> Result<Target, String> {
        let idx = self.block_id(to)?;
        let mut ops = self.edge_moves(from, to)?;
        if ops.is_empty() {
            return Ok(Target::Block(idx));
        }
        push_jump(&mut ops, Target::Block(idx), Ctr(0));
        self.stubs.push(ops);
        Ok(Target::Stub(self.stubs.len() as u32 - 1))
    }

    fn meta(&mut self, block: Val, kind: BranchKind, succs: Vec<u32>, cases: Vec<u64>) -> Ctr {
        let b = self.block_index[&block];
        let first = self.counters(succs.len() as u32);
        let back = succs.iter().map(|s| self.back_edges.contains(&(b, *s))).collect();
        self.branches.push(BranchMeta {
            block: b,
            kind,
            first,
            succs: succs.into(),
            cases: cases.into(),
            back,
            derived: false,
            indirect: None,
        });
        Ctr(first)
    }

    pub(super) fn emit_br(&mut self, i: Val) -> Result<(), String> {
        let from = i.parent_block();
        if i.num_operands() == 1 {
            let to = i.operand(0);
            let idx = self.block_id(to)?;
            let here = self.block_index[&from];
            let mut ops = self.edge_moves(from, to)?;
            if ops.is_empty() && idx == here + 1 && !self.back_edges.contains(&(here, idx)) {
                // Falls through to the next block: no op; the profile derives this edge's count
                // from its block's count.
                self.meta(from, BranchKind::Jump, vec![idx], vec![]);
                self.branches.last_mut().expect("just added").derived = true;
                return Ok(());
            }
            let ctr = self.meta(from, BranchKind::Jump, vec![idx], vec![]);
            let block_start = self.here();
            if ops.is_empty()
                && self.code.len() > block_start
                && let Some(&Op::Add64I(x)) = self.code.last()
            {
                // The block's last op is a 64-bit add: it rides in the jump.
                self.code.pop();
                self.push(Op::AddIJmp { d: x.d, a: x.a, imm: x.imm, rel: Target::Block(idx).encode(), ctr });
                return Ok(());
            }
            push_jump(&mut ops, Target::Block(idx), ctr);
            self.code.extend(ops);
            return Ok(());
        }
        // LLVM stores a conditional br's operands as [cond, false dest, true dest].
        let (c, fb, tb) = (i.operand(0), i.operand(1), i.operand(2));
        let (ti, fi) = (self.block_id(tb)?, self.block_id(fb)?);
        let ctr = self.meta(from, BranchKind::Cond, vec![ti, fi], vec![]);
        // One one-slot phi move on one edge and none on the other: the move rides in the branch.
        if self.fused.contains(&c)
            && c.opcode() == O::LLVMICmp
            && matches!(c.operand(0).ty().kind(), TyKind::Int(32 | 64) | TyKind::Ptr)
        {
            let (mt, mf) = (self.edge_moves(from, tb)?, self.edge_moves(from, fb)?);
            let mv = match (mt.as_slice(), mf.as_slice()) {
                ([Op::Mov { d, s }], []) => Some((2, *d, *s)),
                ([], [Op::Mov { d, s }]) => Some((1, *d, *s)),
                ([Op::Mov { d, s }], [Op::Mov { d: d2, s: s2 }]) if d == d2 && s == s2 => Some((3, *d, *s)),
                _ => None,
            };
            if mv.is_some() {
                let (t, f) = (Target::Block(ti).encode(), Target::Block(fi).encode());
                return self.emit_fused_br(c, t, f, ctr, mv);
            }
        }
        let t = self.edge_target(from, tb)?.encode();
        let f = self.edge_target(from, fb)?.encode();
        if self.fused.contains(&c) {
            return self.emit_fused_br(c, t, f, ctr, None);
        }
        if let Some(k) = self.const_int(c) {
            // A constant condition still counts as a conditional branch.
            let x = BrCmpI { a: self.const_reg(vec![k]), imm: 1, t, f, ctr };
            self.push(Op::BrEq64I(x));
            return Ok(());
        }
        let cond = c;
        let c = self.reg(c)?;
        // A lane of a mask, read for this branch alone: the branch reads it in place.
        let here = self.here();
        if self.code.len() > here
            && let Some(&Op::VExtract { d, v, off, bytes: 1 }) = self.code.last()
            && d == c
            && cond.kind() == crate::llvm::ValKind::Instruction
            && cond.opcode() == O::LLVMExtractElement
            && cond.users().len() == 1
        {
            self.code.pop();
            self.push(Op::BrLane { v, off, t, f, ctr });
            return Ok(());
        }
        self.push(Op::Br { c, t, f, ctr });
        Ok(())
    }

    fn emit_fused_br(&mut self, c: Val, t: Rel, f: Rel, ctr: Ctr, mv: Option<(u8, Reg, Reg)>) -> Result<(), String> {
        let (a, b) = (c.operand(0), c.operand(1));
        if c.opcode() == O::LLVMFCmp {
            let dbl = a.ty().kind() == TyKind::Double;
            let (ra, rb) = (self.reg(a)?, self.reg(b)?);
            self.push(Op::BrFCmp { p: fpred(c), dbl, a: ra, b: rb, t, f, ctr });
            return Ok(());
        }
        let mut p = ipred(c);
        let bits = match a.ty().kind() {
            TyKind::Int(w) => w,
            _ => 64,
        };
        let (mut a, mut b) = (a, b);
        if self.const_int(a).is_some() && self.const_int(b).is_none() {
            std::mem::swap(&mut a, &mut b);
            p = swap_pred(p);
        }
        let w32 = bits == 32;
        let (ra, rb) = if is_signed(p) && bits != 32 && bits != 64 {
            // Signed compare of an odd width: sign-extend both to 64 bits first.
            (self.sext64(a, bits)?, self.sext64(b, bits)?)
        } else {
            let imm = if w32 { self.imm32(b) } else { self.imm64(b) };
            if let Some(imm) = imm {
                let ra = self.reg(a)?;
                let nconsts = self.consts.len();
                let kb = self.const_reg(vec![if w32 { imm as u32 as u64 } else { imm as i64 as u64 }]);
                let c = CmpBr { p, w32, a: ra, b: kb, t, f, ctr, mv };
                if self.try_inc_br(c) || self.try_load_br(c) {
                    return Ok(());
                }
                // The immediate form does not read the constant's slot: drop it if it was made
                // for this branch alone (every call copies a function's constants into its frame).
                if self.consts.len() == nconsts + 1 {
                    self.drop_last_const();
                }
                self.push(brcmpi(p, w32, BrCmpI { a: ra, imm, t, f, ctr }));
                return Ok(());
            }
            (self.reg(a)?, self.reg(b)?)
        };
        let c = CmpBr { p, w32, a: ra, b: rb, t, f, ctr, mv };
        if ((bits == 32 || bits == 64) && self.try_inc_br(c)) || self.try_load_br(c) {
            return Ok(());
        }
        self.push(brcmp(p, w32, BrCmp { a: ra, b: rb, t, f, ctr }));
        Ok(())
    }

    /// A slot holding `v` (an int of `bits`) sign-extended to 64 bits.
    pub(super) fn sext64(&mut self, v: Val, bits: u32) -> Result<Reg, String> {
        let r = self.reg(v)?;
        let d = self.temp(1);
        self.push(Op::Sext { d, a: r, from: bits as u8, to: 64 });
        Ok(d)
    }

    pub(super) fn emit_switch(&mut self, i: Val) -> Result<(), String> {
        let v = i.operand(0);
        if !matches!(v.ty().kind(), TyKind::Int(b) if b <= 64) {
            return Err(format!("unsupported switch on '{}'", v.ty().to_text()));
        }
        let ncases = (i.num_operands() - 2) / 2;
        let mut cases = Vec::new();
        for k in 0..ncases {
            let val = self.const_int(i.operand(2 + 2 * k)).ok_or("non-constant switch case")?;
            cases.push((val, i.operand(3 + 2 * k)));
        }
        self.emit_multiway(i, v, i.operand(1), cases, false)
    }

    /// `indirectbr`: a switch on the block-address token over the listed destinations.
    pub(super) fn emit_indirectbr(&mut self, i: Val) -> Result<(), String> {
        let fid = self.prog.func_ids.get(&self.func).ok_or("indirectbr in an unknown function")?.0;
        let mut cases = Vec::new();
        for k in 1..i.num_operands() {
            let b = i.operand(k);
            let idx = self.block_id(b)?;
            cases.push((crate::consts::BLOCK_ADDRESS_TAG | (u64::from(fid) << 24) | u64::from(idx), b));
        }
        cases.sort_by_key(|c| c.0);
        cases.dedup_by_key(|c| c.0);
        let default = cases.first().map(|c| c.1).ok_or("indirectbr without destinations")?;
        let order = (1..i.num_operands()).map(|k| self.block_id(i.operand(k))).collect::<Result<Box<[u32]>, _>>()?;
        self.emit_multiway(i, i.operand(0), default, cases, true)?;
        self.branches.last_mut().expect("emit_multiway adds the branch").indirect = Some(order);
        Ok(())
    }

    /// A switch of `v` over `cases` (value, block), else `default`; `computed_goto`: the values
    /// are block-address tokens of this function (`indirectbr`).
    fn emit_multiway(
        &mut self,
        i: Val,
        v: Val,
        default: Val,
        cases: Vec<(u64, Val)>,
        computed_goto: bool,
    ) -> Result<(), String> {
        let from = i.parent_block();
        let ncases = cases.len() as u32;
        let mut succs = vec![self.block_id(default)?];
        let values: Vec<u64> = cases.iter().map(|c| c.0).collect();
        let dests: Vec<Val> = cases.iter().map(|c| c.1).collect();
        for d in &dests {
            succs.push(self.block_id(*d)?);
        }
        let ctr = self.meta(from, BranchKind::Switch, succs, values.clone());
        let mut targets_by_block: std::collections::HashMap<Val, Target> = Default::default();
        let mut target_of = |fx: &mut Self, b: Val| -> Result<Rel, String> {
            if let Some(t) = targets_by_block.get(&b) {
                return Ok(t.encode());
            }
            let t = fx.edge_target(from, b)?;
            targets_by_block.insert(b, t);
            Ok(t.encode())
        };
        let mut order: Vec<u32> = (0..ncases).collect();
        order.sort_by_key(|&k| values[k as usize]);
        let mut targets = Vec::new();
        for &k in &order {
            targets.push(target_of(self, dests[k as usize])?);
        }
        targets.push(target_of(self, default)?);
        let sorted: Vec<u64> = order.iter().map(|&k| values[k as usize]).collect();
        let dense = match (sorted.first(), sorted.last()) {
            // Dense when the table is at most about four entries a case, or 64 entries (a
            // few cases far apart, as Lua's `switch` on type tags 6, 22 and 38), or, for a
            // computed goto, one entry per block of the function at most: its tokens are the
            // blocks' indices, and a dispatch loop's jump (Lua's `goto *disptab[op]` over 83
            // handlers) is its hottest op.
            (Some(&lo), Some(&hi))
                if hi - lo < (4 * u64::from(ncases) + 16).max(64)
                    || (computed_goto && hi - lo <= self.block_index.len() as u64) =>
            {
                let mut d = vec![u32::MAX; (hi - lo + 1) as usize];
                for (j, &val) in sorted.iter().enumerate() {
                    d[(val - lo) as usize] = j as u32;
                }
                Some((lo, d.into()))
            }
            _ => None,
        };
        let table = Aux(self.switches.len() as u32);
        self.switches.push(SwitchTable {
            values: sorted.into(),
            targets: targets.into(),
            ctr: ctr.0,
            order: order.into(),
            dense,
            edges: Box::new([]),
        });
        self.switch_pcs.push(self.code.len() as u32);
        let v = self.reg(v)?;
        self.push(Op::Switch { v, table });
        Ok(())
    }

    pub(super) fn emit_ret(&mut self, i: Val) -> Result<(), String> {
        if i.num_operands() == 0 {
            self.push(Op::RetVoid);
            return Ok(());
        }
        let v = i.operand(0);
        let n = layout::slots(self.dl, v.ty())?;
        let s = self.reg(v)?;
        self.push(match n {
            0 => Op::RetVoid,
            1 => Op::Ret { s },
            2 => Op::Ret2 { s },
            _ => Op::RetN { s, n },
        });
        Ok(())
    }

    pub(super) fn emit_unreachable(&mut self) {
        self.push(Op::Trap { kind: TrapOp::Unreachable, what: Aux(0) });
    }

    pub(super) fn emit_select(&mut self, i: Val) -> Result<(), String> {
        let d = self.reg(i)?;
        let (c, a, b) = (i.operand(0), i.operand(1), i.operand(2));
        if c.ty().kind() == TyKind::Vector {
            let (lane, n) = match layout::scalar(i.ty())? {
                layout::Scalar::Vec(l, n) => (l, n),
                _ => return Err("vector select of a non-vector".into()),
            };
            let (c, a, b) = (self.reg(c)?, self.reg(a)?, self.reg(b)?);
            self.push(Op::VSelect { lane, n: n as u8, d, c, a, b });
            return Ok(());
        }
        let n = layout::slots(self.dl, i.ty())?;
        let (c, a, b) = (self.reg(c)?, self.reg(a)?, self.reg(b)?);
        self.push(if n == 1 { Op::Select { d, c, a, b } } else { Op::SelectN { d, c, a, b, n } });
        Ok(())
    }
}

/// A move of `n` slots.
pub(super) fn mov(d: Reg, s: Reg, n: u32) -> Op {
    match n {
        1 => Op::Mov { d, s },
        2 => Op::Mov2 { d, s },
        _ => Op::MovN { d, s, n },
    }
}

/// End `ops` with a jump to `t`, folding the trailing one-slot moves (one or two) into `MovJmp`
/// or `MovMovJmp`.
fn push_jump(ops: &mut Vec<Op>, t: Target, ctr: Ctr) {
    let rel = t.encode();
    match ops[..] {
        [.., Op::Mov { d, s }, Op::Mov { d: d2, s: s2 }] => {
            ops.truncate(ops.len() - 2);
            ops.push(Op::MovMovJmp { d, s, rel, ctr });
            ops.push(Op::ExtMov { d: d2, s: s2 });
        }
        [.., Op::Mov { d, s }] => {
            ops.pop();
            ops.push(Op::MovJmp { d, s, rel, ctr });
        }
        _ => ops.push(Op::Jmp { rel, ctr }),
    }
}
