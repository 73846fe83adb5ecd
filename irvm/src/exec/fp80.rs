//! x86_fp80 (`long double`) on the x87 unit: a value is two slots holding its 10 bytes
//! (64-bit significand, then sign and exponent), and each operation loads, computes and stores
//! with x87 instructions, so results are bit-identical to native code. The x87 stack is left
//! empty after every helper; the control word is restored after rounding-mode changes.

use crate::isa::{F80Conv, FBin, FPred, FUn};
use std::arch::asm;

macro_rules! x87 {
    ($($t:tt)*) => {
        asm!($($t)*, out("st(0)") _, out("st(1)") _, out("st(2)") _, out("st(3)") _, out("st(4)") _,
             out("st(5)") _, out("st(6)") _, out("st(7)") _, options(nostack))
    };
}

/// `d = a op b` for add, sub, mul, div and rem.
///
/// # Safety
/// `d`, `a`, `b` point at two-slot fp80 values.
pub(crate) unsafe fn bin(op: FBin, d: *mut u64, a: *const u64, b: *const u64) -> bool {
    // SAFETY: the asm reads a and b, writes d (caller's contract) and leaves the x87 stack empty.
    unsafe {
        match op {
            FBin::Add => {
                x87!("fld tbyte ptr [{b}]", "fld tbyte ptr [{a}]", "fadd st(0), st(1)", "fstp tbyte ptr [{d}]", "fstp st(0)", a = in(reg) a, b = in(reg) b, d = in(reg) d)
            }
            FBin::Sub => {
                x87!("fld tbyte ptr [{b}]", "fld tbyte ptr [{a}]", "fsub st(0), st(1)", "fstp tbyte ptr [{d}]", "fstp st(0)", a = in(reg) a, b = in(reg) b, d = in(reg) d)
            }
            FBin::Mul => {
                x87!("fld tbyte ptr [{b}]", "fld tbyte ptr [{a}]", "fmul st(0), st(1)", "fstp tbyte ptr [{d}]", "fstp st(0)", a = in(reg) a, b = in(reg) b, d = in(reg) d)
            }
            FBin::Div => {
                x87!("fld tbyte ptr [{b}]", "fld tbyte ptr [{a}]", "fdiv st(0), st(1)", "fstp tbyte ptr [{d}]", "fstp st(0)", a = in(reg) a, b = in(reg) b, d = in(reg) d)
            }
            FBin::Rem => x87!(
                "fld tbyte ptr [{b}]", "fld tbyte ptr [{a}]",
                "2:", "fprem", "fnstsw ax", "test ah, 4", "jnz 2b",
                "fstp tbyte ptr [{d}]", "fstp st(0)",
                a = in(reg) a, b = in(reg) b, d = in(reg) d, out("ax") _),
            _ => return false,
        }
        clean(d);
    }
    true
}

/// Zero the 6 padding bytes after a stored fp80 (slots stay canonical).
unsafe fn clean(d: *mut u64) {
    // SAFETY: the second slot of a two-slot value.
    unsafe { *d.add(1) &= 0xffff };
}

/// Round with x87 rounding control `rc` (0 nearest, 1 down, 2 up, 3 toward zero).
unsafe fn rndint(d: *mut u64, a: *const u64, rc: u16) {
    let mut cw = [0u16; 2];
    // SAFETY: reads a, writes d and the local control-word buffer; restores the control word.
    unsafe {
        x87!(
            "fnstcw word ptr [{cw}]",
            "mov {t:x}, word ptr [{cw}]",
            "and {t:x}, 0xF3FF",
            "or {t:x}, {rc:x}",
            "mov word ptr [{cw} + 2], {t:x}",
            "fldcw word ptr [{cw} + 2]",
            "fld tbyte ptr [{a}]",
            "frndint",
            "fstp tbyte ptr [{d}]",
            "fldcw word ptr [{cw}]",
            cw = in(reg) cw.as_mut_ptr(), t = out(reg) _, rc = in(reg) rc << 10, a = in(reg) a, d = in(reg) d
        );
        clean(d);
    }
}

/// One-operand operations; false if `op` is not supported on fp80.
///
/// # Safety
/// `d`, `a` point at two-slot fp80 values.
pub(crate) unsafe fn un(op: FUn, d: *mut u64, a: *const u64) -> bool {
    // SAFETY: as in `bin`.
    unsafe {
        match op {
            FUn::Neg => x87!("fld tbyte ptr [{a}]", "fchs", "fstp tbyte ptr [{d}]", a = in(reg) a, d = in(reg) d),
            FUn::Abs => x87!("fld tbyte ptr [{a}]", "fabs", "fstp tbyte ptr [{d}]", a = in(reg) a, d = in(reg) d),
            FUn::Sqrt => x87!("fld tbyte ptr [{a}]", "fsqrt", "fstp tbyte ptr [{d}]", a = in(reg) a, d = in(reg) d),
            FUn::RoundEven => rndint(d, a, 0),
            FUn::Floor => rndint(d, a, 1),
            FUn::Ceil => rndint(d, a, 2),
            FUn::Trunc => rndint(d, a, 3),
            FUn::Round => {
                // Ties away from zero: t = trunc(a); if |a - t| >= 0.5 then t + sign(a).
                let mut t = [0u64; 2];
                let mut diff = [0u64; 2];
                rndint(t.as_mut_ptr(), a, 3);
                bin(FBin::Sub, diff.as_mut_ptr(), a, t.as_ptr());
                let mut half = [0u64; 2];
                conv(F80Conv::FromF64, 0, half.as_mut_ptr(), &0.5f64.to_bits());
                let mut absd = [0u64; 2];
                x87!("fld tbyte ptr [{a}]", "fabs", "fstp tbyte ptr [{d}]", a = in(reg) diff.as_ptr(), d = in(reg) absd.as_mut_ptr());
                if cmp(FPred::Oge, absd.as_ptr(), half.as_ptr()) {
                    let neg = *a.add(1) & 0x8000 != 0;
                    let mut one = [0u64; 2];
                    conv(F80Conv::FromF64, 0, one.as_mut_ptr(), &(if neg { -1.0f64 } else { 1.0 }).to_bits());
                    bin(FBin::Add, d, t.as_ptr(), one.as_ptr());
                } else {
                    *d = t[0];
                    *d.add(1) = t[1];
                }
            }
            _ => return false,
        }
        clean(d);
    }
    true
}

/// An fcmp predicate on two fp80 values.
///
/// # Safety
/// `a`, `b` point at two-slot fp80 values.
pub(crate) unsafe fn cmp(p: FPred, a: *const u64, b: *const u64) -> bool {
    let (uno, below, equal): (u8, u8, u8);
    // SAFETY: reads a and b; the x87 stack is emptied by the pops.
    unsafe {
        x87!(
            "fld tbyte ptr [{b}]",
            "fld tbyte ptr [{a}]",
            "fucomip st, st(1)",
            "fstp st(0)",
            "setp {u}",
            "setb {l}",
            "sete {e}",
            a = in(reg) a, b = in(reg) b, u = out(reg_byte) uno, l = out(reg_byte) below, e = out(reg_byte) equal
        );
    }
    let uno = uno != 0;
    let (lt, eq) = (below != 0 && !uno, equal != 0 && !uno);
    let gt = !uno && !lt && !eq;
    match p {
        FPred::False => false,
        FPred::Oeq => eq,
        FPred::Ogt => gt,
        FPred::Oge => gt || eq,
        FPred::Olt => lt,
        FPred::Ole => lt || eq,
        FPred::One => lt || gt,
        FPred::Ord => !uno,
        FPred::Uno => uno,
        FPred::Ueq => uno || eq,
        FPred::Ugt => uno || gt,
        FPred::Uge => uno || gt || eq,
        FPred::Ult => uno || lt,
        FPred::Ule => uno || lt || eq,
        FPred::Une => uno || !eq,
        FPred::True => true,
    }
}

/// Conversions between fp80 and f32 / f64 / integers of `bits` <= 64 (held in a slot).
///
/// # Safety
/// `d` and `a` point at slots of the right sizes (two for the fp80 side).
pub(crate) unsafe fn conv(k: F80Conv, bits: u32, d: *mut u64, a: *const u64) {
    // SAFETY: each asm reads a and writes d per the conversion's sizes; the x87 stack ends empty.
    unsafe {
        match k {
            F80Conv::FromF32 => x87!("fld dword ptr [{a}]", "fstp tbyte ptr [{d}]", a = in(reg) a, d = in(reg) d),
            F80Conv::FromF64 => x87!("fld qword ptr [{a}]", "fstp tbyte ptr [{d}]", a = in(reg) a, d = in(reg) d),
            F80Conv::ToF32 => {
                *d = 0;
                x87!("fld tbyte ptr [{a}]", "fstp dword ptr [{d}]", a = in(reg) a, d = in(reg) d);
                return;
            }
            F80Conv::ToF64 => {
                x87!("fld tbyte ptr [{a}]", "fstp qword ptr [{d}]", a = in(reg) a, d = in(reg) d);
                return;
            }
            F80Conv::FromSi => {
                let v = super::int::sext(*a, bits);
                x87!("fild qword ptr [{a}]", "fstp tbyte ptr [{d}]", a = in(reg) &v, d = in(reg) d);
            }
            F80Conv::FromUi => {
                let v = *a & crate::consts::mask(bits);
                let two64 = 18446744073709551616.0f64;
                // fild reads it as signed; a set top bit means 2^64 must be added back.
                if v >> 63 != 0 {
                    x87!("fild qword ptr [{a}]", "fadd qword ptr [{c}]", "fstp tbyte ptr [{d}]", a = in(reg) &v, c = in(reg) &two64, d = in(reg) d);
                } else {
                    x87!("fild qword ptr [{a}]", "fstp tbyte ptr [{d}]", a = in(reg) &v, d = in(reg) d);
                }
            }
            F80Conv::ToSi | F80Conv::ToUi => {
                let mut out = 0i64;
                let two63 = 9223372036854775808.0f64;
                let mut big = 0u8;
                if k == F80Conv::ToUi && bits == 64 {
                    // x >= 2^63: convert x - 2^63 and set the top bit back.
                    x87!(
                        "fld qword ptr [{c}]", "fld tbyte ptr [{a}]", "fucomi st, st(1)", "setae {big}",
                        "jb 2f", "fsub st(0), st(1)", "2:", "fisttp qword ptr [{o}]", "fstp st(0)",
                        a = in(reg) a, c = in(reg) &two63, o = in(reg) &mut out, big = out(reg_byte) big
                    );
                } else {
                    x87!("fld tbyte ptr [{a}]", "fisttp qword ptr [{o}]", a = in(reg) a, o = in(reg) &mut out);
                }
                let v = if big != 0 { out as u64 ^ (1 << 63) } else { out as u64 };
                *d = v & crate::consts::mask(bits);
                return;
            }
        }
        clean(d);
    }
}

/// The slots of an fp80 constant printed by LLVM as `0xK<20 hex digits>`.
pub(crate) fn parse_const(text: &str) -> Option<[u64; 2]> {
    let hex = text.rsplit("0xK").next()?.get(..20)?;
    let se = u64::from_str_radix(&hex[..4], 16).ok()?;
    let man = u64::from_str_radix(&hex[4..], 16).ok()?;
    Some([man, se])
}
