//! Host services for drivers on a Linux-like libc, kept out of the interpreter core: a `dlsym`
//! resolver, and a pre-check that runs LLVM's bitcode reader on untrusted input in a forked child
//! (LLVM's reader can crash on malformed bitcode). On a platform without `fork` (bare metal) the
//! pre-check reports that it could not isolate, and the caller loads in-process.

use crate::program::Resolver;
use std::ffi::CString;

/// Resolve symbols with `dlsym(RTLD_DEFAULT)`, also searching libm (not otherwise linked).
pub struct DlsymResolver {
    libm: *mut libc::c_void,
}

impl DlsymResolver {
    pub fn new() -> DlsymResolver {
        // SAFETY: dlopen with a constant NUL-terminated name; a null result is handled in `resolve`.
        let libm = unsafe { libc::dlopen(c"libm.so.6".as_ptr(), libc::RTLD_NOW | libc::RTLD_GLOBAL) };
        DlsymResolver { libm }
    }
}

impl Default for DlsymResolver {
    fn default() -> Self {
        Self::new()
    }
}

impl Resolver for DlsymResolver {
    fn resolve(&self, name: &str) -> Option<usize> {
        let c = CString::new(name).ok()?;
        // SAFETY: dlsym with a valid handle (RTLD_DEFAULT or libm's) and a NUL-terminated name.
        let mut p = unsafe { libc::dlsym(libc::RTLD_DEFAULT, c.as_ptr()) };
        if p.is_null() && !self.libm.is_null() {
            // SAFETY: `libm` is the handle dlopen returned (checked non-null) and `c` a NUL-terminated name.
            p = unsafe { libc::dlsym(self.libm, c.as_ptr()) };
        }
        if p.is_null() && name == "atexit" {
            // glibc's atexit lives in libc_nonshared.a (not exported): forward to __cxa_atexit.
            return Some(host_atexit as *const () as usize);
        }
        (!p.is_null()).then_some(p as usize)
    }
}

/// `atexit(f)` as `__cxa_atexit(f, NULL, NULL)` (what glibc's static atexit does).
extern "C" fn host_atexit(f: extern "C" fn()) -> libc::c_int {
    type CxaAtexit = extern "C" fn(extern "C" fn(), *mut libc::c_void, *mut libc::c_void) -> libc::c_int;
    // SAFETY: dlsym with a constant NUL-terminated name.
    let p = unsafe { libc::dlsym(libc::RTLD_DEFAULT, c"__cxa_atexit".as_ptr()) };
    if p.is_null() {
        return -1;
    }
    // SAFETY: __cxa_atexit's signature (its first parameter takes one pointer argument, which
    // a no-argument function ignores under the SysV ABI).
    let cxa: CxaAtexit = unsafe { std::mem::transmute(p) };
    cxa(f, std::ptr::null_mut(), std::ptr::null_mut())
}

/// Result of the isolated pre-check.
#[derive(Debug, PartialEq, Eq)]
pub enum Precheck {
    /// The child parsed and verified the bitcode.
    Ok,
    /// The bitcode is bad (message names `name`).
    Bad(String),
    /// No child process could be made: load in-process.
    NotIsolated,
}

/// Parse and verify `bytes` with LLVM in a forked child, so a crash of LLVM's reader becomes an error.
pub fn precheck_isolated(bytes: &[u8], name: &str) -> Precheck {
    let mut fds = [0i32; 2];
    // SAFETY: pipe() writes two descriptors into `fds`.
    if unsafe { libc::pipe(fds.as_mut_ptr()) } != 0 {
        return Precheck::NotIsolated;
    }
    // SAFETY: fork(); the child only parses, writes to the pipe and _exit()s.
    let pid = unsafe { libc::fork() };
    if pid < 0 {
        // SAFETY: closing our own descriptors.
        unsafe {
            libc::close(fds[0]);
            libc::close(fds[1]);
        }
        return Precheck::NotIsolated;
    }
    if pid == 0 {
        let code = match crate::llvm::load_bitcode(bytes, name, false) {
            Ok(_) => 0,
            Err(e) => {
                // SAFETY: writing our own buffer to our own pipe, then leaving without cleanup.
                unsafe { libc::write(fds[1], e.as_ptr().cast(), e.len()) };
                1
            }
        };
        // SAFETY: end the child immediately (no atexit handlers, no stdio flush).
        unsafe { libc::_exit(code) }
    }
    // SAFETY: closing the write end we do not use.
    unsafe { libc::close(fds[1]) };
    let mut msg = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        // SAFETY: reading into our buffer from our pipe.
        let n = unsafe { libc::read(fds[0], buf.as_mut_ptr().cast(), buf.len()) };
        if n <= 0 {
            break;
        }
        msg.extend_from_slice(&buf[..n as usize]);
    }
    let mut status = 0;
    // SAFETY: waiting for our own child; closing our descriptor.
    unsafe {
        libc::close(fds[0]);
        libc::waitpid(pid, &mut status, 0);
    }
    if libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0 {
        Precheck::Ok
    } else if libc::WIFEXITED(status) {
        Precheck::Bad(String::from_utf8_lossy(&msg).into_owned())
    } else if libc::WIFSIGNALED(status) {
        Precheck::Bad(format!(
            "{name}: malformed bitcode: LLVM's reader crashed on it (signal {})",
            libc::WTERMSIG(status)
        ))
    } else {
        Precheck::Bad(format!("{name}: malformed bitcode"))
    }
}
