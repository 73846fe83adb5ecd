//! Memory handlers that are too big for the loop: odd-sized loads, two-slot values, dynamic
//! allocas, atomics (real atomic operations), shuffles, masked accesses, indirect calls and `va_start`.

use super::vector::V;
use super::{St, Trap, call, fail};
use crate::isa::{Lane, Op};
use crate::translate::{CallSite, Code, ShuffleTable};
use crate::vm::Machine;

/// A 128-bit value from two slots.
#[inline(always)]
pub(crate) unsafe fn get128(p: *const u64) -> u128 {
    // SAFETY: caller passes a two-slot value.
    unsafe { u128::from(*p) | (u128::from(*p.add(1)) << 64) }
}

#[inline(always)]
pub(crate) unsafe fn set128(p: *mut u64, v: u128) {
    // SAFETY: caller passes a two-slot destination.
    unsafe {
        *p = v as u64;
        *p.add(1) = (v >> 64) as u64;
    }
}

/// Load `n` bytes at `addr` into slots at `d`, zero-filling the last slot.
pub(crate) unsafe fn load_n(d: *mut u64, addr: usize, n: usize) {
    // SAFETY: `d` has ceil(n/8) slots (translator); `addr` is the program's pointer.
    unsafe {
        *d.add(n.div_ceil(8) - 1) = 0;
        std::ptr::copy_nonoverlapping(addr as *const u8, d.cast::<u8>(), n);
    }
}

/// Dynamic alloca of `n * size` bytes.
pub(crate) unsafe fn alloca(m: *mut Machine, n: u64, size: u32, align: u32) -> Result<usize, Trap> {
    // SAFETY: live machine.
    let mm = unsafe { &mut *m };
    let bytes = n.saturating_mul(u64::from(size)) as usize;
    let sp = mm.sp.wrapping_sub(bytes) & !(align as usize - 1);
    if sp > mm.sp || (sp < mm.astack.ready_lo() && !mm.astack.grow_down(sp)) {
        return Err(fail(mm, "stack overflow (alloca stack exhausted)".into()));
    }
    mm.sp = sp;
    Ok(sp)
}

unsafe fn rd(bytes: u8, p: usize) -> u64 {
    // SAFETY: the program's pointer to a `bytes`-sized integer.
    unsafe {
        match bytes {
            1 => u64::from(*(p as *const u8)),
            2 => u64::from((p as *const u16).read_unaligned()),
            4 => u64::from((p as *const u32).read_unaligned()),
            _ => (p as *const u64).read_unaligned(),
        }
    }
}

unsafe fn wr(bytes: u8, p: usize, v: u64) {
    // SAFETY: the program's pointer to a `bytes`-sized integer.
    unsafe {
        match bytes {
            1 => *(p as *mut u8) = v as u8,
            2 => (p as *mut u16).write_unaligned(v as u16),
            4 => (p as *mut u32).write_unaligned(v as u32),
            _ => (p as *mut u64).write_unaligned(v),
        }
    }
}

/// The value atomicrmw operation `op` stores, from the `bits`-wide `old` and operand `v`.
fn rmw_value(op: u8, bits: u32, old: u64, v: u64) -> u64 {
    let (so, sv) = (super::int::sext(old, bits), super::int::sext(v, bits));
    let f32op = |f: fn(f32, f32) -> f32| u64::from(f(f32::from_bits(old as u32), f32::from_bits(v as u32)).to_bits());
    let f64op = |f: fn(f64, f64) -> f64| f(f64::from_bits(old), f64::from_bits(v)).to_bits();
    let new = match op {
        0 => v,
        1 => old.wrapping_add(v),
        2 => old.wrapping_sub(v),
        3 => old & v,
        4 => !(old & v),
        5 => old | v,
        6 => old ^ v,
        7 => {
            if so >= sv {
                old
            } else {
                v
            }
        }
        8 => {
            if so <= sv {
                old
            } else {
                v
            }
        }
        9 => old.max(v),
        10 => old.min(v),
        11 => f32op(|a, b| a + b),
        12 => f32op(|a, b| a - b),
        13 => f64op(|a, b| a + b),
        _ => f64op(|a, b| a - b),
    };
    new & crate::consts::mask(bits)
}

/// Compare-and-swap of the `bytes`-sized integer at `p`: a real atomic (lock cmpxchg) when `p`
/// is naturally aligned, as LLVM's atomics are, so that other threads of the program (native,
/// JIT-compiled) see it as one; else a plain read and write. Returns the value found.
///
/// # Safety
/// `p` is valid for reads and writes of `bytes` bytes.
unsafe fn cas(bytes: u8, p: usize, cmp: u64, new: u64) -> u64 {
    use std::sync::atomic::{AtomicU8, AtomicU16, AtomicU32, AtomicU64, Ordering::SeqCst};
    macro_rules! cas_as {
        ($a:ty, $t:ty) => {
            // SAFETY: `p` is valid (# Safety) and aligned (checked below); the program's other
            // accesses to it are its own business (atomics natively, as here).
            match unsafe { <$a>::from_ptr(p as *mut $t) }.compare_exchange(cmp as $t, new as $t, SeqCst, SeqCst) {
                Ok(v) | Err(v) => u64::from(v),
            }
        };
    }
    if !p.is_multiple_of(usize::from(bytes)) {
        // SAFETY: `p` is valid for `bytes` bytes (# Safety).
        let old = unsafe { rd(bytes, p) };
        if old == cmp {
            // SAFETY: as above.
            unsafe { wr(bytes, p, new) };
        }
        return old;
    }
    match bytes {
        1 => cas_as!(AtomicU8, u8),
        2 => cas_as!(AtomicU16, u16),
        4 => cas_as!(AtomicU32, u32),
        _ => cas_as!(AtomicU64, u64),
    }
}

/// atomicrmw, atomic against the program's other threads (a compare-and-swap loop): returns the
/// old value.
///
/// # Safety
/// `p` is the program's pointer to a `bytes`-sized integer.
pub(crate) unsafe fn atomic_rmw(op: u8, bytes: u8, p: usize, v: u64) -> u64 {
    let bits = u32::from(bytes) * 8;
    // SAFETY: the program's pointer.
    let mut old = unsafe { rd(bytes, p) };
    loop {
        let new = rmw_value(op, bits, old, v);
        // SAFETY: the program's pointer (# Safety).
        let seen = unsafe { cas(bytes, p, old, new) };
        if seen == old {
            return old;
        }
        old = seen;
    }
}

/// cmpxchg, atomic against the program's other threads: (old value, success).
///
/// # Safety
/// `p` is the program's pointer to a `bytes`-sized integer.
pub(crate) unsafe fn cmpxchg(bytes: u8, p: usize, cmp: u64, new: u64) -> (u64, bool) {
    let cmp = cmp & crate::consts::mask(u32::from(bytes) * 8);
    // SAFETY: the program's pointer (# Safety).
    let old = unsafe { cas(bytes, p, cmp, new) };
    (old, old == cmp)
}

pub(crate) fn shuffle(t: &ShuffleTable, d: V, a: V, b: V) {
    let lb = t.lane_bytes as usize;
    for (j, &k) in t.mask.iter().enumerate() {
        let v = if k < 0 {
            0
        } else if (k as u32) < t.n_in {
            a.get(k as usize, lb)
        } else {
            b.get((k as u32 - t.n_in) as usize, lb)
        };
        d.set(j, lb, v);
    }
    d.zero_tail(t.mask.len() * lb);
}

pub(crate) fn masked_load(lane: Lane, n: usize, d: V, p: usize, m: V, pass: V) {
    let lb = lane.bytes() as usize;
    for k in 0..n {
        let v = if m.get(k, 1) & 1 != 0 { V((p + k * lb) as *mut u8).get(0, lb) } else { pass.get(k, lb) };
        d.set(k, lb, v);
    }
    d.zero_tail(n * lb);
}

pub(crate) fn masked_store(lane: Lane, n: usize, v: V, p: usize, m: V) {
    let lb = lane.bytes() as usize;
    for k in 0..n {
        if m.get(k, 1) & 1 != 0 {
            V((p + k * lb) as *mut u8).set(0, lb, v.get(k, lb));
        }
    }
}

/// Call through a pointer: a thunk of this machine enters the interpreter directly; anything else
/// is native code.
#[inline(always)]
pub(crate) unsafe fn call_indirect(
    m: *mut Machine,
    addr: usize,
    s: *const CallSite,
    ip: *const Op,
    fp: *mut u64,
    code: *const Code,
) -> Result<Option<St>, Trap> {
    if let Some(f) = crate::abi::thunk::lookup(addr, m.cast()) {
        // SAFETY: forwarded contract.
        return unsafe { call::call(m, f, s, ip, fp, code) };
    }
    if addr == 0 {
        // SAFETY: live machine.
        return Err(fail(unsafe { &mut *m }, "call through a null function pointer".into()));
    }
    // SAFETY: live machine; the last stats entry is the bucket for native code via pointers.
    let bucket = unsafe { (*m).stats.len() - 1 };
    // SAFETY: `addr` is not null and not one of this machine's thunks, so it is native code the
    // program took the address of; `m`, `s`, `fp` and `code` are this call's (our caller's
    // contract, the same as `native_call::call_native`'s).
    unsafe { super::native_call::call_native(m, bucket, addr, s, fp, code)? };
    Ok(None)
}

/// `va_start(ap)`: point the va_list at the frame's register image, past the named arguments.
pub(crate) unsafe fn va_start(m: *mut Machine, code: *const Code, ap: usize) -> Result<(), Trap> {
    // SAFETY: live machine and the current function's code.
    let (mm, c) = unsafe { (&mut *m, &*code) };
    let va = mm.frames.last().map(|f| f.va).unwrap_or(0);
    let Some(sig) = c.own_sig.as_ref().filter(|_| va != 0) else {
        return Err(fail(mm, "va_start without variadic arguments".into()));
    };
    // SAFETY: `va` is a RegImage (thunk frame or alloca stack); `ap` is the program's va_list.
    unsafe {
        let img = &*(va as *const crate::abi::RegImage);
        (ap as *mut u32).write_unaligned(8 * u32::from(sig.ngpr));
        ((ap + 4) as *mut u32).write_unaligned(48 + 16 * u32::from(sig.nxmm));
        ((ap + 8) as *mut u64).write_unaligned((img.stack + 8 * sig.nstack as usize) as u64);
        ((ap + 16) as *mut u64).write_unaligned(va as u64);
    }
    Ok(())
}
