//! Operands: which slot holds an LLVM value (following no-op-cast aliases), constants
//! materialized into constant slots (deduplicated), and immediates for the `*I` op forms.

use super::Fx;
use crate::consts;
use crate::isa::{Lane, Reg};
use crate::layout::{self, Scalar};
use crate::llvm::{TyKind, Val, ValKind};
use llvm_sys::LLVMOpcode as O;

impl Fx<'_> {
    /// If instruction `i` needs no code (its value is bit-identical to an operand in irvm's
    /// representation), the value it aliases.
    pub(super) fn alias_source(&self, i: Val) -> Option<Val> {
        let int_bits = |v: Val| match v.ty().kind() {
            TyKind::Int(b) => Some(b),
            TyKind::Ptr => Some(64),
            _ => None,
        };
        let i1_vec = |v: Val| v.ty().kind() == TyKind::Vector && v.ty().elem().kind() == TyKind::Int(1);
        match i.opcode() {
            O::LLVMZExt => {
                let (from, to) = (int_bits(i.operand(0))?, int_bits(i)?);
                (from <= 64 && to <= 64 && i.ty().kind() != TyKind::Vector).then(|| i.operand(0))
            }
            O::LLVMBitCast => {
                let (a, b) = (i.operand(0), i);
                let same = layout::slots(self.dl, a.ty()).ok()? == layout::slots(self.dl, b.ty()).ok()?;
                (same && !i1_vec(a) && !i1_vec(b)).then_some(a)
            }
            O::LLVMAddrSpaceCast | O::LLVMFreeze => Some(i.operand(0)),
            O::LLVMPtrToInt => (int_bits(i)? == 64).then(|| i.operand(0)),
            O::LLVMIntToPtr => (int_bits(i.operand(0))? <= 64 && i.ty().kind() == TyKind::Ptr).then(|| i.operand(0)),
            O::LLVMCall => {
                let callee = i.callee();
                if callee.kind() != ValKind::Function {
                    return None;
                }
                let n = callee.name();
                let passthrough = n.starts_with("llvm.expect.")
                    || n.starts_with("llvm.ssa.copy.")
                    || (n.starts_with("llvm.threadlocal.address") && self.prog.tls.var_of(i.operand(0)).is_none())
                    || n.starts_with("llvm.launder.invariant.group")
                    || n.starts_with("llvm.strip.invariant.group");
                passthrough.then(|| i.operand(0))
            }
            _ => None,
        }
    }

    /// Follow aliases to the value that owns the slots.
    pub(super) fn resolve(&self, mut v: Val) -> Val {
        while let Some(&s) = self.alias.get(&v) {
            v = s;
        }
        v
    }

    /// If instruction `i` reads a 64-bit lane of a vector at a constant index, the vector and the
    /// lane: its value is that slot of the vector's, which nothing but the vector's own definition
    /// writes (a value that is not a phi), so `i` needs no slot or op of its own.
    pub(super) fn lane_source(&self, i: Val) -> Option<(Val, u32)> {
        if i.opcode() != O::LLVMExtractElement {
            return None;
        }
        let v = i.operand(0);
        let Ok(Scalar::Vec(lane @ (Lane::I64 | Lane::F64), n)) = layout::scalar(v.ty()) else { return None };
        let k = self.const_int(i.operand(1)).filter(|&k| k < u64::from(n))? as u32;
        let owner = self.resolve(v);
        let plain = match owner.kind() {
            ValKind::Argument => true,
            ValKind::Instruction => owner.opcode() != O::LLVMPHI && !self.fused.contains(&owner),
            _ => false,
        };
        (plain && lane.bytes() == 8).then_some((v, k))
    }

    /// The first slot of operand `v` (materializing constants).
    pub(super) fn reg(&mut self, v: Val) -> Result<Reg, String> {
        // Through aliases, adding the lane of each lane alias on the way.
        let mut lane = 0;
        let mut at = v;
        while let Some(&s) = self.alias.get(&at) {
            lane += self.lane_of.get(&at).copied().unwrap_or(0);
            at = s;
        }
        let v = at;
        if let Some(&r) = self.slot_of.get(&v) {
            return Ok(r.at(lane));
        }
        match v.kind() {
            ValKind::Instruction | ValKind::Argument => Err(format!("value without a slot: '{}'", v.to_text())),
            // A `blockaddress` operand (clang -O2 folds a computed-goto table's first entry into
            // a phi or a store) is a constant: irvm's token for the block.
            ValKind::BasicBlock | ValKind::Metadata | ValKind::InlineAsm | ValKind::Other
                if v.block_address().is_none() =>
            {
                Err(format!("unsupported operand '{}'", v.to_text()))
            }
            _ => {
                let slots = self.const_slots(v)?;
                Ok(self.const_reg(slots))
            }
        }
    }

    /// A constant slot run holding `slots` (deduplicated).
    /// Constant j lives at slot -1-j; a run of n constants at j.. is addressed by its lowest
    /// slot, -(j+n), so its slots ascend like any value's.
    pub(super) fn const_reg(&mut self, slots: Vec<u64>) -> Reg {
        if let Some(&r) = self.const_map.get(&slots) {
            return Reg(r as i32);
        }
        let j = self.consts.len() as i32;
        let n = slots.len() as i32;
        // Stored in slot order: constant j+n-1 (lowest address) first.
        self.consts.extend(slots.iter().rev());
        let r = Reg(-(j + n));
        self.const_map.insert(slots, r.0 as u32);
        r
    }

    /// Forget the one-slot constant `const_reg` made last (no op refers to its slot).
    pub(super) fn drop_last_const(&mut self) {
        if let Some(v) = self.consts.pop() {
            self.const_map.remove(&vec![v]);
        }
    }

    /// The slot image of a constant of any first-class type.
    pub(super) fn const_slots(&mut self, c: Val) -> Result<Vec<u64>, String> {
        let t = c.ty();
        if layout::is_aggregate(t) {
            let size = self.dl.store_size(t) as usize;
            let mut img = vec![0u8; size + 16];
            consts::write(self.dl, self.prog, c, &mut img)?;
            let leaves = layout::leaves(self.dl, t)?;
            let n = leaves.iter().map(|l| l.slot + l.kind.slots()).max().unwrap_or(0);
            let mut out = vec![0u64; n as usize];
            for l in leaves {
                read_leaf(&img[l.mem as usize..], l.kind, &mut out[l.slot as usize..]);
            }
            return Ok(out);
        }
        let s = layout::scalar(t)?;
        match s {
            Scalar::Int(b) if b > 64 => Ok(consts::wide_int(c)?[..b.div_ceil(64) as usize].to_vec()),
            Scalar::F80 => Ok(consts::fp80_const(c)?.to_vec()),
            Scalar::Vec(Lane::I1, n) => {
                let mut bytes = vec![0u8; n as usize];
                for (i, b) in bytes.iter_mut().enumerate() {
                    let lane = match c.kind() {
                        ValKind::ZeroAggregate | ValKind::Undef | ValKind::Poison => 0,
                        _ => consts::scalar(self.dl, self.prog, c.const_elem(i as u32).ok_or("bad i1 vector")?)?,
                    };
                    *b = (lane & 1) as u8;
                }
                Ok(pack(&bytes, s.slots()))
            }
            Scalar::Vec(..) => {
                let mut img = vec![0u8; s.mem_bytes() as usize];
                consts::write(self.dl, self.prog, c, &mut img)?;
                Ok(pack(&img, s.slots()))
            }
            _ => Ok(vec![consts::scalar(self.dl, self.prog, c)?]),
        }
    }

    /// If `v` is an integer constant of at most 64 bits, its zero-extended value.
    pub(super) fn const_int(&self, v: Val) -> Option<u64> {
        let v = self.resolve(v);
        match (v.kind(), v.ty().kind()) {
            (ValKind::ConstInt, TyKind::Int(b)) if b <= 64 => Some(v.const_u64() & consts::mask(b)),
            _ => None,
        }
    }

    /// `v` as an immediate for a 32-bit-domain op (its bits as i32).
    pub(super) fn imm32(&self, v: Val) -> Option<i32> {
        match v.ty().kind() {
            TyKind::Int(b) if b <= 32 => self.const_int(v).map(|x| x as u32 as i32),
            _ => None,
        }
    }

    /// `v` as an immediate for a 64-bit-domain op (must equal its sign-extended i32).
    pub(super) fn imm64(&self, v: Val) -> Option<i32> {
        let x = self.const_int(v)?;
        let bits = match v.ty().kind() {
            TyKind::Int(b) => b,
            _ => 64,
        };
        // The op compares/combines in 64 bits: the immediate must reproduce the zero-extended value.
        let ok = (x as i64) == (x as i32 as i64) && (bits == 64 || x as i32 >= 0);
        ok.then_some(x as i32)
    }
}

/// Pack bytes into `n` little-endian slots.
pub(crate) fn pack(bytes: &[u8], n: u32) -> Vec<u64> {
    let mut out = vec![0u64; n as usize];
    for (i, b) in bytes.iter().enumerate() {
        out[i / 8] |= u64::from(*b) << (8 * (i % 8));
    }
    out
}

/// Read one leaf from a memory image into slots.
fn read_leaf(img: &[u8], k: Scalar, out: &mut [u64]) {
    let n = k.mem_bytes() as usize;
    let mut bytes = img[..n].to_vec();
    if let Scalar::Vec(Lane::I1, lanes) = k {
        bytes = (0..lanes as usize).map(|i| (img[i / 8] >> (i % 8)) & 1).collect();
    }
    let packed = pack(&bytes, k.slots());
    out[..packed.len()].copy_from_slice(&packed);
    if let Scalar::Int(b) = k
        && b % 8 != 0
        && b < 64
    {
        out[0] &= consts::mask(b);
    }
}
