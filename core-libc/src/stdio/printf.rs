//! The printf engine: parses a format, fetches arguments through an [`ArgSource`] (the C shim's
//! `va_list` in production, a Rust slice in tests) and writes to a [`Sink`]. Integers, strings,
//! characters, pointers, `%n`, `%m` and positional arguments (`%2$d`, `%*3$d`) are here; floating
//! point conversions are in `printf_float.rs`. Behaviour follows glibc's, checked by the tests.

use super::printf_float;
use core::ffi::{c_char, c_int, c_void};

/// Where formatted bytes go.
pub trait Sink {
    fn write(&mut self, bytes: &[u8]);
}

/// An x87 80-bit long double, as raw fields (Rust has no such type).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
#[repr(C)]
pub struct F80 {
    pub mant: u64,
    pub sign_exp: u16,
}

/// Argument classes, by how C passes them through `...`.
#[derive(Clone, Copy, PartialEq, Debug)]
pub enum Kind {
    Int,
    Long,
    Double,
    LongDouble,
    Ptr,
}

/// One fetched argument.
#[derive(Clone, Copy, Debug)]
pub enum Arg {
    Int(i32),
    Long(i64),
    Double(f64),
    LongDouble(F80),
    Ptr(*mut c_void),
}

/// Sequential access to the variadic arguments.
pub trait ArgSource {
    fn fetch(&mut self, kind: Kind) -> Arg;
}

/// Length modifiers.
#[derive(Clone, Copy, PartialEq, Debug)]
pub enum Len {
    None,
    HH,
    H,
    L,
    LL,
    J,
    Z,
    T,
    BigL,
}

/// A parsed conversion specification.
#[derive(Clone, Copy, Debug)]
pub struct Spec {
    pub left: bool,
    pub plus: bool,
    pub space: bool,
    pub alt: bool,
    pub zero: bool,
    /// `'` (grouping; the C locale has none) and `I` (locale digits): only echoed back.
    pub group: bool,
    pub i18n: bool,
    pub width: usize,
    pub prec: Option<usize>,
    pub len: Len,
    pub conv: u8,
}

/// Counts what is written and forwards it.
pub struct Out<'a> {
    sink: &'a mut dyn Sink,
    pub count: usize,
}

impl Out<'_> {
    pub fn put(&mut self, b: &[u8]) {
        self.count += b.len();
        self.sink.write(b);
    }
    pub fn fill(&mut self, c: u8, mut n: usize) {
        let chunk = [c; 32];
        while n > 0 {
            let k = n.min(32);
            self.put(&chunk[..k]);
            n -= k;
        }
    }
    /// Write `body` (whose length is `len`) padded to `spec.width` with spaces.
    pub fn padded(&mut self, spec: &Spec, len: usize, body: impl FnOnce(&mut Self)) {
        let pad = spec.width.saturating_sub(len);
        if !spec.left {
            self.fill(b' ', pad);
        }
        body(self);
        if spec.left {
            self.fill(b' ', pad);
        }
    }
}

/// Most positional arguments supported (glibc allows 4096; real formats use a handful).
const MAX_POS: usize = 64;

/// Why formatting failed (printf then returns -1 with errno set).
#[derive(Debug, PartialEq)]
pub enum FmtError {
    /// A wide character with no C-locale encoding (EILSEQ).
    Ilseq,
    /// The format ended inside a conversion, or a bad positional specification (EINVAL).
    Invalid,
    /// No memory for a conversion's digits (ENOMEM).
    NoMemory,
}

/// Format `fmt` with `args` into `sink`; returns the number of bytes produced.
///
/// # Safety
/// `fmt` is NUL-terminated; the arguments match the format as C requires (strings valid,
/// `%n` pointers writable).
pub unsafe fn format(sink: &mut dyn Sink, fmt: *const c_char, args: &mut dyn ArgSource) -> Result<usize, FmtError> {
    let mut out = Out { sink, count: 0 };
    // SAFETY: per the caller.
    let f = unsafe { core::ffi::CStr::from_ptr(fmt).to_bytes() };
    if uses_positions(f) {
        let mut table = [Arg::Int(0); MAX_POS];
        let n = positional_kinds(f, &mut table)?;
        for slot in table.iter_mut().take(n) {
            let kind = match *slot {
                Arg::Int(k) => kind_from_code(k),
                _ => Kind::Int,
            };
            *slot = args.fetch(kind);
        }
        let mut src = Table { args: &table[..n], next: 0 };
        // SAFETY: forwarded.
        unsafe { run(&mut out, f, &mut src, true)? };
    } else {
        let mut src = Seq(args);
        // SAFETY: forwarded.
        unsafe { run(&mut out, f, &mut src, false)? };
    }
    Ok(out.count)
}

/// Arguments either sequential or by position.
trait Fetch {
    fn get(&mut self, kind: Kind, pos: Option<usize>) -> Arg;
}

struct Seq<'a>(&'a mut dyn ArgSource);

impl Fetch for Seq<'_> {
    fn get(&mut self, kind: Kind, _pos: Option<usize>) -> Arg {
        self.0.fetch(kind)
    }
}

struct Table<'a> {
    args: &'a [Arg],
    next: usize,
}

impl Fetch for Table<'_> {
    fn get(&mut self, _kind: Kind, pos: Option<usize>) -> Arg {
        let i = match pos {
            Some(p) => p - 1,
            None => {
                self.next += 1;
                self.next - 1
            }
        };
        self.args.get(i).copied().unwrap_or(Arg::Long(0))
    }
}

fn kind_code(k: Kind) -> i32 {
    k as i32 + 1
}

fn kind_from_code(c: i32) -> Kind {
    match c {
        2 => Kind::Long,
        3 => Kind::Double,
        4 => Kind::LongDouble,
        5 => Kind::Ptr,
        _ => Kind::Int,
    }
}

/// Does the format use `%N$` positions?
fn uses_positions(f: &[u8]) -> bool {
    let mut i = 0;
    while i < f.len() {
        if f[i] == b'%' {
            i += 1;
            if f.get(i) == Some(&b'%') {
                i += 1;
                continue;
            }
            let start = i;
            while i < f.len() && f[i].is_ascii_digit() {
                i += 1;
            }
            return i > start && f.get(i) == Some(&b'$');
        }
        i += 1;
    }
    false
}

/// A decimal number at `f[*i..]`, if any (saturating).
fn number(f: &[u8], i: &mut usize) -> Option<usize> {
    let start = *i;
    let mut v = 0usize;
    while *i < f.len() && f[*i].is_ascii_digit() {
        v = v.saturating_mul(10).saturating_add((f[*i] - b'0') as usize);
        *i += 1;
    }
    if *i > start { Some(v) } else { None }
}

/// `N$` at `f[*i..]`: consumes it and returns N.
fn position(f: &[u8], i: &mut usize) -> Option<usize> {
    let mut j = *i;
    let n = number(f, &mut j)?;
    if f.get(j) == Some(&b'$') && n > 0 {
        *i = j + 1;
        Some(n)
    } else {
        None
    }
}

/// Width/precision given as `*` or `*N$`.
enum Star {
    No,
    Next,
    Pos(usize),
}

/// A parsed spec plus where its width/precision/value come from.
struct Parsed {
    spec: Spec,
    width_star: Star,
    prec_star: Star,
    arg_pos: Option<usize>,
    end: usize,
}

/// Parse the conversion starting after the `%` at `f[i]`. `None` when the format ends first.
fn parse_spec(f: &[u8], mut i: usize) -> Option<Parsed> {
    let arg_pos = position(f, &mut i);
    let mut spec = Spec {
        left: false,
        plus: false,
        space: false,
        alt: false,
        zero: false,
        group: false,
        i18n: false,
        width: 0,
        prec: None,
        len: Len::None,
        conv: 0,
    };
    loop {
        match f.get(i)? {
            b'-' => spec.left = true,
            b'+' => spec.plus = true,
            b' ' => spec.space = true,
            b'#' => spec.alt = true,
            b'0' => spec.zero = true,
            b'\'' => spec.group = true,
            b'I' => spec.i18n = true,
            _ => break,
        }
        i += 1;
    }
    let mut width_star = Star::No;
    if f.get(i) == Some(&b'*') {
        i += 1;
        width_star = match position(f, &mut i) {
            Some(p) => Star::Pos(p),
            None => Star::Next,
        };
    } else if let Some(w) = number(f, &mut i) {
        spec.width = w;
    }
    let mut prec_star = Star::No;
    if f.get(i) == Some(&b'.') {
        i += 1;
        if f.get(i) == Some(&b'*') {
            i += 1;
            prec_star = match position(f, &mut i) {
                Some(p) => Star::Pos(p),
                None => Star::Next,
            };
        } else {
            spec.prec = Some(number(f, &mut i).unwrap_or(0));
        }
    }
    spec.len = match f.get(i)? {
        b'h' if f.get(i + 1) == Some(&b'h') => {
            i += 2;
            Len::HH
        }
        b'h' => {
            i += 1;
            Len::H
        }
        b'l' if f.get(i + 1) == Some(&b'l') => {
            i += 2;
            Len::LL
        }
        b'l' => {
            i += 1;
            Len::L
        }
        b'q' => {
            i += 1;
            Len::LL
        }
        b'L' => {
            i += 1;
            Len::BigL
        }
        b'j' => {
            i += 1;
            Len::J
        }
        b'z' | b'Z' => {
            i += 1;
            Len::Z
        }
        b't' => {
            i += 1;
            Len::T
        }
        _ => Len::None,
    };
    spec.conv = *f.get(i)?;
    Some(Parsed { spec, width_star, prec_star, arg_pos, end: i + 1 })
}

/// The argument class a conversion consumes (None: consumes nothing).
fn arg_kind(spec: &Spec) -> Option<Kind> {
    let wide = matches!(spec.len, Len::L | Len::LL | Len::J | Len::Z | Len::T | Len::BigL);
    Some(match spec.conv {
        b'd' | b'i' | b'u' | b'o' | b'x' | b'X' | b'b' | b'B' => {
            if wide {
                Kind::Long
            } else {
                Kind::Int
            }
        }
        b'c' | b'C' => Kind::Int,
        b'f' | b'F' | b'e' | b'E' | b'g' | b'G' | b'a' | b'A' => {
            if spec.len == Len::BigL {
                Kind::LongDouble
            } else {
                Kind::Double
            }
        }
        b's' | b'S' | b'p' | b'n' => Kind::Ptr,
        _ => return None,
    })
}

/// First pass of a positional format: the kind of each position. Returns how many positions.
fn positional_kinds(f: &[u8], table: &mut [Arg; MAX_POS]) -> Result<usize, FmtError> {
    let mut max = 0;
    let mut set = |pos: usize, kind: Kind, max: &mut usize| -> Result<(), FmtError> {
        if pos == 0 || pos > MAX_POS {
            return Err(FmtError::Invalid);
        }
        table[pos - 1] = Arg::Int(kind_code(kind));
        *max = (*max).max(pos);
        Ok(())
    };
    let mut i = 0;
    let mut next = 0usize;
    while i < f.len() {
        if f[i] != b'%' {
            i += 1;
            continue;
        }
        if f.get(i + 1) == Some(&b'%') {
            i += 2;
            continue;
        }
        let p = parse_spec(f, i + 1).ok_or(FmtError::Invalid)?;
        for star in [&p.width_star, &p.prec_star] {
            match star {
                Star::Pos(n) => set(*n, Kind::Int, &mut max)?,
                Star::Next => {
                    next += 1;
                    set(next, Kind::Int, &mut max)?
                }
                Star::No => {}
            }
        }
        if let Some(kind) = arg_kind(&p.spec) {
            let pos = match p.arg_pos {
                Some(n) => n,
                None => {
                    next += 1;
                    next
                }
            };
            set(pos, kind, &mut max)?;
        }
        i = p.end;
    }
    Ok(max)
}

fn as_int(a: Arg) -> i64 {
    match a {
        Arg::Int(v) => v as i64,
        Arg::Long(v) => v,
        Arg::Ptr(p) => p as i64,
        _ => 0,
    }
}

/// Second pass: format every conversion.
///
/// # Safety
/// As [`format`].
unsafe fn run(out: &mut Out, f: &[u8], args: &mut dyn Fetch, positional: bool) -> Result<(), FmtError> {
    let mut i = 0;
    while i < f.len() {
        let start = i;
        while i < f.len() && f[i] != b'%' {
            i += 1;
        }
        out.put(&f[start..i]);
        if i >= f.len() {
            break;
        }
        if f.get(i + 1) == Some(&b'%') {
            out.put(b"%");
            i += 2;
            continue;
        }
        let Some(p) = parse_spec(f, i + 1) else {
            return Err(FmtError::Invalid);
        };
        let mut spec = p.spec;
        let star = |s: &Star, args: &mut dyn Fetch| -> Option<i64> {
            match s {
                Star::No => None,
                Star::Next => Some(as_int(args.get(Kind::Int, None))),
                Star::Pos(n) => Some(as_int(args.get(Kind::Int, Some(*n)))),
            }
        };
        if let Some(w) = star(&p.width_star, args) {
            let w = w as i32;
            if w < 0 {
                spec.left = true;
            }
            spec.width = w.unsigned_abs() as usize;
        }
        if let Some(pr) = star(&p.prec_star, args) {
            let pr = pr as i32;
            spec.prec = if pr < 0 { None } else { Some(pr as usize) };
        }
        let arg = arg_kind(&spec).map(|k| args.get(k, if positional { p.arg_pos } else { None }));
        match arg {
            // SAFETY: the caller guarantees arguments match the format.
            Some(a) => unsafe { convert(out, &spec, a)? },
            None => {
                if spec.conv == b'm' {
                    let msg = super::super::strerror::message(super::super::errno::get());
                    string(out, &spec, msg);
                } else {
                    unknown(out, &spec);
                }
            }
        }
        i = p.end;
    }
    Ok(())
}

/// An unknown conversion: glibc prints the specification back, rebuilt from what it parsed
/// (flags in a fixed order, resolved `*` values, no length modifier).
fn unknown(out: &mut Out, spec: &Spec) {
    let mut b = [0u8; 64];
    let mut n = 0;
    let mut push = |c: u8| {
        if n < b.len() {
            b[n] = c;
            n += 1;
        }
    };
    push(b'%');
    if spec.alt {
        push(b'#');
    }
    if spec.group {
        push(b'\'');
    }
    if spec.plus {
        push(b'+');
    } else if spec.space {
        push(b' ');
    }
    if spec.left {
        push(b'-');
    } else if spec.zero {
        push(b'0');
    }
    if spec.i18n {
        push(b'I');
    }
    let num = |v: usize, push: &mut dyn FnMut(u8)| {
        crate::decimal::Decimal::new(v as u64).digits().iter().for_each(|&c| push(c));
    };
    if spec.width != 0 {
        num(spec.width, &mut push);
    }
    if let Some(p) = spec.prec {
        push(b'.');
        num(p, &mut push);
    }
    push(spec.conv);
    out.put(&b[..n]);
}

/// Format one argument.
///
/// # Safety
/// As [`format`].
unsafe fn convert(out: &mut Out, spec: &Spec, arg: Arg) -> Result<(), FmtError> {
    match spec.conv {
        b'd' | b'i' => {
            let v = as_int(arg);
            let v = match spec.len {
                Len::HH => v as i8 as i64,
                Len::H => v as i16 as i64,
                Len::None => v as i32 as i64,
                _ => v,
            };
            integer(out, spec, v.unsigned_abs(), v < 0, 10);
        }
        b'u' | b'o' | b'x' | b'X' | b'b' | b'B' => {
            let v = as_int(arg) as u64;
            let v = match spec.len {
                Len::HH => v as u8 as u64,
                Len::H => v as u16 as u64,
                Len::None => v as u32 as u64,
                _ => v,
            };
            let base = match spec.conv {
                b'o' => 8,
                b'x' | b'X' => 16,
                b'b' | b'B' => 2,
                _ => 10,
            };
            let mut s = *spec;
            s.plus = false;
            s.space = false;
            integer(out, &s, v, false, base);
        }
        b'p' => {
            let Arg::Ptr(p) = arg else { return Ok(()) };
            if p.is_null() {
                let s = Spec { prec: None, ..*spec };
                string(out, &s, b"(nil)");
            } else {
                let s = Spec { alt: true, conv: b'x', ..*spec };
                integer(out, &s, p as u64, false, 16);
            }
        }
        b'c' | b'C' => {
            let c = as_int(arg) as u32;
            if spec.len == Len::L || spec.conv == b'C' {
                let b = wide_to_byte(c)?;
                out.padded(spec, 1, |o| o.put(&[b]));
            } else {
                out.padded(spec, 1, |o| o.put(&[c as u8]));
            }
        }
        b's' | b'S' => {
            let Arg::Ptr(p) = arg else { return Ok(()) };
            if spec.len == Len::L || spec.conv == b'S' {
                // SAFETY: a wide string per the format.
                unsafe { wide_string(out, spec, p as *const i32)? };
            } else if p.is_null() {
                let s: &[u8] = if spec.prec.is_none_or(|n| n >= 6) { b"(null)" } else { b"" };
                string(out, &Spec { prec: None, ..*spec }, s);
            } else {
                let n = match spec.prec {
                    // SAFETY: the string is readable up to n bytes or its terminator.
                    Some(n) => unsafe { crate::string::strnlen(p as *const c_char, n) },
                    // SAFETY: NUL-terminated per the format.
                    None => unsafe { crate::string::c_strlen(p as *const u8) },
                };
                // SAFETY: n readable bytes.
                string(out, spec, unsafe { core::slice::from_raw_parts(p as *const u8, n) });
            }
        }
        b'n' => {
            let Arg::Ptr(p) = arg else { return Ok(()) };
            let c = out.count;
            // SAFETY: a writable object of the size the length modifier names.
            unsafe {
                match spec.len {
                    Len::HH => *(p as *mut i8) = c as i8,
                    Len::H => *(p as *mut i16) = c as i16,
                    Len::None => *(p as *mut c_int) = c as c_int,
                    _ => *(p as *mut i64) = c as i64,
                }
            }
        }
        _ => match arg {
            Arg::Double(v) => printf_float::double(out, spec, v),
            Arg::LongDouble(v) => printf_float::long_double(out, spec, v)?,
            _ => {}
        },
    }
    Ok(())
}

/// The C locale's single-byte encoding of a wide character.
fn wide_to_byte(c: u32) -> Result<u8, FmtError> {
    if c < 0x80 { Ok(c as u8) } else { Err(FmtError::Ilseq) }
}

/// `%ls`: a wide string converted to the C locale's bytes.
///
/// # Safety
/// `p` is NULL or a NUL-terminated wide string (readable up to the precision's worth).
unsafe fn wide_string(out: &mut Out, spec: &Spec, p: *const i32) -> Result<(), FmtError> {
    if p.is_null() {
        let s: &[u8] = if spec.prec.is_none_or(|n| n >= 6) { b"(null)" } else { b"" };
        string(out, &Spec { prec: None, ..*spec }, s);
        return Ok(());
    }
    let limit = spec.prec.unwrap_or(usize::MAX);
    let mut n = 0;
    // SAFETY: stops at the terminator or the precision.
    unsafe {
        while n < limit && *p.add(n) != 0 {
            wide_to_byte(*p.add(n) as u32)?;
            n += 1;
        }
    }
    out.padded(spec, n, |o| {
        for k in 0..n {
            // SAFETY: checked above.
            o.put(&[unsafe { *p.add(k) } as u8]);
        }
    });
    Ok(())
}

/// A byte string with width and precision.
fn string(out: &mut Out, spec: &Spec, s: &[u8]) {
    let s = match spec.prec {
        Some(n) if n < s.len() => &s[..n],
        _ => s,
    };
    out.padded(spec, s.len(), |o| o.put(s));
}

/// An integer conversion: sign, prefix, precision (minimum digits), zero padding, width.
fn integer(out: &mut Out, spec: &Spec, v: u64, neg: bool, base: u64) {
    let mut buf = [0u8; 64];
    let mut pos = buf.len();
    let digits = if spec.conv == b'X' { b"0123456789ABCDEF" } else { b"0123456789abcdef" };
    let mut x = v;
    while x != 0 {
        pos -= 1;
        buf[pos] = digits[(x % base) as usize];
        x /= base;
    }
    let mut ndig = buf.len() - pos;
    let mut prec = spec.prec.unwrap_or(1);
    if base == 8 && spec.alt && prec <= ndig {
        // '#' with octal: the first digit must be 0.
        prec = ndig + 1;
    }
    if v == 0 && spec.prec == Some(0) && !(base == 8 && spec.alt) {
        ndig = 0;
        prec = 0;
    }
    let sign: &[u8] = if neg {
        b"-"
    } else if spec.plus {
        b"+"
    } else if spec.space {
        b" "
    } else {
        b""
    };
    let prefix: &[u8] = match (spec.alt && v != 0, spec.conv) {
        (true, b'x') => b"0x",
        (true, b'X') => b"0X",
        (true, b'b') => b"0b",
        (true, b'B') => b"0B",
        _ => b"",
    };
    let zeros = prec.saturating_sub(ndig);
    let mut len = sign.len() + prefix.len() + zeros + ndig;
    let mut extra_zeros = 0;
    if spec.zero && !spec.left && spec.prec.is_none() && spec.width > len {
        extra_zeros = spec.width - len;
        len = spec.width;
    }
    out.padded(spec, len, |o| {
        o.put(sign);
        o.put(prefix);
        o.fill(b'0', zeros + extra_zeros);
        o.put(&buf[buf.len() - ndig..]);
    });
}
