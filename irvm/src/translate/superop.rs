//! Superinstructions over several IR instructions: the dot-product step `c + [a] * [b]` (from an
//! fadd of an fmul or a scalar `llvm.fmuladd`), the axpy step `[a] = [a] + x * [b]` and its
//! vectorized form (a 16-byte `llvm.fmuladd` stored back where its addend was loaded, and two such
//! steps interleaved) with their loads folded in (only when nothing between a folded load and its
//! use can write memory), a double multiply-add with the indexed load feeding it, the loop latch
//! "add in place (a constant or a slot), compare, branch" (with a second variable stepped in place
//! before it), an indexed load and the compare-and-branch on its value, an i32 add by a constant
//! sign-extended to an i64 index, and a double division by a converted i64.

use super::Fx;
use crate::isa::{BinI, BrMv, IPred, MemA, Op, Reg, Rel};
use crate::llvm::{TyKind, Val, ValKind};
use llvm_sys::LLVMOpcode as O;

/// A folded load-fadd-fmul pattern, recorded in pass 1 and emitted at its last instruction.
#[derive(Clone, Copy, Debug)]
pub(crate) enum MemFma {
    /// fadd `c`, fmul(load a, load b)
    Dot { c: Val, a: Val, b: Val },
    /// store (fadd (load a), fmul(x, load b)) -> a's address
    Axpy { x: Val, a: Val, b: Val },
    /// store (fmuladd (x, load b, load a)) -> a's address, on 16-byte vectors; with `b_loaded`
    /// the load of `b` is not folded (a store between could change what it reads)
    VAxpy { x: Val, a: Val, b: Val, b_loaded: bool },
    /// store (fmuladd (x, y, load a)) -> a's address, on a float or double, neither factor a load
    FAxpyR { x: Val, y: Val, a: Val },
}

impl Fx<'_> {
    /// `v` is a load of `ty`, in `user`'s block, used only there, whose address is not a GEP with
    /// a sign-extended i32 index (the superinstructions' `MemA` takes an i64 index).
    fn is_load_of(&self, v: Val, ty: crate::llvm::Ty, user: Val) -> bool {
        v.kind() == ValKind::Instruction
            && v.opcode() == O::LLVMLoad
            && v.ty() == ty
            && v.parent_block() == user.parent_block()
            && v.users().len() == 1
            && !self.fused.contains(&v)
            && !self.sext32_indexed(v.operand(0))
    }

    /// `p` is a GEP whose variable index is an i32 sign-extended (`gep_parts` width 32).
    fn sext32_indexed(&self, p: Val) -> bool {
        p.kind() == ValKind::Instruction
            && p.opcode() == O::LLVMGetElementPtr
            && self.gep_parts(p).is_some_and(|parts| parts.var.is_some_and(|(_, bits, _)| bits == 32))
    }

    /// Whether any instruction from `first` up to (not including) `last`, in their block, may
    /// write memory that one of the `moved` loads reads (a store provably beside all of them
    /// does not count).
    fn writes_between(&self, first: Val, last: Val, moved: &[Val]) -> bool {
        let mut inside = false;
        for i in first.parent_block().instructions() {
            if i == first {
                inside = true;
            }
            if i == last {
                return false;
            }
            if inside
                && match i.opcode() {
                    O::LLVMStore => !moved.iter().all(|&l| self.disjoint(i, l)),
                    O::LLVMAtomicRMW | O::LLVMAtomicCmpXchg | O::LLVMFence | O::LLVMVAArg => true,
                    O::LLVMCall => !is_lane_wise_intrinsic(i),
                    _ => false,
                }
            {
                return true;
            }
        }
        true
    }

    /// Whether store `st` and load `l` provably touch different bytes: both addresses are the same
    /// base and index (as GEPs) at constant offsets whose ranges do not overlap.
    fn disjoint(&self, st: Val, l: Val) -> bool {
        let parts = |p: Val| {
            (p.kind() == ValKind::Instruction && p.opcode() == O::LLVMGetElementPtr)
                .then(|| self.gep_parts(p))
                .flatten()
                .map(|g| (g.base, g.var.map(|(x, _, scale)| (x, scale)), g.off))
                .unwrap_or((p, None, 0))
        };
        let size = |t: crate::llvm::Ty| self.dl.store_size(t) as i64;
        let ((b1, v1, o1), (b2, v2, o2)) = (parts(st.operand(1)), parts(l.operand(0)));
        let (n1, n2) = (size(st.operand(0).ty()), size(l.ty()));
        b1 == b2 && v1 == v2 && (o1.saturating_add(n1) <= o2 || o2.saturating_add(n2) <= o1)
    }

    /// `add i32 x, C` or `sub i32 x, C` (x not constant): (x, the add's immediate).
    pub(super) fn add32_imm(&self, i: Val) -> Option<(Val, i32)> {
        if i.kind() != ValKind::Instruction || i.ty().kind() != TyKind::Int(32) {
            return None;
        }
        let (a, b) = (i.operand(0), i.operand(1));
        match i.opcode() {
            O::LLVMAdd => match (self.imm32(a), self.imm32(b)) {
                (None, Some(k)) => Some((a, k)),
                (Some(k), None) => Some((b, k)),
                _ => None,
            },
            O::LLVMSub => match (self.imm32(a), self.imm32(b)) {
                (None, Some(k)) => Some((a, k.wrapping_neg())),
                _ => None,
            },
            _ => None,
        }
    }

    /// An `add i32 x, C` whose only use is a `sext` to i64 in its block: folded into it
    /// (`AddSext32I`); the liveness sees `x` read at the sext.
    pub(super) fn add_sext_candidate(&self, i: Val) -> bool {
        if self.add32_imm(i).is_none() {
            return false;
        }
        let users = i.users();
        matches!(users[..], [u] if u.kind() == ValKind::Instruction
            && u.opcode() == O::LLVMSExt
            && u.ty().kind() == TyKind::Int(64)
            && u.parent_block() == i.parent_block())
    }

    /// Pass 1: fold an add into its sext (`add_sext_candidate`).
    pub(super) fn maybe_fuse_add_sext(&mut self, i: Val) {
        if self.add_sext_candidate(i) {
            self.fused.insert(i);
        }
    }

    /// Pass 1: a `sitofp i64 x to double` whose only use is the divisor of an `fdiv double` of
    /// its block is folded into it (`FDivSi64`: `1.0 / (double)n`).
    pub(super) fn maybe_fuse_si_divisor(&mut self, i: Val) {
        if i.opcode() != O::LLVMSIToFP || i.ty().kind() != TyKind::Double || i.operand(0).ty().kind() != TyKind::Int(64)
        {
            return;
        }
        let users = i.users();
        if let [u] = users[..]
            && u.kind() == ValKind::Instruction
            && u.opcode() == O::LLVMFDiv
            && u.operand(1) == i
            && u.operand(0) != i
            && u.parent_block() == i.parent_block()
        {
            self.fused.insert(i);
        }
    }

    /// The earlier of two instructions of one block.
    fn earlier(&self, a: Val, b: Val) -> Val {
        for i in a.parent_block().instructions() {
            if i == a || i == b {
                return i;
            }
        }
        a
    }

    /// Pass 1, at a scalar `llvm.fmuladd` whose product's factors are both loads of its block
    /// (clang's `c += a[i] * b[i]`, contraction allowed but irvm not asked to fuse): the
    /// dot-product step, which rounds the product and the sum as `FMulAdd` does.
    fn maybe_fmuladd_dot(&mut self, f: Val) {
        if f.opcode() != O::LLVMCall
            || self.prog.fuse_fmuladd
            || f.callee().kind() != ValKind::Function
            || !f.callee().name().starts_with("llvm.fmuladd.")
        {
            return;
        }
        let (p, q, c) = (f.operand(0), f.operand(1), f.operand(2));
        let ty = f.ty();
        if ty.kind() == TyKind::Vector {
            self.maybe_fmuladd_axpy(f);
            return;
        }
        if !matches!(ty.kind(), TyKind::Float | TyKind::Double) {
            return;
        }
        if self.is_load_of(p, ty, f)
            && self.is_load_of(q, ty, f)
            && p != q
            && !self.writes_between(self.earlier(p, q), f, &[p, q])
        {
            self.fused.insert(p);
            self.fused.insert(q);
            self.mem_fma.insert(f, MemFma::Dot { c, a: p, b: q });
        } else if p != c
            && q != c
            && let Some(st) = self.stored_where_loaded(f, c)
        {
            // nbody's scalar velocity update `v -= d * m`: both factors computed.
            self.fused.insert(f);
            self.fused.insert(c);
            self.mem_fma.insert(st, MemFma::FAxpyR { x: p, y: q, a: c });
        }
    }

    /// The store of `f` where its addend `a` was loaded, when that is `f`'s only user, in its
    /// block, `a` is a load of `f`'s type used only by `f`, and nothing between the load and the
    /// store may write there: the load and the store can then be one op's, at the store.
    fn stored_where_loaded(&self, f: Val, a: Val) -> Option<Val> {
        let users = f.users();
        let [st] = users[..] else { return None };
        (st.kind() == ValKind::Instruction
            && st.opcode() == O::LLVMStore
            && st.operand(0) == f
            && st.parent_block() == f.parent_block()
            && self.is_load_of(a, f.ty(), f)
            && a.operand(0) == st.operand(1)
            && !self.writes_between(a, st, &[a]))
        .then_some(st)
    }

    /// Pass 1, at a vector `llvm.fmuladd` of 16 bytes of `float` or `double` lanes whose only
    /// user stores it where its addend was loaded from (clang's vectorized `c[j] += a * b[j]`):
    /// the axpy step, the addend's load and the store folded in, and a loaded factor's load too.
    fn maybe_fmuladd_axpy(&mut self, f: Val) {
        let ty = f.ty();
        let Ok(crate::layout::Scalar::Vec(lane @ (crate::isa::Lane::F32 | crate::isa::Lane::F64), n)) =
            crate::layout::scalar(ty)
        else {
            return;
        };
        if n * lane.bytes() != 16 {
            return;
        }
        let (p, q, a) = (f.operand(0), f.operand(1), f.operand(2));
        let Some(st) = self.stored_where_loaded(f, a) else { return };
        // A loaded factor folds in as `b`; with none (nbody's `v += (d * m) * mag`, both factors
        // computed), both factors are read from their slots.
        let (x, b, computed) = if self.is_load_of(q, ty, f) && q != a {
            (p, q, false)
        } else if self.is_load_of(p, ty, f) && p != a {
            (q, p, false)
        } else if p != a && q != a {
            (p, q, true)
        } else {
            return;
        };
        if x == a {
            return;
        }
        // A load of `b` that a store between would have to pass stays where it is.
        let b_loaded = computed || self.writes_between(b, st, &[b]);
        self.fused.insert(f);
        self.fused.insert(a);
        if !b_loaded {
            self.fused.insert(b);
        }
        self.mem_fma.insert(st, MemFma::VAxpy { x, a, b, b_loaded });
    }

    /// Pass 1, at an fadd: recognise the dot-product / axpy step.
    pub(super) fn maybe_mem_fma(&mut self, f: Val) {
        self.maybe_fmuladd_dot(f);
        if f.opcode() != O::LLVMFAdd || !matches!(f.ty().kind(), TyKind::Float | TyKind::Double) {
            return;
        }
        let ty = f.ty();
        let (x, y) = (f.operand(0), f.operand(1));
        let (m, other) = if self.fused.contains(&x) && x.kind() == ValKind::Instruction && x.opcode() == O::LLVMFMul {
            (x, y)
        } else if self.fused.contains(&y) && y.kind() == ValKind::Instruction && y.opcode() == O::LLVMFMul {
            (y, x)
        } else {
            return;
        };
        let (p, q) = (m.operand(0), m.operand(1));
        // axpy: the fadd's only user stores it where `other` was loaded from.
        let users = f.users();
        if users.len() == 1
            && users[0].kind() == ValKind::Instruction
            && users[0].opcode() == O::LLVMStore
            && users[0].operand(0) == f
            && users[0].parent_block() == f.parent_block()
            && self.is_load_of(other, ty, f)
            && other.operand(0) == users[0].operand(1)
        {
            let st = users[0];
            let (xv, lb) = if self.is_load_of(q, ty, m) {
                (p, q)
            } else if self.is_load_of(p, ty, m) {
                (q, p)
            } else {
                return;
            };
            let first = self.earlier(self.earlier(other, lb), m);
            if !self.writes_between(first, st, &[other, lb]) && xv != other {
                for v in [f, other, lb] {
                    self.fused.insert(v);
                }
                self.mem_fma.insert(st, MemFma::Axpy { x: xv, a: other, b: lb });
            }
            return;
        }
        if self.is_load_of(p, ty, m) && self.is_load_of(q, ty, m) && p != q {
            let first = self.earlier(p, q);
            if !self.writes_between(first, f, &[p, q]) {
                self.fused.insert(p);
                self.fused.insert(q);
                self.mem_fma.insert(f, MemFma::Dot { c: other, a: p, b: q });
            }
        }
    }

    /// The memory operand a folded load reads.
    fn mem_operand(&mut self, load: Val) -> Result<MemA, String> {
        let ptr = load.operand(0);
        if self.fused.contains(&ptr) {
            let parts = self.gep_parts(ptr).ok_or("bad folded GEP")?;
            let p = self.reg(parts.base)?;
            return Ok(match parts.var {
                Some((i, _, scale)) => MemA { p, i: self.reg(i)?, scale: scale as i32, off: parts.off as i32 },
                None => MemA { p, i: p, scale: 0, off: parts.off as i32 },
            });
        }
        let p = self.reg(ptr)?;
        Ok(MemA { p, i: p, scale: 0, off: 0 })
    }

    /// Pass 2: emit a recorded pattern ending at `i` (the fadd or the store). False if none.
    pub(super) fn emit_mem_fma(&mut self, i: Val) -> Result<bool, String> {
        let Some(&pat) = self.mem_fma.get(&i) else { return Ok(false) };
        match pat {
            MemFma::Dot { c, a, b } => {
                let dbl = i.ty().kind() == TyKind::Double;
                let d = self.reg(i)?;
                let c = self.reg(c)?;
                let (ma, mb) = (self.mem_operand(a)?, self.mem_operand(b)?);
                self.push(if dbl { Op::FDotX64 { c, a: ma } } else { Op::FDotX32 { c, a: ma } });
                self.push(Op::ExtMem { b: mb, r: d });
                self.try_dot4(i, dbl);
            }
            MemFma::Axpy { x, a, b } => {
                let dbl = i.operand(0).ty().kind() == TyKind::Double;
                let x = self.reg(x)?;
                let (ma, mb) = (self.mem_operand(a)?, self.mem_operand(b)?);
                self.push(if dbl { Op::FAxpyX64 { x, a: ma } } else { Op::FAxpyX32 { x, a: ma } });
                self.push(Op::ExtMem { b: mb, r: x });
            }
            MemFma::FAxpyR { x, y, a } => {
                let dbl = i.operand(0).ty().kind() == TyKind::Double;
                let (x, b) = (self.reg(x)?, self.reg(y)?);
                let ma = self.mem_operand(a)?;
                self.push(Op::FAxpyR { dbl, x, b });
                self.push(Op::ExtMem { b: ma, r: x });
            }
            MemFma::VAxpy { x, a, b, b_loaded } => {
                let dbl = i.operand(0).ty().elem().kind() == TyKind::Double;
                let x = self.reg(x)?;
                let ma = self.mem_operand(a)?;
                if b_loaded {
                    let rb = self.reg(b)?;
                    self.push(Op::VAxpyR { dbl, x, b: rb });
                    self.push(Op::ExtMem { b: ma, r: x });
                    self.try_axpy_pair(b);
                } else {
                    let mb = self.mem_operand(b)?;
                    self.push(Op::VAxpyX { dbl, x, a: ma });
                    self.push(Op::ExtMem { b: mb, r: x });
                }
            }
        }
        Ok(true)
    }

    /// Pass 2, after the dot-product step of `llvm.fmuladd` call `i`: if it ends a chain of four
    /// steps over consecutive elements (clang's dot product unrolled by four: each step's sum is
    /// the next one's addend and used nowhere else, the same base and index, the offsets a
    /// element apart), the four become one `FDot4X`, whose sum stays in a register.
    fn try_dot4(&mut self, i: Val, dbl: bool) {
        let here = self.here();
        let len = self.code.len();
        // Only the `llvm.fmuladd` form: its addend is operand 2 (an fadd's could be either).
        if len < here + 8 || i.opcode() != O::LLVMCall {
            return;
        }
        // The three sums before this step: fmuladd calls, each used only by the next step.
        let mut v = i;
        for _ in 0..3 {
            let c = v.operand(2);
            let is_dot = c.kind() == ValKind::Instruction
                && c.opcode() == O::LLVMCall
                && c.parent_block() == i.parent_block()
                && c.users().len() == 1
                && matches!(self.mem_fma.get(&c), Some(MemFma::Dot { .. }));
            if !is_dot {
                return;
            }
            v = c;
        }
        let w = if dbl { 8 } else { 4 };
        let step = |k: usize| match (self.code[len - 8 + 2 * k], self.code[len - 7 + 2 * k]) {
            (Op::FDotX32 { c, a }, Op::ExtMem { b, r }) if !dbl => Some((c, a, b, r)),
            (Op::FDotX64 { c, a }, Op::ExtMem { b, r }) if dbl => Some((c, a, b, r)),
            _ => None,
        };
        let (Some(s0), Some(s1), Some(s2), Some(s3)) = (step(0), step(1), step(2), step(3)) else { return };
        let steps = [s0, s1, s2, s3];
        let next = |m: MemA, k: usize| MemA { off: m.off.wrapping_add(k as i32 * w), ..m };
        let chained = (1..4).all(|k| {
            let (s, prev) = (steps[k], steps[k - 1]);
            s.0 == prev.3 && s.1 == next(s0.1, k) && s.2 == next(s0.2, k)
        });
        // The fused op reads every address first and writes only the last sum: no address may
        // read a sum of the chain.
        let sums = [s0.3, s1.3, s2.3];
        let reads_sum = |m: MemA| sums.contains(&m.p) || sums.contains(&m.i);
        if !chained || reads_sum(s0.1) || reads_sum(s0.2) {
            return;
        }
        self.code.truncate(len - 8);
        let (c, a, b, r) = (s0.0, s0.1, s0.2, s3.3);
        self.push(if dbl { Op::FDot4X64 { c, a } } else { Op::FDot4X32 { c, a } });
        self.push(Op::ExtMem { b, r });
    }

    /// Pass 2, after an axpy step whose factor `b` was loaded before it (`VAxpyR`): if the ops
    /// just emitted are clang's vectorized axpy interleaved by two, `b`'s load (`Load128X`, `b`
    /// loaded only for this step), the step before (`VAxpyX`) and this one, on consecutive 16-byte
    /// vectors with the same factor, the three become one `VAxpy2X`. It reads both halves of
    /// each operand before writing: as the pair's IR does, which loads the second factor before
    /// the first store (the second addend, beside the first, is not what that store writes).
    fn try_axpy_pair(&mut self, b: Val) {
        let here = self.here();
        let len = self.code.len();
        if len < here + 5 || b.kind() != ValKind::Instruction || b.opcode() != O::LLVMLoad || b.users().len() != 1 {
            return;
        }
        let (
            Op::Load128X(l),
            Op::VAxpyX { dbl, x, a: a0 },
            Op::ExtMem { b: b0, r: r0 },
            Op::VAxpyR { dbl: dbl1, x: x1, b: rb },
            Op::ExtMem { b: a1, r: r1 },
        ) = (self.code[len - 5], self.code[len - 4], self.code[len - 3], self.code[len - 2], self.code[len - 1])
        else {
            return;
        };
        let next = |m: MemA| MemA { off: m.off.wrapping_add(16), ..m };
        let loaded = MemA { p: l.p, i: l.i, scale: l.scale, off: l.off };
        if dbl != dbl1 || x != x1 || r0 != x || r1 != x || l.v != rb || loaded != next(b0) || a1 != next(a0) {
            return;
        }
        // The load's address registers are read later by the pair: the load must not write them.
        let reads = |m: MemA| m.p == rb || m.i == rb;
        if reads(a0) || reads(b0) || x == rb {
            return;
        }
        self.code.truncate(len - 5);
        self.push(Op::VAxpy2X { dbl, latch: false, x, a: a0 });
        self.push(Op::ExtMem { b: b0, r: x });
    }

    /// Emit `d = a * b + c` (rounded twice). A double multiply-add right after an 8-byte indexed
    /// load in the same block that feeds it becomes one `LoadFMulAdd64`: same effects in the same
    /// order, one dispatch fewer.
    pub(super) fn push_fmuladd(&mut self, dbl: bool, d: Reg, a: Reg, b: Reg, c: Reg) {
        let here = self.here();
        if dbl
            && self.code.len() > here
            && let Some(&Op::Load64X(m)) = self.code.last()
            && (m.v == a || m.v == b)
        {
            self.code.pop();
            self.push(Op::LoadFMulAdd64(m));
            self.push(Op::ExtFma { d, a, b, c });
            return;
        }
        self.push(Op::FMulAdd { dbl, d, a, b, c });
    }

    /// Pass 2, at a fused compare-branch `c`: if the block's last op incremented `c.a` in
    /// place, fold it in as a loop latch; with a phi move `c.mv` = (edge mask, d, s), emit the
    /// compare-branch-move form even without an increment. True if done; false with the move
    /// already emitted as a `Mov` when it is taken on both edges and the compare does not read
    /// its destination (the caller then emits the plain compare-and-branch).
    pub(super) fn try_inc_br(&mut self, c: CmpBr) -> bool {
        let CmpBr { p, w32, a, b, t, f, ctr, mv } = c;
        let (mask, d, s) = mv.unwrap_or((0, Reg(0), Reg(0)));
        let here = self.here();
        // `i++; j += 3` before the compare of `i`: the two in-place steps (of different slots,
        // each reading only its own) swap, so that `i`'s is last and folds into the latch.
        let len = self.code.len();
        if !w32
            && len >= here + 2
            && let (Op::Add64I(x), Op::Add64I(y)) = (self.code[len - 2], self.code[len - 1])
            && x.d == a
            && x.a == a
            && y.d == y.a
            && y.d != a
        {
            self.code.swap(len - 2, len - 1);
        }
        let inc = match self.code.last() {
            _ if self.code.len() <= here => None,
            Some(Op::Add64I(x)) if !w32 => Some(*x),
            Some(Op::Add32I(x)) if w32 => Some(*x),
            _ => None,
        };
        // `a += s` in place by a slot (either operand of the add may be `a`).
        let step = match self.code.last() {
            _ if self.code.len() <= here || inc.is_some() => None,
            Some(Op::Add64(x)) if !w32 => Some(*x),
            Some(Op::Add32(x)) if w32 => Some(*x),
            _ => None,
        }
        .filter(|x| x.d == a && b != a)
        .and_then(|x| match (x.a == a, x.b == a) {
            (true, false) => Some(x.b),
            (false, true) => Some(x.a),
            _ => None,
        });
        if let Some(by) = step {
            self.code.pop();
            self.push(if w32 {
                Op::IncRBr32 { p, mv: mask, a, s: by, b }
            } else {
                Op::IncRBr64 { p, mv: mask, a, s: by, b }
            });
            self.push(Op::ExtBr { t, f, ctr, d, s });
            return true;
        }
        match inc {
            Some(BinI { d: x, a: src, imm }) if x == src && x == a => {
                self.code.pop();
                // Another variable stepped in place right before: the latch steps it first.
                let second = match self.code.last() {
                    _ if self.code.len() <= here || w32 => None,
                    Some(&Op::Add64I(y)) if y.d == y.a && y.d != a => Some(y),
                    _ => None,
                };
                if second.is_some() {
                    self.code.pop();
                }
                self.push(match second {
                    Some(y) => Op::Inc2Br64 { p, mv: mask, a, imm, b, a2: y.d, imm2: y.imm },
                    None if w32 => Op::IncBr32 { p, mv: mask, a, imm, b },
                    None => Op::IncBr64 { p, mv: mask, a, imm, b },
                });
            }
            // A move on both edges that the compare does not read goes first, as a plain `Mov`:
            // the compare-and-branch after it is then the specialized op of its predicate
            // (an immediate for a constant), not the compare-branch-move form, which decodes
            // two slots and evaluates its predicate through the flat table.
            _ if mask == 3 && d != a && d != b => {
                self.push(Op::Mov { d, s });
                return false;
            }
            _ if mv.is_some() => self.push(br_mov(p, w32, BrMv { mv: mask, a, b })),
            _ => return false,
        }
        self.push(Op::ExtBr { t, f, ctr, d, s });
        true
    }

    /// Pass 2, at a fused compare-branch `c` without a phi move: if the block's last op is an
    /// indexed load into `c.a` (or into `c.b`: the compare is then swapped, `x == a[i]` as
    /// `a[i] == x`), the two become one `LoadBr*X` + `ExtCmpBr` (the load still writes its slot,
    /// for its other uses). True if done.
    pub(super) fn try_load_br(&mut self, c: CmpBr) -> bool {
        let CmpBr { p, w32, a, b, t, f, ctr, mv } = c;
        let here = self.here();
        if mv.is_some() || self.code.len() <= here {
            return false;
        }
        let (fused, loaded) = match self.code.last() {
            Some(&Op::Load8X(m)) => (Op::LoadBr8X(m), m.v),
            Some(&Op::Load16X(m)) => (Op::LoadBr16X(m), m.v),
            Some(&Op::Load32X(m)) => (Op::LoadBr32X(m), m.v),
            Some(&Op::Load64X(m)) => (Op::LoadBr64X(m), m.v),
            _ => return false,
        };
        let (b, p) = match loaded {
            v if v == a => (b, p),
            v if v == b => (a, super::control::swap_pred(p)),
            _ => return false,
        };
        self.code.pop();
        self.push(fused);
        self.push(Op::ExtCmpBr { p, w32, b, t, f, ctr });
        true
    }
}

/// A call of an LLVM intrinsic that computes each lane of its result from the same lane of its
/// operands and touches no memory (the one table of them: `writes_between` lets loads move past
/// them, phi coalescing lets their result share an operand's slots).
pub(super) fn is_lane_wise_intrinsic(call: Val) -> bool {
    let callee = call.callee();
    callee.kind() == ValKind::Function && {
        let n = callee.name();
        [
            "llvm.fmuladd.",
            "llvm.fma.",
            "llvm.fabs.",
            "llvm.sqrt.",
            "llvm.smin.",
            "llvm.smax.",
            "llvm.umin.",
            "llvm.umax.",
        ]
        .iter()
        .any(|p| n.starts_with(p))
    }
}

/// The compare-branch-move op of predicate `p` on 32 bits (`w32`) or 64: one of its own where
/// there is one, else the generic form (`eq` first, then the flat predicate table).
fn br_mov(p: IPred, w32: bool, x: BrMv) -> Op {
    let BrMv { mv, a, b } = x;
    match (p, w32) {
        (IPred::Slt, false) => Op::BrMovSlt64(x),
        (IPred::Sgt, false) => Op::BrMovSlt64(BrMv { mv, a: b, b: a }),
        (IPred::Slt, true) => Op::BrMovSlt32(x),
        (_, true) => Op::BrMov32 { p, mv, a, b },
        (_, false) => Op::BrMov64 { p, mv, a, b },
    }
}

/// A fused integer compare-and-branch being emitted: `a p b` on 32 bits (`w32`) or 64, its
/// targets and counter, and the one phi move riding in it, if any (edge mask, d, s).
#[derive(Clone, Copy)]
pub(super) struct CmpBr {
    pub(super) p: IPred,
    pub(super) w32: bool,
    pub(super) a: Reg,
    pub(super) b: Reg,
    pub(super) t: Rel,
    pub(super) f: Rel,
    pub(super) ctr: crate::isa::Ctr,
    pub(super) mv: Option<(u8, Reg, Reg)>,
}
