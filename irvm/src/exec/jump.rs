//! setjmp/longjmp with interpreted frames, and the repair of irvm's state after a native longjmp
//! jumped over interpreted frames. Every native → interpreter entry is an [`Entry`] (innermost
//! last). An interpreted `setjmp` records a [`Target`] and makes the program's buffer a real
//! jmp_buf that lands on its entry's guard (`abi/catch.rs`); the C library's `longjmp` does the
//! jump whoever calls it, and the guard unwinds irvm's frames to the target. See docs/irvm.md.

use super::{St, Trap, fail, timing};
use crate::isa::{Op, Reg};
use crate::translate::CallSite;
use crate::vm::Machine;
use std::collections::HashMap;

/// Words of the C library's `__jmp_buf` (glibc's layout, which core-libc keeps): rbx, rbp,
/// r12-r15, rsp, the return address; `__mask_was_saved` follows as a 32-bit int.
const JB_WORDS: usize = 8;
const JB_RBX: usize = 0;
/// Room for a whole `struct __jmp_buf_tag` (200 bytes) in a guard's template.
const TEMPLATE_WORDS: usize = 32;
/// Targets kept before the dead ones are swept.
const SWEEP_AT: usize = 1024;

/// One native → interpreter entry (a run of the dispatch loop) and the state to restore if a
/// native longjmp jumps over it.
#[derive(Clone, Copy)]
pub(crate) struct Entry {
    /// An address in the entry's host frame: a live entry is always above (at a higher address
    /// than) the code running now, so one below the stack pointer was jumped over.
    host_sp: usize,
    frames: usize,
    reg_top: usize,
    sp: usize,
    /// The guard's jmp_buf template (null: no guard, the program calls no setjmp).
    template: *const u64,
}

/// Where an interpreted `setjmp` call resumes.
#[derive(Clone, Copy)]
struct Target {
    /// `host_sp` of the entry whose template the buffer holds.
    entry: usize,
    /// The frame that called setjmp: its index, frame pointer and function.
    frame: usize,
    fp: *mut u64,
    func: u32,
    /// The op after the call, and the call's result slot.
    ip: *const Op,
    dst: Reg,
    ret_slots: u32,
    sp: usize,
    reg_top: usize,
}

/// The machine's setjmp/longjmp state.
#[derive(Default)]
pub(crate) struct Jumps {
    entries: Vec<Entry>,
    /// By jmp_buf address.
    targets: HashMap<usize, Target>,
    /// The C library's `_setjmp` when the program calls setjmp (0: entries run without a guard).
    pub(crate) setjmp: usize,
}

impl Jumps {
    /// A new thread's: no entries or targets yet, the same `_setjmp`.
    pub(crate) fn for_new_thread(&self) -> Jumps {
        Jumps { setjmp: self.setjmp, ..Jumps::default() }
    }
}

/// The guard of one entry: the template first (the asm takes its address as the guard's).
#[repr(C)]
struct Guard {
    template: [u64; TEMPLATE_WORDS],
    m: *mut Machine,
    result: Result<(), Trap>,
}

/// An address in the caller's frame (see `Entry::host_sp`).
#[inline(always)]
fn here() -> usize {
    let marker = 0u8;
    std::hint::black_box(&marker) as *const u8 as usize
}

/// Pop frames down to `keep`, as if they had returned (their blocks' remaining instructions did
/// not run), and close their timing.
fn abandon(mm: &mut Machine, keep: usize) {
    while mm.frames.len() > keep {
        let Some(fr) = mm.frames.pop() else { break };
        if let Some(top) = mm.frames.last()
            && !top.code.is_null()
        {
            mm.stats[top.func as usize].skipped += u64::from(fr.caller_rest);
        }
        timing::close(mm, &fr);
    }
}

/// Entries from index `n` on were jumped over: restore what the oldest of them found.
#[cold]
fn drop_entries(mm: &mut Machine, n: usize) {
    let e = mm.jumps.entries[n];
    mm.jumps.entries.truncate(n);
    abandon(mm, e.frames);
    mm.reg_top = e.reg_top;
    mm.sp = e.sp;
}

/// The number of live entries, to give to [`after_native`] once a native call returns.
#[inline(always)]
pub(crate) fn mark(mm: &Machine) -> usize {
    mm.jumps.entries.len()
}

/// A native call returned: entries made since `mark` that are still listed were jumped over by
/// a longjmp that landed in native code.
#[inline(always)]
pub(crate) fn after_native(mm: &mut Machine, mark: usize) {
    if mm.jumps.entries.len() > mark {
        drop_entries(mm, mark);
    }
}

/// Native code calls into the interpreter: forget entries a longjmp jumped over since.
pub(crate) fn on_native_entry(mm: &mut Machine) {
    let sp = here();
    if let Some(n) = mm.jumps.entries.iter().position(|e| e.host_sp < sp) {
        drop_entries(mm, n);
    }
}

/// Run the frame that `call::enter_from_host` just pushed until it returns, as an entry.
///
/// # Safety
/// As `exec::run`; the caller's frames hold nothing that needs dropping across this call when
/// the program calls setjmp (a longjmp may leave them).
pub(crate) unsafe fn run_entered(m: *mut Machine) -> Result<(), Trap> {
    let mut guard = Guard { template: [0; TEMPLATE_WORDS], m, result: Ok(()) };
    let (n, setjmp) = {
        // SAFETY: live machine, not otherwise referenced here.
        let mm = unsafe { &mut *m };
        let top = mm.frames.last().expect("irvm: entry without a frame");
        let template = if mm.jumps.setjmp != 0 { guard.template.as_ptr() } else { std::ptr::null() };
        let e = Entry {
            host_sp: &raw const guard as usize,
            frames: mm.frames.len() - 1,
            reg_top: mm.reg_top,
            sp: top.saved_sp,
            template,
        };
        mm.jumps.entries.push(e);
        (mm.jumps.entries.len() - 1, mm.jumps.setjmp)
    };
    let r = if setjmp == 0 {
        // SAFETY: forwarded contract.
        unsafe { super::run(m) }
    } else {
        // SAFETY: `setjmp` is the C library's `_setjmp` (resolved at load); `guard` starts with
        // its template and lives in this frame until `guarded` returns; `body` returns normally,
        // and the interpreter's frames that a longjmp leaves own nothing to drop.
        unsafe { crate::abi::catch::guarded((&raw mut guard).cast(), body, setjmp) };
        guard.result
    };
    // SAFETY: live machine.
    let mm = unsafe { &mut *m };
    if r == Err(Trap::Unwind) && mm.jumps.entries.len() > n {
        // A C++ exception left the entry's frames: pop them (none has a landing pad: functions
        // with `invoke` run as native code), as the unwinder pops native frames; the caller
        // throws it on into native code.
        let e = mm.jumps.entries[n];
        abandon(mm, e.frames);
        mm.reg_top = e.reg_top;
        mm.sp = e.sp;
    }
    mm.jumps.entries.truncate(n);
    r
}

/// What a guard runs: the entry's frame (`buf == 0`), or the landing of a longjmp on `buf`.
///
/// # Safety
/// `g` is the `Guard` of `run_entered`, alive; called by `irvm_guarded` only.
unsafe extern "C" fn body(g: *mut u8, value: i32, buf: usize) {
    let g: *mut Guard = g.cast();
    // SAFETY: `g` is the live guard (# Safety).
    let m = unsafe { (*g).m };
    let r = if buf == 0 {
        // SAFETY: the entry's frame was pushed by `enter_from_host` (run_entered's contract).
        unsafe { super::run(m) }
    } else {
        // SAFETY: live machine; `g` identifies the entry the buffer lands on.
        unsafe { land(m, g as usize, value, buf) }
    };
    // SAFETY: `g` is the live guard.
    unsafe { (*g).result = r };
}

/// A longjmp on `buf` landed on the guard at `guard`: unwind to the setjmp call and go on there.
unsafe fn land(m: *mut Machine, guard: usize, value: i32, buf: usize) -> Result<(), Trap> {
    let st = {
        // SAFETY: live machine; the frames the jump left are gone and hold no reference to it.
        let mm = unsafe { &mut *m };
        let Some(n) = mm.jumps.entries.iter().rposition(|e| e.host_sp == guard) else {
            return Err(fail(mm, "longjmp landed on an entry that is gone".into()));
        };
        mm.jumps.entries.truncate(n + 1);
        let t = mm.jumps.targets.get(&buf).copied();
        let Some(t) = t.filter(|t| t.entry == guard && live(mm, t)) else {
            return Err(fail(mm, format!("longjmp to buffer {buf:#x} whose setjmp caller has returned")));
        };
        abandon(mm, t.frame + 1);
        mm.sp = t.sp;
        mm.reg_top = t.reg_top;
        let fr = mm.frames[t.frame];
        if t.ret_slots > 0 {
            // SAFETY: the call's result slot in the setjmp caller's frame, which is live.
            unsafe { *t.fp.offset(t.dst.0 as isize) = u64::from(value as u32) };
        }
        St { ip: t.ip, fp: t.fp, ctrs: fr.ctrs, code: fr.code }
    };
    // SAFETY: `st` resumes the live top frame after its setjmp call.
    unsafe { super::run_from(m, st) }
}

/// Whether the frame that recorded `t` is still the one at its depth.
fn live(mm: &Machine, t: &Target) -> bool {
    mm.frames.get(t.frame).is_some_and(|f| f.fp == t.fp && f.func == t.func && !f.code.is_null())
}

/// An interpreted call of setjmp (any of its names) at call site `s` of the top frame `fp`,
/// resuming at `ret_ip`: make the buffer land on the current entry's guard and return 0.
///
/// # Safety
/// `m` is the live machine; `s` is a call site of the top frame, whose frame pointer is `fp`.
pub(crate) unsafe fn setjmp(m: *mut Machine, s: &CallSite, ret_ip: *const Op, fp: *mut u64) -> Result<(), Trap> {
    // SAFETY: live machine (# Safety).
    let mm = unsafe { &mut *m };
    let Some(e) = mm.jumps.entries.last().copied().filter(|e| !e.template.is_null()) else {
        return Err(fail(mm, "setjmp needs the C library's '_setjmp', which did not resolve".into()));
    };
    let Some(&(arg, _)) = s.args.first() else { return Err(fail(mm, "setjmp without its buffer".into())) };
    // SAFETY: the argument slot of the top frame.
    let buf = unsafe { *fp.offset(arg.0 as isize) } as usize;
    // SAFETY: `buf` is the program's jmp_buf (at least JB_WORDS words and the mask flag, as for
    // native setjmp); the template was written by `_setjmp` in the live guard of entry `e`.
    unsafe {
        std::ptr::copy_nonoverlapping(e.template, buf as *mut u64, JB_WORDS);
        *(buf as *mut u64).add(JB_RBX) = buf as u64;
        *((buf + 8 * JB_WORDS) as *mut u32) = 0;
    }
    let frame = mm.frames.len() - 1;
    let func = mm.frames[frame].func;
    if mm.jumps.targets.len() >= SWEEP_AT {
        let live_entries: Vec<usize> = mm.jumps.entries.iter().map(|e| e.host_sp).collect();
        let frames = &mm.frames;
        mm.jumps.targets.retain(|_, t| {
            live_entries.contains(&t.entry) && frames.get(t.frame).is_some_and(|f| f.fp == t.fp && f.func == t.func)
        });
    }
    let t = Target {
        entry: e.host_sp,
        frame,
        fp,
        func,
        ip: ret_ip,
        dst: s.ret,
        ret_slots: s.ret_slots,
        sp: mm.sp,
        reg_top: mm.reg_top,
    };
    mm.jumps.targets.insert(buf, t);
    if s.ret_slots > 0 {
        // SAFETY: the call's result slot in the top frame.
        unsafe { *fp.offset(s.ret.0 as isize) = 0 };
    }
    Ok(())
}

/// Call of `f`: true if it is a setjmp the interpreter handles itself.
#[inline(always)]
pub(crate) fn is_setjmp(mm: &Machine, f: u32) -> bool {
    mm.prog.funcs[f as usize].intercept == crate::program::Intercept::SetJmp
}
