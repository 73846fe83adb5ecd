//! The result register: what the dispatch loop keeps of the last op's result besides its slot.
//!
//! Every op listed in [`result`] writes its result with `wr!`, to its slot and to a local of the
//! loop, `acc`, which stays in a machine register; each dispatch moves it to `prev`. An op whose
//! operand is the result of the op dispatched right before it can read `prev` instead of the
//! slot: the value then reaches it without going through memory, where a store and the load that
//! follows it cost the processor's store-to-load forwarding (four or five cycles) on every link
//! of a dependency chain — most of an interpreted op's time in code such as `(i + j) * (i + j +
//! 1) / 2 + i + 1`. The slot is written as before, for every other reader.
//!
//! Such an op is a form of its own (`Add64R`, `Load32XR`, `BrSlt64IR`, `FMulAddRc`…: the suffix
//! `R` for the first operand, `Rb` and `Rc` for the second and third), whose handler reads that
//! operand from `prev`, and the op's ordinary form reads every operand from its slot: no handler
//! checks at run time where an operand comes from. The translator (`translate::chain`) turns an
//! op into its chained form ([`chained_form`]) when it is in the same block as the op before it,
//! not its first op, and reads that op's [`result`]; the operand's field then holds
//! [`Reg::RESULT`], no slot. A commutative op, a compare-and-branch (its predicate mirrored) and
//! a multiply-add take a second operand that way by swapping it first. The table describes the
//! handlers of `exec::run_from`: an op listed in [`result`] runs in the loop and its last slot
//! write is the result it names, on every path that continues to the next op; a chained form runs
//! in the loop. Anything run out of the loop (`outside`, `slow`) is in neither.

use crate::isa::{Conv, FUn, Op, Reg};

// The families of ops that have chained forms: one table each, every op with its chained form
// (`ordinary => chained`). A table calls the macro it is given, that macro's own arguments first,
// on its pairs: `bin_forms!(ordinary!(x))` is the or-pattern of the family's ordinary forms binding
// `x`, `chained!` the chained forms', `both!` the two; `forms!` (in `chained_form`) turns an op
// into its chained form.

/// The ops of two slots (`Bin`): each writes its result `d` with `wr!` (`bin!`, `sdiv!`, `udiv!`)
/// and reads operands `a` and `b`; the chained form takes `a` from the register.
macro_rules! bin_forms {
    ($m:ident!($($arg:tt)*)) => {
        $m!($($arg)*;
            Add32 => Add32R, Sub32 => Sub32R, Mul32 => Mul32R, Shl32 => Shl32R, AShr32 => AShr32R,
            LShr32 => LShr32R, SDiv32 => SDiv32R, SRem32 => SRem32R, UDiv32 => UDiv32R,
            URem32 => URem32R, Add64 => Add64R, Sub64 => Sub64R, Mul64 => Mul64R, Shl64 => Shl64R,
            AShr64 => AShr64R, LShr64 => LShr64R, SDiv64 => SDiv64R, SRem64 => SRem64R,
            UDiv64 => UDiv64R, URem64 => URem64R, And64 => And64R, Or64 => Or64R, Xor64 => Xor64R,
            FAdd32 => FAdd32R, FSub32 => FSub32R, FMul32 => FMul32R, FDiv32 => FDiv32R,
            FAdd64 => FAdd64R, FSub64 => FSub64R, FMul64 => FMul64R, FDiv64 => FDiv64R,
            FDivSi64 => FDivSi64R)
    };
}

/// The ops of two slots that are not commutative and have a form taking `b` from the register
/// (the commutative ones swap their operands instead: `chained_form`).
macro_rules! bin_second_forms {
    ($m:ident!($($arg:tt)*)) => {
        $m!($($arg)*;
            Sub32 => Sub32Rb, Sub64 => Sub64Rb, FSub32 => FSub32Rb, FSub64 => FSub64Rb,
            FDiv32 => FDiv32Rb, FDiv64 => FDiv64Rb, FDivSi64 => FDivSi64Rb)
    };
}

/// The ops of a slot and an immediate (`BinI`, `bini!`): result `d`, operand `a`.
macro_rules! bin_imm_forms {
    ($m:ident!($($arg:tt)*)) => {
        $m!($($arg)*;
            Add32I => Add32IR, Mul32I => Mul32IR, Shl32I => Shl32IR, AShr32I => AShr32IR,
            And32I => And32IR, Or32I => Or32IR, Xor32I => Xor32IR, Add64I => Add64IR,
            Mul64I => Mul64IR, Shl64I => Shl64IR, AShr64I => AShr64IR, And64I => And64IR,
            Or64I => Or64IR, Xor64I => Xor64IR, LShrI => LShrIR, CmpEq32I => CmpEq32IR,
            CmpSgt32I => CmpSgt32IR, CmpEq64I => CmpEq64IR, CmpNe64I => CmpNe64IR,
            CmpUlt64I => CmpUlt64IR, AddSext32I => AddSext32IR)
    };
}

/// The compare-and-branch ops of two slots (`BrCmp`); the chained form takes `a`.
macro_rules! br_forms {
    ($m:ident!($($arg:tt)*)) => {
        $m!($($arg)*;
            BrEq32 => BrEq32R, BrNe32 => BrNe32R, BrSlt32 => BrSlt32R, BrSle32 => BrSle32R,
            BrSgt32 => BrSgt32R, BrSge32 => BrSge32R, BrUlt32 => BrUlt32R, BrUle32 => BrUle32R,
            BrUgt32 => BrUgt32R, BrUge32 => BrUge32R, BrEq64 => BrEq64R, BrNe64 => BrNe64R,
            BrSlt64 => BrSlt64R, BrSle64 => BrSle64R, BrSgt64 => BrSgt64R, BrSge64 => BrSge64R,
            BrUlt64 => BrUlt64R, BrUle64 => BrUle64R, BrUgt64 => BrUgt64R, BrUge64 => BrUge64R)
    };
}

/// The compare-and-branch ops of a slot and an immediate (`BrCmpI`); the chained form takes `a`.
macro_rules! br_imm_forms {
    ($m:ident!($($arg:tt)*)) => {
        $m!($($arg)*;
            BrEq32I => BrEq32IR, BrNe32I => BrNe32IR, BrSlt32I => BrSlt32IR, BrSle32I => BrSle32IR,
            BrSgt32I => BrSgt32IR, BrSge32I => BrSge32IR, BrUlt32I => BrUlt32IR,
            BrUle32I => BrUle32IR, BrUgt32I => BrUgt32IR, BrUge32I => BrUge32IR,
            BrEq64I => BrEq64IR, BrNe64I => BrNe64IR, BrSlt64I => BrSlt64IR, BrSle64I => BrSle64IR,
            BrSgt64I => BrSgt64IR, BrSge64I => BrSge64IR, BrUlt64I => BrUlt64IR,
            BrUle64I => BrUle64IR, BrUgt64I => BrUgt64IR, BrUge64I => BrUge64IR)
    };
}

/// The loads at `p + off` (`Mem`): result `v`; the chained form takes the address `p`.
macro_rules! load_forms {
    ($m:ident!($($arg:tt)*)) => {
        $m!($($arg)*; Load8 => Load8R, Load16 => Load16R, Load32 => Load32R, Load64 => Load64R)
    };
}

/// The loads at a folded address (`MemX`): result `v`, address `p + i * scale`; the chained form
/// takes the index `i`. Not the first op of a load pair (`Load32X2`…): its dispatch runs the op
/// after it too, and what the op after that reads from the register is the second load's result,
/// which that op is listed for.
macro_rules! indexed_load_forms {
    ($m:ident!($($arg:tt)*)) => {
        $m!($($arg)*;
            Load8X => Load8XR, Load16X => Load16XR, Load32X => Load32XR, Load64X => Load64XR,
            Load8XS => Load8XSR, Load16XS => Load16XSR, Load32XS => Load32XSR,
            Load64XS => Load64XSR)
    };
}

/// The ops with named fields whose result is their field `d`, each with the chained form that
/// takes its first operand from the register (its own fields: `chained_form` builds it).
macro_rules! field_forms {
    ($m:ident!($($arg:tt)*)) => {
        $m!($($arg)*;
            Mov => MovR, Select => SelectR, LShrAndI => LShrAndIR, UDivC => UDivCR, URemC => URemCR,
            SDivC => SDivCR, SRemC => SRemCR, Cmp32 => Cmp32R, Cmp64 => Cmp64R, Cmp32I => Cmp32IR,
            Cmp64I => Cmp64IR, Trunc => TruncR, Trunc32 => Trunc32R, Sext => SextR,
            Sext32To64 => Sext32To64R, FMulAdd => FMulAddR, FCmp => FCmpR, Gep => GepR,
            Gep32 => Gep32R)
    };
}

/// The or-pattern of a family of ops with named fields, ordinary and chained forms, each
/// binding field `$f`.
macro_rules! both_fields {
    ($f:ident; $($op:ident => $r:ident),*) => { $(Op::$op { $f, .. } | Op::$r { $f, .. })|* };
}

/// The or-pattern of a family's ordinary forms, each binding `$x` (an identifier or `_`).
macro_rules! ordinary {
    ($x:tt; $($op:ident => $r:ident),*) => { $(Op::$op($x))|* };
}

/// The or-pattern of a family's chained forms, each binding `$x`.
macro_rules! chained {
    ($x:tt; $($op:ident => $r:ident),*) => { $(Op::$r($x))|* };
}

/// The or-pattern of a family's ordinary and chained forms, each binding `$x`.
macro_rules! both {
    ($x:tt; $($op:ident => $r:ident),*) => { $(Op::$op($x) | Op::$r($x))|* };
}

pub(crate) use {both, br_forms, br_imm_forms};

/// The slot whose value op `op` leaves in the result register when the next op runs, if it is
/// one of the ops that end by writing their result.
pub(crate) fn result(op: &Op) -> Option<Reg> {
    let r = match *op {
        bin_forms!(both!(x)) | bin_second_forms!(chained!(x)) => x.d,
        bin_imm_forms!(both!(x)) => x.d,
        field_forms!(both_fields!(d)) | Op::FMulAddRc { d, .. } => d,
        Op::FUn { op: FUn::Neg | FUn::Abs | FUn::Sqrt, d, .. } => d,
        Op::Conv { k: Conv::SiToF64, bits: 32 | 64, d, .. }
        | Op::Conv { k: Conv::F32ToF64 | Conv::F64ToF32 | Conv::UiToF32 | Conv::UiToF64, d, .. } => d,
        load_forms!(both!(x)) => x.v,
        indexed_load_forms!(both!(x)) => x.v,
        // Made only for the kinds listed above (`chained_form`).
        Op::FUnR { d, .. } | Op::ConvR { d, .. } => d,
        _ => return None,
    };
    Some(r)
}

/// Call `f` on every slot that `op`, one of the ordinary forms of [`result`], reads.
pub(crate) fn for_each_read(op: &Op, mut f: impl FnMut(Reg)) {
    match *op {
        Op::Mov { s, .. } => f(s),
        Op::Select { c, a, b, .. } => [c, a, b].into_iter().for_each(f),
        bin_forms!(ordinary!(x)) => [x.a, x.b].into_iter().for_each(f),
        bin_imm_forms!(ordinary!(x)) => f(x.a),
        Op::LShrAndI { a, .. }
        | Op::Cmp32I { a, .. }
        | Op::Cmp64I { a, .. }
        | Op::Trunc { a, .. }
        | Op::Trunc32 { a, .. }
        | Op::Sext { a, .. }
        | Op::Sext32To64 { a, .. } => f(a),
        // The constants of a division by a constant: all four, more than each of them reads.
        Op::UDivC { a, k, .. } | Op::URemC { a, k, .. } | Op::SDivC { a, k, .. } | Op::SRemC { a, k, .. } => {
            f(a);
            (0..4).for_each(|i| f(k.at(i)))
        }
        Op::Cmp32 { a, b, .. } | Op::Cmp64 { a, b, .. } | Op::FCmp { a, b, .. } => [a, b].into_iter().for_each(f),
        Op::FMulAdd { a, b, c, .. } => [a, b, c].into_iter().for_each(f),
        Op::FUn { a, .. } | Op::Conv { a, .. } => f(a),
        Op::Gep { p, i, .. } | Op::Gep32 { p, i, .. } => [p, i].into_iter().for_each(f),
        load_forms!(ordinary!(x)) => f(x.p),
        indexed_load_forms!(ordinary!(x)) => [x.p, x.i].into_iter().for_each(f),
        _ => {}
    }
}
/// Whether op `op` of [`result`] can stop the run (a load from a bad address, a division by
/// zero): two such ops keep their order.
pub(crate) fn may_fault(op: &Op) -> bool {
    matches!(
        op,
        Op::SDiv32(_)
            | Op::SRem32(_)
            | Op::UDiv32(_)
            | Op::URem32(_)
            | Op::SDiv64(_)
            | Op::SRem64(_)
            | Op::UDiv64(_)
            | Op::URem64(_)
            | load_forms!(ordinary!(_))
            | indexed_load_forms!(ordinary!(_))
    )
}

/// The form of `op` that takes an operand from the result register, if `op` reads slot `prev`
/// (the result of the op before it) where it has one (module doc).
pub(crate) fn chained_form(op: &Op, prev: Reg) -> Option<Op> {
    const R: Reg = Reg::RESULT;
    // `$op` reading `prev` as its operand `$f` becomes `$r` (a family's table gives the pairs).
    macro_rules! forms {
        ($f:ident; $($op:ident => $r:ident),*) => {
            match *op {
                $(Op::$op(mut x) if x.$f == prev => {
                    x.$f = R;
                    return Some(Op::$r(x));
                })*
                _ => {}
            }
        };
    }
    // `$op` reading `prev` as its second operand becomes `$r` (the same operation, or the
    // mirrored compare) with its operands swapped.
    macro_rules! swapped {
        ($($op:ident => $r:ident),* $(,)?) => {
            match *op {
                $(Op::$op(mut x) if x.b == prev => {
                    (x.a, x.b) = (R, x.a);
                    return Some(Op::$r(x));
                })*
                _ => {}
            }
        };
    }
    bin_imm_forms!(forms!(a));
    bin_forms!(forms!(a));
    br_forms!(forms!(a));
    br_imm_forms!(forms!(a));
    bin_second_forms!(forms!(b));
    swapped!(
        Add32 => Add32R, Mul32 => Mul32R, Add64 => Add64R, Mul64 => Mul64R,
        And64 => And64R, Or64 => Or64R, Xor64 => Xor64R, FAdd32 => FAdd32R,
        FMul32 => FMul32R, FAdd64 => FAdd64R, FMul64 => FMul64R, BrEq32 => BrEq32R,
        BrNe32 => BrNe32R, BrSlt32 => BrSgt32R, BrSle32 => BrSge32R, BrSgt32 => BrSlt32R,
        BrSge32 => BrSle32R, BrUlt32 => BrUgt32R, BrUle32 => BrUge32R, BrUgt32 => BrUlt32R,
        BrUge32 => BrUle32R, BrEq64 => BrEq64R, BrNe64 => BrNe64R, BrSlt64 => BrSgt64R,
        BrSle64 => BrSge64R, BrSgt64 => BrSlt64R, BrSge64 => BrSle64R, BrUlt64 => BrUgt64R,
        BrUle64 => BrUge64R, BrUgt64 => BrUlt64R, BrUge64 => BrUle64R,
    );
    indexed_load_forms!(forms!(i));
    load_forms!(forms!(p));
    Some(match *op {
        Op::Mov { d, s } if s == prev => Op::MovR { d, s: R },
        Op::Select { d, c, a, b } if c == prev => Op::SelectR { d, c: R, a, b },
        Op::LShrAndI { d, a, sh, mask } if a == prev => Op::LShrAndIR { d, a: R, sh, mask },
        Op::UDivC { d, a, k } if a == prev => Op::UDivCR { d, a: R, k },
        Op::URemC { d, a, k } if a == prev => Op::URemCR { d, a: R, k },
        Op::SDivC { bits, d, a, k } if a == prev => Op::SDivCR { bits, d, a: R, k },
        Op::SRemC { bits, d, a, k } if a == prev => Op::SRemCR { bits, d, a: R, k },
        Op::Cmp32 { p, d, a, b } if a == prev => Op::Cmp32R { p, d, a: R, b },
        Op::Cmp64 { p, d, a, b } if a == prev => Op::Cmp64R { p, d, a: R, b },
        Op::Cmp32I { p, d, a, imm } if a == prev => Op::Cmp32IR { p, d, a: R, imm },
        Op::Cmp64I { p, d, a, imm } if a == prev => Op::Cmp64IR { p, d, a: R, imm },
        Op::Trunc { d, a, bits } if a == prev => Op::TruncR { d, a: R, bits },
        Op::Trunc32 { d, a } if a == prev => Op::Trunc32R { d, a: R },
        Op::Sext { d, a, from, to } if a == prev => Op::SextR { d, a: R, from, to },
        Op::Sext32To64 { d, a } if a == prev => Op::Sext32To64R { d, a: R },
        Op::FMulAdd { dbl, d, a, b, c } if a == prev => Op::FMulAddR { dbl, d, a: R, b, c },
        Op::FMulAdd { dbl, d, a, b, c } if b == prev => Op::FMulAddR { dbl, d, a: R, b: a, c },
        Op::FMulAdd { dbl, d, a, b, c } if c == prev => Op::FMulAddRc { dbl, d, a, b, c: R },
        // Only the kinds the loop runs inline have a chained form.
        Op::FUn { op: op @ (FUn::Neg | FUn::Abs | FUn::Sqrt), dbl, d, a } if a == prev => Op::FUnR { op, dbl, d, a: R },
        Op::FCmp { p, dbl, d, a, b } if a == prev => Op::FCmpR { p, dbl, d, a: R, b },
        Op::Conv { k, bits, d, a } if a == prev && result(op).is_some() => Op::ConvR { k, bits, d, a: R },
        Op::Gep { d, p, i, scale, off } if i == prev => Op::GepR { d, p, i: R, scale, off },
        Op::Gep32 { d, p, i, scale, off } if i == prev => Op::Gep32R { d, p, i: R, scale, off },
        Op::Br { c, t, f, ctr } if c == prev => Op::BrR { c: R, t, f, ctr },
        _ => return None,
    })
}
