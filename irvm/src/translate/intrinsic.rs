//! LLVM intrinsics (`llvm.*` calls): memory, stack, varargs, integer and floating-point math,
//! vector reductions and masked accesses; no-ops for hints and debug info.

use super::Fx;
use super::arith::lanes;
use crate::isa::{Bin, FBin, FUn, IBin2, IUn, Op, Reduce, Reg, TrapOp};
use crate::layout::{self, Scalar};
use crate::llvm::{TyKind, Val};

/// The intrinsic's base name: "llvm.memcpy.p0.p0.i64" -> "memcpy".
fn base(name: &str) -> &str {
    let rest = name.strip_prefix("llvm.").unwrap_or(name);
    // Multi-part names first.
    for multi in [
        "memcpy.inline",
        "memset.inline",
        "vector.reduce.fadd",
        "vector.reduce.fmul",
        "vector.reduce.add",
        "vector.reduce.mul",
        "vector.reduce.and",
        "vector.reduce.or",
        "vector.reduce.xor",
        "vector.reduce.smax",
        "vector.reduce.smin",
        "vector.reduce.umax",
        "vector.reduce.umin",
        "vector.reduce.fmaximum",
        "vector.reduce.fminimum",
        "vector.reduce.fmax",
        "vector.reduce.fmin",
        "masked.load",
        "masked.store",
        "masked.gather",
        "masked.scatter",
        "load.relative",
        "experimental.noalias.scope.decl",
        "lifetime.start",
        "lifetime.end",
        "invariant.start",
        "invariant.end",
        "sadd.with.overflow",
        "uadd.with.overflow",
        "ssub.with.overflow",
        "usub.with.overflow",
        "smul.with.overflow",
        "umul.with.overflow",
        "sadd.sat",
        "uadd.sat",
        "ssub.sat",
        "usub.sat",
        "sshl.sat",
        "ushl.sat",
        "is.fpclass",
        "is.constant",
        "get.rounding",
        "threadlocal.address",
        "var.annotation",
        "dbg.declare",
        "dbg.value",
        "dbg.label",
        "dbg.assign",
    ] {
        if rest == multi || rest.starts_with(&format!("{multi}.")) {
            return &rest[..multi.len()];
        }
    }
    rest.split('.').next().unwrap_or(rest)
}

impl Fx<'_> {
    /// Number the memory intrinsic call about to be lowered (its site, see
    /// `profile::memsizes`) and, when its size `n` is not a constant, record the size there.
    fn mem_site(&mut self, op: &'static str, n: Val) -> Result<(), String> {
        let site = self.mem_sites.len() as u32;
        self.mem_sites.push(op);
        if self.const_int(n).is_none() {
            let n = self.reg(n)?;
            self.push(Op::MemSize { n, site });
        }
        Ok(())
    }

    pub(super) fn emit_intrinsic(&mut self, i: Val, name: &str) -> Result<(), String> {
        let arg = |k: u32| i.operand(k);
        let b = base(name);
        match b {
            "lifetime.start"
            | "lifetime.end"
            | "assume"
            | "dbg.declare"
            | "dbg.value"
            | "dbg.label"
            | "dbg.assign"
            | "experimental.noalias.scope.decl"
            | "sideeffect"
            | "prefetch"
            | "invariant.end"
            | "var.annotation"
            | "annotation"
            | "donothing"
            | "pseudoprobe"
            | "va_end"
            | "instrprof" => {}
            "invariant.start" => {}
            "memcpy" | "memcpy.inline" | "memmove" => {
                self.mem_site(if b == "memmove" { "memmove" } else { "memcpy" }, arg(2))?;
                let (d, s, n) = (self.reg(arg(0))?, self.reg(arg(1))?, self.reg(arg(2))?);
                self.push(if b == "memmove" { Op::MemMove { d, s, n } } else { Op::MemCpy { d, s, n } });
            }
            "memset" | "memset.inline" => {
                self.mem_site("memset", arg(2))?;
                let (d, v, n) = (self.reg(arg(0))?, self.reg(arg(1))?, self.reg(arg(2))?);
                self.push(Op::MemSet { d, v, n });
            }
            "objectsize" => {
                let min = self.const_int(arg(1)).unwrap_or(0) != 0;
                let d = self.reg(i)?;
                let c = self.const_reg(vec![if min { 0 } else { u64::MAX }]);
                self.push(Op::Mov { d, s: c });
            }
            "is.constant" => {
                let d = self.reg(i)?;
                let c = self.const_reg(vec![0]);
                self.push(Op::Mov { d, s: c });
            }
            "get.rounding" | "flt.rounds" => {
                let d = self.reg(i)?;
                let c = self.const_reg(vec![1]);
                self.push(Op::Mov { d, s: c });
            }
            "trap" | "debugtrap" | "ubsantrap" => {
                self.push(Op::Trap { kind: TrapOp::LlvmTrap, what: crate::isa::Aux(0) })
            }
            "threadlocal.address" => {
                // A defined thread-local variable: the running thread's copy (others alias
                // their operand, see `alias_source`).
                let var = self.prog.tls.var_of(arg(0)).ok_or("llvm.threadlocal.address of an unknown variable")?;
                let d = self.reg(i)?;
                self.push(Op::TlsAddr { d, var });
            }
            "stacksave" => {
                let d = self.reg(i)?;
                self.push(Op::StackSave { d });
            }
            "stackrestore" => {
                let a = self.reg(arg(0))?;
                self.push(Op::StackRestore { a });
            }
            "va_start" => {
                let p = self.reg(arg(0))?;
                self.push(Op::VaStart { p });
            }
            "va_copy" => {
                let (d, s) = (self.reg(arg(0))?, self.reg(arg(1))?);
                let n = self.const_reg(vec![24]);
                self.push(Op::MemCpy { d, s, n });
            }
            "load.relative" => {
                // p + sext(load i32 (p + off))
                let (d, p, off) = (self.reg(i)?, self.reg(arg(0))?, self.reg(arg(1))?);
                let (t, u) = (self.temp(1), self.temp(1));
                self.push(Op::Add64(Bin { d: t, a: p, b: off }));
                self.push(Op::Load32(crate::isa::Mem { v: u, p: t, off: 0 }));
                self.push(Op::Sext32To64 { d: u, a: u });
                self.push(Op::Add64(Bin { d, a: p, b: u }));
            }
            "ptrmask" => {
                let (d, a, m) = (self.reg(i)?, self.reg(arg(0))?, self.reg(arg(1))?);
                self.push(Op::And64(Bin { d, a, b: m }));
            }
            "abs" | "ctpop" | "ctlz" | "cttz" | "bswap" | "bitreverse" => {
                let op = match b {
                    "abs" => IUn::Abs,
                    "ctpop" => IUn::Ctpop,
                    "ctlz" => IUn::Ctlz,
                    "cttz" => IUn::Cttz,
                    "bswap" => IUn::Bswap,
                    _ => IUn::BitReverse,
                };
                let (d, a) = (self.reg(i)?, self.reg(arg(0))?);
                match layout::scalar(i.ty())? {
                    Scalar::Vec(lane, n) => self.push(Op::VIUn { op, lane, n: lanes(n)?, d, a }),
                    Scalar::Int(bits) if bits <= 128 => self.push(Op::IUn { op, bits: bits as u8, d, a }),
                    _ => return Err(format!("unsupported type for '{name}'")),
                }
            }
            "smax" | "smin" | "umax" | "umin" | "sadd.sat" | "uadd.sat" | "ssub.sat" | "usub.sat" | "sshl.sat"
            | "ushl.sat" | "sadd.with.overflow" | "uadd.with.overflow" | "ssub.with.overflow"
            | "usub.with.overflow" | "smul.with.overflow" | "umul.with.overflow" => {
                let op = match b {
                    "smax" => IBin2::SMax,
                    "smin" => IBin2::SMin,
                    "umax" => IBin2::UMax,
                    "umin" => IBin2::UMin,
                    "sadd.sat" => IBin2::SAddSat,
                    "uadd.sat" => IBin2::UAddSat,
                    "ssub.sat" => IBin2::SSubSat,
                    "usub.sat" => IBin2::USubSat,
                    "sshl.sat" => IBin2::SShlSat,
                    "ushl.sat" => IBin2::UShlSat,
                    "sadd.with.overflow" => IBin2::SAddO,
                    "uadd.with.overflow" => IBin2::UAddO,
                    "ssub.with.overflow" => IBin2::SSubO,
                    "usub.with.overflow" => IBin2::USubO,
                    "smul.with.overflow" => IBin2::SMulO,
                    _ => IBin2::UMulO,
                };
                let (d, a, bb) = (self.reg(i)?, self.reg(arg(0))?, self.reg(arg(1))?);
                match layout::scalar(arg(0).ty())? {
                    Scalar::Vec(lane, n)
                        if !matches!(
                            op,
                            IBin2::SAddO | IBin2::UAddO | IBin2::SSubO | IBin2::USubO | IBin2::SMulO | IBin2::UMulO
                        ) =>
                    {
                        self.push(Op::VIBin2 { op, lane, n: lanes(n)?, d, a, b: bb, pair: false })
                    }
                    Scalar::Int(bits) if bits <= 128 => self.push(Op::IBin2 { op, bits: bits as u8, d, a, b: bb }),
                    _ => return Err(format!("unsupported type for '{name}'")),
                }
            }
            "fshl" | "fshr" => {
                let (d, a, bb, c) = (self.reg(i)?, self.reg(arg(0))?, self.reg(arg(1))?, self.reg(arg(2))?);
                match layout::scalar(i.ty())? {
                    Scalar::Int(bits) if bits <= 64 => {
                        self.push(Op::Fsh { left: b == "fshl", bits: bits as u8, d, a, b: bb, c })
                    }
                    _ => return Err(format!("unsupported type for '{name}'")),
                }
            }
            "fabs" | "sqrt" | "floor" | "ceil" | "trunc" | "round" | "roundeven" | "rint" | "nearbyint" | "exp"
            | "exp2" | "exp10" | "log" | "log2" | "log10" | "sin" | "cos" | "tan" | "asin" | "acos" | "atan"
            | "sinh" | "cosh" | "tanh" | "canonicalize" => {
                let op = match b {
                    "fabs" => FUn::Abs,
                    "sqrt" => FUn::Sqrt,
                    "floor" => FUn::Floor,
                    "ceil" => FUn::Ceil,
                    "trunc" => FUn::Trunc,
                    "round" => FUn::Round,
                    "roundeven" | "rint" | "nearbyint" => FUn::RoundEven,
                    "exp" => FUn::Exp,
                    "exp2" => FUn::Exp2,
                    "exp10" => FUn::Exp10,
                    "log" => FUn::Log,
                    "log2" => FUn::Log2,
                    "log10" => FUn::Log10,
                    "sin" => FUn::Sin,
                    "cos" => FUn::Cos,
                    "tan" => FUn::Tan,
                    "asin" => FUn::Asin,
                    "acos" => FUn::Acos,
                    "atan" => FUn::Atan,
                    "sinh" => FUn::Sinh,
                    "cosh" => FUn::Cosh,
                    "tanh" => FUn::Tanh,
                    _ => FUn::Canonicalize,
                };
                self.emit_float_un(i, op)?;
            }
            "minnum" | "maxnum" | "minimum" | "maximum" | "copysign" | "pow" | "atan2" => {
                let op = match b {
                    "minnum" => FBin::MinNum,
                    "maxnum" => FBin::MaxNum,
                    "minimum" => FBin::Minimum,
                    "maximum" => FBin::Maximum,
                    "copysign" => FBin::CopySign,
                    "pow" => FBin::Pow,
                    _ => FBin::Atan2,
                };
                self.emit_float_bin(i, op)?;
            }
            "ldexp" => {
                let (d, a, e) = (self.reg(i)?, self.reg(arg(0))?, self.reg(arg(1))?);
                let dbl = match layout::scalar(i.ty())? {
                    Scalar::F32 => false,
                    Scalar::F64 => true,
                    _ => return Err(format!("unsupported type for '{name}'")),
                };
                self.push(Op::FBin { op: FBin::Ldexp, dbl, d, a, b: e });
            }
            "fma" | "fmuladd" => {
                // `fmuladd` may be fused or not (the source allowed contraction); irvm rounds
                // twice unless the program asks for contraction (`Program::fuse_fmuladd`).
                let fused = b == "fma" || self.prog.fuse_fmuladd;
                let (d, a, bb, c) = (self.reg(i)?, self.reg(arg(0))?, self.reg(arg(1))?, self.reg(arg(2))?);
                match layout::scalar(i.ty())? {
                    Scalar::Vec(crate::isa::Lane::F16, _) => return Err(format!("unsupported type for '{name}'")),
                    Scalar::Vec(l, n) => self.push(Op::VFma {
                        dbl: l == crate::isa::Lane::F64,
                        fused,
                        n: lanes(n)?,
                        d,
                        a,
                        b: bb,
                        c,
                        pair: false,
                    }),
                    Scalar::F32 | Scalar::F64 => {
                        let dbl = i.ty().kind() == TyKind::Double;
                        if fused {
                            self.push(Op::Fma { dbl, d, a, b: bb, c });
                        } else {
                            self.push_fmuladd(dbl, d, a, bb, c);
                        }
                    }
                    Scalar::F80 if !fused => {
                        // No fp80 FMA on x86: a multiply and an add, each rounded, as native code does.
                        let t = self.temp(2);
                        self.push(Op::F80Bin { op: FBin::Mul, d: t, a, b: bb });
                        self.push(Op::F80Bin { op: FBin::Add, d, a: t, b: c });
                    }
                    _ => return Err(format!("unsupported type for '{name}'")),
                }
            }
            "powi" => {
                let (d, a, e) = (self.reg(i)?, self.reg(arg(0))?, self.reg(arg(1))?);
                let dbl = arg(0).ty().kind() == TyKind::Double;
                if !matches!(arg(0).ty().kind(), TyKind::Float | TyKind::Double) {
                    return Err(format!("unsupported type for '{name}'"));
                }
                self.push(Op::PowI { dbl, d, a, b: e });
            }
            "lrint" | "llrint" | "lround" | "llround" => {
                let (d, a) = (self.reg(i)?, self.reg(arg(0))?);
                let dbl = match arg(0).ty().kind() {
                    TyKind::Float => false,
                    TyKind::Double => true,
                    _ => return Err(format!("unsupported type for '{name}'")),
                };
                self.push(Op::FToIRound { dbl, round: b.ends_with("round"), d, a });
                if let TyKind::Int(bits) = i.ty().kind()
                    && bits < 64
                {
                    self.push(Op::Trunc { d, a: d, bits: bits as u8 });
                }
            }
            "is.fpclass" => {
                let (d, a) = (self.reg(i)?, self.reg(arg(0))?);
                let mask = self.const_int(arg(1)).ok_or("non-constant is.fpclass mask")? as u32;
                let dbl = match arg(0).ty().kind() {
                    TyKind::Float => false,
                    TyKind::Double => true,
                    _ => return Err(format!("unsupported type for '{name}'")),
                };
                self.push(Op::IsFpClass { dbl, d, a, mask });
            }
            _ if b.starts_with("vector.reduce.") => self.emit_reduce(i, &b["vector.reduce.".len()..])?,
            "masked.load" => {
                let (lane, n) = match layout::scalar(i.ty())? {
                    Scalar::Vec(l, n) => (l, n),
                    _ => return Err("masked load of a non-vector".into()),
                };
                let (d, p, m, pass) = (self.reg(i)?, self.reg(arg(0))?, self.reg(arg(2))?, self.reg(arg(3))?);
                self.push(Op::MaskedLoad { lane, n: lanes(n)?, d, p, m, pass });
            }
            "masked.store" => {
                let (lane, n) = match layout::scalar(arg(0).ty())? {
                    Scalar::Vec(l, n) => (l, n),
                    _ => return Err("masked store of a non-vector".into()),
                };
                let (v, p, m) = (self.reg(arg(0))?, self.reg(arg(1))?, self.reg(arg(3))?);
                self.push(Op::MaskedStore { lane, n: lanes(n)?, v, p, m });
            }
            _ => return Err(format!("unsupported intrinsic '{name}'")),
        }
        Ok(())
    }

    fn emit_reduce(&mut self, i: Val, which: &str) -> Result<(), String> {
        if i.ty().kind() == TyKind::Half {
            return Err("unsupported reduction of half vectors".into());
        }
        let op = match which {
            "add" => Reduce::Add,
            "mul" => Reduce::Mul,
            "and" => Reduce::And,
            "or" => Reduce::Or,
            "xor" => Reduce::Xor,
            "smax" => Reduce::SMax,
            "smin" => Reduce::SMin,
            "umax" => Reduce::UMax,
            "umin" => Reduce::UMin,
            "fadd" => Reduce::FAdd,
            "fmul" => Reduce::FMul,
            "fmax" => Reduce::FMax,
            "fmin" => Reduce::FMin,
            "fmaximum" => Reduce::FMaximum,
            _ => Reduce::FMinimum,
        };
        let d = self.reg(i)?;
        if matches!(op, Reduce::FAdd | Reduce::FMul) {
            let (start, v) = (i.operand(0), i.operand(1));
            let Scalar::Vec(lane, n) = layout::scalar(v.ty())? else { return Err("reduction of a non-vector".into()) };
            let dbl = lane == crate::isa::Lane::F64;
            let (s, a) = (self.reg(start)?, self.reg(v)?);
            if i.has_reassoc() {
                // Reassociating: LLVM expands it as a halving tree, then combines with the start.
                let t: Reg = self.temp(1);
                self.push(Op::VReduce { op, lane, n: lanes(n)?, d: t, a });
                let fop = if op == Reduce::FAdd { FBin::Add } else { FBin::Mul };
                self.push(Op::FBin { op: fop, dbl, d, a: s, b: t });
            } else {
                self.push(Op::VReduceSeq { op, dbl, n: lanes(n)?, d, start: s, a });
            }
            return Ok(());
        }
        let v = i.operand(0);
        let Scalar::Vec(lane, n) = layout::scalar(v.ty())? else { return Err("reduction of a non-vector".into()) };
        let a = self.reg(v)?;
        self.push(Op::VReduce { op, lane, n: lanes(n)?, d, a });
        Ok(())
    }
}
