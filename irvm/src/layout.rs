//! How LLVM types map onto frame slots: slot counts, scalar kinds and, for aggregates, the list of
//! leaves (slot offset, memory offset, kind) used by loads, stores and constants.

use crate::isa::Lane;
use crate::llvm::{Layout, Ty, TyKind};

/// A value that lives in one slot or in a run of consecutive slots.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Scalar {
    /// Integer of this width; 1..=64 in one slot, wider in ceil(width/64) slots (up to 255 bits).
    Int(u32),
    /// IEEE half (`half`), its bits in the low 16 bits of a slot.
    F16,
    F32,
    F64,
    /// x86_fp80 (`long double`): two slots, 10 bytes in memory.
    F80,
    Ptr,
    /// Fixed vector: `n` lanes of `lane`, packed into ceil(n*bytes/8) slots.
    Vec(Lane, u32),
}

impl Scalar {
    pub(crate) fn slots(self) -> u32 {
        match self {
            Scalar::Int(b) if b > 64 => b.div_ceil(64),
            Scalar::F80 => 2,
            Scalar::Vec(l, n) => (n * l.bytes()).div_ceil(8).max(1),
            _ => 1,
        }
    }
    /// Bytes it occupies in memory (its store size).
    pub(crate) fn mem_bytes(self) -> u32 {
        match self {
            Scalar::Int(b) => b.div_ceil(8),
            Scalar::F16 => 2,
            Scalar::F80 => 10,
            Scalar::F32 => 4,
            Scalar::F64 | Scalar::Ptr => 8,
            Scalar::Vec(Lane::I1, n) => n.div_ceil(8),
            Scalar::Vec(l, n) => n * l.bytes(),
        }
    }
}

/// One scalar piece of a (possibly aggregate) value.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) struct Leaf {
    /// Slot offset from the value's first slot.
    pub(crate) slot: u32,
    /// Byte offset in the value's memory representation.
    pub(crate) mem: u64,
    pub(crate) kind: Scalar,
}

/// The scalar kind of a non-aggregate type, or why irvm cannot hold it.
pub(crate) fn scalar(t: Ty) -> Result<Scalar, String> {
    match t.kind() {
        TyKind::Int(b) if b <= 255 => Ok(Scalar::Int(b)),
        TyKind::Half => Ok(Scalar::F16),
        TyKind::X86Fp80 => Ok(Scalar::F80),
        TyKind::Float => Ok(Scalar::F32),
        TyKind::Double => Ok(Scalar::F64),
        TyKind::Ptr => Ok(Scalar::Ptr),
        TyKind::Vector => {
            let n = t.len() as u32;
            Ok(Scalar::Vec(lane(t.elem())?, n))
        }
        _ => Err(format!("unsupported type '{}'", t.to_text())),
    }
}

/// Lane kind of a vector element type.
pub(crate) fn lane(t: Ty) -> Result<Lane, String> {
    Ok(match t.kind() {
        TyKind::Int(1) => Lane::I1,
        TyKind::Int(8) => Lane::I8,
        TyKind::Int(16) => Lane::I16,
        TyKind::Int(32) => Lane::I32,
        TyKind::Int(64) | TyKind::Ptr => Lane::I64,
        TyKind::Half => Lane::F16,
        TyKind::Float => Lane::F32,
        TyKind::Double => Lane::F64,
        _ => return Err(format!("unsupported vector element type '{}'", t.to_text())),
    })
}

/// Whether values of `t` are aggregates (structs or arrays).
pub(crate) fn is_aggregate(t: Ty) -> bool {
    matches!(t.kind(), TyKind::Struct | TyKind::Array)
}

/// Leaves of any first-class type, in slot order.
pub(crate) fn leaves(dl: Layout, t: Ty) -> Result<Vec<Leaf>, String> {
    let mut out = Vec::new();
    let mut slot = 0;
    push_leaves(dl, t, 0, &mut slot, &mut out)?;
    Ok(out)
}

fn push_leaves(dl: Layout, t: Ty, mem: u64, slot: &mut u32, out: &mut Vec<Leaf>) -> Result<(), String> {
    match t.kind() {
        TyKind::Struct => {
            for (i, f) in t.fields().into_iter().enumerate() {
                push_leaves(dl, f, mem + dl.field_offset(t, i as u32), slot, out)?;
            }
        }
        TyKind::Array => {
            let (e, n) = (t.elem(), t.len());
            if n > 1 << 16 {
                return Err(format!("array type '{}' too large for a register value", t.to_text()));
            }
            let stride = dl.size(e);
            for i in 0..n {
                push_leaves(dl, e, mem + i * stride, slot, out)?;
            }
        }
        TyKind::Void => {}
        _ => {
            let kind = scalar(t)?;
            out.push(Leaf { slot: *slot, mem, kind });
            *slot += kind.slots();
        }
    }
    Ok(())
}

/// Number of slots a value of type `t` takes.
pub(crate) fn slots(dl: Layout, t: Ty) -> Result<u32, String> {
    if is_aggregate(t) {
        Ok(leaves(dl, t)?.iter().map(|l| l.slot + l.kind.slots()).max().unwrap_or(0))
    } else if t.kind() == TyKind::Void {
        Ok(0)
    } else {
        Ok(scalar(t)?.slots())
    }
}

/// For an aggregate type and an extract/insertvalue index path: (first slot, slot count, memory
/// offset) of the addressed member.
pub(crate) fn member(dl: Layout, t: Ty, path: &[u32]) -> Result<(u32, u32, Ty), String> {
    let mut cur = t;
    let mut first = 0;
    for &i in path {
        match cur.kind() {
            TyKind::Struct => {
                let fields = cur.fields();
                for f in &fields[..i as usize] {
                    first += slots(dl, *f)?;
                }
                cur = fields[i as usize];
            }
            TyKind::Array => {
                first += i * slots(dl, cur.elem())?;
                cur = cur.elem();
            }
            _ => return Err(format!("bad aggregate index into '{}'", t.to_text())),
        }
    }
    Ok((first, slots(dl, cur)?, cur))
}
