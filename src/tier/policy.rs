//! Tier policy: a function's heat is its calls plus its loop back-edges counted by irvm; warm,
//! hot and very hot thresholds pick O1, O2 and O3. Defaults below (docs/tiering.md).

use irvm::Machine;
use orc_bridge::OptLevel;

/// Heat thresholds (calls + back-edges).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Thresholds {
    pub warm: u64,
    pub hot: u64,
    pub very_hot: u64,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds { warm: 200, hot: 5_000, very_hot: 100_000 }
    }
}

/// Forced minimum: first call → O1, second → O2, third → O3 (every tier is exercised).
pub const MINIMUM: Thresholds = Thresholds { warm: 1, hot: 2, very_hot: 3 };

/// Codegen libcalls LLVM may emit that are not in the bitcode's declarations.
pub const LIBCALLS: &[&str] =
    &["memcpy", "memmove", "memset", "fmod", "fmodf", "sqrt", "sqrtf", "exp2", "exp2f", "ldexp", "ldexpf"];

impl Thresholds {
    /// The tier a function of this heat deserves (None: stay interpreted).
    pub fn level_for(&self, heat: u64) -> Option<OptLevel> {
        if heat >= self.very_hot {
            Some(OptLevel::O3)
        } else if heat >= self.hot {
            Some(OptLevel::O2)
        } else if heat >= self.warm {
            Some(OptLevel::O1)
        } else {
            None
        }
    }

    /// Threshold of a tier.
    pub fn of(&self, l: OptLevel) -> u64 {
        match l {
            OptLevel::O0 | OptLevel::O1 => self.warm,
            OptLevel::O2 => self.hot,
            OptLevel::O3 => self.very_hot,
        }
    }

    /// Heat needed for the next tier after `cur` (None: at the top).
    pub fn next_after(&self, cur: Option<OptLevel>) -> Option<u64> {
        match cur {
            None => Some(self.warm),
            Some(OptLevel::O0 | OptLevel::O1) => Some(self.hot),
            Some(OptLevel::O2) => Some(self.very_hot),
            Some(OptLevel::O3) => None,
        }
    }

    /// Validate: 1 <= warm <= hot <= very_hot.
    pub fn check(&self) -> Result<(), String> {
        if self.warm == 0 || self.warm > self.hot || self.hot > self.very_hot {
            return Err(format!(
                "thresholds {}/{}/{}: need 1 <= warm <= hot <= very_hot",
                self.warm, self.hot, self.very_hot
            ));
        }
        Ok(())
    }
}

/// Whether `f` may get native code: irvm's trampoline cannot pass vector arguments or results,
/// and computed goto (`indirectbr`, `blockaddress`) stays interpreted because irvm keeps block
/// addresses as its own tokens (`irvm::consts::BLOCK_ADDRESS_TAG`), which native code cannot jump to.
pub fn tierable(m: &Machine, f: u32) -> bool {
    use irvm::llvm::TyKind;
    let fv = m.prog.funcs[f as usize].val;
    let vec = |k: TyKind| matches!(k, TyKind::Vector);
    !vec(fv.fn_type().ret().kind()) && !fv.params().iter().any(|p| vec(p.ty().kind())) && !uses_block_addresses(fv)
}

/// Whether `f` takes at most six scalar arguments of at most 64 bits (integers, pointers, float,
/// double) and returns one or nothing: the signatures whose calls from JIT code may go through the
/// counting thunk (`Tiering::count_native_calls`).
pub fn plain_signature(m: &Machine, f: u32) -> bool {
    use irvm::llvm::{Ty, TyKind};
    let fv = m.prog.funcs[f as usize].val;
    let plain = |t: Ty| match t.kind() {
        TyKind::Int(w) => w <= 64,
        TyKind::Ptr | TyKind::Float | TyKind::Double => true,
        _ => false,
    };
    let ret = fv.fn_type().ret();
    let params = fv.params();
    let in_memory =
        |k: u32| ["byval", "sret", "inalloca", "preallocated"].iter().any(|a| fv.fn_param_attr(k, a).is_some());
    params.len() <= 6
        && params.iter().enumerate().all(|(k, p)| plain(p.ty()) && !in_memory(k as u32))
        && (matches!(ret.kind(), TyKind::Void) || plain(ret))
}

/// Whether function `fv` has an `indirectbr` or an instruction operand that is a `blockaddress`.
fn uses_block_addresses(fv: irvm::llvm::Val) -> bool {
    use irvm::llvm::LLVMOpcode as O;
    fv.blocks().iter().flat_map(|b| b.instructions()).any(|i| {
        i.opcode() == O::LLVMIndirectBr || (0..i.num_operands()).any(|k| i.operand(k).block_address().is_some())
    })
}

/// Heat of `f`: calls so far, this one included, plus loop back-edges taken in interpreted code.
pub fn heat(m: &Machine, f: u32) -> u64 {
    heat_of(m, f, m.stats[f as usize].calls, &m.stats[f as usize].counters)
}

/// [`heat`] for given call and counter values of `f` (its lowered code's layout).
pub fn heat_of(m: &Machine, f: u32, calls: u64, ctrs: &[u64]) -> u64 {
    let calls = calls + 1;
    let Some(code) = m.prog.funcs[f as usize].code.as_deref() else { return calls };
    let mut back = 0u64;
    for b in code.branches.iter().filter(|b| !b.derived) {
        for (k, is_back) in b.back.iter().enumerate() {
            if *is_back {
                back += ctrs.get(b.first as usize + k).copied().unwrap_or(0);
            }
        }
    }
    calls + back
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_follow_thresholds() {
        let t = Thresholds { warm: 10, hot: 100, very_hot: 1000 };
        assert_eq!(t.level_for(9), None);
        assert_eq!(t.level_for(10), Some(OptLevel::O1));
        assert_eq!(t.level_for(999), Some(OptLevel::O2));
        assert_eq!(t.level_for(1000), Some(OptLevel::O3));
        assert_eq!(t.next_after(Some(OptLevel::O2)), Some(1000));
        assert!(Thresholds { warm: 5, hot: 2, very_hot: 9 }.check().is_err());
        assert!(MINIMUM.check().is_ok());
    }
}
