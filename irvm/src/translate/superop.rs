//! Superinstructions over several IR instructions: the dot-product step `c + [a] * [b]` and the
//! axpy step `[a] = [a] + x * [b]` with their loads folded in (only when nothing between a folded
//! load and its use can write memory), a double multiply-add with the indexed load feeding it, and
//! the loop latch "add in place, compare, branch", and an i32 add by a constant sign-extended to
//! an i64 index.

use super::Fx;
use crate::isa::{BinI, IPred, MemA, Op, Reg, Rel};
use crate::llvm::{TyKind, Val, ValKind};
use llvm_sys::LLVMOpcode as O;

/// A folded load-fadd-fmul pattern, recorded in pass 1 and emitted at its last instruction.
#[derive(Clone, Copy, Debug)]
pub(crate) enum MemFma {
    /// fadd `c`, fmul(load a, load b)
    Dot { c: Val, a: Val, b: Val },
    /// store (fadd (load a), fmul(x, load b)) -> a's address
    Axpy { x: Val, a: Val, b: Val },
}

impl Fx<'_> {
    fn is_load_of(&self, v: Val, ty: crate::llvm::Ty, user: Val) -> bool {
        v.kind() == ValKind::Instruction
            && v.opcode() == O::LLVMLoad
            && v.ty() == ty
            && v.parent_block() == user.parent_block()
            && v.users().len() == 1
            && !self.fused.contains(&v)
    }

    /// Whether any instruction from `first` up to (not including) `last`, in their block, may
    /// write memory.
    fn writes_between(&self, first: Val, last: Val) -> bool {
        let mut inside = false;
        for i in first.parent_block().instructions() {
            if i == first {
                inside = true;
            }
            if i == last {
                return false;
            }
            if inside
                && matches!(
                    i.opcode(),
                    O::LLVMStore | O::LLVMCall | O::LLVMAtomicRMW | O::LLVMAtomicCmpXchg | O::LLVMFence | O::LLVMVAArg
                )
            {
                return true;
            }
        }
        true
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

    /// Pass 1: an `add i32 x, C` whose only use is a `sext` to i64 in its block is folded into
    /// it (`AddSext32I`); the liveness sees `x` read at the sext.
    pub(super) fn maybe_fuse_add_sext(&mut self, i: Val) {
        if self.add32_imm(i).is_none() {
            return;
        }
        let users = i.users();
        if let [u] = users[..]
            && u.kind() == ValKind::Instruction
            && u.opcode() == O::LLVMSExt
            && u.ty().kind() == TyKind::Int(64)
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

    /// Pass 1, at an fadd: recognise the dot-product / axpy step.
    pub(super) fn maybe_mem_fma(&mut self, f: Val) {
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
            if !self.writes_between(first, st) && xv != other {
                for v in [f, other, lb] {
                    self.fused.insert(v);
                }
                self.mem_fma.insert(st, MemFma::Axpy { x: xv, a: other, b: lb });
            }
            return;
        }
        if self.is_load_of(p, ty, m) && self.is_load_of(q, ty, m) && p != q {
            let first = self.earlier(p, q);
            if !self.writes_between(first, f) {
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
            }
            MemFma::Axpy { x, a, b } => {
                let dbl = i.operand(0).ty().kind() == TyKind::Double;
                let x = self.reg(x)?;
                let (ma, mb) = (self.mem_operand(a)?, self.mem_operand(b)?);
                self.push(if dbl { Op::FAxpyX64 { x, a: ma } } else { Op::FAxpyX32 { x, a: ma } });
                self.push(Op::ExtMem { b: mb, r: x });
            }
        }
        Ok(true)
    }

    /// Emit `d = a * b + c` (rounded twice). A double multiply-add right after an 8-byte indexed
    /// load in the same block that feeds it becomes one `LoadFMulAdd64`: same effects in the same
    /// order, one dispatch fewer.
    pub(super) fn push_fmuladd(&mut self, dbl: bool, d: Reg, a: Reg, b: Reg, c: Reg) {
        let here = *self.block_start.last().unwrap_or(&0) as usize;
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

    /// Pass 2, at a fused compare-branch on `a pred b`: if the block's last op incremented `a` in
    /// place, fold it in as a loop latch; with a phi move `mv` = (edge mask, d, s), emit the
    /// compare-branch-move form even without an increment. True if done.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn try_inc_br(
        &mut self,
        p: IPred,
        w32: bool,
        a: Reg,
        b: Reg,
        t: Rel,
        f: Rel,
        ctr: crate::isa::Ctr,
        mv: Option<(u8, Reg, Reg)>,
    ) -> bool {
        let (mask, d, s) = mv.unwrap_or((0, Reg(0), Reg(0)));
        let here = *self.block_start.last().unwrap_or(&0) as usize;
        let inc = match self.code.last() {
            _ if self.code.len() <= here => None,
            Some(Op::Add64I(x)) if !w32 => Some(*x),
            Some(Op::Add32I(x)) if w32 => Some(*x),
            _ => None,
        };
        match inc {
            Some(BinI { d: x, a: src, imm }) if x == src && x == a => {
                self.code.pop();
                self.push(if w32 {
                    Op::IncBr32 { p, mv: mask, a, imm, b }
                } else {
                    Op::IncBr64 { p, mv: mask, a, imm, b }
                });
            }
            _ if mv.is_some() => {
                self.push(if w32 { Op::BrMov32 { p, mv: mask, a, b } } else { Op::BrMov64 { p, mv: mask, a, b } })
            }
            _ => return false,
        }
        self.push(Op::ExtBr { t, f, ctr, d, s });
        true
    }
}
