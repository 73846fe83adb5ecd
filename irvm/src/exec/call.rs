//! Calls and returns: entering an interpreted function (frame set-up, constants, arguments,
//! allocas, profile), returning, and unwinding everything on `exit`; native callees go through
//! `native_call`.

use super::native_call::{call_native, marshal, unmarshal_ret};
use super::{St, Trap, fail};
use crate::abi::{RegImage, native};
use crate::isa::{FuncId, Op, Reg};
use crate::translate::{CallSite, Code};
use crate::vm::{Frame, Machine};

/// Copy `n` slots (usually one: that case is a single move; a plain loop here is vectorized
/// with overlap checks that cost more than the copy).
///
/// # Safety
/// Both ranges are valid for `n` slots and do not overlap.
#[inline(always)]
unsafe fn copy_slots(src: *const u64, dst: *mut u64, n: usize) {
    if n == 1 {
        // SAFETY: both ranges hold one slot (# Safety).
        unsafe { *dst = *src };
    } else {
        // SAFETY: both ranges hold `n` slots without overlapping (# Safety).
        unsafe { std::ptr::copy_nonoverlapping(src, dst, n) };
    }
}

/// Lower function `f` now (its first call). Returns its code.
#[cold]
#[inline(never)]
pub(crate) unsafe fn lower(m: *mut Machine, f: u32) -> Result<*const Code, Trap> {
    // SAFETY: `m` is the live machine (# Safety) and lowering runs between ops, when the loop holds
    // no reference into it.
    let mm = unsafe { &mut *m };
    let (t0, wall) = (crate::vm::rdtsc(), std::time::Instant::now());
    let lowered = crate::translate::translate(&mut mm.prog, FuncId(f));
    mm.translate_cycles += crate::vm::rdtsc().wrapping_sub(t0);
    mm.lowering.add(wall.elapsed());
    match lowered {
        Ok(code) => {
            let mut ctrs = vec![0u64; code.ncounters as usize];
            for p in code.osr.iter() {
                ctrs[p.ctr as usize + 1] = mm.osr_first;
            }
            let st = &mut mm.stats[f as usize];
            st.counters = ctrs.into_boxed_slice();
            if let Some(seed) = st.pending_seed.take() {
                crate::vm::take_seed(st, seed, &code);
            }
            let b = Box::new(code);
            let p: *const Code = &*b;
            let hot = crate::vm::Hot::of(&b, mm.prog.funcs[f as usize].native != 0);
            mm.prog.funcs[f as usize].code = Some(b);
            mm.hot[f as usize] = hot;
            mm.refresh_check(f as usize);
            Ok(p)
        }
        Err(e) => {
            mm.error = Some(format!("irvm: {e}"));
            Err(Trap::Error)
        }
    }
}

/// `f` (lowered to `code`) has a construct irvm cannot interpret: its native code, the host
/// asked (once) to compile it. 0: none, it is interpreted and its traps report the construct.
///
/// # Safety
/// `m` is the live machine, not otherwise referenced; `code` is `f`'s lowered code.
#[cold]
#[inline(never)]
pub(crate) unsafe fn native_for_unsupported(m: *mut Machine, f: u32, code: *const Code) -> usize {
    // SAFETY: live machine (# Safety); `code` is owned by the function table.
    let (mm, c) = unsafe { (&mut *m, &*code) };
    let e = &mut mm.prog.funcs[f as usize];
    if e.native == 0
        && !e.native_asked
        && let Some(reason) = c.native_only.as_deref()
    {
        e.native_asked = true;
        mm.run_native_only_hook(f, reason);
    }
    mm.prog.funcs[f as usize].native
}

/// Code of an interpreted function, lowering it if needed.
#[inline(always)]
pub(crate) unsafe fn code_of(m: *mut Machine, f: u32) -> Result<*const Code, Trap> {
    // SAFETY: live machine; `f` indexes the function table.
    let slot = unsafe { &(&(*m)).prog.funcs[f as usize].code };
    match slot {
        Some(c) => Ok(&**c as *const Code),
        // SAFETY: `m` is the live machine and `f` a table index (# Safety); the slot borrow ended.
        None => unsafe { lower(m, f) },
    }
}

/// Push a frame for interpreted function `f` whose frame starts at register slot `base`, with
/// `args` already copied by `fill`. Returns the new loop state.
#[inline(always)]
unsafe fn push_frame(
    m: *mut Machine,
    f: u32,
    code: *const Code,
    base: *mut u64,
    ret: (*const Op, Reg, u32, u32),
    va: usize,
    fill: impl FnOnce(*mut u64),
) -> Result<St, Trap> {
    // SAFETY: live machine, used exclusively here; `code` is f's code (owned by the function table).
    let (mm, c) = unsafe { (&mut *m, &*code) };
    let nconsts = c.consts.len();
    // SAFETY: pointer arithmetic checked against the register stack's end before any write.
    let fp = unsafe { base.add(nconsts) };
    let need = (fp as usize) + 8 * c.nslots as usize + 64;
    if need > mm.regs.ready_hi() && !mm.regs.grow_up(need) {
        return Err(fail(mm, "stack overflow (interpreter register stack exhausted)".into()));
    }
    // SAFETY: [base, fp + nslots) is inside the register stack (checked above).
    unsafe { copy_slots(c.consts.as_ptr(), base, nconsts) };
    fill(fp);
    let mut sp = mm.sp;
    for &(r, size, align) in c.byval.iter() {
        // A byval parameter is the callee's own copy of the caller's object (as the ABI's stack copy).
        sp = sp.wrapping_sub(size as usize) & !(align as usize - 1);
        if sp < mm.astack.ready_lo() && !mm.astack.grow_down(sp) {
            return Err(fail(mm, "stack overflow (alloca stack exhausted)".into()));
        }
        // SAFETY: the parameter slot holds the caller's pointer; [sp, sp+size) is free alloca stack.
        unsafe {
            let src = *fp.offset(r.0 as isize) as *const u8;
            std::ptr::copy(src, sp as *mut u8, size as usize);
            *fp.offset(r.0 as isize) = sp as u64;
        }
    }
    let sp = sp.wrapping_sub(c.alloca_bytes as usize) & !(c.alloca_align as usize - 1);
    if sp > mm.sp || (sp < mm.astack.ready_lo() && !mm.astack.grow_down(sp)) {
        return Err(fail(mm, "stack overflow (alloca stack exhausted)".into()));
    }
    // SAFETY: slot 0 of the new frame (inside the register stack, checked above).
    unsafe { *fp = sp as u64 };
    let saved_sp = mm.sp;
    mm.sp = sp;
    let tsc = super::timing::start(mm, f as usize);
    let st = &mut mm.stats[f as usize];
    st.calls += 1;
    st.active += 1;
    let ctrs = st.counters.as_mut_ptr();
    mm.frames.push(Frame {
        func: f,
        fp,
        code,
        ctrs,
        ret_ip: ret.0,
        ret_dst: ret.1,
        ret_slots: ret.2,
        caller_rest: ret.3,
        saved_sp,
        tsc,
        child: 0,
        va,
    });
    Ok(St { ip: c.ops.as_ptr(), fp, ctrs, code })
}

/// The call fast path: a lowered, interpreted, non-variadic callee without byval parameters,
/// called with as many arguments as it has parameters, by a call that is neither timed nor at a
/// tier mark (one compare: `FuncStats::check_at`), with room for its frame and its record.
/// `None` for anything else, before any change: the loop then runs the op out of the loop
/// (`call`). No function is called here, so that the loop keeps its state in registers.
#[inline(always)]
pub(crate) unsafe fn fast_call(
    m: *mut Machine,
    f: u32,
    site: *const CallSite,
    ret_ip: *const Op,
    fp: *mut u64,
) -> Option<St> {
    // SAFETY: live machine; `f` indexes the function table and its statistics (translator);
    // `site` and `caller` are live code of the calling frame; a `simple` entry's code, ops and
    // constants are lowered and owned by the table (never freed during a run).
    unsafe {
        let mm = &mut *m;
        let st = &mut *mm.stats.as_mut_ptr().add(f as usize);
        let calls = st.calls;
        // Also true for a callee that cannot take this path (`refresh_check`), e.g. not lowered.
        if calls >= st.check_at {
            return None;
        }
        let h = &*mm.hot.as_ptr().add(f as usize);
        let s = &*site;
        if s.arg_shape != h.param_shape {
            return None;
        }
        let base = fp.add(s.caller_slots as usize);
        let nfp = base.add(h.nconsts as usize);
        let sp = mm.sp.wrapping_sub(h.alloca_bytes as usize) & h.alloca_mask as usize;
        let len = mm.frames.len();
        if (nfp as usize) + h.frame_bytes as usize > mm.regs.ready_hi()
            || sp < mm.astack.ready_lo()
            || sp > mm.sp
            || len == mm.frames.capacity()
        {
            return None;
        }
        // The constants in whole chunks (a `memcpy` call costs more than copying a few words);
        // a last chunk's padding lands in slots 0..3 of the new frame, inside its `frame_bytes`
        // (checked above) and written before they are read: slot 0 and the arguments just
        // below, the other values by their ops.
        // `consts_copy` has at least one chunk: most functions have no more.
        let chunks = base.cast::<[u64; crate::translate::CONST_CHUNK]>();
        chunks.write_unaligned(*h.consts);
        for k in 1..h.const_chunks as usize {
            chunks.add(k).write_unaligned(*h.consts.add(k));
        }
        let mut src = s.arg_slots.as_ptr();
        let mut dst = nfp.add(1);
        while *src != crate::translate::ARGS_END {
            *dst = *fp.offset((*src).0 as isize);
            src = src.add(1);
            dst = dst.add(1);
        }
        *nfp = sp as u64;
        st.calls = calls + 1;
        st.active += 1;
        let ctrs = st.counters.as_mut_ptr();
        // Written in place (capacity checked above): `push` would call its growth path.
        mm.frames.as_mut_ptr().add(len).write(Frame {
            func: f,
            fp: nfp,
            code: h.code,
            ctrs,
            ret_ip,
            ret_dst: s.ret,
            ret_slots: s.ret_slots,
            caller_rest: s.rest,
            saved_sp: mm.sp,
            tsc: 0,
            child: 0,
            va: 0,
        });
        mm.frames.set_len(len + 1);
        mm.sp = sp;
        Some(St { ip: h.ops, fp: nfp, ctrs, code: h.code })
    }
}

/// Direct or indirect call of program function `f` from interpreted code at call site `site`.
#[inline(never)]
pub(crate) unsafe fn call(
    m: *mut Machine,
    f: u32,
    site: *const CallSite,
    ret_ip: *const Op,
    fp: *mut u64,
    caller: *const Code,
) -> Result<Option<St>, Trap> {
    // SAFETY: live machine, not otherwise referenced; `site` and `fp` are the calling frame's.
    if unsafe { super::native_call::call_leaf(m, f as usize, site, fp) } {
        return Ok(None);
    }
    // SAFETY: live machine; no other reference to it is in use during the hook.
    unsafe {
        let mm = &mut *m;
        if let Some(&at) = mm.tier_at.get(f as usize)
            && mm.call_count(f as usize) >= at
        {
            mm.run_tier_hook(f);
        }
    }
    // SAFETY: live machine; `site` and `fp` are the calling frame's (this function's contract).
    unsafe { profile_values(m, f, site, fp) };
    // SAFETY: live machine; `f` indexes the function table.
    let (external, native_addr) = unsafe {
        let e = &(&(*m)).prog.funcs[f as usize];
        (e.external, e.native)
    };
    if external || native_addr != 0 {
        // SAFETY: live machine, only read here.
        if external && unsafe { super::jump::is_setjmp(&*m, f) } {
            // SAFETY: live machine; `site` is a live call site of the top frame, `fp`.
            return unsafe { super::jump::setjmp(m, &*site, ret_ip, fp) }.map(|()| None);
        }
        // SAFETY: forwarded contract.
        unsafe { call_native(m, f as usize, native_addr, site, fp, caller)? };
        return Ok(None);
    }
    // SAFETY: forwarded contract; `site` and `caller` are live code of the calling frame.
    unsafe {
        let code = code_of(m, f)?;
        if (*code).native_only.is_some() {
            let native = native_for_unsupported(m, f, code);
            if native != 0 {
                call_native(m, f as usize, native, site, fp, caller)?;
                return Ok(None);
            }
        }
        let s = &*site;
        let base = fp.add((*caller).nslots as usize);
        if (*code).vararg {
            return enter_vararg(m, f, code, s, fp, base, ret_ip).map(Some);
        }
        let nparams = (&(*code)).params.len();
        push_frame(m, f, code, base, (ret_ip, s.ret, s.ret_slots, s.rest), 0, |cfp| {
            let mut dst = cfp.add(1);
            for &(r, n) in s.args.iter().take(nparams) {
                copy_slots(fp.offset(r.0 as isize), dst, n as usize);
                dst = dst.add(n as usize);
            }
        })
        .map(Some)
    }
}

/// Value profile (`profile::values`) of a call of `f` from call site `site` of frame `fp`, if
/// `f` is lowered and a candidate: the call-entry path only, never the execution loop.
///
/// # Safety
/// `m` is the live machine, not otherwise borrowed; `site` a live call site of the frame `fp`.
#[inline(always)]
unsafe fn profile_values(m: *mut Machine, f: u32, site: *const CallSite, fp: *mut u64) {
    // SAFETY: live machine, not otherwise borrowed (# Safety).
    let mm = unsafe { &mut *m };
    let Some(&at) = mm.tier_at.get(f as usize) else { return };
    if !crate::profile::values::is_candidate(mm.call_count(f as usize) + 1, at) {
        return;
    }
    let Some(code) = mm.prog.funcs[f as usize].code.as_deref().map(|c| c as *const Code) else { return };
    // SAFETY: a live call site (# Safety).
    let s = unsafe { &*site };
    // SAFETY: lowered code is owned by the function table and never freed during a run; recording
    // touches only the function's statistics.
    let code = unsafe { &*code };
    mm.note_call_values(f, code, |k| {
        // SAFETY: the site's argument slots are slots of the calling frame `fp` (# Safety).
        s.args.get(k).map_or(0, |a| unsafe { *fp.offset(a.0.0 as isize) })
    });
}

/// Call of a variadic interpreted function: arguments also go into a register image (on the
/// alloca stack) that `va_start` reads, as native callers would pass them.
#[cold]
unsafe fn enter_vararg(
    m: *mut Machine,
    f: u32,
    code: *const Code,
    s: &CallSite,
    fp: *mut u64,
    base: *mut u64,
    ret_ip: *const Op,
) -> Result<St, Trap> {
    // SAFETY: live machine and code (caller's contract).
    let (mm, c) = unsafe { (&mut *m, &*code) };
    let Some(sig) = s.sig.as_ref() else { return Err(fail(mm, "cannot pass these variadic arguments".into())) };
    let mut img = RegImage::default();
    let mut words = vec![0u64; sig.nstack as usize];
    // SAFETY: the site's argument slots are in the caller's frame `fp`.
    unsafe { marshal(sig, s, fp, &mut img, &mut words) };
    let va = mm.push_image(&img, &words)?;
    let nparams = c.params.len();
    // SAFETY: `m` is the live machine, `code` is `f`'s lowered code and `base` the free register
    // slots above the caller's frame `fp` (# Safety of this function).
    unsafe {
        push_frame(m, f, code, base, (ret_ip, s.ret, s.ret_slots, s.rest), va, |cfp| {
            let mut dst = cfp.add(1);
            for &(r, n) in s.args.iter().take(nparams) {
                std::ptr::copy_nonoverlapping(fp.offset(r.0 as isize), dst, n as usize);
                dst = dst.add(n as usize);
            }
        })
    }
}

/// Enter interpreted function `f` from the host or from native code, with its parameter slots
/// in `args`; returns to the host when it returns (`run` ends).
pub(crate) unsafe fn enter_from_host(m: *mut Machine, f: FuncId, args: &[u64], va: usize) -> Result<St, Trap> {
    // SAFETY: live machine (caller's contract).
    unsafe {
        let code = code_of(m, f.0)?;
        let base = ((*m).regs.base() as *mut u64).add((*m).reg_top);
        let st = push_frame(m, f.0, code, base, (std::ptr::null(), Reg(0), 0, 0), va, |cfp| {
            std::ptr::copy_nonoverlapping(args.as_ptr(), cfp.add(1), args.len().min((*code).param_slots as usize));
        })?;
        // A function with native code entered interpreted (a variadic one, or a host call):
        // counted under the lock.
        (*m).refresh_counted(f.index());
        Ok(st)
    }
}

/// The return fast path: an untimed frame returns `n` result slots at `s` to an interpreted
/// caller. `None` for anything else (a timed frame, a return to the host), before any change:
/// the loop then runs the op out of the loop (`ret`). No function is called here.
#[inline(always)]
pub(crate) unsafe fn ret_fast(m: *mut Machine, fp: *mut u64, s: Reg, n: u32) -> Option<St> {
    // SAFETY: live machine with at least the returning frame on its stack.
    let mm = unsafe { &mut *m };
    let len = mm.frames.len();
    // SAFETY: a Ret op runs only in a frame that `push_frame` or `fast_call` pushed, so the
    // stack is not empty; the record stays valid memory (the vector only shrinks).
    let fr = unsafe { &*mm.frames.as_ptr().add(len - 1) };
    let k = n.min(fr.ret_slots);
    // More than two result slots would take a `memcpy` call.
    if fr.ret_ip.is_null() || fr.tsc != 0 || k > 2 {
        return None;
    }
    // SAFETY: as `ret`: the caller's record is just below (index len - 2); `fr.func` indexes the
    // statistics; `s..s+n` are slots of the returning frame and the destination the caller's.
    unsafe {
        mm.frames.set_len(len - 1);
        mm.sp = fr.saved_sp;
        let dt = super::timing::charge_untimed(&mut *mm.stats.as_mut_ptr().add(fr.func as usize), fr.child);
        let caller = &mut *mm.frames.as_mut_ptr().add(len - 2);
        caller.child = caller.child.wrapping_add(dt);
        let (src, dst) = (fp.offset(s.0 as isize), caller.fp.offset(fr.ret_dst.0 as isize));
        if k != 0 {
            *dst = *src;
            if k == 2 {
                *dst.add(1) = *src.add(1);
            }
        }
        Some(St { ip: fr.ret_ip, fp: caller.fp, ctrs: caller.ctrs, code: caller.code })
    }
}

/// Return from the top frame with `n` result slots at `s`. `None`: back to the host.
#[inline(never)]
pub(crate) unsafe fn ret(m: *mut Machine, fp: *mut u64, s: Reg, n: u32) -> Option<St> {
    // SAFETY: live machine with at least the returning frame on its stack.
    let mm = unsafe { &mut *m };
    // The frame record is read in place and the stack shortened by one, not popped by value: a
    // popped copy of the whole record went through stack slots in the dispatch loop.
    // SAFETY: a Ret op runs only in a frame that `push_frame` pushed, so the stack is not empty;
    // the record stays valid memory (the vector only shrinks) and is only read below.
    let (fr, len) = unsafe {
        let len = mm.frames.len();
        mm.frames.set_len(len - 1);
        (&*mm.frames.as_ptr().add(len - 1), len - 1)
    };
    mm.sp = fr.saved_sp;
    if fr.ret_ip.is_null() {
        super::timing::close(mm, fr);
        let k = (n as usize).min(mm.retval.len());
        // SAFETY: `s..s+n` are slots of the returning frame.
        unsafe { std::ptr::copy_nonoverlapping(fp.offset(s.0 as isize), mm.retval.as_mut_ptr(), k) };
        return None;
    }
    // SAFETY: a frame with a return address always sits on its caller's frame (index len - 1,
    // below the returning one); `fr.func` indexes the statistics.
    unsafe {
        let caller = &mut *mm.frames.as_mut_ptr().add(len - 1);
        if fr.tsc != 0 {
            super::timing::close_timed(mm, fr);
        } else {
            let dt = super::timing::charge_untimed(&mut *mm.stats.as_mut_ptr().add(fr.func as usize), fr.child);
            caller.child = caller.child.wrapping_add(dt);
        }
        let caller = &*mm.frames.as_ptr().add(len - 1);
        // `s..s+n` are slots of the returning frame; the destination is the caller's result slots.
        let k = n.min(fr.ret_slots) as usize;
        copy_slots(fp.offset(s.0 as isize), caller.fp.offset(fr.ret_dst.0 as isize), k);
        Some(St { ip: fr.ret_ip, fp: caller.fp, ctrs: caller.ctrs, code: caller.code })
    }
}

/// `exit(code)`: close every frame (their blocks' remaining instructions did not run).
#[cold]
pub(crate) fn unwind_all(mm: &mut Machine, rest_top: u32) {
    let mut rest = rest_top;
    while let Some(fr) = mm.frames.pop() {
        if !fr.code.is_null() {
            mm.stats[fr.func as usize].skipped += u64::from(rest);
        }
        // `close` charges the parent, which is now the last frame.
        super::timing::close(mm, &fr);
        rest = fr.caller_rest;
    }
}

/// What an OSR point did.
pub(crate) enum OsrExit {
    /// Keep interpreting the frame.
    Stay,
    /// The frame returned from native code: continue in the caller (`None`: back to the host).
    Returned(Option<St>),
}

/// OSR point `point` of the top frame (`fp`, `code`) reached its mark: ask the host; if it gives
/// native code, hand it the live values and return from the frame with its result.
#[cold]
#[inline(never)]
pub(crate) unsafe fn osr(
    m: *mut Machine,
    fp: *mut u64,
    code: *const Code,
    ctrs: *mut u64,
    point: u32,
) -> Result<OsrExit, Trap> {
    // SAFETY: live machine; the top frame is the one running `code`; no other reference to the
    // machine is live during the hook.
    let (f, decision) = unsafe {
        let mm = &mut *m;
        let f = mm.frames.last().expect("irvm: OSR point outside a frame").func;
        (f, mm.run_osr_hook(f, point))
    };
    // SAFETY: `code` is the frame's code (owned by the function table, never freed while running).
    let c = unsafe { &*code };
    let p = &c.osr[point as usize];
    // SAFETY: `ctrs` is the frame's counter array; `p.ctr + 1` is the point's mark.
    let mark = unsafe { &mut *ctrs.add(p.ctr as usize + 1) };
    let addr = match decision {
        crate::hooks::OsrDecision::Enter(a) => a,
        crate::hooks::OsrDecision::Later(n) => {
            *mark = n;
            return Ok(OsrExit::Stay);
        }
        crate::hooks::OsrDecision::Never => {
            *mark = u64::MAX;
            return Ok(OsrExit::Stay);
        }
    };
    let Some(sig) = c.osr_sig.as_ref() else {
        *mark = u64::MAX;
        return Ok(OsrExit::Stay);
    };
    let mut img = RegImage::default();
    let (old_top, old_sp, mark);
    {
        // SAFETY: live machine; this borrow ends before the native call.
        let mm = unsafe { &mut *m };
        // The live values go on the alloca stack (no heap buffer whose drop a longjmp could skip).
        old_sp = mm.sp;
        let at = mm.sp.wrapping_sub(8 * p.words() as usize) & !15;
        if at < mm.astack.ready_lo() && !mm.astack.grow_down(at) {
            return Err(fail(mm, "stack overflow (alloca stack exhausted)".into()));
        }
        let mut w = at as *mut u64;
        for l in p.live.iter() {
            for k in 0..l.slots as isize {
                // SAFETY: the live value's slots are in the frame; `w` stays inside the
                // `p.words()` words reserved at `at`.
                unsafe {
                    *w = *fp.offset(l.reg.0 as isize + k);
                    w = w.add(1);
                }
            }
        }
        img.gpr[0] = at as u64;
        mm.sp = at;
        mark = super::jump::mark(mm);
        old_top = mm.reg_top;
        // Entries from the native code (callbacks) must not overwrite this frame.
        // SAFETY: `fp` is inside the register stack; the frame ends `nslots` after it.
        mm.reg_top = unsafe { fp.add(c.nslots as usize).offset_from(mm.regs.base() as *const u64) } as usize + 8;
    }
    // SAFETY: live machine; the borrow ends at once.
    let outside = crate::threads::to_native(unsafe { &*m }, addr);
    // SAFETY: `addr` is the host's OSR variant of this function, `ret (ptr)`, reading `buf`
    // as this point lays it out; no reference into the machine is live across the call.
    let r = unsafe { native::call(addr, &mut img) };
    // SAFETY: `outside` is this call's; the machine is alive.
    unsafe { crate::threads::from_native(outside) };
    // SAFETY: live machine again.
    let mm = unsafe { &mut *m };
    super::jump::after_native(mm, mark);
    mm.reg_top = old_top;
    mm.sp = old_sp;
    if let Err(thrown) = r {
        // The OSR code (the rest of this activation) threw: unwind from this frame.
        mm.thrown = Some(thrown);
        return Err(Trap::Unwind);
    }
    mm.stats[f as usize].osr_entries += 1;
    // The frame's parameter slots are dead now: they receive the result that `ret` copies out.
    // SAFETY: slots 1.. of the frame (at least `ret_slots` of them: the frame holds its values).
    unsafe {
        unmarshal_ret(sig, &img, fp.add(1));
        Ok(OsrExit::Returned(ret(m, fp, Reg(1), c.ret_slots)))
    }
}
