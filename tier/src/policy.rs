//! Tier policy: a function's heat is its calls plus its loop back-edges counted by irvm; warm,
//! hot and very hot thresholds pick O1, O2 and O3. Defaults below (docs/tiering.md).

use irvm::{ComputedGoto, FuncId, Machine};
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

/// With background compiles a loop asks for its OSR entry at this share of the hot threshold.
pub const BACKGROUND_OSR_SHARE: u64 = 4;

/// Loop-header entries after which a loop asks for its OSR entry: the hot threshold when
/// compiles are synchronous (the program stops for the compile, so only a loop that has shown
/// it runs long pays it back); with background compiles a quarter of it — the program keeps
/// running while the entry compiles, and an activation that runs the program's work (a
/// model's forward pass, whose own loops iterate only a few times per call) leaves irvm sooner.
pub fn osr_threshold(t: &Thresholds, background: bool) -> u64 {
    if background { (t.hot / BACKGROUND_OSR_SHARE).max(1) } else { t.hot }
}

/// Whether a loop that asked for its OSR entry after `entries` header entries over `calls`
/// calls of its function is better served by whole-function code (with background compiles):
/// the function has been called more than once and its calls entered the loop header fewer
/// than half the OSR threshold times each on average, so this activation has little left to
/// run and the next calls gain from native code. An OSR variant would serve this activation
/// only (later calls enter it through the interpreter, at the loop header) and hold up the
/// compile thread: app-tinyllama's kernels (`dot`, `matmul`, ...), called thousands of times,
/// and `model_forward`, called once per token, each got one and ran on through irvm.
pub fn whole_function_serves(calls: u64, entries: u64, osr_threshold: u64) -> bool {
    calls >= 2 && entries.saturating_mul(2) < calls.saturating_mul(osr_threshold)
}

/// Forced minimum: first call → O1, second → O2, third → O3 (every tier is exercised).
pub const MINIMUM: Thresholds = Thresholds { warm: 1, hot: 2, very_hot: 3 };

/// Codegen libcalls LLVM may emit that are not in the bitcode's declarations (`_Unwind_Resume`:
/// a landing pad's `resume`). clang turns `floor`, `ceil`, `trunc`, `rint`, `nearbyint`, `round`,
/// `fma`... into intrinsics, which x86-64 lowers to one instruction only with SSE4.1 (`roundsd`) or
/// FMA; for a CPU without them (QEMU's default CPU: 12 compiles of Lua's `luaV_equalobj`, `luaH_newkey`...
/// failed with `Symbols not found: [ floor ]` on bare metal) they become calls to these functions.
pub const LIBCALLS: &[&str] = &[
    "memcpy",
    "memmove",
    "memset",
    "fmod",
    "fmodf",
    "sqrt",
    "sqrtf",
    "exp2",
    "exp2f",
    "ldexp",
    "ldexpf",
    "floor",
    "floorf",
    "ceil",
    "ceilf",
    "trunc",
    "truncf",
    "rint",
    "rintf",
    "nearbyint",
    "nearbyintf",
    "round",
    "roundf",
    "roundeven",
    "roundevenf",
    "lround",
    "lroundf",
    "llround",
    "llroundf",
    "lrint",
    "lrintf",
    "llrint",
    "llrintf",
    "fma",
    "fmaf",
    "_Unwind_Resume",
];

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
    pub fn check(&self) -> Result<(), crate::TierError> {
        if self.warm == 0 || self.warm > self.hot || self.hot > self.very_hot {
            return Err(crate::TierError::Thresholds { warm: self.warm, hot: self.hot, very_hot: self.very_hot });
        }
        Ok(())
    }
}

/// Whether `f` may get native code: irvm's trampoline cannot pass vector arguments or results,
/// and a function whose block addresses (computed goto) leave it stays interpreted, because irvm
/// keeps them as its own tokens, which native code cannot jump to ([`ComputedGoto`]). Reads `f`'s
/// body.
pub fn tierable(m: &Machine, f: FuncId) -> bool {
    !m.signature(f).vector && m.computed_goto(f) != ComputedGoto::Shared
}

/// Whether an interpreted activation of `f` may move to native code at a loop header (OSR):
/// [`tierable`], and no computed goto at all, since a live value of the activation may hold one
/// of irvm's block tokens.
pub fn osr_enterable(m: &Machine, f: FuncId) -> bool {
    tierable(m, f) && m.computed_goto(f) == ComputedGoto::None
}

/// Heat of `f`: calls so far, this one included, plus loop back-edges taken in interpreted code.
pub fn heat(m: &Machine, f: FuncId) -> u64 {
    heat_of(m, f, m.calls(f), m.counters(f))
}

/// [`heat`] for given call and counter values of `f` (laid out as irvm's counters of `f`).
pub fn heat_of(m: &Machine, f: FuncId, calls: u64, counters: &[u64]) -> u64 {
    calls + 1 + m.back_edges(f, counters)
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

    #[test]
    fn short_activations_get_whole_function_code() {
        // A kernel called 140 times, 9 header entries a call: whole function.
        assert!(whole_function_serves(140, 1250, 1250));
        // A loop that runs once (main's, a function called once): OSR.
        assert!(!whole_function_serves(1, 1250, 1250));
        // Two calls of a long loop (625 entries a call on average, half the threshold): OSR.
        assert!(!whole_function_serves(2, 1250, 1250));
        assert!(whole_function_serves(3, 1250, 1250));
    }
}
