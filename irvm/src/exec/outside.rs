//! The one way out of the dispatch loop: every op the loop does not run itself (the families of
//! `slow.rs`, calls and returns off their fast paths, OSR, `exit`, traps) runs here, with the
//! loop's state passed through memory. The loop writes its state before this one call and reads
//! it back after, so none of its values lives across a call, and LLVM can keep them in registers
//! however many handlers the loop has (docs/irvm.md, "Register allocation of the loop").

use super::{St, Trap, call, mem, slow, trap_op};
use crate::isa::Op;
use crate::vm::Machine;

/// Run the op at `pc` of the top frame; `st` is the loop's state with `st.ip` the op after it,
/// and receives the state to continue from. `Ok(false)`: the frame entered from the host
/// returned (the loop ends).
///
/// # Safety
/// As `exec::run_from`: `st` is the state of the top frame, `pc` the op it just dispatched.
#[inline(never)]
pub(super) unsafe fn run(m: *mut Machine, pc: *const Op, st: &mut St) -> Result<bool, Trap> {
    let St { ip, fp, ctrs, code } = *st;
    // SAFETY: the loop's contract (# Safety): register operands lie in the frame `fp`, call
    // sites index `code`'s side tables, and the calls and returns keep the state consistent.
    unsafe {
        match *pc {
            Op::Call { f, site } => {
                let s = (*code).sites.as_ptr().add(site.0 as usize);
                if let Some(new) = call::call(m, f.0, s, ip, fp, code)? {
                    *st = new;
                }
            }
            Op::CallInd { p, site } => {
                let s = (*code).sites.as_ptr().add(site.0 as usize);
                let addr = *fp.offset(p.0 as isize) as usize;
                if let Some(new) = mem::call_indirect(m, addr, s, ip, fp, code)? {
                    *st = new;
                }
            }
            // The loop counted the point and found it at its mark.
            Op::Osr { point, .. } => match call::osr(m, fp, code, ctrs, point)? {
                call::OsrExit::Stay => {}
                call::OsrExit::Returned(Some(new)) => *st = new,
                call::OsrExit::Returned(None) => return Ok(false),
            },
            Op::Ret { s } => return Ok(ret(m, st, s, 1)),
            Op::Ret2 { s } => return Ok(ret(m, st, s, 2)),
            Op::RetN { s, n } => return Ok(ret(m, st, s, n)),
            Op::RetVoid => return Ok(ret(m, st, crate::isa::Reg(0), 0)),
            Op::Exit { code: c, rest } => {
                let status = *fp.offset(c.0 as isize) as i32;
                call::unwind_all(&mut *m, rest);
                return Err(Trap::Exit(status));
            }
            Op::Trap { kind, what } => return Err(trap_op(m, code, kind, what.0)),
            ref op => slow::run(m, op, fp, code)?,
        }
    }
    Ok(true)
}

/// A return off the fast path (a timed frame, or the host's): `false` when back to the host.
///
/// # Safety
/// As [`run`], the op being a return of the top frame.
unsafe fn ret(m: *mut Machine, st: &mut St, s: crate::isa::Reg, n: u32) -> bool {
    // SAFETY: forwarded contract.
    match unsafe { call::ret(m, st.fp, s, n) } {
        Some(new) => {
            *st = new;
            true
        }
        None => false,
    }
}
