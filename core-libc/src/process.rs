//! <stdlib.h> process control and environment: exit and its handlers, abort, getenv family,
//! randomness, and the process-management calls a unikernel cannot offer (named stubs).

#![allow(non_snake_case)] // C names: _Exit

use crate::Errno;
use alloc::vec::Vec;
use core::ffi::{CStr, c_char, c_int, c_void};
use core::sync::atomic::AtomicI8;

type AtExit = (unsafe extern "C" fn(*mut c_void), *mut c_void);

struct Handlers {
    at_exit: Vec<AtExit>,
}
// SAFETY: the lock guards the list; the pointers are the program's opaque arguments.
unsafe impl Send for Handlers {}

static HANDLERS: spin::Mutex<Handlers> = spin::Mutex::new(Handlers { at_exit: Vec::new() });
static EXITING: core::sync::atomic::AtomicBool = core::sync::atomic::AtomicBool::new(false);

/// The environment, as C sees it (`environ`, NULL-terminated).
#[cfg_attr(feature = "export-libc", unsafe(no_mangle))]
#[allow(non_upper_case_globals)]
pub static mut environ: *mut *mut c_char = core::ptr::null_mut();
symbol_registry::register!(static environ);
/// glibc's alias of `environ`.
#[cfg_attr(feature = "export-libc", unsafe(no_mangle))]
#[allow(non_upper_case_globals)]
pub static mut __environ: *mut *mut c_char = core::ptr::null_mut();
symbol_registry::register!(static __environ);
/// libstdc++ skips atomics while this `char` is 1: 1 until the first `pthread_create`, then 0.
/// As in glibc, it never goes back to 1 (shared_ptr's counts and the like are atomic from then on).
#[cfg_attr(feature = "export-libc", unsafe(no_mangle))]
#[allow(non_upper_case_globals)]
pub static __libc_single_threaded: AtomicI8 = AtomicI8::new(1);
symbol_registry::register!(static __libc_single_threaded);

/// Install the environment built from the boot command line.
pub fn set_environ(envp: *mut *mut c_char) {
    // SAFETY: called once at boot before the program runs; single thread.
    unsafe {
        environ = envp;
        __environ = envp;
    }
}

fn run_fini_array() {
    // .fini_array sits right after .init_array; linker.ld brackets it.
    #[cfg(not(test))]
    {
        unsafe extern "C" {
            static __fini_array_start: u8;
            static __fini_array_end: u8;
        }
        let (s, e) = (&raw const __fini_array_start as usize, &raw const __fini_array_end as usize);
        for i in (0..(e - s) / 8).rev() {
            // SAFETY: each slot holds a function pointer placed by the linker.
            unsafe {
                let f: extern "C" fn() = core::mem::transmute(*((s as *const usize).add(i)));
                f();
            }
        }
    }
}

/// Leave the program with `code`: thread-local destructors, atexit handlers (last registered
/// first), .fini_array, stdio flush, then the machine's exit. A nested exit (from a handler)
/// skips straight to the machine's exit.
pub fn exit_process(code: c_int) -> ! {
    if !EXITING.swap(true, core::sync::atomic::Ordering::SeqCst) {
        super::pthread::run_thread_exit_handlers();
        loop {
            let h = HANDLERS.lock().at_exit.pop();
            let Some((f, arg)) = h else { break };
            // SAFETY: a handler the program registered, with its argument.
            unsafe { f(arg) };
        }
        run_fini_array();
        #[cfg(feature = "export-libc")]
        crate::stdio::flush_at_exit();
    }
    crate::kernel::machine::exit(code)
}

unsafe extern "C" fn call_void(f: *mut c_void) {
    // SAFETY: `f` was registered through atexit as a `void (*)(void)`.
    let f: extern "C" fn() = unsafe { core::mem::transmute(f) };
    f();
}

fn fill_random(buf: &mut [u8]) {
    for chunk in buf.chunks_mut(8) {
        let r = crate::kernel::machine::random_u64().to_le_bytes();
        chunk.copy_from_slice(&r[..chunk.len()]);
    }
}

/// Find `name` in the environment: index of the entry and pointer to its value.
fn env_find(name: &[u8]) -> Option<(usize, *mut c_char)> {
    // SAFETY: `environ` is a NULL-terminated array of C strings (set at boot or by setenv).
    unsafe {
        let env = environ;
        if env.is_null() {
            return None;
        }
        let mut i = 0;
        while !(*env.add(i)).is_null() {
            let e = *env.add(i);
            let bytes = CStr::from_ptr(e).to_bytes();
            if bytes.len() > name.len() && bytes.starts_with(name) && bytes[name.len()] == b'=' {
                return Some((i, e.add(name.len() + 1)));
            }
            i += 1;
        }
    }
    None
}

crate::libc_fn! {
    /// `void exit(int)`.
    ///
    /// # Safety
    /// Runs the program's exit handlers.
    fn exit(code: c_int) -> ! {
        exit_process(code)
    }

    /// `void _exit(int)`: no handlers, no flush.
    ///
    /// # Safety
    /// Always safe.
    fn _exit(code: c_int) -> ! {
        crate::kernel::machine::exit(code)
    }

    /// `void _Exit(int)`.
    ///
    /// # Safety
    /// Always safe.
    fn _Exit(code: c_int) -> ! {
        crate::kernel::machine::exit(code)
    }

    /// `void abort(void)`: print a backtrace, leave with exit code 101 (`runtime::EXIT_ABORT`).
    ///
    /// # Safety
    /// Always safe.
    fn abort() -> ! {
        let fp: u64;
        // SAFETY: reads the frame pointer register only.
        unsafe { core::arch::asm!("mov {}, rbp", out(reg) fp, options(nomem, nostack)) };
        crate::kernel::kprintln!("core-rt: abort() called");
        crate::kernel::machine::print_backtrace(abort as *const () as u64, fp);
        crate::kernel::machine::exit(crate::kernel::machine::EXIT_ABORT)
    }

    /// `int atexit(void (*)(void))`.
    ///
    /// # Safety
    /// `f` callable.
    fn atexit(f: Option<extern "C" fn()>) -> c_int = -1; {
        let f = f.ok_or(Errno::EINVAL)?;
        HANDLERS.lock().at_exit.push((call_void, f as *mut c_void));
        Ok(0)
    }

    /// `int __cxa_atexit(void (*)(void *), void *, void *dso)`: C++ static destructors.
    ///
    /// # Safety
    /// `f` callable with `arg`.
    fn __cxa_atexit(f: Option<unsafe extern "C" fn(*mut c_void)>, arg: *mut c_void, _dso: *mut c_void) -> c_int = -1; {
        let f = f.ok_or(Errno::EINVAL)?;
        HANDLERS.lock().at_exit.push((f, arg));
        Ok(0)
    }

    /// `int __cxa_thread_atexit_impl(void (*)(void *), void *, void *dso)`: thread-local
    /// destructors of the calling thread, run when it ends (the main thread: first thing at exit).
    ///
    /// # Safety
    /// `f` callable with `arg`.
    fn __cxa_thread_atexit_impl(f: Option<unsafe extern "C" fn(*mut c_void)>, arg: *mut c_void, _dso: *mut c_void) -> c_int = -1; {
        let f = f.ok_or(Errno::EINVAL)?;
        // SAFETY: the running thread's own data.
        unsafe { (*crate::thread::current()).tls_dtors.push((f, arg)) };
        Ok(0)
    }

    /// `void __cxa_finalize(void *)`: only matters for unloading shared objects; nothing unloads.
    ///
    /// # Safety
    /// Always safe.
    fn __cxa_finalize(_dso: *mut c_void) {}

    /// `char *getenv(const char *)`.
    ///
    /// # Safety
    /// `name` is a C string.
    fn getenv(name: *const c_char) -> *mut c_char {
        if name.is_null() {
            return core::ptr::null_mut();
        }
        // SAFETY: caller's contract.
        let n = unsafe { CStr::from_ptr(name) }.to_bytes();
        env_find(n).map_or(core::ptr::null_mut(), |(_, v)| v)
    }

    /// `char *secure_getenv(const char *)`: no privilege boundary exists; same as getenv.
    ///
    /// # Safety
    /// `name` is a C string.
    fn secure_getenv(name: *const c_char) -> *mut c_char {
        // SAFETY: forwarded.
        unsafe { getenv(name) }
    }

    /// `int setenv(const char *, const char *, int)`.
    ///
    /// # Safety
    /// C strings.
    fn setenv(name: *const c_char, value: *const c_char, overwrite: c_int) -> c_int = -1; {
        if name.is_null() || value.is_null() {
            return Err(Errno::EINVAL);
        }
        // SAFETY: caller's contract.
        let (n, v) = unsafe { (CStr::from_ptr(name).to_bytes(), CStr::from_ptr(value).to_bytes()) };
        if n.is_empty() || n.contains(&b'=') {
            return Err(Errno::EINVAL);
        }
        let found = env_find(n);
        if found.is_some() && overwrite == 0 {
            return Ok(0);
        }
        let mut entry: Vec<u8> = Vec::with_capacity(n.len() + v.len() + 2);
        entry.extend_from_slice(n);
        entry.push(b'=');
        entry.extend_from_slice(v);
        entry.push(0);
        let entry = entry.leak().as_mut_ptr() as *mut c_char;
        // SAFETY: `environ` is a NULL-terminated array; we build a new array (the old one may be
        // the boot-time one) and never free strings (getenv results stay valid, as glibc's do).
        unsafe {
            let mut all: Vec<*mut c_char> = Vec::new();
            let mut i = 0;
            while !environ.is_null() && !(*environ.add(i)).is_null() {
                all.push(*environ.add(i));
                i += 1;
            }
            match found {
                Some((idx, _)) => all[idx] = entry,
                None => all.push(entry),
            }
            all.push(core::ptr::null_mut());
            set_environ(all.leak().as_mut_ptr());
        }
        Ok(0)
    }

    /// `int unsetenv(const char *)`.
    ///
    /// # Safety
    /// C string.
    fn unsetenv(name: *const c_char) -> c_int = -1; {
        if name.is_null() {
            return Err(Errno::EINVAL);
        }
        // SAFETY: caller's contract.
        let n = unsafe { CStr::from_ptr(name).to_bytes() };
        while let Some((idx, _)) = env_find(n) {
            // SAFETY: shift the NULL-terminated array down over the removed entry.
            unsafe {
                let mut i = idx;
                while !(*environ.add(i)).is_null() {
                    *environ.add(i) = *environ.add(i + 1);
                    i += 1;
                }
            }
        }
        Ok(0)
    }

    /// `ssize_t getrandom(void *, size_t, unsigned)`: RDRAND, or a TSC-seeded generator.
    ///
    /// # Safety
    /// `buf` writable for `n` bytes.
    fn getrandom(buf: *mut c_void, n: usize, _flags: u32) -> isize {
        // SAFETY: caller's contract.
        fill_random(unsafe { super::unistd::bytes_mut(buf, n) });
        n as isize
    }

    /// `int getentropy(void *, size_t)`.
    ///
    /// # Safety
    /// `buf` writable for `n` bytes.
    fn getentropy(buf: *mut c_void, n: usize) -> c_int = -1; {
        if n > 256 {
            return Err(Errno::EIO);
        }
        // SAFETY: caller's contract.
        fill_random(unsafe { super::unistd::bytes_mut(buf, n) });
        Ok(0)
    }

    /// `uint32_t arc4random(void)`.
    ///
    /// # Safety
    /// Always safe.
    fn arc4random() -> u32 {
        crate::kernel::machine::random_u64() as u32
    }

    /// `void arc4random_buf(void *, size_t)`.
    ///
    /// # Safety
    /// `buf` writable for `n` bytes.
    fn arc4random_buf(buf: *mut c_void, n: usize) {
        // SAFETY: caller's contract.
        fill_random(unsafe { super::unistd::bytes_mut(buf, n) })
    }

    /// core-rt's own hook for the C++ shim (shim/cxx.cc): report a fatal C++ runtime condition
    /// and abort. Not a libc function; named so C++ can call it.
    ///
    /// # Safety
    /// `what` is a C string.
    bridge fn core_rt_cxx_fatal(what: *const c_char, n: usize) -> ! {
        // SAFETY: caller's contract.
        let w = unsafe { CStr::from_ptr(what) }.to_str().unwrap_or("?");
        if n > 0 {
            crate::kernel::kprintln!("core-rt: {w} ({n} bytes requested)");
        } else {
            crate::kernel::kprintln!("core-rt: {w}");
        }
        // SAFETY: abort is always safe to call.
        unsafe { abort() }
    }

    /// `void __stack_chk_fail(void)`: a stack protector canary was overwritten.
    ///
    /// # Safety
    /// Always safe.
    fn __stack_chk_fail() -> ! {
        crate::kernel::kprintln!("core-rt: stack smashing detected (__stack_chk_fail)");
        // SAFETY: abort is always safe to call.
        unsafe { abort() }
    }
}

crate::stub! {
    /// `pid_t fork(void)`: one process only.
    fn fork() -> c_int = -1;
    /// `int execve(...)`.
    fn execve(p: *const c_char, a: *const *const c_char, e: *const *const c_char) -> c_int = -1;
    /// `int execv(...)`.
    fn execv(p: *const c_char, a: *const *const c_char) -> c_int = -1;
    /// `int execvp(...)`.
    fn execvp(p: *const c_char, a: *const *const c_char) -> c_int = -1;
    /// `int posix_spawn(...)`: returns an error number.
    fn posix_spawn(pid: *mut c_int, p: *const c_char, fa: *const c_void, at: *const c_void, a: *const *const c_char, e: *const *const c_char) -> c_int = Errno::ENOSYS as c_int;
    /// `int posix_spawnp(...)`.
    fn posix_spawnp(pid: *mut c_int, p: *const c_char, fa: *const c_void, at: *const c_void, a: *const *const c_char, e: *const *const c_char) -> c_int = Errno::ENOSYS as c_int;
    /// `int posix_spawn_file_actions_init(...)`.
    fn posix_spawn_file_actions_init(fa: *mut c_void) -> c_int = Errno::ENOSYS as c_int;
    /// `int posix_spawn_file_actions_destroy(...)`.
    fn posix_spawn_file_actions_destroy(fa: *mut c_void) -> c_int = Errno::ENOSYS as c_int;
    /// `int posix_spawn_file_actions_adddup2(...)`.
    fn posix_spawn_file_actions_adddup2(fa: *mut c_void, a: c_int, b: c_int) -> c_int = Errno::ENOSYS as c_int;
    /// `int posix_spawn_file_actions_addopen(...)`.
    fn posix_spawn_file_actions_addopen(fa: *mut c_void, f: c_int, p: *const c_char, o: c_int, m: u32) -> c_int = Errno::ENOSYS as c_int;
    /// `pid_t wait(int *)`: no children.
    fn wait(st: *mut c_int) -> c_int = -1;
    /// `pid_t waitpid(pid_t, int *, int)`.
    fn waitpid(pid: c_int, st: *mut c_int, o: c_int) -> c_int = -1;
    /// `pid_t wait4(...)`.
    fn wait4(pid: c_int, st: *mut c_int, o: c_int, ru: *mut c_void) -> c_int = -1;
    /// `unsigned alarm(unsigned)`: no asynchronous signals; returns 0 (no previous alarm).
    fn alarm(s: u32) -> u32 = 0;
    /// `int pause(void)`: would wait forever for a signal that cannot come.
    fn pause() -> c_int = -1;
    /// `pid_t setsid(void)`.
    fn setsid() -> c_int = -1;
    /// `int getpwnam_r(...)`: no user database; returns an error number.
    fn getpwnam_r(n: *const c_char, pw: *mut c_void, b: *mut c_char, l: usize, r: *mut *mut c_void) -> c_int = Errno::ENOSYS as c_int;
    /// `int getpwuid_r(...)`.
    fn getpwuid_r(u: u32, pw: *mut c_void, b: *mut c_char, l: usize, r: *mut *mut c_void) -> c_int = Errno::ENOSYS as c_int;
    /// `void __morestack(void)`: split stacks are not used by anything core-rt links.
    fn __morestack() -> c_int = -1;
}
