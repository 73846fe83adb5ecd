//! Native code calling an interpreted function through its thunk (e.g. qsort's comparator): decode
//! the arguments from the saved registers per the function's own signature, run it on top of the
//! current interpreter state, and put the result in the return registers. If the program ends
//! inside such a call (`exit`, or a run-time error) there is no way back through the native frames:
//! the host's `Hooks::on_exit` runs and the process ends here. A C++ exception that leaves the
//! function goes back to the thunk, which throws it on into the native caller. A call of a
//! compiled function below its tier mark is counted with an atomic add (its argument values
//! recorded if it is near the mark) and goes straight to its native code, without irvm's lock or
//! interpreter state (`counted.rs`).

use super::{Trap, call};
use crate::abi::classify::CallShape;
use crate::abi::exception::Thrown;
use crate::abi::{ArgLoc, RegImage, RetLoc};
use crate::isa::FuncId;
use crate::vm::{Machine, Outcome};

/// `abi::thunk::Handler` for thunks bound by a `Machine`.
///
/// # Safety
/// `owner` is the live `Machine` that bound the thunk; `regs` is the thunk's saved register image.
pub(crate) unsafe fn thunk_entry(owner: *mut (), func: u32, regs: &mut RegImage) {
    let m: *mut Machine = owner.cast();
    // SAFETY: the thunk's owner is a live machine; only its `counted` field is referenced, which
    // is made with the machine, never replaced and holds atomics only, so reading it while
    // another thread holds the interpreter lock (and uses the other fields) is no data race.
    let counted = unsafe { &(*m).counted };
    if let Some(a) = counted.admit(func as usize) {
        if let Some(code) = a.record {
            // SAFETY: lowered code is owned by the function table, read-only once lowered and
            // never freed while the machine lives.
            let code = unsafe { &*code };
            // SAFETY: as `counted`: the value tables are made with the machine, never replaced,
            // and each has its own mutex.
            let values = unsafe { &(*m).values };
            if let Some(sig) = code.own_sig.as_ref() {
                values.record(func as usize, code, |k| register_arg(sig, k, regs));
            }
        }
        // SAFETY: `a.native` is compiled code of `func` (published by `Machine::set_native`,
        // never freed during a run) and `a.shape` its signature's; `regs` is the thunk's image.
        if let Err(thrown) = unsafe { pass_through(a.native, a.shape, regs) } {
            // The thunk's asm throws it on into its native caller.
            regs.rethrow = thrown.into_raw() as u64;
        }
        return;
    }
    // A thread of the program's other than the one running now waits here for the interpreter.
    let inside = crate::threads::into_interpreter(m);
    // SAFETY: the thunk's owner is a live machine (unbound when it is dropped), not otherwise
    // referenced while native code calls in (this thread holds the interpreter lock if in use).
    unsafe { super::jump::on_native_entry(&mut *m) };
    // SAFETY: the thunk's owner is a live machine (unbound when it is dropped).
    let r = unsafe { run_callback(m, func, regs) };
    if r == Err(Trap::Unwind) {
        // SAFETY: live machine; `run_callback` returned.
        let thrown = unsafe { (*m).thrown.take() }.expect("irvm: unwinding without an exception");
        // The thunk's asm throws it on into its native caller.
        regs.rethrow = thrown.into_raw() as u64;
    } else if let Err(t) = r {
        // SAFETY: the thunk's owner is a live machine (unbound when it is dropped); `run_callback`
        // returned, so nothing else uses the machine now.
        unsafe { end_process(&mut *m, t) }
    }
    // SAFETY: `inside` is this entry's; the machine is alive.
    unsafe { crate::threads::from_interpreter(inside) };
}

/// A function that has native code but was never lowered (e.g. linked from an object cache) is
/// called through its signature alone: counted, tier hook run, then its native code — without
/// lowering it (nor, for a lazily loaded program, reading its body). None: not such a call;
/// else how the native code ended.
///
/// # Safety
/// `m` is a live machine not otherwise in use.
unsafe fn native_without_code(m: *mut Machine, func: u32, regs: &mut RegImage) -> Option<Result<(), Trap>> {
    // SAFETY: `m` is a live machine not otherwise in use (# Safety).
    let mm = unsafe { &mut *m };
    let f = &mm.prog.funcs[func as usize];
    if f.native == 0 || f.code.is_some() || f.external {
        return None;
    }
    let shape = mm.prog.call_shape(func)?;
    // SAFETY: `m` is a live machine not otherwise in use (# Safety); `mm` is not used after this.
    let native = unsafe { tier_check(m, func) };
    if native == 0 {
        return None;
    }
    // SAFETY: `native` is this function's compiled code; caller's contract for `m`.
    Some(unsafe { call_native(m, func, native, shape, regs) })
}

/// Tiering: let the tier hook run when the call count reached its mark; returns the
/// function's native code now (0: none).
///
/// # Safety
/// `m` is a live machine not otherwise in use.
unsafe fn tier_check(m: *mut Machine, func: u32) -> usize {
    // SAFETY: `m` is a live machine not otherwise in use (# Safety), so this is the only reference
    // while the hook runs.
    let mm = unsafe { &mut *m };
    if let Some(&at) = mm.tier_at.get(func as usize)
        && mm.call_count(func as usize) >= at
    {
        mm.run_tier_hook(func);
    }
    mm.prog.funcs[func as usize].native
}

/// Count the call and run `native` (code of `func`, whose signature has `shape`) with the native
/// caller's registers and stack words; its results go back into `regs`. `Trap::Unwind`: it threw.
///
/// # Safety
/// `m` is a live machine; `native` is compiled code of `func`.
unsafe fn call_native(
    m: *mut Machine,
    func: u32,
    native: usize,
    shape: CallShape,
    regs: &mut RegImage,
) -> Result<(), Trap> {
    // SAFETY: live machine (counters only).
    unsafe { (*m).count_locked_call(func as usize) };
    // SAFETY: live machine, not referenced across the native call.
    let mark = unsafe { super::jump::mark(&*m) };
    // SAFETY: live machine; the borrow ends at once.
    let outside = crate::threads::to_native(unsafe { &*m }, native);
    // SAFETY: `native` is compiled code of this function, whose signature has `shape`.
    let r = unsafe { pass_through(native, shape, regs) };
    // SAFETY: `outside` is this call's; the machine is alive.
    unsafe { crate::threads::from_native(outside) };
    // SAFETY: live machine again.
    let mm = unsafe { &mut *m };
    super::jump::after_native(mm, mark);
    if let Err(thrown) = r {
        mm.thrown = Some(thrown);
        return Err(Trap::Unwind);
    }
    Ok(())
}

/// Run `native` with the native caller's registers and stack words as the thunk saved them in
/// `regs`; its results go back into `regs`. `Err`: it threw.
///
/// # Safety
/// `native` is compiled code of the function the thunk stands for, whose signature has
/// `shape`; `regs` is the thunk's saved register image (its stack words are the native
/// caller's outgoing arguments).
unsafe fn pass_through(native: usize, shape: CallShape, regs: &mut RegImage) -> Result<(), Thrown> {
    let mut img = *regs;
    img.nstack = u64::from(shape.nstack);
    img.nvec = u64::from(shape.nxmm);
    img.x87 = u64::from(shape.x87);
    // SAFETY: `native` takes what the native caller passed (its own signature, # Safety).
    unsafe { crate::abi::native::call(native, &mut img) }?;
    regs.rax = img.rax;
    regs.rdx = img.rdx;
    regs.ret_xmm = img.ret_xmm;
    regs.st0 = img.st0;
    regs.x87 = img.x87;
    Ok(())
}

unsafe fn run_callback(m: *mut Machine, func: u32, regs: &mut RegImage) -> Result<(), Trap> {
    // SAFETY: live machine (caller's contract).
    if let Some(r) = unsafe { native_without_code(m, func, regs) } {
        return r;
    }
    // SAFETY: live machine (caller's contract).
    let code = unsafe { call::code_of(m, func)? };
    // SAFETY: code owned by the function table.
    let c = unsafe { &*code };
    let Some(sig) = c.own_sig.as_ref() else {
        // SAFETY: live machine.
        let mm = unsafe { &mut *m };
        let msg = format!("'{}' cannot be called from native code (its signature)", mm.func_name(func as usize));
        return Err(super::fail(mm, msg));
    };
    // Tiering: count the call, let the tier hook run, and call the function's native
    // code directly once it has some (same signature: the caller's registers and stack words).
    // SAFETY: live machine (caller's contract), not borrowed elsewhere; `c` is owned by its table.
    unsafe { (*m).note_call_values(func, c, |k| register_arg(sig, k, regs)) };
    // SAFETY: live machine (caller's contract).
    let mut native = unsafe { tier_check(m, func) };
    if native == 0 && c.native_only.is_some() {
        // SAFETY: live machine; `code` is `func`'s lowered code.
        native = unsafe { call::native_for_unsupported(m, func, code) };
    }
    if native != 0 && !c.vararg {
        // SAFETY: `native` is this function's compiled code; live machine.
        return unsafe { call_native(m, func, native, sig.shape(), regs) };
    }
    let mut args = vec![0u64; c.param_slots as usize];
    for (k, pieces) in sig.args.iter().enumerate() {
        let base = (c.params[k].0.0 - 1) as usize;
        for p in pieces {
            let at = base + p.slot as usize;
            // SAFETY: stack words live in the native caller's frame above the thunk's.
            let stack = |w: u32| unsafe { *((regs.stack + 8 * w as usize) as *const u64) };
            match p.loc {
                ArgLoc::Gpr(i) => args[at] = regs.gpr[i as usize],
                ArgLoc::Xmm(i) => args[at] = regs.xmm[i as usize][0],
                ArgLoc::Xmm2(i) => {
                    args[at] = regs.xmm[i as usize][0];
                    args[at + 1] = regs.xmm[i as usize][1];
                }
                ArgLoc::Stack(w) => {
                    args[at] = stack(w);
                    if p.slots == 2 {
                        args[at + 1] = stack(w + 1);
                    }
                }
                ArgLoc::ByVal { at: w, .. } => args[at] = (regs.stack + 8 * w as usize) as u64,
            }
        }
    }
    // Narrow integer arguments arrive with undefined upper bits: make them canonical.
    for (k, p) in c.params.iter().enumerate() {
        let t = c.param_types.get(k).copied().unwrap_or(64);
        if t < 64 && p.1 == 1 {
            let at = (p.0.0 - 1) as usize;
            args[at] &= crate::consts::mask(u32::from(t));
        }
    }
    let va = if c.vararg { regs as *mut RegImage as usize } else { 0 };
    // SAFETY: live machine; the frame goes on top of whatever is running.
    // SAFETY: live machine; the frame goes on top of whatever is running.
    unsafe { call::enter_from_host(m, FuncId(func), &args, va)? };
    // A longjmp may leave this frame while the function runs: nothing here may need dropping.
    drop(args);
    // SAFETY: live machine; the frame was just entered.
    unsafe { super::jump::run_entered(m)? };
    // SAFETY: live machine; retval holds the function's result slots.
    let ret = unsafe { (*m).retval };
    for &(slot, loc, _) in &sig.ret {
        let v = ret[slot as usize];
        match loc {
            RetLoc::Rax => regs.rax = v,
            RetLoc::Rdx => regs.rdx = v,
            RetLoc::Xmm0 => regs.ret_xmm[0] = [v, 0],
            RetLoc::Xmm1 => regs.ret_xmm[1] = [v, 0],
            RetLoc::Xmm0Full => regs.ret_xmm[0] = [v, ret[slot as usize + 1]],
            RetLoc::St0 => {
                regs.st0 = [v, ret[slot as usize + 1]];
                regs.x87 = 1;
            }
        }
    }
    Ok(())
}

/// The first slot of parameter `k` of a one-slot scalar argument as the native caller passed it
/// (0 where it is not in a register or a stack word).
fn register_arg(sig: &crate::abi::Sig, k: usize, regs: &RegImage) -> u64 {
    let Some(p) = sig.args.get(k).and_then(|pieces| pieces.first()) else { return 0 };
    match p.loc {
        ArgLoc::Gpr(i) => regs.gpr[i as usize],
        // SAFETY: stack words live in the native caller's frame above the thunk's.
        ArgLoc::Stack(w) => unsafe { *((regs.stack + 8 * w as usize) as *const u64) },
        _ => 0,
    }
}

/// The program ended inside a native callback: report through the host's hook, then exit.
fn end_process(mm: &mut Machine, t: Trap) -> ! {
    let outcome = match t {
        Trap::Exit(c) => Outcome::Exit(c),
        Trap::Error => Outcome::Error(mm.take_error()),
        Trap::Unwind => mm.uncaught(),
    };
    call::unwind_all(mm, 0);
    mm.total_cycles = crate::vm::rdtsc().wrapping_sub(mm.start_tsc);
    mm.run_exit_hook(&outcome);
    let status = match outcome {
        Outcome::Exit(c) => c,
        Outcome::Error(_) => 2,
    };
    if let Some(exit) = mm.prog.resolve_symbol("exit") {
        // SAFETY: libc's exit(int) (flushes stdio, runs atexit handlers); it does not return.
        let exit: extern "C" fn(i32) -> ! = unsafe { std::mem::transmute(exit) };
        exit(status);
    }
    std::process::exit(status)
}
