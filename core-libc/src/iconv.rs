//! `<iconv.h>`: a real converter for the encodings a C-locale system meets — UTF-8, ASCII,
//! ISO-8859-1, UTF-16LE/BE, UTF-32LE/BE (also as UCS-4LE/BE and WCHAR_T) — with glibc's
//! `//TRANSLIT` (unrepresentable characters become '?', counted as irreversible) and `//IGNORE`
//! (skipped; the call then reports EILSEQ at the end) suffixes. Any other encoding name fails in
//! iconv_open with EINVAL, as glibc does for an encoding it does not have. The descriptor is the
//! (from, to, mode) triple packed into the pointer value, so nothing is allocated.

use super::{Errno, errno};
use core::ffi::{c_char, c_int, c_void};

#[derive(Clone, Copy, PartialEq, Debug)]
enum Enc {
    Utf8 = 1,
    Ascii = 2,
    Latin1 = 3,
    Utf16Le = 4,
    Utf16Be = 5,
    Utf32Le = 6,
    Utf32Be = 7,
}

const TRANSLIT: usize = 1;
const IGNORE: usize = 2;
/// Descriptors are `BASE | from << 8 | to << 4 | flags`.
const BASE: usize = 0x1c0_0000;

fn enc_from(code: usize) -> Option<Enc> {
    Some(match code {
        1 => Enc::Utf8,
        2 => Enc::Ascii,
        3 => Enc::Latin1,
        4 => Enc::Utf16Le,
        5 => Enc::Utf16Be,
        6 => Enc::Utf32Le,
        7 => Enc::Utf32Be,
        _ => return None,
    })
}

/// Parse an encoding name (case-insensitive, `//` suffixes returned as flags).
fn parse(name: &[u8]) -> Option<(Enc, usize)> {
    let mut flags = 0;
    let mut parts = name.split(|&c| c == b'/');
    let base = parts.next()?;
    for p in parts {
        if p.eq_ignore_ascii_case(b"TRANSLIT") {
            flags |= TRANSLIT;
        } else if p.eq_ignore_ascii_case(b"IGNORE") {
            flags |= IGNORE;
        }
    }
    let mut up = [0u8; 32];
    if base.len() > up.len() {
        return None;
    }
    for (k, &c) in base.iter().enumerate() {
        up[k] = c.to_ascii_uppercase();
    }
    let enc = match &up[..base.len()] {
        b"UTF-8" | b"UTF8" => Enc::Utf8,
        b"ASCII" | b"US-ASCII" | b"ANSI_X3.4-1968" | b"646" | b"US" => Enc::Ascii,
        b"ISO-8859-1" | b"ISO8859-1" | b"ISO_8859-1" | b"LATIN1" | b"L1" => Enc::Latin1,
        b"UTF-16LE" => Enc::Utf16Le,
        b"UTF-16BE" => Enc::Utf16Be,
        b"UTF-32LE" | b"UCS-4LE" | b"WCHAR_T" => Enc::Utf32Le,
        b"UTF-32BE" | b"UCS-4BE" => Enc::Utf32Be,
        // "" means the locale's charset: ASCII in the C locale.
        b"" => Enc::Ascii,
        _ => return None,
    };
    Some((enc, flags))
}

/// Decoding result for one character.
enum Dec {
    Char(u32, usize),
    /// Invalid sequence (EILSEQ).
    Bad,
    /// Truncated sequence at the end of the input (EINVAL).
    Short,
}

fn decode(e: Enc, s: &[u8]) -> Dec {
    match e {
        Enc::Ascii => {
            if s[0] < 0x80 {
                Dec::Char(s[0] as u32, 1)
            } else {
                Dec::Bad
            }
        }
        Enc::Latin1 => Dec::Char(s[0] as u32, 1),
        Enc::Utf8 => {
            // The lead byte fixes the length (including the obsolete 5- and 6-byte forms, so a
            // truncated one is "incomplete" like in glibc); validity is checked once complete.
            let b0 = s[0];
            let (len, min, init) = match b0 {
                0x00..=0x7f => return Dec::Char(b0 as u32, 1),
                0xc2..=0xdf => (2, 0x80, (b0 & 0x1f) as u32),
                0xe0..=0xef => (3, 0x800, (b0 & 0x0f) as u32),
                0xf0..=0xf7 => (4, 0x10000, (b0 & 0x07) as u32),
                0xf8..=0xfb => (5, u32::MAX, 0),
                0xfc..=0xfd => (6, u32::MAX, 0),
                _ => return Dec::Bad,
            };
            let mut c = init;
            for k in 1..len {
                match s.get(k) {
                    None => return Dec::Short,
                    Some(&b) if b & 0xc0 == 0x80 => c = (c << 6) | (b & 0x3f) as u32,
                    Some(_) => return Dec::Bad,
                }
            }
            if c < min || c > 0x10ffff || (0xd800..0xe000).contains(&c) { Dec::Bad } else { Dec::Char(c, len) }
        }
        Enc::Utf16Le | Enc::Utf16Be => {
            let unit = |k: usize| -> Option<u32> {
                let (a, b) = (*s.get(k)?, *s.get(k + 1)?);
                Some(if e == Enc::Utf16Le { u16::from_le_bytes([a, b]) } else { u16::from_be_bytes([a, b]) } as u32)
            };
            let Some(u) = unit(0) else { return Dec::Short };
            match u {
                0xd800..=0xdbff => match unit(2) {
                    None => Dec::Short,
                    Some(l @ 0xdc00..=0xdfff) => Dec::Char(0x10000 + ((u - 0xd800) << 10) + (l - 0xdc00), 4),
                    Some(_) => Dec::Bad,
                },
                0xdc00..=0xdfff => Dec::Bad,
                _ => Dec::Char(u, 2),
            }
        }
        Enc::Utf32Le | Enc::Utf32Be => {
            if s.len() < 4 {
                return Dec::Short;
            }
            let b = [s[0], s[1], s[2], s[3]];
            let c = if e == Enc::Utf32Le { u32::from_le_bytes(b) } else { u32::from_be_bytes(b) };
            if c > 0x10ffff || (0xd800..0xe000).contains(&c) { Dec::Bad } else { Dec::Char(c, 4) }
        }
    }
}

/// Encode `c`; None when the target cannot represent it.
fn encode(e: Enc, c: u32, out: &mut [u8; 4]) -> Option<usize> {
    match e {
        Enc::Ascii => (c < 0x80).then(|| {
            out[0] = c as u8;
            1
        }),
        Enc::Latin1 => (c < 0x100).then(|| {
            out[0] = c as u8;
            1
        }),
        Enc::Utf8 => Some(char::from_u32(c)?.encode_utf8(out).len()),
        Enc::Utf16Le | Enc::Utf16Be => {
            let mut units = [0u16; 2];
            let n = char::from_u32(c)?.encode_utf16(&mut units).len();
            for (k, u) in units.iter().take(n).enumerate() {
                let b = if e == Enc::Utf16Le { u.to_le_bytes() } else { u.to_be_bytes() };
                out[2 * k..2 * k + 2].copy_from_slice(&b);
            }
            Some(2 * n)
        }
        Enc::Utf32Le => {
            *out = c.to_le_bytes();
            Some(4)
        }
        Enc::Utf32Be => {
            *out = c.to_be_bytes();
            Some(4)
        }
    }
}

crate::libc_fn! {
    /// `iconv_t iconv_open(const char *to, const char *from)`: `(iconv_t)-1` + EINVAL for an
    /// encoding outside the supported set.
    ///
    /// # Safety
    /// Both NUL-terminated.
    fn iconv_open(to: *const c_char, from: *const c_char) -> *mut c_void {
        // SAFETY: per the caller.
        let (t, f) = unsafe { (core::ffi::CStr::from_ptr(to).to_bytes(), core::ffi::CStr::from_ptr(from).to_bytes()) };
        match (parse(t), parse(f)) {
            (Some((te, flags)), Some((fe, _))) => (BASE | (fe as usize) << 8 | (te as usize) << 4 | flags) as *mut c_void,
            _ => {
                errno::set(Errno::EINVAL);
                usize::MAX as *mut c_void
            }
        }
    }

    /// `int iconv_close(iconv_t cd)`: nothing to free.
    ///
    /// # Safety
    /// Always safe.
    fn iconv_close(cd: *mut c_void) -> c_int {
        if (cd as usize) & !0xfff != BASE {
            errno::set(Errno::EBADF);
            return -1;
        }
        0
    }

    /// `size_t iconv(iconv_t cd, char **in, size_t *inleft, char **out, size_t *outleft)`.
    ///
    /// # Safety
    /// Pointers as POSIX describes; buffers valid for the given lengths.
    fn iconv(cd: *mut c_void, inbuf: *mut *mut c_char, inleft: *mut usize, outbuf: *mut *mut c_char, outleft: *mut usize) -> usize {
        let v = cd as usize;
        let (Some(from), Some(to)) = (enc_from((v >> 8) & 0xf), enc_from((v >> 4) & 0xf)) else {
            errno::set(Errno::EBADF);
            return usize::MAX;
        };
        if v & !0xfff != BASE {
            errno::set(Errno::EBADF);
            return usize::MAX;
        }
        let flags = v & 3;
        // SAFETY: per the caller.
        if inbuf.is_null() || unsafe { (*inbuf).is_null() } {
            return 0; // stateless encodings: nothing to reset or flush
        }
        // SAFETY: per the caller.
        let (mut ip, mut il, mut op, mut ol) = unsafe { (*inbuf as *const u8, *inleft, *outbuf as *mut u8, *outleft) };
        let mut irreversible = 0usize;
        let mut ignored = false; // any input skipped (//IGNORE)
        let mut ignored_unrepresentable = false;
        let mut result = Ok(());
        while il > 0 {
            // SAFETY: il bytes readable at ip.
            let src = unsafe { core::slice::from_raw_parts(ip, il) };
            let (c, used) = match decode(from, src) {
                Dec::Char(c, n) => (c, n),
                Dec::Short => {
                    result = Err(Errno::EINVAL);
                    break;
                }
                Dec::Bad => {
                    if flags & IGNORE != 0 {
                        ignored = true;
                        let skip = match from {
                            Enc::Utf16Le | Enc::Utf16Be => 2,
                            Enc::Utf32Le | Enc::Utf32Be => 4,
                            _ => 1,
                        }.min(il);
                        // SAFETY: skip <= il.
                        ip = unsafe { ip.add(skip) };
                        il -= skip;
                        continue;
                    }
                    result = Err(Errno::EILSEQ);
                    break;
                }
            };
            // Like glibc, a full output buffer is reported before an unrepresentable character.
            let min_unit = match to {
                Enc::Utf16Le | Enc::Utf16Be => 2,
                Enc::Utf32Le | Enc::Utf32Be => 4,
                _ => 1,
            };
            if ol < min_unit {
                result = Err(Errno::E2BIG);
                break;
            }
            let mut enc = [0u8; 4];
            let n = match encode(to, c, &mut enc) {
                Some(n) => n,
                None if flags & TRANSLIT != 0 => {
                    irreversible += 1;
                    encode(to, b'?' as u32, &mut enc).unwrap_or(0)
                }
                None if flags & IGNORE != 0 => {
                    ignored = true;
                    ignored_unrepresentable = true;
                    // SAFETY: used <= il.
                    ip = unsafe { ip.add(used) };
                    il -= used;
                    continue;
                }
                None => {
                    result = Err(Errno::EILSEQ);
                    break;
                }
            };
            if n > ol {
                result = Err(Errno::E2BIG);
                break;
            }
            // SAFETY: n <= ol bytes writable at op; used <= il.
            unsafe {
                core::ptr::copy_nonoverlapping(enc.as_ptr(), op, n);
                op = op.add(n);
                ip = ip.add(used);
            }
            ol -= n;
            il -= used;
        }
        // SAFETY: per the caller.
        unsafe {
            *inbuf = ip as *mut c_char;
            *inleft = il;
            *outbuf = op as *mut c_char;
            *outleft = ol;
        }
        match result {
            // glibc reports a skipped unrepresentable character in preference to a truncated
            // tail (but not skipped invalid input).
            Err(Errno::EINVAL) if ignored_unrepresentable => {
                errno::set(Errno::EILSEQ);
                usize::MAX
            }
            Err(e) => {
                errno::set(e);
                usize::MAX
            }
            Ok(()) if ignored => {
                errno::set(Errno::EILSEQ);
                usize::MAX
            }
            Ok(()) => irreversible,
        }
    }
}

#[cfg(test)]
mod tests;
