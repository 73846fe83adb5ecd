//! Constant evaluation: the memory image of any LLVM constant (for global initializers and
//! register constants), with addresses of globals and functions filled in from the program.

use crate::layout::{self, Scalar};
use crate::llvm::{Layout, Ty, TyKind, Val, ValKind};
use llvm_sys::LLVMOpcode as O;

/// What constant evaluation needs from the program: addresses of globals and functions.
pub(crate) trait Addresses {
    /// Address of a global variable, alias or function (functions: a native-callable address).
    fn address_of(&mut self, g: Val) -> Result<u64, String>;
    /// The value of `blockaddress(f, b)`.
    fn block_address(&mut self, f: Val, b: Val) -> Result<u64, String>;
}

/// Block addresses are tokens, not code addresses: tag | function << 24 | block index.
pub(crate) const BLOCK_ADDRESS_TAG: u64 = 0xB10C_0000_0000_0000;

/// Write the memory image of constant `c` (of type `t`) into `out` (at least store-size bytes).
pub(crate) fn write(dl: Layout, env: &mut dyn Addresses, c: Val, out: &mut [u8]) -> Result<(), String> {
    let t = c.ty();
    match c.kind() {
        ValKind::Undef | ValKind::Poison | ValKind::ZeroAggregate | ValKind::NullPtr => {
            out.iter_mut().for_each(|b| *b = 0);
            Ok(())
        }
        ValKind::ConstArray
        | ValKind::ConstStruct
        | ValKind::ConstVector
        | ValKind::ConstDataArray
        | ValKind::ConstDataVector => write_aggregate(dl, env, c, t, out),
        _ => {
            let s = layout::scalar(t)?;
            let bytes = s.mem_bytes() as usize;
            if s == Scalar::F80 {
                let v = fp80_const(c)?;
                out[..8].copy_from_slice(&v[0].to_le_bytes());
                out[8..10].copy_from_slice(&v[1].to_le_bytes()[..2]);
                return Ok(());
            }
            if let Scalar::Int(b) = s
                && b > 64
            {
                let v = wide_int(c)?;
                let le: Vec<u8> = v.iter().flat_map(|l| l.to_le_bytes()).collect();
                out[..bytes].copy_from_slice(&le[..bytes]);
                return Ok(());
            }
            let v = scalar(dl, env, c)?;
            out[..bytes.min(8)].copy_from_slice(&v.to_le_bytes()[..bytes.min(8)]);
            Ok(())
        }
    }
}

fn write_aggregate(dl: Layout, env: &mut dyn Addresses, c: Val, t: Ty, out: &mut [u8]) -> Result<(), String> {
    if let Some(s) = c.const_string() {
        out[..s.len()].copy_from_slice(&s);
        return Ok(());
    }
    match t.kind() {
        TyKind::Struct => {
            for (i, f) in t.fields().into_iter().enumerate() {
                let off = dl.field_offset(t, i as u32) as usize;
                let e = c.const_elem(i as u32).ok_or("missing struct constant field")?;
                write(dl, env, e, &mut out[off..off + dl.store_size(f) as usize])?;
            }
            Ok(())
        }
        TyKind::Array | TyKind::Vector => {
            let e = t.elem();
            if t.kind() == TyKind::Vector && e.kind() == TyKind::Int(1) {
                out.iter_mut().for_each(|b| *b = 0);
                for i in 0..t.len() as u32 {
                    let v = c.const_elem(i).ok_or("missing vector constant lane")?;
                    if scalar(dl, env, v)? & 1 != 0 {
                        out[(i / 8) as usize] |= 1 << (i % 8);
                    }
                }
                return Ok(());
            }
            let stride = dl.size(e) as usize;
            let sz = dl.store_size(e) as usize;
            for i in 0..t.len() as usize {
                let v = c.const_elem(i as u32).ok_or("missing array constant element")?;
                write(dl, env, v, &mut out[i * stride..i * stride + sz])?;
            }
            Ok(())
        }
        _ => Err(format!("unsupported constant '{}'", c.to_text())),
    }
}

/// The value of a scalar constant of at most 64 bits (ints zero-extended, floats as bits,
/// pointers as addresses).
pub(crate) fn scalar(dl: Layout, env: &mut dyn Addresses, c: Val) -> Result<u64, String> {
    match c.kind() {
        ValKind::ConstInt => {
            let TyKind::Int(b) = c.ty().kind() else { return Err("bad integer constant".into()) };
            if b > 64 {
                return Ok(wide_int(c)?[0]);
            }
            Ok(c.const_u64() & mask(b))
        }
        ValKind::ConstFp => Ok(match c.ty().kind() {
            TyKind::Half => u64::from(crate::exec::float::f64_to_half(c.const_f64())),
            TyKind::Float => u64::from((c.const_f64() as f32).to_bits()),
            TyKind::Double => c.const_f64().to_bits(),
            _ => return Err(format!("unsupported floating-point constant '{}'", c.to_text())),
        }),
        ValKind::NullPtr | ValKind::Undef | ValKind::Poison | ValKind::ZeroAggregate => Ok(0),
        ValKind::GlobalVariable | ValKind::Function | ValKind::GlobalAlias => env.address_of(c),
        ValKind::ConstExpr => expr(dl, env, c),
        _ => match c.block_address() {
            Some((f, b)) => env.block_address(f, b),
            None => Err(format!("unsupported constant '{}'", c.to_text())),
        },
    }
}

/// The two slots of an x86_fp80 constant.
pub(crate) fn fp80_const(c: Val) -> Result<[u64; 2], String> {
    match c.kind() {
        ValKind::Undef | ValKind::Poison | ValKind::ZeroAggregate => Ok([0, 0]),
        ValKind::ConstFp => crate::exec::fp80::parse_const(&c.to_text())
            .ok_or_else(|| format!("cannot read constant '{}'", c.to_text())),
        _ => Err(format!("unsupported long double constant '{}'", c.to_text())),
    }
}

/// All-ones mask of `bits` (<= 64) bits.
pub(crate) fn mask(bits: u32) -> u64 {
    if bits >= 64 { u64::MAX } else { (1u64 << bits) - 1 }
}

/// Value of an integer constant wider than 64 bits as four little-endian limbs, zero-extended
/// from its width (parsed from LLVM's printed form: the C API has no accessor for wide integers).
pub(crate) fn wide_int(c: Val) -> Result<[u64; 4], String> {
    let TyKind::Int(b) = c.ty().kind() else { return Err("bad wide constant".into()) };
    if matches!(c.kind(), ValKind::Undef | ValKind::Poison | ValKind::ZeroAggregate) {
        return Ok([0; 4]);
    }
    if c.kind() != ValKind::ConstInt {
        return Err(format!("unsupported {b}-bit constant '{}'", c.to_text()));
    }
    let text = c.to_text();
    let num = text.rsplit(' ').next().unwrap_or("");
    let (neg, digits) = match num {
        "true" => (false, "1"),
        "false" => (false, "0"),
        n => match n.strip_prefix('-') {
            Some(d) => (true, d),
            None => (false, n),
        },
    };
    let mut limbs = [0u64; 4];
    for ch in digits.chars() {
        let d = ch.to_digit(10).ok_or_else(|| format!("cannot read integer constant '{text}'"))?;
        let mut carry = u128::from(d);
        for l in limbs.iter_mut() {
            let t = u128::from(*l) * 10 + carry;
            *l = t as u64;
            carry = t >> 64;
        }
    }
    if neg {
        let mut carry = true;
        for l in limbs.iter_mut() {
            let (v, c2) = (!*l).overflowing_add(u64::from(carry));
            *l = v;
            carry = c2;
        }
    }
    for (k, l) in limbs.iter_mut().enumerate() {
        let lo = 64 * k as u32;
        if b <= lo {
            *l = 0;
        } else if b < lo + 64 {
            *l &= (1u64 << (b - lo)) - 1;
        }
    }
    Ok(limbs)
}

fn expr(dl: Layout, env: &mut dyn Addresses, c: Val) -> Result<u64, String> {
    let op = c.const_opcode();
    let bits = match c.ty().kind() {
        TyKind::Int(b) => b,
        _ => 64,
    };
    let a = |env: &mut dyn Addresses, i| scalar(dl, env, c.operand(i));
    let v = match op {
        O::LLVMBitCast | O::LLVMAddrSpaceCast | O::LLVMIntToPtr | O::LLVMPtrToInt | O::LLVMTrunc | O::LLVMZExt => {
            a(env, 0)?
        }
        O::LLVMSExt => {
            let TyKind::Int(from) = c.operand(0).ty().kind() else { return Err("bad sext".into()) };
            let x = a(env, 0)?;
            ((x << (64 - from)) as i64 >> (64 - from)) as u64
        }
        O::LLVMAdd => a(env, 0)?.wrapping_add(a(env, 1)?),
        O::LLVMSub => a(env, 0)?.wrapping_sub(a(env, 1)?),
        O::LLVMMul => a(env, 0)?.wrapping_mul(a(env, 1)?),
        O::LLVMXor => a(env, 0)? ^ a(env, 1)?,
        O::LLVMAnd => a(env, 0)? & a(env, 1)?,
        O::LLVMOr => a(env, 0)? | a(env, 1)?,
        O::LLVMShl => a(env, 0)?.wrapping_shl(a(env, 1)? as u32),
        O::LLVMLShr => a(env, 0)?.wrapping_shr(a(env, 1)? as u32),
        O::LLVMGetElementPtr => {
            let base = a(env, 0)?;
            let mut off: i64 = 0;
            let mut cur = c.gep_source_type();
            for k in 1..c.num_operands() {
                let idx = c.operand(k);
                let TyKind::Int(ib) = idx.ty().kind() else { return Err("vector GEP constant".into()) };
                let raw = scalar(dl, env, idx)?;
                let i = if ib >= 64 { raw as i64 } else { ((raw << (64 - ib)) as i64) >> (64 - ib) };
                if k == 1 {
                    off = off.wrapping_add(i.wrapping_mul(dl.size(cur) as i64));
                } else if cur.kind() == TyKind::Struct {
                    off = off.wrapping_add(dl.field_offset(cur, i as u32) as i64);
                    cur = cur.fields()[i as usize];
                } else {
                    cur = cur.elem();
                    off = off.wrapping_add(i.wrapping_mul(dl.size(cur) as i64));
                }
            }
            base.wrapping_add(off as u64)
        }
        _ => return Err(format!("unsupported constant expression '{}'", c.to_text())),
    };
    Ok(v & mask(bits))
}
