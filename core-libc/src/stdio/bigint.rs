//! Fixed-capacity unsigned big integers (little-endian 32-bit words), just the operations exact
//! binary<->decimal conversion needs: shift, multiply/divide by a small number, compare, subtract.

use core::cmp::Ordering;

/// An unsigned integer of at most `N` 32-bit words. Operations that would overflow `N` words
/// panic (callers size `N` for the largest exponent of their float format).
#[derive(Clone)]
pub struct Big<const N: usize> {
    w: [u32; N],
    len: usize,
}

impl<const N: usize> Big<N> {
    pub fn from_u64(v: u64) -> Self {
        let mut b = Big { w: [0; N], len: 0 };
        b.w[0] = v as u32;
        b.w[1] = (v >> 32) as u32;
        b.len = 2;
        b.trim();
        b
    }

    fn trim(&mut self) {
        while self.len > 0 && self.w[self.len - 1] == 0 {
            self.len -= 1;
        }
    }

    pub fn is_zero(&self) -> bool {
        self.len == 0
    }

    /// Number of significant bits.
    pub fn bit_len(&self) -> usize {
        if self.len == 0 { 0 } else { self.len * 32 - self.w[self.len - 1].leading_zeros() as usize }
    }

    /// True when any bit below `i` is set.
    pub fn any_below(&self, i: usize) -> bool {
        let wi = i / 32;
        for k in 0..wi.min(self.len) {
            if self.w[k] != 0 {
                return true;
            }
        }
        wi < self.len && self.w[wi] & ((1u32 << (i % 32)) - 1) != 0
    }

    /// The 64 bits starting at bit `lo`.
    pub fn bits64(&self, lo: usize) -> u64 {
        let (wi, bs) = (lo / 32, lo % 32);
        let word = |i: usize| if i < self.len { self.w[i] as u128 } else { 0 };
        let v = word(wi) | word(wi + 1) << 32 | word(wi + 2) << 64;
        (v >> bs) as u64
    }

    pub fn shl(&mut self, s: usize) {
        if self.len == 0 {
            return;
        }
        let (ws, bs) = (s / 32, s % 32);
        let new_len = self.len + ws + 1;
        assert!(new_len <= N, "bigint: shift past capacity");
        for i in (0..self.len).rev() {
            let v = (self.w[i] as u64) << bs;
            self.w[i + ws + 1] |= (v >> 32) as u32;
            self.w[i + ws] = v as u32;
        }
        for i in 0..ws {
            self.w[i] = 0;
        }
        self.len = new_len;
        self.trim();
    }

    /// Keep only the low `bits` bits.
    pub fn truncate_bits(&mut self, bits: usize) {
        let wi = bits / 32;
        if wi < self.len {
            self.w[wi] &= (1u32 << (bits % 32)).wrapping_sub(1);
            for k in wi + 1..self.len {
                self.w[k] = 0;
            }
            self.len = self.len.min(wi + 1);
            self.trim();
        }
    }

    /// `self = self * m + a`.
    pub fn mul_add_small(&mut self, m: u32, a: u32) {
        let mut carry = a as u64;
        for i in 0..self.len {
            let v = self.w[i] as u64 * m as u64 + carry;
            self.w[i] = v as u32;
            carry = v >> 32;
        }
        if carry != 0 {
            assert!(self.len < N, "bigint: product past capacity");
            self.w[self.len] = carry as u32;
            self.len += 1;
        }
    }

    /// `self /= d`, returning the remainder.
    pub fn div_small(&mut self, d: u32) -> u32 {
        let mut rem = 0u64;
        for i in (0..self.len).rev() {
            let v = (rem << 32) | self.w[i] as u64;
            self.w[i] = (v / d as u64) as u32;
            rem = v % d as u64;
        }
        self.trim();
        rem as u32
    }

    /// `self * 10^k` (in place).
    pub fn mul_pow10(&mut self, mut k: u32) {
        while k >= 9 {
            self.mul_add_small(1_000_000_000, 0);
            k -= 9;
        }
        self.mul_add_small(10u32.pow(k), 0);
    }

    /// `self - other`, requiring `self >= other`.
    pub fn sub(&mut self, other: &Self) {
        let mut borrow = 0i64;
        for i in 0..self.len {
            let o = if i < other.len { other.w[i] as i64 } else { 0 };
            let v = self.w[i] as i64 - o - borrow;
            if v < 0 {
                self.w[i] = (v + (1 << 32)) as u32;
                borrow = 1;
            } else {
                self.w[i] = v as u32;
                borrow = 0;
            }
        }
        debug_assert_eq!(borrow, 0);
        self.trim();
    }

    pub fn cmp(&self, other: &Self) -> Ordering {
        if self.len != other.len {
            return self.len.cmp(&other.len);
        }
        for i in (0..self.len).rev() {
            if self.w[i] != other.w[i] {
                return self.w[i].cmp(&other.w[i]);
            }
        }
        Ordering::Equal
    }
}

#[cfg(test)]
mod tests {
    use super::Big;

    #[test]
    fn arithmetic_matches_u128() {
        let mut rng = crate::testkit::Rng::new(11);
        for _ in 0..2000 {
            let a = rng.next() >> rng.below(64);
            let s = rng.below(60) as usize;
            let mut b = Big::<8>::from_u64(a);
            b.shl(s);
            let expect = (a as u128) << s;
            assert_eq!(b.bits64(0) as u128 | (b.bits64(64) as u128) << 64, expect);
            assert_eq!(b.bit_len(), 128 - expect.leading_zeros() as usize);
            let m = rng.next() as u32 | 1;
            b.mul_add_small(m, 7);
            let d = (rng.next() as u32).max(2);
            let mut c = b.clone();
            let r = c.div_small(d);
            let full = b.bits64(0) as u128 | (b.bits64(64) as u128) << 64;
            let hi = b.bits64(128) as u128;
            if hi == 0 {
                assert_eq!(r as u128, full % d as u128);
                assert_eq!(c.bits64(0) as u128 | (c.bits64(64) as u128) << 64, full / d as u128);
                let mut t = Big::<8>::from_u64(5);
                t.mul_pow10(20);
                assert_eq!(t.bits64(0) as u128 | (t.bits64(64) as u128) << 64, 5 * 10u128.pow(20));
            }
        }
    }
}
