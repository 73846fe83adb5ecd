//! Where each IR-level argument and the return value of a call live under SysV x86-64.

use crate::layout::{self, Scalar};
use crate::llvm::{Layout, Ty, TyKind};

/// Location of one slot-sized piece of an argument.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum ArgLoc {
    /// General-purpose register #i (rdi, rsi, rdx, rcx, r8, r9).
    Gpr(u8),
    /// Low 8 bytes of XMM register #i; `Xmm2` is a full 16-byte vector.
    Xmm(u8),
    Xmm2(u8),
    /// 8-byte word #i of the outgoing stack area.
    Stack(u32),
    /// `byval`: the pointee (`size` bytes) is copied to the stack from word #at.
    ByVal {
        at: u32,
        size: u32,
    },
}

/// One piece of an argument: which slot of the value goes where, and how to widen it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) struct Piece {
    /// Slot offset within the argument value.
    pub(crate) slot: u32,
    pub(crate) loc: ArgLoc,
    /// Sign-extend from this width when passing (signext i8/i16), 0 = no.
    pub(crate) sext: u8,
    /// For a 2-slot vector in Xmm2 or an i128 stack piece: number of slots it covers.
    pub(crate) slots: u8,
}

/// Location of a return value piece.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum RetLoc {
    Rax,
    Rdx,
    Xmm0,
    Xmm1,
    /// A 16-byte vector in xmm0.
    Xmm0Full,
    /// An x86_fp80 in st(0) (two slots).
    St0,
}

/// A classified signature.
#[derive(Clone, Debug, Default)]
pub(crate) struct Sig {
    /// Per argument: its pieces.
    pub(crate) args: Vec<Vec<Piece>>,
    /// Per return slot: where it comes from, and the integer width to keep (64: the whole slot).
    pub(crate) ret: Vec<(u32, RetLoc, u8)>,
    pub(crate) ngpr: u8,
    pub(crate) nxmm: u8,
    pub(crate) nstack: u32,
}

/// What a call of native code through a register image needs to know of a signature: stack
/// words passed, vector registers used, result in st(0).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct CallShape {
    pub(crate) nstack: u32,
    pub(crate) nxmm: u8,
    pub(crate) x87: bool,
}

impl Sig {
    /// See [`CallShape`].
    pub(crate) fn shape(&self) -> CallShape {
        CallShape { nstack: self.nstack, nxmm: self.nxmm, x87: self.ret.iter().any(|r| r.1 == RetLoc::St0) }
    }
}

/// Per-argument attributes that change the ABI.
#[derive(Clone, Copy, Default, Debug)]
pub(crate) struct ArgAttr {
    /// `byval(<ty>)`: the pointee type.
    pub(crate) byval: Option<Ty>,
    pub(crate) signext: bool,
}

/// Classify a call of `args` (IR types, with attributes) returning `ret`.
pub(crate) fn classify(dl: Layout, args: &[(Ty, ArgAttr)], ret: Ty) -> Result<Sig, String> {
    let mut s = Sig::default();
    for &(t, attr) in args {
        let mut pieces = Vec::new();
        if let Some(bt) = attr.byval {
            let size = dl.size(bt).div_ceil(8) as u32 * 8;
            if dl.align(bt) > 8 && s.nstack % 2 == 1 {
                s.nstack += 1;
            }
            pieces.push(Piece { slot: 0, loc: ArgLoc::ByVal { at: s.nstack, size }, sext: 0, slots: 1 });
            s.nstack += size / 8;
            s.args.push(pieces);
            continue;
        }
        for leaf in layout::leaves(dl, t)? {
            classify_leaf(&mut s, &mut pieces, leaf.slot, leaf.kind, attr)?;
        }
        s.args.push(pieces);
    }
    s.ret = classify_ret(dl, ret)?;
    Ok(s)
}

fn classify_leaf(s: &mut Sig, out: &mut Vec<Piece>, slot: u32, k: Scalar, attr: ArgAttr) -> Result<(), String> {
    let sext = match k {
        Scalar::Int(b) if attr.signext && b < 32 => b as u8,
        _ => 0,
    };
    match k {
        Scalar::Int(b) if b > 128 => return Err(format!("cannot pass a {b}-bit integer to native code")),
        Scalar::F80 => {
            // Class X87: in memory, 16-byte aligned.
            s.nstack += s.nstack % 2;
            out.push(Piece { slot, loc: ArgLoc::Stack(s.nstack), sext: 0, slots: 2 });
            s.nstack += 2;
        }
        Scalar::Int(b) if b > 64 => {
            if s.ngpr <= 4 {
                out.push(Piece { slot, loc: ArgLoc::Gpr(s.ngpr), sext: 0, slots: 1 });
                out.push(Piece { slot: slot + 1, loc: ArgLoc::Gpr(s.ngpr + 1), sext: 0, slots: 1 });
                s.ngpr += 2;
            } else {
                s.nstack += s.nstack % 2;
                out.push(Piece { slot, loc: ArgLoc::Stack(s.nstack), sext: 0, slots: 2 });
                s.nstack += 2;
            }
        }
        Scalar::Int(_) | Scalar::Ptr => {
            if s.ngpr < 6 {
                out.push(Piece { slot, loc: ArgLoc::Gpr(s.ngpr), sext, slots: 1 });
                s.ngpr += 1;
            } else {
                out.push(Piece { slot, loc: ArgLoc::Stack(s.nstack), sext, slots: 1 });
                s.nstack += 1;
            }
        }
        Scalar::F16 | Scalar::F32 | Scalar::F64 | Scalar::Vec(..) => {
            let bytes = k.mem_bytes();
            if matches!(k, Scalar::Vec(crate::isa::Lane::I1, _)) || bytes > 16 {
                return Err("vector argument wider than 16 bytes (needs AVX)".into());
            }
            let wide = bytes > 8;
            if s.nxmm < 8 {
                let loc = if wide { ArgLoc::Xmm2(s.nxmm) } else { ArgLoc::Xmm(s.nxmm) };
                out.push(Piece { slot, loc, sext: 0, slots: if wide { 2 } else { 1 } });
                s.nxmm += 1;
            } else {
                if wide {
                    s.nstack += s.nstack % 2;
                }
                out.push(Piece { slot, loc: ArgLoc::Stack(s.nstack), sext: 0, slots: if wide { 2 } else { 1 } });
                s.nstack += if wide { 2 } else { 1 };
            }
        }
    }
    Ok(())
}

fn classify_ret(dl: Layout, t: Ty) -> Result<Vec<(u32, RetLoc, u8)>, String> {
    if t.kind() == TyKind::Void {
        return Ok(Vec::new());
    }
    let mut ints = [RetLoc::Rax, RetLoc::Rdx].into_iter();
    let mut flts = [RetLoc::Xmm0, RetLoc::Xmm1].into_iter();
    let mut out = Vec::new();
    let too_big = || format!("return type '{}' is not returned in registers", t.to_text());
    for leaf in layout::leaves(dl, t)? {
        match leaf.kind {
            Scalar::Int(b) if b > 128 => return Err(too_big()),
            Scalar::F80 => out.push((leaf.slot, RetLoc::St0, 64)),
            Scalar::Int(b) if b > 64 => {
                out.push((leaf.slot, ints.next().ok_or_else(too_big)?, 64));
                let hi = (b - 64) as u8;
                out.push((leaf.slot + 1, ints.next().ok_or_else(too_big)?, hi));
            }
            Scalar::Int(b) => out.push((leaf.slot, ints.next().ok_or_else(too_big)?, b as u8)),
            Scalar::Ptr => out.push((leaf.slot, ints.next().ok_or_else(too_big)?, 64)),
            Scalar::F16 => out.push((leaf.slot, flts.next().ok_or_else(too_big)?, 16)),
            Scalar::F32 => out.push((leaf.slot, flts.next().ok_or_else(too_big)?, 32)),
            Scalar::F64 => out.push((leaf.slot, flts.next().ok_or_else(too_big)?, 64)),
            Scalar::Vec(l, n) => {
                let bytes = n * l.bytes();
                if bytes > 16 || l == crate::isa::Lane::I1 {
                    return Err(too_big());
                }
                let loc = flts.next().ok_or_else(too_big)?;
                if bytes > 8 {
                    if loc != RetLoc::Xmm0 {
                        return Err(too_big());
                    }
                    out.push((leaf.slot, RetLoc::Xmm0Full, 64));
                } else {
                    out.push((leaf.slot, loc, 64));
                }
            }
        }
    }
    Ok(out)
}
