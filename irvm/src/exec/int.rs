//! Integer semantics: the generic-width forms (any width <= 64, and 65..=128 in two slots),
//! comparisons, and the integer intrinsics. The i32/i64 fast paths are inline in the loop.

use crate::consts::mask;
use crate::isa::{IBin, IBin2, IPred, IUn};

/// Sign-extend the low `bits` of `v` to 64 bits.
#[inline(always)]
pub(crate) fn sext(v: u64, bits: u32) -> i64 {
    if bits == 0 || bits >= 64 { v as i64 } else { ((v << (64 - bits)) as i64) >> (64 - bits) }
}

#[inline(always)]
pub(crate) fn sext128(v: u128, bits: u32) -> i128 {
    if bits == 0 || bits >= 128 { v as i128 } else { ((v << (128 - bits)) as i128) >> (128 - bits) }
}

#[inline(always)]
pub(crate) fn mask128(bits: u32) -> u128 {
    if bits >= 128 { u128::MAX } else { (1u128 << bits) - 1 }
}

/// Integer division by zero or signed overflow: native code would fault.
#[derive(Debug, Clone, Copy)]
pub(crate) struct DivFault;

/// One definition of the binary integer operators for the two representations of the generic
/// forms: `$name(op, bits, a, b)` is `a op b` on `bits`-wide integers held zero-extended in `$u`
/// (signed ops see them through `$sext`, the result is cut by `$mask`). `$shift(b, bits)` is the
/// shift amount (an out-of-range shift is poison in LLVM; each width keeps the reduction it has
/// always used).
macro_rules! int_binary {
    ($(#[$doc:meta])* $name:ident, $u:ty, $sext:ident, $mask:ident, $shift:expr) => {
        $(#[$doc])*
        pub(crate) fn $name(op: IBin, bits: u32, a: $u, b: $u) -> Result<$u, DivFault> {
            let (sa, sb) = ($sext(a, bits), $sext(b, bits));
            let sh: u32 = $shift(b, bits);
            let r = match op {
                IBin::Add => a.wrapping_add(b),
                IBin::Sub => a.wrapping_sub(b),
                IBin::Mul => a.wrapping_mul(b),
                IBin::And => a & b,
                IBin::Or => a | b,
                IBin::Xor => a ^ b,
                IBin::Shl => a.wrapping_shl(sh),
                IBin::LShr => a.wrapping_shr(sh),
                IBin::AShr => sa.wrapping_shr(sh) as $u,
                IBin::UDiv | IBin::URem if b == 0 => return Err(DivFault),
                IBin::UDiv => a / b,
                IBin::URem => a % b,
                IBin::SDiv | IBin::SRem if sb == 0 || (sb == -1 && sa == $sext(1 << (bits - 1), bits)) => {
                    return Err(DivFault);
                }
                IBin::SDiv => sa.wrapping_div(sb) as $u,
                IBin::SRem => sa.wrapping_rem(sb) as $u,
            };
            Ok(r & $mask(bits))
        }
    };
}

int_binary!(
    /// `a op b` on `bits`-wide integers (<= 64) held zero-extended in u64.
    int_n, u64, sext, mask, |b: u64, bits: u32| (b as u32) % bits.max(1)
);
int_binary!(
    /// `a op b` on `bits`-wide integers (65..=128) held zero-extended in u128.
    int_w, u128, sext128, mask128, |b: u128, bits: u32| (b % u128::from(bits)) as u32
);

/// An integer comparison: `$p` on the unsigned values `$ua`, `$ub` and the signed `$sa`, `$sb`
/// (one definition for every width).
macro_rules! int_compare {
    ($p:expr, $ua:expr, $ub:expr, $sa:expr, $sb:expr) => {{
        let (ua, ub, sa, sb) = ($ua, $ub, $sa, $sb);
        match $p {
            IPred::Eq => ua == ub,
            IPred::Ne => ua != ub,
            IPred::Ugt => ua > ub,
            IPred::Uge => ua >= ub,
            IPred::Ult => ua < ub,
            IPred::Ule => ua <= ub,
            IPred::Sgt => sa > sb,
            IPred::Sge => sa >= sb,
            IPred::Slt => sa < sb,
            IPred::Sle => sa <= sb,
        }
    }};
}

/// Truth table of each predicate over (eq, unsigned less, signed less): bit `eq | ult << 1 | slt << 2`.
const TRUTH: [u8; 10] = {
    let mut t = [0u8; 10];
    let mut k = 0;
    while k < 8 {
        let (eq, ult, slt) = (k & 1 != 0, k & 2 != 0, k & 4 != 0);
        let vals = [eq, !eq, !ult && !eq, !ult, ult, ult || eq, !slt && !eq, !slt, slt, slt || eq];
        let mut p = 0;
        while p < 10 {
            if vals[p] {
                t[p] |= 1 << k;
            }
            p += 1;
        }
        k += 1;
    }
    t
};

/// Compare without branching on the predicate (for the fused branch ops, where a jump table on
/// `p` would be a second indirect branch per op).
#[inline(always)]
pub(crate) fn cmp_flat(p: IPred, a: u64, b: u64) -> bool {
    let k = u32::from(a == b) | u32::from(a < b) << 1 | u32::from((a as i64) < (b as i64)) << 2;
    TRUTH[p as usize] >> k & 1 != 0
}

/// `cmp_flat` on i32 values.
#[inline(always)]
pub(crate) fn cmp32_flat(p: IPred, a: u64, b: u64) -> bool {
    let (a, b) = (a as u32, b as u32);
    let k = u32::from(a == b) | u32::from(a < b) << 1 | u32::from((a as i32) < (b as i32)) << 2;
    TRUTH[p as usize] >> k & 1 != 0
}

/// `cmp_flat` with `eq` (the latch of almost every loop clang -O2 emits: `icmp eq next, n`)
/// taken first by a well-predicted branch: one compare instead of three and a table lookup.
#[inline(always)]
pub(crate) fn cmp_eq_or_flat(p: IPred, a: u64, b: u64) -> bool {
    if p == IPred::Eq { a == b } else { cmp_flat(p, a, b) }
}

/// `cmp32_flat` with the `eq` case first (see `cmp_eq_or_flat`).
#[inline(always)]
pub(crate) fn cmp32_eq_or_flat(p: IPred, a: u64, b: u64) -> bool {
    if p == IPred::Eq { a as u32 == b as u32 } else { cmp32_flat(p, a, b) }
}

/// Compare (signed predicates see `a`/`b` as already sign-extended i64).
#[inline(always)]
pub(crate) fn cmp(p: IPred, a: u64, b: u64) -> bool {
    int_compare!(p, a, b, a as i64, b as i64)
}

/// Compare two i32 values (the reference `cmp32_flat` is tested against).
#[cfg_attr(not(test), allow(dead_code))]
#[inline(always)]
pub(crate) fn cmp32(p: IPred, a: u64, b: u64) -> bool {
    int_compare!(p, a as u32, b as u32, a as i32, b as i32)
}

/// Compare two `bits`-wide values (<= 64).
pub(crate) fn cmp_n(p: IPred, bits: u32, a: u64, b: u64) -> bool {
    match p {
        IPred::Sgt | IPred::Sge | IPred::Slt | IPred::Sle => cmp(p, sext(a, bits) as u64, sext(b, bits) as u64),
        _ => cmp(p, a, b),
    }
}

/// Compare two wide values.
pub(crate) fn cmp_w(p: IPred, bits: u32, a: u128, b: u128) -> bool {
    int_compare!(p, a, b, sext128(a, bits), sext128(b, bits))
}

/// One-operand integer intrinsics on a `bits`-wide value (<= 128).
pub(crate) fn iun(op: IUn, bits: u32, a: u128) -> u128 {
    let m = mask128(bits);
    let a = a & m;
    let r = match op {
        IUn::Ctpop => u128::from(a.count_ones()),
        IUn::Ctlz => u128::from(a.leading_zeros() - (128 - bits)),
        IUn::Cttz => u128::from(if a == 0 { bits } else { a.trailing_zeros() }),
        IUn::Bswap => a.swap_bytes() >> (128 - bits),
        IUn::BitReverse => a.reverse_bits() >> (128 - bits),
        IUn::Abs => sext128(a, bits).unsigned_abs(),
    };
    r & m
}

/// Two-operand integer intrinsics; returns (value, overflow flag) for the `*O` forms.
pub(crate) fn ibin2(op: IBin2, bits: u32, a: u128, b: u128) -> (u128, bool) {
    let m = mask128(bits);
    let (sa, sb) = (sext128(a, bits), sext128(b, bits));
    let smax = (m >> 1) as i128;
    let smin = -smax - 1;
    let clamp_s = |v: i128| v.clamp(smin, smax) as u128 & m;

    match op {
        IBin2::SMin => (if sa < sb { a } else { b }, false),
        IBin2::SMax => (if sa > sb { a } else { b }, false),
        IBin2::UMin => (a.min(b), false),
        IBin2::UMax => (a.max(b), false),
        IBin2::SAddSat => (clamp_s(sa.saturating_add(sb)), false),
        IBin2::SSubSat => (clamp_s(sa.saturating_sub(sb)), false),
        IBin2::UAddSat => (a.saturating_add(b).min(m), false),
        IBin2::USubSat => (a.saturating_sub(b), false),
        IBin2::SShlSat => {
            let sh = b as u32;
            if sh >= bits {
                (if sa == 0 { 0 } else { clamp_s(if sa < 0 { i128::MIN } else { i128::MAX }) }, false)
            } else {
                let r = sext128(a.wrapping_shl(sh) & m, bits);
                if r >> sh == sa {
                    (r as u128 & m, false)
                } else {
                    (clamp_s(if sa < 0 { i128::MIN } else { i128::MAX }), false)
                }
            }
        }
        IBin2::UShlSat => {
            let sh = b as u32;
            let r = a.checked_shl(sh).unwrap_or(0) & m;
            if sh < bits && r >> sh == a {
                (r, false)
            } else if a == 0 {
                (0, false)
            } else {
                (m, false)
            }
        }
        IBin2::SAddO => {
            let r = sa.wrapping_add(sb);
            (r as u128 & m, sext128(r as u128 & m, bits) != r)
        }
        IBin2::SSubO => {
            let r = sa.wrapping_sub(sb);
            (r as u128 & m, sext128(r as u128 & m, bits) != r)
        }
        IBin2::UAddO => {
            let (r, o) = a.overflowing_add(b);
            (r & m, o || r > m)
        }
        IBin2::USubO => (a.wrapping_sub(b) & m, b > a),
        IBin2::SMulO => match sa.checked_mul(sb) {
            Some(r) => (r as u128 & m, sext128(r as u128 & m, bits) != r),
            None => (sa.wrapping_mul(sb) as u128 & m, true),
        },
        IBin2::UMulO => match a.checked_mul(b) {
            Some(r) => (r & m, r > m),
            None => (a.wrapping_mul(b) & m, true),
        },
    }
}

/// Funnel shift of `bits`-wide values (<= 64).
pub(crate) fn fsh(left: bool, bits: u32, a: u64, b: u64, c: u64) -> u64 {
    let m = mask(bits);
    let sh = (c % u64::from(bits)) as u32;
    let wide = (u128::from(a & m) << bits) | u128::from(b & m);
    let r = if left { (wide << sh) >> bits } else { wide >> sh };
    (r as u64) & m
}

/// Multiplier and shift for unsigned division by `d` >= 2 (Granlund-Montgomery, round up):
/// with l = ceil(log2 d), m = floor(2^64 (2^l - d) / d) + 1, and
/// q = (t + ((a - t) >> 1)) >> (l - 1) where t = mulhi(m, a); exact for every u64 `a`.
pub(crate) fn udiv_magic(d: u64) -> (u64, u64) {
    let l = 64 - (d - 1).leading_zeros();
    let m = ((1u128 << 64) * ((1u128 << l) - u128::from(d))) / u128::from(d) + 1;
    (m as u64, u64::from(l - 1))
}

/// a / d with `udiv_magic(d)` = (m, s).
#[inline(always)]
pub(crate) fn udivc(a: u64, m: u64, s: u64) -> u64 {
    let t = ((u128::from(m) * u128::from(a)) >> 64) as u64;
    (t + ((a - t) >> 1)) >> s
}

/// Signed division (toward zero) of `a` by `d` using the magic of |d|.
#[inline(always)]
pub(crate) fn sdivc(a: i64, m: u64, s: u64, d: i64) -> i64 {
    let q = udivc(a.unsigned_abs(), m, s) as i64;
    if (a < 0) != (d < 0) { q.wrapping_neg() } else { q }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flat_compare_matches_cmp() {
        let vals = [0u64, 1, 2, u64::MAX, 1 << 63, (1 << 63) - 1, 0xffff_ffff, 0x8000_0000, 0x7fff_ffff];
        let preds = IPred::ALL;
        for &a in &vals {
            for &b in &vals {
                for &p in &preds {
                    assert_eq!(cmp_flat(p, a, b), cmp(p, a, b), "{p:?} {a:#x} {b:#x}");
                    assert_eq!(cmp32_flat(p, a, b), cmp32(p, a, b), "{p:?} {a:#x} {b:#x} (i32)");
                }
            }
        }
    }

    #[test]
    fn division_by_constants() {
        let mut x = 0x9E37_79B9_7F4A_7C15u64;
        let divisors = [
            3u64,
            5,
            7,
            10,
            13,
            641,
            1_000_000_007,
            0xffff_ffff,
            u64::MAX,
            u64::MAX / 3,
            1 << 40,
            (1 << 63) + 1,
            6,
            12,
        ];
        for &d in &divisors {
            let (m, s) = udiv_magic(d);
            for k in 0..2000u64 {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                let a = match k % 4 {
                    0 => x,
                    1 => x >> 32,
                    2 => u64::MAX - k,
                    _ => k,
                };
                assert_eq!(udivc(a, m, s), a / d, "{a} / {d}");
                let sa = a as i64;
                for sd in [d as i64, -(d as i64)] {
                    if sd == 0 || sd == -1 {
                        continue;
                    }
                    if sd.unsigned_abs() >= 2 {
                        let (m2, s2) = udiv_magic(sd.unsigned_abs());
                        assert_eq!(sdivc(sa, m2, s2, sd), sa.wrapping_div(sd), "{sa} / {sd}");
                    }
                }
            }
        }
    }
}
