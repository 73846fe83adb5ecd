//! Integers wider than 128 bits (up to 255, e.g. the i136/i144 that wide bitfields produce): four
//! little-endian u64 limbs, with the usual two's-complement operations truncated to the width.

use crate::isa::{IBin, IPred};

/// A value of at most 256 bits.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub(crate) struct Big(pub [u64; 4]);

const LIMBS: usize = 4;

impl Big {
    /// Read the `ceil(bits/64)` slots at `p`.
    ///
    /// # Safety
    /// `p` points at that many slots.
    pub(crate) unsafe fn load(p: *const u64, bits: u32) -> Big {
        let mut b = Big::default();
        for k in 0..(bits as usize).div_ceil(64) {
            // SAFETY: k < ceil(bits/64), the number of slots `p` points at (# Safety).
            b.0[k] = unsafe { *p.add(k) };
        }
        b.masked(bits)
    }

    /// Write the value's `ceil(bits/64)` slots to `p`.
    ///
    /// # Safety
    /// `p` points at that many slots.
    pub(crate) unsafe fn store(self, p: *mut u64, bits: u32) {
        let v = self.masked(bits);
        for k in 0..(bits as usize).div_ceil(64) {
            // SAFETY: k < ceil(bits/64), the number of writable slots `p` points at (# Safety).
            unsafe { *p.add(k) = v.0[k] };
        }
    }

    pub(crate) fn from_u64(v: u64) -> Big {
        Big([v, 0, 0, 0])
    }

    /// Keep the low `bits` bits.
    pub(crate) fn masked(mut self, bits: u32) -> Big {
        for k in 0..LIMBS {
            let lo = 64 * k as u32;
            if bits <= lo {
                self.0[k] = 0;
            } else if bits < lo + 64 {
                self.0[k] &= (1u64 << (bits - lo)) - 1;
            }
        }
        self
    }

    fn bit(&self, i: u32) -> bool {
        (self.0[(i / 64) as usize] >> (i % 64)) & 1 != 0
    }

    /// Sign-extend from `bits` to the full 256 bits.
    pub(crate) fn sext(self, bits: u32) -> Big {
        if bits == 0 || bits >= 256 || !self.bit(bits - 1) {
            return self.masked(bits);
        }
        let mut v = self;
        for k in 0..LIMBS {
            let lo = 64 * k as u32;
            if bits <= lo {
                v.0[k] = u64::MAX;
            } else if bits < lo + 64 {
                v.0[k] |= !((1u64 << (bits - lo)) - 1);
            }
        }
        v
    }

    fn add(self, o: Big) -> Big {
        let mut r = Big::default();
        let mut carry = false;
        for k in 0..LIMBS {
            let (s1, c1) = self.0[k].overflowing_add(o.0[k]);
            let (s2, c2) = s1.overflowing_add(u64::from(carry));
            r.0[k] = s2;
            carry = c1 || c2;
        }
        r
    }

    fn not(self) -> Big {
        Big(self.0.map(|x| !x))
    }

    fn neg(self) -> Big {
        self.not().add(Big::from_u64(1))
    }

    fn shl(self, n: u32) -> Big {
        let mut r = Big::default();
        for i in 0..256u32 {
            if i >= n && self.bit(i - n) {
                r.0[(i / 64) as usize] |= 1 << (i % 64);
            }
        }
        r
    }

    fn shr(self, n: u32, fill: bool) -> Big {
        let mut r = Big::default();
        for i in 0..256u32 {
            let src = i + n;
            let b = if src < 256 { self.bit(src) } else { fill };
            if b {
                r.0[(i / 64) as usize] |= 1 << (i % 64);
            }
        }
        r
    }

    fn mul(self, o: Big) -> Big {
        let mut r = [0u64; LIMBS];
        for i in 0..LIMBS {
            let mut carry = 0u128;
            for j in 0..LIMBS - i {
                let t = u128::from(self.0[i]) * u128::from(o.0[j]) + u128::from(r[i + j]) + carry;
                r[i + j] = t as u64;
                carry = t >> 64;
            }
        }
        Big(r)
    }

    fn ult(self, o: Big) -> bool {
        for k in (0..LIMBS).rev() {
            if self.0[k] != o.0[k] {
                return self.0[k] < o.0[k];
            }
        }
        false
    }

    fn is_zero(&self) -> bool {
        self.0.iter().all(|&x| x == 0)
    }

    /// Unsigned (quotient, remainder).
    fn udivrem(self, d: Big) -> (Big, Big) {
        let mut q = Big::default();
        let mut r = Big::default();
        for i in (0..256u32).rev() {
            r = r.shl(1);
            if self.bit(i) {
                r.0[0] |= 1;
            }
            if !r.ult(d) {
                r = r.add(d.neg());
                q.0[(i / 64) as usize] |= 1 << (i % 64);
            }
        }
        (q, r)
    }
}

/// `a op b` on `bits`-wide values; None on division by zero.
pub(crate) fn int_big(op: IBin, bits: u32, a: Big, b: Big) -> Option<Big> {
    let sh = if b.0[1..].iter().any(|&x| x != 0) { bits } else { (b.0[0] % u64::from(bits)) as u32 };
    let r = match op {
        IBin::Add => a.add(b),
        IBin::Sub => a.add(b.neg()),
        IBin::Mul => a.mul(b),
        IBin::And => Big([a.0[0] & b.0[0], a.0[1] & b.0[1], a.0[2] & b.0[2], a.0[3] & b.0[3]]),
        IBin::Or => Big([a.0[0] | b.0[0], a.0[1] | b.0[1], a.0[2] | b.0[2], a.0[3] | b.0[3]]),
        IBin::Xor => Big([a.0[0] ^ b.0[0], a.0[1] ^ b.0[1], a.0[2] ^ b.0[2], a.0[3] ^ b.0[3]]),
        IBin::Shl => a.shl(sh),
        IBin::LShr => a.masked(bits).shr(sh, false),
        IBin::AShr => {
            let s = a.sext(bits);
            s.shr(sh, s.bit(255))
        }
        IBin::UDiv | IBin::URem | IBin::SDiv | IBin::SRem if b.masked(bits).is_zero() => return None,
        IBin::UDiv => a.udivrem(b).0,
        IBin::URem => a.udivrem(b).1,
        IBin::SDiv | IBin::SRem => {
            let (sa, sb) = (a.sext(bits), b.sext(bits));
            let (na, nb) = (sa.bit(255), sb.bit(255));
            let (ua, ub) = (if na { sa.neg() } else { sa }, if nb { sb.neg() } else { sb });
            let (q, r) = ua.udivrem(ub);
            if op == IBin::SDiv {
                if na != nb { q.neg() } else { q }
            } else if na {
                r.neg()
            } else {
                r
            }
        }
    };
    Some(r.masked(bits))
}

pub(crate) fn cmp_big(p: IPred, bits: u32, a: Big, b: Big) -> bool {
    let (a, b) = (a.masked(bits), b.masked(bits));
    let signed = matches!(p, IPred::Sgt | IPred::Sge | IPred::Slt | IPred::Sle);
    let lt = if signed {
        let (na, nb) = (a.bit(bits - 1), b.bit(bits - 1));
        if na != nb { na } else { a.ult(b) }
    } else {
        a.ult(b)
    };
    let eq = a == b;
    match p {
        IPred::Eq => eq,
        IPred::Ne => !eq,
        IPred::Ult | IPred::Slt => lt,
        IPred::Ule | IPred::Sle => lt || eq,
        IPred::Ugt | IPred::Sgt => !lt && !eq,
        IPred::Uge | IPred::Sge => !lt,
    }
}
