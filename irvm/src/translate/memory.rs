//! Memory: loads and stores of every type (aggregates leaf by leaf), GEP with precomputed offsets
//! (folded into the load/store when only loads/stores use it), allocas in the frame's fixed area,
//! and atomics (real atomic operations, `exec/mem.rs`).

use super::Fx;
use crate::isa::{Mem, MemX, Op, Reg};
use crate::layout::{self, Leaf, Scalar};
use crate::llvm::{TyKind, Val, ValKind};
use llvm_sys::LLVMOpcode as O;

/// A GEP split into base + constant offset + at most one scaled variable index.
#[derive(Clone, Copy, Debug)]
pub(crate) struct GepParts {
    pub(crate) base: Val,
    pub(crate) off: i64,
    /// (index value, its width, scale in bytes)
    pub(crate) var: Option<(Val, u32, i64)>,
}

/// The scaled index of a folded address.
#[derive(Clone, Copy)]
struct Index {
    i: Reg,
    scale: i32,
    /// `i` is an i32, sign-extended by the access (else an i64).
    sext32: bool,
}

/// The indexed load (or store) op of a scalar access of `kind` (8, 16, 32 or 64 bits; the
/// translator folds no other access), with an i64 or a sign-extended i32 index.
fn indexed_access(load: bool, kind: Scalar, sext32: bool, m: MemX) -> Op {
    if let Scalar::Vec(..) = kind
        && kind.mem_bytes() == 16
    {
        return if load { Op::Load128X(m) } else { Op::Store128X(m) };
    }
    let by_width: [fn(MemX) -> Op; 4] = match (load, sext32) {
        (true, false) => [Op::Load8X, Op::Load16X, Op::Load32X, Op::Load64X],
        (true, true) => [Op::Load8XS, Op::Load16XS, Op::Load32XS, Op::Load64XS],
        (false, false) => [Op::Store8X, Op::Store16X, Op::Store32X, Op::Store64X],
        (false, true) => [Op::Store8XS, Op::Store16XS, Op::Store32XS, Op::Store64XS],
    };
    let w = match kind {
        Scalar::Int(8) => 0,
        Scalar::Int(16) => 1,
        Scalar::Int(32) | Scalar::F32 => 2,
        _ => 3,
    };
    by_width[w](m)
}

impl Fx<'_> {
    /// Decompose a GEP (instruction) when it has at most one variable index.
    pub(super) fn gep_parts(&self, g: Val) -> Option<GepParts> {
        let mut off: i64 = 0;
        let mut var = None;
        let mut cur = g.gep_source_type();
        for k in 1..g.num_operands() {
            let idx = g.operand(k);
            let TyKind::Int(ib) = idx.ty().kind() else { return None };
            let scale = if k == 1 {
                self.dl.size(cur) as i64
            } else if cur.kind() == TyKind::Struct {
                let f = self.const_int(idx)? as u32;
                off = off.wrapping_add(self.dl.field_offset(cur, f) as i64);
                cur = cur.fields()[f as usize];
                continue;
            } else {
                cur = cur.elem();
                self.dl.size(cur) as i64
            };
            match self.const_int(idx) {
                Some(c) => {
                    let c = if ib >= 64 { c as i64 } else { ((c << (64 - ib)) as i64) >> (64 - ib) };
                    off = off.wrapping_add(c.wrapping_mul(scale));
                }
                None if var.is_none() && ib <= 64 => {
                    if let Some(x) = self.sext32_source(idx) {
                        // `sext i32 x`: the address reads x and sign-extends it (width 32).
                        var = Some((x, 32, scale));
                        continue;
                    }
                    // `x + C` (or a disjoint `x | C`) as an i64 index: fold C into the offset;
                    // addresses wrap modulo 2^64 either way.
                    let (x, c) = self.index_plus_const(idx).unwrap_or((idx, 0));
                    off = off.wrapping_add(c.wrapping_mul(scale));
                    var = Some((x, ib, scale));
                }
                None => return None,
            }
        }
        let base = g.operand(0);
        // A constant step from a GEP with a variable index (`p + 4*i`, then `+ 16` for the second
        // vector of a vectorized loop's step) is that GEP's address plus the step.
        if var.is_none()
            && base.kind() == ValKind::Instruction
            && base.opcode() == O::LLVMGetElementPtr
            && base.ty().kind() == TyKind::Ptr
            && let Some(inner) = self.gep_parts(base)
            && inner.var.is_some()
        {
            return Some(GepParts { base: inner.base, off: inner.off.wrapping_add(off), var: inner.var });
        }
        Some(GepParts { base, off, var })
    }

    /// After pass 1: an `x + C` or `sext i32 x` index whose every user is a folded GEP that looks
    /// through it needs no op of its own (each address computes x * scale + C * scale + off, or
    /// sign-extends x itself).
    pub(super) fn drop_folded_index_adds(&mut self, insts: &[Val]) {
        for &i in insts {
            if self.fused.contains(&i)
                || self.alias.contains_key(&i)
                || (self.index_plus_const(i).is_none() && self.sext32_source(i).is_none())
            {
                continue;
            }
            let users = i.users();
            let all_folded = !users.is_empty()
                && users.iter().all(|u| {
                    self.fused.contains(u)
                        && u.kind() == ValKind::Instruction
                        && u.opcode() == O::LLVMGetElementPtr
                        && self.gep_parts(*u).is_some_and(|p| p.var.is_some_and(|(x, _, _)| x != i))
                });
            if all_folded {
                self.fused.insert(i);
            }
        }
    }

    /// An i64 index `sext i32 x`: x. Not when x is an `add i32 y, C` folded into this sext
    /// (`AddSext32I`): that add has no op of its own.
    pub(super) fn sext32_source(&self, idx: Val) -> Option<Val> {
        let idx = self.resolve(idx);
        if idx.kind() != ValKind::Instruction
            || idx.opcode() != O::LLVMSExt
            || idx.ty().kind() != TyKind::Int(64)
            || idx.operand(0).ty().kind() != TyKind::Int(32)
        {
            return None;
        }
        let x = self.resolve(idx.operand(0));
        (!self.add_sext_candidate(x)).then_some(x)
    }

    /// An i64 index of the form `x + C` or disjoint `x | C`: (x, C).
    fn index_plus_const(&self, idx: Val) -> Option<(Val, i64)> {
        let idx = self.resolve(idx);
        if idx.kind() != ValKind::Instruction || idx.ty().kind() != TyKind::Int(64) {
            return None;
        }
        let is_add = match idx.opcode() {
            O::LLVMAdd => true,
            O::LLVMOr => idx.is_disjoint(),
            _ => false,
        };
        if !is_add {
            return None;
        }
        let (a, b) = (idx.operand(0), idx.operand(1));
        match (self.const_int(a), self.const_int(b)) {
            (None, Some(c)) => Some((a, c as i64)),
            (Some(c), None) => Some((b, c as i64)),
            _ => None,
        }
    }

    /// Pass 1: a GEP used only as the address of loads/stores is folded into them when its
    /// offset is constant (or one i64 index scaled by the access size, for one user).
    pub(super) fn maybe_fold_gep(&mut self, g: Val) {
        if g.opcode() != O::LLVMGetElementPtr || g.ty().kind() != TyKind::Ptr {
            return;
        }
        let Some(parts) = self.gep_parts(g) else { return };
        if self.foldable_gep(g, &parts) {
            self.fused.insert(g);
        }
    }

    /// Whether GEP `g` (decomposed as `parts`) can be folded into its users: every one is a load
    /// or store at it, or a constant step from it that can be folded in turn, and the accesses
    /// take the indexed form.
    fn foldable_gep(&self, g: Val, parts: &GepParts) -> bool {
        let users = g.users();
        let addr_use = |u: &Val| {
            u.kind() == ValKind::Instruction
                && match u.opcode() {
                    O::LLVMLoad => true,
                    O::LLVMStore => u.operand(1) == g && u.operand(0) != g,
                    O::LLVMGetElementPtr => {
                        parts.var.is_some()
                            && u.operand(0) == g
                            && u.ty().kind() == TyKind::Ptr
                            && (1..u.num_operands()).all(|k| self.const_int(u.operand(k)).is_some())
                            && self.gep_parts(*u).is_some_and(|p| self.foldable_gep(*u, &p))
                    }
                    _ => false,
                }
        };
        if users.is_empty() || !users.iter().all(addr_use) {
            return false;
        }
        match parts.var {
            None => i32::try_from(parts.off).is_ok(),
            Some((_, bits, scale)) => {
                // Scalars, and vectors of 8 bytes (one slot, as an i64) or 16 (two slots, with an
                // i64 index only).
                let scalar_access = users.iter().filter(|u| u.opcode() != O::LLVMGetElementPtr).all(|u| {
                    let t = if u.opcode() == O::LLVMLoad { u.ty() } else { u.operand(0).ty() };
                    match layout::scalar(t) {
                        Ok(Scalar::Int(8 | 16 | 32 | 64) | Scalar::F32 | Scalar::F64 | Scalar::Ptr) => true,
                        Ok(k @ Scalar::Vec(l, _)) if l != crate::isa::Lane::I1 => {
                            k.mem_bytes() == 8 || (k.mem_bytes() == 16 && bits == 64)
                        }
                        _ => false,
                    }
                });
                scalar_access
                    && (bits == 64 || bits == 32)
                    && i32::try_from(scale).is_ok()
                    && i32::try_from(parts.off).is_ok()
            }
        }
    }

    /// Address operand of a load/store: (base slot, constant offset, scaled index).
    fn address(&mut self, p: Val) -> Result<(Reg, i32, Option<Index>), String> {
        if self.fused.contains(&p) {
            let parts = self.gep_parts(p).ok_or("bad folded GEP")?;
            let base = self.reg(parts.base)?;
            if let Some((i, bits, scale)) = parts.var {
                let i = self.reg(i)?;
                return Ok((base, parts.off as i32, Some(Index { i, scale: scale as i32, sext32: bits == 32 })));
            }
            return Ok((base, parts.off as i32, None));
        }
        Ok((self.reg(p)?, 0, None))
    }

    pub(super) fn emit_load(&mut self, i: Val) -> Result<(), String> {
        let d = self.reg(i)?;
        let (p, off, x) = self.address(i.operand(0))?;
        if let Some(Index { i: ix, scale, sext32 }) = x {
            let m = MemX { v: d, p, i: ix, scale, off };
            self.push(indexed_access(true, layout::scalar(i.ty())?, sext32, m));
            return Ok(());
        }
        for leaf in layout::leaves(self.dl, i.ty())? {
            let off = off.checked_add(leaf.mem as i32).ok_or("load offset overflow")?;
            self.load_leaf(d.at(leaf.slot), p, off, leaf)?;
        }
        Ok(())
    }

    fn load_leaf(&mut self, d: Reg, p: Reg, off: i32, leaf: Leaf) -> Result<(), String> {
        let m = Mem { v: d, p, off };
        match leaf.kind {
            Scalar::Int(1 | 8) => self.push(Op::Load8(m)),
            Scalar::Int(16) | Scalar::F16 => self.push(Op::Load16(m)),
            Scalar::Int(32) | Scalar::F32 => self.push(Op::Load32(m)),
            Scalar::Int(64) | Scalar::F64 | Scalar::Ptr => self.push(Op::Load64(m)),
            Scalar::Int(b) => {
                self.push(Op::LoadN { d, p, off, n: b.div_ceil(8) });
                if b % 8 != 0 {
                    self.push(if b > 64 {
                        Op::TruncW { d, a: d, bits: b as u8 }
                    } else {
                        Op::Trunc { d, a: d, bits: b as u8 }
                    });
                }
            }
            Scalar::Vec(crate::isa::Lane::I1, _) => return Err("unsupported load of an i1 vector".into()),
            Scalar::Vec(..) | Scalar::F80 => self.push(Op::LoadN { d, p, off, n: leaf.kind.mem_bytes() }),
        }
        Ok(())
    }

    pub(super) fn emit_store(&mut self, i: Val) -> Result<(), String> {
        let v = i.operand(0);
        let (p, off, x) = self.address(i.operand(1))?;
        let s = self.reg(v)?;
        if let Some(Index { i: ix, scale, sext32 }) = x {
            let m = MemX { v: s, p, i: ix, scale, off };
            self.push(indexed_access(false, layout::scalar(v.ty())?, sext32, m));
            return Ok(());
        }
        for leaf in layout::leaves(self.dl, v.ty())? {
            let off = off.checked_add(leaf.mem as i32).ok_or("store offset overflow")?;
            let m = Mem { v: s.at(leaf.slot), p, off };
            let o = match leaf.kind {
                Scalar::Int(1 | 8) => Op::Store8(m),
                Scalar::Int(16) | Scalar::F16 => Op::Store16(m),
                Scalar::Int(32) | Scalar::F32 => Op::Store32(m),
                Scalar::Int(64) | Scalar::F64 | Scalar::Ptr => Op::Store64(m),
                Scalar::Vec(crate::isa::Lane::I1, _) => return Err("unsupported store of an i1 vector".into()),
                k => Op::StoreN { v: m.v, p, off, n: k.mem_bytes() },
            };
            self.push(o);
        }
        Ok(())
    }

    pub(super) fn emit_gep(&mut self, i: Val) -> Result<(), String> {
        if i.ty().kind() == TyKind::Vector {
            return Err("unsupported vector GEP".into());
        }
        let d = self.reg(i)?;
        let base = self.reg(i.operand(0))?;
        // Walk the indices: constant parts accumulate, variable ones chain Gep ops.
        let mut off: i64 = 0;
        let mut vars: Vec<(Val, u32, i64)> = Vec::new();
        let mut cur = i.gep_source_type();
        for k in 1..i.num_operands() {
            let idx = i.operand(k);
            let TyKind::Int(ib) = idx.ty().kind() else { return Err("unsupported vector GEP index".into()) };
            let scale = if k == 1 {
                self.dl.size(cur) as i64
            } else if cur.kind() == TyKind::Struct {
                let f = self.const_int(idx).ok_or("non-constant struct index")? as u32;
                off = off.wrapping_add(self.dl.field_offset(cur, f) as i64);
                cur = cur.fields()[f as usize];
                continue;
            } else {
                cur = cur.elem();
                self.dl.size(cur) as i64
            };
            match self.const_int(idx) {
                Some(c) => {
                    let c = if ib >= 64 { c as i64 } else { ((c << (64 - ib)) as i64) >> (64 - ib) };
                    off = off.wrapping_add(c.wrapping_mul(scale));
                }
                None => vars.push((idx, ib, scale)),
            }
        }
        let (off32, mut extra) = match i32::try_from(off) {
            Ok(o) => (o, None),
            Err(_) => (0, Some(self.const_reg(vec![off as u64]))),
        };
        let mut p = base;
        if vars.is_empty() {
            self.push(Op::Add64I(crate::isa::BinI { d, a: p, imm: off32 }));
            p = d;
        }
        let n = vars.len();
        for (k, (idx, ib, scale)) in vars.into_iter().enumerate() {
            let scale = i32::try_from(scale).map_err(|_| "GEP scale too large")?;
            let off = if k == 0 { off32 } else { 0 };
            let dst = if k + 1 == n && extra.is_none() { d } else { self.temp(1) };
            let o = match ib {
                64 => {
                    let i = self.reg(idx)?;
                    Op::Gep { d: dst, p, i, scale, off }
                }
                32 => {
                    let i = self.reg(idx)?;
                    Op::Gep32 { d: dst, p, i, scale, off }
                }
                b => {
                    let i = self.sext64(idx, b)?;
                    Op::Gep { d: dst, p, i, scale, off }
                }
            };
            self.push(o);
            p = dst;
        }
        if let Some(c) = extra.take() {
            self.push(Op::Add64(crate::isa::Bin { d, a: p, b: c }));
        }
        Ok(())
    }

    pub(super) fn emit_alloca(&mut self, i: Val) -> Result<(), String> {
        let d = self.reg(i)?;
        let t = i.allocated_type();
        let size = self.dl.size(t).max(1);
        let align = i.alignment().max(1);
        let count = i.operand(0);
        let entry = self.func.blocks().first().copied() == Some(i.parent_block());
        if let (true, Some(n)) = (entry, self.const_int(count)) {
            let bytes = size.checked_mul(n).ok_or("alloca too large")?;
            self.alloca_align = self.alloca_align.max(align);
            let off = self.alloca_bytes.div_ceil(align) * align;
            self.alloca_bytes = off + bytes.max(1);
            let off = u32::try_from(off).map_err(|_| "frame allocas exceed 4 GiB")?;
            self.push(Op::Alloca { d, off });
            return Ok(());
        }
        let n = match count.ty().kind() {
            TyKind::Int(64) => self.reg(count)?,
            TyKind::Int(b) if b < 64 => self.reg(count)?,
            _ => return Err("unsupported alloca count type".into()),
        };
        let size = u32::try_from(size).map_err(|_| "alloca element too large")?;
        self.push(Op::AllocaDyn { d, n, size, align: align.max(16) as u32 });
        Ok(())
    }

    pub(super) fn emit_atomicrmw(&mut self, i: Val) -> Result<(), String> {
        use llvm_sys::LLVMAtomicRMWBinOp::*;
        let op = match i.rmw_op() {
            LLVMAtomicRMWBinOpXchg => 0,
            LLVMAtomicRMWBinOpAdd => 1,
            LLVMAtomicRMWBinOpSub => 2,
            LLVMAtomicRMWBinOpAnd => 3,
            LLVMAtomicRMWBinOpNand => 4,
            LLVMAtomicRMWBinOpOr => 5,
            LLVMAtomicRMWBinOpXor => 6,
            LLVMAtomicRMWBinOpMax => 7,
            LLVMAtomicRMWBinOpMin => 8,
            LLVMAtomicRMWBinOpUMax => 9,
            LLVMAtomicRMWBinOpUMin => 10,
            LLVMAtomicRMWBinOpFAdd => 11,
            LLVMAtomicRMWBinOpFSub => 12,
            _ => return Err("unsupported atomicrmw operation".into()),
        };
        let bytes = match layout::scalar(i.ty())? {
            Scalar::Int(b @ (8 | 16 | 32 | 64)) => (b / 8) as u8,
            Scalar::Ptr => 8,
            Scalar::F32 if op >= 11 => 4,
            Scalar::F64 if op >= 11 => 8,
            _ => return Err("unsupported atomicrmw type".into()),
        };
        let op = if op >= 11 && bytes == 8 { op + 2 } else { op };
        let (d, p, v) = (self.reg(i)?, self.reg(i.operand(0))?, self.reg(i.operand(1))?);
        self.push(Op::AtomicRmw { op, bytes, d, p, v });
        Ok(())
    }

    pub(super) fn emit_cmpxchg(&mut self, i: Val) -> Result<(), String> {
        let bytes = match layout::scalar(i.operand(1).ty())? {
            Scalar::Int(b @ (8 | 16 | 32 | 64)) => (b / 8) as u8,
            Scalar::Ptr => 8,
            _ => return Err("unsupported cmpxchg type".into()),
        };
        let d = self.reg(i)?;
        let (p, cmp, new) = (self.reg(i.operand(0))?, self.reg(i.operand(1))?, self.reg(i.operand(2))?);
        self.push(Op::CmpXchg { bytes, d, p, cmp, new });
        Ok(())
    }
}
