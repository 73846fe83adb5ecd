//! `<fenv.h>` on the real hardware state: exception flags are the union of the SSE MXCSR flags
//! and the x87 status word; the rounding mode is set in both control registers, as glibc does.
//! (The FPU is live on bare metal too, so these are exactly glibc's semantics.)

use core::arch::asm;
use core::ffi::c_int;

pub const FE_INVALID: c_int = 0x01;
pub const FE_DIVBYZERO: c_int = 0x04;
pub const FE_OVERFLOW: c_int = 0x08;
pub const FE_UNDERFLOW: c_int = 0x10;
pub const FE_INEXACT: c_int = 0x20;
pub const FE_ALL_EXCEPT: c_int = 0x3d;
const ROUND_MASK: c_int = 0xc00;

/// glibc's x86-64 `fenv_t`: the 28-byte x87 environment (fnstenv layout) then MXCSR.
#[repr(C)]
#[derive(Clone, Copy, Default, Debug, PartialEq)]
pub struct FenvT {
    pub control: u16,
    unused1: u16,
    pub status: u16,
    unused2: u16,
    tags: u16,
    unused3: u16,
    eip: u32,
    cs: u16,
    opcode: u16,
    data_offset: u32,
    data_selector: u16,
    unused5: u16,
    pub mxcsr: u32,
}

/// `FE_DFL_ENV` is `(const fenv_t *) -1`.
const FE_DFL_ENV: usize = usize::MAX;

fn mxcsr() -> u32 {
    let mut v: u32 = 0;
    // SAFETY: stmxcsr stores 4 bytes to a local.
    unsafe { asm!("stmxcsr [{p}]", p = in(reg) &mut v, options(nostack, preserves_flags)) };
    v
}

fn set_mxcsr(v: u32) {
    // SAFETY: ldmxcsr from a local; every value we build keeps reserved bits zero.
    unsafe { asm!("ldmxcsr [{p}]", p = in(reg) &v, options(nostack, preserves_flags)) };
}

fn x87_status() -> u16 {
    let sw: u16;
    // SAFETY: fnstsw only reads the FPU status.
    unsafe { asm!("fnstsw ax", out("ax") sw, options(nomem, nostack, preserves_flags)) };
    sw
}

fn x87_control() -> u16 {
    let mut cw: u16 = 0;
    // SAFETY: fnstcw stores 2 bytes to a local.
    unsafe { asm!("fnstcw [{p}]", p = in(reg) &mut cw, options(nostack, preserves_flags)) };
    cw
}

fn set_x87_control(cw: u16) {
    // SAFETY: fldcw from a local.
    unsafe { asm!("fldcw [{p}]", p = in(reg) &cw, options(nostack, preserves_flags)) };
}

/// Read the x87 environment (fnstenv masks x87 exceptions as a side effect; fldenv restores).
fn x87_env() -> FenvT {
    let mut e = FenvT::default();
    // SAFETY: fnstenv writes 28 bytes into `e` (the struct's first 28 bytes); fldenv reloads the
    // same image.
    unsafe { asm!("fnstenv [{p}]", "fldenv [{p}]", p = in(reg) &mut e, options(nostack, preserves_flags)) };
    e
}

fn set_x87_env(e: &FenvT) {
    // SAFETY: fldenv reads the 28-byte image.
    unsafe { asm!("fldenv [{p}]", p = in(reg) e, options(nostack, preserves_flags)) };
}

/// Raise flags (exceptions are masked by default, so this only sets the sticky bits).
pub fn raise(e: c_int) {
    set_mxcsr(mxcsr() | (e & FE_ALL_EXCEPT) as u32);
}

crate::libc_fn! {
    /// `int feclearexcept(int e)`: clears the flags in both MXCSR and the x87 status word.
    ///
    /// # Safety
    /// Always safe.
    fn feclearexcept(e: c_int) -> c_int {
        let e = e & FE_ALL_EXCEPT;
        let mut env = x87_env();
        env.status &= !(e as u16);
        set_x87_env(&env);
        set_mxcsr(mxcsr() & !(e as u32));
        0
    }

    /// `int fetestexcept(int e)`: which of `e` are raised.
    ///
    /// # Safety
    /// Always safe.
    fn fetestexcept(e: c_int) -> c_int {
        (x87_status() as c_int | mxcsr() as c_int) & e & FE_ALL_EXCEPT
    }

    /// `int feraiseexcept(int e)`.
    ///
    /// # Safety
    /// Always safe.
    fn feraiseexcept(e: c_int) -> c_int {
        raise(e);
        0
    }

    /// `int fegetround(void)`.
    ///
    /// # Safety
    /// Always safe.
    fn fegetround() -> c_int {
        x87_control() as c_int & ROUND_MASK
    }

    /// `int fesetround(int mode)`: FE_TONEAREST, FE_DOWNWARD, FE_UPWARD, FE_TOWARDZERO.
    ///
    /// # Safety
    /// Always safe.
    fn fesetround(mode: c_int) -> c_int {
        if mode & !ROUND_MASK != 0 {
            return 1;
        }
        set_x87_control((x87_control() & !(ROUND_MASK as u16)) | mode as u16);
        set_mxcsr((mxcsr() & !0x6000) | ((mode as u32) << 3));
        0
    }

    /// `int fegetenv(fenv_t *env)`.
    ///
    /// # Safety
    /// `env` writable.
    fn fegetenv(env: *mut FenvT) -> c_int {
        let mut e = x87_env();
        e.mxcsr = mxcsr();
        // SAFETY: per the caller.
        unsafe { *env = e };
        0
    }

    /// `int fesetenv(const fenv_t *env)`: `FE_DFL_ENV` restores the power-on state.
    ///
    /// # Safety
    /// `env` readable or FE_DFL_ENV.
    fn fesetenv(env: *const FenvT) -> c_int {
        let mut cur = x87_env();
        if env as usize == FE_DFL_ENV {
            cur.control = 0x37f;
            cur.status &= !(FE_ALL_EXCEPT as u16);
            set_x87_env(&cur);
            set_mxcsr(0x1f80);
        } else {
            // SAFETY: per the caller.
            let e = unsafe { *env };
            cur.control = e.control;
            cur.status = (cur.status & !(FE_ALL_EXCEPT as u16)) | (e.status & FE_ALL_EXCEPT as u16);
            set_x87_env(&cur);
            set_mxcsr(e.mxcsr);
        }
        0
    }

    /// `int feholdexcept(fenv_t *env)`: save the environment, clear flags, mask exceptions.
    ///
    /// # Safety
    /// `env` writable.
    fn feholdexcept(env: *mut FenvT) -> c_int {
        // SAFETY: per the caller.
        unsafe { fegetenv(env) };
        let mut e = x87_env();
        e.status &= !(FE_ALL_EXCEPT as u16);
        e.control |= FE_ALL_EXCEPT as u16;
        set_x87_env(&e);
        set_mxcsr((mxcsr() & !(FE_ALL_EXCEPT as u32)) | ((FE_ALL_EXCEPT as u32) << 7));
        0
    }

    /// `int feupdateenv(const fenv_t *env)`: install `env`, then re-raise the current flags.
    ///
    /// # Safety
    /// As `fesetenv`.
    fn feupdateenv(env: *const FenvT) -> c_int {
        // SAFETY: always safe.
        let pending = unsafe { fetestexcept(FE_ALL_EXCEPT) };
        // SAFETY: per the caller.
        unsafe { fesetenv(env) };
        raise(pending);
        0
    }

    /// `int fegetexceptflag(fexcept_t *flag, int e)`.
    ///
    /// # Safety
    /// `flag` writable.
    fn fegetexceptflag(flag: *mut u16, e: c_int) -> c_int {
        // SAFETY: per the caller.
        unsafe { *flag = fetestexcept(e) as u16 };
        0
    }

    /// `int fesetexceptflag(const fexcept_t *flag, int e)`.
    ///
    /// # Safety
    /// `flag` readable.
    fn fesetexceptflag(flag: *const u16, e: c_int) -> c_int {
        let e = e & FE_ALL_EXCEPT;
        // SAFETY: always safe / per the caller.
        unsafe {
            feclearexcept(e);
            raise(*flag as c_int & e);
        }
        0
    }
}
