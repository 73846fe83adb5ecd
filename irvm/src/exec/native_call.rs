//! Calls of native code from interpreted code: the call site's arguments put where the SysV
//! x86-64 ABI wants them (a register image and stack words), the call through the trampoline
//! (`abi::native`), counted and timed as a frame of its own, and the result read back.

use super::{Trap, fail};
use crate::abi::{ArgLoc, RegImage, RetLoc, Sig, native};
use crate::isa::Reg;
use crate::translate::{CallSite, Code};
use crate::vm::{Frame, Machine};

/// Put the arguments of call site `s` (in frame `fp`) where `sig` (the site's) says a native
/// callee expects them.
pub(crate) unsafe fn marshal(sig: &Sig, s: &CallSite, fp: *mut u64, img: &mut RegImage, words: &mut [u64]) {
    for &(r, p) in s.native_args.iter() {
        // SAFETY: argument slots of the caller's frame.
        let v = unsafe { *fp.offset(r.0 as isize) };
        if let (ArgLoc::Gpr(i), 0) = (p.loc, p.sext) {
            // The common case (an integer or a pointer) first.
            img.gpr[i as usize] = v;
            continue;
        }
        let v = if p.sext != 0 { super::int::sext(v, u32::from(p.sext)) as u64 } else { v };
        match p.loc {
            ArgLoc::Gpr(i) => img.gpr[i as usize] = v,
            ArgLoc::Xmm(i) => img.xmm[i as usize] = [v, 0],
            // SAFETY: a two-slot vector argument.
            ArgLoc::Xmm2(i) => img.xmm[i as usize] = [v, unsafe { *fp.offset(r.0 as isize + 1) }],
            ArgLoc::Stack(w) => {
                words[w as usize] = v;
                if p.slots == 2 {
                    // SAFETY: second slot of the same argument.
                    words[w as usize + 1] = unsafe { *fp.offset(r.0 as isize + 1) };
                }
            }
            ArgLoc::ByVal { at, size } => {
                // SAFETY: `v` is the byval pointer; the callee gets a copy of `size` bytes.
                unsafe {
                    std::ptr::copy_nonoverlapping(
                        v as *const u8,
                        words.as_mut_ptr().add(at as usize).cast::<u8>(),
                        size as usize,
                    )
                };
            }
        }
    }
    img.nvec = u64::from(sig.nxmm);
    img.x87 = u64::from(sig.ret.iter().any(|r| r.1 == RetLoc::St0));
}

/// Read a native return value from the trampoline's registers into slots at `dst`.
pub(crate) unsafe fn unmarshal_ret(sig: &Sig, img: &RegImage, dst: *mut u64) {
    for &(slot, loc, w) in &sig.ret {
        let v = match loc {
            RetLoc::Rax => img.rax,
            RetLoc::Rdx => img.rdx,
            RetLoc::Xmm0 | RetLoc::Xmm0Full => img.ret_xmm[0][0],
            RetLoc::Xmm1 => img.ret_xmm[1][0],
            RetLoc::St0 => img.st0[0],
        };
        // SAFETY: result slots of the calling frame.
        unsafe {
            *dst.add(slot as usize) = v & crate::consts::mask(u32::from(w));
            if loc == RetLoc::Xmm0Full {
                *dst.add(slot as usize + 1) = img.ret_xmm[0][1];
            }
            if loc == RetLoc::St0 {
                *dst.add(slot as usize + 1) = img.st0[1] & 0xffff;
            }
        }
    }
}

/// A C library function of six integer parameters at most (`program::LEAF_FUNCTIONS`), called
/// as one; the SysV ABI lets a caller load argument registers its callee does not read.
type Leaf = unsafe extern "C" fn(u64, u64, u64, u64, u64, u64) -> u64;

/// The short way to call leaf function `f` (`program::Intercept::Leaf`) from call site `site`
/// of the frame `fp`: when the site passes integer registers only (`CallSite::in_gprs`), the
/// call is not timed (below `FuncStats::time_at`) and not at `f`'s tier mark, the function is
/// called straight, with no frame record, no register image and the interpreter lock kept (a
/// leaf neither blocks nor calls back). Its call is counted and charged its measured averages,
/// as an untimed call is. `false`, before any change: the call takes the framed path
/// (`call_native`), which times it.
///
/// # Safety
/// `m` is the live machine, not otherwise referenced; `site` is a live call site of the top
/// frame `fp`; `f` indexes the function table.
#[inline(always)]
pub(crate) unsafe fn call_leaf(m: *mut Machine, f: usize, site: *const CallSite, fp: *mut u64) -> bool {
    // SAFETY: live machine and call site (# Safety).
    let (mm, s) = unsafe { (&mut *m, &*site) };
    let e = &mm.prog.funcs[f];
    let addr = e.native;
    if e.intercept != crate::program::Intercept::Leaf || !s.in_gprs || addr == 0 {
        return false;
    }
    let calls = mm.stats[f].calls;
    if calls >= mm.stats[f].time_at || mm.tier_at.get(f).is_some_and(|&at| mm.call_count(f) >= at) {
        return false;
    }
    let mut a = [0u64; 6];
    for (k, &(r, _)) in s.native_args.iter().enumerate() {
        // SAFETY: the site's argument slots are in the caller's frame `fp` (# Safety).
        a[k] = unsafe { *fp.offset(r.0 as isize) };
    }
    // SAFETY: `addr` is the resolved C library function, whose integer parameters are the
    // site's `in_gprs` arguments in order (the program's own contract, as for any native call);
    // registers past them are ignored by the callee.
    let v = unsafe {
        let leaf: Leaf = std::mem::transmute::<usize, Leaf>(addr);
        leaf(a[0], a[1], a[2], a[3], a[4], a[5])
    };
    if let Some(&(_, _, w)) = s.sig.as_ref().and_then(|sig| sig.ret.first()) {
        // SAFETY: the result slot of the calling frame.
        unsafe { *fp.offset(s.ret.0 as isize) = v & crate::consts::mask(u32::from(w)) };
    }
    let st = &mut mm.stats[f];
    st.calls = calls + 1;
    st.active += 1;
    let dt = super::timing::charge_untimed(st, 0);
    mm.refresh_counted(f);
    if let Some(p) = mm.frames.last_mut() {
        p.child = p.child.wrapping_add(dt);
    }
    true
}

/// Call native code at `addr` for call site `site` of the frame `fp`. `stat` is the function-table
/// index whose counters record it.
pub(crate) unsafe fn call_native(
    m: *mut Machine,
    stat: usize,
    addr: usize,
    site: *const CallSite,
    fp: *mut u64,
    caller: *const Code,
) -> Result<(), Trap> {
    // SAFETY: `site` is a live call site of the calling frame's code.
    let s = unsafe { &*site };
    let Some(sig) = s.sig.as_ref() else {
        // SAFETY: live machine.
        return Err(fail(
            unsafe { &mut *m },
            format!("cannot call native code with signature '{}'", s.fn_ty.to_text()),
        ));
    };
    let mut img = RegImage::default();
    let old_top;
    let mark;
    {
        // SAFETY: live machine; this borrow ends before the native call.
        let mm = unsafe { &mut *m };
        // The outgoing stack words go on the alloca stack (below the caller's allocas, which
        // callbacks then leave alone): no heap buffer whose drop a longjmp could skip.
        let n = sig.nstack as usize;
        let at = mm.sp.wrapping_sub(8 * n) & !15;
        if at < mm.astack.ready_lo() && !mm.astack.grow_down(at) {
            return Err(fail(mm, "stack overflow (alloca stack exhausted)".into()));
        }
        // SAFETY: [at, at + 8n) is free alloca stack below `mm.sp`, 16-byte aligned.
        let words = unsafe { std::slice::from_raw_parts_mut(at as *mut u64, n) };
        words.fill(0);
        // SAFETY: the site's argument slots are in `fp`.
        unsafe { marshal(sig, s, fp, &mut img, words) };
        img.stack = at;
        img.nstack = n as u64;
        old_top = mm.reg_top;
        mark = super::jump::mark(mm);
        // SAFETY: `fp` is inside the register stack; the caller's frame ends `nslots` after it.
        mm.reg_top =
            unsafe { fp.add((*caller).nslots as usize).offset_from(mm.regs.base() as *const u64) } as usize + 8;
        let tsc = super::timing::start(mm, stat);
        let st = &mut mm.stats[stat];
        st.calls += 1;
        st.active += 1;
        mm.frames.push(Frame {
            func: stat as u32,
            fp: std::ptr::null_mut(),
            code: std::ptr::null(),
            ctrs: std::ptr::null_mut(),
            ret_ip: std::ptr::null(),
            ret_dst: Reg(0),
            ret_slots: 0,
            caller_rest: s.rest,
            saved_sp: mm.sp,
            tsc,
            child: 0,
            va: 0,
        });
        mm.sp = at;
        mm.refresh_counted(stat);
    }
    // SAFETY: live machine; the borrow ends at once.
    let outside = crate::threads::to_native(unsafe { &*m }, addr);
    // SAFETY: `addr` is native code whose signature is the call site's (the program's own
    // contract, as for native code); no reference into the machine is live across the call.
    let r = unsafe { native::call(addr, &mut img) };
    // SAFETY: `outside` is this call's; the machine is alive.
    unsafe { crate::threads::from_native(outside) };
    // SAFETY: live machine again.
    let mm = unsafe { &mut *m };
    super::jump::after_native(mm, mark);
    // The record is read in place, not popped by value: a copy of the whole record reads it with
    // 16-byte loads across the 8-byte stores that wrote it just before the call, which the CPU
    // cannot forward (a quarter of a call's time in a `perf` profile of a `strlen` loop).
    let len = mm.frames.len().checked_sub(1).expect("irvm: native frame vanished");
    // SAFETY: the record at `len` is this call's (pushed above, and callbacks pop what they push);
    // it stays valid memory after the shortening (the vector only shrinks) and is only read.
    let fr = unsafe {
        mm.frames.set_len(len);
        &*mm.frames.as_ptr().add(len)
    };
    super::timing::close(mm, fr);
    mm.reg_top = old_top;
    mm.sp = fr.saved_sp;
    if let Err(thrown) = r {
        // The callee threw: the interpreted frames unwind to the entry (exec/jump.rs).
        mm.thrown = Some(thrown);
        return Err(Trap::Unwind);
    }
    // SAFETY: result slots of the calling frame.
    unsafe { unmarshal_ret(sig, &img, fp.offset(s.ret.0 as isize)) };
    Ok(())
}
