//! The scanf engine behind `sscanf`/`fscanf`/`scanf` (and `vsscanf`...). It reads from an
//! [`Input`] with one byte of lookahead (a stream gives the byte back with ungetc at the end) and
//! stores through the pointers the C shim fetches from the `va_list`. Token rules follow glibc:
//! integers are collected then converted like strtol (and truncated to the destination), floats
//! are collected leniently ("1e+" is accepted as 1) then converted like strtod; `%5c` at end of
//! input stores what it got; `%m` allocates; positional `%N$` destinations are supported.

use super::printf::{Arg, ArgSource, Kind};
use super::sys;
use crate::stdlib_num::{float, is_space};
use core::ffi::{c_char, c_int, c_void};

/// A byte source with one byte of lookahead.
pub trait Input {
    fn peek(&mut self) -> Option<u8>;
    fn bump(&mut self);
    /// Bytes consumed so far (for `%n`).
    fn consumed(&self) -> usize;
}

/// Input from a NUL-terminated string.
pub struct StrInput {
    pub p: *const u8,
    pub pos: usize,
}

impl Input for StrInput {
    fn peek(&mut self) -> Option<u8> {
        // SAFETY: the caller of scan guarantees a NUL-terminated string; we never pass the NUL.
        let c = unsafe { *self.p.add(self.pos) };
        if c == 0 { None } else { Some(c) }
    }
    fn bump(&mut self) {
        self.pos += 1;
    }
    fn consumed(&self) -> usize {
        self.pos
    }
}

/// Why a conversion stopped.
enum Stop {
    /// End of input before the directive could start (input failure).
    Input,
    /// Input did not match (matching failure).
    Matching,
}

/// Longest token we collect for a number; longer numbers are truncated (documented limit).
const TOKEN_MAX: usize = 512;

struct Token {
    b: [u8; TOKEN_MAX + 1],
    n: usize,
}

impl Token {
    fn new() -> Token {
        Token { b: [0; TOKEN_MAX + 1], n: 0 }
    }
    fn push(&mut self, c: u8) {
        if self.n < TOKEN_MAX {
            self.b[self.n] = c;
            self.n += 1;
        }
    }
    fn c_str(&mut self) -> *const c_char {
        self.b[self.n] = 0;
        self.b.as_ptr() as *const c_char
    }
}

/// Width-limited reader for one conversion.
struct Field<'a> {
    input: &'a mut dyn Input,
    left: usize,
}

impl Field<'_> {
    fn peek(&mut self) -> Option<u8> {
        if self.left == 0 { None } else { self.input.peek() }
    }
    fn take(&mut self, tok: &mut Token) {
        if let Some(c) = self.peek() {
            tok.push(c);
            self.input.bump();
            self.left -= 1;
        }
    }
}

fn is_digit_in(c: u8, base: u32) -> bool {
    (c as char).is_digit(base)
}

/// Collect an integer token: sign, optional 0x prefix, digits. Returns the base used.
fn collect_int(f: &mut Field, tok: &mut Token, base: u32) -> Option<u32> {
    if matches!(f.peek(), Some(b'+' | b'-')) {
        f.take(tok);
    }
    let mut base = base;
    let mut digits = 0;
    if (base == 0 || base == 16) && f.peek() == Some(b'0') {
        f.take(tok);
        digits += 1;
        if matches!(f.peek(), Some(b'x' | b'X')) {
            f.take(tok);
            base = 16;
        } else if base == 0 {
            base = 8;
        }
    }
    if base == 0 {
        base = 10;
    }
    while f.peek().is_some_and(|c| is_digit_in(c, base)) {
        f.take(tok);
        digits += 1;
    }
    if digits == 0 { None } else { Some(base) }
}

/// Case-insensitively match `word` (after what was already matched); false on a mismatch.
fn collect_word(f: &mut Field, tok: &mut Token, word: &[u8]) -> bool {
    for &w in word {
        match f.peek() {
            Some(c) if c.eq_ignore_ascii_case(&w) => f.take(tok),
            _ => return false,
        }
    }
    true
}

/// Collect a floating-point token with glibc's lenient rules: false when the token cannot be a
/// number (only a sign, only "0x", a broken inf/nan). The caller still fails the conversion when
/// strtod accepts no prefix of it (".").
fn collect_float(f: &mut Field, tok: &mut Token) -> bool {
    let mut sign = 0;
    if matches!(f.peek(), Some(b'+' | b'-')) {
        f.take(tok);
        sign = 1;
    }
    match f.peek().map(|c| c.to_ascii_lowercase()) {
        Some(b'i') => {
            if !collect_word(f, tok, b"inf") {
                return false;
            }
            if f.peek().is_some_and(|c| c.eq_ignore_ascii_case(&b'i')) {
                return collect_word(f, tok, b"inity");
            }
            return true;
        }
        Some(b'n') => return collect_word(f, tok, b"nan"),
        _ => {}
    }
    let (mut digit, mut dot, mut exp, mut hex) = (false, false, false, false);
    if f.peek() == Some(b'0') {
        f.take(tok);
        if matches!(f.peek(), Some(b'x' | b'X')) {
            // The 0 of a hex prefix is not a digit of the number.
            f.take(tok);
            hex = true;
        } else {
            digit = true;
        }
    }
    while let Some(c) = f.peek() {
        let is_digit = if hex && !exp { c.is_ascii_hexdigit() } else { c.is_ascii_digit() };
        if is_digit {
            f.take(tok);
            digit = true;
        } else if c == b'.' && !dot && !exp {
            f.take(tok);
            dot = true;
        } else if !exp && digit && ((!hex && (c | 0x20) == b'e') || (hex && (c | 0x20) == b'p')) {
            f.take(tok);
            exp = true;
            if matches!(f.peek(), Some(b'+' | b'-')) {
                f.take(tok);
            }
        } else {
            break;
        }
    }
    !(tok.n == sign || (hex && tok.n == sign + 2))
}

/// Length modifiers.
#[derive(Clone, Copy, PartialEq)]
enum Len {
    HH,
    H,
    None,
    L,
    LL,
    BigL,
}

/// Store an integer into a destination of the modifier's size.
///
/// # Safety
/// `p` writable for that size.
unsafe fn store_int(p: *mut c_void, len: Len, v: u64) {
    // SAFETY: per the caller.
    unsafe {
        match len {
            Len::HH => *(p as *mut u8) = v as u8,
            Len::H => *(p as *mut u16) = v as u16,
            Len::None => *(p as *mut u32) = v as u32,
            _ => *(p as *mut u64) = v,
        }
    }
}

/// A scanset: which bytes `%[...]` accepts. Returns the set and the index after `]`.
fn parse_set(f: &[u8], mut i: usize) -> Option<([bool; 256], usize)> {
    let mut set = [false; 256];
    let negate = f.get(i) == Some(&b'^');
    if negate {
        i += 1;
    }
    let start = i;
    loop {
        let c = *f.get(i)?;
        if c == b']' && i > start {
            break;
        }
        if f.get(i + 1) == Some(&b'-') && f.get(i + 2).is_some_and(|&e| e != b']') {
            let e = f[i + 2];
            for x in c..=e.max(c) {
                set[x as usize] = true;
            }
            i += 3;
        } else {
            set[c as usize] = true;
            i += 1;
        }
    }
    if negate {
        for s in set.iter_mut() {
            *s = !*s;
        }
    }
    Some((set, i + 1))
}

/// Destinations: sequential or positional (all scanf arguments are pointers).
struct Dests<'a> {
    seq: &'a mut dyn ArgSource,
    table: [*mut c_void; 64],
    positional: bool,
}

impl Dests<'_> {
    fn get(&mut self, pos: Option<usize>) -> *mut c_void {
        match (self.positional, pos) {
            (true, Some(n)) if (1..=64).contains(&n) => self.table[n - 1],
            _ => match self.seq.fetch(Kind::Ptr) {
                Arg::Ptr(p) => p,
                _ => core::ptr::null_mut(),
            },
        }
    }
}

/// A growing malloc'd buffer for `%m`.
struct Grow {
    p: *mut u8,
    cap: usize,
    len: usize,
}

impl Grow {
    fn push(&mut self, bytes: &[u8]) -> bool {
        if self.len + bytes.len() > self.cap {
            let new = (self.len + bytes.len()).max(self.cap * 2).max(32);
            // SAFETY: p is NULL or our own block.
            let np = unsafe { sys::realloc(self.p as *mut c_void, new) } as *mut u8;
            if np.is_null() {
                return false;
            }
            self.p = np;
            self.cap = new;
        }
        // SAFETY: room checked.
        unsafe { core::ptr::copy_nonoverlapping(bytes.as_ptr(), self.p.add(self.len), bytes.len()) };
        self.len += bytes.len();
        true
    }
}

/// Run the scanf format. Returns the assignment count, or EOF (-1) on an input failure before
/// any assignment.
///
/// # Safety
/// `fmt` NUL-terminated; destinations valid for what the format stores.
pub unsafe fn scan(input: &mut dyn Input, fmt: *const c_char, args: &mut dyn ArgSource) -> c_int {
    // SAFETY: per the caller.
    let f = unsafe { core::ffi::CStr::from_ptr(fmt).to_bytes() };
    let positional = {
        let mut j = f.iter().position(|&c| c == b'%').map_or(f.len(), |k| k + 1);
        let s = j;
        while j < f.len() && f[j].is_ascii_digit() {
            j += 1;
        }
        j > s && f.get(j) == Some(&b'$')
    };
    let mut dests = Dests { seq: args, table: [core::ptr::null_mut(); 64], positional };
    if positional {
        let mut max = 0;
        let mut j = 0;
        while j + 1 < f.len() {
            if f[j] == b'%' {
                let mut k = j + 1;
                let mut n = 0usize;
                while k < f.len() && f[k].is_ascii_digit() {
                    n = n * 10 + (f[k] - b'0') as usize;
                    k += 1;
                }
                if f.get(k) == Some(&b'$') {
                    max = max.max(n.min(64));
                }
            }
            j += 1;
        }
        for k in 0..max {
            dests.table[k] = match dests.seq.fetch(Kind::Ptr) {
                Arg::Ptr(p) => p,
                _ => core::ptr::null_mut(),
            };
        }
    }
    let mut done: c_int = 0;
    // SAFETY: forwarded.
    match unsafe { run(input, f, &mut dests, &mut done) } {
        Err(Stop::Input) if done == 0 => -1,
        _ => done,
    }
}

/// Skip white space in the input.
fn skip_space(input: &mut dyn Input) {
    while input.peek().is_some_and(is_space) {
        input.bump();
    }
}

/// The directive loop.
///
/// # Safety
/// As [`scan`].
unsafe fn run(input: &mut dyn Input, f: &[u8], dests: &mut Dests, done: &mut c_int) -> Result<(), Stop> {
    let mut i = 0;
    while i < f.len() {
        let c = f[i];
        if is_space(c) {
            skip_space(input);
            i += 1;
            continue;
        }
        if c != b'%' {
            match input.peek() {
                None => return Err(Stop::Input),
                Some(x) if x == c => input.bump(),
                Some(_) => return Err(Stop::Matching),
            }
            i += 1;
            continue;
        }
        i += 1;
        // %N$
        let mut pos = None;
        {
            let mut k = i;
            let mut n = 0usize;
            while k < f.len() && f[k].is_ascii_digit() {
                n = n.saturating_mul(10).saturating_add((f[k] - b'0') as usize);
                k += 1;
            }
            if k > i && f.get(k) == Some(&b'$') {
                pos = Some(n);
                i = k + 1;
            }
        }
        let suppress = f.get(i) == Some(&b'*');
        if suppress {
            i += 1;
        }
        let mut width = 0usize;
        while i < f.len() && f[i].is_ascii_digit() {
            width = width.saturating_mul(10).saturating_add((f[i] - b'0') as usize);
            i += 1;
        }
        let alloc = f.get(i) == Some(&b'm');
        if alloc {
            i += 1;
        }
        let len = match f.get(i) {
            Some(b'h') if f.get(i + 1) == Some(&b'h') => {
                i += 2;
                Len::HH
            }
            Some(b'h') => {
                i += 1;
                Len::H
            }
            Some(b'l') if f.get(i + 1) == Some(&b'l') => {
                i += 2;
                Len::LL
            }
            Some(b'l') => {
                i += 1;
                Len::L
            }
            Some(b'L') => {
                i += 1;
                Len::BigL
            }
            Some(b'q' | b'j' | b'z' | b't') => {
                i += 1;
                Len::LL
            }
            _ => Len::None,
        };
        let Some(&conv) = f.get(i) else { return Err(Stop::Matching) };
        i += 1;
        if conv == b'%' {
            skip_space(input);
            match input.peek() {
                None => return Err(Stop::Input),
                Some(b'%') => input.bump(),
                Some(_) => return Err(Stop::Matching),
            }
            continue;
        }
        if conv == b'n' {
            if !suppress {
                let p = dests.get(pos);
                // SAFETY: the format names a writable integer.
                unsafe { store_int(p, len, input.consumed() as u64) };
            }
            continue;
        }
        if !matches!(conv, b'c' | b'[') {
            skip_space(input);
        }
        if input.peek().is_none() {
            return Err(Stop::Input);
        }
        let max = if width == 0 { if conv == b'c' { 1 } else { usize::MAX } } else { width };
        let mut field = Field { input: &mut *input, left: max };
        match conv {
            b'd' | b'i' | b'u' | b'o' | b'x' | b'X' | b'p' => {
                let base = match conv {
                    b'd' | b'u' => 10,
                    b'i' => 0,
                    b'o' => 8,
                    _ => 16,
                };
                let mut tok = Token::new();
                let Some(b) = collect_int(&mut field, &mut tok, base) else { return Err(Stop::Matching) };
                let p = tok.c_str();
                // SAFETY: a NUL-terminated token.
                let v = unsafe {
                    if conv == b'd' || conv == b'i' {
                        crate::stdlib_num::strtoll(p, core::ptr::null_mut(), b as c_int) as u64
                    } else {
                        crate::stdlib_num::strtoull(p, core::ptr::null_mut(), b as c_int)
                    }
                };
                if !suppress {
                    let len = if conv == b'p' { Len::L } else { len };
                    // SAFETY: the format names a writable integer of this size.
                    unsafe { store_int(dests.get(pos), len, v) };
                    *done += 1;
                }
            }
            b'f' | b'F' | b'e' | b'E' | b'g' | b'G' | b'a' | b'A' => {
                let mut tok = Token::new();
                if !collect_float(&mut field, &mut tok) {
                    return Err(Stop::Matching);
                }
                let p = tok.c_str();
                let mut end: *mut c_char = core::ptr::null_mut();
                // SAFETY: a NUL-terminated token; only the end pointer matters here.
                unsafe { float::parse::<f64>(p, &mut end) };
                if core::ptr::eq(end, p) {
                    return Err(Stop::Matching);
                }
                if !suppress {
                    let d = dests.get(pos);
                    // SAFETY: a NUL-terminated token; the destination per the format.
                    unsafe {
                        match len {
                            Len::L | Len::LL => *(d as *mut f64) = float::parse::<f64>(p, core::ptr::null_mut()),
                            Len::BigL => {
                                let raw = float::parse_f80(p, core::ptr::null_mut());
                                *(d as *mut u64) = raw.mant;
                                *((d as *mut u8).add(8) as *mut u16) = raw.sign_exp;
                            }
                            _ => *(d as *mut f32) = float::parse::<f32>(p, core::ptr::null_mut()),
                        }
                    }
                    *done += 1;
                }
            }
            b's' | b'c' | b'[' => {
                let set = if conv == b'[' {
                    let Some((set, next)) = parse_set(f, i) else { return Err(Stop::Matching) };
                    i = next;
                    Some(set)
                } else {
                    None
                };
                let accept = |c: u8| match (&set, conv) {
                    (Some(s), _) => s[c as usize],
                    (None, b's') => !is_space(c),
                    _ => true,
                };
                let wide = len == Len::L;
                let dest = if suppress { core::ptr::null_mut() } else { dests.get(pos) };
                let mut grow = Grow { p: core::ptr::null_mut(), cap: 0, len: 0 };
                let mut out = if alloc { core::ptr::null_mut() } else { dest as *mut u8 };
                let mut count = 0usize;
                while let Some(c) = field.peek() {
                    if !accept(c) {
                        break;
                    }
                    if wide && c >= 0x80 {
                        // No C-locale wide character for this byte.
                        break;
                    }
                    field.input.bump();
                    field.left -= 1;
                    if !suppress {
                        let bytes_wide = (c as u32).to_ne_bytes();
                        let unit: &[u8] = if wide { &bytes_wide } else { core::slice::from_ref(&c) };
                        if alloc {
                            if !grow.push(unit) {
                                crate::errno::set(crate::Errno::ENOMEM);
                                return Err(Stop::Matching);
                            }
                        } else {
                            // SAFETY: the caller's buffer has room for the field (C's contract).
                            unsafe {
                                core::ptr::copy_nonoverlapping(unit.as_ptr(), out, unit.len());
                                out = out.add(unit.len());
                            }
                        }
                    }
                    count += 1;
                }
                if count == 0 {
                    return Err(Stop::Matching);
                }
                if !suppress {
                    let unit = if wide { 4 } else { 1 };
                    if conv != b'c' {
                        // Terminate strings and sets.
                        if alloc {
                            if !grow.push(&[0u8; 4][..unit]) {
                                return Err(Stop::Matching);
                            }
                        } else {
                            // SAFETY: as above, one more unit for the terminator.
                            unsafe { core::ptr::write_bytes(out, 0, unit) };
                        }
                    }
                    if alloc {
                        // SAFETY: `%m` destinations are `char **` (or `wchar_t **`).
                        unsafe { *(dest as *mut *mut u8) = grow.p };
                    }
                    *done += 1;
                }
            }
            _ => return Err(Stop::Matching),
        }
    }
    Ok(())
}
