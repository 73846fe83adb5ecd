//! The program's main work: the function whose calls take most of the run's time (app-tinyllama's
//! `model_forward`, the loop nest that calls its kernels) — the test that finds it
//! (`Tiering::on_call`, `cache::promotion_for`) and what the compile threads keep of it
//! (`Tiering::queue`).

use irvm::{FuncId, Machine};
use orc_bridge::OptLevel;
use std::collections::{HashMap, HashSet};

/// The share of the time (inclusive) from which a function called again is the program's main
/// work: with a compile thread it is compiled at once (`Tiering::on_call`; the share of the time
/// since its first call), and at the end of a run, if its calls run loops, it gets O3 for the
/// next run (`cache::promotion_for`; the share of the interpreter's time).
pub(crate) const MAIN_WORK_SHARE: f64 = 0.25;

/// Whether `f`, whose calls took `share` of the time, is the program's main work
/// ([`MAIN_WORK_SHARE`]; called again).
pub(crate) fn is_main_work(m: &Machine, f: FuncId, share: f64) -> bool {
    m.calls(f) >= 2 && share >= MAIN_WORK_SHARE
}

/// Whether most of the time of `f`'s interpreted calls went to its callees (its exclusive cycles
/// are at most half its inclusive ones): the loop nest that calls the program's kernels
/// (app-tinyllama's `model_forward`), not a function whose time is its own loops (those ask for
/// their compile by their loop counts). Not a sure sign: a kernel whose inner work is a call
/// (`matmul`, calling `dot`) passes it too, and its share at its second call can reach
/// [`MAIN_WORK_SHARE`] while its caller's first call, not counted until it returns, still runs;
/// the main work's job therefore takes nothing from one or two calls' profile
/// (`Tiering::queue`). Asked at the early request only.
pub(crate) fn time_in_callees(m: &Machine, f: FuncId) -> bool {
    m.exclusive_cycles(f) * 2 <= m.inclusive_cycles(f)
}

/// The program's main work as the compile threads have it (`background::Compilers`).
#[derive(Default)]
pub(crate) struct MainWork {
    /// The function last queued as the program's main work (`Tiering::queue`): there is one,
    /// the outermost (`Tiering::outermost_main_work`).
    pub(crate) current: Option<FuncId>,
    /// Functions whose whole-function job went out as the program's main work without a
    /// specialization (asked for before irvm had recorded enough of their calls' values):
    /// `Tiering::specialize_waiting` may follow it with a specialized recompile.
    pub(crate) unspecialized: HashSet<FuncId>,
    /// Functions whose main-work job is their quick O1 code, with the level to compile them at
    /// once it is installed (`Tiering::queue`, `Tiering::follow_quick_code`).
    pub(crate) quick: HashMap<FuncId, OptLevel>,
}
