//! The `bareflow.h` C API (header: `tier/include/bareflow.h`): extern "C" functions, each entered
//! in the symbol registry where it is defined, so irvm, the JIT and dlsym find them in every tier
//! and on bare metal, and
//! `exit` as JIT-compiled code sees it ([`exit_shim`]).
//!
//! C has no context argument to pass, so this module holds the one place where the running
//! session is reachable without one: [`LIVE`], set by [`LiveSession::enter`] for as long as the
//! session runs (see its `# Safety`). The session is the driver's; it is seen here as a
//! [`LiveRun`].

use crate::Tiering;
use irvm::Machine;
use orc_bridge::OptLevel;
use std::ffi::{CStr, c_char};
use std::sync::atomic::{AtomicPtr, Ordering};

/// What the C API acts on: the running session, as the driver provides it.
pub trait LiveRun {
    /// The machine, the tier manager (None: `--tier interp`) and the timed regions.
    fn parts(&mut self) -> (&mut Machine, Option<&mut Tiering>, &mut Regions);

    /// `exit` from JIT code: the run's at-exit work (snapshot, reports), then the process ends.
    fn exit(&mut self, code: i32) -> !;
}

/// The session whose program is running, or null: the only session state C and JIT code can
/// reach. It points at the cell a [`LiveSession`] owns (a cell, because a `dyn` pointer does not
/// fit an atomic). Set and cleared by [`LiveSession`] only; read by [`with_live`] and
/// [`pthread_create_shim`] only.
static LIVE: AtomicPtr<Live> = AtomicPtr::new(std::ptr::null_mut());

/// The live session, and its machine's interpreter lock (taken around every use of the session
/// once the program runs threads).
struct Live {
    run: *mut dyn LiveRun,
    gate: irvm::ThreadGate,
}

/// While this guard lives, the C API and [`exit_shim`] act on its session.
pub struct LiveSession {
    cell: Box<Live>,
}

impl LiveSession {
    /// Make `run` the live session; `gate` is its machine's [`irvm::Machine::thread_gate`].
    ///
    /// # Safety
    /// `run` stays valid and in place for as long as the guard lives, and is used by nothing
    /// else while C or JIT code runs (the program's own calls into the C API are the only users
    /// then, one at a time under `gate`). The `bareflow` driver boxes its session and ends the
    /// process inside the session's scope, so interpreted and JIT code running at process exit
    /// (atexit handlers) still find it.
    pub unsafe fn enter(run: *mut dyn LiveRun, gate: irvm::ThreadGate) -> LiveSession {
        let mut cell = Box::new(Live { run, gate });
        LIVE.store(&mut *cell, Ordering::Release);
        LiveSession { cell }
    }
}

impl Drop for LiveSession {
    fn drop(&mut self) {
        let _ = LIVE.compare_exchange(&mut *self.cell, std::ptr::null_mut(), Ordering::AcqRel, Ordering::Acquire);
    }
}

/// Run `body` on the live session (None: no session is live).
fn with_live<R>(body: impl FnOnce(&mut dyn LiveRun) -> R) -> Option<R> {
    let cell = LIVE.load(Ordering::Acquire);
    if cell.is_null() {
        return None;
    }
    // SAFETY: a non-null LIVE points at the cell of a live `LiveSession`.
    let live = unsafe { &*cell };
    // SAFETY: the cell holds the pointer its `enter` was given; that run is valid, in place and
    // otherwise unused while C or JIT code runs (`enter`'s contract). The program calls the C API
    // only from its own code — interpreted code through irvm's native call, or JIT code — while
    // irvm is outside the machine on this thread; once the program runs threads, the interpreter
    // lock (`hold`) keeps every other thread off the machine and its hooks, so this is the only
    // reference in use.
    Some(live.gate.hold(|| body(unsafe { &mut *live.run })))
}

/// Named regions timed by jit_profile_begin/end.
#[derive(Default)]
pub struct Regions(Vec<Region>);

struct Region {
    name: String,
    /// TSC at the open `jit_profile_begin` (0: closed).
    start: u64,
    cycles: u64,
    count: u64,
}

impl Regions {
    /// Timed regions so far: (name, total cycles, count).
    pub fn totals(&self) -> Vec<(String, u64, u64)> {
        self.0.iter().map(|r| (r.name.clone(), r.cycles, r.count)).collect()
    }
}

fn rdtsc() -> u64 {
    // SAFETY: rdtsc has no preconditions on x86-64.
    unsafe { core::arch::x86_64::_rdtsc() }
}

/// # Safety
/// `p` is null or a NUL-terminated string.
unsafe fn name(p: *const c_char) -> Option<String> {
    if p.is_null() {
        return None;
    }
    // SAFETY: `p` is non-null, and a NUL-terminated string by this function's contract.
    Some(unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned())
}

/// Start timing region `name`; works in every tier (nothing to fail: a null `name` is
/// ignored).
///
/// # Safety
/// `n` is null or a NUL-terminated string.
pub unsafe extern "C" fn jit_profile_begin(n: *const c_char) {
    // SAFETY: `n` is null or NUL-terminated (this function's contract).
    let Some(n) = (unsafe { name(n) }) else { return };
    with_live(|s| {
        let r = &mut s.parts().2.0;
        match r.iter_mut().find(|x| x.name == n) {
            Some(x) => x.start = rdtsc(),
            None => r.push(Region { name: n, start: rdtsc(), cycles: 0, count: 0 }),
        }
    });
}
symbol_registry::register!(fn jit_profile_begin);

/// Stop timing region `name`, counting one pass; works in every tier (nothing to fail: a
/// region that is not open is ignored).
///
/// # Safety
/// `n` is null or a NUL-terminated string.
pub unsafe extern "C" fn jit_profile_end(n: *const c_char) {
    let now = rdtsc();
    // SAFETY: `n` is null or NUL-terminated (this function's contract).
    let Some(n) = (unsafe { name(n) }) else { return };
    with_live(|s| {
        if let Some(x) = s.parts().2.0.iter_mut().find(|x| x.name == n && x.start != 0) {
            x.cycles += now.wrapping_sub(x.start);
            x.count += 1;
            x.start = 0;
        }
    });
}
symbol_registry::register!(fn jit_profile_end);

/// Calls of function `name` counted so far; 0 if there is no such function. Counted are the
/// calls irvm makes or receives, and under `--tier auto` calls from JIT-compiled code while the
/// callee can still tier up; under `--tier jit` calls between compiled functions are not counted.
///
/// # Safety
/// `n` is null or a NUL-terminated string.
pub unsafe extern "C" fn jit_get_call_count(n: *const c_char) -> u64 {
    // SAFETY: `n` is null or NUL-terminated (this function's contract).
    let Some(n) = (unsafe { name(n) }) else { return 0 };
    with_live(|s| {
        let m = s.parts().0;
        m.function_named(&n).map(|f| m.calls(f))
    })
    .flatten()
    .unwrap_or(0)
}
symbol_registry::register!(fn jit_get_call_count);

/// Average inclusive cycles per call of `name`, measured while interpreted; 0 if it never ran
/// interpreted or there is no such function.
///
/// # Safety
/// `n` is null or a NUL-terminated string.
pub unsafe extern "C" fn jit_get_avg_cycles(n: *const c_char) -> u64 {
    // SAFETY: `n` is null or NUL-terminated (this function's contract).
    let Some(n) = (unsafe { name(n) }) else { return 0 };
    with_live(|s| {
        let m = s.parts().0;
        m.function_named(&n).map(|f| m.average_cycles(f))
    })
    .flatten()
    .unwrap_or(0)
}
symbol_registry::register!(fn jit_get_avg_cycles);

/// Current tier of `name`: 0..3, the opt level of its JIT-compiled code; -1 if it is
/// interpreted, there is no tier manager (`--tier interp`) or no such function.
///
/// # Safety
/// `n` is null or a NUL-terminated string.
pub unsafe extern "C" fn jit_get_optimization_level(n: *const c_char) -> i32 {
    // SAFETY: `n` is null or NUL-terminated (this function's contract).
    let Some(n) = (unsafe { name(n) }) else { return -1 };
    with_live(|s| {
        let (m, t, _) = s.parts();
        let f = m.function_named(&n)?;
        t?.levels[f.index()].map(|l| i32::from(l.number()))
    })
    .flatten()
    .unwrap_or(-1)
}
symbol_registry::register!(fn jit_get_optimization_level);

/// Set the warm / hot / very hot thresholds (heat = calls + loop back-edges): 0, or -1 (nothing
/// changes) without a tier manager (`--tier interp`) or unless 1 <= warm <= hot <= very_hot.
pub extern "C" fn jit_set_threshold(warm: u64, hot: u64, very_hot: u64) -> i32 {
    let th = super::policy::Thresholds { warm, hot, very_hot };
    if th.check().is_err() {
        return -1;
    }
    with_live(|s| {
        let (m, t, _) = s.parts();
        let Some(t) = t else { return -1 };
        t.thresholds = th;
        // Re-check every function at its next call.
        for f in m.functions() {
            if m.tier_mark(f) != u64::MAX || t.levels[f.index()] != Some(OptLevel::O3) {
                m.set_tier_mark(f, 0);
            }
        }
        0
    })
    .unwrap_or(-1)
}
symbol_registry::register!(fn jit_set_threshold);

/// Tier up now every function whose heat reached the hot threshold (to O2, or O3 if very hot):
/// how many were compiled, or -1 without a tier manager (`--tier interp`).
pub extern "C" fn jit_optimize_hot_functions() -> i32 {
    with_live(|s| {
        let (m, t, _) = s.parts();
        let Some(t) = t else { return -1 };
        let mut n = 0;
        for f in m.defined_functions().collect::<Vec<_>>() {
            if m.calls(f) == 0 {
                continue;
            }
            let heat = super::policy::heat(m, f) - 1;
            let to = if heat >= t.thresholds.very_hot { OptLevel::O3 } else { OptLevel::O2 };
            if heat >= t.thresholds.hot
                && t.levels[f.index()].is_none_or(|l| l < to)
                && t.compile(m, f, to, "jit_optimize_hot_functions()".into()).is_ok()
            {
                n += 1;
            }
        }
        n
    })
    .unwrap_or(-1)
}
symbol_registry::register!(fn jit_optimize_hot_functions);

/// `pthread_create` as JIT-compiled code sees it: the C library's, once the live session's
/// interpreter lock is in use (the new thread may enter interpreted code, and this one returns
/// to the interpreter holding no lock).
///
/// # Safety
/// The C library's `pthread_create` contract.
pub unsafe extern "C" fn pthread_create_shim(
    thread: *mut libc::pthread_t,
    attr: *const libc::pthread_attr_t,
    start: extern "C" fn(*mut libc::c_void) -> *mut libc::c_void,
    arg: *mut libc::c_void,
) -> libc::c_int {
    let cell = LIVE.load(Ordering::Acquire);
    if !cell.is_null() {
        // SAFETY: a non-null LIVE points at the cell of a live `LiveSession`; only its gate (shared,
        // synchronized) is used.
        unsafe { (*cell).gate.begin_threads() };
    }
    // SAFETY: the caller's arguments, passed on (# Safety).
    unsafe { libc::pthread_create(thread, attr, start, arg) }
}

/// `pthread_exit` as JIT-compiled code sees it: refused, as irvm refuses it (glibc ends the
/// thread by a forced unwind, which cannot cross the interpreter's frames below the thread's
/// start routine). One line, then exit status 2 after the session's at-exit work.
pub extern "C" fn pthread_exit_refused() -> ! {
    eprintln!("bareflow run: unsupported call to 'pthread_exit': return from the thread's start routine instead");
    with_live(|s| s.exit(2));
    std::process::exit(2)
}

/// A thread-local variable's address as JIT-compiled code gets it
/// ([`orc_bridge::extract::TLS_ADDRESS`]): the calling thread's copy of the variable whose first
/// thread's copy is at `first`. Takes no lock: the copies hang off a pthread key.
pub extern "C" fn tls_address(first: *mut u8) -> *mut u8 {
    let cell = LIVE.load(Ordering::Acquire);
    // SAFETY: a non-null LIVE points at the cell of a live `LiveSession`; only its gate (shared,
    // synchronized) is used.
    let own = (!cell.is_null()).then(|| unsafe { (*cell).gate.tls_address(first as u64) }).flatten();
    match own {
        Some(a) => a as *mut u8,
        None => {
            eprintln!(
                "bareflow run: JIT code asked for the thread-local copy of {first:p}, which is no thread-local variable"
            );
            std::process::abort()
        }
    }
}

/// `exit` as JIT-compiled code sees it: the session's at-exit work (snapshot, reports), then
/// the C library's exit.
pub extern "C" fn exit_shim(code: i32) -> ! {
    with_live(|s| s.exit(code));
    std::process::exit(code)
}
