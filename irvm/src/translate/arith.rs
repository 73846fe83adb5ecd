//! Arithmetic: integer and floating-point binary ops, comparisons and casts, picking the i32 /
//! i64 / f32 / f64 fast-path op when it applies and the generic width op otherwise.

use super::Fx;
use super::control::{fpred, ipred, is_signed, swap_pred};
use crate::isa::{Bin, BinI, Conv, FBin, FUn, IBin, IPred, Op, Reg};
use crate::layout::{self, Scalar};
use crate::llvm::{TyKind, Val};
use llvm_sys::LLVMOpcode as O;

pub(super) fn ibin_of(op: O) -> Option<IBin> {
    Some(match op {
        O::LLVMAdd => IBin::Add,
        O::LLVMSub => IBin::Sub,
        O::LLVMMul => IBin::Mul,
        O::LLVMUDiv => IBin::UDiv,
        O::LLVMSDiv => IBin::SDiv,
        O::LLVMURem => IBin::URem,
        O::LLVMSRem => IBin::SRem,
        O::LLVMShl => IBin::Shl,
        O::LLVMLShr => IBin::LShr,
        O::LLVMAShr => IBin::AShr,
        O::LLVMAnd => IBin::And,
        O::LLVMOr => IBin::Or,
        O::LLVMXor => IBin::Xor,
        _ => return None,
    })
}

fn commutative(op: IBin) -> bool {
    matches!(op, IBin::Add | IBin::Mul | IBin::And | IBin::Or | IBin::Xor)
}

/// Integer width of a scalar int or pointer type.
pub(super) fn int_bits(v: Val) -> Option<u32> {
    match v.ty().kind() {
        TyKind::Int(b) => Some(b),
        TyKind::Ptr => Some(64),
        _ => None,
    }
}

/// Lane count of a vector as the u8 the vector ops carry.
pub(super) fn lanes(n: u32) -> Result<u8, String> {
    u8::try_from(n).map_err(|_| format!("vector of {n} lanes is too long"))
}

impl Fx<'_> {
    pub(super) fn emit_int_bin(&mut self, i: Val, op: IBin) -> Result<(), String> {
        let d = self.reg(i)?;
        let (mut a, mut b) = (i.operand(0), i.operand(1));
        if let Scalar::Vec(lane, n) = layout::scalar(i.ty())? {
            let (a, b) = (self.reg(a)?, self.reg(b)?);
            self.push(Op::VInt { op, lane, n: lanes(n)?, d, a, b, pair: false });
            return Ok(());
        }
        let bits = int_bits(i).ok_or("integer op on a non-integer")?;
        if bits > 64 {
            let (a, b) = (self.reg(a)?, self.reg(b)?);
            self.push(Op::IntW { op, bits: bits as u8, d, a, b });
            return Ok(());
        }
        if commutative(op) && self.const_int(a).is_some() && self.const_int(b).is_none() {
            std::mem::swap(&mut a, &mut b);
        }
        if bits < 32 && self.emit_narrow_bin(op, bits, d, a, b)? {
            return Ok(());
        }
        if bits == 32 || bits == 64 {
            let w32 = bits == 32;
            // Immediate forms.
            let mut imm = if w32 { self.imm32(b) } else { self.imm64(b) };
            let mut iop = op;
            if op == IBin::Sub
                && let Some(k) = self.const_int(b)
            {
                iop = IBin::Add;
                imm = if w32 {
                    Some((k as u32).wrapping_neg() as i32)
                } else {
                    (k as i64).checked_neg().and_then(|n| i32::try_from(n).ok())
                };
            }
            if let Some(imm) = imm {
                let ra = self.reg(a)?;
                let x = BinI { d, a: ra, imm };
                let o = match (iop, w32) {
                    (IBin::Add, true) => Some(Op::Add32I(x)),
                    (IBin::Mul, true) => Some(Op::Mul32I(x)),
                    (IBin::Shl, true) => Some(Op::Shl32I(x)),
                    (IBin::AShr, true) => Some(Op::AShr32I(x)),
                    (IBin::And, true) => Some(Op::And32I(x)),
                    (IBin::Or, true) => Some(Op::Or32I(x)),
                    (IBin::Xor, true) => Some(Op::Xor32I(x)),
                    (IBin::Add, false) => Some(Op::Add64I(x)),
                    (IBin::Mul, false) => Some(Op::Mul64I(x)),
                    (IBin::Shl, false) => Some(Op::Shl64I(x)),
                    (IBin::AShr, false) => Some(Op::AShr64I(x)),
                    (IBin::And, false) => Some(Op::And64I(x)),
                    (IBin::Or, false) => Some(Op::Or64I(x)),
                    (IBin::Xor, false) => Some(Op::Xor64I(x)),
                    (IBin::LShr, _) => Some(Op::LShrI(x)),
                    _ => None,
                };
                if let Some(o) = o {
                    let o = self.bit_field(a, o);
                    self.push(o);
                    return Ok(());
                }
            }
        }
        if let Some(k) = self.const_int(b)
            && let Some(o) = self.div_by_const(op, bits, d, a, k)?
        {
            self.push(o);
            return Ok(());
        }
        let (ra, rb) = (self.reg(a)?, self.reg(b)?);
        let x = Bin { d, a: ra, b: rb };
        let o = match (op, bits) {
            (IBin::And, _) => Op::And64(x),
            (IBin::Or, _) => Op::Or64(x),
            (IBin::Xor, _) => Op::Xor64(x),
            // Operands are held zero-extended, so the 64-bit division serves every width; i32 has
            // its own ops (one handler with the 64-bit ones) so that dumps show the width.
            (IBin::UDiv, 32) => Op::UDiv32(x),
            (IBin::URem, 32) => Op::URem32(x),
            (IBin::UDiv, _) => Op::UDiv64(x),
            (IBin::URem, _) => Op::URem64(x),
            (IBin::LShr, 64) => Op::LShr64(x),
            (IBin::LShr, 32) => Op::LShr32(x),
            (IBin::Add, 32) => Op::Add32(x),
            (IBin::Sub, 32) => Op::Sub32(x),
            (IBin::Mul, 32) => Op::Mul32(x),
            (IBin::Shl, 32) => Op::Shl32(x),
            (IBin::AShr, 32) => Op::AShr32(x),
            (IBin::SDiv, 32) => Op::SDiv32(x),
            (IBin::SRem, 32) => Op::SRem32(x),
            (IBin::Add, 64) => Op::Add64(x),
            (IBin::Sub, 64) => Op::Sub64(x),
            (IBin::Mul, 64) => Op::Mul64(x),
            (IBin::Shl, 64) => Op::Shl64(x),
            (IBin::AShr, 64) => Op::AShr64(x),
            (IBin::SDiv, 64) => Op::SDiv64(x),
            (IBin::SRem, 64) => Op::SRem64(x),
            _ => Op::IntN { op, bits: bits as u8, d, a: ra, b: rb },
        };
        self.push(o);
        Ok(())
    }

    /// An `and` by a constant (`o`, of operand `a`) whose operand is an `lshr` by a constant, the
    /// op just emitted in this block, used only here: the two as one `LShrAndI`.
    fn bit_field(&mut self, a: Val, o: Op) -> Op {
        let (x, mask) = match o {
            Op::And32I(x) => (x, u64::from(x.imm as u32)),
            Op::And64I(x) => (x, x.imm as i64 as u64),
            _ => return o,
        };
        let here = self.here();
        let Some(&Op::LShrI(s)) = self.code.last().filter(|_| self.code.len() > here) else { return o };
        let single = a.kind() == crate::llvm::ValKind::Instruction && a.opcode() == O::LLVMLShr && a.users().len() == 1;
        if s.d != x.a || !single || !(0..64).contains(&s.imm) {
            return o;
        }
        self.code.pop();
        Op::LShrAndI { d: x.d, a: s.a, sh: s.imm as u8, mask }
    }

    /// `add`, `sub`, `mul`, `shl` and `lshr` below 32 bits (`i8`, `i16`: `c - 'A'`, `c + 32`) as
    /// the 64-bit op on the zero-extended operands, then the mask that wraps the result to its
    /// width (an `And64I`; `lshr` needs none). Two inline ops instead of the generic `IntN` of
    /// the out-of-line path. False for the other ops.
    fn emit_narrow_bin(&mut self, op: IBin, bits: u32, d: crate::isa::Reg, a: Val, b: Val) -> Result<bool, String> {
        let mask = (1u64 << bits) - 1;
        let ra = self.reg(a)?;
        let first = match self.const_int(b) {
            // `k` is the zero-extended constant, below 2^31.
            Some(k) => {
                let imm = |k: u64| BinI { d, a: ra, imm: k as i32 };
                match op {
                    IBin::Add => Op::Add64I(imm(k)),
                    IBin::Sub => Op::Add64I(imm(k.wrapping_neg() & mask)),
                    IBin::Mul => Op::Mul64I(imm(k)),
                    IBin::Shl => Op::Shl64I(imm(k)),
                    IBin::LShr => Op::LShrI(imm(k)),
                    _ => return Ok(false),
                }
            }
            None => {
                let x = Bin { d, a: ra, b: self.reg(b)? };
                match op {
                    IBin::Add => Op::Add64(x),
                    IBin::Sub => Op::Sub64(x),
                    IBin::Mul => Op::Mul64(x),
                    IBin::Shl => Op::Shl64(x),
                    IBin::LShr => Op::LShr64(x),
                    _ => return Ok(false),
                }
            }
        };
        self.push(first);
        if op != IBin::LShr {
            self.push(Op::And64I(BinI { d, a: d, imm: mask as i32 }));
        }
        Ok(true)
    }

    /// Division / remainder by a constant as a multiply (what a native backend does).
    fn div_by_const(&mut self, op: IBin, bits: u32, d: crate::isa::Reg, a: Val, k: u64) -> Result<Option<Op>, String> {
        let signed = matches!(op, IBin::SDiv | IBin::SRem);
        if !matches!(op, IBin::UDiv | IBin::URem | IBin::SDiv | IBin::SRem) {
            return Ok(None);
        }
        let sk = crate::exec::int::sext(k, bits);
        let mag = if signed { sk.unsigned_abs() } else { k };
        if mag < 2 {
            return Ok(None);
        }
        let (m, s) = crate::exec::int::udiv_magic(mag);
        let ra = self.reg(a)?;
        let bits = bits as u8;
        Ok(Some(match op {
            IBin::UDiv => Op::UDivC { d, a: ra, k: self.const_reg(vec![m, mag, s]) },
            IBin::URem => Op::URemC { d, a: ra, k: self.const_reg(vec![m, mag, s]) },
            IBin::SDiv => Op::SDivC { bits, d, a: ra, k: self.const_reg(vec![m, mag, s, sk as u64]) },
            _ => Op::SRemC { bits, d, a: ra, k: self.const_reg(vec![m, mag, s, sk as u64]) },
        }))
    }

    /// The fmul folded into operand `v` of an fadd/fsub, if any: (a, b).
    fn folded_fmul(&self, v: Val) -> Option<(Val, Val)> {
        let v = self.resolve(v);
        (self.fused.contains(&v) && v.kind() == crate::llvm::ValKind::Instruction && v.opcode() == O::LLVMFMul)
            .then(|| (v.operand(0), v.operand(1)))
    }

    /// A temporary holding half `v` widened to f32.
    fn half_to_f32(&mut self, v: Val) -> Result<crate::isa::Reg, String> {
        let a = self.reg(v)?;
        let t = self.temp(1);
        self.push(Op::HToF { d: t, a });
        Ok(t)
    }

    pub(super) fn emit_float_bin(&mut self, i: Val, op: FBin) -> Result<(), String> {
        let d = self.reg(i)?;
        if i.ty().kind() == TyKind::X86Fp80 {
            if !matches!(op, FBin::Add | FBin::Sub | FBin::Mul | FBin::Div | FBin::Rem) {
                return Err("unsupported long double operation".into());
            }
            let (a, b) = (self.reg(i.operand(0))?, self.reg(i.operand(1))?);
            self.push(Op::F80Bin { op, d, a, b });
            return Ok(());
        }
        if i.ty().kind() == TyKind::Half {
            // In f32, then rounded once to half: exact for + - * / (f32 has > 2 * 11 + 2 bits).
            let (a, b) = (self.half_to_f32(i.operand(0))?, self.half_to_f32(i.operand(1))?);
            let t = self.temp(1);
            self.push(Op::FBin { op, dbl: false, d: t, a, b });
            self.push(Op::FToH { d, a: t });
            return Ok(());
        }
        if matches!(op, FBin::Add | FBin::Sub)
            && let Some(dbl) = match i.ty().kind() {
                TyKind::Float => Some(false),
                TyKind::Double => Some(true),
                _ => None,
            }
        {
            let (x, y) = (i.operand(0), i.operand(1));
            let fold = match (self.folded_fmul(x), self.folded_fmul(y)) {
                (Some(ab), _) => Some((ab, y, if op == FBin::Add { 0 } else { 1 })),
                (None, Some(ab)) => Some((ab, x, if op == FBin::Add { 0 } else { 2 })),
                _ => None,
            };
            if let Some(((a, b), c, kind)) = fold {
                let (a, b, c) = (self.reg(a)?, self.reg(b)?, self.reg(c)?);
                match kind {
                    0 => self.push_fmuladd(dbl, d, a, b, c),
                    1 => self.push(Op::FMulSub { dbl, d, a, b, c }),
                    _ => self.push(Op::FSubMul { dbl, d, a, b, c }),
                }
                return Ok(());
            }
        }
        let divisor = i.operand(1);
        if op == FBin::Div && self.fused.contains(&divisor) && divisor.opcode() == O::LLVMSIToFP {
            let (a, b) = (self.reg(i.operand(0))?, self.reg(divisor.operand(0))?);
            self.push(Op::FDivSi64(Bin { d, a, b }));
            return Ok(());
        }
        let (a, b) = (self.reg(i.operand(0))?, self.reg(i.operand(1))?);
        let x = Bin { d, a, b };
        let o = match layout::scalar(i.ty())? {
            Scalar::Vec(crate::isa::Lane::F16, _) => return Err("unsupported arithmetic on half vectors".into()),
            Scalar::Vec(l, n) => Op::VFloat { op, dbl: l == crate::isa::Lane::F64, n: lanes(n)?, d, a, b, pair: false },
            Scalar::F32 => match op {
                FBin::Add => Op::FAdd32(x),
                FBin::Sub => Op::FSub32(x),
                FBin::Mul => Op::FMul32(x),
                FBin::Div => Op::FDiv32(x),
                _ => Op::FBin { op, dbl: false, d, a, b },
            },
            Scalar::F64 => match op {
                FBin::Add => Op::FAdd64(x),
                FBin::Sub => Op::FSub64(x),
                FBin::Mul => Op::FMul64(x),
                FBin::Div => Op::FDiv64(x),
                _ => Op::FBin { op, dbl: true, d, a, b },
            },
            _ => return Err("floating-point op on a non-float type".into()),
        };
        self.push(o);
        Ok(())
    }

    pub(super) fn emit_float_un(&mut self, i: Val, op: FUn) -> Result<(), String> {
        let d = self.reg(i)?;
        if i.ty().kind() == TyKind::X86Fp80 {
            if !matches!(
                op,
                FUn::Neg | FUn::Abs | FUn::Sqrt | FUn::RoundEven | FUn::Floor | FUn::Ceil | FUn::Trunc | FUn::Round
            ) {
                return Err("unsupported long double operation".into());
            }
            let a = self.reg(i.operand(0))?;
            self.push(Op::F80Un { op, d, a });
            return Ok(());
        }
        if i.ty().kind() == TyKind::Half {
            let a = self.reg(i.operand(0))?;
            match op {
                FUn::Neg => self.push(Op::Xor64I(BinI { d, a, imm: 0x8000 })),
                FUn::Abs => self.push(Op::And64I(BinI { d, a, imm: 0x7fff })),
                _ => {
                    let x = self.half_to_f32(i.operand(0))?;
                    let t = self.temp(1);
                    self.push(Op::FUn { op, dbl: false, d: t, a: x });
                    self.push(Op::FToH { d, a: t });
                }
            }
            return Ok(());
        }
        let a = self.reg(i.operand(0))?;
        let o = match layout::scalar(i.ty())? {
            Scalar::Vec(crate::isa::Lane::F16, _) => return Err("unsupported arithmetic on half vectors".into()),
            Scalar::Vec(l, n) => Op::VFUn { op, dbl: l == crate::isa::Lane::F64, n: lanes(n)?, d, a },
            Scalar::F32 => Op::FUn { op, dbl: false, d, a },
            Scalar::F64 => Op::FUn { op, dbl: true, d, a },
            _ => return Err("floating-point op on a non-float type".into()),
        };
        self.push(o);
        Ok(())
    }

    pub(super) fn emit_icmp(&mut self, i: Val) -> Result<(), String> {
        let d = self.reg(i)?;
        let (mut a, mut b) = (i.operand(0), i.operand(1));
        let mut p = ipred(i);
        if let Scalar::Vec(lane, n) = layout::scalar(a.ty())? {
            let (a, b) = (self.reg(a)?, self.reg(b)?);
            self.push(Op::VICmp { p, lane, n: lanes(n)?, d, a, b });
            return Ok(());
        }
        let bits = int_bits(a).ok_or("icmp of a non-integer")?;
        if bits > 64 {
            let (a, b) = (self.reg(a)?, self.reg(b)?);
            self.push(Op::CmpW { p, bits: bits as u8, d, a, b });
            return Ok(());
        }
        if self.const_int(a).is_some() && self.const_int(b).is_none() {
            std::mem::swap(&mut a, &mut b);
            p = swap_pred(p);
        }
        if bits == 32 {
            if let Some(imm) = self.imm32(b) {
                let a = self.reg(a)?;
                self.push(cmp_imm(p, true, BinI { d, a, imm }));
            } else {
                let (a, b) = (self.reg(a)?, self.reg(b)?);
                self.push(Op::Cmp32 { p, d, a, b });
            }
        } else if bits == 64 || !is_signed(p) {
            if let Some(imm) = self.imm64(b) {
                let a = self.reg(a)?;
                self.push(cmp_imm(p, false, BinI { d, a, imm }));
            } else {
                let (a, b) = (self.reg(a)?, self.reg(b)?);
                self.push(Op::Cmp64 { p, d, a, b });
            }
        } else {
            let (a, b) = (self.reg(a)?, self.reg(b)?);
            self.push(Op::CmpN { p, bits: bits as u8, d, a, b });
        }
        Ok(())
    }

    pub(super) fn emit_fcmp(&mut self, i: Val) -> Result<(), String> {
        let d = self.reg(i)?;
        let p = fpred(i);
        if i.operand(0).ty().kind() == TyKind::X86Fp80 {
            let (a, b) = (self.reg(i.operand(0))?, self.reg(i.operand(1))?);
            self.push(Op::F80Cmp { p, d, a, b });
            return Ok(());
        }
        if i.operand(0).ty().kind() == TyKind::Half {
            let (a, b) = (self.half_to_f32(i.operand(0))?, self.half_to_f32(i.operand(1))?);
            self.push(Op::FCmp { p, dbl: false, d, a, b });
            return Ok(());
        }
        let (a, b) = (i.operand(0), i.operand(1));
        let o = match layout::scalar(a.ty())? {
            Scalar::Vec(crate::isa::Lane::F16, _) => return Err("unsupported comparison of half vectors".into()),
            Scalar::Vec(l, n) => {
                let (a, b) = (self.reg(a)?, self.reg(b)?);
                Op::VFCmp { p, dbl: l == crate::isa::Lane::F64, n: lanes(n)?, d, a, b }
            }
            Scalar::F32 | Scalar::F64 => {
                let dbl = a.ty().kind() == TyKind::Double;
                let (a, b) = (self.reg(a)?, self.reg(b)?);
                Op::FCmp { p, dbl, d, a, b }
            }
            _ => return Err("fcmp of a non-float".into()),
        };
        self.push(o);
        Ok(())
    }

    /// trunc / zext / sext (scalar or vector), when not a no-op alias.
    pub(super) fn emit_resize(&mut self, i: Val, signed: bool) -> Result<(), String> {
        let d = self.reg(i)?;
        let src = i.operand(0);
        if let (Scalar::Vec(from, n), Scalar::Vec(to, _)) = (layout::scalar(src.ty())?, layout::scalar(i.ty())?) {
            let a = self.reg(src)?;
            self.push(Op::VResize { from, to, signed, n: lanes(n)?, d, a, pair: false });
            return Ok(());
        }
        let from = int_bits(src).ok_or("cast of a non-integer")?;
        let to = int_bits(i).ok_or("cast to a non-integer")?;
        let a = self.reg(src)?;
        let o = if to > 64 {
            if from > 64 {
                Op::TruncW { d, a, bits: to as u8 }
            } else {
                Op::ExtW { d, a, from: from as u8, to: to as u8, signed }
            }
        } else if from > 64 {
            Op::TruncW { d, a, bits: to as u8 }
        } else if to < from {
            trunc(d, a, to)
        } else if !signed || from == to {
            crate::translate::control::mov(d, a, 1)
        } else if from == 32 && to == 64 {
            match self.add32_imm(self.resolve(src)) {
                Some((x, imm)) if self.fused.contains(&self.resolve(src)) => {
                    Op::AddSext32I(crate::isa::BinI { d, a: self.reg(x)?, imm })
                }
                _ => Op::Sext32To64 { d, a },
            }
        } else {
            Op::Sext { d, a, from: from as u8, to: to as u8 }
        };
        self.push(o);
        Ok(())
    }

    /// fptosi / fptoui / sitofp / uitofp / fptrunc / fpext.
    pub(super) fn emit_conv(&mut self, i: Val, opc: O) -> Result<(), String> {
        let d = self.reg(i)?;
        let src = i.operand(0);
        if i.ty().kind() == TyKind::Half || src.ty().kind() == TyKind::Half {
            return self.emit_half_conv(i, opc, d);
        }
        if i.ty().kind() == TyKind::X86Fp80 || src.ty().kind() == TyKind::X86Fp80 {
            use crate::isa::F80Conv as K;
            let a = self.reg(src)?;
            let (k, bits) = match (opc, src.ty().kind(), i.ty().kind()) {
                (O::LLVMFPExt, TyKind::Float, _) => (K::FromF32, 0),
                (O::LLVMFPExt, TyKind::Double, _) => (K::FromF64, 0),
                (O::LLVMFPTrunc, _, TyKind::Float) => (K::ToF32, 0),
                (O::LLVMFPTrunc, _, TyKind::Double) => (K::ToF64, 0),
                (O::LLVMSIToFP, TyKind::Int(b), _) if b <= 64 => (K::FromSi, b),
                (O::LLVMUIToFP, TyKind::Int(b), _) if b <= 64 => (K::FromUi, b),
                (O::LLVMFPToSI, _, TyKind::Int(b)) if b <= 64 => (K::ToSi, b),
                (O::LLVMFPToUI, _, TyKind::Int(b)) if b <= 64 => (K::ToUi, b),
                _ => return Err("unsupported long double conversion".into()),
            };
            self.push(Op::F80Conv { k, bits: bits as u8, d, a });
            return Ok(());
        }
        let a = self.reg(src)?;
        let (st, dt) = (layout::scalar(src.ty())?, layout::scalar(i.ty())?);
        let elem = |s: Scalar| match s {
            Scalar::Vec(l, _) => match l {
                crate::isa::Lane::F32 => Scalar::F32,
                crate::isa::Lane::F64 => Scalar::F64,
                l => Scalar::Int(l.bits()),
            },
            s => s,
        };
        let (se, de) = (elem(st), elem(dt));
        let dbl = |s: Scalar| s == Scalar::F64;
        let (k, bits) = match (opc, se, de) {
            (O::LLVMSIToFP, Scalar::Int(b), t) => (if dbl(t) { Conv::SiToF64 } else { Conv::SiToF32 }, b),
            (O::LLVMUIToFP, Scalar::Int(b), t) => (if dbl(t) { Conv::UiToF64 } else { Conv::UiToF32 }, b),
            (O::LLVMFPToSI, s, Scalar::Int(b)) => (if dbl(s) { Conv::F64ToSi } else { Conv::F32ToSi }, b),
            (O::LLVMFPToUI, s, Scalar::Int(b)) => (if dbl(s) { Conv::F64ToUi } else { Conv::F32ToUi }, b),
            (O::LLVMFPExt, Scalar::F32, Scalar::F64) => (Conv::F32ToF64, 0),
            (O::LLVMFPTrunc, Scalar::F64, Scalar::F32) => (Conv::F64ToF32, 0),
            _ => return Err("unsupported conversion".into()),
        };
        if matches!(st, Scalar::Vec(crate::isa::Lane::F16, _)) || matches!(dt, Scalar::Vec(crate::isa::Lane::F16, _)) {
            return Err("unsupported conversion of half vectors".into());
        }
        let o = match st {
            Scalar::Vec(l, n) => {
                let lane = if matches!(k, Conv::SiToF32 | Conv::SiToF64 | Conv::UiToF32 | Conv::UiToF64) {
                    l
                } else {
                    match dt {
                        Scalar::Vec(dl, _) => dl,
                        _ => return Err("bad vector conversion".into()),
                    }
                };
                Op::VConv { k, lane, n: lanes(n)?, d, a }
            }
            _ if bits > 128 => return Err(format!("unsupported conversion of a {bits}-bit integer")),
            _ if bits > 64 => Op::ConvW { k, bits: bits as u8, d, a },
            _ => Op::Conv { k, bits: bits as u8, d, a },
        };
        self.push(o);
        Ok(())
    }

    /// Conversions to and from half: through f32 (exact widening) or f64 (one rounding).
    fn emit_half_conv(&mut self, i: Val, opc: O, d: crate::isa::Reg) -> Result<(), String> {
        let src = i.operand(0);
        let a = self.reg(src)?;
        let t = self.temp(1);
        match (opc, src.ty().kind(), i.ty().kind()) {
            (O::LLVMFPExt, TyKind::Half, TyKind::Float) => self.push(Op::HToF { d, a }),
            (O::LLVMFPExt, TyKind::Half, TyKind::Double) => {
                self.push(Op::HToF { d: t, a });
                self.push(Op::Conv { k: Conv::F32ToF64, bits: 0, d, a: t });
            }
            (O::LLVMFPTrunc, TyKind::Float, TyKind::Half) => self.push(Op::FToH { d, a }),
            (O::LLVMFPTrunc, TyKind::Double, TyKind::Half) => self.push(Op::DToH { d, a }),
            (O::LLVMSIToFP | O::LLVMUIToFP, TyKind::Int(b), TyKind::Half) if b <= 64 => {
                let k = if opc == O::LLVMSIToFP { Conv::SiToF64 } else { Conv::UiToF64 };
                self.push(Op::Conv { k, bits: b as u8, d: t, a });
                self.push(Op::DToH { d, a: t });
            }
            (O::LLVMFPToSI | O::LLVMFPToUI, TyKind::Half, TyKind::Int(b)) if b <= 64 => {
                let k = if opc == O::LLVMFPToSI { Conv::F32ToSi } else { Conv::F32ToUi };
                self.push(Op::HToF { d: t, a });
                self.push(Op::Conv { k, bits: b as u8, d, a: t });
            }
            _ => return Err("unsupported half conversion".into()),
        }
        Ok(())
    }

    /// bitcast / ptrtoint / inttoptr that are not plain aliases.
    pub(super) fn emit_bitcast(&mut self, i: Val) -> Result<(), String> {
        let d = self.reg(i)?;
        let src = i.operand(0);
        let a = self.reg(src)?;
        let (st, dt) = (layout::scalar(src.ty())?, layout::scalar(i.ty())?);
        let o = match (st, dt) {
            (Scalar::Vec(crate::isa::Lane::I1, n), Scalar::Int(_)) => Op::BoolsToInt { d, a, n: lanes(n)? },
            (Scalar::Int(_), Scalar::Vec(crate::isa::Lane::I1, n)) => Op::IntToBools { d, a, n: lanes(n)? },
            (Scalar::Ptr, Scalar::Int(b)) if b < 64 => trunc(d, a, b),
            (Scalar::Int(b), Scalar::Ptr) if b > 64 => Op::TruncW { d, a, bits: 64 },
            (Scalar::Ptr, Scalar::Int(b)) if b > 64 => Op::ExtW { d, a, from: 64, to: b as u8, signed: false },
            _ => return Err("unsupported bitcast".into()),
        };
        self.push(o);
        Ok(())
    }
}

/// Truncation of slot `a` to `bits` (< 64) into `d`: below 32 bits an AND with the mask as an
/// immediate (one fast-path op, no mask computed at run time), at 32 bits a 32-bit move.
pub(crate) fn trunc(d: Reg, a: Reg, bits: u32) -> Op {
    match bits {
        1..=31 => Op::And64I(BinI { d, a, imm: ((1u32 << bits) - 1) as i32 }),
        32 => Op::Trunc32 { d, a },
        _ => Op::Trunc { d, a, bits: bits as u8 },
    }
}

/// `d = a p imm` on 32 bits (`w32`) or 64: the op of its predicate where there is one (one
/// compare), else the generic form (the flat predicate table, ~14 instructions more).
fn cmp_imm(p: IPred, w32: bool, x: BinI) -> Op {
    let BinI { d, a, imm } = x;
    match (p, w32) {
        (IPred::Eq, true) => Op::CmpEq32I(x),
        (IPred::Sgt, true) => Op::CmpSgt32I(x),
        (IPred::Eq, false) => Op::CmpEq64I(x),
        (IPred::Ne, false) => Op::CmpNe64I(x),
        (IPred::Ult, false) => Op::CmpUlt64I(x),
        (_, true) => Op::Cmp32I { p, d, a, imm },
        (_, false) => Op::Cmp64I { p, d, a, imm },
    }
}
