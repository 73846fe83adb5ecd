//! The one decimal writer of the libc's hand-made messages and fields (assert messages,
//! `strerror`'s "Unknown error N", strftime's numbers, printf's echo of a bad conversion, the
//! exponents of `%e` and `%a`): the digits of an unsigned number in a stack buffer, with no
//! `core::fmt` and no allocation. Callers add a sign, padding or leading zeros where they need them.

/// The decimal digits of a `u64` (at most 20), most significant first.
pub struct Decimal {
    buf: [u8; 20],
    start: usize,
}

impl Decimal {
    /// The digits of `v` ("0" for zero).
    pub fn new(mut v: u64) -> Decimal {
        let mut buf = [0u8; 20];
        let mut start = buf.len();
        loop {
            start -= 1;
            buf[start] = b'0' + (v % 10) as u8;
            v /= 10;
            if v == 0 {
                break;
            }
        }
        Decimal { buf, start }
    }

    /// The digits, as ASCII bytes.
    pub fn digits(&self) -> &[u8] {
        &self.buf[self.start..]
    }
}

#[cfg(test)]
mod tests {
    use super::Decimal;

    #[test]
    fn digits_match_core_fmt() {
        for v in [0u64, 1, 9, 10, 99, 100, 12_345, u32::MAX as u64, u64::MAX] {
            assert_eq!(Decimal::new(v).digits(), std::format!("{v}").as_bytes());
        }
    }
}
