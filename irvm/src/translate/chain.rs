//! Chained operands: an operand that is the result of the op right before it in the same block
//! is marked [`Reg::RESULT`], and the interpreter reads it from its result register instead of
//! the slot (`exec::result`, which also lists the ops and operands this applies to). The block's
//! first op is never marked: it is a jump target, reached from ops other than the one before
//! it. Every later op of a block is reached only from the op before it (jumps land on block
//! starts and stubs; a call returns to the op after it, which is not listed as leaving a
//! result).

use super::Fx;
use crate::exec::result;
use crate::isa::Reg;

impl Fx<'_> {
    /// Mark the chained operands of the block whose ops start at op `start`.
    pub(super) fn chain_operands(&mut self, start: usize) {
        for k in start + 1..self.code.len() {
            let Some(d) = result::result(&self.code[k - 1]) else { continue };
            result::for_each_chainable(&mut self.code[k], |r| {
                if *r == d {
                    *r = Reg::RESULT;
                }
            });
        }
    }
}
