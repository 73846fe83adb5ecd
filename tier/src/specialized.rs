//! The tier manager's guarded specializations (argument versions and size-versioned memory
//! calls, `specialize` has the rules): choosing one at a compile, keeping a live one across a
//! recompile, dropping one whose guards keep missing, restoring one linked from the object
//! cache, and reading their guard counters.

use crate::{TierError, Tiering, specialize};
use irvm::{FuncId, Machine};
use orc_bridge::OptLevel;

/// With a compile thread, the least share of the interpreter's time (inclusive) a function
/// must take to be specialized (`Tiering::worth_specializing_in_background`).
pub const SPECIALIZE_SHARE: f64 = 0.10;

/// With a compile thread, the least number of recorded calls a specialization of a function
/// worth specializing is chosen from (`Tiering::min_recorded_calls`). app-tinyllama's `matmul`
/// has a row length of 384 in one call of each seven (a layer's down projection): chosen from 4
/// to 6 calls, its specialization had the 128 only, and the 384 calls (14 %) ran its generic
/// code for the rest of the run.
pub const EARLY_CHOICE_CALLS: u64 = 8;

/// With a compile thread, the most calls a function whose calls already enter its OSR variant
/// waits for irvm to record the argument values its specialization is chosen from
/// (`Tiering::defer_for_values`): a function without parameters records none, and waits no longer.
pub const DEFER_CALLS: u64 = 2 * EARLY_CHOICE_CALLS;

/// `f`'s share of the interpreter's time so far: the inclusive cycles of its finished calls
/// (its callees included) over the exclusive cycles of every function's.
pub(crate) fn time_share(m: &Machine, f: FuncId) -> f64 {
    share_of(m, f, interpreted_cycles(m))
}

/// The interpreter's time so far: the exclusive cycles of every function's finished calls.
pub(crate) fn interpreted_cycles(m: &Machine) -> u64 {
    m.functions().map(|g| m.exclusive_cycles(g)).sum()
}

/// [`time_share`] with the interpreter's time (`interpreted_cycles`) summed once by the caller.
pub(crate) fn share_of(m: &Machine, f: FuncId, interpreted: u64) -> f64 {
    m.inclusive_cycles(f) as f64 / interpreted.max(1) as f64
}

/// `f`'s share of the time irvm spent in the program's own functions so far: the inclusive
/// cycles of its finished calls over the exclusive cycles of every function the program defines.
/// Library calls (native code no compile changes) are left out of the whole: app-tinyllama's
/// start-up sorts its vocabulary with `qsort` and reads the checkpoint with `fread`, 85 % of all
/// cycles when `matmul`'s whole-function job is queued at its seventh call, which put `matmul` at
/// 5 % of [`time_share`] and cost it its specialization in every run with a compile thread.
pub(crate) fn program_time_share(m: &Machine, f: FuncId) -> f64 {
    share_of(m, f, m.defined_functions().map(|g| m.exclusive_cycles(g)).sum())
}

/// Calls of `f` whose argument values irvm recorded (its first parameter's table; 0 if none).
pub(crate) fn recorded_calls(m: &Machine, f: FuncId) -> u64 {
    m.arg_values(f).first().map_or(0, |t| t.values.iter().map(|v| v.1).sum::<u64>() + t.other)
}

impl Tiering {
    /// The specialization to compile for `f` at `level`, if any: O2/O3 only, never after one was
    /// dropped or failed, only from tables with at least `warm / 8` (at least 1) calls. Argument
    /// versions ([`Tiering::argument_versions`]) and size-versioned memory calls
    /// (`specialize::choose_mem`, from irvm's size tables) go into one specialization.
    pub(crate) fn specialization_for(&mut self, m: &Machine, f: FuncId, level: OptLevel) -> Option<specialize::Choice> {
        if !self.specialize || level < OptLevel::O2 {
            return None;
        }
        if self.compiles_in_background() && !self.worth_specializing_in_background(m, f) {
            return None;
        }
        let name = m.name(f);
        let refused = format!("{name} (specialized)");
        if self.specialized.iter().any(|r| r.function == name && r.dropped)
            || self.failed.iter().any(|e| e.0 == refused)
        {
            return None;
        }
        let min_calls = self.min_recorded_calls(m, f);
        let args = if m.signature(f).vararg { None } else { self.argument_versions(m, f, min_calls) };
        let tables = if self.size_versions { m.mem_sizes(f) } else { Vec::new() };
        let (mut mem, mut mem_choices) = specialize::choose_mem(&tables, min_calls);
        // The tables are from the interpreted calls; a live version's guards are newer: a site
        // whose size no longer dominates there is not versioned again.
        if let Some(r) = self.specialized.iter().rfind(|r| r.function == name) {
            let counts = specialize::mem_hits_and_misses(&self.links.guard_counts(f), r.choice.spec.mem.len());
            let stale: Vec<u32> = r
                .choice
                .spec
                .mem
                .iter()
                .zip(&counts)
                .filter(|(_, c)| !specialize::still_dominant(c.0, c.1))
                .map(|(v, _)| v.site)
                .collect();
            let keep: Vec<bool> = mem.iter().map(|v| !stale.contains(&v.site)).collect();
            let mut k = keep.iter();
            mem.retain(|_| *k.next().expect("one flag per site"));
            let mut k = keep.iter();
            mem_choices.retain(|_| *k.next().expect("one flag per site"));
        }
        if mem.is_empty()
            && self.size_versions
            && let Some((v, c)) = self.live_size_versions(f, name)
        {
            (mem, mem_choices) = (v, c);
        }
        match args {
            Some(mut c) => {
                c.spec.mem = mem;
                c.mem = mem_choices;
                // The pointer tables decide the working-set limit and the streams prefetched; a
                // live specialization kept for a recompile (its calls come from native code: no
                // tables) keeps its jam and its prefetch.
                let tables = (c.spec.jam.is_none() || c.spec.prefetch.is_none()).then(|| m.arg_values(f));
                if let Some(t) = tables.as_deref().filter(|_| c.spec.jam.is_none()) {
                    let reused = specialize::reuses_its_data(t, min_calls);
                    c.spec.jam =
                        self.unroll_and_jam.map(|j| orc_bridge::Jam { limit: if reused { j.limit } else { 0 }, ..j });
                }
                if self.unroll_and_jam.is_none() {
                    c.spec.jam = None;
                }
                if !self.prefetch {
                    c.spec.prefetch = None;
                } else if let Some(t) = tables.as_deref().filter(|_| c.spec.prefetch.is_none()) {
                    let streamed = specialize::streamed_pointers(t, min_calls);
                    c.spec.prefetch = (!streamed.is_empty())
                        .then_some(orc_bridge::Prefetch { bytes: orc_bridge::PREFETCH_BYTES, params: streamed });
                }
                Some(c)
            }
            None if mem.is_empty() => None,
            None => Some(specialize::Choice {
                spec: orc_bridge::Specialization { versions: Vec::new(), mem, jam: None, prefetch: None },
                shares: Vec::new(),
                mem: mem_choices,
            }),
        }
    }

    /// With a compile thread, whether `f` may be specialized. A specialization compiles the body
    /// once per version (constants folded in, the callees that receive them pasted: `rmsnorm`
    /// with `dot` took 36 ms against 16 ms plain), and that time now comes before the program's
    /// peak, so `f` must take a large share of the time spent in the program's own code so far
    /// ([`SPECIALIZE_SHARE`] of [`program_time_share`], its callees included: app-tinyllama's `matmul`, not `rmsnorm` or
    /// `rope`). And its calls must run long loops: a short function is pasted into its hot
    /// callers, where their constants reach it anyway, while a live specialization would make
    /// them call it, and values recorded a few calls in and from one caller miss the others'
    /// (`dot`, specialized for `matmul`'s rows, missed every call of the attention loop).
    pub(crate) fn worth_specializing_in_background(&self, m: &Machine, f: FuncId) -> bool {
        program_time_share(m, f) >= SPECIALIZE_SHARE && self.trips_per_call(m, f) >= crate::kept::LONG_CALL_TRIPS
    }

    /// With a compile thread, the tier mark to come back at instead of queueing `f`'s
    /// whole-function job now, if that job would be chosen too early to get a specialization:
    /// `f` is worth specializing and irvm has recorded fewer than
    /// [`Tiering::min_recorded_calls`] of its calls' argument values, at most [`DEFER_CALLS`]
    /// calls in. A job queued with none would be built at once by an idle compile thread, before
    /// `specialize_waiting` could give it one (the program's main work aside, below). Waiting
    /// costs little: the calls run their loops
    /// in `f`'s OSR variant if it has one (or will once its queued compile is done), a long call
    /// gets one meanwhile, and short calls are few (at most `DEFER_CALLS`). Seen: `conv` of
    /// spec_conv is hot within its first call (an OSR variant), asks for its whole function at
    /// its second, and then kept generic O2 code for the rest of the run; `score` of spec_rows,
    /// whose calls are short, asked at its second call (or its ninth) and kept generic O3 code,
    /// with its row loop unrolled by clang into two inner loops that only the constant row
    /// length folds into one (the nest unroll-and-jam takes: 3x faster).
    pub(crate) fn defer_for_values(&self, m: &Machine, f: FuncId, level: OptLevel, main_work: bool) -> Option<u64> {
        if !self.specialize || level < OptLevel::O2 || !self.compiles_in_background() {
            return None;
        }
        // The program's main work, asked for at its second call, goes at once unless its calls
        // run an OSR variant: it has its own way to a specialization (`specialize_waiting`'s
        // recompile), and held back, its request may not come again (app-tinyllama's
        // `model_forward`: its share of the time falls as the kernels get native code, and it
        // stayed interpreted for the rest of the run).
        if main_work && !self.osr.has_variant(f) && !self.osr_pending(f) {
            return None;
        }
        let calls = m.calls(f);
        if calls >= DEFER_CALLS || m.signature(f).vararg || !self.worth_specializing_in_background(m, f) {
            return None;
        }
        // Worth specializing with a compile thread, as just checked.
        let (have, need) = (recorded_calls(m, f), self.least_recorded_calls(true));
        (have < need).then(|| calls + (need - have))
    }

    /// With a compile thread, whether `f`'s pending whole-function job may still get a
    /// specialization from the values of its next interpreted calls
    /// (`Tiering::specialize_waiting`): `f` is worth specializing, not variadic, not tried yet,
    /// and irvm has recorded fewer than [`Tiering::min_recorded_calls`] of its calls.
    pub(crate) fn awaits_values(&self, m: &Machine, f: FuncId) -> bool {
        self.specialize
            && !m.signature(f).vararg
            && self.background.as_ref().is_some_and(|b| !b.respecialized.contains(&f))
            && self.worth_specializing_in_background(m, f)
            && recorded_calls(m, f) < self.least_recorded_calls(true)
    }

    /// The least number of recorded calls a specialization of `f` is chosen from: `warm / 8`
    /// (at least 1); with a compile thread, [`EARLY_CHOICE_CALLS`] for a function worth
    /// specializing, whose whole-function job an OSR point asks for a few calls in (`matmul`
    /// after 7; `Tiering::defer_for_values` holds it until 8 are recorded: its row lengths 128
    /// in 7 calls, 384 in 1, as in the whole run).
    pub(crate) fn min_recorded_calls(&self, m: &Machine, f: FuncId) -> u64 {
        self.least_recorded_calls(self.compiles_in_background() && self.worth_specializing_in_background(m, f))
    }

    /// [`Tiering::min_recorded_calls`] of a function whose worth with a compile thread is known
    /// (`early`: compiled in the background and worth specializing there).
    fn least_recorded_calls(&self, early: bool) -> u64 {
        let min = (self.thresholds.warm / 8).max(1);
        if early { min.min(EARLY_CHOICE_CALLS) } else { min }
    }

    /// The argument versions to compile for `f`: only on parameters whose constant improves
    /// something in the body (`orc_bridge::Gain`; refusals are logged); not variadic (the
    /// dispatcher passes its parameters on).
    fn argument_versions(&mut self, m: &Machine, f: FuncId, min_calls: u64) -> Option<specialize::Choice> {
        let name = m.name(f);
        let tables = m.arg_values(f);
        if specialize::choose(&tables, min_calls).is_none() {
            return self.live_specialization(f, name);
        }
        // Some parameter is predictable: keep those a constant improves (the function's IR says).
        let gains = self.module().and_then(|id| self.jit.parameter_gains(id, name).map_err(TierError::from));
        let gains = match gains {
            Ok(g) => g,
            Err(e) => {
                if self.verbose {
                    eprintln!("[tier] {name}: not specialized ({e})");
                }
                return None;
            }
        };
        let (paying, useless) = specialize::paying(&tables, &gains, min_calls);
        if self.verbose && !useless.is_empty() {
            let args: Vec<String> = useless.iter().map(|p| format!("arg{p}")).collect();
            eprintln!(
                "[tier] {name}: not specialized on {}: a constant there reaches no loop bound, size, stride, shift, divisor or branch",
                args.join(" ")
            );
        }
        specialize::choose(&paying, min_calls)
    }

    /// The live specialization of `f` (its current code), kept for a recompile at another tier when its guards hit
    /// in most calls (`specialize::keeps_hitting`): its calls come from native code, which records
    /// no value tables (a warm start links the caller and the specialized object from the cache).
    /// Its shares are then its guards' (hits of each version over all its calls).
    fn live_specialization(&self, f: FuncId, name: &str) -> Option<specialize::Choice> {
        let k = self.specialized.iter().rposition(|r| r.function == name)?;
        let r = &self.specialized[k];
        let counts = self.links.guard_counts(f);
        let (hits, misses) = specialize::hits_and_misses(&counts, r.choice.spec.versions.len());
        let current = self.objects[f.index()].as_ref().is_some_and(|c| c.specialization == r.choice.spec.key());
        if r.dropped || r.choice.spec.versions.is_empty() || !current || !specialize::keeps_hitting(&hits, misses) {
            return None;
        }
        let calls = (hits.iter().sum::<u64>() + misses) as f64;
        let shares = hits.iter().map(|&h| h as f64 / calls).collect();
        let spec = orc_bridge::Specialization {
            versions: r.choice.spec.versions.clone(),
            mem: Vec::new(),
            jam: r.choice.spec.jam,
            prefetch: r.choice.spec.prefetch.clone(),
        };
        Some(specialize::Choice { spec, shares, mem: Vec::new() })
    }

    /// The size-versioned calls of `f`'s live specialization (its current code), kept for a
    /// recompile when no size tables are recorded (its calls come from native code), those whose
    /// size still dominates (`specialize::still_dominant`) and that ran at all; their shares are
    /// then the guards'.
    fn live_size_versions(
        &self,
        f: FuncId,
        name: &str,
    ) -> Option<(Vec<orc_bridge::MemVersion>, Vec<specialize::MemChoice>)> {
        let r = self.specialized.iter().rfind(|r| r.function == name)?;
        let current = self.objects[f.index()].as_ref().is_some_and(|c| c.specialization == r.choice.spec.key());
        let counts = specialize::mem_hits_and_misses(&self.links.guard_counts(f), r.choice.spec.mem.len());
        if r.dropped || !current {
            return None;
        }
        let kept: Vec<_> = (r.choice.spec.mem.iter().zip(&r.choice.mem).zip(&counts))
            .filter(|(_, c)| c.0 > 0 && specialize::still_dominant(c.0, c.1))
            .map(|((v, c), &(h, x))| (*v, specialize::MemChoice { op: c.op, share: h as f64 / (h + x) as f64 }))
            .collect();
        (!kept.is_empty()).then(|| kept.into_iter().unzip())
    }

    /// Drop every live specialization whose guards keep missing (`specialize::keeps_missing`):
    /// recompile the function at its tier without one. Runs with the tier hooks.
    pub fn review_specializations(&mut self, m: &mut Machine) {
        if self.exiting {
            return;
        }
        let live: Vec<usize> =
            (0..self.specialized.len()).filter(|&k| !self.specialized[k].dropped && self.is_newest(k)).collect();
        for k in live {
            let Some(f) = self.links.index.get(&self.specialized[k].function).copied() else { continue };
            let counts = self.links.guard_counts(f);
            let (hits, misses) = specialize::totals(&counts, &self.specialized[k].choice.spec);
            let r = &mut self.specialized[k];
            let (wh, wm) = (hits.saturating_sub(r.window.0), misses.saturating_sub(r.window.1));
            let reason = if specialize::keeps_missing(&[hits], misses) {
                format!("specialization dropped: {hits} hits, {misses} misses")
            } else if specialize::keeps_missing(&[wh], wm) {
                format!("specialization dropped: {wh} hits, {wm} misses in its last {} guarded calls", wh + wm)
            } else {
                if wh + wm >= specialize::REVIEW_WINDOW {
                    r.window = (hits, misses);
                }
                continue;
            };
            r.dropped = true;
            r.final_counts = Some(counts);
            let Some(level) = self.levels[f.index()] else { continue };
            if self.compiles_in_background() {
                self.queue_recompile(m, f, level, reason);
            } else {
                let _ = self.compile(m, f, level, reason);
            }
        }
    }

    /// A specialized object of `f` (`key`: its `Specialization::key`, empty: none) was linked from
    /// the object cache: count its guards from zero and report them like a compiled one.
    /// Returns the tier log's words for it (` specialized ...` or nothing).
    pub(crate) fn restore_specialization(&mut self, f: FuncId, name: &str, key: &str) -> String {
        let Some(spec) = orc_bridge::Specialization::from_key(key) else { return String::new() };
        self.links.reset_guards(f);
        let shares = vec![f64::NAN; spec.versions.len()];
        let mem = vec![specialize::MemChoice { op: "memory call", share: f64::NAN }; spec.mem.len()];
        let choice = specialize::Choice { spec, shares, mem };
        let mut words = Vec::new();
        if !choice.spec.versions.is_empty() {
            words.push(format!(" specialized {}", choice.describe()));
        }
        words.extend(choice.describe_mem().iter().map(|l| format!(", {l}")));
        if let Some(j) = choice.spec.jam {
            words.push(format!(", loop nests unroll-and-jammed x{} behind a guard", j.count));
        }
        if let Some(p) = &choice.spec.prefetch {
            words.push(format!(", streamed loads prefetched {} bytes ahead", p.bytes));
        }
        let words = words.concat();
        self.specialized.push(specialize::Record {
            function: name.to_string(),
            choice,
            dropped: false,
            final_counts: None,
            window: (0, 0),
        });
        words
    }

    /// The functions whose code is now a guarded specialization (their newest record is not
    /// dropped): other functions' compiles keep calling them (`Tiering::kept_callees`).
    pub(crate) fn live_specializations(&self) -> Vec<String> {
        let live = |k: &usize| {
            let r = &self.specialized[*k];
            self.is_newest(*k) && !r.dropped && !r.choice.spec.versions.is_empty()
        };
        (0..self.specialized.len()).filter(live).map(|k| self.specialized[k].function.clone()).collect()
    }

    /// Whether specialization record `k` is its function's newest.
    fn is_newest(&self, k: usize) -> bool {
        let name = &self.specialized[k].function;
        !self.specialized[k + 1..].iter().any(|r| &r.function == name)
    }

    /// Guard hits per version and misses of specialization record `k` (final ones once dropped
    /// or replaced).
    pub fn guard_report(&self, k: usize) -> (Vec<u64>, u64) {
        specialize::hits_and_misses(&self.guard_counts_of(k), self.specialized[k].choice.spec.versions.len())
    }

    /// Hits and misses of each size-versioned memory call of specialization record `k`.
    pub fn mem_guard_report(&self, k: usize) -> Vec<(u64, u64)> {
        specialize::mem_hits_and_misses(&self.guard_counts_of(k), self.specialized[k].choice.spec.mem.len())
    }

    /// Entries of the loop nests of specialization record `k`'s versions that ran jammed, and
    /// those that ran as they were (the unroll-and-jam guard: `orc_bridge::unrolljam`).
    pub fn loop_guard_report(&self, k: usize) -> (u64, u64) {
        specialize::loop_hits_and_misses(&self.guard_counts_of(k))
    }

    fn guard_counts_of(&self, k: usize) -> [u64; orc_bridge::specialize::GUARD_COUNTERS] {
        let r = &self.specialized[k];
        match (r.final_counts, self.links.index.get(&r.function)) {
            (Some(c), _) => c,
            (None, Some(&f)) if self.is_newest(k) => self.links.guard_counts(f),
            _ => [0; orc_bridge::specialize::GUARD_COUNTERS],
        }
    }
}
