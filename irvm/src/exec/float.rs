//! Floating-point semantics: binary and unary ops (arithmetic and math intrinsics, using the same
//! libm calls native code makes), comparisons, conversions and classification.

use crate::isa::{Conv, FBin, FPred, FUn};

#[inline(always)]
pub(crate) fn f32of(v: u64) -> f32 {
    f32::from_bits(v as u32)
}
#[inline(always)]
pub(crate) fn f64of(v: u64) -> f64 {
    f64::from_bits(v)
}
#[inline(always)]
pub(crate) fn of32(x: f32) -> u64 {
    u64::from(x.to_bits())
}
#[inline(always)]
pub(crate) fn of64(x: f64) -> u64 {
    x.to_bits()
}

/// IEEE 754-2019 minimum (`max` false) or maximum (LLVM's `llvm.minimum`/`llvm.maximum`): NaN
/// if either operand is NaN, and -0 below +0.
fn extremum64(a: f64, b: f64, max: bool) -> f64 {
    if a.is_nan() || b.is_nan() {
        f64::NAN
    } else if a == b {
        if a.is_sign_negative() != max { a } else { b }
    } else if max {
        a.max(b)
    } else {
        a.min(b)
    }
}

/// x * 2^e, exactly as C's ldexp.
fn ldexp64(x: f64, e: i32) -> f64 {
    let mut x = x;
    let mut e = e.clamp(-2200, 2200);
    while e > 1000 {
        x *= 2f64.powi(1000);
        e -= 1000;
    }
    while e < -1000 {
        x *= 2f64.powi(-1000);
        e += 1000;
        if x == 0.0 {
            return x;
        }
    }
    // Split so a subnormal result is rounded once.
    if e < -1022 {
        return x * 2f64.powi(e + 600) * 2f64.powi(-600);
    }
    x * 2f64.powi(e)
}

/// One definition of the binary (`$bin`) and unary (`$un`) operations for each float type; the
/// width-specific parts are arguments: minimum, maximum and ldexp (f32 computes them through f64,
/// which is exact) and how ldexp's exponent operand is read.
macro_rules! float_ops {
    ($bin:ident, $un:ident, $t:ty, minimum: $min:expr, maximum: $max:expr, ldexp: $ldexp:expr) => {
        pub(crate) fn $bin(op: FBin, a: $t, b: $t) -> $t {
            match op {
                FBin::Add => a + b,
                FBin::Sub => a - b,
                FBin::Mul => a * b,
                FBin::Div => a / b,
                FBin::Rem => a % b,
                FBin::MinNum => a.min(b),
                FBin::MaxNum => a.max(b),
                FBin::Minimum => $min(a, b),
                FBin::Maximum => $max(a, b),
                FBin::CopySign => a.copysign(b),
                FBin::Pow => a.powf(b),
                FBin::Atan2 => a.atan2(b),
                FBin::Ldexp => $ldexp(a, b),
            }
        }

        pub(crate) fn $un(op: FUn, a: $t) -> $t {
            match op {
                FUn::Neg => -a,
                FUn::Abs => a.abs(),
                FUn::Sqrt => a.sqrt(),
                FUn::Floor => a.floor(),
                FUn::Ceil => a.ceil(),
                FUn::Trunc => a.trunc(),
                FUn::Round => a.round(),
                FUn::RoundEven => a.round_ties_even(),
                FUn::Exp => a.exp(),
                FUn::Exp2 => a.exp2(),
                FUn::Exp10 => (10.0 as $t).powf(a),
                FUn::Log => a.ln(),
                FUn::Log2 => a.log2(),
                FUn::Log10 => a.log10(),
                FUn::Sin => a.sin(),
                FUn::Cos => a.cos(),
                FUn::Tan => a.tan(),
                FUn::Asin => a.asin(),
                FUn::Acos => a.acos(),
                FUn::Atan => a.atan(),
                FUn::Sinh => a.sinh(),
                FUn::Cosh => a.cosh(),
                FUn::Tanh => a.tanh(),
                FUn::Canonicalize => a,
            }
        }
    };
}

float_ops!(
    fbin64,
    fun64,
    f64,
    minimum: |a: f64, b: f64| extremum64(a, b, false),
    maximum: |a: f64, b: f64| extremum64(a, b, true),
    ldexp: |a: f64, b: f64| ldexp64(a, b as u32 as i32)
);
float_ops!(
    fbin32,
    fun32,
    f32,
    minimum: |a: f32, b: f32| extremum64(f64::from(a), f64::from(b), false) as f32,
    maximum: |a: f32, b: f32| extremum64(f64::from(a), f64::from(b), true) as f32,
    ldexp: |a: f32, b: f32| ldexp64(f64::from(a), b.to_bits() as i32) as f32
);

/// An LLVM fcmp predicate on two doubles (floats compare exactly as their f64 widening).
#[inline(always)]
pub(crate) fn fcmp(p: FPred, a: f64, b: f64) -> bool {
    let uno = a.is_nan() || b.is_nan();
    match p {
        FPred::False => false,
        FPred::Oeq => a == b,
        FPred::Ogt => a > b,
        FPred::Oge => a >= b,
        FPred::Olt => a < b,
        FPred::Ole => a <= b,
        FPred::One => !uno && a != b,
        FPred::Ord => !uno,
        FPred::Uno => uno,
        FPred::Ueq => uno || a == b,
        FPred::Ugt => uno || a > b,
        FPred::Uge => uno || a >= b,
        FPred::Ult => uno || a < b,
        FPred::Ule => uno || a <= b,
        FPred::Une => a != b,
        FPred::True => true,
    }
}

/// A scalar conversion; `bits` is the integer side's width (<= 64), `a` the raw source slot.
pub(crate) fn conv(k: Conv, bits: u32, a: u64) -> u64 {
    let m = crate::consts::mask(bits);
    let s = super::int::sext(a, bits);
    match k {
        Conv::SiToF32 => of32(s as f32),
        Conv::SiToF64 => of64(s as f64),
        Conv::UiToF32 => of32((a & m) as f32),
        Conv::UiToF64 => of64((a & m) as f64),
        Conv::F32ToSi => to_si(f64::from(f32of(a)), bits) & m,
        Conv::F64ToSi => to_si(f64of(a), bits) & m,
        Conv::F32ToUi => to_ui(f64::from(f32of(a)), bits) & m,
        Conv::F64ToUi => to_ui(f64of(a), bits) & m,
        Conv::F32ToF64 => of64(f64::from(f32of(a))),
        Conv::F64ToF32 => of32(f64of(a) as f32),
    }
}

/// fptosi as x86 does it (out of range gives the "integer indefinite" value).
fn to_si(x: f64, bits: u32) -> u64 {
    if bits <= 32 {
        if x.is_nan() || !(-2147483648.0..2147483648.0).contains(&x) { 0x8000_0000 } else { x as i32 as i64 as u64 }
    } else if x.is_nan() || !(-9.223_372_036_854_776e18..9.223_372_036_854_776e18).contains(&x) {
        1 << 63
    } else {
        x as i64 as u64
    }
}

fn to_ui(x: f64, bits: u32) -> u64 {
    if bits < 64 {
        to_si(x, bits.clamp(33, 64))
    } else if x >= 9.223_372_036_854_776e18 {
        (x - 9.223_372_036_854_776e18) as i64 as u64 ^ (1 << 63)
    } else {
        to_si(x, 64)
    }
}

/// Wide conversions (integer side 65..=128 bits).
pub(crate) fn conv_w(k: Conv, bits: u32, a: u128) -> u128 {
    let m = super::int::mask128(bits);
    let s = super::int::sext128(a, bits);
    match k {
        Conv::SiToF32 => u128::from((s as f32).to_bits()),
        Conv::SiToF64 => u128::from((s as f64).to_bits()),
        Conv::UiToF32 => u128::from(((a & m) as f32).to_bits()),
        Conv::UiToF64 => u128::from(((a & m) as f64).to_bits()),
        Conv::F32ToSi => (f32of(a as u64) as i128) as u128 & m,
        Conv::F64ToSi => (f64of(a as u64) as i128) as u128 & m,
        Conv::F32ToUi => (f32of(a as u64) as u128) & m,
        Conv::F64ToUi => (f64of(a as u64) as u128) & m,
        Conv::F32ToF64 | Conv::F64ToF32 => conv(k, 64, a as u64) as u128,
    }
}

/// llvm.is.fpclass: bit 0 sNaN, 1 qNaN, 2 -inf, 3 -normal, 4 -subnormal, 5 -0, 6 +0,
/// 7 +subnormal, 8 +normal, 9 +inf.
fn fpclass_bit(cat: std::num::FpCategory, neg: bool, snan: bool) -> u32 {
    use std::num::FpCategory::*;
    match (cat, neg) {
        (Nan, _) => u32::from(!snan),
        (Infinite, true) => 2,
        (Normal, true) => 3,
        (Subnormal, true) => 4,
        (Zero, true) => 5,
        (Zero, false) => 6,
        (Subnormal, false) => 7,
        (Normal, false) => 8,
        (Infinite, false) => 9,
    }
}

pub(crate) fn is_fpclass64(x: f64, mask: u32) -> bool {
    let snan = x.is_nan() && x.to_bits() & (1 << 51) == 0;
    mask & (1 << fpclass_bit(x.classify(), x.is_sign_negative(), snan)) != 0
}

pub(crate) fn is_fpclass32(x: f32, mask: u32) -> bool {
    let snan = x.is_nan() && x.to_bits() & (1 << 22) == 0;
    mask & (1 << fpclass_bit(x.classify(), x.is_sign_negative(), snan)) != 0
}

/// Round `x` (exactly representable as f64) to IEEE half, to nearest even.
pub(crate) fn f64_to_half(x: f64) -> u16 {
    let bits = x.to_bits();
    let sign = ((bits >> 48) & 0x8000) as u16;
    let exp = ((bits >> 52) & 0x7ff) as i32;
    let man = bits & ((1u64 << 52) - 1);
    if exp == 0x7ff {
        return sign | 0x7c00 | if man != 0 { 0x200 | ((man >> 42) as u16 & 0x3ff) } else { 0 };
    }
    if exp == 0 {
        return sign; // f64 subnormals are far below half's range
    }
    let e = exp - 1023 + 15;
    if e >= 31 {
        return sign | 0x7c00;
    }
    // Significand with its implicit bit, and how far to shift it to 10 (or fewer) fraction bits.
    let m = man | (1u64 << 52);
    let (shift, base) = if e <= 0 { (42 + 1 - e, 0u64) } else { (42, (e as u64) << 10) };
    if shift > 63 {
        return sign;
    }
    let kept = m >> shift;
    let rest = m & ((1u64 << shift) - 1);
    let half = 1u64 << (shift - 1);
    let round_up = rest > half || (rest == half && kept & 1 == 1);
    let frac = if e <= 0 { kept } else { kept & 0x3ff };
    // A carry out of the fraction bumps the exponent (and may give infinity), as it should.
    sign | (base + frac + u64::from(round_up)) as u16
}

/// IEEE half to double (exact).
pub(crate) fn half_to_f64(h: u16) -> f64 {
    let sign = if h & 0x8000 != 0 { -1.0 } else { 1.0 };
    let exp = i32::from((h >> 10) & 0x1f);
    let frac = f64::from(h & 0x3ff);
    match exp {
        0 => sign * frac * 2f64.powi(-24),
        31 if frac == 0.0 => sign * f64::INFINITY,
        31 => f64::from_bits(((u64::from(h) & 0x8000) << 48) | 0x7ff8_0000_0000_0000 | (u64::from(h & 0x1ff) << 42)),
        _ => sign * (1.0 + frac / 1024.0) * 2f64.powi(exp - 15),
    }
}
