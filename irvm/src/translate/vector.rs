//! Vector and aggregate element access: extract/insertelement, shufflevector,
//! extract/insertvalue (aggregates are runs of slots, so these are slot moves).

use super::arith::lanes;
use super::control::mov;
use super::{Fx, ShuffleTable};
use crate::isa::{Aux, Lane, Op, Reg};
use crate::layout::{self, Scalar};
use crate::llvm::{Val, ValKind};
use llvm_sys::LLVMOpcode as O;

impl Fx<'_> {
    fn vec_of(&self, v: Val) -> Result<(crate::isa::Lane, u32), String> {
        match layout::scalar(v.ty())? {
            Scalar::Vec(l, n) => Ok((l, n)),
            _ => Err("vector op on a non-vector".into()),
        }
    }

    pub(super) fn emit_extractelement(&mut self, i: Val) -> Result<(), String> {
        let (lane, n) = self.vec_of(i.operand(0))?;
        let d = self.reg(i)?;
        let v = self.reg(i.operand(0))?;
        let bytes = lane.bytes() as u8;
        match self.const_int(i.operand(1)) {
            // A 64-bit lane is a whole slot: a plain move.
            Some(k) if k < u64::from(n) && bytes == 8 => self.push(Op::Mov { d, s: v.at(k as u32) }),
            Some(k) if k < u64::from(n) => self.push(Op::VExtract { d, v, off: k as u32 * lane.bytes(), bytes }),
            Some(_) => {} // out of range: poison
            None => {
                let idx = self.reg(i.operand(1))?;
                self.push(Op::VExtractVar { d, v, i: idx, bytes, n: lanes(n)? });
            }
        }
        Ok(())
    }

    /// The insertelement `i` lowers through its 64-bit lanes (`emit_insertelement`): a constant
    /// index, 64-bit lanes, at most 8 of them.
    fn lane_insert(&self, i: Val) -> bool {
        i.kind() == ValKind::Instruction
            && i.opcode() == O::LLVMInsertElement
            && matches!(layout::scalar(i.ty()), Ok(Scalar::Vec(l, n)) if l.bytes() == 8 && l != Lane::I1 && (2..=8).contains(&n)
                && self.const_int(i.operand(2)).is_some_and(|k| k < u64::from(n)))
    }

    /// The shufflevector `i` lowers as moves of 64-bit lanes (`emit_shuffle`).
    fn lane_shuffle(&self, i: Val) -> bool {
        i.kind() == ValKind::Instruction
            && i.opcode() == O::LLVMShuffleVector
            && matches!(layout::scalar(i.operand(0).ty()), Ok(Scalar::Vec(l, n)) if l.bytes() == 8 && l != Lane::I1 && n >= 2)
            && matches!(layout::scalar(i.ty()), Ok(Scalar::Vec(..)))
            && i.shuffle_mask().len() <= 8
    }

    /// Pass 1: an insertelement of a 64-bit lane read only by lane moves (shuffles and inserts
    /// of 64-bit lanes, `lane_reg`) needs no slots: they read the inserted scalar and the other
    /// lanes where they are (clang's splat `insertelement poison, x, 0` + `shufflevector`
    /// becomes one `MovPair`).
    pub(super) fn maybe_fuse_lane_insert(&mut self, i: Val) {
        if !self.lane_insert(i) {
            return;
        }
        let users = i.users();
        let through = |u: &Val| {
            (self.lane_shuffle(*u) && (u.operand(0) == i || u.operand(1) == i))
                || (self.lane_insert(*u) && u.operand(0) == i && u.operand(1) != i)
        };
        if !users.is_empty() && users.iter().all(through) {
            self.fused.insert(i);
        }
    }

    /// The slot holding lane `m` of 64-bit-lane vector `w`, through inserts folded into their
    /// users (`maybe_fuse_lane_insert`); None for an undefined lane.
    fn lane_reg(&mut self, w: Val, m: u32) -> Result<Option<Reg>, String> {
        let w = self.resolve(w);
        if matches!(w.kind(), ValKind::Poison | ValKind::Undef) {
            return Ok(None);
        }
        if self.fused.contains(&w) && self.lane_insert(w) {
            return if self.const_int(w.operand(2)) == Some(u64::from(m)) {
                self.reg(w.operand(1)).map(Some)
            } else {
                self.lane_reg(w.operand(0), m)
            };
        }
        Ok(Some(self.reg(w)?.at(m)))
    }

    /// Moves of one slot each from `src` into `d, d + 1, …`, two at a time (`MovPair`, or `Mov2`
    /// for adjacent sources); an undefined lane is not written.
    fn push_lane_moves(&mut self, d: Reg, src: &[Option<Reg>]) {
        let mut j = 0;
        while j < src.len() {
            match (src[j], src.get(j + 1).copied().flatten()) {
                (Some(a), Some(b)) => {
                    self.push(if b == a.at(1) {
                        Op::Mov2 { d: d.at(j as u32), s: a }
                    } else {
                        Op::MovPair(crate::isa::Bin { d: d.at(j as u32), a, b })
                    });
                }
                (Some(a), None) => self.push(Op::Mov { d: d.at(j as u32), s: a }),
                (None, Some(b)) => self.push(Op::Mov { d: d.at(j as u32 + 1), s: b }),
                (None, None) => {}
            }
            j += 2;
        }
    }

    pub(super) fn emit_insertelement(&mut self, i: Val) -> Result<(), String> {
        let (lane, n) = self.vec_of(i)?;
        if self.lane_insert(i) {
            // 64-bit lanes are whole slots: each lane's move from where it is (none for the
            // lanes of poison or undef). `d` never shares a slot with an operand (only one-slot
            // values are coalesced).
            let d = self.reg(i)?;
            let k = self.const_int(i.operand(2)).unwrap_or(0) as u32;
            let mut src = Vec::new();
            for m in 0..n {
                src.push(if m == k { Some(self.reg(i.operand(1))?) } else { self.lane_reg(i.operand(0), m)? });
            }
            self.push_lane_moves(d, &src);
            return Ok(());
        }
        let d = self.reg(i)?;
        let v = self.reg(i.operand(0))?;
        let x = self.reg(i.operand(1))?;
        let bytes = lane.bytes() as u8;
        let slots = Scalar::Vec(lane, n).slots();
        match self.const_int(i.operand(2)) {
            Some(k) if k < u64::from(n) => {
                let slots = u8::try_from(slots).map_err(|_| "vector too wide")?;
                self.push(Op::VInsert { d, v, x, off: k as u32 * lane.bytes(), bytes, slots });
            }
            Some(_) => self.push(mov(d, v, slots)),
            None => {
                let idx = self.reg(i.operand(2))?;
                self.push(Op::VInsertVar { d, v, x, i: idx, bytes, n: lanes(n)? });
            }
        }
        Ok(())
    }

    pub(super) fn emit_shuffle(&mut self, i: Val) -> Result<(), String> {
        let (lane, n_in) = self.vec_of(i.operand(0))?;
        self.vec_of(i)?; // the result must be a vector irvm handles
        let d = self.reg(i)?;
        let mask: Vec<i32> =
            i.shuffle_mask().into_iter().map(|m| if m < 0 || m as u32 >= 2 * n_in { -1 } else { m }).collect();
        if self.lane_shuffle(i) {
            // 64-bit lanes are whole slots: one move per result lane from where the lane is
            // (`lane_reg`; `d` is a multi-slot value of its own, never sharing a slot with an
            // operand), a zero for an undefined lane as the table form gives. Cheaper than the
            // out-of-line table walk for the few lanes of clang's splats and lane swaps of
            // `<2 x double>`.
            let mut src = Vec::new();
            for &m in &mask {
                src.push(match m {
                    m if m < 0 => None,
                    m if (m as u32) < n_in => self.lane_reg(i.operand(0), m as u32)?,
                    m => self.lane_reg(i.operand(1), m as u32 - n_in)?,
                });
            }
            if src.contains(&None) {
                let zero = self.const_reg(vec![0]);
                src.iter_mut().for_each(|s| *s = Some(s.unwrap_or(zero)));
            }
            self.push_lane_moves(d, &src);
            return Ok(());
        }
        let a = self.reg(i.operand(0))?;
        let b = self.reg(i.operand(1))?;
        let table = Aux(self.shuffles.len() as u32);
        self.shuffles.push(ShuffleTable {
            lane_bytes: lane.bytes(),
            n_in,
            mask: mask.into_iter().map(|m| if m < 0 { -1 } else { m }).collect(),
        });
        self.push(Op::Shuffle { d, a, b, table });
        Ok(())
    }

    pub(super) fn emit_extractvalue(&mut self, i: Val) -> Result<(), String> {
        let agg = i.operand(0);
        let (first, n, _) = layout::member(self.dl, agg.ty(), &i.agg_indices())?;
        if n == 0 {
            return Ok(());
        }
        let d = self.reg(i)?;
        let s = self.reg(agg)?.at(first);
        self.push(mov(d, s, n));
        Ok(())
    }

    pub(super) fn emit_insertvalue(&mut self, i: Val) -> Result<(), String> {
        let agg = i.operand(0);
        let total = layout::slots(self.dl, agg.ty())?;
        let (first, n, _) = layout::member(self.dl, agg.ty(), &i.agg_indices())?;
        let d = self.reg(i)?;
        let s = self.reg(agg)?;
        let x = self.reg(i.operand(1))?;
        if d != s {
            self.push(mov(d, s, total));
        }
        if n > 0 {
            self.push(mov(d.at(first), x, n));
        }
        Ok(())
    }
}
