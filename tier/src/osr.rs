//! On-stack replacement: a loop that keeps running in an activation the interpreter
//! started — typically `main`'s loop, never called again — moves to native code at its header.
//!
//! irvm counts entries of every loop header (`Osr` op, docs/irvm.md); at the hot threshold it
//! asks [`Tiering::on_osr`], which compiles the function's OSR variant for that header
//! (orc-bridge `Jit::compile_osr`: a new entry block loads the header's live values from the
//! buffer irvm fills) at the tier the function's heat deserves — at least O2, since the loop has
//! already run `hot` times — with irvm's counts as profile. irvm then calls it and returns from
//! the frame with its result. Variants are cached per (function, header): later activations
//! that reach the same header enter the same code. A header whose variant cannot be built
//! (a live value of a type OSR does not transfer, computed goto…) is never asked again.

use std::collections::{HashMap, HashSet};

use irvm::{FuncId, Machine, OsrDecision, ValueId};
use orc_bridge::{OptLevel, OsrEntry, OsrSpec, OsrValue};

use super::{Event, TierError, Tiering, event::tier_name, function_profile, policy, profile_summary};

/// Compiled OSR variants: (function, OSR point) → (tier, address).
#[derive(Default)]
pub struct OsrCache {
    entries: HashMap<(FuncId, u32), (OptLevel, usize)>,
    /// Points whose variant could not be built.
    failed: HashSet<(FuncId, u32)>,
    /// Inner points that already deferred to their outermost loop once.
    waited: HashSet<(FuncId, u32)>,
}

impl OsrCache {
    pub(crate) fn insert(&mut self, f: FuncId, point: u32, level: OptLevel, address: usize) {
        self.entries.insert((f, point), (level, address));
    }

    /// Whether `f` has an OSR variant.
    pub(crate) fn has_variant(&self, f: FuncId) -> bool {
        self.entries.keys().any(|&(g, _)| g == f)
    }

    pub(crate) fn fail(&mut self, f: FuncId, point: u32) {
        self.failed.insert((f, point));
    }
}

/// A point whose OSR variant is compiling in the background asks again after this many more
/// entries.
const POLL_ENTRIES: u64 = 1;

/// An inner loop that reached the mark waits this many times the hot threshold more entries for
/// its outermost loop's header to come round before it enters native code itself.
const WAIT_FOR_OUTER: u64 = 8;

impl Tiering {
    /// Whether `f`'s calls are short on average at OSR point `point` (see
    /// [`policy::whole_function_serves`]) and its whole-function compile did not fail.
    fn short_activations(&self, m: &Machine, f: FuncId, point: u32) -> bool {
        let threshold = policy::osr_threshold(&self.thresholds, true);
        policy::whole_function_serves(m.calls(f), m.osr_count(f, point), threshold)
            && policy::tierable(m, f)
            && !self.failed.iter().any(|(name, _)| name == m.name(f))
    }

    /// An OSR point of a function whose calls are short asked (with background compiles):
    /// queue the whole function at the tier an OSR variant gets (its loops run hot) unless it
    /// has whole-function code or a job for it; this activation finishes interpreted and the
    /// next calls run native. An activation still looping `hot` entries on asks again (its
    /// average then grows until it gets its variant).
    fn whole_function_instead(&mut self, m: &mut Machine, f: FuncId, point: u32, level: OptLevel) -> OsrDecision {
        let (calls, entries) = (m.calls(f), m.osr_count(f, point));
        if self.levels[f.index()].is_none() && !self.function_pending(f) {
            // Its next few calls first, interpreted, if they can still give the job a
            // specialization (the tier hook then queues it, with the values).
            if let Some(mark) = self.defer_for_values(m, f, level, false) {
                m.set_tier_mark(f, mark);
                return OsrDecision::Later(entries + self.thresholds.hot.max(1));
            }
            let block = m.osr_header(f, point).map_or(0, |p| p.block);
            let reason = format!("loop header block {block} entered {entries} times in {calls} calls");
            self.queue(m, f, level, reason, false);
            // Its calls poll for the result from now on (and irvm keeps recording their
            // argument values, so that the job can still get a specialization while it waits).
            m.set_tier_mark(f, calls + crate::POLL_CALLS);
        }
        self.wait_if_starved(m, |&k| k == (f, None));
        OsrDecision::Later(entries + self.thresholds.hot.max(1))
    }

    /// The OSR hook body (see the module doc).
    pub fn on_osr(&mut self, m: &mut Machine, f: FuncId, point: u32) -> OsrDecision {
        self.install_finished(m);
        self.help_compile(m);
        if self.exiting || !m.is_defined(f) || !policy::osr_enterable(m, f) || self.osr.failed.contains(&(f, point)) {
            return OsrDecision::Never;
        }
        let level = OptLevel::O3;
        if let Some(&(l, addr)) = self.osr.entries.get(&(f, point))
            && l >= level
        {
            return OsrDecision::Enter(addr);
        }
        if self.osr_pending(f) {
            if !self.wait_if_starved(m, |&(g, p)| g == f && p.is_some()) {
                return OsrDecision::Later(m.osr_count(f, point) + POLL_ENTRIES);
            }
            if self.osr.failed.contains(&(f, point)) {
                return OsrDecision::Never;
            }
        }
        if let Some(&(l, addr)) = self.osr.entries.get(&(f, point))
            && l >= level
        {
            return OsrDecision::Enter(addr);
        }
        if self.compiles_in_background() {
            if self.short_activations(m, f, point) {
                return self.whole_function_instead(m, f, point, level);
            }
            // A long activation (a loop that runs once) waits until its function's loops have
            // run `hot` times, as with synchronous compiles: the compile thread's time goes to
            // the functions the program keeps calling first (app-tinyllama's `model_load`,
            // whose loops run 4096 times in all, got a 20 ms OSR compile that held up the
            // kernels' jobs). The function's heat, not this point's count: an outer loop asked
            // to go first by its inner one has few entries of its own.
            let heat = policy::heat(m, f);
            if heat < self.thresholds.hot {
                return OsrDecision::Later(m.osr_count(f, point) + (self.thresholds.hot - heat));
            }
        }
        let Some(p) = m.osr_header(f, point) else { return OsrDecision::Never };
        // Entering an inner loop would leave its enclosing loops with two entries (irreducible:
        // LLVM's loop passes skip them). Enter at the outermost header instead, the next time
        // it comes round; the inner point only goes ahead if that takes too long or failed. With
        // background compiles the outer variant may be installed while this activation still
        // runs the inner loop: it waits for the outer header again rather than compiling a
        // second variant of the same body.
        let outer_ready = |o| self.compiles_in_background() && self.osr.entries.contains_key(&(f, o));
        if let Some(o) = p.outer
            && !self.osr.failed.contains(&(f, o))
            && !self.osr.entries.contains_key(&(f, point))
            && (!self.osr.waited.contains(&(f, point)) || outer_ready(o))
        {
            self.osr.waited.insert((f, point));
            m.set_osr_mark(f, o, m.osr_count(f, o) + 1);
            return OsrDecision::Later(m.osr_count(f, point) + WAIT_FOR_OUTER * self.thresholds.hot.max(1));
        }
        let heat = policy::heat(m, f);
        if self.function_pending(f) {
            // The whole function is compiling in the background: its next calls run native,
            // so a variant for this activation would mostly be compiled for nothing and hold up
            // the compile thread. Ask again if the activation is still here `hot` entries on.
            return OsrDecision::Later(m.osr_count(f, point) + self.thresholds.hot.max(1));
        }
        let name = m.name(f).to_string();
        let mut word = 0u32;
        let values: Vec<OsrEntry> = p
            .live
            .iter()
            .map(|l| {
                let value = match l.value {
                    ValueId::Arg(k) => OsrValue::Arg(k),
                    ValueId::Inst { block, index } => OsrValue::Inst { block, index },
                };
                let e = OsrEntry { value, word };
                word += l.slots;
                e
            })
            .collect();
        if self.compiles_in_background() {
            // Keep interpreting this activation; it enters the variant at a later entry of
            // this header once the variant is installed.
            let entries = m.osr_count(f, point);
            let reason = format!("OSR at loop header block {} after {entries} entries, heat {heat}", p.block);
            let job = crate::background::OsrJob { point, header: p.block, values };
            self.queue_osr(m, f, job, level, reason);
            if self.wait_if_starved(m, |&k| k == (f, Some(point))) {
                return match self.osr.entries.get(&(f, point)) {
                    Some(&(_, addr)) => OsrDecision::Enter(addr),
                    None => OsrDecision::Never,
                };
            }
            return OsrDecision::Later(entries + POLL_ENTRIES);
        }
        let spec = OsrSpec { header: p.block, values: &values };
        let prof = function_profile(m, f);
        self.jit.set_profile_summary(Some(profile_summary(m)));
        let kept = self.kept_callees(m, f);
        self.jit.set_kept_callees(kept);
        self.jit.set_pasted_callees(Vec::new());
        self.jit.set_unroll_and_jam(self.plain_jam());
        let module = self.module();
        let t0 = std::time::Instant::now();
        let c = module.and_then(|module| {
            self.jit.compile_osr(module, &name, &spec, level, &self.links, prof.as_ref()).map_err(TierError::from)
        });
        let ms = t0.elapsed().as_secs_f64() * 1e3;
        let c = c.and_then(|c| self.prepare_callees(m, &c.host_symbols, level).map(|_| c));
        match c {
            Ok(c) => {
                let entries = m.osr_count(f, point);
                self.record(Event {
                    function: name,
                    from: self.levels[f.index()],
                    to: level,
                    reason: format!("OSR at loop header block {} after {entries} entries, heat {heat}", p.block),
                    compile_ms: ms,
                    specialized: None,
                    background: None,
                    inlined: c.inlined.clone(),
                });
                if let Some(j) = &c.jam {
                    if self.verbose {
                        eprintln!("[tier] {}: unroll-and-jam (OSR entry at block {}): {j}", c.function, p.block);
                    }
                    self.jams.push((c.function.clone(), j.clone()));
                }
                let addr = c.address as usize;
                self.note_perf_map(&c.symbol, c.address, &c.object);
                self.left_interpreter(m, f);
                self.osr.entries.insert((f, point), (level, addr));
                OsrDecision::Enter(addr)
            }
            Err(e) => {
                if self.verbose {
                    eprintln!(
                        "[tier] {name}: no OSR at loop header block {}, stays {} ({e})",
                        p.block,
                        tier_name(self.levels[f.index()])
                    );
                }
                self.failed.push((format!("{name} (OSR at block {})", p.block), e.to_string()));
                self.osr.failed.insert((f, point));
                OsrDecision::Never
            }
        }
    }
}
