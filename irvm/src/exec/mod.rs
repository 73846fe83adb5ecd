//! Execution: one dispatch loop over the current function's ops, with the hot state (ip, frame
//! pointer, counters, code) in locals. Arithmetic fast paths are inline; generic, vector, memory
//! and call handlers live in the family modules. Errors leave through `#[cold]` paths as a small
//! `Trap`; the message is kept in the machine.

mod bigint;
pub(crate) mod call;
pub(crate) mod callback;
pub(crate) mod float;
pub(crate) mod fp80;
pub(crate) mod int;
mod mem;
pub(crate) mod timing;
mod vector;

use crate::isa::{Op, TrapOp};
use crate::translate::Code;
use crate::vm::Machine;
use float::{f32of, f64of, of32, of64};
use vector::V;

/// Why the loop stopped early.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Trap {
    /// The program called `exit(status)`.
    Exit(i32),
    /// A run-time error; the message is in `Machine::error`.
    Error,
}

/// The loop's state after a call or return.
pub(crate) struct St {
    pub ip: *const Op,
    pub fp: *mut u64,
    pub ctrs: *mut u64,
    pub code: *const Code,
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
    let (mut ip, mut fp, mut ctrs, mut code) = unsafe {
        let mm = &mut *m;
        let fr = mm.frames.last().expect("irvm: run without a frame");
        (
            (*fr.code).ops.as_ptr(),
            fr.fp,
            mm.stats[fr.func as usize].counters.as_mut_ptr(),
            fr.code,
        )
    };
    // SAFETY: the translator guarantees that every register operand lies inside its function's
    // frame (constants below fp, values above), that every jump lands on an op of the same
    // function, and that a function's code ends in terminators; `call`/`ret` keep fp, ctrs and
    // code consistent with the op stream. Memory operands are the program's own pointers: irvm
    // gives interpreted code exactly the memory access native code would have.
    unsafe {
        macro_rules! r {
            ($x:expr) => {
                *fp.offset($x.0 as isize)
            };
        }
        macro_rules! w {
            ($x:expr, $v:expr) => {
                *fp.offset($x.0 as isize) = $v
            };
        }
        macro_rules! slot {
            ($x:expr) => {
                fp.offset($x.0 as isize)
            };
        }
        macro_rules! vv {
            ($x:expr) => {
                V(fp.offset($x.0 as isize).cast::<u8>())
            };
        }
        macro_rules! bump {
            ($c:expr) => {
                *ctrs.add($c as usize) += 1
            };
        }
        macro_rules! br {
            ($cond:expr, $x:expr, $pc:expr) => {{
                let x = $x;
                if $cond {
                    bump!(x.ctr.0);
                    ip = $pc.offset(x.t.0 as isize);
                } else {
                    bump!(x.ctr.0 + 1);
                    ip = $pc.offset(x.f.0 as isize);
                }
            }};
        }
        macro_rules! bin {
            ($x:expr, |$a:ident, $b:ident| $e:expr) => {{
                let x = $x;
                let ($a, $b) = (r!(x.a), r!(x.b));
                w!(x.d, $e)
            }};
        }
        macro_rules! bini {
            ($x:expr, |$a:ident, $b:ident| $e:expr) => {{
                let x = $x;
                let ($a, $b) = (r!(x.a), x.imm);
                w!(x.d, $e)
            }};
        }
        macro_rules! addr {
            ($m:expr) => {
                (r!($m.p) as i64).wrapping_add($m.off as i64) as usize
            };
        }
        // A folded address (MemX / MemA).
        macro_rules! addrx {
            ($m:expr) => {
                (r!($m.p) as i64).wrapping_add((r!($m.i) as i64).wrapping_mul($m.scale as i64)).wrapping_add($m.off as i64) as usize
            };
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
        loop {
            let pc = ip;
            ip = pc.add(1);
            match *pc {
                // ---- moves and control ----
                Op::Mov { d, s } => w!(d, r!(s)),
                Op::Mov2 { d, s } => {
                    let (a, b) = (r!(s), r!(s.at(1)));
                    w!(d, a);
                    w!(d.at(1), b);
                }
                Op::MovN { d, s, n } => std::ptr::copy(slot!(s), slot!(d), n as usize),
                Op::MovJmp { d, s, rel, ctr } => {
                    w!(d, r!(s));
                    bump!(ctr.0);
                    ip = pc.offset(rel.0 as isize);
                }
                Op::Jmp { rel, ctr } => {
                    bump!(ctr.0);
                    ip = pc.offset(rel.0 as isize);
                }
                Op::Br { c, t, f, ctr } => {
                    if r!(c) & 1 != 0 {
                        bump!(ctr.0);
                        ip = pc.offset(t.0 as isize);
                    } else {
                        bump!(ctr.0 + 1);
                        ip = pc.offset(f.0 as isize);
                    }
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
                Op::Select { d, c, a, b } => w!(d, if r!(c) & 1 != 0 { r!(a) } else { r!(b) }),
                Op::SelectN { d, c, a, b, n } => {
                    let s = if r!(c) & 1 != 0 { a } else { b };
                    std::ptr::copy(slot!(s), slot!(d), n as usize)
                }

                // ---- fused compare-and-branch ----
                Op::BrEq32(x) => br!(r!(x.a) as u32 == r!(x.b) as u32, x, pc),
                Op::BrNe32(x) => br!(r!(x.a) as u32 != r!(x.b) as u32, x, pc),
                Op::BrSlt32(x) => br!((r!(x.a) as i32) < r!(x.b) as i32, x, pc),
                Op::BrSle32(x) => br!(r!(x.a) as i32 <= r!(x.b) as i32, x, pc),
                Op::BrSgt32(x) => br!(r!(x.a) as i32 > r!(x.b) as i32, x, pc),
                Op::BrSge32(x) => br!(r!(x.a) as i32 >= r!(x.b) as i32, x, pc),
                Op::BrUlt32(x) => br!((r!(x.a) as u32) < r!(x.b) as u32, x, pc),
                Op::BrUle32(x) => br!(r!(x.a) as u32 <= r!(x.b) as u32, x, pc),
                Op::BrUgt32(x) => br!(r!(x.a) as u32 > r!(x.b) as u32, x, pc),
                Op::BrUge32(x) => br!(r!(x.a) as u32 >= r!(x.b) as u32, x, pc),
                Op::BrEq64(x) => br!(r!(x.a) == r!(x.b), x, pc),
                Op::BrNe64(x) => br!(r!(x.a) != r!(x.b), x, pc),
                Op::BrSlt64(x) => br!((r!(x.a) as i64) < r!(x.b) as i64, x, pc),
                Op::BrSle64(x) => br!(r!(x.a) as i64 <= r!(x.b) as i64, x, pc),
                Op::BrSgt64(x) => br!(r!(x.a) as i64 > r!(x.b) as i64, x, pc),
                Op::BrSge64(x) => br!(r!(x.a) as i64 >= r!(x.b) as i64, x, pc),
                Op::BrUlt64(x) => br!(r!(x.a) < r!(x.b), x, pc),
                Op::BrUle64(x) => br!(r!(x.a) <= r!(x.b), x, pc),
                Op::BrUgt64(x) => br!(r!(x.a) > r!(x.b), x, pc),
                Op::BrUge64(x) => br!(r!(x.a) >= r!(x.b), x, pc),
                Op::BrEq32I(x) => br!(r!(x.a) as u32 == x.imm as u32, x, pc),
                Op::BrNe32I(x) => br!(r!(x.a) as u32 != x.imm as u32, x, pc),
                Op::BrSlt32I(x) => br!((r!(x.a) as i32) < x.imm, x, pc),
                Op::BrSle32I(x) => br!(r!(x.a) as i32 <= x.imm, x, pc),
                Op::BrSgt32I(x) => br!(r!(x.a) as i32 > x.imm, x, pc),
                Op::BrSge32I(x) => br!(r!(x.a) as i32 >= x.imm, x, pc),
                Op::BrUlt32I(x) => br!((r!(x.a) as u32) < x.imm as u32, x, pc),
                Op::BrUle32I(x) => br!(r!(x.a) as u32 <= x.imm as u32, x, pc),
                Op::BrUgt32I(x) => br!(r!(x.a) as u32 > x.imm as u32, x, pc),
                Op::BrUge32I(x) => br!(r!(x.a) as u32 >= x.imm as u32, x, pc),
                Op::BrEq64I(x) => br!(r!(x.a) == x.imm as i64 as u64, x, pc),
                Op::BrNe64I(x) => br!(r!(x.a) != x.imm as i64 as u64, x, pc),
                Op::BrSlt64I(x) => br!((r!(x.a) as i64) < x.imm as i64, x, pc),
                Op::BrSle64I(x) => br!(r!(x.a) as i64 <= x.imm as i64, x, pc),
                Op::BrSgt64I(x) => br!(r!(x.a) as i64 > x.imm as i64, x, pc),
                Op::BrSge64I(x) => br!(r!(x.a) as i64 >= x.imm as i64, x, pc),
                Op::BrUlt64I(x) => br!(r!(x.a) < x.imm as i64 as u64, x, pc),
                Op::BrUle64I(x) => br!(r!(x.a) <= x.imm as i64 as u64, x, pc),
                Op::BrUgt64I(x) => br!(r!(x.a) > x.imm as i64 as u64, x, pc),
                Op::BrUge64I(x) => br!(r!(x.a) >= x.imm as i64 as u64, x, pc),
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
                Op::Add32(x) => bin!(x, |a, b| (a as u32).wrapping_add(b as u32) as u64),
                Op::Sub32(x) => bin!(x, |a, b| (a as u32).wrapping_sub(b as u32) as u64),
                Op::Mul32(x) => bin!(x, |a, b| (a as u32).wrapping_mul(b as u32) as u64),
                Op::Shl32(x) => bin!(x, |a, b| (a as u32).wrapping_shl(b as u32) as u64),
                Op::AShr32(x) => bin!(x, |a, b| (a as i32).wrapping_shr(b as u32) as u32 as u64),
                Op::LShr32(x) => bin!(x, |a, b| (a as u32).wrapping_shr(b as u32) as u64),
                Op::SDiv32(x) => {
                    let (a, b) = (r!(x.a) as i32, r!(x.b) as i32);
                    if b == 0 || (b == -1 && a == i32::MIN) {
                        return Err(div_fault(m));
                    }
                    w!(x.d, (a / b) as u32 as u64)
                }
                Op::SRem32(x) => {
                    let (a, b) = (r!(x.a) as i32, r!(x.b) as i32);
                    if b == 0 || (b == -1 && a == i32::MIN) {
                        return Err(div_fault(m));
                    }
                    w!(x.d, (a % b) as u32 as u64)
                }
                Op::UDiv32(x) | Op::UDiv64(x) => {
                    let (a, b) = (r!(x.a), r!(x.b));
                    if b == 0 {
                        return Err(div_fault(m));
                    }
                    w!(x.d, a / b)
                }
                Op::URem32(x) | Op::URem64(x) => {
                    let (a, b) = (r!(x.a), r!(x.b));
                    if b == 0 {
                        return Err(div_fault(m));
                    }
                    w!(x.d, a % b)
                }
                Op::Add64(x) => bin!(x, |a, b| a.wrapping_add(b)),
                Op::Sub64(x) => bin!(x, |a, b| a.wrapping_sub(b)),
                Op::Mul64(x) => bin!(x, |a, b| a.wrapping_mul(b)),
                Op::Shl64(x) => bin!(x, |a, b| a.wrapping_shl(b as u32)),
                Op::AShr64(x) => bin!(x, |a, b| (a as i64).wrapping_shr(b as u32) as u64),
                Op::LShr64(x) => bin!(x, |a, b| a.wrapping_shr(b as u32)),
                Op::SDiv64(x) => {
                    let (a, b) = (r!(x.a) as i64, r!(x.b) as i64);
                    if b == 0 || (b == -1 && a == i64::MIN) {
                        return Err(div_fault(m));
                    }
                    w!(x.d, (a / b) as u64)
                }
                Op::SRem64(x) => {
                    let (a, b) = (r!(x.a) as i64, r!(x.b) as i64);
                    if b == 0 || (b == -1 && a == i64::MIN) {
                        return Err(div_fault(m));
                    }
                    w!(x.d, (a % b) as u64)
                }
                Op::And64(x) => bin!(x, |a, b| a & b),
                Op::Or64(x) => bin!(x, |a, b| a | b),
                Op::Xor64(x) => bin!(x, |a, b| a ^ b),
                Op::Add32I(x) => bini!(x, |a, k| (a as u32).wrapping_add(k as u32) as u64),
                Op::Mul32I(x) => bini!(x, |a, k| (a as u32).wrapping_mul(k as u32) as u64),
                Op::Shl32I(x) => bini!(x, |a, k| (a as u32).wrapping_shl(k as u32) as u64),
                Op::AShr32I(x) => bini!(x, |a, k| (a as i32).wrapping_shr(k as u32) as u32 as u64),
                Op::And32I(x) => bini!(x, |a, k| a & u64::from(k as u32)),
                Op::Or32I(x) => bini!(x, |a, k| a | u64::from(k as u32)),
                Op::Xor32I(x) => bini!(x, |a, k| a ^ u64::from(k as u32)),
                Op::Add64I(x) => bini!(x, |a, k| a.wrapping_add(k as i64 as u64)),
                Op::Mul64I(x) => bini!(x, |a, k| a.wrapping_mul(k as i64 as u64)),
                Op::Shl64I(x) => bini!(x, |a, k| a.wrapping_shl(k as u32)),
                Op::AShr64I(x) => bini!(x, |a, k| (a as i64).wrapping_shr(k as u32) as u64),
                Op::And64I(x) => bini!(x, |a, k| a & k as i64 as u64),
                Op::Or64I(x) => bini!(x, |a, k| a | k as i64 as u64),
                Op::Xor64I(x) => bini!(x, |a, k| a ^ k as i64 as u64),
                Op::LShrI(x) => bini!(x, |a, k| a.wrapping_shr(k as u32)),
                Op::UDivC { d, a, k } => w!(d, int::udivc(r!(a), r!(k), r!(k.at(2)))),
                Op::URemC { d, a, k } => {
                    let x = r!(a);
                    w!(d, x - int::udivc(x, r!(k), r!(k.at(2))) * r!(k.at(1)))
                }
                Op::SDivC { bits, d, a, k } => {
                    let q = int::sdivc(int::sext(r!(a), u32::from(bits)), r!(k), r!(k.at(2)), r!(k.at(3)) as i64);
                    w!(d, q as u64 & crate::consts::mask(u32::from(bits)))
                }
                Op::SRemC { bits, d, a, k } => {
                    let x = int::sext(r!(a), u32::from(bits));
                    let q = int::sdivc(x, r!(k), r!(k.at(2)), r!(k.at(3)) as i64);
                    w!(d, x.wrapping_sub(q.wrapping_mul(r!(k.at(3)) as i64)) as u64 & crate::consts::mask(u32::from(bits)))
                }
                Op::IntN { op, bits, d, a, b } => match int::int_n(op, u32::from(bits), r!(a), r!(b)) {
                    Ok(v) => w!(d, v),
                    Err(_) => return Err(div_fault(m)),
                },
                Op::IntW { op, bits, d, a, b } if bits <= 128 => {
                    match int::int_w(op, u32::from(bits), mem::get128(slot!(a)), mem::get128(slot!(b))) {
                        Ok(v) => mem::set128(slot!(d), v),
                        Err(_) => return Err(div_fault(m)),
                    }
                }
                Op::IntW { op, bits, d, a, b } => {
                    let bits = u32::from(bits);
                    match bigint::int_big(op, bits, bigint::Big::load(slot!(a), bits), bigint::Big::load(slot!(b), bits)) {
                        Some(v) => v.store(slot!(d), bits),
                        None => return Err(div_fault(m)),
                    }
                }
                Op::Cmp32 { p, d, a, b } => w!(d, u64::from(int::cmp32(p, r!(a), r!(b)))),
                Op::Cmp64 { p, d, a, b } => w!(d, u64::from(int::cmp(p, r!(a), r!(b)))),
                Op::Cmp32I { p, d, a, imm } => w!(d, u64::from(int::cmp32(p, r!(a), imm as u32 as u64))),
                Op::Cmp64I { p, d, a, imm } => w!(d, u64::from(int::cmp(p, r!(a), imm as i64 as u64))),
                Op::CmpN { p, bits, d, a, b } => w!(d, u64::from(int::cmp_n(p, u32::from(bits), r!(a), r!(b)))),
                Op::CmpW { p, bits, d, a, b } if bits > 128 => {
                    let bits = u32::from(bits);
                    w!(d, u64::from(bigint::cmp_big(p, bits, bigint::Big::load(slot!(a), bits), bigint::Big::load(slot!(b), bits))))
                }
                Op::CmpW { p, bits, d, a, b } => {
                    w!(d, u64::from(int::cmp_w(p, u32::from(bits), mem::get128(slot!(a)), mem::get128(slot!(b)))))
                }
                Op::Trunc { d, a, bits } => w!(d, r!(a) & crate::consts::mask(u32::from(bits))),
                Op::Trunc32 { d, a } => w!(d, r!(a) as u32 as u64),
                Op::Sext { d, a, from, to } => {
                    w!(d, int::sext(r!(a), u32::from(from)) as u64 & crate::consts::mask(u32::from(to)))
                }
                Op::Sext32To64 { d, a } => w!(d, r!(a) as i32 as i64 as u64),
                Op::ExtW { d, a, from, to, signed } if to > 128 || from > 64 => {
                    let (from, to) = (u32::from(from), u32::from(to));
                    let v = bigint::Big::load(slot!(a), from);
                    let v = if signed { v.sext(from) } else { v };
                    v.store(slot!(d), to)
                }
                Op::ExtW { d, a, from, to, signed } => {
                    let v = r!(a) & crate::consts::mask(u32::from(from).min(64));
                    let v = if signed { int::sext(v, u32::from(from)) as i128 as u128 } else { u128::from(v) };
                    mem::set128(slot!(d), v & int::mask128(u32::from(to)))
                }
                Op::TruncW { d, a, bits } if bits > 128 => bigint::Big::load(slot!(a), u32::from(bits)).store(slot!(d), u32::from(bits)),
                Op::TruncW { d, a, bits } => {
                    let v = mem::get128(slot!(a)) & int::mask128(u32::from(bits));
                    if bits > 64 { mem::set128(slot!(d), v) } else { w!(d, v as u64) }
                }

                // ---- floating point ----
                Op::FAdd32(x) => bin!(x, |a, b| of32(f32of(a) + f32of(b))),
                Op::FSub32(x) => bin!(x, |a, b| of32(f32of(a) - f32of(b))),
                Op::FMul32(x) => bin!(x, |a, b| of32(f32of(a) * f32of(b))),
                Op::FDiv32(x) => bin!(x, |a, b| of32(f32of(a) / f32of(b))),
                Op::FAdd64(x) => bin!(x, |a, b| of64(f64of(a) + f64of(b))),
                Op::FSub64(x) => bin!(x, |a, b| of64(f64of(a) - f64of(b))),
                Op::FMul64(x) => bin!(x, |a, b| of64(f64of(a) * f64of(b))),
                Op::FDiv64(x) => bin!(x, |a, b| of64(f64of(a) / f64of(b))),
                Op::FBin { op, dbl, d, a, b } => w!(
                    d,
                    if dbl {
                        of64(float::fbin64(op, f64of(r!(a)), f64of(r!(b))))
                    } else {
                        of32(float::fbin32(op, f32of(r!(a)), f32of(r!(b))))
                    }
                ),
                Op::FUn { op, dbl, d, a } => {
                    w!(d, if dbl { of64(float::fun64(op, f64of(r!(a)))) } else { of32(float::fun32(op, f32of(r!(a)))) })
                }
                Op::Fma { dbl, d, a, b, c } => w!(
                    d,
                    if dbl {
                        of64(f64of(r!(a)).mul_add(f64of(r!(b)), f64of(r!(c))))
                    } else {
                        of32(f32of(r!(a)).mul_add(f32of(r!(b)), f32of(r!(c))))
                    }
                ),
                Op::FMulAdd { dbl, d, a, b, c } => w!(
                    d,
                    if dbl {
                        of64(f64of(r!(a)) * f64of(r!(b)) + f64of(r!(c)))
                    } else {
                        of32(f32of(r!(a)) * f32of(r!(b)) + f32of(r!(c)))
                    }
                ),
                Op::FMulSub { dbl, d, a, b, c } => w!(
                    d,
                    if dbl {
                        of64(f64of(r!(a)) * f64of(r!(b)) - f64of(r!(c)))
                    } else {
                        of32(f32of(r!(a)) * f32of(r!(b)) - f32of(r!(c)))
                    }
                ),
                Op::FSubMul { dbl, d, a, b, c } => w!(
                    d,
                    if dbl {
                        of64(f64of(r!(c)) - f64of(r!(a)) * f64of(r!(b)))
                    } else {
                        of32(f32of(r!(c)) - f32of(r!(a)) * f32of(r!(b)))
                    }
                ),
                Op::FCmp { p, dbl, d, a, b } => {
                    let c = if dbl {
                        float::fcmp(p, f64of(r!(a)), f64of(r!(b)))
                    } else {
                        float::fcmp(p, f64::from(f32of(r!(a))), f64::from(f32of(r!(b))))
                    };
                    w!(d, u64::from(c))
                }
                Op::Conv { k, bits, d, a } => w!(d, float::conv(k, u32::from(bits), r!(a))),
                Op::ConvW { k, bits, d, a } => {
                    let from_int = matches!(k, crate::isa::Conv::SiToF32 | crate::isa::Conv::SiToF64 | crate::isa::Conv::UiToF32 | crate::isa::Conv::UiToF64);
                    let src = if from_int { mem::get128(slot!(a)) } else { u128::from(r!(a)) };
                    let v = float::conv_w(k, u32::from(bits), src);
                    if from_int { w!(d, v as u64) } else { mem::set128(slot!(d), v) }
                }
                Op::PowI { dbl, d, a, b } => {
                    let e = r!(b) as i32;
                    w!(d, if dbl { of64(f64of(r!(a)).powi(e)) } else { of32(f32of(r!(a)).powi(e)) })
                }
                Op::FToIRound { dbl, round, d, a } => {
                    let x = if dbl { f64of(r!(a)) } else { f64::from(f32of(r!(a))) };
                    let y = if round { x.round() } else { x.round_ties_even() };
                    w!(d, float::conv(crate::isa::Conv::F64ToSi, 64, of64(y)))
                }
                Op::F80Bin { op, d, a, b } => {
                    fp80::bin(op, slot!(d), slot!(a), slot!(b));
                }
                Op::F80Un { op, d, a } => {
                    fp80::un(op, slot!(d), slot!(a));
                }
                Op::F80Cmp { p, d, a, b } => w!(d, u64::from(fp80::cmp(p, slot!(a), slot!(b)))),
                Op::F80Conv { k, bits, d, a } => fp80::conv(k, u32::from(bits), slot!(d), slot!(a)),
                Op::HToF { d, a } => w!(d, of32(float::half_to_f64(r!(a) as u16) as f32)),
                Op::FToH { d, a } => w!(d, u64::from(float::f64_to_half(f64::from(f32of(r!(a)))))),
                Op::DToH { d, a } => w!(d, u64::from(float::f64_to_half(f64of(r!(a))))),
                Op::IsFpClass { dbl, d, a, mask } => {
                    let c = if dbl { float::is_fpclass64(f64of(r!(a)), mask) } else { float::is_fpclass32(f32of(r!(a)), mask) };
                    w!(d, u64::from(c))
                }

                // ---- integer intrinsics ----
                Op::IUn { op, bits, d, a } => {
                    let bits = u32::from(bits);
                    let x = if bits > 64 { mem::get128(slot!(a)) } else { u128::from(r!(a)) };
                    let v = int::iun(op, bits, x);
                    if bits > 64 { mem::set128(slot!(d), v) } else { w!(d, v as u64) }
                }
                Op::IBin2 { op, bits, d, a, b } => {
                    let bits = u32::from(bits);
                    let (x, y) = if bits > 64 {
                        (mem::get128(slot!(a)), mem::get128(slot!(b)))
                    } else {
                        (u128::from(r!(a)), u128::from(r!(b)))
                    };
                    let (v, o) = int::ibin2(op, bits, x, y);
                    let n = if bits > 64 {
                        mem::set128(slot!(d), v);
                        2
                    } else {
                        w!(d, v as u64);
                        1
                    };
                    if matches!(
                        op,
                        crate::isa::IBin2::SAddO | crate::isa::IBin2::UAddO | crate::isa::IBin2::SSubO | crate::isa::IBin2::USubO | crate::isa::IBin2::SMulO | crate::isa::IBin2::UMulO
                    ) {
                        w!(d.at(n), u64::from(o));
                    }
                }
                Op::Fsh { left, bits, d, a, b, c } => w!(d, int::fsh(left, u32::from(bits), r!(a), r!(b), r!(c))),

                // ---- memory ----
                Op::Load8(x) => w!(x.v, u64::from(*(addr!(x) as *const u8))),
                Op::Load16(x) => w!(x.v, u64::from((addr!(x) as *const u16).read_unaligned())),
                Op::Load32(x) => w!(x.v, u64::from((addr!(x) as *const u32).read_unaligned())),
                Op::Load64(x) => w!(x.v, (addr!(x) as *const u64).read_unaligned()),
                Op::LoadN { d, p, off, n } => mem::load_n(slot!(d), (r!(p) as i64).wrapping_add(off as i64) as usize, n as usize),
                Op::Store8(x) => *(addr!(x) as *mut u8) = r!(x.v) as u8,
                Op::Store16(x) => (addr!(x) as *mut u16).write_unaligned(r!(x.v) as u16),
                Op::Store32(x) => (addr!(x) as *mut u32).write_unaligned(r!(x.v) as u32),
                Op::Store64(x) => (addr!(x) as *mut u64).write_unaligned(r!(x.v)),
                Op::StoreN { v, p, off, n } => {
                    std::ptr::copy_nonoverlapping(slot!(v).cast::<u8>(), (r!(p) as i64).wrapping_add(off as i64) as *mut u8, n as usize)
                }
                Op::Load8X(x) => w!(x.v, u64::from(*(addrx!(x) as *const u8))),
                Op::Load16X(x) => w!(x.v, u64::from((addrx!(x) as *const u16).read_unaligned())),
                Op::Load32X(x) => w!(x.v, u64::from((addrx!(x) as *const u32).read_unaligned())),
                Op::Load64X(x) => w!(x.v, (addrx!(x) as *const u64).read_unaligned()),
                Op::Store8X(x) => *(addrx!(x) as *mut u8) = r!(x.v) as u8,
                Op::Store16X(x) => (addrx!(x) as *mut u16).write_unaligned(r!(x.v) as u16),
                Op::Store32X(x) => (addrx!(x) as *mut u32).write_unaligned(r!(x.v) as u32),
                Op::Store64X(x) => (addrx!(x) as *mut u64).write_unaligned(r!(x.v)),
                Op::Gep { d, p, i, scale, off } => {
                    w!(d, r!(p).wrapping_add((r!(i) as i64).wrapping_mul(scale as i64).wrapping_add(off as i64) as u64))
                }
                Op::Gep32 { d, p, i, scale, off } => {
                    w!(d, r!(p).wrapping_add((r!(i) as i32 as i64).wrapping_mul(scale as i64).wrapping_add(off as i64) as u64))
                }
                Op::Alloca { d, off } => w!(d, *fp + u64::from(off)),
                Op::AllocaDyn { d, n, size, align } => match mem::alloca(m, r!(n), size, align) {
                    Ok(p) => w!(d, p as u64),
                    Err(t) => return Err(t),
                },
                Op::StackSave { d } => w!(d, (*m).sp as u64),
                Op::StackRestore { a } => (*m).sp = r!(a) as usize,
                Op::MemCpy { d, s, n } => std::ptr::copy(r!(s) as *const u8, r!(d) as *mut u8, r!(n) as usize),
                Op::MemMove { d, s, n } => std::ptr::copy(r!(s) as *const u8, r!(d) as *mut u8, r!(n) as usize),
                Op::MemSet { d, v, n } => std::ptr::write_bytes(r!(d) as *mut u8, r!(v) as u8, r!(n) as usize),
                Op::AtomicRmw { op, bytes, d, p, v } => w!(d, mem::atomic_rmw(op, bytes, r!(p) as usize, r!(v))),
                Op::CmpXchg { bytes, d, p, cmp, new } => {
                    let (old, ok) = mem::cmpxchg(bytes, r!(p) as usize, r!(cmp), r!(new));
                    w!(d, old);
                    w!(d.at(1), u64::from(ok));
                }

                // ---- vectors ----
                Op::VInt { op, lane, n, d, a, b } => {
                    if vector::vint(op, lane, n as usize, vv!(d), vv!(a), vv!(b)).is_err() {
                        return Err(div_fault(m));
                    }
                }
                Op::VFloat { op, dbl, n, d, a, b } => vector::vfloat(op, dbl, n as usize, vv!(d), vv!(a), vv!(b)),
                Op::VFUn { op, dbl, n, d, a } => vector::vfun(op, dbl, n as usize, vv!(d), vv!(a)),
                Op::VFma { dbl, fused, n, d, a, b, c } => vector::vfma(dbl, fused, n as usize, vv!(d), vv!(a), vv!(b), vv!(c)),
                Op::VICmp { p, lane, n, d, a, b } => vector::vicmp(p, lane, n as usize, vv!(d), vv!(a), vv!(b)),
                Op::VFCmp { p, dbl, n, d, a, b } => vector::vfcmp(p, dbl, n as usize, vv!(d), vv!(a), vv!(b)),
                Op::VSelect { lane, n, d, c, a, b } => vector::vselect(lane, n as usize, vv!(d), vv!(c), vv!(a), vv!(b)),
                Op::VResize { from, to, signed, n, d, a } => vector::vresize(from, to, signed, n as usize, vv!(d), vv!(a)),
                Op::VConv { k, lane, n, d, a } => vector::vconv(k, lane, n as usize, vv!(d), vv!(a)),
                Op::VIUn { op, lane, n, d, a } => vector::viun(op, lane, n as usize, vv!(d), vv!(a)),
                Op::VIBin2 { op, lane, n, d, a, b } => vector::vibin2(op, lane, n as usize, vv!(d), vv!(a), vv!(b)),
                Op::VReduce { op, lane, n, d, a } => w!(d, vector::vreduce(op, lane, n as usize, vv!(a))),
                Op::VReduceSeq { op, dbl, n, d, start, a } => w!(d, vector::vreduce_seq(op, dbl, n as usize, r!(start), vv!(a))),
                Op::VExtract { d, v, off, bytes } => w!(d, V(vv!(v).0.add(off as usize)).get(0, bytes as usize)),
                Op::VExtractVar { d, v, i, bytes, n } => {
                    let k = r!(i);
                    w!(d, if k < u64::from(n) { vv!(v).get(k as usize, bytes as usize) } else { 0 })
                }
                Op::VInsert { d, v, x, off, bytes, slots } => {
                    std::ptr::copy(slot!(v), slot!(d), slots as usize);
                    V(vv!(d).0.add(off as usize)).set(0, bytes as usize, r!(x));
                }
                Op::VInsertVar { d, v, x, i, bytes, n } => {
                    let slots = (n as usize * bytes as usize).div_ceil(8);
                    std::ptr::copy(slot!(v), slot!(d), slots);
                    let k = r!(i);
                    if k < u64::from(n) {
                        vv!(d).set(k as usize, bytes as usize, r!(x));
                    }
                }
                Op::Shuffle { d, a, b, table } => mem::shuffle(&(*code).shuffles[table.0 as usize], vv!(d), vv!(a), vv!(b)),
                Op::BoolsToInt { d, a, n } => {
                    let mut v = 0u64;
                    for k in 0..n as usize {
                        v |= (vv!(a).get(k, 1) & 1) << k;
                    }
                    w!(d, v)
                }
                Op::IntToBools { d, a, n } => {
                    let v = r!(a);
                    for k in 0..n as usize {
                        vv!(d).set(k, 1, (v >> k) & 1);
                    }
                    vv!(d).zero_tail(n as usize);
                }
                Op::MaskedLoad { lane, n, d, p, m: mk, pass } => mem::masked_load(lane, n as usize, vv!(d), r!(p) as usize, vv!(mk), vv!(pass)),
                Op::MaskedStore { lane, n, v, p, m: mk } => mem::masked_store(lane, n as usize, vv!(v), r!(p) as usize, vv!(mk)),

                // ---- calls ----
                Op::Call { f, site } => {
                    let s = (*code).sites.as_ptr().add(site.0 as usize);
                    match call::fast_call(m, f.0, s, ip, fp, code) {
                        Ok(Some(st)) => set_state!(st),
                        Ok(None) => {}
                        Err(t) => return Err(t),
                    }
                }
                Op::CallInd { p, site } => {
                    let s = (*code).sites.as_ptr().add(site.0 as usize);
                    match mem::call_indirect(m, r!(p) as usize, s, ip, fp, code) {
                        Ok(Some(st)) => set_state!(st),
                        Ok(None) => {}
                        Err(t) => return Err(t),
                    }
                }
                Op::Ret { s } => match call::ret(m, fp, s, 1) {
                    Some(st) => set_state!(st),
                    None => return Ok(()),
                },
                Op::Ret2 { s } => match call::ret(m, fp, s, 2) {
                    Some(st) => set_state!(st),
                    None => return Ok(()),
                },
                Op::RetN { s, n } => match call::ret(m, fp, s, n) {
                    Some(st) => set_state!(st),
                    None => return Ok(()),
                },
                Op::RetVoid => match call::ret(m, fp, crate::isa::Reg(0), 0) {
                    Some(st) => set_state!(st),
                    None => return Ok(()),
                },
                Op::Exit { code: c, rest } => {
                    let status = r!(c) as i32;
                    call::unwind_all(&mut *m, rest);
                    return Err(Trap::Exit(status));
                }
                Op::VaStart { p } => {
                    if let Err(t) = mem::va_start(m, code, r!(p) as usize) {
                        return Err(t);
                    }
                }
                Op::Trap { kind, what } => return Err(trap_op(m, code, kind, what.0)),

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
                Op::IncBr64 { p, a, imm, b } => {
                    let Op::ExtBr { t, f, ctr } = *ip else { std::hint::unreachable_unchecked() };
                    let v = r!(a).wrapping_add(imm as i64 as u64);
                    w!(a, v);
                    let x = crate::isa::BrCmp { a, b, t, f, ctr };
                    br!(int::cmp(p, v, r!(b)), x, ip)
                }
                Op::IncBr32 { p, a, imm, b } => {
                    let Op::ExtBr { t, f, ctr } = *ip else { std::hint::unreachable_unchecked() };
                    let v = (r!(a) as u32).wrapping_add(imm as u32) as u64;
                    w!(a, v);
                    let x = crate::isa::BrCmp { a, b, t, f, ctr };
                    br!(int::cmp32(p, v, r!(b)), x, ip)
                }
                Op::ExtMem { .. } | Op::ExtBr { .. } => std::hint::unreachable_unchecked(),
            }
        }
    }
}
