//! The out-of-line half of the dispatch: ops that are rare in hot loops or do enough work that
//! one more call does not matter (generic-width and wide integers, integer intrinsics, vectors,
//! long double, half, atomics, odd-sized memory ops, varargs). Keeping them out of `run` keeps
//! the hot loop small.

use super::vector::{self, V};
use super::{Trap, bigint, div_fault, float, fp80, int, mem};
use crate::isa::Op;
use crate::translate::Code;
use crate::vm::Machine;
use float::{f32of, f64of, of32, of64};

/// Execute one op of the slow families.
///
/// # Safety
/// As `run`: `fp` is the frame of the function whose code `code` contains `op`.
/// Inlined into `outside::run`, so that an op out of the loop is one call and one dispatch.
#[inline(always)]
pub(super) unsafe fn run(m: *mut Machine, op: &Op, fp: *mut u64, code: *const Code) -> Result<(), Trap> {
    // SAFETY: see `exec::run`: register operands lie in the frame, memory operands are the
    // program's own pointers.
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
        match *op {
            Op::MovN { d, s, n } => std::ptr::copy(slot!(s), slot!(d), n as usize),
            Op::SelectN { d, c, a, b, n } => {
                let s = if r!(c) & 1 != 0 { a } else { b };
                std::ptr::copy(slot!(s), slot!(d), n as usize)
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
            Op::CmpN { p, bits, d, a, b } => w!(d, u64::from(int::cmp_n(p, u32::from(bits), r!(a), r!(b)))),
            Op::CmpW { p, bits, d, a, b } if bits > 128 => {
                let bits = u32::from(bits);
                w!(
                    d,
                    u64::from(bigint::cmp_big(
                        p,
                        bits,
                        bigint::Big::load(slot!(a), bits),
                        bigint::Big::load(slot!(b), bits)
                    ))
                )
            }
            Op::CmpW { p, bits, d, a, b } => {
                w!(d, u64::from(int::cmp_w(p, u32::from(bits), mem::get128(slot!(a)), mem::get128(slot!(b)))))
            }
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
            Op::TruncW { d, a, bits } if bits > 128 => {
                bigint::Big::load(slot!(a), u32::from(bits)).store(slot!(d), u32::from(bits))
            }
            Op::TruncW { d, a, bits } => {
                let v = mem::get128(slot!(a)) & int::mask128(u32::from(bits));
                if bits > 64 { mem::set128(slot!(d), v) } else { w!(d, v as u64) }
            }

            Op::FBin { op, dbl, d, a, b } => w!(
                d,
                if dbl {
                    of64(float::fbin64(op, f64of(r!(a)), f64of(r!(b))))
                } else {
                    of32(float::fbin32(op, f32of(r!(a)), f32of(r!(b))))
                }
            ),
            Op::Fma { dbl, d, a, b, c } => w!(
                d,
                if dbl {
                    of64(f64of(r!(a)).mul_add(f64of(r!(b)), f64of(r!(c))))
                } else {
                    of32(f32of(r!(a)).mul_add(f32of(r!(b)), f32of(r!(c))))
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
            Op::FUn { op, dbl, d, a } => {
                w!(d, if dbl { of64(float::fun64(op, f64of(r!(a)))) } else { of32(float::fun32(op, f32of(r!(a)))) })
            }
            Op::Conv { k, bits, d, a } => w!(d, float::conv(k, u32::from(bits), r!(a))),
            Op::ConvW { k, bits, d, a } => {
                let from_int = matches!(
                    k,
                    crate::isa::Conv::SiToF32
                        | crate::isa::Conv::SiToF64
                        | crate::isa::Conv::UiToF32
                        | crate::isa::Conv::UiToF64
                );
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
                let c =
                    if dbl { float::is_fpclass64(f64of(r!(a)), mask) } else { float::is_fpclass32(f32of(r!(a)), mask) };
                w!(d, u64::from(c))
            }

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
                    crate::isa::IBin2::SAddO
                        | crate::isa::IBin2::UAddO
                        | crate::isa::IBin2::SSubO
                        | crate::isa::IBin2::USubO
                        | crate::isa::IBin2::SMulO
                        | crate::isa::IBin2::UMulO
                ) {
                    w!(d.at(n), u64::from(o));
                }
            }
            Op::Fsh { left, bits, d, a, b, c } => w!(d, int::fsh(left, u32::from(bits), r!(a), r!(b), r!(c))),

            Op::LoadN { d, p, off, n } => {
                mem::load_n(slot!(d), (r!(p) as i64).wrapping_add(off as i64) as usize, n as usize)
            }
            Op::StoreN { v, p, off, n } => std::ptr::copy_nonoverlapping(
                slot!(v).cast::<u8>(),
                (r!(p) as i64).wrapping_add(off as i64) as *mut u8,
                n as usize,
            ),
            Op::AllocaDyn { d, n, size, align } => match mem::alloca(m, r!(n), size, align) {
                Ok(p) => w!(d, p as u64),
                Err(t) => return Err(t),
            },
            Op::StackSave { d } => w!(d, (*m).sp as u64),
            Op::TlsAddr { d, var } => w!(d, (*m).prog.tls.address(var)),
            Op::StackRestore { a } => (*m).sp = r!(a) as usize,
            Op::MemCpy { d, s, n } | Op::MemMove { d, s, n } => {
                std::ptr::copy(r!(s) as *const u8, r!(d) as *mut u8, r!(n) as usize)
            }
            Op::MemSet { d, v, n } => std::ptr::write_bytes(r!(d) as *mut u8, r!(v) as u8, r!(n) as usize),
            Op::MemSize { n, site } => (*m).note_mem_size(&*code, site, r!(n)),
            Op::AtomicRmw { op, bytes, d, p, v } => {
                w!(d, mem::atomic_rmw(op, bytes, r!(p) as usize, r!(v)));
                crate::threads::after_atomic(m);
            }
            Op::CmpXchg { bytes, d, p, cmp, new } => {
                let (old, ok) = mem::cmpxchg(bytes, r!(p) as usize, r!(cmp), r!(new));
                w!(d, old);
                w!(d.at(1), u64::from(ok));
                crate::threads::after_atomic(m);
            }

            Op::VInt { op, lane, n, d, a, b, .. } => {
                if vector::vint(op, lane, n as usize, vv!(d), vv!(a), vv!(b)).is_err() {
                    return Err(div_fault(m));
                }
            }
            Op::VFloat { op, dbl, n, d, a, b, .. } => vector::vfloat(op, dbl, n as usize, vv!(d), vv!(a), vv!(b)),
            Op::VFUn { op, dbl, n, d, a } => vector::vfun(op, dbl, n as usize, vv!(d), vv!(a)),
            Op::VFma { dbl, fused, n, d, a, b, c, .. } => {
                vector::vfma(dbl, fused, n as usize, vv!(d), vv!(a), vv!(b), vv!(c))
            }
            Op::VICmp { p, lane, n, d, a, b } => vector::vicmp(p, lane, n as usize, vv!(d), vv!(a), vv!(b)),
            Op::VFCmp { p, dbl, n, d, a, b } => vector::vfcmp(p, dbl, n as usize, vv!(d), vv!(a), vv!(b)),
            Op::VSelect { lane, n, d, c, a, b } => vector::vselect(lane, n as usize, vv!(d), vv!(c), vv!(a), vv!(b)),
            Op::VResize { from, to, signed, n, d, a, .. } => {
                vector::vresize(from, to, signed, n as usize, vv!(d), vv!(a))
            }
            Op::VConv { k, lane, n, d, a } => vector::vconv(k, lane, n as usize, vv!(d), vv!(a)),
            Op::VIUn { op, lane, n, d, a } => vector::viun(op, lane, n as usize, vv!(d), vv!(a)),
            Op::VIBin2 { op, lane, n, d, a, b, .. } => vector::vibin2(op, lane, n as usize, vv!(d), vv!(a), vv!(b)),
            Op::VReduce { op, lane, n, d, a } => w!(d, vector::vreduce(op, lane, n as usize, vv!(a))),
            Op::VReduceSeq { op, dbl, n, d, start, a } => {
                w!(d, vector::vreduce_seq(op, dbl, n as usize, r!(start), vv!(a)))
            }
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
            Op::MaskedLoad { lane, n, d, p, m: mk, pass } => {
                mem::masked_load(lane, n as usize, vv!(d), r!(p) as usize, vv!(mk), vv!(pass))
            }
            Op::MaskedStore { lane, n, v, p, m: mk } => {
                mem::masked_store(lane, n as usize, vv!(v), r!(p) as usize, vv!(mk))
            }

            Op::VaStart { p } => mem::va_start(m, code, r!(p) as usize)?,
            _ => unreachable!("irvm: op {:?} in the slow path", op),
        }
    }
    Ok(())
}
