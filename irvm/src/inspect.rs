//! What a host may ask of and tell a machine — the tier manager, the snapshot code and the
//! reports use these and nothing else (docs/irvm.md, "API"): the function table by [`FuncId`],
//! signatures as far as native code is concerned, native entry points, symbols, and the
//! profile counters as typed values ([`BranchCounts`], [`Profile`]).

use crate::error::Error;
use crate::hooks::{LiveValue, OsrHeader};
use crate::isa::FuncId;
use crate::labels::ComputedGoto;
use crate::llvm::{Ty, TyKind, Val};
use crate::profile::Profile;
use crate::translate::BranchKind;
use crate::vm::{Machine, take_seed};

/// A function's signature as native code sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Signature {
    pub vararg: bool,
    /// A vector parameter or result: irvm's native-call trampoline cannot pass it.
    pub vector: bool,
    /// At most six scalar arguments of at most 64 bits (integers, pointers, float, double), none
    /// passed in memory (`byval`, `sret`…), and a scalar result or none: the signatures irvm's
    /// thunks take straight from registers.
    pub plain: bool,
}

/// The edge counts of one conditional branch or switch, as LLVM `!prof` branch weights want
/// them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BranchCounts {
    /// The block the terminator ends (LLVM's block order).
    pub block: u32,
    /// Taken counts in LLVM's successor order: cond `[true, false]`; switch `[default, case 0…]`.
    pub counts: Vec<u64>,
}

/// The nonzero counts of a run ([`Machine::summary_counts`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SummaryCounts {
    /// Calls of every function, and of native code reached through function pointers.
    pub calls: Vec<u64>,
    /// Edge counts of every lowered function ([`Machine::edge_counts`]).
    pub edges: Vec<u64>,
}

impl FuncId {
    /// Position in the function table (`0..Machine::function_count()`), for hosts' own tables.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

impl Machine {
    // ---- The function table ----

    /// Functions in the table (defined and declared; `llvm.*` intrinsics are not functions).
    pub fn function_count(&self) -> usize {
        self.prog.funcs.len()
    }

    /// Every function, in table order.
    pub fn functions(&self) -> impl Iterator<Item = FuncId> + use<> {
        (0..self.prog.funcs.len() as u32).map(FuncId)
    }

    /// The functions the program defines (not just declares), in table order.
    pub fn defined_functions(&self) -> impl Iterator<Item = FuncId> + '_ {
        self.functions().filter(|&f| self.is_defined(f))
    }

    /// The function (defined or declared) named `name`.
    pub fn function_named(&self, name: &str) -> Option<FuncId> {
        self.prog.funcs.iter().position(|f| f.name == name).map(|i| FuncId(i as u32))
    }

    /// Name of `f`.
    pub fn name(&self, f: FuncId) -> &str {
        &self.prog.funcs[f.index()].name
    }

    /// Whether the program defines `f` (else it is external: called natively).
    pub fn is_defined(&self, f: FuncId) -> bool {
        !self.prog.funcs[f.index()].external
    }

    /// `f`'s signature as native code sees it (from its type and parameter attributes, read on
    /// the first ask: the tier hooks ask at every poll, and each attribute is looked up by name).
    pub fn signature(&self, f: FuncId) -> Signature {
        let func = &self.prog.funcs[f.index()];
        *func.signature.get_or_init(|| read_signature(func.val))
    }

    /// How `f` uses computed goto (`blockaddress`, `indirectbr`): whether its block addresses,
    /// which irvm keeps as its own tokens, stay with it so that compiled code may run it
    /// ([`ComputedGoto`]). Reads `f`'s body on the first ask.
    pub fn computed_goto(&self, f: FuncId) -> ComputedGoto {
        let func = &self.prog.funcs[f.index()];
        if func.external {
            return ComputedGoto::None;
        }
        *func.computed_goto.get_or_init(|| crate::labels::classify(func.val))
    }

    // ---- Native code ----

    /// Native code of `f` now: the resolved symbol of an external, the host's code of a defined
    /// function ([`Machine::set_native`]); 0 if none.
    pub fn native_code(&self, f: FuncId) -> usize {
        self.prog.funcs[f.index()].native
    }

    /// Run native code at `addr` (same signature) for every later call of defined function `f`
    /// from interpreted code and through its thunk; 0 goes back to interpreting it.
    pub fn set_native(&mut self, f: FuncId, addr: usize) {
        if let Some(e) = self.prog.funcs.get_mut(f.index())
            && !e.external
        {
            e.native = addr;
            if let Some(c) = e.code.as_deref() {
                self.hot[f.index()] = crate::vm::Hot::of(c, addr != 0);
                self.refresh_check(f.index());
            }
            self.publish_counted(f.index(), addr);
        }
    }

    /// The address of `f` as the program sees it — the same in every tier: an external's symbol,
    /// a defined function's native-callable thunk (bound now if it was not yet).
    pub fn function_address(&mut self, f: FuncId) -> Result<usize, Error> {
        self.prog.function_address(f).map_err(Error::Setup)
    }

    /// Whether native code can call defined function `f` through its thunk (irvm classifies its
    /// signature; lowers `f` if needed). False for signatures irvm cannot take from registers.
    pub fn enterable_from_native(&mut self, f: FuncId) -> bool {
        let m: *mut Machine = self;
        // SAFETY: `self` is the live machine, used only through `m` here.
        match unsafe { crate::exec::call::code_of(m, f.0) } {
            // SAFETY: `code_of` returns code owned by the function table, alive as long as it.
            Ok(c) => unsafe { (*c).own_sig.is_some() },
            Err(_) => {
                self.error = None;
                false
            }
        }
    }

    // ---- Symbols and globals ----

    /// Names the program uses but does not define (functions and variables; `llvm.*` intrinsics
    /// excluded), in module order.
    pub fn external_names(&self) -> Vec<String> {
        self.prog.external_names()
    }

    /// Resolve `name` with the host's resolver.
    pub fn resolve_symbol(&self, name: &str) -> Option<usize> {
        self.prog.resolve_symbol(name)
    }

    /// Every global variable of the module, in module order: its name (empty if unnamed) and
    /// its address in irvm's memory (0 if it has none).
    pub fn global_addresses(&self) -> Vec<(String, u64)> {
        self.prog
            .ir
            .globals()
            .into_iter()
            .map(|g| (g.name(), self.prog.globals.get(&g).copied().unwrap_or(0)))
            .collect()
    }

    // ---- Counters ----

    /// Calls of `f` counted so far.
    pub fn calls(&self, f: FuncId) -> u64 {
        self.call_count(f.index())
    }

    /// Set `f`'s call count (a host seeding it from a saved profile).
    pub fn set_calls(&mut self, f: FuncId, calls: u64) {
        self.reset_call_count(f.index(), calls);
    }

    /// Inclusive cycles of `f`'s outermost activations so far.
    pub fn inclusive_cycles(&self, f: FuncId) -> u64 {
        self.stats[f.index()].incl
    }

    /// Exclusive cycles of `f`'s finished activations so far (untimed calls charged the
    /// measured averages): summed over every function, the interpreter's time so far.
    pub fn exclusive_cycles(&self, f: FuncId) -> u64 {
        self.stats[f.index()].excl.max(0) as u64
    }

    /// The clock of the cycle counts above: time-stamp counter cycles since the program started,
    /// without the time of hooks that did work of their own on its thread (the host's compiles),
    /// which the activations they interrupted are not charged either. Inside a hook, the time
    /// it started.
    pub fn cycles_so_far(&self) -> u64 {
        let now = if self.in_hook { self.hook_entry } else { crate::vm::rdtsc() };
        now.wrapping_sub(self.start_tsc).wrapping_sub(self.hook_cycles)
    }

    /// Average inclusive cycles per call of `f` (from its timed calls; 0 if never timed).
    pub fn average_cycles(&self, f: FuncId) -> u64 {
        let st = &self.stats[f.index()];
        // `incl` comes from calls through irvm, so it is divided by those alone.
        st.timed_dt.checked_div(st.timed).or_else(|| st.incl.checked_div(st.calls)).unwrap_or(0)
    }

    /// `f`'s edge counters: one per counted edge of its lowered code, in an order only irvm
    /// reads (empty until `f` is lowered). A host keeps them as they are (a saved profile) and
    /// gives them back with [`Machine::seed_counters`].
    pub fn counters(&self, f: FuncId) -> &[u64] {
        &self.stats[f.index()].counters
    }

    /// Start function `f`'s profile counters from `values` (e.g. a previous run's profile): now if
    /// `f` is lowered, else when it gets lowered — so seeding does not force a translation of
    /// functions that may never run interpreted. Values whose length differs from the lowered
    /// code's counters are dropped; [`Machine::counters_seeded`] tells whether they were taken.
    pub fn seed_counters(&mut self, f: FuncId, values: Box<[u64]>) {
        let st = &mut self.stats[f.index()];
        match self.prog.funcs[f.index()].code.as_deref() {
            Some(code) => take_seed(st, values, code),
            None => st.pending_seed = Some(values),
        }
    }

    /// Whether `f`'s counters started from a seed ([`Machine::seed_counters`]).
    pub fn counters_seeded(&self, f: FuncId) -> bool {
        self.stats[f.index()].seeded
    }

    /// Loop back-edges taken according to `counters` (laid out as [`Machine::counters`] of
    /// `f`); 0 while `f` is not lowered.
    pub fn back_edges(&self, f: FuncId, counters: &[u64]) -> u64 {
        let Some(code) = self.prog.funcs[f.index()].code.as_deref() else { return 0 };
        let mut back = 0u64;
        for b in code.branches.iter().filter(|b| !b.derived) {
            for (k, is_back) in b.back.iter().enumerate() {
                if *is_back {
                    back += counters.get(b.first as usize + k).copied().unwrap_or(0);
                }
            }
        }
        back
    }

    /// The counts of every conditional branch and switch of `f` (None while `f` is not lowered).
    pub fn branch_counts(&self, f: FuncId) -> Option<Vec<BranchCounts>> {
        let code = self.prog.funcs[f.index()].code.as_deref()?;
        let ctrs = &self.stats[f.index()].counters;
        let counted = code.branches.iter().filter(|b| !b.derived && !matches!(b.kind, BranchKind::Jump));
        Some(
            counted
                .map(|b| {
                    let count = |k: usize| ctrs.get(b.first as usize + k).copied().unwrap_or(0);
                    let counts = match &b.indirect {
                        None => (0..b.succs.len()).map(count).collect(),
                        // Per LLVM destination: its edge's count, at its first occurrence.
                        Some(order) => order
                            .iter()
                            .enumerate()
                            .map(|(j, dest)| match b.succs[1..].iter().position(|s| s == dest) {
                                Some(k) if !order[..j].contains(dest) => count(k + 1),
                                _ => 0,
                            })
                            .collect(),
                    };
                    BranchCounts { block: b.block, counts }
                })
                .collect(),
        )
    }

    /// Every edge count of `f`'s lowered code (OSR points' entry counts and marks left out;
    /// empty while `f` is not lowered): block frequencies for a profile summary.
    pub fn edge_counts(&self, f: FuncId) -> Vec<u64> {
        match self.prog.funcs[f.index()].code.as_deref() {
            Some(code) => code.profile_counters(&self.stats[f.index()].counters).collect(),
            None => Vec::new(),
        }
    }

    /// Every nonzero count of the run so far, for a whole-program profile summary.
    pub fn summary_counts(&self) -> SummaryCounts {
        let calls = (0..self.stats.len()).map(|f| self.call_count(f)).filter(|c| *c > 0).collect();
        let edges = self.functions().flat_map(|f| self.edge_counts(f)).filter(|c| *c > 0).collect();
        SummaryCounts { calls, edges }
    }

    /// Functions lowered so far and the wall-clock time it took.
    pub fn lowering_cost(&self) -> crate::profile::LoweringCost {
        self.lowering
    }

    /// The profile of the run so far (`exit_status`: how it ended, if it did).
    pub fn profile(&self, exit_status: Option<i32>) -> Profile {
        Profile::collect(self, exit_status)
    }

    // ---- Tier marks and OSR points ----

    /// The call count at which [`Hooks::on_call`](crate::Hooks::on_call) runs for `f` next
    /// (`u64::MAX`: never; also without tiering).
    pub fn tier_mark(&self, f: FuncId) -> u64 {
        self.tier_at.get(f.index()).copied().unwrap_or(u64::MAX)
    }

    /// Run the tier hook for `f` once its call count reaches `calls` (`u64::MAX`: never).
    /// Ignored without tiering ([`Machine::enable_tiering`]).
    pub fn set_tier_mark(&mut self, f: FuncId, calls: u64) {
        if let Some(at) = self.tier_at.get_mut(f.index()) {
            *at = calls;
            self.refresh_check(f.index());
        }
    }

    /// OSR point `point` of function `f`, if `f` is lowered and has it.
    pub fn osr_header(&self, f: FuncId, point: u32) -> Option<OsrHeader> {
        let p = self.osr_point(f, point)?;
        Some(OsrHeader {
            block: p.block,
            live: p.live.iter().map(|l| LiveValue { value: l.value, slots: l.slots }).collect(),
            outer: p.outer,
        })
    }

    fn osr_point(&self, f: FuncId, point: u32) -> Option<&crate::translate::OsrPoint> {
        self.prog.funcs.get(f.index())?.code.as_deref()?.osr.get(point as usize)
    }

    /// Entries counted so far at OSR point `point` of function `f` (all activations).
    pub fn osr_count(&self, f: FuncId, point: u32) -> u64 {
        let Some(p) = self.osr_point(f, point) else { return 0 };
        self.stats[f.index()].counters.get(p.ctr as usize).copied().unwrap_or(0)
    }

    /// Ask the host again at OSR point `point` of `f` once its entry count reaches `mark`.
    pub fn set_osr_mark(&mut self, f: FuncId, point: u32, mark: u64) {
        let Some(ctr) = self.osr_point(f, point).map(|p| p.ctr as usize + 1) else { return };
        if let Some(c) = self.stats[f.index()].counters.get_mut(ctr) {
            *c = mark;
        }
    }
}

/// The signature of function `fv` as native code sees it.
fn read_signature(fv: Val) -> Signature {
    let ty = fv.fn_type();
    let ret = ty.ret();
    let params = fv.params();
    let scalar = |t: Ty| match t.kind() {
        TyKind::Int(w) => w <= 64,
        TyKind::Ptr | TyKind::Float | TyKind::Double => true,
        _ => false,
    };
    let in_memory =
        |k: u32| ["byval", "sret", "inalloca", "preallocated"].iter().any(|a| fv.fn_param_attr(k, a).is_some());
    let is_vector = |t: Ty| matches!(t.kind(), TyKind::Vector);
    Signature {
        vararg: ty.is_vararg(),
        vector: is_vector(ret) || params.iter().any(|p| is_vector(p.ty())),
        plain: params.len() <= 6
            && params.iter().enumerate().all(|(k, p)| scalar(p.ty()) && !in_memory(k as u32))
            && (matches!(ret.kind(), TyKind::Void) || scalar(ret)),
    }
}
