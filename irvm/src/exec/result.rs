//! The result register: what the dispatch loop keeps of the last op's result besides its slot.
//!
//! Every slot write of the loop (`w!`) also leaves the value in a local of the loop, `acc`,
//! which stays in a machine register. An op whose operand is the result of the op dispatched
//! right before it can read that register instead of the slot: the value then reaches it without
//! going through memory, where a store and the load that follows it cost the processor's
//! store-to-load forwarding (four or five cycles) on every link of a dependency chain — most of
//! an interpreted op's time in code such as `(i + j) * (i + j + 1) / 2 + i + 1`. The slot is
//! written as before, for every other reader.
//!
//! The translator (`translate::chain`) marks such an operand as [`Reg::RESULT`] when the two ops
//! are consecutive in one block (the second is never a jump target) and this table says that
//! the first leaves its result in the register and that the second's handler reads that operand
//! with `rr!` (which checks for the mark: a branch, never a select, so that an op that does not
//! read the register does not wait for the one that wrote it). The table describes the handlers
//! of `exec::run_from`: an op listed in [`result`] runs in the loop and its last slot write is
//! the result it names, on every path that continues to the next op; an operand listed in
//! [`for_each_chainable`] is read with `rr!` by the op's handler in the loop. Anything run
//! out of the loop (`outside`, `slow`) is listed in neither.

use crate::isa::{Conv, FUn, Op, Reg};

// The ops of two slots (`Bin`): each writes its result `d` with `wr!` and reads both operands with
// `rr!` (`bin!` and the division handlers).
macro_rules! two_slots {
    ($x:ident) => {
        Op::Add32($x)
            | Op::Sub32($x)
            | Op::Mul32($x)
            | Op::Shl32($x)
            | Op::AShr32($x)
            | Op::LShr32($x)
            | Op::SDiv32($x)
            | Op::SRem32($x)
            | Op::UDiv32($x)
            | Op::URem32($x)
            | Op::Add64($x)
            | Op::Sub64($x)
            | Op::Mul64($x)
            | Op::Shl64($x)
            | Op::AShr64($x)
            | Op::LShr64($x)
            | Op::SDiv64($x)
            | Op::SRem64($x)
            | Op::UDiv64($x)
            | Op::URem64($x)
            | Op::And64($x)
            | Op::Or64($x)
            | Op::Xor64($x)
            | Op::FAdd32($x)
            | Op::FSub32($x)
            | Op::FMul32($x)
            | Op::FDiv32($x)
            | Op::FAdd64($x)
            | Op::FSub64($x)
            | Op::FMul64($x)
            | Op::FDiv64($x)
            | Op::FDivSi64($x)
    };
}

// The ops of a slot and an immediate (`BinI`, `bini!`): result `d`, operand `a`.
macro_rules! slot_imm {
    ($x:ident) => {
        Op::Add32I($x)
            | Op::Mul32I($x)
            | Op::Shl32I($x)
            | Op::AShr32I($x)
            | Op::And32I($x)
            | Op::Or32I($x)
            | Op::Xor32I($x)
            | Op::Add64I($x)
            | Op::Mul64I($x)
            | Op::Shl64I($x)
            | Op::AShr64I($x)
            | Op::And64I($x)
            | Op::Or64I($x)
            | Op::Xor64I($x)
            | Op::LShrI($x)
            | Op::CmpEq32I($x)
            | Op::CmpSgt32I($x)
            | Op::CmpEq64I($x)
            | Op::CmpNe64I($x)
            | Op::CmpUlt64I($x)
            | Op::AddSext32I($x)
    };
}

// The loads at a folded address (`MemX`, pairs included): result `v`, address `p + i * scale`.
macro_rules! indexed_loads {
    ($x:pat) => {
        Op::Load8X($x)
            | Op::Load16X($x)
            | Op::Load32X($x)
            | Op::Load64X($x)
            | Op::Load32X2($x)
            | Op::Load64X2($x)
            | Op::Load8XS($x)
            | Op::Load16XS($x)
            | Op::Load32XS($x)
            | Op::Load64XS($x)
    };
}

/// The slot whose value op `op` leaves in the result register when the next op runs, if it is
/// one of the ops that end by writing their result.
pub(crate) fn result(op: &Op) -> Option<Reg> {
    let r = match *op {
        Op::Mov { d, .. } | Op::Select { d, .. } => d,
        two_slots!(x) => x.d,
        slot_imm!(x) => x.d,
        Op::LShrAndI { d, .. }
        | Op::UDivC { d, .. }
        | Op::URemC { d, .. }
        | Op::SDivC { d, .. }
        | Op::SRemC { d, .. }
        | Op::Cmp32 { d, .. }
        | Op::Cmp64 { d, .. }
        | Op::Cmp32I { d, .. }
        | Op::Cmp64I { d, .. }
        | Op::Trunc { d, .. }
        | Op::Trunc32 { d, .. }
        | Op::Sext { d, .. }
        | Op::Sext32To64 { d, .. }
        | Op::FMulAdd { d, .. }
        | Op::FCmp { d, .. }
        | Op::Gep { d, .. }
        | Op::Gep32 { d, .. } => d,
        Op::FUn { op: FUn::Neg | FUn::Abs | FUn::Sqrt, d, .. } => d,
        Op::Conv { k: Conv::SiToF64, bits: 32 | 64, d, .. }
        | Op::Conv { k: Conv::F32ToF64 | Conv::F64ToF32 | Conv::UiToF32 | Conv::UiToF64, d, .. } => d,
        Op::Load8(x) | Op::Load16(x) | Op::Load32(x) | Op::Load64(x) => x.v,
        indexed_loads!(x) => x.v,
        _ => return None,
    };
    Some(r)
}

/// Call `f` on every slot that `op`, one of the ops of [`result`], reads (its chainable operands,
/// the base of an indexed load, the constants of a division by a constant).
pub(crate) fn for_each_read(op: &Op, mut f: impl FnMut(Reg)) {
    let mut o = *op;
    for_each_chainable(&mut o, |r| f(*r));
    match *op {
        indexed_loads!(x) => {
            f(x.p);
            // A pair's first op is not a chainable one.
            if matches!(op, Op::Load32X2(_) | Op::Load64X2(_)) {
                f(x.i);
            }
        }
        Op::UDivC { k, .. } | Op::URemC { k, .. } | Op::SDivC { k, .. } | Op::SRemC { k, .. } => {
            (0..4).for_each(|i| f(k.at(i)))
        }
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
            | Op::Load8(_)
            | Op::Load16(_)
            | Op::Load32(_)
            | Op::Load64(_)
            | indexed_loads!(_)
    )
}

/// Call `f` on each operand of `op` that its handler reads with `rr!` (so that may be
/// [`Reg::RESULT`]).
pub(crate) fn for_each_chainable(op: &mut Op, mut f: impl FnMut(&mut Reg)) {
    match op {
        Op::Mov { s, .. } => f(s),
        Op::Select { c, a, b, .. } => {
            f(c);
            f(a);
            f(b);
        }
        two_slots!(x) => {
            f(&mut x.a);
            f(&mut x.b);
        }
        slot_imm!(x) => f(&mut x.a),
        Op::LShrAndI { a, .. }
        | Op::UDivC { a, .. }
        | Op::URemC { a, .. }
        | Op::SDivC { a, .. }
        | Op::SRemC { a, .. }
        | Op::Cmp32I { a, .. }
        | Op::Cmp64I { a, .. }
        | Op::Trunc { a, .. }
        | Op::Trunc32 { a, .. }
        | Op::Sext { a, .. }
        | Op::Sext32To64 { a, .. } => f(a),
        Op::Cmp32 { a, b, .. } | Op::Cmp64 { a, b, .. } | Op::FCmp { a, b, .. } => {
            f(a);
            f(b);
        }
        Op::FMulAdd { a, b, c, .. } => {
            f(a);
            f(b);
            f(c);
        }
        Op::FUn { op: FUn::Neg | FUn::Abs | FUn::Sqrt, a, .. } => f(a),
        Op::Conv { k: Conv::SiToF64, bits: 32 | 64, a, .. }
        | Op::Conv { k: Conv::F32ToF64 | Conv::F64ToF32 | Conv::UiToF32 | Conv::UiToF64, a, .. } => f(a),
        Op::Gep { p, i, .. } | Op::Gep32 { p, i, .. } => {
            f(p);
            f(i);
        }
        Op::BrEq32(x)
        | Op::BrNe32(x)
        | Op::BrSlt32(x)
        | Op::BrSle32(x)
        | Op::BrSgt32(x)
        | Op::BrSge32(x)
        | Op::BrUlt32(x)
        | Op::BrUle32(x)
        | Op::BrUgt32(x)
        | Op::BrUge32(x)
        | Op::BrEq64(x)
        | Op::BrNe64(x)
        | Op::BrSlt64(x)
        | Op::BrSle64(x)
        | Op::BrSgt64(x)
        | Op::BrSge64(x)
        | Op::BrUlt64(x)
        | Op::BrUle64(x)
        | Op::BrUgt64(x)
        | Op::BrUge64(x) => f(&mut x.a),
        Op::BrEq32I(x)
        | Op::BrNe32I(x)
        | Op::BrSlt32I(x)
        | Op::BrSle32I(x)
        | Op::BrSgt32I(x)
        | Op::BrSge32I(x)
        | Op::BrUlt32I(x)
        | Op::BrUle32I(x)
        | Op::BrUgt32I(x)
        | Op::BrUge32I(x)
        | Op::BrEq64I(x)
        | Op::BrNe64I(x)
        | Op::BrSlt64I(x)
        | Op::BrSle64I(x)
        | Op::BrSgt64I(x)
        | Op::BrSge64I(x)
        | Op::BrUlt64I(x)
        | Op::BrUle64I(x)
        | Op::BrUgt64I(x)
        | Op::BrUge64I(x) => f(&mut x.a),
        Op::Br { c, .. } => f(c),
        Op::Load8(x) | Op::Load16(x) | Op::Load32(x) | Op::Load64(x) => f(&mut x.p),
        Op::Load8X(x)
        | Op::Load16X(x)
        | Op::Load32X(x)
        | Op::Load64X(x)
        | Op::Load8XS(x)
        | Op::Load16XS(x)
        | Op::Load32XS(x)
        | Op::Load64XS(x) => f(&mut x.i),
        _ => {}
    }
}
