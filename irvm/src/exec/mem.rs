//! Memory handlers that are too big for the loop: odd-sized loads, two-slot values, dynamic
//! allocas, single-thread atomics, shuffles, masked accesses, indirect calls and `va_start`.

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

/// atomicrmw (single thread): returns the old value.
pub(crate) unsafe fn atomic_rmw(op: u8, bytes: u8, p: usize, v: u64) -> u64 {
    // SAFETY: the program's pointer.
    let old = unsafe { rd(bytes, p) };
    let bits = u32::from(bytes) * 8;
    let m = crate::consts::mask(bits);
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
    // SAFETY: `p` is valid for `bytes` bytes (# Safety), the same range `rd` just read.
    unsafe { wr(bytes, p, new & m) };
    old
}

/// cmpxchg (single thread): (old value, success).
pub(crate) unsafe fn cmpxchg(bytes: u8, p: usize, cmp: u64, new: u64) -> (u64, bool) {
    // SAFETY: the program's pointer.
    let old = unsafe { rd(bytes, p) };
    let ok = old == cmp & crate::consts::mask(u32::from(bytes) * 8);
    if ok {
        // SAFETY: `p` is valid for `bytes` bytes (# Safety), the same range `rd` just read.
        unsafe { wr(bytes, p, new) };
    }
    (old, ok)
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
        return unsafe { call::fast_call(m, f, s, ip, fp, code) };
    }
    if addr == 0 {
        // SAFETY: live machine.
        return Err(fail(unsafe { &mut *m }, "call through a null function pointer".into()));
    }
    // SAFETY: live machine; the last stats entry is the bucket for native code via pointers.
    let bucket = unsafe { (*m).stats.len() - 1 };
    // SAFETY: forwarded contract.
    unsafe { call::call_native(m, bucket, addr, s, fp, code)? };
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
