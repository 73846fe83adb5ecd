//! irvm's counters as LLVM profile data: a function's entry and branch counts (`!prof`) and the
//! whole program's profile summary.

use irvm::{FuncId, Machine};
use orc_bridge::{BranchWeights, FunctionProfile, ProfileSummary};

/// irvm's counts of `f` as LLVM profile data: entry count and the taken counts of every
/// conditional branch and switch (successor order = LLVM's; block index = position in the IR).
///
/// The counts of a running program are a prefix of its run: an edge the interpreter has not
/// taken *yet* is not an edge that is never taken. Most visibly, an OSR entry is compiled while
/// its loop runs, so that loop's exit has count 0, and exact weights (`0, n`) would tell LLVM
/// that everything after the loop never executes: the rest of the function becomes cold and is
/// optimized for size (profile-guided size optimization: no unrolling, no vectorization, cold
/// layout). So every weight of a reached branch gets +1 (what LLVM's sample-profile loader does
/// with its incomplete profiles): untaken edges stay very unlikely but code behind them keeps a
/// non-zero frequency. A branch never reached has no weights at all (unknown, not cold).
/// `bareflow aot`, whose counts cover whole runs, uses [`complete_profile`] instead.
pub fn function_profile(m: &Machine, f: FuncId) -> Option<FunctionProfile> {
    profile_of(m, f, 1)
}

/// [`function_profile`] for counts of complete runs (snapshots summed by `bareflow aot`): the
/// weights are the counts, a zero is a branch side no run took.
pub fn complete_profile(m: &Machine, f: FuncId) -> Option<FunctionProfile> {
    profile_of(m, f, 0)
}

fn profile_of(m: &Machine, f: FuncId, plus: u64) -> Option<FunctionProfile> {
    let mut w = Vec::new();
    for b in m.branch_counts(f)? {
        // A branch the interpreter never reached has no information (it is not cold: it may
        // simply not have run yet, e.g. the loops after the one an OSR entry interrupts).
        // All-zero weights would make LLVM treat it and what it controls as never executed.
        if b.counts.iter().all(|&c| c == 0) {
            continue;
        }
        w.push(BranchWeights {
            block: b.block,
            weights: b.counts.into_iter().map(|c| c.saturating_add(plus)).collect(),
        });
    }
    Some(FunctionProfile { entry_count: m.calls(f).max(1), branch_weights: w })
}

/// The whole program's profile summary from irvm's counters now (every function's calls as
/// entry counts, every branch counter as a block count), so LLVM can tell hot code from cold.
pub fn profile_summary(m: &Machine) -> ProfileSummary {
    let counts = m.summary_counts();
    ProfileSummary::from_counts(&counts.calls, &counts.edges)
}
