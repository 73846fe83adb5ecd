//! `<ctype.h>` in the C locale, with glibc's table ABI: `__ctype_b_loc`, `__ctype_tolower_loc` and
//! `__ctype_toupper_loc` return pointers to tables indexed by -128..=255 (glibc's macros and
//! libstdc++'s `ctype<char>` read them directly), with glibc's class bit layout.

use core::ffi::c_int;

/// glibc's class bits (`_ISbit` on a little-endian machine: bits 0..7 land in the high byte).
pub mod bits {
    const fn isbit(b: u16) -> u16 {
        if b < 8 { (1 << b) << 8 } else { (1 << b) >> 8 }
    }
    pub const UPPER: u16 = isbit(0);
    pub const LOWER: u16 = isbit(1);
    pub const ALPHA: u16 = isbit(2);
    pub const DIGIT: u16 = isbit(3);
    pub const XDIGIT: u16 = isbit(4);
    pub const SPACE: u16 = isbit(5);
    pub const PRINT: u16 = isbit(6);
    pub const GRAPH: u16 = isbit(7);
    pub const BLANK: u16 = isbit(8);
    pub const CNTRL: u16 = isbit(9);
    pub const PUNCT: u16 = isbit(10);
    pub const ALNUM: u16 = isbit(11);
}

/// Class bits of byte `c` in the C locale (ASCII only; 128..=255 have none).
pub const fn class_of(c: u8) -> u16 {
    use bits::*;
    let mut m = 0;
    if c.is_ascii_uppercase() {
        m |= UPPER | ALPHA | ALNUM;
    }
    if c.is_ascii_lowercase() {
        m |= LOWER | ALPHA | ALNUM;
    }
    if c.is_ascii_digit() {
        m |= DIGIT | ALNUM;
    }
    if c.is_ascii_hexdigit() {
        m |= XDIGIT;
    }
    if c == b' ' || (c >= 9 && c <= 13) {
        m |= SPACE;
    }
    if c == b' ' || c == b'\t' {
        m |= BLANK;
    }
    if c < 32 || c == 127 {
        m |= CNTRL;
    }
    if c >= 32 && c < 127 {
        m |= PRINT;
    }
    if c > 32 && c < 127 {
        m |= GRAPH;
        if !c.is_ascii_alphanumeric() {
            m |= PUNCT;
        }
    }
    m
}

/// Tables indexed by `c + 128` for `c` in -128..=255.
pub struct Tables {
    pub class: [u16; 384],
    pub lower: [i32; 384],
    pub upper: [i32; 384],
}

const fn build() -> Tables {
    let mut t = Tables { class: [0; 384], lower: [0; 384], upper: [0; 384] };
    let mut i = 0;
    while i < 384 {
        let c = i as i32 - 128;
        // Negative indices are the signed-char view of bytes 128..=255, which have no class.
        t.class[i] = if c >= 0 { class_of(c as u8) } else { 0 };
        // glibc maps the signed-char indices -128..=-2 to the byte value (c + 256); -1 is EOF.
        let v = if c < -1 { c + 256 } else { c };
        t.lower[i] = if c >= b'A' as i32 && c <= b'Z' as i32 { c + 32 } else { v };
        t.upper[i] = if c >= b'a' as i32 && c <= b'z' as i32 { c - 32 } else { v };
        i += 1;
    }
    t
}

/// The C locale's tables (also referenced by the C `locale_t` object in `locale.rs`).
pub static TABLES: Tables = build();

/// Pointers to entry 0 of each table (what `__ctype_b_loc` and friends point at).
pub struct TablePtrs {
    pub class: *const u16,
    pub lower: *const i32,
    pub upper: *const i32,
}

static PTRS: super::stdio::SyncCell<TablePtrs> = super::stdio::SyncCell::new(TablePtrs {
    // SAFETY: (const context) offset 128 is inside each 384-entry table.
    class: unsafe { TABLES.class.as_ptr().add(128) },
    // SAFETY: as above.
    lower: unsafe { TABLES.lower.as_ptr().add(128) },
    // SAFETY: as above.
    upper: unsafe { TABLES.upper.as_ptr().add(128) },
});

/// The classes of `c` (an `unsigned char` value or EOF; anything else has no class).
#[inline]
fn classes(c: c_int) -> u16 {
    if (-128..=255).contains(&c) { TABLES.class[(c + 128) as usize] } else { 0 }
}

/// Define class predicates, one line each, for the narrow (`<ctype.h>`) and the wide
/// (`<wctype.h>`) classes alike: `class_fns! { ARG, CLASSES; ... }` where `CLASSES(c: ARG) -> u16`
/// gives the class bits of `c`; then `fn name(c) = MASK;` for `int name(ARG c)` and
/// `fn name_l(c, loc) = MASK;` for `int name_l(ARG c, locale_t)` (the only locale is C).
macro_rules! class_fns {
    ($arg:ty, $classes:ident;) => {};
    ($arg:ty, $classes:ident; $(#[$m:meta])* fn $name:ident(c) = $mask:expr; $($rest:tt)*) => {
        crate::libc_fn! {
            $(#[$m])*
            ///
            /// # Safety
            /// Always safe.
            fn $name(c: $arg) -> c_int {
                ($classes(c) & $mask != 0) as c_int
            }
        }
        class_fns! { $arg, $classes; $($rest)* }
    };
    ($arg:ty, $classes:ident; $(#[$m:meta])* fn $name:ident(c, loc) = $mask:expr; $($rest:tt)*) => {
        crate::libc_fn! {
            $(#[$m])*
            ///
            /// # Safety
            /// Always safe; the locale is not read.
            fn $name(c: $arg, _loc: *mut core::ffi::c_void) -> c_int {
                ($classes(c) & $mask != 0) as c_int
            }
        }
        class_fns! { $arg, $classes; $($rest)* }
    };
}
pub(crate) use class_fns;

class_fns! {
    c_int, classes;
    /// `int isalnum(int c)` in the C locale.
    fn isalnum(c) = bits::ALNUM;
    /// `int isalnum_l(int c, locale_t)`.
    fn isalnum_l(c, loc) = bits::ALNUM;
    /// `int isalpha(int c)` in the C locale.
    fn isalpha(c) = bits::ALPHA;
    /// `int isalpha_l(int c, locale_t)`.
    fn isalpha_l(c, loc) = bits::ALPHA;
    /// `int isblank(int c)` in the C locale.
    fn isblank(c) = bits::BLANK;
    /// `int isblank_l(int c, locale_t)`.
    fn isblank_l(c, loc) = bits::BLANK;
    /// `int iscntrl(int c)` in the C locale.
    fn iscntrl(c) = bits::CNTRL;
    /// `int iscntrl_l(int c, locale_t)`.
    fn iscntrl_l(c, loc) = bits::CNTRL;
    /// `int isdigit(int c)` in the C locale.
    fn isdigit(c) = bits::DIGIT;
    /// `int isdigit_l(int c, locale_t)`.
    fn isdigit_l(c, loc) = bits::DIGIT;
    /// `int isgraph(int c)` in the C locale.
    fn isgraph(c) = bits::GRAPH;
    /// `int isgraph_l(int c, locale_t)`.
    fn isgraph_l(c, loc) = bits::GRAPH;
    /// `int islower(int c)` in the C locale.
    fn islower(c) = bits::LOWER;
    /// `int islower_l(int c, locale_t)`.
    fn islower_l(c, loc) = bits::LOWER;
    /// `int isprint(int c)` in the C locale.
    fn isprint(c) = bits::PRINT;
    /// `int isprint_l(int c, locale_t)`.
    fn isprint_l(c, loc) = bits::PRINT;
    /// `int ispunct(int c)` in the C locale.
    fn ispunct(c) = bits::PUNCT;
    /// `int ispunct_l(int c, locale_t)`.
    fn ispunct_l(c, loc) = bits::PUNCT;
    /// `int isspace(int c)` in the C locale.
    fn isspace(c) = bits::SPACE;
    /// `int isspace_l(int c, locale_t)`.
    fn isspace_l(c, loc) = bits::SPACE;
    /// `int isupper(int c)` in the C locale.
    fn isupper(c) = bits::UPPER;
    /// `int isupper_l(int c, locale_t)`.
    fn isupper_l(c, loc) = bits::UPPER;
    /// `int isxdigit(int c)` in the C locale.
    fn isxdigit(c) = bits::XDIGIT;
    /// `int isxdigit_l(int c, locale_t)`.
    fn isxdigit_l(c, loc) = bits::XDIGIT;
}

/// `tolower` on the table's range; other values pass through.
pub fn lower(c: c_int) -> c_int {
    if (-128..=255).contains(&c) { TABLES.lower[(c + 128) as usize] } else { c }
}

/// `toupper` on the table's range; other values pass through.
pub fn upper(c: c_int) -> c_int {
    if (-128..=255).contains(&c) { TABLES.upper[(c + 128) as usize] } else { c }
}

crate::libc_fn! {
    /// `int tolower(int c)`.
    ///
    /// # Safety
    /// Always safe.
    fn tolower(c: c_int) -> c_int {
        lower(c)
    }

    /// `int toupper(int c)`.
    ///
    /// # Safety
    /// Always safe.
    fn toupper(c: c_int) -> c_int {
        upper(c)
    }

    /// `int tolower_l(int c, locale_t)`.
    ///
    /// # Safety
    /// Always safe.
    fn tolower_l(c: c_int, _loc: *mut core::ffi::c_void) -> c_int {
        lower(c)
    }

    /// `int toupper_l(int c, locale_t)`.
    ///
    /// # Safety
    /// Always safe.
    fn toupper_l(c: c_int, _loc: *mut core::ffi::c_void) -> c_int {
        upper(c)
    }

    /// `int isascii(int c)`.
    ///
    /// # Safety
    /// Always safe.
    fn isascii(c: c_int) -> c_int {
        (c & !0x7f == 0) as c_int
    }

    /// `int toascii(int c)`.
    ///
    /// # Safety
    /// Always safe.
    fn toascii(c: c_int) -> c_int {
        c & 0x7f
    }

    /// `const unsigned short **__ctype_b_loc(void)`: the class table (index -128..=255).
    ///
    /// # Safety
    /// Always safe; the pointer is valid for the whole run.
    fn __ctype_b_loc() -> *mut *const u16 {
        // SAFETY: field projection of a static.
        unsafe { &raw mut (*PTRS.get()).class }
    }

    /// `const int32_t **__ctype_tolower_loc(void)`.
    ///
    /// # Safety
    /// Always safe.
    fn __ctype_tolower_loc() -> *mut *const i32 {
        // SAFETY: field projection of a static.
        unsafe { &raw mut (*PTRS.get()).lower }
    }

    /// `const int32_t **__ctype_toupper_loc(void)`.
    ///
    /// # Safety
    /// Always safe.
    fn __ctype_toupper_loc() -> *mut *const i32 {
        // SAFETY: field projection of a static.
        unsafe { &raw mut (*PTRS.get()).upper }
    }
}

// SAFETY: the pointers refer to immutable statics; sharing them across threads is fine.
unsafe impl Sync for TablePtrs {}

#[cfg(test)]
mod tests {
    use super::*;

    unsafe extern "C" {
        #[link_name = "__ctype_b_loc"]
        fn glibc_b() -> *const *const u16;
        #[link_name = "__ctype_tolower_loc"]
        fn glibc_lower() -> *const *const i32;
        #[link_name = "__ctype_toupper_loc"]
        fn glibc_upper() -> *const *const i32;
    }

    #[test]
    fn tables_equal_glibc_c_locale_tables() {
        // SAFETY: glibc's tables are valid for indices -128..=255; the test thread is in the C
        // locale (nothing calls setlocale).
        unsafe {
            let (gb, gl, gu) = (*glibc_b(), *glibc_lower(), *glibc_upper());
            let (mb, ml, mu) = (*__ctype_b_loc(), *__ctype_tolower_loc(), *__ctype_toupper_loc());
            for c in -128isize..=255 {
                assert_eq!(*mb.offset(c), *gb.offset(c), "class of {c}");
                assert_eq!(*ml.offset(c), *gl.offset(c), "tolower of {c}");
                assert_eq!(*mu.offset(c), *gu.offset(c), "toupper of {c}");
            }
        }
    }

    #[test]
    fn functions_equal_glibc() {
        for c in -1..=255 {
            // SAFETY: valid ctype arguments.
            unsafe {
                assert_eq!(isalnum(c) != 0, libc::isalnum(c) != 0);
                assert_eq!(isalpha(c) != 0, libc::isalpha(c) != 0);
                assert_eq!(isblank(c) != 0, libc::isblank(c) != 0);
                assert_eq!(iscntrl(c) != 0, libc::iscntrl(c) != 0);
                assert_eq!(isdigit(c) != 0, libc::isdigit(c) != 0);
                assert_eq!(isgraph(c) != 0, libc::isgraph(c) != 0);
                assert_eq!(islower(c) != 0, libc::islower(c) != 0);
                assert_eq!(isprint(c) != 0, libc::isprint(c) != 0);
                assert_eq!(ispunct(c) != 0, libc::ispunct(c) != 0);
                assert_eq!(isspace(c) != 0, libc::isspace(c) != 0);
                assert_eq!(isupper(c) != 0, libc::isupper(c) != 0);
                assert_eq!(isxdigit(c) != 0, libc::isxdigit(c) != 0);
                assert_eq!(tolower(c), libc::tolower(c));
                assert_eq!(toupper(c), libc::toupper(c));
            }
        }
    }
}
