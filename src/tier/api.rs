//! The `bareflow.h` C API (core-rt/include/bareflow.h): extern "C" functions registered as
//! explicit symbols for irvm and the JIT, so they work in every tier and on bare metal.

use super::current;
use orc_bridge::OptLevel;
use std::ffi::{CStr, c_char};

/// (name, address) of every API function.
pub fn table() -> Vec<(&'static str, usize)> {
    vec![
        ("jit_profile_begin", jit_profile_begin as *const () as usize),
        ("jit_profile_end", jit_profile_end as *const () as usize),
        ("jit_get_call_count", jit_get_call_count as *const () as usize),
        ("jit_get_avg_cycles", jit_get_avg_cycles as *const () as usize),
        ("jit_optimize_hot_functions", jit_optimize_hot_functions as *const () as usize),
        ("jit_set_threshold", jit_set_threshold as *const () as usize),
        ("jit_get_optimization_level", jit_get_optimization_level as *const () as usize),
    ]
}

/// Named regions timed by jit_profile_begin/end: (name, start tsc, total cycles, count).
static mut REGIONS: Vec<(String, u64, u64, u64)> = Vec::new();

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
    // SAFETY: caller's contract.
    Some(unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned())
}

/// Timed regions so far: (name, total cycles, count).
pub fn regions() -> Vec<(String, u64, u64)> {
    // SAFETY: single-threaded.
    unsafe { (*std::ptr::addr_of!(REGIONS)).iter().map(|r| (r.0.clone(), r.2, r.3)).collect() }
}

/// Start timing region `name`.
///
/// # Safety
/// `n` is null or a NUL-terminated string.
pub unsafe extern "C" fn jit_profile_begin(n: *const c_char) {
    // SAFETY: caller's contract.
    let Some(n) = (unsafe { name(n) }) else { return };
    // SAFETY: single-threaded access to the region table.
    let r = unsafe { &mut *std::ptr::addr_of_mut!(REGIONS) };
    match r.iter_mut().find(|x| x.0 == n) {
        Some(x) => x.1 = rdtsc(),
        None => r.push((n, rdtsc(), 0, 0)),
    }
}

/// Stop timing region `name`.
///
/// # Safety
/// `n` is null or a NUL-terminated string.
pub unsafe extern "C" fn jit_profile_end(n: *const c_char) {
    let now = rdtsc();
    // SAFETY: caller's contract.
    let Some(n) = (unsafe { name(n) }) else { return };
    // SAFETY: single-threaded access to the region table.
    let r = unsafe { &mut *std::ptr::addr_of_mut!(REGIONS) };
    if let Some(x) = r.iter_mut().find(|x| x.0 == n && x.1 != 0) {
        x.2 += now.wrapping_sub(x.1);
        x.3 += 1;
        x.1 = 0;
    }
}

fn func_index(n: &str) -> Option<(usize, *mut irvm::Machine)> {
    let (m, _) = current()?;
    // SAFETY: the machine lives for the rest of the process; read-only lookup.
    let mm = unsafe { &*m };
    mm.prog.funcs.iter().position(|f| f.name == n).map(|i| (i, m))
}

/// Calls of function `name` counted so far (by irvm; calls between JIT-compiled functions are
/// not counted), or 0 if unknown.
///
/// # Safety
/// `n` is null or a NUL-terminated string.
pub unsafe extern "C" fn jit_get_call_count(n: *const c_char) -> u64 {
    // SAFETY: caller's contract.
    let Some(n) = (unsafe { name(n) }) else { return 0 };
    let Some((i, m)) = func_index(&n) else { return 0 };
    // SAFETY: live machine, read of a counter.
    unsafe { (&(*m).stats)[i].calls }
}

/// Average inclusive cycles per call of `name` (0 if never timed).
///
/// # Safety
/// `n` is null or a NUL-terminated string.
pub unsafe extern "C" fn jit_get_avg_cycles(n: *const c_char) -> u64 {
    // SAFETY: caller's contract.
    let Some(n) = (unsafe { name(n) }) else { return 0 };
    let Some((i, m)) = func_index(&n) else { return 0 };
    // SAFETY: live machine, read of counters.
    let st = unsafe { &(&(*m).stats)[i] };
    st.timed_dt.checked_div(st.timed).or_else(|| st.incl.checked_div(st.calls)).unwrap_or(0)
}

/// Current tier of `name`: -1 interpreted (or unknown), 0..3 the JIT opt level.
///
/// # Safety
/// `n` is null or a NUL-terminated string.
pub unsafe extern "C" fn jit_get_optimization_level(n: *const c_char) -> i32 {
    // SAFETY: caller's contract.
    let Some(n) = (unsafe { name(n) }) else { return -1 };
    let Some((i, _)) = func_index(&n) else { return -1 };
    let Some((_, t)) = current() else { return -1 };
    if t.is_null() {
        return -1;
    }
    // SAFETY: the tier manager lives for the rest of the process.
    unsafe { (&(*t).levels)[i].map_or(-1, |l| i32::from(l.number())) }
}

/// Set the warm / hot / very hot thresholds (heat = calls + loop back-edges). Returns 0, or -1
/// if they are not 1 <= warm <= hot <= very_hot (nothing changes then).
pub extern "C" fn jit_set_threshold(warm: u64, hot: u64, very_hot: u64) -> i32 {
    let t = super::policy::Thresholds { warm, hot, very_hot };
    if t.check().is_err() {
        return -1;
    }
    let Some((m, tp)) = current() else { return -1 };
    if tp.is_null() {
        return 0;
    }
    // SAFETY: single-threaded; the manager and machine live for the rest of the process.
    unsafe {
        (*tp).thresholds = t;
        // Re-check every function at its next call.
        for (i, at) in (*m).tier_at.iter_mut().enumerate() {
            if *at != u64::MAX || (&(*tp).levels)[i] != Some(OptLevel::O3) {
                *at = 0;
            }
        }
    }
    0
}

/// Tier up now every function whose heat reached the hot threshold (to O2, or O3 if very hot).
/// Returns how many functions were compiled.
pub extern "C" fn jit_optimize_hot_functions() -> i32 {
    let Some((m, tp)) = current() else { return 0 };
    if tp.is_null() {
        return 0;
    }
    // SAFETY: single-threaded; the manager and machine live for the rest of the process.
    let (mm, t) = unsafe { (&mut *m, &mut *tp) };
    let mut n = 0;
    for f in 0..mm.prog.funcs.len() {
        if mm.prog.funcs[f].external || mm.stats[f].calls == 0 {
            continue;
        }
        let heat = super::policy::heat(mm, f as u32) - 1;
        let to = if heat >= t.thresholds.very_hot { OptLevel::O3 } else { OptLevel::O2 };
        if heat >= t.thresholds.hot
            && t.levels[f].is_none_or(|l| l < to)
            && t.compile(mm, f as u32, to, "jit_optimize_hot_functions()".into()).is_ok()
        {
            n += 1;
        }
    }
    n
}

/// Hook run by [`exit_shim`] before the process ends (writes the profile).
pub static mut AT_EXIT: Option<Box<dyn FnMut(i32)>> = None;

/// Set once the program is ending (exit called or main returned): no more compiles then (LLVM's
/// thread-locals may be gone while atexit handlers run).
static EXITING: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Mark the process as ending.
pub fn set_exiting() {
    EXITING.store(true, std::sync::atomic::Ordering::Relaxed);
}

/// Whether the process is ending.
pub fn exiting() -> bool {
    EXITING.load(std::sync::atomic::Ordering::Relaxed)
}

/// `exit` as JIT-compiled code sees it: write reports, then the C library's exit.
pub extern "C" fn exit_shim(code: i32) -> ! {
    set_exiting();
    // SAFETY: single-threaded; taken once.
    if let Some(mut h) = unsafe { (*std::ptr::addr_of_mut!(AT_EXIT)).take() } {
        h(code);
    }
    crate::platform::exit(code)
}
