//! Which callees a compile keeps as calls instead of inlining them (`Jit::set_kept_callees`):
//! guarded specializations (their dispatcher checks the values once per call); functions with
//! code of their own whose every call runs a long loop; and, in a function that has run,
//! callees that were never called and are not tiny. Pasting a long-running callee gains
//! nothing (one call next to its loop), pasting one that never ran gains nothing now, and each
//! costs a compile of its body per call site: app-tinyllama's `model_forward`, which calls
//! every kernel, and at nine sites the thread team's `team_run` (not called with one thread),
//! took 380-600 ms at O2/O3 with all of them pasted in.

use irvm::{FuncId, Machine};
use orc_bridge::OptLevel;

use crate::Tiering;

/// Loop iterations per call (back-edges taken per interpreted call) from which a callee with
/// code of its own keeps its calls: the call's cost is then at most a few percent of the
/// call's work. app-tinyllama's `dot` (2-8 iterations a call) stays pasted into `matmul`'s row
/// loop; `matmul`, `rmsnorm`, `rope`, `swiglu` (64-384) stay calls in `model_forward`.
pub const LONG_CALL_TRIPS: u64 = 32;

/// A callee never called so far is still pasted when its body has at most this many
/// instructions: a copy costs next to nothing, and code that calls it later runs it inline.
pub const TINY_CALLEE_INSTRUCTIONS: usize = 32;

impl Tiering {
    /// Loop iterations per call of `f` as irvm counted them while `f` ran interpreted: frozen
    /// when `f` first leaves the interpreter ([`Tiering::left_interpreter`]; with a compile
    /// thread, when its whole-function job is queued), since native code counts calls (through
    /// the thunk) but no loop iterations.
    pub(crate) fn trips_per_call(&self, m: &Machine, f: FuncId) -> u64 {
        self.trips[f.index()].unwrap_or_else(|| m.back_edges(f, m.counters(f)) / m.calls(f).max(1))
    }

    /// `f` got native code (whole-function or an OSR variant): freeze its iterations per call.
    pub(crate) fn left_interpreter(&mut self, m: &Machine, f: FuncId) {
        if self.trips[f.index()].is_none() {
            self.trips[f.index()] = Some(self.trips_per_call(m, f));
        }
    }

    /// Whether `f` runs optimized code of its own (O2 or above, or an OSR variant, which is
    /// O3), or will once a queued compile is done. Code below O2 does not count: a call kept
    /// to O1 code would run slower than the body pasted into an O2/O3 caller, and O1 code
    /// that only native callers reach tiers up late (native code counts no loop iterations).
    fn has_own_code(&self, f: FuncId) -> bool {
        self.levels[f.index()] >= Some(OptLevel::O2)
            || self.osr.has_variant(f)
            || self.background.as_ref().is_some_and(|b| b.pending.get(&(f, None)).is_some_and(|&l| l >= OptLevel::O2))
            || self.osr_pending(f)
    }

    /// The app functions whose calls a compile of `of` started now keeps as calls (see the
    /// module doc). A compile of a function that never ran (`--tier jit`) keeps only the
    /// specializations: there are no counts to judge by.
    pub(crate) fn kept_callees(&mut self, m: &Machine, of: FuncId) -> Vec<String> {
        let mut kept = self.live_specializations();
        let mut named: std::collections::HashSet<String> = kept.iter().cloned().collect();
        let profiled = m.calls(of) > 0;
        if profiled {
            self.read_sizes();
        }
        for f in m.defined_functions() {
            // With a compile thread, a long-running callee without code of its own yet is kept
            // too: it is hot, so its job comes soon, and the caller's compile (asked for early:
            // the program's main work) does not paste a copy of its loops per call site.
            let own = self.has_own_code(f) || self.compiles_in_background();
            let long = own && self.trips_per_call(m, f) >= LONG_CALL_TRIPS;
            let size = self.known_size(m, f);
            let never_called = m.calls(f) == 0 && f != of && size > TINY_CALLEE_INSTRUCTIONS;
            if profiled && (long || never_called) && named.insert(m.name(f).to_string()) {
                kept.push(m.name(f).to_string());
            }
        }
        kept
    }

    /// Read the instruction counts of the program's functions, once, from the JIT's copy of the
    /// program (a failure leaves every size 0: never-called callees are then pasted, as LLVM
    /// decides).
    fn read_sizes(&mut self) {
        if self.sizes.is_none() {
            let sizes = self.module().map(|id| self.jit.function_sizes(id)).unwrap_or_default();
            self.sizes = Some(sizes.into_iter().collect());
        }
    }

    /// The instruction count of `f`'s body, if read (0 otherwise).
    fn known_size(&self, m: &Machine, f: FuncId) -> usize {
        self.sizes.as_ref().and_then(|s| s.get(m.name(f)).copied()).unwrap_or(0)
    }

    /// The instruction count of `f`'s body (read on first use; 0 if it cannot be read).
    pub(crate) fn body_size(&mut self, m: &Machine, f: FuncId) -> usize {
        self.read_sizes();
        self.known_size(m, f)
    }

    /// The callees `f`'s compile without branch weights pastes (the program's main work,
    /// `Tiering::on_call`): functions called so far whose calls run short loops (fewer than
    /// [`LONG_CALL_TRIPS`] iterations) and that `kept` does not keep. With weights, the
    /// inliner pastes such a callee into a hot loop on its own (app-tinyllama's `dot` and
    /// `axpy` into `model_forward`'s attention loop); without, its static costs left `dot` a
    /// call per row and the final rate 7-12 % lower.
    pub(crate) fn short_callees(&self, m: &Machine, of: FuncId, kept: &[String]) -> Vec<String> {
        m.defined_functions()
            .filter(|&f| f != of && m.calls(f) > 0 && self.trips_per_call(m, f) < LONG_CALL_TRIPS)
            .map(|f| m.name(f).to_string())
            .filter(|n| !kept.contains(n))
            .collect()
    }
}
