//! Execution: one dispatch loop over the current function's ops, with the hot state (ip, frame
//! pointer, counters, code) in locals. Arithmetic fast paths are inline; generic, vector, memory
//! and call handlers live in the family modules. Errors leave through `#[cold]` paths as a small
//! `Trap`; the message is kept in the machine.

mod bigint;
pub(crate) mod call;
pub(crate) mod callback;
pub(crate) mod counted;
pub(crate) mod float;
pub(crate) mod fp80;
pub(crate) mod int;
pub(crate) mod jump;
mod mem;
pub(crate) mod native_call;
mod outside;
pub(crate) mod result;
mod slow;
pub(crate) mod stack;
pub(crate) mod timing;
mod v128;
mod vector;

use crate::isa::{Conv, FUn, Lane, Op, TrapOp};
use crate::translate::Code;
use crate::vm::Machine;
use float::{f32of, f64of, of32, of64};

/// Why the loop stopped early.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Trap {
    /// The program called `exit(status)`.
    Exit(i32),
    /// A run-time error; the message is in `Machine::error`.
    Error,
    /// A C++ exception is unwinding the frames; it is in `Machine::thrown`.
    Unwind,
}

/// The loop's state after a call or return.
#[derive(Clone, Copy)]
pub(crate) struct St {
    pub(crate) ip: *const Op,
    pub(crate) fp: *mut u64,
    pub(crate) ctrs: *mut u64,
    pub(crate) code: *const Code,
}

/// Record a run-time error in the current function.
#[cold]
#[inline(never)]
pub(crate) fn fail(mm: &mut Machine, msg: String) -> Trap {
    let f = mm.frames.iter().rev().find(|f| !f.code.is_null()).map(|f| f.func as usize);
    let name = f.map(|f| mm.func_name(f).to_string()).unwrap_or_default();
    mm.error = Some(format!("irvm: function '{name}': {msg}"));
    Trap::Error
}

#[cold]
#[inline(never)]
fn trap_op(m: *mut Machine, code: *const Code, kind: TrapOp, what: u32) -> Trap {
    // SAFETY: live machine and the current function's code.
    let (mm, c) = unsafe { (&mut *m, &*code) };
    match kind {
        TrapOp::Unreachable => fail(mm, "reached 'unreachable'".into()),
        TrapOp::LlvmTrap => fail(mm, "llvm.trap called (abort)".into()),
        TrapOp::Unsupported => {
            mm.error = Some(format!("irvm: {}", c.messages[what as usize]));
            Trap::Error
        }
    }
}

#[cold]
#[inline(never)]
fn no_chained_form(m: *mut Machine) -> Trap {
    // SAFETY: live machine.
    fail(unsafe { &mut *m }, "irvm: a chained form of an op that runs out of the loop".into())
}

#[cold]
#[inline(never)]
fn div_fault(m: *mut Machine) -> Trap {
    // SAFETY: live machine.
    fail(unsafe { &mut *m }, "integer division by zero or overflow".into())
}

/// Run from the top frame until the frame that was entered from the host returns.
///
/// # Safety
/// `m` is a live machine with a frame pushed by `call::enter_from_host`; nothing else holds a
/// reference into it while this runs (native callees may re-enter it through thunks).
pub(crate) unsafe fn run(m: *mut Machine) -> Result<(), Trap> {
    // SAFETY: the top frame belongs to a lowered function (just entered).
    let st = unsafe {
        let mm = &mut *m;
        let fr = mm.frames.last().expect("irvm: run without a frame");
        St {
            ip: (*fr.code).ops.as_ptr(),
            fp: fr.fp,
            ctrs: mm.stats[fr.func as usize].counters.as_mut_ptr(),
            code: fr.code,
        }
    };
    // SAFETY: forwarded contract; `st` starts the top frame.
    unsafe { run_from(m, st) }
}

/// Run from state `st` of the top frame (its entry, or where a longjmp resumes it) until the
/// frame that was entered from the host returns.
///
/// # Safety
/// As [`run`]; `st` is a point of the top frame's code with its frame pointer and counters.
pub(crate) unsafe fn run_from(m: *mut Machine, st: St) -> Result<(), Trap> {
    let St { mut ip, mut fp, mut ctrs, mut code } = st;
    // SAFETY: the translator guarantees that every register operand lies inside its function's
    // frame (constants below fp, values above), that every jump lands on an op of the same
    // function (a `SwitchDense` points at its code's own table of `n + 1` edges), and that a
    // function's code ends in terminators, that the first op of a pair (`translate::pair`) is
    // followed by an op of its own variant, and an axpy step marked `latch` by one of the
    // latches `latch!` runs, and that an operand is `Reg::RESULT` (no slot) only in the
    // chained forms whose handlers read it with `acc!`, right after an op that leaves that
    // result (`result::chained_form`); `call`/`ret` keep fp, ctrs and code consistent with the
    // op stream. Memory operands are the program's own pointers: irvm
    // gives interpreted code exactly the memory access native code would have.
    unsafe {
        // The result register (`result`): an op listed there writes its result with `wr!`, to
        // its slot and to `acc`; each dispatch moves `acc` to `prev` and zeroes it, so the value
        // lives only from that op into the next, where a chained form (`Add64R`…) reads it with
        // `acc!`.
        let mut acc: u64 = 0;
        let mut prev: u64;
        macro_rules! r {
            ($x:expr) => {
                *fp.offset($x.0 as isize)
            };
        }
        // The operand a chained form takes from the result register (its field names no slot).
        macro_rules! acc {
            ($x:expr) => {{
                let _ = $x;
                prev
            }};
        }
        macro_rules! w {
            ($x:expr, $v:expr) => {
                *fp.offset($x.0 as isize) = $v
            };
        }
        // The write of an op that leaves its result in the result register (`result::result`).
        macro_rules! wr {
            ($x:expr, $v:expr) => {{
                let v = $v;
                *fp.offset($x.0 as isize) = v;
                acc = v;
            }};
        }
        macro_rules! slot {
            ($x:expr) => {
                fp.offset($x.0 as isize)
            };
        }
        // The program's address `p + off`, as a byte pointer.
        macro_rules! mem_at {
            ($p:expr, $off:expr) => {
                (r!($p) as i64).wrapping_add($off as i64) as *mut u8
            };
        }
        macro_rules! bump {
            ($c:expr) => {
                *ctrs.add($c as usize) += 1
            };
        }
        // A real branch, never a select: the branch predictor then runs ahead along the likely
        // path, where a cmov would make the next dispatch wait for the comparison. The empty asm
        // (no instructions) keeps LLVM from if-converting the two arms.
        macro_rules! br {
            ($cond:expr, $x:expr, $pc:expr) => {{
                let x = $x;
                if $cond {
                    std::arch::asm!("", options(nomem, nostack, preserves_flags));
                    bump!(x.ctr.0);
                    ip = $pc.offset(x.t.0 as isize);
                } else {
                    bump!(x.ctr.0 + 1);
                    ip = $pc.offset(x.f.0 as isize);
                }
            }};
        }
        // An op of two slots (`Bin`), its operands read with `$ra!` and `$rb!` (`r` or `acc`).
        macro_rules! bin {
            ($x:expr, $ra:ident, $rb:ident, |$a:ident, $b:ident| $e:expr) => {{
                let x = $x;
                let ($a, $b) = ($ra!(x.a), $rb!(x.b));
                wr!(x.d, $e)
            }};
        }
        // A signed division or remainder (`$op`) of two `$t`s, the dividend read with `$ra!`: a zero
        // divisor and the one quotient that overflows trap, as the hardware would.
        macro_rules! sdiv {
            ($x:expr, $ra:ident, $t:ty, $u:ty, $op:tt) => {{
                let x = $x;
                let (a, b) = ($ra!(x.a) as $t, r!(x.b) as $t);
                if b == 0 || (b == -1 && a == <$t>::MIN) {
                    return Err(div_fault(m));
                }
                wr!(x.d, (a $op b) as $u as u64)
            }};
        }
        // An unsigned division or remainder (`$op`; the slots hold 32-bit values zero-extended).
        macro_rules! udiv {
            ($x:expr, $ra:ident, $op:tt) => {{
                let x = $x;
                let (a, b) = ($ra!(x.a), r!(x.b));
                if b == 0 {
                    return Err(div_fault(m));
                }
                wr!(x.d, a $op b)
            }};
        }
        // The remainder of `$a` by a constant, from its multiply-high constants `$k..$k+3`.
        macro_rules! urem_c {
            ($d:expr, $a:expr, $k:expr) => {{
                let (x, k) = ($a, $k);
                wr!($d, x - int::udivc(x, r!(k), r!(k.at(2))) * r!(k.at(1)))
            }};
        }
        // A signed division (`/`) or remainder (`%`) of `$a`, `$bits` wide, by a constant.
        macro_rules! sdiv_c {
            ($bits:expr, $d:expr, $a:expr, $k:expr, /) => {{
                let (bits, k) = (u32::from($bits), $k);
                let q = int::sdivc(int::sext($a, bits), r!(k), r!(k.at(2)), r!(k.at(3)) as i64);
                wr!($d, q as u64 & crate::consts::mask(bits))
            }};
            ($bits:expr, $d:expr, $a:expr, $k:expr, %) => {{
                let (bits, k) = (u32::from($bits), $k);
                let x = int::sext($a, bits);
                let q = int::sdivc(x, r!(k), r!(k.at(2)), r!(k.at(3)) as i64);
                wr!($d, x.wrapping_sub(q.wrapping_mul(r!(k.at(3)) as i64)) as u64 & crate::consts::mask(bits))
            }};
        }
        // `$a` sign-extended from `$from` bits, kept to `$to` bits.
        macro_rules! sext {
            ($d:expr, $a:expr, $from:expr, $to:expr) => {
                wr!($d, int::sext($a, u32::from($from)) as u64 & crate::consts::mask(u32::from($to)))
            };
        }
        // Negation, absolute value or square root of the `double` (`$dbl`) or `float` in `$a`.
        macro_rules! fun {
            ($op:expr, $dbl:expr, $d:expr, $a:expr) => {{
                let a = $a;
                wr!($d, if $dbl { of64(float::fun64($op, f64of(a))) } else { of32(float::fun32($op, f32of(a))) })
            }};
        }
        // `$a * $b + $c`, rounded twice, in doubles (`$dbl`) or floats.
        macro_rules! fmuladd {
            ($dbl:expr, $d:expr, $a:expr, $b:expr, $c:expr) => {{
                let (a, b, c) = ($a, $b, $c);
                wr!($d, if $dbl { of64(f64of(a) * f64of(b) + f64of(c)) } else { of32(f32of(a) * f32of(b) + f32of(c)) })
            }};
        }
        macro_rules! fcmp {
            ($p:expr, $dbl:expr, $d:expr, $a:expr, $b:expr) => {{
                let (a, b) = ($a, $b);
                let c = if $dbl {
                    float::fcmp($p, f64of(a), f64of(b))
                } else {
                    float::fcmp($p, f64::from(f32of(a)), f64::from(f32of(b)))
                };
                wr!($d, u64::from(c))
            }};
        }
        // `p + i * scale + off`, the index `$i` already sign-extended.
        macro_rules! gep {
            ($d:expr, $p:expr, $i:expr, $scale:expr, $off:expr) => {
                wr!($d, r!($p).wrapping_add(($i).wrapping_mul($scale as i64).wrapping_add($off as i64) as u64))
            };
        }
        // An op of a slot and an immediate (`BinI`), its operand read with `$ra!`.
        macro_rules! bini {
            ($x:expr, $ra:ident, |$a:ident, $b:ident| $e:expr) => {{
                let x = $x;
                let ($a, $b) = ($ra!(x.a), x.imm);
                wr!(x.d, $e)
            }};
        }
        // The address `p + off` of a Mem; its operands read with `r!`, or with the reader given.
        macro_rules! addr {
            ($m:expr) => {
                addr!($m, r)
            };
            ($m:expr, $rd:ident) => {
                ($rd!($m.p) as i64).wrapping_add($m.off as i64) as usize
            };
        }
        // A folded address (MemX / MemA).
        macro_rules! addrx {
            ($m:expr) => {
                addrx!($m, r)
            };
            ($m:expr, $rd:ident) => {
                (r!($m.p) as i64)
                    .wrapping_add(($rd!($m.i) as i64).wrapping_mul($m.scale as i64))
                    .wrapping_add($m.off as i64) as usize
            };
        }
        // A folded address whose index is an i32, sign-extended (MemX of the `XS` ops).
        macro_rules! addrxs {
            ($m:expr) => {
                addrxs!($m, r)
            };
            ($m:expr, $rd:ident) => {
                (r!($m.p) as i64)
                    .wrapping_add(($rd!($m.i) as i32 as i64).wrapping_mul($m.scale as i64))
                    .wrapping_add($m.off as i64) as usize
            };
        }
        // An indexed load of a `$t`, then the compare-and-branch of its `ExtCmpBr` slot.
        macro_rules! load_br {
            ($x:expr, $t:ty) => {{
                let x = $x;
                let Op::ExtCmpBr { p, w32, b, t, f, ctr } = *ip else { std::hint::unreachable_unchecked() };
                let v = u64::from((addrx!(x) as *const $t).read_unaligned());
                w!(x.v, v);
                let c = if w32 { int::cmp32_eq_or_flat(p, v, r!(b)) } else { int::cmp_eq_or_flat(p, v, r!(b)) };
                br!(c, crate::isa::BrCmp { a: x.v, b, t, f, ctr }, ip)
            }};
        }
        // Four dot-product steps over consecutive `$t`s (`FDot4X`): the sum in a register, each
        // step rounded as `FDotX` rounds it, the last sum into the `ExtMem` slot's register.
        macro_rules! dot4 {
            ($c:expr, $a:expr, $t:ty, $from:path, $to:path) => {{
                let Op::ExtMem { b, r: d } = *ip else { std::hint::unreachable_unchecked() };
                ip = ip.add(1);
                let (pa, pb) = (addrx!($a) as *const $t, addrx!(b) as *const $t);
                let mut s = $from(r!($c));
                for k in 0..4 {
                    s += pa.add(k).read_unaligned() * pb.add(k).read_unaligned();
                }
                w!(d, $to(s));
            }};
        }
        // A compare-branch-move: the compare of slots `a` and `b`, the `ExtBr` slot's phi move on
        // the edges in `mv`, then the branch.
        macro_rules! br_mov {
            ($mv:expr, $ra:expr, $rb:expr, |$a:ident, $b:ident| $e:expr) => {{
                let (a, b) = ($ra, $rb);
                let ($a, $b) = (r!(a), r!(b));
                mov_br!($mv, a, b, $e)
            }};
        }
        // The tail of a compare-branch-move and of a latch (`IncBr`, `IncRBr`): the `ExtBr` slot's
        // phi move on the edges in `mv`, then the branch on `c` (compare of slots `a` and `b`).
        macro_rules! mov_br {
            ($mv:expr, $a:expr, $b:expr, $c:expr) => {{
                let (mv, a, b, c) = ($mv, $a, $b, $c);
                let Op::ExtBr { t, f, ctr, d, s } = *ip else { std::hint::unreachable_unchecked() };
                if (mv >> u8::from(c)) & 1 != 0 {
                    w!(d, r!(s));
                }
                br!(c, crate::isa::BrCmp { a, b, t, f, ctr }, ip)
            }};
        }
        // A loop latch: slot `a` becomes `$v` (in place), compared with slot `b` by predicate `p` on
        // 64 bits (`cmp_eq_or_flat`) or 32 (`cmp32_eq_or_flat`), then `mov_br`.
        macro_rules! inc_br {
            ($mv:expr, $a:expr, $b:expr, $v:expr, $cmp:path, $p:expr) => {{
                let (a, b, v) = ($a, $b, $v);
                w!(a, v);
                mov_br!($mv, a, b, $cmp($p, v, r!(b)))
            }};
        }
        // An op of a pair (`translate::pair`): `$run` on this op's operands; if `$pair`, then on
        // the operands `$f` of the next op (the same operation on the same shape), in this
        // dispatch, the next op skipped.
        macro_rules! paired {
            ($pair:expr, $v:ident { $($f:ident),* }, $run:expr) => {{
                $run;
                if $pair {
                    let Op::$v { $($f,)* .. } = *ip else { std::hint::unreachable_unchecked() };
                    ip = ip.add(1);
                    $run
                }
            }};
        }
        // A pair of indexed loads or stores (`translate::pair`): `$run` on this op's address
        // `$x`, then on the next op's (a `$v`), in this dispatch, the next op skipped.
        macro_rules! paired_mem {
            ($x:ident, $v:ident, $run:expr) => {{
                // A load pair's result is the second load's: its write replaces the first's in
                // `acc`.
                #[allow(unused_assignments)]
                {
                    $run;
                }
                let Op::$v($x) = *ip else { std::hint::unreachable_unchecked() };
                ip = ip.add(1);
                $run
            }};
        }
        // The loop latch at `ip` (`translate::pair`, `latch_prefixes`: one of the three kinds
        // below), run by the dispatch of the op before it (a paired axpy step).
        macro_rules! latch {
            () => {{
                let l = *ip;
                ip = ip.add(1);
                match l {
                    Op::IncBr64 { p, mv, a, imm, b } => {
                        inc_br!(mv, a, b, r!(a).wrapping_add(imm as i64 as u64), int::cmp_eq_or_flat, p)
                    }
                    Op::IncRBr64 { p, mv, a, s, b } => {
                        inc_br!(mv, a, b, r!(a).wrapping_add(r!(s)), int::cmp_eq_or_flat, p)
                    }
                    Op::Inc2Br64 { p, mv, a, imm, b, a2, imm2 } => {
                        w!(a2, r!(a2).wrapping_add(imm2 as i64 as u64));
                        inc_br!(mv, a, b, r!(a).wrapping_add(imm as i64 as u64), int::cmp_eq_or_flat, p)
                    }
                    _ => std::hint::unreachable_unchecked(),
                }
            }};
        }
        macro_rules! set_state {
            ($st:expr) => {{
                let st = $st;
                ip = st.ip;
                fp = st.fp;
                ctrs = st.ctrs;
                code = st.code;
            }};
        }
        // The state's home while an op runs out of the loop (`outside`): written before that one
        // call and read back after it, so that no value of the loop lives across a call.
        let mut home = St { ip, fp, ctrs, code };
        'ops: loop {
            let pc = ip;
            ip = pc.add(1);
            (prev, acc) = (acc, 0);
            'out: {
                match *pc {
                    // ---- moves and control ----
                    Op::Mov { d, s } => wr!(d, r!(s)),
                    Op::MovR { d, s } => wr!(d, acc!(s)),
                    Op::Mov2 { d, s } => {
                        let (a, b) = (r!(s), r!(s.at(1)));
                        w!(d, a);
                        w!(d.at(1), b);
                    }
                    Op::MovPair(x) => {
                        let (a, b) = (r!(x.a), r!(x.b));
                        w!(x.d, a);
                        w!(x.d.at(1), b);
                    }
                    Op::MovJmp { d, s, rel, ctr } => {
                        w!(d, r!(s));
                        bump!(ctr.0);
                        ip = pc.offset(rel.0 as isize);
                    }
                    Op::MovMovJmp { d, s, rel, ctr } => {
                        let Op::ExtMov { d: d2, s: s2 } = *ip else { std::hint::unreachable_unchecked() };
                        w!(d, r!(s));
                        w!(d2, r!(s2));
                        bump!(ctr.0);
                        ip = pc.offset(rel.0 as isize);
                    }
                    Op::AddIJmp { d, a, imm, rel, ctr } => {
                        w!(d, r!(a).wrapping_add(imm as i64 as u64));
                        bump!(ctr.0);
                        ip = pc.offset(rel.0 as isize);
                    }
                    Op::Jmp { rel, ctr } => {
                        bump!(ctr.0);
                        ip = pc.offset(rel.0 as isize);
                    }
                    Op::Br { c, t, f, ctr } => br!(r!(c) & 1 != 0, crate::isa::BrCmp { a: c, b: c, t, f, ctr }, pc),
                    Op::BrR { c, t, f, ctr } => br!(acc!(c) & 1 != 0, crate::isa::BrCmp { a: c, b: c, t, f, ctr }, pc),
                    Op::BrLane { v, off, t, f, ctr } => br!(
                        *slot!(v).cast::<u8>().add(off as usize) & 1 != 0,
                        crate::isa::BrCmp { a: v, b: v, t, f, ctr },
                        pc
                    ),
                    Op::SwitchDense { v, lo, n, edges } => {
                        let i = r!(v).wrapping_sub(u64::from(lo));
                        let k = if i < u64::from(n) { i as usize } else { n as usize };
                        let e = *(edges as *const crate::translate::Edge).add(k);
                        bump!(e.ctr);
                        ip = pc.offset(e.rel.0 as isize);
                    }
                    Op::Switch { v, table } => {
                        let sw = &(*code).switches[table.0 as usize];
                        let val = r!(v);
                        let k = match &sw.dense {
                            Some((lo, d)) => match val.checked_sub(*lo) {
                                Some(i) if (i as usize) < d.len() => d[i as usize] as usize,
                                _ => usize::MAX,
                            },
                            None => sw.values.binary_search(&val).unwrap_or(usize::MAX),
                        };
                        if k == usize::MAX || k >= sw.values.len() {
                            bump!(sw.ctr);
                            ip = pc.offset(sw.targets[sw.values.len()].0 as isize);
                        } else {
                            bump!(sw.ctr + 1 + sw.order[k]);
                            ip = pc.offset(sw.targets[k].0 as isize);
                        }
                    }
                    Op::Select { d, c, a, b } => wr!(d, if r!(c) & 1 != 0 { r!(a) } else { r!(b) }),
                    Op::SelectR { d, c, a, b } => wr!(d, if acc!(c) & 1 != 0 { r!(a) } else { r!(b) }),
                    // ---- fused compare-and-branch ----
                    Op::BrEq32(x) => br!(r!(x.a) as u32 == r!(x.b) as u32, x, pc),
                    Op::BrEq32R(x) => br!(acc!(x.a) as u32 == r!(x.b) as u32, x, pc),
                    Op::BrNe32(x) => br!(r!(x.a) as u32 != r!(x.b) as u32, x, pc),
                    Op::BrNe32R(x) => br!(acc!(x.a) as u32 != r!(x.b) as u32, x, pc),
                    Op::BrSlt32(x) => br!((r!(x.a) as i32) < r!(x.b) as i32, x, pc),
                    Op::BrSlt32R(x) => br!((acc!(x.a) as i32) < r!(x.b) as i32, x, pc),
                    Op::BrSle32(x) => br!(r!(x.a) as i32 <= r!(x.b) as i32, x, pc),
                    Op::BrSle32R(x) => br!(acc!(x.a) as i32 <= r!(x.b) as i32, x, pc),
                    Op::BrSgt32(x) => br!(r!(x.a) as i32 > r!(x.b) as i32, x, pc),
                    Op::BrSgt32R(x) => br!(acc!(x.a) as i32 > r!(x.b) as i32, x, pc),
                    Op::BrSge32(x) => br!(r!(x.a) as i32 >= r!(x.b) as i32, x, pc),
                    Op::BrSge32R(x) => br!(acc!(x.a) as i32 >= r!(x.b) as i32, x, pc),
                    Op::BrUlt32(x) => br!((r!(x.a) as u32) < r!(x.b) as u32, x, pc),
                    Op::BrUlt32R(x) => br!((acc!(x.a) as u32) < r!(x.b) as u32, x, pc),
                    Op::BrUle32(x) => br!(r!(x.a) as u32 <= r!(x.b) as u32, x, pc),
                    Op::BrUle32R(x) => br!(acc!(x.a) as u32 <= r!(x.b) as u32, x, pc),
                    Op::BrUgt32(x) => br!(r!(x.a) as u32 > r!(x.b) as u32, x, pc),
                    Op::BrUgt32R(x) => br!(acc!(x.a) as u32 > r!(x.b) as u32, x, pc),
                    Op::BrUge32(x) => br!(r!(x.a) as u32 >= r!(x.b) as u32, x, pc),
                    Op::BrUge32R(x) => br!(acc!(x.a) as u32 >= r!(x.b) as u32, x, pc),
                    Op::BrEq64(x) => br!(r!(x.a) == r!(x.b), x, pc),
                    Op::BrEq64R(x) => br!(acc!(x.a) == r!(x.b), x, pc),
                    Op::BrNe64(x) => br!(r!(x.a) != r!(x.b), x, pc),
                    Op::BrNe64R(x) => br!(acc!(x.a) != r!(x.b), x, pc),
                    Op::BrSlt64(x) => br!((r!(x.a) as i64) < r!(x.b) as i64, x, pc),
                    Op::BrSlt64R(x) => br!((acc!(x.a) as i64) < r!(x.b) as i64, x, pc),
                    Op::BrSle64(x) => br!(r!(x.a) as i64 <= r!(x.b) as i64, x, pc),
                    Op::BrSle64R(x) => br!(acc!(x.a) as i64 <= r!(x.b) as i64, x, pc),
                    Op::BrSgt64(x) => br!(r!(x.a) as i64 > r!(x.b) as i64, x, pc),
                    Op::BrSgt64R(x) => br!(acc!(x.a) as i64 > r!(x.b) as i64, x, pc),
                    Op::BrSge64(x) => br!(r!(x.a) as i64 >= r!(x.b) as i64, x, pc),
                    Op::BrSge64R(x) => br!(acc!(x.a) as i64 >= r!(x.b) as i64, x, pc),
                    Op::BrUlt64(x) => br!(r!(x.a) < r!(x.b), x, pc),
                    Op::BrUlt64R(x) => br!(acc!(x.a) < r!(x.b), x, pc),
                    Op::BrUle64(x) => br!(r!(x.a) <= r!(x.b), x, pc),
                    Op::BrUle64R(x) => br!(acc!(x.a) <= r!(x.b), x, pc),
                    Op::BrUgt64(x) => br!(r!(x.a) > r!(x.b), x, pc),
                    Op::BrUgt64R(x) => br!(acc!(x.a) > r!(x.b), x, pc),
                    Op::BrUge64(x) => br!(r!(x.a) >= r!(x.b), x, pc),
                    Op::BrUge64R(x) => br!(acc!(x.a) >= r!(x.b), x, pc),
                    Op::BrEq32I(x) => br!(r!(x.a) as u32 == x.imm as u32, x, pc),
                    Op::BrEq32IR(x) => br!(acc!(x.a) as u32 == x.imm as u32, x, pc),
                    Op::BrNe32I(x) => br!(r!(x.a) as u32 != x.imm as u32, x, pc),
                    Op::BrNe32IR(x) => br!(acc!(x.a) as u32 != x.imm as u32, x, pc),
                    Op::BrSlt32I(x) => br!((r!(x.a) as i32) < x.imm, x, pc),
                    Op::BrSlt32IR(x) => br!((acc!(x.a) as i32) < x.imm, x, pc),
                    Op::BrSle32I(x) => br!(r!(x.a) as i32 <= x.imm, x, pc),
                    Op::BrSle32IR(x) => br!(acc!(x.a) as i32 <= x.imm, x, pc),
                    Op::BrSgt32I(x) => br!(r!(x.a) as i32 > x.imm, x, pc),
                    Op::BrSgt32IR(x) => br!(acc!(x.a) as i32 > x.imm, x, pc),
                    Op::BrSge32I(x) => br!(r!(x.a) as i32 >= x.imm, x, pc),
                    Op::BrSge32IR(x) => br!(acc!(x.a) as i32 >= x.imm, x, pc),
                    Op::BrUlt32I(x) => br!((r!(x.a) as u32) < x.imm as u32, x, pc),
                    Op::BrUlt32IR(x) => br!((acc!(x.a) as u32) < x.imm as u32, x, pc),
                    Op::BrUle32I(x) => br!(r!(x.a) as u32 <= x.imm as u32, x, pc),
                    Op::BrUle32IR(x) => br!(acc!(x.a) as u32 <= x.imm as u32, x, pc),
                    Op::BrUgt32I(x) => br!(r!(x.a) as u32 > x.imm as u32, x, pc),
                    Op::BrUgt32IR(x) => br!(acc!(x.a) as u32 > x.imm as u32, x, pc),
                    Op::BrUge32I(x) => br!(r!(x.a) as u32 >= x.imm as u32, x, pc),
                    Op::BrUge32IR(x) => br!(acc!(x.a) as u32 >= x.imm as u32, x, pc),
                    Op::BrEq64I(x) => br!(r!(x.a) == x.imm as i64 as u64, x, pc),
                    Op::BrEq64IR(x) => br!(acc!(x.a) == x.imm as i64 as u64, x, pc),
                    Op::BrNe64I(x) => br!(r!(x.a) != x.imm as i64 as u64, x, pc),
                    Op::BrNe64IR(x) => br!(acc!(x.a) != x.imm as i64 as u64, x, pc),
                    Op::BrSlt64I(x) => br!((r!(x.a) as i64) < x.imm as i64, x, pc),
                    Op::BrSlt64IR(x) => br!((acc!(x.a) as i64) < x.imm as i64, x, pc),
                    Op::BrSle64I(x) => br!(r!(x.a) as i64 <= x.imm as i64, x, pc),
                    Op::BrSle64IR(x) => br!(acc!(x.a) as i64 <= x.imm as i64, x, pc),
                    Op::BrSgt64I(x) => br!(r!(x.a) as i64 > x.imm as i64, x, pc),
                    Op::BrSgt64IR(x) => br!(acc!(x.a) as i64 > x.imm as i64, x, pc),
                    Op::BrSge64I(x) => br!(r!(x.a) as i64 >= x.imm as i64, x, pc),
                    Op::BrSge64IR(x) => br!(acc!(x.a) as i64 >= x.imm as i64, x, pc),
                    Op::BrUlt64I(x) => br!(r!(x.a) < x.imm as i64 as u64, x, pc),
                    Op::BrUlt64IR(x) => br!(acc!(x.a) < x.imm as i64 as u64, x, pc),
                    Op::BrUle64I(x) => br!(r!(x.a) <= x.imm as i64 as u64, x, pc),
                    Op::BrUle64IR(x) => br!(acc!(x.a) <= x.imm as i64 as u64, x, pc),
                    Op::BrUgt64I(x) => br!(r!(x.a) > x.imm as i64 as u64, x, pc),
                    Op::BrUgt64IR(x) => br!(acc!(x.a) > x.imm as i64 as u64, x, pc),
                    Op::BrUge64I(x) => br!(r!(x.a) >= x.imm as i64 as u64, x, pc),
                    Op::BrUge64IR(x) => br!(acc!(x.a) >= x.imm as i64 as u64, x, pc),
                    Op::BrFCmp { p, dbl, a, b, t, f, ctr } => {
                        let c = if dbl {
                            float::fcmp(p, f64of(r!(a)), f64of(r!(b)))
                        } else {
                            float::fcmp(p, f64::from(f32of(r!(a))), f64::from(f32of(r!(b))))
                        };
                        let x = crate::isa::BrCmp { a, b, t, f, ctr };
                        br!(c, x, pc)
                    }

                    // ---- integer fast paths ----
                    Op::Add32(x) => bin!(x, r, r, |a, b| (a as u32).wrapping_add(b as u32) as u64),
                    Op::Add32R(x) => bin!(x, acc, r, |a, b| (a as u32).wrapping_add(b as u32) as u64),
                    Op::Sub32(x) => bin!(x, r, r, |a, b| (a as u32).wrapping_sub(b as u32) as u64),
                    Op::Sub32R(x) => bin!(x, acc, r, |a, b| (a as u32).wrapping_sub(b as u32) as u64),
                    Op::Sub32Rb(x) => bin!(x, r, acc, |a, b| (a as u32).wrapping_sub(b as u32) as u64),
                    Op::Mul32(x) => bin!(x, r, r, |a, b| (a as u32).wrapping_mul(b as u32) as u64),
                    Op::Mul32R(x) => bin!(x, acc, r, |a, b| (a as u32).wrapping_mul(b as u32) as u64),
                    Op::Shl32(x) => bin!(x, r, r, |a, b| (a as u32).wrapping_shl(b as u32) as u64),
                    Op::Shl32R(x) => bin!(x, acc, r, |a, b| (a as u32).wrapping_shl(b as u32) as u64),
                    Op::AShr32(x) => bin!(x, r, r, |a, b| (a as i32).wrapping_shr(b as u32) as u32 as u64),
                    Op::AShr32R(x) => bin!(x, acc, r, |a, b| (a as i32).wrapping_shr(b as u32) as u32 as u64),
                    Op::LShr32(x) => bin!(x, r, r, |a, b| (a as u32).wrapping_shr(b as u32) as u64),
                    Op::LShr32R(x) => bin!(x, acc, r, |a, b| (a as u32).wrapping_shr(b as u32) as u64),
                    Op::SDiv32(x) => sdiv!(x, r, i32, u32, /),
                    Op::SDiv32R(x) => sdiv!(x, acc, i32, u32, /),
                    Op::SRem32(x) => sdiv!(x, r, i32, u32, %),
                    Op::SRem32R(x) => sdiv!(x, acc, i32, u32, %),
                    Op::UDiv32(x) | Op::UDiv64(x) => udiv!(x, r, /),
                    Op::UDiv32R(x) | Op::UDiv64R(x) => udiv!(x, acc, /),
                    Op::URem32(x) | Op::URem64(x) => udiv!(x, r, %),
                    Op::URem32R(x) | Op::URem64R(x) => udiv!(x, acc, %),
                    Op::Add64(x) => bin!(x, r, r, |a, b| a.wrapping_add(b)),
                    Op::Add64R(x) => bin!(x, acc, r, |a, b| a.wrapping_add(b)),
                    Op::Sub64(x) => bin!(x, r, r, |a, b| a.wrapping_sub(b)),
                    Op::Sub64R(x) => bin!(x, acc, r, |a, b| a.wrapping_sub(b)),
                    Op::Sub64Rb(x) => bin!(x, r, acc, |a, b| a.wrapping_sub(b)),
                    Op::Mul64(x) => bin!(x, r, r, |a, b| a.wrapping_mul(b)),
                    Op::Mul64R(x) => bin!(x, acc, r, |a, b| a.wrapping_mul(b)),
                    Op::Shl64(x) => bin!(x, r, r, |a, b| a.wrapping_shl(b as u32)),
                    Op::Shl64R(x) => bin!(x, acc, r, |a, b| a.wrapping_shl(b as u32)),
                    Op::AShr64(x) => bin!(x, r, r, |a, b| (a as i64).wrapping_shr(b as u32) as u64),
                    Op::AShr64R(x) => bin!(x, acc, r, |a, b| (a as i64).wrapping_shr(b as u32) as u64),
                    Op::LShr64(x) => bin!(x, r, r, |a, b| a.wrapping_shr(b as u32)),
                    Op::LShr64R(x) => bin!(x, acc, r, |a, b| a.wrapping_shr(b as u32)),
                    Op::SDiv64(x) => sdiv!(x, r, i64, u64, /),
                    Op::SDiv64R(x) => sdiv!(x, acc, i64, u64, /),
                    Op::SRem64(x) => sdiv!(x, r, i64, u64, %),
                    Op::SRem64R(x) => sdiv!(x, acc, i64, u64, %),
                    Op::And64(x) => bin!(x, r, r, |a, b| a & b),
                    Op::And64R(x) => bin!(x, acc, r, |a, b| a & b),
                    Op::Or64(x) => bin!(x, r, r, |a, b| a | b),
                    Op::Or64R(x) => bin!(x, acc, r, |a, b| a | b),
                    Op::Xor64(x) => bin!(x, r, r, |a, b| a ^ b),
                    Op::Xor64R(x) => bin!(x, acc, r, |a, b| a ^ b),
                    Op::Add32I(x) => bini!(x, r, |a, k| (a as u32).wrapping_add(k as u32) as u64),
                    Op::Add32IR(x) => bini!(x, acc, |a, k| (a as u32).wrapping_add(k as u32) as u64),
                    Op::Mul32I(x) => bini!(x, r, |a, k| (a as u32).wrapping_mul(k as u32) as u64),
                    Op::Mul32IR(x) => bini!(x, acc, |a, k| (a as u32).wrapping_mul(k as u32) as u64),
                    Op::Shl32I(x) => bini!(x, r, |a, k| (a as u32).wrapping_shl(k as u32) as u64),
                    Op::Shl32IR(x) => bini!(x, acc, |a, k| (a as u32).wrapping_shl(k as u32) as u64),
                    Op::AShr32I(x) => bini!(x, r, |a, k| (a as i32).wrapping_shr(k as u32) as u32 as u64),
                    Op::AShr32IR(x) => bini!(x, acc, |a, k| (a as i32).wrapping_shr(k as u32) as u32 as u64),
                    Op::And32I(x) => bini!(x, r, |a, k| a & u64::from(k as u32)),
                    Op::And32IR(x) => bini!(x, acc, |a, k| a & u64::from(k as u32)),
                    Op::Or32I(x) => bini!(x, r, |a, k| a | u64::from(k as u32)),
                    Op::Or32IR(x) => bini!(x, acc, |a, k| a | u64::from(k as u32)),
                    Op::Xor32I(x) => bini!(x, r, |a, k| a ^ u64::from(k as u32)),
                    Op::Xor32IR(x) => bini!(x, acc, |a, k| a ^ u64::from(k as u32)),
                    Op::Add64I(x) => bini!(x, r, |a, k| a.wrapping_add(k as i64 as u64)),
                    Op::Add64IR(x) => bini!(x, acc, |a, k| a.wrapping_add(k as i64 as u64)),
                    Op::Mul64I(x) => bini!(x, r, |a, k| a.wrapping_mul(k as i64 as u64)),
                    Op::Mul64IR(x) => bini!(x, acc, |a, k| a.wrapping_mul(k as i64 as u64)),
                    Op::Shl64I(x) => bini!(x, r, |a, k| a.wrapping_shl(k as u32)),
                    Op::Shl64IR(x) => bini!(x, acc, |a, k| a.wrapping_shl(k as u32)),
                    Op::AShr64I(x) => bini!(x, r, |a, k| (a as i64).wrapping_shr(k as u32) as u64),
                    Op::AShr64IR(x) => bini!(x, acc, |a, k| (a as i64).wrapping_shr(k as u32) as u64),
                    Op::And64I(x) => bini!(x, r, |a, k| a & k as i64 as u64),
                    Op::And64IR(x) => bini!(x, acc, |a, k| a & k as i64 as u64),
                    Op::Or64I(x) => bini!(x, r, |a, k| a | k as i64 as u64),
                    Op::Or64IR(x) => bini!(x, acc, |a, k| a | k as i64 as u64),
                    Op::Xor64I(x) => bini!(x, r, |a, k| a ^ k as i64 as u64),
                    Op::Xor64IR(x) => bini!(x, acc, |a, k| a ^ k as i64 as u64),
                    Op::LShrI(x) => bini!(x, r, |a, k| a.wrapping_shr(k as u32)),
                    Op::LShrIR(x) => bini!(x, acc, |a, k| a.wrapping_shr(k as u32)),
                    Op::LShrAndI { d, a, sh, mask } => wr!(d, r!(a).wrapping_shr(u32::from(sh)) & mask),
                    Op::LShrAndIR { d, a, sh, mask } => wr!(d, acc!(a).wrapping_shr(u32::from(sh)) & mask),
                    Op::UDivC { d, a, k } => wr!(d, int::udivc(r!(a), r!(k), r!(k.at(2)))),
                    Op::UDivCR { d, a, k } => wr!(d, int::udivc(acc!(a), r!(k), r!(k.at(2)))),
                    Op::URemC { d, a, k } => urem_c!(d, r!(a), k),
                    Op::URemCR { d, a, k } => urem_c!(d, acc!(a), k),
                    Op::SDivC { bits, d, a, k } => sdiv_c!(bits, d, r!(a), k, /),
                    Op::SDivCR { bits, d, a, k } => sdiv_c!(bits, d, acc!(a), k, /),
                    Op::SRemC { bits, d, a, k } => sdiv_c!(bits, d, r!(a), k, %),
                    Op::SRemCR { bits, d, a, k } => sdiv_c!(bits, d, acc!(a), k, %),
                    Op::Cmp32 { p, d, a, b } => wr!(d, u64::from(int::cmp32_flat(p, r!(a), r!(b)))),
                    Op::Cmp32R { p, d, a, b } => wr!(d, u64::from(int::cmp32_flat(p, acc!(a), r!(b)))),
                    Op::Cmp64 { p, d, a, b } => wr!(d, u64::from(int::cmp_flat(p, r!(a), r!(b)))),
                    Op::Cmp64R { p, d, a, b } => wr!(d, u64::from(int::cmp_flat(p, acc!(a), r!(b)))),
                    Op::Cmp32I { p, d, a, imm } => wr!(d, u64::from(int::cmp32_flat(p, r!(a), imm as u32 as u64))),
                    Op::Cmp32IR { p, d, a, imm } => wr!(d, u64::from(int::cmp32_flat(p, acc!(a), imm as u32 as u64))),
                    Op::Cmp64I { p, d, a, imm } => wr!(d, u64::from(int::cmp_flat(p, r!(a), imm as i64 as u64))),
                    Op::Cmp64IR { p, d, a, imm } => wr!(d, u64::from(int::cmp_flat(p, acc!(a), imm as i64 as u64))),
                    Op::CmpEq32I(x) => bini!(x, r, |a, k| u64::from(a as u32 == k as u32)),
                    Op::CmpEq32IR(x) => bini!(x, acc, |a, k| u64::from(a as u32 == k as u32)),
                    Op::CmpSgt32I(x) => bini!(x, r, |a, k| u64::from(a as i32 > k)),
                    Op::CmpSgt32IR(x) => bini!(x, acc, |a, k| u64::from(a as i32 > k)),
                    Op::CmpEq64I(x) => bini!(x, r, |a, k| u64::from(a == k as i64 as u64)),
                    Op::CmpEq64IR(x) => bini!(x, acc, |a, k| u64::from(a == k as i64 as u64)),
                    Op::CmpNe64I(x) => bini!(x, r, |a, k| u64::from(a != k as i64 as u64)),
                    Op::CmpNe64IR(x) => bini!(x, acc, |a, k| u64::from(a != k as i64 as u64)),
                    Op::CmpUlt64I(x) => bini!(x, r, |a, k| u64::from(a < k as i64 as u64)),
                    Op::CmpUlt64IR(x) => bini!(x, acc, |a, k| u64::from(a < k as i64 as u64)),
                    Op::Trunc { d, a, bits } => wr!(d, r!(a) & crate::consts::mask(u32::from(bits))),
                    Op::TruncR { d, a, bits } => wr!(d, acc!(a) & crate::consts::mask(u32::from(bits))),
                    Op::Trunc32 { d, a } => wr!(d, r!(a) as u32 as u64),
                    Op::Trunc32R { d, a } => wr!(d, acc!(a) as u32 as u64),
                    Op::Sext { d, a, from, to } => sext!(d, r!(a), from, to),
                    Op::SextR { d, a, from, to } => sext!(d, acc!(a), from, to),
                    Op::Sext32To64 { d, a } => wr!(d, r!(a) as i32 as i64 as u64),
                    Op::Sext32To64R { d, a } => wr!(d, acc!(a) as i32 as i64 as u64),
                    Op::AddSext32I(x) => bini!(x, r, |a, k| (a as u32).wrapping_add(k as u32) as i32 as i64 as u64),
                    Op::AddSext32IR(x) => bini!(x, acc, |a, k| (a as u32).wrapping_add(k as u32) as i32 as i64 as u64),
                    // ---- floating point ----
                    Op::FAdd32(x) => bin!(x, r, r, |a, b| of32(f32of(a) + f32of(b))),
                    Op::FAdd32R(x) => bin!(x, acc, r, |a, b| of32(f32of(a) + f32of(b))),
                    Op::FSub32(x) => bin!(x, r, r, |a, b| of32(f32of(a) - f32of(b))),
                    Op::FSub32R(x) => bin!(x, acc, r, |a, b| of32(f32of(a) - f32of(b))),
                    Op::FSub32Rb(x) => bin!(x, r, acc, |a, b| of32(f32of(a) - f32of(b))),
                    Op::FMul32(x) => bin!(x, r, r, |a, b| of32(f32of(a) * f32of(b))),
                    Op::FMul32R(x) => bin!(x, acc, r, |a, b| of32(f32of(a) * f32of(b))),
                    Op::FDiv32(x) => bin!(x, r, r, |a, b| of32(f32of(a) / f32of(b))),
                    Op::FDiv32R(x) => bin!(x, acc, r, |a, b| of32(f32of(a) / f32of(b))),
                    Op::FDiv32Rb(x) => bin!(x, r, acc, |a, b| of32(f32of(a) / f32of(b))),
                    Op::FAdd64(x) => bin!(x, r, r, |a, b| of64(f64of(a) + f64of(b))),
                    Op::FAdd64R(x) => bin!(x, acc, r, |a, b| of64(f64of(a) + f64of(b))),
                    Op::FSub64(x) => bin!(x, r, r, |a, b| of64(f64of(a) - f64of(b))),
                    Op::FSub64R(x) => bin!(x, acc, r, |a, b| of64(f64of(a) - f64of(b))),
                    Op::FSub64Rb(x) => bin!(x, r, acc, |a, b| of64(f64of(a) - f64of(b))),
                    Op::FMul64(x) => bin!(x, r, r, |a, b| of64(f64of(a) * f64of(b))),
                    Op::FMul64R(x) => bin!(x, acc, r, |a, b| of64(f64of(a) * f64of(b))),
                    Op::FDiv64(x) => bin!(x, r, r, |a, b| of64(f64of(a) / f64of(b))),
                    Op::FDiv64R(x) => bin!(x, acc, r, |a, b| of64(f64of(a) / f64of(b))),
                    Op::FDiv64Rb(x) => bin!(x, r, acc, |a, b| of64(f64of(a) / f64of(b))),
                    Op::FDivSi64(x) => bin!(x, r, r, |a, b| of64(f64of(a) / (b as i64 as f64))),
                    Op::FDivSi64R(x) => bin!(x, acc, r, |a, b| of64(f64of(a) / (b as i64 as f64))),
                    Op::FDivSi64Rb(x) => bin!(x, r, acc, |a, b| of64(f64of(a) / (b as i64 as f64))),
                    // Negation, absolute value and square root inline (one instruction each); the
                    // others call the C library, out of the loop.
                    Op::FUn { op: op @ (FUn::Neg | FUn::Abs | FUn::Sqrt), dbl, d, a } => fun!(op, dbl, d, r!(a)),
                    Op::FUnR { op: op @ (FUn::Neg | FUn::Abs | FUn::Sqrt), dbl, d, a } => fun!(op, dbl, d, acc!(a)),
                    Op::FMulAdd { dbl, d, a, b, c } => fmuladd!(dbl, d, r!(a), r!(b), r!(c)),
                    Op::FMulAddR { dbl, d, a, b, c } => fmuladd!(dbl, d, acc!(a), r!(b), r!(c)),
                    Op::FMulAddRc { dbl, d, a, b, c } => fmuladd!(dbl, d, r!(a), r!(b), acc!(c)),
                    Op::FCmp { p, dbl, d, a, b } => fcmp!(p, dbl, d, r!(a), r!(b)),
                    Op::FCmpR { p, dbl, d, a, b } => fcmp!(p, dbl, d, acc!(a), r!(b)),
                    // The conversions of hot loops inline (the same results as `float::conv`); the rest call it.
                    Op::Conv { k: Conv::SiToF64, bits: 64, d, a } => wr!(d, of64(r!(a) as i64 as f64)),
                    Op::ConvR { k: Conv::SiToF64, bits: 64, d, a } => wr!(d, of64(acc!(a) as i64 as f64)),
                    Op::Conv { k: Conv::SiToF64, bits: 32, d, a } => wr!(d, of64(r!(a) as i32 as f64)),
                    Op::ConvR { k: Conv::SiToF64, bits: 32, d, a } => wr!(d, of64(acc!(a) as i32 as f64)),
                    Op::Conv { k: Conv::F32ToF64, d, a, .. } => wr!(d, of64(f64::from(f32of(r!(a))))),
                    Op::ConvR { k: Conv::F32ToF64, d, a, .. } => wr!(d, of64(f64::from(f32of(acc!(a))))),
                    Op::Conv { k: Conv::F64ToF32, d, a, .. } => wr!(d, of32(f64of(r!(a)) as f32)),
                    Op::ConvR { k: Conv::F64ToF32, d, a, .. } => wr!(d, of32(f64of(acc!(a)) as f32)),
                    Op::Conv { k: Conv::UiToF32, bits, d, a } => {
                        wr!(d, of32((r!(a) & crate::consts::mask(u32::from(bits))) as f32))
                    }
                    Op::ConvR { k: Conv::UiToF32, bits, d, a } => {
                        wr!(d, of32((acc!(a) & crate::consts::mask(u32::from(bits))) as f32))
                    }
                    Op::Conv { k: Conv::UiToF64, bits, d, a } => {
                        wr!(d, of64((r!(a) & crate::consts::mask(u32::from(bits))) as f64))
                    }
                    Op::ConvR { k: Conv::UiToF64, bits, d, a } => {
                        wr!(d, of64((acc!(a) & crate::consts::mask(u32::from(bits))) as f64))
                    }
                    // ---- integer intrinsics ----
                    // ---- memory ----
                    Op::Load8(x) => wr!(x.v, u64::from(*(addr!(x, r) as *const u8))),
                    Op::Load8R(x) => wr!(x.v, u64::from(*(addr!(x, acc) as *const u8))),
                    Op::Load16(x) => wr!(x.v, u64::from((addr!(x, r) as *const u16).read_unaligned())),
                    Op::Load16R(x) => wr!(x.v, u64::from((addr!(x, acc) as *const u16).read_unaligned())),
                    Op::Load32(x) => wr!(x.v, u64::from((addr!(x, r) as *const u32).read_unaligned())),
                    Op::Load32R(x) => wr!(x.v, u64::from((addr!(x, acc) as *const u32).read_unaligned())),
                    Op::Load64(x) => wr!(x.v, (addr!(x, r) as *const u64).read_unaligned()),
                    Op::Load64R(x) => wr!(x.v, (addr!(x, acc) as *const u64).read_unaligned()),
                    Op::Store8(x) => *(addr!(x) as *mut u8) = r!(x.v) as u8,
                    Op::Store16(x) => (addr!(x) as *mut u16).write_unaligned(r!(x.v) as u16),
                    Op::Store32(x) => (addr!(x) as *mut u32).write_unaligned(r!(x.v) as u32),
                    Op::Store64(x) => (addr!(x) as *mut u64).write_unaligned(r!(x.v)),
                    Op::Load8X(x) => wr!(x.v, u64::from(*(addrx!(x, r) as *const u8))),
                    Op::Load8XR(x) => wr!(x.v, u64::from(*(addrx!(x, acc) as *const u8))),
                    Op::Load16X(x) => wr!(x.v, u64::from((addrx!(x, r) as *const u16).read_unaligned())),
                    Op::Load16XR(x) => wr!(x.v, u64::from((addrx!(x, acc) as *const u16).read_unaligned())),
                    Op::Load32X(x) => wr!(x.v, u64::from((addrx!(x, r) as *const u32).read_unaligned())),
                    Op::Load32XR(x) => wr!(x.v, u64::from((addrx!(x, acc) as *const u32).read_unaligned())),
                    Op::Load64X(x) => wr!(x.v, (addrx!(x, r) as *const u64).read_unaligned()),
                    Op::Load64XR(x) => wr!(x.v, (addrx!(x, acc) as *const u64).read_unaligned()),
                    Op::Store8X(x) => *(addrx!(x) as *mut u8) = r!(x.v) as u8,
                    Op::Store16X(x) => (addrx!(x) as *mut u16).write_unaligned(r!(x.v) as u16),
                    Op::Store32X(x) => (addrx!(x) as *mut u32).write_unaligned(r!(x.v) as u32),
                    Op::Store64X(x) => (addrx!(x) as *mut u64).write_unaligned(r!(x.v)),
                    // Made only for the kinds above (`result::chained_form`).
                    Op::FUnR { .. } | Op::ConvR { .. } => return Err(no_chained_form(m)),
                    // Pairs (`translate::pair`): this op, then the next, in sequence.
                    Op::Load8X2(x) => paired_mem!(x, Load8X, wr!(x.v, u64::from(*(addrx!(x, r) as *const u8)))),
                    Op::Load32X2(x) => {
                        paired_mem!(x, Load32X, wr!(x.v, u64::from((addrx!(x, r) as *const u32).read_unaligned())))
                    }
                    Op::Load64X2(x) => {
                        paired_mem!(x, Load64X, wr!(x.v, (addrx!(x, r) as *const u64).read_unaligned()))
                    }
                    Op::Store32X2(x) => {
                        paired_mem!(x, Store32X, (addrx!(x) as *mut u32).write_unaligned(r!(x.v) as u32))
                    }
                    Op::Store64X2(x) => paired_mem!(x, Store64X, (addrx!(x) as *mut u64).write_unaligned(r!(x.v))),
                    Op::Load8XS(x) => wr!(x.v, u64::from(*(addrxs!(x, r) as *const u8))),
                    Op::Load8XSR(x) => wr!(x.v, u64::from(*(addrxs!(x, acc) as *const u8))),
                    Op::Load16XS(x) => wr!(x.v, u64::from((addrxs!(x, r) as *const u16).read_unaligned())),
                    Op::Load16XSR(x) => wr!(x.v, u64::from((addrxs!(x, acc) as *const u16).read_unaligned())),
                    Op::Load32XS(x) => wr!(x.v, u64::from((addrxs!(x, r) as *const u32).read_unaligned())),
                    Op::Load32XSR(x) => wr!(x.v, u64::from((addrxs!(x, acc) as *const u32).read_unaligned())),
                    Op::Load64XS(x) => wr!(x.v, (addrxs!(x, r) as *const u64).read_unaligned()),
                    Op::Load64XSR(x) => wr!(x.v, (addrxs!(x, acc) as *const u64).read_unaligned()),
                    Op::Store8XS(x) => *(addrxs!(x) as *mut u8) = r!(x.v) as u8,
                    Op::Store16XS(x) => (addrxs!(x) as *mut u16).write_unaligned(r!(x.v) as u16),
                    Op::Store32XS(x) => (addrxs!(x) as *mut u32).write_unaligned(r!(x.v) as u32),
                    Op::Store64XS(x) => (addrxs!(x) as *mut u64).write_unaligned(r!(x.v)),
                    Op::Gep { d, p, i, scale, off } => gep!(d, p, r!(i) as i64, scale, off),
                    Op::GepR { d, p, i, scale, off } => gep!(d, p, acc!(i) as i64, scale, off),
                    Op::Gep32 { d, p, i, scale, off } => gep!(d, p, r!(i) as i32 as i64, scale, off),
                    Op::Gep32R { d, p, i, scale, off } => gep!(d, p, acc!(i) as i32 as i64, scale, off),
                    Op::Alloca { d, off } => w!(d, *fp + u64::from(off)),
                    // ---- vectors ----
                    // ---- calls ----
                    // The fast paths of calls and returns; anything else (`call::call`, `call::ret`)
                    // runs out of the loop.
                    Op::Call { f, site } => {
                        let s = (*code).sites.as_ptr().add(site.0 as usize);
                        match call::fast_call(m, f.0, s, ip, fp) {
                            Some(st) => set_state!(st),
                            None => break 'out,
                        }
                    }
                    // A call through a pointer to one of this machine's thunks is a call of the
                    // function it stands for, on the same fast path.
                    Op::CallInd { p, site } => {
                        let s = (*code).sites.as_ptr().add(site.0 as usize);
                        match crate::abi::thunk::lookup(r!(p) as usize, m.cast())
                            .and_then(|f| call::fast_call(m, f, s, ip, fp))
                        {
                            Some(st) => set_state!(st),
                            None => break 'out,
                        }
                    }
                    Op::Osr { ctr, .. } => {
                        let c = ctrs.add(ctr.0 as usize);
                        *c += 1;
                        if *c >= *c.add(1) {
                            break 'out;
                        }
                    }
                    Op::Ret { s } => match call::ret_fast(m, fp, s, 1) {
                        Some(st) => set_state!(st),
                        None => break 'out,
                    },
                    Op::Ret2 { s } => match call::ret_fast(m, fp, s, 2) {
                        Some(st) => set_state!(st),
                        None => break 'out,
                    },
                    Op::RetN { s, n } => match call::ret_fast(m, fp, s, n) {
                        Some(st) => set_state!(st),
                        None => break 'out,
                    },
                    Op::RetVoid => match call::ret_fast(m, fp, crate::isa::Reg(0), 0) {
                        Some(st) => set_state!(st),
                        None => break 'out,
                    },

                    // ---- wide ops (the next slot is their Ext) ----
                    Op::FDotX32 { c, a } => {
                        let Op::ExtMem { b, r: d } = *ip else { std::hint::unreachable_unchecked() };
                        ip = pc.add(2);
                        let (pa, pb) = (addrx!(a) as *const f32, addrx!(b) as *const f32);
                        w!(d, of32(pa.read_unaligned() * pb.read_unaligned() + f32of(r!(c))))
                    }
                    Op::FDotX64 { c, a } => {
                        let Op::ExtMem { b, r: d } = *ip else { std::hint::unreachable_unchecked() };
                        ip = pc.add(2);
                        let (pa, pb) = (addrx!(a) as *const f64, addrx!(b) as *const f64);
                        w!(d, of64(pa.read_unaligned() * pb.read_unaligned() + f64of(r!(c))))
                    }
                    Op::FDot4X32 { c, a } => dot4!(c, a, f32, f32of, of32),
                    Op::FDot4X64 { c, a } => dot4!(c, a, f64, f64of, of64),
                    Op::FAxpyX32 { x, a } => {
                        let Op::ExtMem { b, .. } = *ip else { std::hint::unreachable_unchecked() };
                        ip = pc.add(2);
                        let (pa, pb) = (addrx!(a) as *mut f32, addrx!(b) as *const f32);
                        pa.write_unaligned(pa.read_unaligned() + f32of(r!(x)) * pb.read_unaligned());
                    }
                    Op::FAxpyX64 { x, a } => {
                        let Op::ExtMem { b, .. } = *ip else { std::hint::unreachable_unchecked() };
                        ip = pc.add(2);
                        let (pa, pb) = (addrx!(a) as *mut f64, addrx!(b) as *const f64);
                        pa.write_unaligned(pa.read_unaligned() + f64of(r!(x)) * pb.read_unaligned());
                    }
                    Op::VAxpyX { dbl, x, a } => {
                        let Op::ExtMem { b, .. } = *ip else { std::hint::unreachable_unchecked() };
                        ip = pc.add(2);
                        let (pa, pb) = (addrx!(a) as *mut u64, addrx!(b) as *const u64);
                        v128::fmuladd(dbl, pa, slot!(x), pb, pa)
                    }
                    Op::VAxpy2X { dbl, latch, x, a } => {
                        let Op::ExtMem { b, .. } = *ip else { std::hint::unreachable_unchecked() };
                        ip = pc.add(2);
                        let (pa, pb) = (addrx!(a) as *mut u64, addrx!(b) as *const u64);
                        v128::fmuladd_pair(dbl, pa, slot!(x), pb, pa);
                        if latch {
                            latch!()
                        }
                    }
                    Op::VAxpyR { dbl, x, b } => {
                        let Op::ExtMem { b: a, .. } = *ip else { std::hint::unreachable_unchecked() };
                        ip = pc.add(2);
                        let pa = addrx!(a) as *mut u64;
                        v128::fmuladd(dbl, pa, slot!(x), slot!(b), pa)
                    }
                    Op::FAxpyR { dbl, x, b } => {
                        let Op::ExtMem { b: a, .. } = *ip else { std::hint::unreachable_unchecked() };
                        ip = pc.add(2);
                        let pa = addrx!(a);
                        if dbl {
                            let p = pa as *mut f64;
                            p.write_unaligned(f64of(r!(x)) * f64of(r!(b)) + p.read_unaligned());
                        } else {
                            let p = pa as *mut f32;
                            p.write_unaligned(f32of(r!(x)) * f32of(r!(b)) + p.read_unaligned());
                        }
                    }
                    Op::IncBr64 { p, mv, a, imm, b } => {
                        inc_br!(mv, a, b, r!(a).wrapping_add(imm as i64 as u64), int::cmp_eq_or_flat, p)
                    }
                    Op::Inc2Br64 { p, mv, a, imm, b, a2, imm2 } => {
                        w!(a2, r!(a2).wrapping_add(imm2 as i64 as u64));
                        inc_br!(mv, a, b, r!(a).wrapping_add(imm as i64 as u64), int::cmp_eq_or_flat, p)
                    }
                    Op::IncBr32 { p, mv, a, imm, b } => {
                        inc_br!(mv, a, b, (r!(a) as u32).wrapping_add(imm as u32) as u64, int::cmp32_eq_or_flat, p)
                    }
                    Op::IncRBr64 { p, mv, a, s, b } => {
                        inc_br!(mv, a, b, r!(a).wrapping_add(r!(s)), int::cmp_eq_or_flat, p)
                    }
                    Op::IncRBr32 { p, mv, a, s, b } => {
                        inc_br!(mv, a, b, (r!(a) as u32).wrapping_add(r!(s) as u32) as u64, int::cmp32_eq_or_flat, p)
                    }
                    Op::BrMov64 { p, mv, a, b } => br_mov!(mv, a, b, |x, y| int::cmp_eq_or_flat(p, x, y)),
                    Op::BrMov32 { p, mv, a, b } => br_mov!(mv, a, b, |x, y| int::cmp32_eq_or_flat(p, x, y)),
                    Op::BrMovSlt64(x) => br_mov!(x.mv, x.a, x.b, |a, b| (a as i64) < b as i64),
                    Op::BrMovSlt32(x) => br_mov!(x.mv, x.a, x.b, |a, b| (a as i32) < b as i32),
                    Op::LoadFMulAdd64(x) => {
                        let Op::ExtFma { d, a, b, c } = *ip else { std::hint::unreachable_unchecked() };
                        ip = pc.add(2);
                        w!(x.v, (addrx!(x) as *const u64).read_unaligned());
                        w!(d, of64(f64of(r!(a)) * f64of(r!(b)) + f64of(r!(c))));
                    }
                    Op::LoadBr8X(x) => load_br!(x, u8),
                    Op::LoadBr16X(x) => load_br!(x, u16),
                    Op::LoadBr32X(x) => load_br!(x, u32),
                    Op::LoadBr64X(x) => load_br!(x, u64),
                    Op::ExtMem { .. }
                    | Op::ExtBr { .. }
                    | Op::ExtFma { .. }
                    | Op::ExtCmpBr { .. }
                    | Op::ExtMov { .. } => std::hint::unreachable_unchecked(),
                    // ---- 8- and 16-byte vectors inline (v128.rs); other shapes take the slow path ----
                    Op::Load128X(x) => v128::copy::<16>(slot!(x.v).cast(), addrx!(x) as *mut u8),
                    Op::Store128X(x) => v128::copy::<16>(addrx!(x) as *mut u8, slot!(x.v).cast()),
                    Op::Load128X2(x) => {
                        paired_mem!(x, Load128X, v128::copy::<16>(slot!(x.v).cast(), addrx!(x) as *mut u8))
                    }
                    Op::Store128X2(x) => {
                        paired_mem!(x, Store128X, v128::copy::<16>(addrx!(x) as *mut u8, slot!(x.v).cast()))
                    }
                    Op::LoadN { d, p, off, n: 16 } => v128::copy::<16>(slot!(d).cast(), mem_at!(p, off)),
                    Op::LoadN { d, p, off, n: 8 } => v128::copy::<8>(slot!(d).cast(), mem_at!(p, off)),
                    Op::StoreN { v, p, off, n: 16 } => v128::copy::<16>(mem_at!(p, off), slot!(v).cast()),
                    Op::StoreN { v, p, off, n: 8 } => v128::copy::<8>(mem_at!(p, off), slot!(v).cast()),
                    Op::VFloat { op, dbl, n, d, a, b, pair }
                        if v128::fbin_inline(op) && n == if dbl { 2 } else { 4 } =>
                    {
                        paired!(pair, VFloat { d, a, b }, v128::fbin(op, dbl, slot!(d), slot!(a), slot!(b)))
                    }
                    Op::VFma { dbl, fused: false, n, d, a, b, c, pair } if n == if dbl { 2 } else { 4 } => {
                        paired!(pair, VFma { d, a, b, c }, v128::fmuladd(dbl, slot!(d), slot!(a), slot!(b), slot!(c)))
                    }
                    // `<2 x double>` negation (clang's `fneg` of a pair, nbody) and square root: a lane
                    // is a whole slot.
                    Op::VFUn { op: crate::isa::FUn::Neg, dbl: true, n: 2, d, a } => {
                        let (x, y) = (r!(a) ^ (1 << 63), r!(a.at(1)) ^ (1 << 63));
                        w!(d, x);
                        w!(d.at(1), y);
                    }
                    Op::VFUn { op: crate::isa::FUn::Sqrt, dbl: true, n: 2, d, a } => {
                        let (x, y) = (f64of(r!(a)).sqrt(), f64of(r!(a.at(1))).sqrt());
                        w!(d, of64(x));
                        w!(d.at(1), of64(y));
                    }
                    Op::VInt { op, lane, n, d, a, b, pair }
                        if v128::int_inline(op, lane) && u32::from(n) * lane.bytes() == 16 =>
                    {
                        paired!(pair, VInt { d, a, b }, v128::int(16, op, lane, slot!(d), slot!(a), slot!(b)))
                    }
                    // 32 bytes (`<16 x i16>`, clang's widened bytes) as two halves: lanes are
                    // independent and the slots of different values do not overlap.
                    Op::VInt { op, lane, n, d, a, b, pair }
                        if v128::int_inline(op, lane) && u32::from(n) * lane.bytes() == 32 =>
                    {
                        paired!(pair, VInt { d, a, b }, {
                            v128::int(16, op, lane, slot!(d), slot!(a), slot!(b));
                            v128::int(16, op, lane, slot!(d.at(2)), slot!(a.at(2)), slot!(b.at(2)))
                        })
                    }
                    Op::VInt { op, lane, n, d, a, b, pair }
                        if v128::int_inline(op, lane) && u32::from(n) * lane.bytes() == 8 =>
                    {
                        paired!(pair, VInt { d, a, b }, v128::int(8, op, lane, slot!(d), slot!(a), slot!(b)))
                    }
                    Op::VIBin2 { op, lane, n, d, a, b, pair }
                        if v128::min_max_inline(op, lane) && u32::from(n) * lane.bytes() == 8 =>
                    {
                        paired!(pair, VIBin2 { d, a, b }, v128::min_max(8, op, lane, slot!(d), slot!(a), slot!(b)))
                    }
                    Op::VIBin2 { op, lane, n, d, a, b, pair }
                        if v128::min_max_inline(op, lane) && u32::from(n) * lane.bytes() == 16 =>
                    {
                        paired!(pair, VIBin2 { d, a, b }, v128::min_max(16, op, lane, slot!(d), slot!(a), slot!(b)))
                    }
                    Op::VResize { from: Lane::I32, to: Lane::I64, signed, n: 2, d, a, pair } => paired!(
                        pair,
                        VResize { d, a },
                        if signed {
                            v128::resize::<i32, i64, 2>(slot!(d), slot!(a), i64::from)
                        } else {
                            v128::resize::<u32, u64, 2>(slot!(d), slot!(a), u64::from)
                        }
                    ),
                    Op::VResize { from: Lane::I8, to: Lane::I16, signed, n: 16, d, a, pair } => paired!(
                        pair,
                        VResize { d, a },
                        if signed {
                            v128::resize::<i8, i16, 16>(slot!(d), slot!(a), i16::from)
                        } else {
                            v128::resize::<u8, u16, 16>(slot!(d), slot!(a), u16::from)
                        }
                    ),
                    Op::VResize { from: Lane::I16, to: Lane::I8, n: 16, d, a, pair, .. } => {
                        paired!(pair, VResize { d, a }, v128::resize::<u16, u8, 16>(slot!(d), slot!(a), |x| x as u8))
                    }
                    Op::VExtract { d, v, off, bytes: bytes @ (1 | 2 | 4 | 8) } => {
                        w!(d, v128::lane_at(slot!(v), off, bytes))
                    }
                    // `<4 x double>` multiply-add as two halves (its lanes are independent).
                    Op::VFma { dbl: true, fused: false, n: 4, d, a, b, c, .. } => {
                        v128::fmuladd(true, slot!(d), slot!(a), slot!(b), slot!(c));
                        v128::fmuladd(true, slot!(d.at(2)), slot!(a.at(2)), slot!(b.at(2)), slot!(c.at(2)));
                    }
                    Op::MovN { d, s, n: 3 } => v128::copy::<24>(slot!(d).cast(), slot!(s).cast()),
                    Op::MovN { d, s, n: 4 } => v128::copy::<32>(slot!(d).cast(), slot!(s).cast()),
                    // Listed, not `_`: an exhaustive match compiles to a jump table without a range check.
                    Op::AllocaDyn { .. }
                    | Op::Conv { .. }
                    | Op::Exit { .. }
                    | Op::FUn { .. }
                    | Op::MemCpy { .. }
                    | Op::Trap { .. }
                    | Op::AtomicRmw { .. }
                    | Op::BoolsToInt { .. }
                    | Op::CmpN { .. }
                    | Op::CmpW { .. }
                    | Op::CmpXchg { .. }
                    | Op::ConvW { .. }
                    | Op::DToH { .. }
                    | Op::ExtW { .. }
                    | Op::F80Bin { .. }
                    | Op::F80Cmp { .. }
                    | Op::F80Conv { .. }
                    | Op::F80Un { .. }
                    | Op::FBin { .. }
                    | Op::FMulSub { .. }
                    | Op::FSubMul { .. }
                    | Op::FToH { .. }
                    | Op::FToIRound { .. }
                    | Op::Fma { .. }
                    | Op::Fsh { .. }
                    | Op::HToF { .. }
                    | Op::IBin2 { .. }
                    | Op::IUn { .. }
                    | Op::IntN { .. }
                    | Op::IntToBools { .. }
                    | Op::IntW { .. }
                    | Op::IsFpClass { .. }
                    | Op::LoadN { .. }
                    | Op::MaskedLoad { .. }
                    | Op::MaskedStore { .. }
                    | Op::MemMove { .. }
                    | Op::MemSet { .. }
                    | Op::MemSize { .. }
                    | Op::MovN { .. }
                    | Op::PowI { .. }
                    | Op::SelectN { .. }
                    | Op::Shuffle { .. }
                    | Op::StackRestore { .. }
                    | Op::StackSave { .. }
                    | Op::TlsAddr { .. }
                    | Op::StoreN { .. }
                    | Op::TruncW { .. }
                    | Op::VConv { .. }
                    | Op::VExtract { .. }
                    | Op::VExtractVar { .. }
                    | Op::VFCmp { .. }
                    | Op::VFUn { .. }
                    | Op::VFloat { .. }
                    | Op::VFma { .. }
                    | Op::VIBin2 { .. }
                    | Op::VICmp { .. }
                    | Op::VIUn { .. }
                    | Op::VInsert { .. }
                    | Op::VInsertVar { .. }
                    | Op::VInt { .. }
                    | Op::VReduce { .. }
                    | Op::VReduceSeq { .. }
                    | Op::VResize { .. }
                    | Op::VSelect { .. }
                    | Op::VaStart { .. } => break 'out,
                }
                continue 'ops;
            }
            // Out of the loop: the op at `pc` (a rare or heavy one, or the slow path of a call or
            // return) runs in `outside`, with the state passed through memory.
            home.ip = ip;
            home.fp = fp;
            home.ctrs = ctrs;
            home.code = code;
            match outside::run(m, pc, &mut home) {
                Ok(true) => {}
                Ok(false) => return Ok(()),
                Err(t) => return Err(t),
            }
            ip = home.ip;
            fp = home.fp;
            ctrs = home.ctrs;
            code = home.code;
        }
    }
}
