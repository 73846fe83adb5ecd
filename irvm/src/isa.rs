//! The irvm instruction set, in one place.
//!
//! A function is lowered to a flat `[Op]`. Operands are frame slots (`Reg`, one u64 each; i128,
//! vectors and aggregates use consecutive slots). Integers of width <= 64 are kept zero-extended in
//! their slot; f32 is kept as its bits in the low half; `<N x i1>` as one 0/1 byte per lane. Jumps
//! are relative (`Rel`, in ops, from the jumping op); every branch bumps one profile counter (`Ctr`).
//! Frame layout: the function's constants just below the frame pointer (negative slots), then
//! slot 0 = the frame's alloca base, then the parameters, then values and temporaries.

/// A frame slot, as an offset from the frame pointer: values at 0.., constants below 0.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct Reg(pub i32);

impl std::fmt::Debug for Reg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if *self == Reg::RESULT { f.write_str("RESULT") } else { write!(f, "Reg({})", self.0) }
    }
}

impl Reg {
    /// Not a slot: the operand a chained form (`exec::result`) takes from the interpreter's
    /// result register, the value the op dispatched just before wrote.
    pub(crate) const RESULT: Reg = Reg(i32::MIN + 1);

    /// The slot `k` places further.
    pub(crate) fn at(self, k: u32) -> Reg {
        Reg(self.0 + k as i32)
    }
}
/// A jump distance in ops, relative to the jumping op.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) struct Rel(pub i32);
/// Index of a profile counter of the current function.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) struct Ctr(pub u32);
/// Index into one of the current function's side tables (call sites, switches, shuffles).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) struct Aux(pub u32);
/// Index into the program's function table.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Hash, PartialOrd, Ord)]
pub struct FuncId(pub u32);

/// Integer binary operators (the generic and vector forms carry one of these).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum IBin {
    Add,
    Sub,
    Mul,
    UDiv,
    SDiv,
    URem,
    SRem,
    Shl,
    LShr,
    AShr,
    And,
    Or,
    Xor,
}

/// Integer comparison predicates.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum IPred {
    Eq,
    Ne,
    Ugt,
    Uge,
    Ult,
    Ule,
    Sgt,
    Sge,
    Slt,
    Sle,
}

impl IPred {
    /// Every predicate (tests compare each op against the scalar compare for all of them).
    #[cfg(test)]
    pub(crate) const ALL: [IPred; 10] = [
        IPred::Eq,
        IPred::Ne,
        IPred::Ugt,
        IPred::Uge,
        IPred::Ult,
        IPred::Ule,
        IPred::Sgt,
        IPred::Sge,
        IPred::Slt,
        IPred::Sle,
    ];
}

/// Floating-point comparison predicates (LLVM's 16).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum FPred {
    False,
    Oeq,
    Ogt,
    Oge,
    Olt,
    Ole,
    One,
    Ord,
    Uno,
    Ueq,
    Ugt,
    Uge,
    Ult,
    Ule,
    Une,
    True,
}

/// Floating-point binary operators (arithmetic and two-operand intrinsics).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum FBin {
    Add,
    Sub,
    Mul,
    Div,
    Rem,
    MinNum,
    MaxNum,
    Minimum,
    Maximum,
    CopySign,
    Pow,
    Atan2,
    Ldexp,
}

/// Floating-point unary operators (fneg and one-operand intrinsics).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum FUn {
    Neg,
    Abs,
    Sqrt,
    Floor,
    Ceil,
    Trunc,
    Round,
    RoundEven,
    Exp,
    Exp2,
    Exp10,
    Log,
    Log2,
    Log10,
    Sin,
    Cos,
    Tan,
    Asin,
    Acos,
    Atan,
    Sinh,
    Cosh,
    Tanh,
    Canonicalize,
}

/// Conversions between integers and floating point, and between float widths.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Conv {
    SiToF32,
    SiToF64,
    UiToF32,
    UiToF64,
    F32ToSi,
    F64ToSi,
    F32ToUi,
    F64ToUi,
    F32ToF64,
    F64ToF32,
}

/// Conversions to and from x86_fp80 (`bits`: the integer side's width).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum F80Conv {
    FromF32,
    FromF64,
    ToF32,
    ToF64,
    FromSi,
    FromUi,
    ToSi,
    ToUi,
}

/// Integer intrinsics with one operand.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum IUn {
    Ctpop,
    Ctlz,
    Cttz,
    Bswap,
    BitReverse,
    Abs,
}

/// Integer intrinsics with two operands (min/max, overflow-checked, saturating).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum IBin2 {
    SMin,
    SMax,
    UMin,
    UMax,
    SAddSat,
    UAddSat,
    SSubSat,
    USubSat,
    SShlSat,
    UShlSat,
    /// `*.with.overflow`: two results, the value then an i1 flag in the next slot.
    SAddO,
    UAddO,
    SSubO,
    USubO,
    SMulO,
    UMulO,
}

/// Vector reductions (`llvm.vector.reduce.*`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Reduce {
    Add,
    Mul,
    And,
    Or,
    Xor,
    SMax,
    SMin,
    UMax,
    UMin,
    FAdd,
    FMul,
    FMax,
    FMin,
    FMaximum,
    FMinimum,
}

/// Lane type of a vector operation.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Lane {
    I1,
    I8,
    I16,
    I32,
    I64,
    F16,
    F32,
    F64,
}

impl Lane {
    /// Bytes a lane takes in registers (i1 lanes take one byte).
    pub(crate) fn bytes(self) -> u32 {
        match self {
            Lane::I1 | Lane::I8 => 1,
            Lane::I16 | Lane::F16 => 2,
            Lane::I32 | Lane::F32 => 4,
            Lane::I64 | Lane::F64 => 8,
        }
    }
    /// Integer width of an integer lane.
    pub(crate) fn bits(self) -> u32 {
        match self {
            Lane::I1 => 1,
            _ => self.bytes() * 8,
        }
    }
}

/// `d = a op b`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Bin {
    pub(crate) d: Reg,
    pub(crate) a: Reg,
    pub(crate) b: Reg,
}
/// `d = a op imm`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct BinI {
    pub(crate) d: Reg,
    pub(crate) a: Reg,
    pub(crate) imm: i32,
}
/// Branch on `a pred b`: `t` if true, `f` if false; counter `ctr` counts taken, `ctr+1` not taken.
#[derive(Clone, Copy, Debug)]
pub(crate) struct BrCmp {
    pub(crate) a: Reg,
    pub(crate) b: Reg,
    pub(crate) t: Rel,
    pub(crate) f: Rel,
    pub(crate) ctr: Ctr,
}
/// Branch on `a pred imm`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct BrCmpI {
    pub(crate) a: Reg,
    pub(crate) imm: i32,
    pub(crate) t: Rel,
    pub(crate) f: Rel,
    pub(crate) ctr: Ctr,
}
/// Compare `a` with `b` and branch, doing the phi move of the `ExtBr` slot after it on the edges
/// in `mv` (bit 0: false edge, bit 1: true edge).
#[derive(Clone, Copy, Debug)]
pub(crate) struct BrMv {
    pub(crate) mv: u8,
    pub(crate) a: Reg,
    pub(crate) b: Reg,
}
/// A memory access at `p + off`: loads write `v`, stores read it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Mem {
    pub(crate) v: Reg,
    pub(crate) p: Reg,
    pub(crate) off: i32,
}
/// A memory access at `p + i * scale + off` with an i64 index `i` (a GEP folded into its user).
#[derive(Clone, Copy, Debug)]
pub(crate) struct MemX {
    pub(crate) v: Reg,
    pub(crate) p: Reg,
    pub(crate) i: Reg,
    pub(crate) scale: i32,
    pub(crate) off: i32,
}

/// A memory operand: `p + i * scale + off` (`i` an i64).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct MemA {
    pub(crate) p: Reg,
    pub(crate) i: Reg,
    pub(crate) scale: i32,
    pub(crate) off: i32,
}

/// One irvm instruction.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Op {
    // ---- moves and control ----
    Mov {
        d: Reg,
        s: Reg,
    },
    /// `Mov` taking `s` from the result register (`exec::result`).
    MovR {
        d: Reg,
        s: Reg,
    },
    Mov2 {
        d: Reg,
        s: Reg,
    },
    /// Two one-slot moves into adjacent slots: `d = a`, `d + 1 = b` (a `<2 x double>` built from
    /// two scalars, a splat, a lane swap); both read before either is written.
    MovPair(Bin),
    MovN {
        d: Reg,
        s: Reg,
        n: u32,
    },
    /// Phi move then jump (the common one-phi edge).
    MovJmp {
        d: Reg,
        s: Reg,
        rel: Rel,
        ctr: Ctr,
    },
    /// Two moves, then a jump: `d = s`, then the `ExtMov` slot's move, then as `Jmp` (an edge's
    /// parallel copies of two phis, sequenced).
    MovMovJmp {
        d: Reg,
        s: Reg,
        rel: Rel,
        ctr: Ctr,
    },
    /// `d = a + imm` (64 bits), then as `Jmp`: a block's last add and its jump (`steps++` at the
    /// bottom of a `for (;;)` loop).
    AddIJmp {
        d: Reg,
        a: Reg,
        imm: i32,
        rel: Rel,
        ctr: Ctr,
    },
    Jmp {
        rel: Rel,
        ctr: Ctr,
    },
    /// OSR point at a loop header: count an entry in `ctr`; at the mark in `ctr + 1`, ask the
    /// host for native code continuing this activation (`Code::osr[point]`).
    Osr {
        ctr: Ctr,
        point: u32,
    },
    /// Branch on the i1 in `c`.
    Br {
        c: Reg,
        t: Rel,
        f: Rel,
        ctr: Ctr,
    },
    /// `Br` taking `c` from the result register (`exec::result`).
    BrR {
        c: Reg,
        t: Rel,
        f: Rel,
        ctr: Ctr,
    },
    /// `Br` on lane byte `off` of vector `v` (bit 0): an `extractelement` of an `<n x i1>` mask
    /// whose only use is the branch, as in clang's vectorized conditional stores on SSE (a
    /// branch per lane around each lane's store).
    BrLane {
        v: Reg,
        off: u32,
        t: Rel,
        f: Rel,
        ctr: Ctr,
    },
    /// A switch whose case values span a small range (`SwitchTable::edges`): edge
    /// `edges[v - lo]`, or the default `edges[n]` when `v - lo` is not below `n`. `edges` is the
    /// address of that table, which the function's code owns (`Code::link_switches`).
    SwitchDense {
        v: Reg,
        lo: u32,
        n: u32,
        edges: usize,
    },
    Switch {
        v: Reg,
        table: Aux,
    },
    Select {
        d: Reg,
        c: Reg,
        a: Reg,
        b: Reg,
    },
    /// `Select` taking `c` from the result register (`exec::result`).
    SelectR {
        d: Reg,
        c: Reg,
        a: Reg,
        b: Reg,
    },
    SelectN {
        d: Reg,
        c: Reg,
        a: Reg,
        b: Reg,
        n: u32,
    },

    // ---- fused compare-and-branch, 32-bit (i32) and 64-bit domain ----
    BrEq32(BrCmp),
    /// `BrEq32` taking `a` from the result register (`exec::result`).
    BrEq32R(BrCmp),
    BrNe32(BrCmp),
    /// `BrNe32` taking `a` from the result register (`exec::result`).
    BrNe32R(BrCmp),
    BrSlt32(BrCmp),
    /// `BrSlt32` taking `a` from the result register (`exec::result`).
    BrSlt32R(BrCmp),
    BrSle32(BrCmp),
    /// `BrSle32` taking `a` from the result register (`exec::result`).
    BrSle32R(BrCmp),
    BrSgt32(BrCmp),
    /// `BrSgt32` taking `a` from the result register (`exec::result`).
    BrSgt32R(BrCmp),
    BrSge32(BrCmp),
    /// `BrSge32` taking `a` from the result register (`exec::result`).
    BrSge32R(BrCmp),
    BrUlt32(BrCmp),
    /// `BrUlt32` taking `a` from the result register (`exec::result`).
    BrUlt32R(BrCmp),
    BrUle32(BrCmp),
    /// `BrUle32` taking `a` from the result register (`exec::result`).
    BrUle32R(BrCmp),
    BrUgt32(BrCmp),
    /// `BrUgt32` taking `a` from the result register (`exec::result`).
    BrUgt32R(BrCmp),
    BrUge32(BrCmp),
    /// `BrUge32` taking `a` from the result register (`exec::result`).
    BrUge32R(BrCmp),
    BrEq64(BrCmp),
    /// `BrEq64` taking `a` from the result register (`exec::result`).
    BrEq64R(BrCmp),
    BrNe64(BrCmp),
    /// `BrNe64` taking `a` from the result register (`exec::result`).
    BrNe64R(BrCmp),
    BrSlt64(BrCmp),
    /// `BrSlt64` taking `a` from the result register (`exec::result`).
    BrSlt64R(BrCmp),
    BrSle64(BrCmp),
    /// `BrSle64` taking `a` from the result register (`exec::result`).
    BrSle64R(BrCmp),
    BrSgt64(BrCmp),
    /// `BrSgt64` taking `a` from the result register (`exec::result`).
    BrSgt64R(BrCmp),
    BrSge64(BrCmp),
    /// `BrSge64` taking `a` from the result register (`exec::result`).
    BrSge64R(BrCmp),
    BrUlt64(BrCmp),
    /// `BrUlt64` taking `a` from the result register (`exec::result`).
    BrUlt64R(BrCmp),
    BrUle64(BrCmp),
    /// `BrUle64` taking `a` from the result register (`exec::result`).
    BrUle64R(BrCmp),
    BrUgt64(BrCmp),
    /// `BrUgt64` taking `a` from the result register (`exec::result`).
    BrUgt64R(BrCmp),
    BrUge64(BrCmp),
    /// `BrUge64` taking `a` from the result register (`exec::result`).
    BrUge64R(BrCmp),
    BrEq32I(BrCmpI),
    /// `BrEq32I` taking `a` from the result register (`exec::result`).
    BrEq32IR(BrCmpI),
    BrNe32I(BrCmpI),
    /// `BrNe32I` taking `a` from the result register (`exec::result`).
    BrNe32IR(BrCmpI),
    BrSlt32I(BrCmpI),
    /// `BrSlt32I` taking `a` from the result register (`exec::result`).
    BrSlt32IR(BrCmpI),
    BrSle32I(BrCmpI),
    /// `BrSle32I` taking `a` from the result register (`exec::result`).
    BrSle32IR(BrCmpI),
    BrSgt32I(BrCmpI),
    /// `BrSgt32I` taking `a` from the result register (`exec::result`).
    BrSgt32IR(BrCmpI),
    BrSge32I(BrCmpI),
    /// `BrSge32I` taking `a` from the result register (`exec::result`).
    BrSge32IR(BrCmpI),
    BrUlt32I(BrCmpI),
    /// `BrUlt32I` taking `a` from the result register (`exec::result`).
    BrUlt32IR(BrCmpI),
    BrUle32I(BrCmpI),
    /// `BrUle32I` taking `a` from the result register (`exec::result`).
    BrUle32IR(BrCmpI),
    BrUgt32I(BrCmpI),
    /// `BrUgt32I` taking `a` from the result register (`exec::result`).
    BrUgt32IR(BrCmpI),
    BrUge32I(BrCmpI),
    /// `BrUge32I` taking `a` from the result register (`exec::result`).
    BrUge32IR(BrCmpI),
    BrEq64I(BrCmpI),
    /// `BrEq64I` taking `a` from the result register (`exec::result`).
    BrEq64IR(BrCmpI),
    BrNe64I(BrCmpI),
    /// `BrNe64I` taking `a` from the result register (`exec::result`).
    BrNe64IR(BrCmpI),
    BrSlt64I(BrCmpI),
    /// `BrSlt64I` taking `a` from the result register (`exec::result`).
    BrSlt64IR(BrCmpI),
    BrSle64I(BrCmpI),
    /// `BrSle64I` taking `a` from the result register (`exec::result`).
    BrSle64IR(BrCmpI),
    BrSgt64I(BrCmpI),
    /// `BrSgt64I` taking `a` from the result register (`exec::result`).
    BrSgt64IR(BrCmpI),
    BrSge64I(BrCmpI),
    /// `BrSge64I` taking `a` from the result register (`exec::result`).
    BrSge64IR(BrCmpI),
    BrUlt64I(BrCmpI),
    /// `BrUlt64I` taking `a` from the result register (`exec::result`).
    BrUlt64IR(BrCmpI),
    BrUle64I(BrCmpI),
    /// `BrUle64I` taking `a` from the result register (`exec::result`).
    BrUle64IR(BrCmpI),
    BrUgt64I(BrCmpI),
    /// `BrUgt64I` taking `a` from the result register (`exec::result`).
    BrUgt64IR(BrCmpI),
    BrUge64I(BrCmpI),
    /// `BrUge64I` taking `a` from the result register (`exec::result`).
    BrUge64IR(BrCmpI),
    /// Fused fcmp + branch (f32 if `!dbl`).
    BrFCmp {
        p: FPred,
        dbl: bool,
        a: Reg,
        b: Reg,
        t: Rel,
        f: Rel,
        ctr: Ctr,
    },

    // ---- integer arithmetic: i32 and i64 fast paths ----
    Add32(Bin),
    /// `Add32` taking `a` from the result register (`exec::result`).
    Add32R(Bin),
    Sub32(Bin),
    /// `Sub32` taking `a` from the result register (`exec::result`).
    Sub32R(Bin),
    /// `Sub32` taking `b` from the result register (`exec::result`).
    Sub32Rb(Bin),
    Mul32(Bin),
    /// `Mul32` taking `a` from the result register (`exec::result`).
    Mul32R(Bin),
    Shl32(Bin),
    /// `Shl32` taking `a` from the result register (`exec::result`).
    Shl32R(Bin),
    AShr32(Bin),
    /// `AShr32` taking `a` from the result register (`exec::result`).
    AShr32R(Bin),
    SDiv32(Bin),
    /// `SDiv32` taking `a` from the result register (`exec::result`).
    SDiv32R(Bin),
    SRem32(Bin),
    /// `SRem32` taking `a` from the result register (`exec::result`).
    SRem32R(Bin),
    UDiv32(Bin),
    /// `UDiv32` taking `a` from the result register (`exec::result`).
    UDiv32R(Bin),
    URem32(Bin),
    /// `URem32` taking `a` from the result register (`exec::result`).
    URem32R(Bin),
    LShr32(Bin),
    /// `LShr32` taking `a` from the result register (`exec::result`).
    LShr32R(Bin),
    Add64(Bin),
    /// `Add64` taking `a` from the result register (`exec::result`).
    Add64R(Bin),
    Sub64(Bin),
    /// `Sub64` taking `a` from the result register (`exec::result`).
    Sub64R(Bin),
    /// `Sub64` taking `b` from the result register (`exec::result`).
    Sub64Rb(Bin),
    Mul64(Bin),
    /// `Mul64` taking `a` from the result register (`exec::result`).
    Mul64R(Bin),
    Shl64(Bin),
    /// `Shl64` taking `a` from the result register (`exec::result`).
    Shl64R(Bin),
    AShr64(Bin),
    /// `AShr64` taking `a` from the result register (`exec::result`).
    AShr64R(Bin),
    SDiv64(Bin),
    /// `SDiv64` taking `a` from the result register (`exec::result`).
    SDiv64R(Bin),
    SRem64(Bin),
    /// `SRem64` taking `a` from the result register (`exec::result`).
    SRem64R(Bin),
    /// udiv/urem/lshr/and/or/xor are width-independent on zero-extended values (<= 64 bits).
    UDiv64(Bin),
    /// `UDiv64` taking `a` from the result register (`exec::result`).
    UDiv64R(Bin),
    URem64(Bin),
    /// `URem64` taking `a` from the result register (`exec::result`).
    URem64R(Bin),
    LShr64(Bin),
    /// `LShr64` taking `a` from the result register (`exec::result`).
    LShr64R(Bin),
    And64(Bin),
    /// `And64` taking `a` from the result register (`exec::result`).
    And64R(Bin),
    Or64(Bin),
    /// `Or64` taking `a` from the result register (`exec::result`).
    Or64R(Bin),
    Xor64(Bin),
    /// `Xor64` taking `a` from the result register (`exec::result`).
    Xor64R(Bin),
    Add32I(BinI),
    /// `Add32I` taking `a` from the result register (`exec::result`).
    Add32IR(BinI),
    Mul32I(BinI),
    /// `Mul32I` taking `a` from the result register (`exec::result`).
    Mul32IR(BinI),
    Shl32I(BinI),
    /// `Shl32I` taking `a` from the result register (`exec::result`).
    Shl32IR(BinI),
    AShr32I(BinI),
    /// `AShr32I` taking `a` from the result register (`exec::result`).
    AShr32IR(BinI),
    And32I(BinI),
    /// `And32I` taking `a` from the result register (`exec::result`).
    And32IR(BinI),
    Or32I(BinI),
    /// `Or32I` taking `a` from the result register (`exec::result`).
    Or32IR(BinI),
    Xor32I(BinI),
    /// `Xor32I` taking `a` from the result register (`exec::result`).
    Xor32IR(BinI),
    Add64I(BinI),
    /// `Add64I` taking `a` from the result register (`exec::result`).
    Add64IR(BinI),
    Mul64I(BinI),
    /// `Mul64I` taking `a` from the result register (`exec::result`).
    Mul64IR(BinI),
    Shl64I(BinI),
    /// `Shl64I` taking `a` from the result register (`exec::result`).
    Shl64IR(BinI),
    AShr64I(BinI),
    /// `AShr64I` taking `a` from the result register (`exec::result`).
    AShr64IR(BinI),
    And64I(BinI),
    /// `And64I` taking `a` from the result register (`exec::result`).
    And64IR(BinI),
    Or64I(BinI),
    /// `Or64I` taking `a` from the result register (`exec::result`).
    Or64IR(BinI),
    Xor64I(BinI),
    /// `Xor64I` taking `a` from the result register (`exec::result`).
    Xor64IR(BinI),
    /// lshr by a constant, any width <= 64.
    LShrI(BinI),
    /// `LShrI` taking `a` from the result register (`exec::result`).
    LShrIR(BinI),
    /// `d = (a >> sh) & mask`: a bit field (`(i >> 7) & 0xff`, Lua's instruction decoding, a
    /// byte of a word), the `lshr` by a constant folded into the `and` that is its only use.
    /// `mask` is the `and`'s constant at 64 bits (zero-extended from an i32's).
    LShrAndI {
        d: Reg,
        a: Reg,
        sh: u8,
        mask: u64,
    },
    /// `LShrAndI` taking `a` from the result register (`exec::result`).
    LShrAndIR {
        d: Reg,
        a: Reg,
        sh: u8,
        mask: u64,
    },
    /// udiv / urem by a constant (values <= 64 bits) with a precomputed multiplier: `k` holds the
    /// constant slots [magic, divisor, shift].
    UDivC {
        d: Reg,
        a: Reg,
        k: Reg,
    },
    /// `UDivC` taking `a` from the result register (`exec::result`).
    UDivCR {
        d: Reg,
        a: Reg,
        k: Reg,
    },
    URemC {
        d: Reg,
        a: Reg,
        k: Reg,
    },
    /// `URemC` taking `a` from the result register (`exec::result`).
    URemCR {
        d: Reg,
        a: Reg,
        k: Reg,
    },
    /// sdiv / srem of `bits`-wide values by a constant: `k` = [magic, |divisor|, shift, divisor].
    SDivC {
        bits: u8,
        d: Reg,
        a: Reg,
        k: Reg,
    },
    /// `SDivC` taking `a` from the result register (`exec::result`).
    SDivCR {
        bits: u8,
        d: Reg,
        a: Reg,
        k: Reg,
    },
    SRemC {
        bits: u8,
        d: Reg,
        a: Reg,
        k: Reg,
    },
    /// `SRemC` taking `a` from the result register (`exec::result`).
    SRemCR {
        bits: u8,
        d: Reg,
        a: Reg,
        k: Reg,
    },
    /// Any integer width <= 64 (masked / sign-extended per `bits`).
    IntN {
        op: IBin,
        bits: u8,
        d: Reg,
        a: Reg,
        b: Reg,
    },
    /// Integer widths 65..=128 (two slots per value).
    IntW {
        op: IBin,
        bits: u8,
        d: Reg,
        a: Reg,
        b: Reg,
    },

    // ---- integer comparisons producing an i1 ----
    Cmp32 {
        p: IPred,
        d: Reg,
        a: Reg,
        b: Reg,
    },
    /// `Cmp32` taking `a` from the result register (`exec::result`).
    Cmp32R {
        p: IPred,
        d: Reg,
        a: Reg,
        b: Reg,
    },
    Cmp64 {
        p: IPred,
        d: Reg,
        a: Reg,
        b: Reg,
    },
    /// `Cmp64` taking `a` from the result register (`exec::result`).
    Cmp64R {
        p: IPred,
        d: Reg,
        a: Reg,
        b: Reg,
    },
    Cmp32I {
        p: IPred,
        d: Reg,
        a: Reg,
        imm: i32,
    },
    /// `Cmp32I` taking `a` from the result register (`exec::result`).
    Cmp32IR {
        p: IPred,
        d: Reg,
        a: Reg,
        imm: i32,
    },
    Cmp64I {
        p: IPred,
        d: Reg,
        a: Reg,
        imm: i32,
    },
    /// `Cmp64I` taking `a` from the result register (`exec::result`).
    Cmp64IR {
        p: IPred,
        d: Reg,
        a: Reg,
        imm: i32,
    },
    /// `Cmp32I`/`Cmp64I` of one predicate: `d = a pred imm` with one compare instead of the flat
    /// predicate table (`translate::arith::cmp_imm`), for the predicates that the benchmark
    /// programs' profiles showed hot (see `BrMovSlt64`).
    CmpEq32I(BinI),
    /// `CmpEq32I` taking `a` from the result register (`exec::result`).
    CmpEq32IR(BinI),
    CmpSgt32I(BinI),
    /// `CmpSgt32I` taking `a` from the result register (`exec::result`).
    CmpSgt32IR(BinI),
    CmpEq64I(BinI),
    /// `CmpEq64I` taking `a` from the result register (`exec::result`).
    CmpEq64IR(BinI),
    CmpNe64I(BinI),
    /// `CmpNe64I` taking `a` from the result register (`exec::result`).
    CmpNe64IR(BinI),
    CmpUlt64I(BinI),
    /// `CmpUlt64I` taking `a` from the result register (`exec::result`).
    CmpUlt64IR(BinI),
    CmpN {
        p: IPred,
        bits: u8,
        d: Reg,
        a: Reg,
        b: Reg,
    },
    CmpW {
        p: IPred,
        bits: u8,
        d: Reg,
        a: Reg,
        b: Reg,
    },

    // ---- integer casts ----
    /// Zero the bits above `bits`.
    Trunc {
        d: Reg,
        a: Reg,
        bits: u8,
    },
    /// `Trunc` taking `a` from the result register (`exec::result`).
    TruncR {
        d: Reg,
        a: Reg,
        bits: u8,
    },
    Trunc32 {
        d: Reg,
        a: Reg,
    },
    /// `Trunc32` taking `a` from the result register (`exec::result`).
    Trunc32R {
        d: Reg,
        a: Reg,
    },
    /// Sign-extend from `from` bits, then keep `to` bits (to <= 64).
    Sext {
        d: Reg,
        a: Reg,
        from: u8,
        to: u8,
    },
    /// `Sext` taking `a` from the result register (`exec::result`).
    SextR {
        d: Reg,
        a: Reg,
        from: u8,
        to: u8,
    },
    Sext32To64 {
        d: Reg,
        a: Reg,
    },
    /// `Sext32To64` taking `a` from the result register (`exec::result`).
    Sext32To64R {
        d: Reg,
        a: Reg,
    },
    /// `sext (add i32 a, imm) to i64`: an int index stepped by a constant (`stack[sp - 1]`), when
    /// the add has no other use.
    AddSext32I(BinI),
    /// `AddSext32I` taking `a` from the result register (`exec::result`).
    AddSext32IR(BinI),
    /// Into a 65..=128-bit value (two slots): zero- or sign-extend from `from` bits.
    ExtW {
        d: Reg,
        a: Reg,
        from: u8,
        to: u8,
        signed: bool,
    },
    /// From a wide value to `bits` <= 128 (mask).
    TruncW {
        d: Reg,
        a: Reg,
        bits: u8,
    },

    // ---- floating point ----
    FAdd32(Bin),
    /// `FAdd32` taking `a` from the result register (`exec::result`).
    FAdd32R(Bin),
    FSub32(Bin),
    /// `FSub32` taking `a` from the result register (`exec::result`).
    FSub32R(Bin),
    /// `FSub32` taking `b` from the result register (`exec::result`).
    FSub32Rb(Bin),
    FMul32(Bin),
    /// `FMul32` taking `a` from the result register (`exec::result`).
    FMul32R(Bin),
    FDiv32(Bin),
    /// `FDiv32` taking `a` from the result register (`exec::result`).
    FDiv32R(Bin),
    /// `FDiv32` taking `b` from the result register (`exec::result`).
    FDiv32Rb(Bin),
    FAdd64(Bin),
    /// `FAdd64` taking `a` from the result register (`exec::result`).
    FAdd64R(Bin),
    FSub64(Bin),
    /// `FSub64` taking `a` from the result register (`exec::result`).
    FSub64R(Bin),
    /// `FSub64` taking `b` from the result register (`exec::result`).
    FSub64Rb(Bin),
    FMul64(Bin),
    /// `FMul64` taking `a` from the result register (`exec::result`).
    FMul64R(Bin),
    FDiv64(Bin),
    /// `FDiv64` taking `a` from the result register (`exec::result`).
    FDiv64R(Bin),
    /// `FDiv64` taking `b` from the result register (`exec::result`).
    FDiv64Rb(Bin),
    /// `d = a / (double)(i64)b`: a division by a converted integer, the `sitofp` folded in.
    FDivSi64(Bin),
    /// `FDivSi64` taking `a` from the result register (`exec::result`).
    FDivSi64R(Bin),
    /// `FDivSi64` taking `b` from the result register (`exec::result`).
    FDivSi64Rb(Bin),
    FBin {
        op: FBin,
        dbl: bool,
        d: Reg,
        a: Reg,
        b: Reg,
    },
    FUn {
        op: FUn,
        dbl: bool,
        d: Reg,
        a: Reg,
    },
    /// `FUn` taking `a` from the result register (`exec::result`).
    FUnR {
        op: FUn,
        dbl: bool,
        d: Reg,
        a: Reg,
    },
    Fma {
        dbl: bool,
        d: Reg,
        a: Reg,
        b: Reg,
        c: Reg,
    },
    /// `a * b + c` rounded twice (llvm.fmuladd: clang does not contract on x86-64 by default;
    /// also an fmul folded into the fadd that uses it).
    FMulAdd {
        dbl: bool,
        d: Reg,
        a: Reg,
        b: Reg,
        c: Reg,
    },
    /// `FMulAdd` taking `a` from the result register (`exec::result`).
    FMulAddR {
        dbl: bool,
        d: Reg,
        a: Reg,
        b: Reg,
        c: Reg,
    },
    /// `FMulAdd` taking `c` from the result register (`exec::result`).
    FMulAddRc {
        dbl: bool,
        d: Reg,
        a: Reg,
        b: Reg,
        c: Reg,
    },
    /// `a * b - c` and `c - a * b`, rounded twice (an fmul folded into an fsub).
    FMulSub {
        dbl: bool,
        d: Reg,
        a: Reg,
        b: Reg,
        c: Reg,
    },
    FSubMul {
        dbl: bool,
        d: Reg,
        a: Reg,
        b: Reg,
        c: Reg,
    },
    FCmp {
        p: FPred,
        dbl: bool,
        d: Reg,
        a: Reg,
        b: Reg,
    },
    /// `FCmp` taking `a` from the result register (`exec::result`).
    FCmpR {
        p: FPred,
        dbl: bool,
        d: Reg,
        a: Reg,
        b: Reg,
    },
    /// int<->float and float<->float; `bits` is the integer width.
    Conv {
        k: Conv,
        bits: u8,
        d: Reg,
        a: Reg,
    },
    /// `Conv` taking `a` from the result register (`exec::result`).
    ConvR {
        k: Conv,
        bits: u8,
        d: Reg,
        a: Reg,
    },
    /// Same with a 65..=128-bit integer side.
    ConvW {
        k: Conv,
        bits: u8,
        d: Reg,
        a: Reg,
    },
    /// llvm.powi: float/double to an i32 power.
    PowI {
        dbl: bool,
        d: Reg,
        a: Reg,
        b: Reg,
    },
    /// llvm.lrint/llrint/lround/llround to i64 (`round`: ties away instead of to even).
    FToIRound {
        dbl: bool,
        round: bool,
        d: Reg,
        a: Reg,
    },
    /// x86_fp80 (two slots) on the x87 unit.
    F80Bin {
        op: FBin,
        d: Reg,
        a: Reg,
        b: Reg,
    },
    F80Un {
        op: FUn,
        d: Reg,
        a: Reg,
    },
    F80Cmp {
        p: FPred,
        d: Reg,
        a: Reg,
        b: Reg,
    },
    F80Conv {
        k: F80Conv,
        bits: u8,
        d: Reg,
        a: Reg,
    },
    /// half <-> float / double (IEEE, round to nearest even).
    HToF {
        d: Reg,
        a: Reg,
    },
    FToH {
        d: Reg,
        a: Reg,
    },
    DToH {
        d: Reg,
        a: Reg,
    },
    /// llvm.is.fpclass with its test mask.
    IsFpClass {
        dbl: bool,
        d: Reg,
        a: Reg,
        mask: u32,
    },

    // ---- integer intrinsics ----
    IUn {
        op: IUn,
        bits: u8,
        d: Reg,
        a: Reg,
    },
    IBin2 {
        op: IBin2,
        bits: u8,
        d: Reg,
        a: Reg,
        b: Reg,
    },
    /// Funnel shift (fshl if `left`, else fshr).
    Fsh {
        left: bool,
        bits: u8,
        d: Reg,
        a: Reg,
        b: Reg,
        c: Reg,
    },

    // ---- memory ----
    Load8(Mem),
    /// `Load8` taking `p` from the result register (`exec::result`).
    Load8R(Mem),
    Load16(Mem),
    /// `Load16` taking `p` from the result register (`exec::result`).
    Load16R(Mem),
    Load32(Mem),
    /// `Load32` taking `p` from the result register (`exec::result`).
    Load32R(Mem),
    Load64(Mem),
    /// `Load64` taking `p` from the result register (`exec::result`).
    Load64R(Mem),
    /// Load `n` bytes (odd sizes, i128, vectors) into consecutive slots, zero-filling the rest.
    LoadN {
        d: Reg,
        p: Reg,
        off: i32,
        n: u32,
    },
    Store8(Mem),
    Store16(Mem),
    Store32(Mem),
    Store64(Mem),
    StoreN {
        v: Reg,
        p: Reg,
        off: i32,
        n: u32,
    },
    Load8X(MemX),
    /// `Load8X` taking `i` from the result register (`exec::result`).
    Load8XR(MemX),
    Load16X(MemX),
    /// `Load16X` taking `i` from the result register (`exec::result`).
    Load16XR(MemX),
    Load32X(MemX),
    /// `Load32X` taking `i` from the result register (`exec::result`).
    Load32XR(MemX),
    Load64X(MemX),
    /// `Load64X` taking `i` from the result register (`exec::result`).
    Load64XR(MemX),
    Store8X(MemX),
    Store16X(MemX),
    Store32X(MemX),
    Store64X(MemX),
    /// A `Load8X`, `Load32X` or `Load64X` whose next op is another of its kind, run by this
    /// one's dispatch (`translate::pair`): two fields of a record, `a[i]` and `a[i - 1]`, the
    /// bytes of a word read one by one; likewise for stores (a swap's two stores).
    Load8X2(MemX),
    Load32X2(MemX),
    Load64X2(MemX),
    Store32X2(MemX),
    Store64X2(MemX),
    /// A 16-byte vector (`<4 x float>`, `<2 x double>`, `<4 x i32>`…) to or from two slots at an
    /// indexed address: the GEP of a vectorized loop's step folded in, as for the scalar forms
    /// (8-byte vectors are one slot and take `Load64X`/`Store64X`).
    Load128X(MemX),
    Store128X(MemX),
    /// A `Load128X` whose next op is another `Load128X`, run by this one's dispatch
    /// (`translate::pair`); likewise for stores.
    Load128X2(MemX),
    Store128X2(MemX),
    /// An indexed load whose value a compare-and-branch uses right after (`a[i] < pivot`,
    /// `if (s[i] == c)`): the load, then the compare and branch of the `ExtCmpBr` slot.
    LoadBr8X(MemX),
    LoadBr16X(MemX),
    LoadBr32X(MemX),
    LoadBr64X(MemX),
    /// As the `X` forms, with `i` an i32 that the address sign-extends (`a[k]` with `int k`).
    Load8XS(MemX),
    /// `Load8XS` taking `i` from the result register (`exec::result`).
    Load8XSR(MemX),
    Load16XS(MemX),
    /// `Load16XS` taking `i` from the result register (`exec::result`).
    Load16XSR(MemX),
    Load32XS(MemX),
    /// `Load32XS` taking `i` from the result register (`exec::result`).
    Load32XSR(MemX),
    Load64XS(MemX),
    /// `Load64XS` taking `i` from the result register (`exec::result`).
    Load64XSR(MemX),
    Store8XS(MemX),
    Store16XS(MemX),
    Store32XS(MemX),
    Store64XS(MemX),
    /// `d = p + i * scale + off`, `i` an i64.
    Gep {
        d: Reg,
        p: Reg,
        i: Reg,
        scale: i32,
        off: i32,
    },
    /// `Gep` taking `i` from the result register (`exec::result`).
    GepR {
        d: Reg,
        p: Reg,
        i: Reg,
        scale: i32,
        off: i32,
    },
    /// Same with an i32 index (sign-extended).
    Gep32 {
        d: Reg,
        p: Reg,
        i: Reg,
        scale: i32,
        off: i32,
    },
    /// `Gep32` taking `i` from the result register (`exec::result`).
    Gep32R {
        d: Reg,
        p: Reg,
        i: Reg,
        scale: i32,
        off: i32,
    },
    /// `d = slot0 (alloca base) + off`.
    Alloca {
        d: Reg,
        off: u32,
    },
    /// Allocate `n * size` bytes on the alloca stack (aligned to `align`).
    AllocaDyn {
        d: Reg,
        n: Reg,
        size: u32,
        align: u32,
    },
    StackSave {
        d: Reg,
    },
    /// The running thread's copy of thread-local variable `var` (`threads::tls`).
    TlsAddr {
        d: Reg,
        var: u32,
    },
    StackRestore {
        a: Reg,
    },
    MemCpy {
        d: Reg,
        s: Reg,
        n: Reg,
    },
    MemMove {
        d: Reg,
        s: Reg,
        n: Reg,
    },
    MemSet {
        d: Reg,
        v: Reg,
        n: Reg,
    },
    /// Record size `n` of memory call site `site` (the next `MemCpy`/`MemMove`/`MemSet`) in the
    /// function's size tables, when the function is a value-profiling candidate
    /// (`profile::values::MemSizes`).
    MemSize {
        n: Reg,
        site: u32,
    },
    /// Single-thread atomicrmw: `d` = old value; `op` encodes the LLVM binop.
    AtomicRmw {
        op: u8,
        bytes: u8,
        d: Reg,
        p: Reg,
        v: Reg,
    },
    /// Single-thread cmpxchg: `d` = old value, `d+1` = success flag.
    CmpXchg {
        bytes: u8,
        d: Reg,
        p: Reg,
        cmp: Reg,
        new: Reg,
    },

    // ---- vectors ----
    VInt {
        op: IBin,
        lane: Lane,
        n: u8,
        d: Reg,
        a: Reg,
        b: Reg,
        /// The next op is the same operation on the same shape, run by this one's dispatch
        /// (`translate::pair`).
        pair: bool,
    },
    VFloat {
        op: FBin,
        dbl: bool,
        n: u8,
        d: Reg,
        a: Reg,
        b: Reg,
        /// The next op is the same operation on the same shape, run by this one's dispatch
        /// (`translate::pair`).
        pair: bool,
    },
    VFUn {
        op: FUn,
        dbl: bool,
        n: u8,
        d: Reg,
        a: Reg,
    },
    VFma {
        dbl: bool,
        fused: bool,
        n: u8,
        d: Reg,
        a: Reg,
        b: Reg,
        c: Reg,
        /// The next op is the same operation on the same shape, run by this one's dispatch
        /// (`translate::pair`).
        pair: bool,
    },
    VICmp {
        p: IPred,
        lane: Lane,
        n: u8,
        d: Reg,
        a: Reg,
        b: Reg,
    },
    VFCmp {
        p: FPred,
        dbl: bool,
        n: u8,
        d: Reg,
        a: Reg,
        b: Reg,
    },
    /// Select per lane with a `<n x i1>` condition.
    VSelect {
        lane: Lane,
        n: u8,
        d: Reg,
        c: Reg,
        a: Reg,
        b: Reg,
    },
    /// Lane-wise integer resize (trunc / zext / sext).
    VResize {
        from: Lane,
        to: Lane,
        signed: bool,
        n: u8,
        d: Reg,
        a: Reg,
        /// The next op is the same operation on the same shape, run by this one's dispatch
        /// (`translate::pair`).
        pair: bool,
    },
    /// Lane-wise conversions int<->float, float<->float.
    VConv {
        k: Conv,
        lane: Lane,
        n: u8,
        d: Reg,
        a: Reg,
    },
    VIUn {
        op: IUn,
        lane: Lane,
        n: u8,
        d: Reg,
        a: Reg,
    },
    VIBin2 {
        op: IBin2,
        lane: Lane,
        n: u8,
        d: Reg,
        a: Reg,
        b: Reg,
        /// The next op is the same operation on the same shape, run by this one's dispatch
        /// (`translate::pair`).
        pair: bool,
    },
    VReduce {
        op: Reduce,
        lane: Lane,
        n: u8,
        d: Reg,
        a: Reg,
    },
    /// Ordered fadd/fmul reduction with a start value.
    VReduceSeq {
        op: Reduce,
        dbl: bool,
        n: u8,
        d: Reg,
        start: Reg,
        a: Reg,
    },
    /// Copy lane bytes `[off, off+bytes)` of `v` into scalar `d`.
    VExtract {
        d: Reg,
        v: Reg,
        off: u32,
        bytes: u8,
    },
    VExtractVar {
        d: Reg,
        v: Reg,
        i: Reg,
        bytes: u8,
        n: u8,
    },
    /// `d` = vector `v` (`slots` slots) with the lane at `off` replaced by scalar `x`.
    VInsert {
        d: Reg,
        v: Reg,
        x: Reg,
        off: u32,
        bytes: u8,
        slots: u8,
    },
    VInsertVar {
        d: Reg,
        v: Reg,
        x: Reg,
        i: Reg,
        bytes: u8,
        n: u8,
    },
    Shuffle {
        d: Reg,
        a: Reg,
        b: Reg,
        table: Aux,
    },
    /// `<n x i1>` (byte lanes) <-> an n-bit integer.
    BoolsToInt {
        d: Reg,
        a: Reg,
        n: u8,
    },
    IntToBools {
        d: Reg,
        a: Reg,
        n: u8,
    },
    /// Masked load/store (`llvm.masked.*`): per `<n x i1>` mask lane.
    MaskedLoad {
        lane: Lane,
        n: u8,
        d: Reg,
        p: Reg,
        m: Reg,
        pass: Reg,
    },
    MaskedStore {
        lane: Lane,
        n: u8,
        v: Reg,
        p: Reg,
        m: Reg,
    },

    // ---- calls ----
    /// Direct call of a function of the program (interpreted or native: see the table).
    Call {
        f: FuncId,
        site: Aux,
    },
    /// Call through a pointer.
    CallInd {
        p: Reg,
        site: Aux,
    },
    Ret {
        s: Reg,
    },
    Ret2 {
        s: Reg,
    },
    RetN {
        s: Reg,
        n: u32,
    },
    RetVoid,
    /// `exit(code)`: end the run (`rest`: IR instructions after the call in its block).
    Exit {
        code: Reg,
        rest: u32,
    },
    VaStart {
        p: Reg,
    },
    /// An instruction that must not run (unreachable, llvm.trap) or that is unsupported.
    Trap {
        kind: TrapOp,
        what: Aux,
    },

    // ---- wide ops: the next slot is an `ExtMem` / `ExtBr`, never dispatched ----
    /// Dot-product step: `r = c + [a] * [b]` (ExtMem b, r), rounded twice.
    FDotX32 {
        c: Reg,
        a: MemA,
    },
    FDotX64 {
        c: Reg,
        a: MemA,
    },
    /// Four dot-product steps in a row over consecutive elements: `s = c`, then for k in 0..4
    /// `s = [a + k·w] * [b + k·w] + s` (w the element's bytes), each rounded twice as `FDotX`
    /// does, `r = s` (ExtMem b, r): an unrolled dot product with its sum kept in a register.
    FDot4X32 {
        c: Reg,
        a: MemA,
    },
    FDot4X64 {
        c: Reg,
        a: MemA,
    },
    /// axpy step: `[a] = [a] + x * [b]` (ExtMem b), rounded twice.
    FAxpyX32 {
        x: Reg,
        a: MemA,
    },
    FAxpyX64 {
        x: Reg,
        a: MemA,
    },
    /// axpy step of a vectorized loop: `[a] = x * [b] + [a]` on 16-byte vectors of `float`
    /// (`dbl` false) or `double` lanes (ExtMem b), each lane rounded twice.
    VAxpyX {
        dbl: bool,
        x: Reg,
        a: MemA,
    },
    /// Two `VAxpyX` steps on consecutive 16-byte vectors with the same factor `x` (clang's
    /// vectorized loop interleaved by two): `[a..a+32] = x * [b..b+32] + [a..a+32]`, `x` applying
    /// to each half (ExtMem b), every lane rounded twice. Both halves are read before either is
    /// written, as the IR of the pair loads them.
    VAxpy2X {
        dbl: bool,
        /// The ExtMem is followed by the loop's latch, run by this op's dispatch
        /// (`translate::pair`, `latch_prefixes`).
        latch: bool,
        x: Reg,
        a: MemA,
    },
    /// As `VAxpyX` with `[b]` already loaded into slots `b`; the `ExtMem`'s address is `a`'s.
    VAxpyR {
        dbl: bool,
        x: Reg,
        b: Reg,
    },
    /// A scalar `llvm.fmuladd` of two computed factors stored where its addend was loaded
    /// (nbody's `v -= d * m`): `[a] = x * b + [a]` on a `float` or `double` (`dbl`), rounded
    /// twice; the `ExtMem`'s address is `a`'s.
    FAxpyR {
        dbl: bool,
        x: Reg,
        b: Reg,
    },
    /// Loop latch: `a += imm` (in place, 64 or 32 bits), then branch on `a pred b` (ExtBr), doing
    /// the ExtBr's one-slot phi move on the edges in `mv` (bit 0: false edge, bit 1: true edge).
    IncBr64 {
        p: IPred,
        mv: u8,
        a: Reg,
        imm: i32,
        b: Reg,
    },
    /// A second induction variable stepped in place, `a2 += imm2` (64 bits), then `IncBr64`
    /// (ExtBr): the `j += 4` of a loop that counts with `i`, and its latch, in one dispatch.
    Inc2Br64 {
        p: IPred,
        mv: u8,
        a: Reg,
        imm: i32,
        b: Reg,
        a2: Reg,
        imm2: i32,
    },
    IncBr32 {
        p: IPred,
        mv: u8,
        a: Reg,
        imm: i32,
        b: Reg,
    },
    /// As `IncBr64`/`IncBr32` with the step in slot `s` (`j += i` of a strided loop).
    IncRBr64 {
        p: IPred,
        mv: u8,
        a: Reg,
        s: Reg,
        b: Reg,
    },
    IncRBr32 {
        p: IPred,
        mv: u8,
        a: Reg,
        s: Reg,
        b: Reg,
    },
    /// Compare-and-branch with the ExtBr's phi move on the edges in `mv` (as for IncBr).
    BrMov64 {
        p: IPred,
        mv: u8,
        a: Reg,
        b: Reg,
    },
    BrMov32 {
        p: IPred,
        mv: u8,
        a: Reg,
        b: Reg,
    },
    /// `BrMov64`/`BrMov32` of one predicate: one compare instead of the flat predicate table
    /// (`translate::superop::br_mov`). Only the latches that the benchmark programs' profiles
    /// showed hot have one: each op more in the dispatch loop risks its register allocation.
    /// (`sgt` is `slt` with the operands swapped.)
    BrMovSlt64(BrMv),
    BrMovSlt32(BrMv),
    /// `v = [p + i * scale + off]` (8 bytes), then `d = a * b + c` in doubles rounded twice, as
    /// the `Load64X` and `FMulAdd` it replaces would do one after the other (the load of a dot
    /// product or a matrix row feeding llvm.fmuladd). The next slot is its `ExtFma`.
    LoadFMulAdd64(MemX),
    /// Second slot of `LoadFMulAdd64`: the multiply-add's operands.
    ExtFma {
        d: Reg,
        a: Reg,
        b: Reg,
        c: Reg,
    },
    /// Second slot of `MovMovJmp`: its second move.
    ExtMov {
        d: Reg,
        s: Reg,
    },
    /// Second slot of a wide op: a memory operand and a register.
    ExtMem {
        b: MemA,
        r: Reg,
    },
    /// Second slot of a wide op: branch targets (relative to this slot), counter, and a phi move
    /// `d = s` (d == s when there is none).
    ExtBr {
        t: Rel,
        f: Rel,
        ctr: Ctr,
        d: Reg,
        s: Reg,
    },
    /// Second slot of a `LoadBr*X`: compare the loaded value with `b` (`p`, on 32 or 64 bits),
    /// then branch (targets relative to this slot).
    ExtCmpBr {
        p: IPred,
        w32: bool,
        b: Reg,
        t: Rel,
        f: Rel,
        ctr: Ctr,
    },
}

/// Why a `Trap` op stops the run.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum TrapOp {
    Unreachable,
    LlvmTrap,
    /// A construct the translator could not lower; `what` indexes the function's messages.
    Unsupported,
}

// Ops stay within 24 bytes: dispatch reads one small record. (`Op` has more than 256 variants: its
// tag is two bytes, which this check bounds too; the change that made it so measured no loss,
// docs/performance.md, irvm's twelfth round.)
const _: () = assert!(std::mem::size_of::<Op>() <= 24);
