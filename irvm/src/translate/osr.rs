//! On-stack-replacement points: with OSR enabled (`Program::osr`), the top of every
//! loop header gets an `Osr` op that counts entries and, past a mark, offers the host to continue
//! the running activation in native code (`exec::call::osr`). The point lists the values live
//! there — parameters and instructions by position, with their slots — which are exactly what the
//! host's OSR variant (orc-bridge `osr`) reads: slots of live values are never shared with a value
//! defined while they live (`coalesce`), so they hold the right values at that moment.

use super::Fx;
use super::coalesce::Live;
use crate::isa::Reg;
use crate::layout;
use crate::llvm::Val;
use llvm_sys::LLVMOpcode as O;
use std::collections::HashMap;

/// A value of the function, by position (parameter k, or instruction k of block b, phis
/// included, in IR order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ValueId {
    Arg(u32),
    Inst { block: u32, index: u32 },
}

/// One live value at an OSR point and where the frame holds it.
#[derive(Debug, Clone)]
pub(crate) struct OsrLive {
    pub(crate) value: ValueId,
    pub(crate) reg: Reg,
    pub(crate) slots: u32,
}

/// An OSR point: loop header `block`; counter `ctr` counts entries, `ctr + 1` holds the count
/// at which the host is asked next.
#[derive(Debug, Clone)]
pub(crate) struct OsrPoint {
    pub(crate) block: u32,
    pub(crate) ctr: u32,
    pub(crate) live: Box<[OsrLive]>,
    /// The OSR point of the outermost loop that contains this one, if any: entering there
    /// keeps the loop nest reducible in the native code (see the host's OSR policy).
    pub(crate) outer: Option<u32>,
}

impl OsrPoint {
    /// Buffer words the live values take, in order.
    pub(crate) fn words(&self) -> u32 {
        self.live.iter().map(|l| l.slots).sum()
    }
}

impl Fx<'_> {
    /// The OSR points of the function (none unless the program enables OSR; `live` is None
    /// when the function was too large for liveness).
    pub(super) fn osr_points(&mut self, blocks: &[Val], values: &[Val], live: Option<&Live>) -> Vec<OsrPoint> {
        let Some(live) = live.filter(|_| self.prog.osr && !self.back_edges.is_empty()) else { return Vec::new() };
        let mut headers: Vec<u32> = self.back_edges.iter().map(|&(_, h)| h).filter(|&h| h != 0).collect();
        headers.sort_unstable();
        headers.dedup();
        let mut position: HashMap<Val, ValueId> = HashMap::new();
        for (k, p) in self.func.params().into_iter().enumerate() {
            position.insert(p, ValueId::Arg(k as u32));
        }
        for (bi, b) in blocks.iter().enumerate() {
            for (k, i) in b.instructions().into_iter().enumerate() {
                position.insert(i, ValueId::Inst { block: bi as u32, index: k as u32 });
            }
        }
        let mut preds: Vec<Vec<u32>> = vec![Vec::new(); blocks.len()];
        for (bi, b) in blocks.iter().enumerate() {
            for s in self.successors(*b) {
                preds[s as usize].push(bi as u32);
            }
        }
        let bodies: Vec<Vec<bool>> = headers.iter().map(|&h| self.loop_body(&preds, h)).collect();
        let mut points = Vec::new();
        for (hi, &h) in headers.iter().enumerate() {
            let mut vals: Vec<Val> =
                values.iter().enumerate().filter(|&(k, _)| live.live_in(k, h as usize)).map(|(_, v)| *v).collect();
            vals.extend(
                blocks[h as usize]
                    .instructions()
                    .into_iter()
                    .take_while(|i| i.opcode() == O::LLVMPHI)
                    .filter(|i| live.index.contains_key(i)),
            );
            let mut out = Vec::new();
            for v in vals {
                if self.fused.contains(&v) {
                    continue;
                }
                let (Some(&value), Some(&reg)) = (position.get(&v), self.slot_of.get(&v)) else { continue };
                let slots = layout::slots(self.dl, v.ty()).unwrap_or(1).max(1);
                out.push(OsrLive { value, reg, slots });
            }
            let ctr = self.counters(2);
            let size = |k: usize| bodies[k].iter().filter(|&&b| b).count();
            let outer = (0..headers.len())
                .filter(|&k| k != hi && bodies[k][h as usize])
                .max_by_key(|&k| size(k))
                .map(|k| k as u32);
            points.push(OsrPoint { block: h, ctr, live: out.into(), outer });
        }
        points
    }

    /// Blocks of the natural loop(s) of header `h`: `h` and every block that reaches one of its
    /// back edges' sources without passing through `h`.
    fn loop_body(&self, preds: &[Vec<u32>], h: u32) -> Vec<bool> {
        let mut body = vec![false; preds.len()];
        body[h as usize] = true;
        let mut work: Vec<u32> = self.back_edges.iter().filter(|&&(_, t)| t == h).map(|&(l, _)| l).collect();
        while let Some(b) = work.pop() {
            if !body[b as usize] {
                body[b as usize] = true;
                work.extend(preds[b as usize].iter().copied());
            }
        }
        body
    }
}
