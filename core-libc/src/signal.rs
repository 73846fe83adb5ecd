//! <signal.h>: there are no asynchronous signals on bare metal (CPU faults are reported by the
//! exception handlers), so handlers, the mask and the alternate stack are bookkeeping that
//! round-trips exactly as POSIX describes. raise/kill on ourselves deliver synchronously: a
//! handler is called, SIG_IGN does nothing, SIG_DFL terminates (exit code 128 + signal, capped
//! to the 7 bits the exit device carries).

use crate::Errno;
use core::ffi::c_int;

const NSIG: usize = 65;

struct State {
    actions: [libc::sigaction; NSIG],
    mask: libc::sigset_t,
    altstack: libc::stack_t,
}
// SAFETY: the raw pointers inside are the program's handler and stack addresses, stored and handed
// back, never dereferenced here; every access goes through `STATE`'s lock.
unsafe impl Send for State {}

static STATE: spin::Mutex<Option<State>> = spin::Mutex::new(None);

fn with<R>(f: impl FnOnce(&mut State) -> R) -> R {
    let mut g = STATE.lock();
    let s = g.get_or_insert_with(|| State {
        // SAFETY: these are plain C structs; all-zero means SIG_DFL, empty mask, no stack.
        actions: unsafe { core::mem::zeroed() },
        // SAFETY: as above.
        mask: unsafe { core::mem::zeroed() },
        altstack: libc::stack_t { ss_sp: core::ptr::null_mut(), ss_flags: libc::SS_DISABLE, ss_size: 0 },
    });
    f(s)
}

fn valid(sig: c_int) -> bool {
    (1..NSIG as c_int).contains(&sig)
}

fn deliver(sig: c_int) -> Result<c_int, Errno> {
    if !valid(sig) {
        return Err(Errno::EINVAL);
    }
    let act = with(|s| s.actions[sig as usize]);
    match act.sa_sigaction {
        libc::SIG_IGN => Ok(0),
        libc::SIG_DFL => {
            if matches!(sig, libc::SIGCHLD | libc::SIGURG | libc::SIGWINCH | libc::SIGCONT) {
                return Ok(0);
            }
            crate::kernel::kprintln!("core-rt: terminated by signal {sig}");
            super::process::exit_process((128 + sig).min(127))
        }
        h => {
            // SAFETY: the program installed `h` as the handler for `sig`.
            unsafe {
                if act.sa_flags & libc::SA_SIGINFO != 0 {
                    let f: extern "C" fn(c_int, *mut libc::siginfo_t, *mut core::ffi::c_void) = core::mem::transmute(h);
                    let mut info: libc::siginfo_t = core::mem::zeroed();
                    info.si_signo = sig;
                    f(sig, &mut info, core::ptr::null_mut());
                } else {
                    let f: extern "C" fn(c_int) = core::mem::transmute(h);
                    f(sig);
                }
            }
            Ok(0)
        }
    }
}

crate::libc_fn! {
    /// `int sigaction(int, const struct sigaction *, struct sigaction *)`.
    ///
    /// # Safety
    /// Pointers null or valid.
    fn sigaction(sig: c_int, act: *const libc::sigaction, old: *mut libc::sigaction) -> c_int = -1; {
        if !valid(sig) || (!act.is_null() && (sig == libc::SIGKILL || sig == libc::SIGSTOP)) {
            return Err(Errno::EINVAL);
        }
        with(|s| {
            if !old.is_null() {
                // SAFETY: caller's contract.
                unsafe { old.write(s.actions[sig as usize]) };
            }
            if !act.is_null() {
                // SAFETY: caller's contract.
                s.actions[sig as usize] = unsafe { *act };
            }
        });
        Ok(0)
    }

    /// `sighandler_t signal(int, sighandler_t)`.
    ///
    /// # Safety
    /// Always safe.
    fn signal(sig: c_int, handler: libc::sighandler_t) -> libc::sighandler_t = libc::SIG_ERR; {
        if !valid(sig) || sig == libc::SIGKILL || sig == libc::SIGSTOP {
            return Err(Errno::EINVAL);
        }
        Ok(with(|s| {
            let old = s.actions[sig as usize].sa_sigaction;
            s.actions[sig as usize].sa_sigaction = handler;
            s.actions[sig as usize].sa_flags = libc::SA_RESTART;
            old
        }))
    }

    /// `int sigaltstack(const stack_t *, stack_t *)`.
    ///
    /// # Safety
    /// Pointers null or valid.
    fn sigaltstack(ss: *const libc::stack_t, old: *mut libc::stack_t) -> c_int = -1; {
        with(|s| {
            if !old.is_null() {
                // SAFETY: caller's contract.
                unsafe { old.write(s.altstack) };
            }
            if !ss.is_null() {
                // SAFETY: caller's contract.
                let n = unsafe { *ss };
                if n.ss_flags & !libc::SS_DISABLE != 0 {
                    return Err(Errno::EINVAL);
                }
                if n.ss_flags & libc::SS_DISABLE == 0 && n.ss_size < libc::MINSIGSTKSZ {
                    return Err(Errno::ENOMEM);
                }
                s.altstack = n;
            }
            Ok(0)
        })
    }

    /// `int sigprocmask(int, const sigset_t *, sigset_t *)`.
    ///
    /// # Safety
    /// Pointers null or valid.
    fn sigprocmask(how: c_int, set: *const libc::sigset_t, old: *mut libc::sigset_t) -> c_int = -1; {
        with(|s| {
            if !old.is_null() {
                // SAFETY: caller's contract.
                unsafe { old.write(s.mask) };
            }
            if set.is_null() {
                return Ok(0);
            }
            let cur: &mut [u64; 16] = unsafe_cast(&mut s.mask);
            // SAFETY: caller's contract; sigset_t is 16 u64 words.
            let new: [u64; 16] = unsafe { *(set as *const [u64; 16]) };
            for i in 0..16 {
                cur[i] = match how {
                    libc::SIG_BLOCK => cur[i] | new[i],
                    libc::SIG_UNBLOCK => cur[i] & !new[i],
                    libc::SIG_SETMASK => new[i],
                    _ => return Err(Errno::EINVAL),
                };
            }
            Ok(0)
        })
    }

    /// `int sigemptyset(sigset_t *)`.
    ///
    /// # Safety
    /// `set` writable.
    fn sigemptyset(set: *mut libc::sigset_t) -> c_int {
        // SAFETY: caller's contract.
        unsafe { core::ptr::write_bytes(set as *mut u8, 0, core::mem::size_of::<libc::sigset_t>()) };
        0
    }

    /// `int sigfillset(sigset_t *)`.
    ///
    /// # Safety
    /// `set` writable.
    fn sigfillset(set: *mut libc::sigset_t) -> c_int {
        // SAFETY: caller's contract.
        unsafe { core::ptr::write_bytes(set as *mut u8, 0xff, core::mem::size_of::<libc::sigset_t>()) };
        0
    }

    /// `int sigaddset(sigset_t *, int)`.
    ///
    /// # Safety
    /// `set` writable.
    fn sigaddset(set: *mut libc::sigset_t, sig: c_int) -> c_int = -1; {
        if !valid(sig) {
            return Err(Errno::EINVAL);
        }
        // SAFETY: caller's contract; sigset_t is 16 u64 words.
        unsafe { (*(set as *mut [u64; 16]))[(sig as usize - 1) / 64] |= 1 << ((sig - 1) % 64) };
        Ok(0)
    }

    /// `int sigdelset(sigset_t *, int)`.
    ///
    /// # Safety
    /// `set` writable.
    fn sigdelset(set: *mut libc::sigset_t, sig: c_int) -> c_int = -1; {
        if !valid(sig) {
            return Err(Errno::EINVAL);
        }
        // SAFETY: caller's contract.
        unsafe { (*(set as *mut [u64; 16]))[(sig as usize - 1) / 64] &= !(1 << ((sig - 1) % 64)) };
        Ok(0)
    }

    /// `int sigismember(const sigset_t *, int)`.
    ///
    /// # Safety
    /// `set` readable.
    fn sigismember(set: *const libc::sigset_t, sig: c_int) -> c_int = -1; {
        if !valid(sig) {
            return Err(Errno::EINVAL);
        }
        // SAFETY: caller's contract.
        Ok((unsafe { (*(set as *const [u64; 16]))[(sig as usize - 1) / 64] } >> ((sig - 1) % 64) & 1) as c_int)
    }

    /// `int raise(int)`: synchronous delivery (see module doc).
    ///
    /// # Safety
    /// Runs the program's handler.
    fn raise(sig: c_int) -> c_int = -1; {
        deliver(sig)
    }

    /// `int kill(pid_t, int)`: only ourselves (pid 1, 0 or -1) exist.
    ///
    /// # Safety
    /// Runs the program's handler.
    fn kill(pid: c_int, sig: c_int) -> c_int = -1; {
        if !matches!(pid, -1..=1) {
            return Err(Errno::ESRCH);
        }
        if sig == 0 {
            return Ok(0);
        }
        deliver(sig)
    }
}

fn unsafe_cast(m: &mut libc::sigset_t) -> &mut [u64; 16] {
    // SAFETY: glibc's sigset_t is 1024 bits = 16 u64 words, same size and alignment.
    unsafe { &mut *(m as *mut libc::sigset_t as *mut [u64; 16]) }
}
