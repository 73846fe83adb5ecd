//! `<libintl.h>`: gettext and friends. core-rt has one locale, C, in which glibc's gettext also
//! returns every message untranslated; so the lookups are the identity (plural choice by `n == 1`)
//! and the domain bindings are remembered and reported back, but no catalog is ever read.

use core::ffi::{c_char, c_int, c_ulong};
use core::ptr::null_mut;

/// One remembered binding (domain, directory, codeset), copied into fixed buffers.
#[derive(Clone, Copy)]
struct Binding {
    domain: [u8; 64],
    dir: [u8; 256],
    codeset: [u8; 32],
    has_dir: bool,
    has_codeset: bool,
}

const EMPTY: Binding = Binding { domain: [0; 64], dir: [0; 256], codeset: [0; 32], has_dir: false, has_codeset: false };

struct State {
    current: [u8; 64],
    bindings: [Binding; 16],
    used: usize,
}

/// "messages", glibc's default text domain, in a fixed buffer.
const fn initial_domain() -> [u8; 64] {
    let mut b = [0u8; 64];
    let s = b"messages";
    let mut i = 0;
    while i < s.len() {
        b[i] = s[i];
        i += 1;
    }
    b
}

/// The current domain and the bindings: one table for the process, behind a lock (threads may set
/// domains at the same time; glibc locks them too). The strings the functions return point into it
/// (a static: they stay valid), as glibc's point into its own tables.
static STATE: spin::Mutex<State> =
    spin::Mutex::new(State { current: initial_domain(), bindings: [EMPTY; 16], used: 0 });

/// The glibc default directory for message catalogs.
const DEFAULT_DIR: &[u8] = b"/usr/share/locale\0";

/// Copy a C string into a fixed buffer (truncating, always terminated).
///
/// # Safety
/// `s` NUL-terminated.
unsafe fn store(dst: &mut [u8], s: *const c_char) {
    // SAFETY: per the caller.
    let b = unsafe { core::ffi::CStr::from_ptr(s) }.to_bytes();
    let n = b.len().min(dst.len() - 1);
    dst[..n].copy_from_slice(&b[..n]);
    dst[n] = 0;
}

fn name_eq(buf: &[u8], s: &[u8]) -> bool {
    let n = buf.iter().position(|&c| c == 0).unwrap_or(buf.len());
    &buf[..n] == s
}

/// The binding for `domain` in the locked table `st`, created if `create`.
///
/// # Safety
/// `domain` NUL-terminated.
unsafe fn binding(st: &mut State, domain: *const c_char, create: bool) -> Option<&mut Binding> {
    // SAFETY: per the caller.
    let d = unsafe { core::ffi::CStr::from_ptr(domain) }.to_bytes();
    if let Some(i) = st.bindings[..st.used].iter().position(|b| name_eq(&b.domain, d)) {
        return Some(&mut st.bindings[i]);
    }
    if !create || st.used == st.bindings.len() {
        return None;
    }
    let b = &mut st.bindings[st.used];
    st.used += 1;
    // SAFETY: per the caller.
    unsafe { store(&mut b.domain, domain) };
    Some(b)
}

crate::libc_fn! {
    /// `char *gettext(const char *msgid)`: the message itself (C locale).
    ///
    /// # Safety
    /// Always safe.
    fn gettext(msgid: *const c_char) -> *mut c_char {
        msgid as *mut c_char
    }

    /// `char *dgettext(const char *domain, const char *msgid)`.
    ///
    /// # Safety
    /// Always safe.
    fn dgettext(_domain: *const c_char, msgid: *const c_char) -> *mut c_char {
        msgid as *mut c_char
    }

    /// `char *dcgettext(const char *domain, const char *msgid, int category)`.
    ///
    /// # Safety
    /// Always safe.
    fn dcgettext(_domain: *const c_char, msgid: *const c_char, _category: c_int) -> *mut c_char {
        msgid as *mut c_char
    }

    /// `char *__dcgettext(...)`: glibc's internal name.
    ///
    /// # Safety
    /// Always safe.
    fn __dcgettext(_domain: *const c_char, msgid: *const c_char, _category: c_int) -> *mut c_char {
        msgid as *mut c_char
    }

    /// `char *ngettext(const char *one, const char *many, unsigned long n)`.
    ///
    /// # Safety
    /// Always safe.
    fn ngettext(one: *const c_char, many: *const c_char, n: c_ulong) -> *mut c_char {
        (if n == 1 { one } else { many }) as *mut c_char
    }

    /// `char *dngettext(const char *domain, const char *one, const char *many, unsigned long n)`.
    ///
    /// # Safety
    /// Always safe.
    fn dngettext(_domain: *const c_char, one: *const c_char, many: *const c_char, n: c_ulong) -> *mut c_char {
        (if n == 1 { one } else { many }) as *mut c_char
    }

    /// `char *dcngettext(..., int category)`.
    ///
    /// # Safety
    /// Always safe.
    fn dcngettext(_domain: *const c_char, one: *const c_char, many: *const c_char, n: c_ulong, _category: c_int) -> *mut c_char {
        (if n == 1 { one } else { many }) as *mut c_char
    }

    /// `char *textdomain(const char *domain)`: set (non-NULL) and return the current domain.
    ///
    /// # Safety
    /// `domain` NULL or NUL-terminated.
    fn textdomain(domain: *const c_char) -> *mut c_char {
        let mut st = STATE.lock();
        if !domain.is_null() {
            // SAFETY: per the caller.
            unsafe { store(&mut st.current, domain) };
        }
        st.current.as_mut_ptr() as *mut c_char
    }

    /// `char *bindtextdomain(const char *domain, const char *dir)`: remember `dir`; NULL
    /// queries (the default is glibc's /usr/share/locale).
    ///
    /// # Safety
    /// `domain` NUL-terminated; `dir` NULL or NUL-terminated.
    fn bindtextdomain(domain: *const c_char, dir: *const c_char) -> *mut c_char {
        if domain.is_null() {
            return null_mut();
        }
        let mut st = STATE.lock();
        // SAFETY: per the caller.
        let Some(b) = (unsafe { binding(&mut st, domain, !dir.is_null()) }) else {
            return DEFAULT_DIR.as_ptr() as *mut c_char;
        };
        if !dir.is_null() {
            // SAFETY: per the caller.
            unsafe { store(&mut b.dir, dir) };
            b.has_dir = true;
        }
        if b.has_dir { b.dir.as_mut_ptr() as *mut c_char } else { DEFAULT_DIR.as_ptr() as *mut c_char }
    }

    /// `char *bind_textdomain_codeset(const char *domain, const char *codeset)`: remember the
    /// codeset; NULL queries (NULL when none was set).
    ///
    /// # Safety
    /// `domain` NUL-terminated; `codeset` NULL or NUL-terminated.
    fn bind_textdomain_codeset(domain: *const c_char, codeset: *const c_char) -> *mut c_char {
        if domain.is_null() {
            return null_mut();
        }
        let mut st = STATE.lock();
        // SAFETY: per the caller.
        let Some(b) = (unsafe { binding(&mut st, domain, !codeset.is_null()) }) else {
            return null_mut();
        };
        if !codeset.is_null() {
            // SAFETY: per the caller.
            unsafe { store(&mut b.codeset, codeset) };
            b.has_codeset = true;
        }
        if b.has_codeset { b.codeset.as_mut_ptr() as *mut c_char } else { null_mut() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::from_c;

    #[test]
    fn identity_lookups_and_bindings() {
        let _g = crate::testkit::errno_lock();
        // SAFETY: NUL-terminated strings.
        unsafe {
            let m = c"hello";
            assert_eq!(gettext(m.as_ptr()), m.as_ptr() as *mut c_char);
            assert_eq!(dcgettext(c"llvm".as_ptr(), m.as_ptr(), 5), m.as_ptr() as *mut c_char);
            assert_eq!(from_c(ngettext(c"file".as_ptr(), c"files".as_ptr(), 2)), b"files");
            assert_eq!(from_c(ngettext(c"file".as_ptr(), c"files".as_ptr(), 1)), b"file");
            assert_eq!(from_c(bindtextdomain(c"dom".as_ptr(), core::ptr::null())), b"/usr/share/locale");
            assert_eq!(from_c(bindtextdomain(c"dom".as_ptr(), c"/boot/locale".as_ptr())), b"/boot/locale");
            assert_eq!(from_c(bindtextdomain(c"dom".as_ptr(), core::ptr::null())), b"/boot/locale");
            assert!(bind_textdomain_codeset(c"dom".as_ptr(), core::ptr::null()).is_null());
            assert_eq!(from_c(bind_textdomain_codeset(c"dom".as_ptr(), c"UTF-8".as_ptr())), b"UTF-8");
            assert_eq!(from_c(textdomain(core::ptr::null())), b"messages");
            assert_eq!(from_c(textdomain(c"app".as_ptr())), b"app");
        }
    }
}
