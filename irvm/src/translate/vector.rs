//! Vector and aggregate element access: extract/insertelement, shufflevector,
//! extract/insertvalue (aggregates are runs of slots, so these are slot moves).

use super::arith::lanes;
use super::control::mov;
use super::{Fx, ShuffleTable};
use crate::isa::{Aux, Op};
use crate::layout::{self, Scalar};
use crate::llvm::{Val, ValKind};

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

    pub(super) fn emit_insertelement(&mut self, i: Val) -> Result<(), String> {
        let (lane, n) = self.vec_of(i)?;
        let d = self.reg(i)?;
        let v = self.reg(i.operand(0))?;
        let x = self.reg(i.operand(1))?;
        let bytes = lane.bytes() as u8;
        let slots = Scalar::Vec(lane, n).slots();
        match self.const_int(i.operand(2)) {
            // 64-bit lanes are whole slots: the vector's move (none from poison or undef), then the
            // lane's. `d` never shares a slot with `v` or `x` (only one-slot values are coalesced).
            Some(k) if k < u64::from(n) && bytes == 8 && n >= 2 => {
                if d != v && !matches!(i.operand(0).kind(), ValKind::Poison | ValKind::Undef) {
                    self.push(mov(d, v, slots));
                }
                self.push(Op::Mov { d: d.at(k as u32), s: x });
            }
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
        let a = self.reg(i.operand(0))?;
        let b = self.reg(i.operand(1))?;
        let mask: Vec<i32> =
            i.shuffle_mask().into_iter().map(|m| if m < 0 || m as u32 >= 2 * n_in { -1 } else { m }).collect();
        if lane.bytes() == 8 && n_in >= 2 && mask.len() <= 8 {
            // 64-bit lanes are whole slots: one move per result lane (`d` is a multi-slot value of
            // its own, never sharing a slot with `a` or `b`), a zero for an undefined lane as the
            // table form gives. Cheaper than the out-of-line table walk for the few lanes of
            // clang's splats and lane swaps of `<2 x double>`.
            let zero = self.const_reg(vec![0]);
            for (j, &m) in mask.iter().enumerate() {
                let s = match m {
                    m if m < 0 => zero,
                    m if (m as u32) < n_in => a.at(m as u32),
                    m => b.at(m as u32 - n_in),
                };
                self.push(Op::Mov { d: d.at(j as u32), s });
            }
            return Ok(());
        }
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
