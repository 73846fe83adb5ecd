//! Tiered mixed-mode execution: functions start in irvm; the tier hook irvm runs on calls
//! measures each function's heat (calls + loop back-edges) and compiles it with orc-bridge —
//! warm → O1, hot → O2, very hot → O3 (with irvm's counts as `!prof` at O2/O3) — then points the
//! function's call slot and irvm's function table at the new code. Policy and thresholds:
//! `policy`; symbol links: `links`; on-stack replacement: `osr`; the object cache: `cache`;
//! guarded specializations: `specialize` (the rules) and `specialized` (the live ones); the
//! program's main work: `main_work`; compile threads: `background`; irvm's counts as LLVM
//! profile data: `profile`; the tier log: `event`; the `bareflow.h` C API: `api` (header in
//! `include/`). See docs/tiering.md.
//!
//! The crate's users (the `bareflow` driver) hold a [`Tiering`] per run, hand it irvm's hook
//! calls (`on_call`, `on_osr`), and make their run reachable from C through
//! [`api::LiveSession`].

pub mod api;
pub mod background;
pub mod cache;
pub mod elf;
mod error;
mod event;
mod kept;
pub mod links;
mod main_work;
pub mod osr;
pub mod perfmap;
pub mod policy;
mod profile;
pub mod specialize;
mod specialized;

pub use error::TierError;
use event::tier_name;
pub use event::{BackgroundTimes, Event};
use irvm::{FuncId, Machine};
use orc_bridge::{Jit, JitConfig, ModuleId, OptLevel};
use policy::Thresholds;
pub use profile::{complete_profile, function_profile, profile_summary};
use serde_json::json;

/// The tier manager of one run.
pub struct Tiering {
    pub jit: Jit,
    /// The program in the JIT's LLVM context, read at the first compile (`module`): a warm
    /// start that only links cached objects never needs it.
    module: Option<ModuleId>,
    /// The program's name (in messages and as the JIT's module name).
    pub source_name: String,
    /// The program's bitcode: read by the JIT at the first compile, and by the whole-program
    /// rebuild at the end of a stable run (the driver's `aot::whole`).
    pub source_bitcode: Vec<u8>,
    pub links: links::Links,
    pub thresholds: Thresholds,
    /// Current tier per function-table index.
    pub levels: Vec<Option<OptLevel>>,
    /// Functions that failed to compile (stay interpreted), with the error.
    pub failed: Vec<(String, String)>,
    pub log: Vec<Event>,
    pub verbose: bool,
    /// `BAREFLOW_PERF_MAP`: name every code installed in `/tmp/perf-PID.map` ([`perfmap`]).
    pub perf_map: bool,
    /// Keep a compiled function's call slot on its thunk until it reaches its top tier, so calls
    /// from other JIT code are counted (irvm's thunk path counts and runs the tier hook) and a
    /// function only native code calls still tiers up. Off for `--tier jit`.
    pub count_native_calls: bool,
    /// Specializations compiled so far (`specialize`), in order; a function's newest is last.
    pub specialized: Vec<specialize::Record>,
    /// What the guarded unroll-and-jam did in each compile that found loop nests of its shape
    /// (`orc_bridge::unrolljam`), in order: (function, outcome).
    pub jams: Vec<(String, orc_bridge::JamOutcome)>,
    /// Compile guarded specializations at O2/O3 (`--no-specialize` turns it off).
    pub specialize: bool,
    /// Version memory calls by size as part of them (`--no-size-versions` turns it off alone).
    pub size_versions: bool,
    /// Unroll-and-jam the loop nests of argument versions behind a guard (`orc_bridge::Jam`:
    /// count and working-set limit for this CPU; `--no-unroll-and-jam` sets `None`).
    pub unroll_and_jam: Option<orc_bridge::Jam>,
    /// Prefetch the loads of a specialization's loops that stream from pointer arguments taking
    /// many addresses (`orc_bridge::Prefetch`; `--no-prefetch` turns it off).
    pub prefetch: bool,
    /// OSR variants compiled so far (`osr`).
    pub osr: osr::OsrCache,
    /// Functions being compiled because native code needs them (`prepare_callees`).
    preparing: Vec<FuncId>,
    /// The object of each function's current native code (for the snapshot's object cache).
    pub objects: Vec<Option<cache::Cached>>,
    /// The program is ending (`exit` called or `main` returned): no more compiles — LLVM's
    /// thread-locals may be gone while atexit handlers run.
    pub exiting: bool,
    /// Records a milestone of the run (the first compile) where the platform keeps them (the
    /// unikernel's boot breakdown); does nothing unless the driver sets it.
    pub boot_mark: fn(&str),
    /// The calling thread's CPU time, where the platform measures it per thread (`None`
    /// otherwise; the driver sets it): background compiles report theirs in the tier log.
    pub thread_cpu: fn() -> Option<std::time::Duration>,
    /// Background compile threads (`start_background`); `None`: compiles are synchronous.
    background: Option<background::Compilers>,
    /// Loop iterations per call of each function, frozen when it left the interpreter
    /// (`kept`: which callees keep their calls).
    trips: Vec<Option<u64>>,
    /// Instruction count of each defined function's body, by name (read at the first compile
    /// that needs it, `kept`).
    sizes: Option<std::collections::HashMap<String, usize>>,
}

/// A function whose background compile is pending asks again after this many more calls.
pub(crate) const POLL_CALLS: u64 = 4;

impl Tiering {
    /// Set up the JIT for `bitcode` (the same bytes irvm loaded into `m`).
    pub fn new(
        m: &mut Machine,
        bitcode: &[u8],
        name: &str,
        thresholds: Thresholds,
        verbose: bool,
    ) -> Result<Tiering, TierError> {
        // GDB JIT registration (docs/orc-bridge.md, "Fit with tiering, snapshots and GDB"): every compiled object, with the DWARF
        // of bitcode built with -g, becomes visible to a debugger; where the registration hook is not
        // linked in (kernel build), Jit::new refuses it and the JIT runs without.
        let gdb = JitConfig { gdb_registration: true, ..JitConfig::default() };
        let mut jit = Jit::new(&gdb).or_else(|_| Jit::new(&JitConfig::default()))?;
        let mut syms: Vec<(String, u64)> = Vec::new();
        let mut names = m.external_names();
        names.extend(policy::LIBCALLS.iter().map(|s| s.to_string()));
        names.sort();
        names.dedup();
        // Declarations irvm defines itself (such as `__dso_handle`) have an address in its memory.
        let own: std::collections::HashMap<String, u64> =
            m.global_addresses().into_iter().filter(|(n, a)| *a != 0 && !n.is_empty()).collect();
        for n in names {
            let addr = match n.as_str() {
                "exit" => api::exit_shim as *const () as usize,
                "pthread_create" => api::pthread_create_shim as *const () as usize,
                "pthread_exit" => api::pthread_exit_refused as *const () as usize,
                _ => m.resolve_symbol(&n).or_else(|| own.get(&n).map(|&a| a as usize)).unwrap_or(0),
            };
            if addr != 0 {
                syms.push((n, addr as u64));
            }
        }
        syms.push((orc_bridge::extract::TLS_ADDRESS.to_string(), api::tls_address as *const () as u64));
        let refs: Vec<(&str, u64)> = syms.iter().map(|(n, a)| (n.as_str(), *a)).collect();
        jit.define_runtime_symbols(&refs)?;
        let links = links::Links::new(m)?;
        let n = m.function_count();
        Ok(Tiering {
            jit,
            module: None,
            source_name: name.to_string(),
            source_bitcode: bitcode.to_vec(),
            links,
            thresholds,
            levels: vec![None; n],
            failed: Vec::new(),
            log: Vec::new(),
            verbose,
            perf_map: perfmap::wanted(),
            count_native_calls: true,
            specialized: Vec::new(),
            jams: Vec::new(),
            specialize: true,
            size_versions: true,
            unroll_and_jam: Some(orc_bridge::Jam::for_this_cpu()),
            prefetch: true,
            osr: osr::OsrCache::default(),
            preparing: Vec::new(),
            objects: vec![None; n],
            exiting: false,
            boot_mark: |_| {},
            thread_cpu: || None,
            background: None,
            trips: vec![None; n],
            sizes: None,
        })
    }

    /// The unroll-and-jam of compiles without a specialization's own: the count for this CPU, a
    /// working-set limit of 0 (no pointer profile says the data stays in the cache), so only
    /// nests bound by their reductions' latency are jammed (`orc_bridge::unrolljam`).
    pub fn plain_jam(&self) -> Option<orc_bridge::Jam> {
        self.unroll_and_jam.map(|j| orc_bridge::Jam { limit: 0, ..j })
    }

    /// The program's module in the JIT, read from the bitcode on first use.
    pub fn module(&mut self) -> Result<ModuleId, TierError> {
        if let Some(id) = self.module {
            return Ok(id);
        }
        let id = self.jit.load_bitcode(&self.source_name, &self.source_bitcode)?;
        self.module = Some(id);
        Ok(id)
    }

    /// The CPU the JIT compiles for (name and features).
    pub fn cpu(&self) -> (String, String) {
        let t = self.jit.target();
        (t.cpu.clone(), t.features.clone())
    }

    /// Compile function `f` at `level` and install it; logs the change. Errors leave it as it was.
    pub fn compile(&mut self, m: &mut Machine, f: FuncId, level: OptLevel, reason: String) -> Result<(), TierError> {
        let name = m.name(f).to_string();
        let prof = if level >= OptLevel::O2 { function_profile(m, f) } else { None };
        if prof.is_some() {
            self.jit.set_profile_summary(Some(profile_summary(m)));
        }
        let kept = self.kept_callees(m, f);
        self.jit.set_kept_callees(kept);
        self.jit.set_pasted_callees(Vec::new());
        self.jit.set_unroll_and_jam(self.plain_jam());
        let module = self.module();
        let choice = self.specialization_for(m, f, level);
        let t0 = std::time::Instant::now();
        let c = module.and_then(|module| {
            if let Some(ch) = &choice {
                let s = self.jit.compile_specialized(module, &name, &ch.spec, level, &self.links, prof.as_ref());
                match s {
                    Ok(c) => return Ok((c, true)),
                    // The plain function still compiles: a specialization that fails is
                    // reported and not made again.
                    Err(e) => {
                        if self.verbose {
                            eprintln!("[tier] {name}: not specialized ({e})");
                        }
                        self.failed.push((format!("{name} (specialized)"), e.to_string()));
                    }
                }
            }
            let c = self.jit.compile_function(module, &name, level, &self.links, prof.as_ref());
            c.map(|c| (c, false)).map_err(TierError::from)
        });
        let ms = t0.elapsed().as_secs_f64() * 1e3;
        let (c, choice) = match c {
            Ok((c, specialized)) => (Ok(c), choice.filter(|_| specialized)),
            Err(e) => (Err(e), None),
        };
        let c = match c {
            Ok(c) => c,
            Err(e) => {
                if self.verbose {
                    eprintln!("[tier] {name}: stays {} ({e})", tier_name(self.levels[f.index()]));
                }
                self.failed.push((name, e.to_string()));
                return Err(e);
            }
        };
        if let Err(e) = self.prepare_callees(m, &c.host_symbols, level) {
            if self.verbose {
                eprintln!("[tier] {name}: stays {} ({e})", tier_name(self.levels[f.index()]));
            }
            self.failed.push((name, e.to_string()));
            return Err(e);
        }
        self.adopt(m, f, &c, reason, ms, None, choice);
        Ok(())
    }

    /// Make `c` (compiled code of `f`, specialized as `choice` says) the code `f` runs: irvm's
    /// native entry, the guard counters, the object for the cache, the call slot, the log and
    /// the level.
    #[allow(clippy::too_many_arguments)] // one call per way a compile finishes; a struct would only rename them
    fn adopt(
        &mut self,
        m: &mut Machine,
        f: FuncId,
        c: &orc_bridge::CompiledFunction,
        reason: String,
        compile_ms: f64,
        background: Option<BackgroundTimes>,
        choice: Option<specialize::Choice>,
    ) {
        self.left_interpreter(m, f);
        m.set_native(f, c.address as usize);
        self.note_perf_map(&c.symbol, c.address, &c.object);
        if choice.is_some() {
            // The counter array is the function's: the previous specialization keeps its counts,
            // the new one counts from zero.
            let counts = self.links.guard_counts(f);
            if let Some(r) = self.specialized.iter_mut().rev().find(|r| r.function == c.function) {
                r.final_counts.get_or_insert(counts);
            }
            self.links.reset_guards(f);
        }
        let mut choice = choice;
        // A jam that found nothing to jam leaves the code as it was: not part of its key.
        if let Some(ch) = choice.as_mut().filter(|_| c.jam.as_ref().is_none_or(|o| o.jammed == 0)) {
            ch.spec.jam = None;
        }
        // So does a prefetch request that found no streamed load.
        if let Some(ch) = choice.as_mut().filter(|_| c.prefetched.unwrap_or(0) == 0) {
            ch.spec.prefetch = None;
        }
        let prefetch_line =
            choice.as_ref().and_then(|ch| ch.spec.prefetch.as_ref()).filter(|_| self.verbose).map(|p| {
                let params: Vec<String> = p.params.iter().map(|k| format!("arg{k}")).collect();
                let n = c.prefetched.unwrap_or(0);
                format!(
                    "prefetch: {n} load{} of streamed arguments ({}) prefetched {} bytes ahead",
                    if n == 1 { "" } else { "s" },
                    params.join(", "),
                    p.bytes
                )
            });
        let key = choice.as_ref().map(|ch| ch.spec.key()).unwrap_or_default();
        self.objects[f.index()] = Some(cache::Cached::of(c, key));
        if self.direct_slot(m, f, c.level) {
            self.links.publish(f, c.address);
        }
        let specialized = choice.as_ref().filter(|ch| !ch.spec.versions.is_empty()).map(specialize::Choice::describe);
        let mem_lines = choice.as_ref().map(specialize::Choice::describe_mem).unwrap_or_default();
        if let Some(choice) = choice {
            self.specialized.push(specialize::Record {
                function: c.function.clone(),
                choice,
                dropped: false,
                final_counts: None,
                window: (0, 0),
            });
        }
        let from = self.levels[f.index()];
        let (function, to) = (c.function.clone(), c.level);
        let inlined = c.inlined.clone();
        self.record(Event { function, from, to, reason, compile_ms, specialized, background, inlined });
        if self.verbose {
            for l in mem_lines {
                eprintln!("[tier] {}: {l}", c.function);
            }
            if let Some(j) = &c.jam {
                eprintln!("[tier] {}: unroll-and-jam: {j}", c.function);
            }
            if let Some(l) = &prefetch_line {
                eprintln!("[tier] {}: {l}", c.function);
            }
        }
        if let Some(j) = &c.jam {
            self.jams.push((c.function.clone(), j.clone()));
        }
        self.levels[f.index()] = Some(c.level);
    }

    /// Whether JIT callers of `f`, now native at `level`, call its native code directly. Below
    /// the top tier, calls from JIT code keep going through the thunk (counted there); vararg
    /// functions and wide or memory-passed signatures call native code directly (the thunk
    /// interprets varargs; only plain register signatures are routed through it).
    pub(crate) fn direct_slot(&self, m: &Machine, f: FuncId, level: OptLevel) -> bool {
        let sig = m.signature(f);
        !self.count_native_calls || sig.vararg || !sig.plain || self.thresholds.next_after(Some(level)).is_none()
    }

    /// Log one tier change (stderr with `--verbose`, the profile's tier log, the first-compile
    /// boot mark).
    pub(crate) fn record(&mut self, ev: Event) {
        if self.verbose {
            eprintln!("{}", ev.line());
        }
        self.log.push(ev);
        if self.log.len() == 1 {
            (self.boot_mark)("first JIT compile");
        }
    }

    /// Native code is about to run that calls or takes the address of the app functions in
    /// `host_symbols`: those irvm cannot enter from native code (signatures its thunks cannot
    /// take, e.g. vectors passed by value) must have native code first — compile them at `level`.
    pub fn prepare_callees(
        &mut self,
        m: &mut Machine,
        host_symbols: &[String],
        level: OptLevel,
    ) -> Result<(), TierError> {
        for s in host_symbols {
            let name = match orc_bridge::symbols::HostSymbol::parse(s) {
                Some(orc_bridge::symbols::HostSymbol::Slot(n) | orc_bridge::symbols::HostSymbol::Function(n)) => n,
                _ => continue,
            };
            let Some(&g) = self.links.index.get(&name) else { continue };
            if m.native_code(g) != 0 || self.preparing.contains(&g) || m.enterable_from_native(g) {
                continue;
            }
            self.preparing.push(g);
            let r = self.compile(
                m,
                g,
                level.max(OptLevel::O1),
                "called from native code, cannot be interpreted from there".into(),
            );
            self.preparing.retain(|&x| x != g);
            r.map_err(|e| TierError::Callee { name: name.clone(), error: Box::new(e) })?;
            self.links.publish(g, m.native_code(g) as u64);
            if !policy::tierable(m, g) {
                // Interpreted callers keep interpreting it (irvm cannot call native code with
                // this signature); native callers use the slot.
                m.set_native(g, 0);
            }
        }
        Ok(())
    }

    /// irvm cannot interpret all of `f` (`reason` names the first such construct) and `f` is
    /// called for the first time: compile it now at O1 (tiering moves it up later as it gets
    /// hot), whatever its heat — also while the program exits (destructors): it cannot run
    /// otherwise. A failure is logged and leaves it interpreted: its traps then report the
    /// construct if it is reached.
    pub fn compile_unsupported(&mut self, m: &mut Machine, f: FuncId, reason: &str) {
        if m.native_code(f) != 0 || !policy::tierable(m, f) {
            return;
        }
        let _ = self.compile(m, f, OptLevel::O1, format!("first call, irvm cannot interpret it: {reason}"));
    }

    /// The tier hook body: heat of `f` now, compile if it reached a higher tier, next mark.
    pub fn on_call(&mut self, m: &mut Machine, f: FuncId) {
        if let Some(b) = self.background.as_mut() {
            b.first_hook.entry(f).or_insert_with(|| m.cycles_so_far());
        }
        self.install_finished(m);
        self.help_compile(m);
        self.review_specializations(m);
        if !m.is_defined(f) || self.exiting {
            self.settle(m, f);
            return;
        }
        let heat = policy::heat(m, f);
        let cur = self.levels[f.index()];
        if cur.is_none() {
            self.specialize_pending(m, f);
        }
        // A function with an OSR variant (at O3) has shown its loops run hot, and its calls
        // enter that variant at the loop header: its whole-function code is O2 at least (O1
        // would run its calls slower than the variant does). With a compile thread, so is a
        // function whose every call runs a loop: its heat keeps growing with its loops, and O1
        // code would soon be compiled again at O2 (the program does not wait for either).
        let loops = self.osr.has_variant(f) || (self.background.is_some() && self.trips_per_call(m, f) >= 1);
        let mut want = self.thresholds.level_for(heat).map(|l| if loops { l.max(OptLevel::O2) } else { l });
        let mut main_work = None;
        if self.background.is_some() && cur.is_none() && loops && heat < self.thresholds.hot {
            // With a compile thread, an interpreted function whose calls run loops is queued by
            // its loop's OSR point (whole-function at O3 when its calls are short, `osr`), or
            // here once its heat reaches `hot` (loops whose header entries add up only
            // across several headers) — or at once if it is the program's main work: called
            // again, and its calls (callees included) took at least `MAIN_WORK_SHARE` of the
            // time since its first call (`share_since_first_call`), most of it in its callees.
            // app-tinyllama's `model_forward` is then asked for at its second call instead of
            // its 11th (its own loops count few entries per token); the peak waits for its
            // compile.
            let share = self.share_since_first_call(m, f).unwrap_or_else(|| specialized::time_share(m, f));
            main_work = (main_work::is_main_work(m, f, share)
                && main_work::time_in_callees(m, f)
                && self.outermost_main_work(m, f))
            .then_some(share);
            want = main_work.map(|_| OptLevel::O3);
        }
        if let Some(to) = want
            && Some(to) > cur
        {
            // Checked only now: it reads the body, which a lazily loaded program has not read
            // for functions that run native from the object cache.
            if !policy::tierable(m, f) {
                self.settle(m, f);
                return;
            }
            let reason = match self.thresholds.level_for(heat) {
                _ if let Some(share) = main_work => {
                    format!("the program's main work: {:.0} % of the time since its first call", share * 100.0)
                }
                Some(base) if base < to => {
                    format!("heat {heat} >= {}, loops run hot: {to} at least", self.thresholds.of(base))
                }
                _ => format!("heat {heat} >= {}", self.thresholds.of(to)),
            };
            if let Some(mark) = self.defer_for_values(m, f, to, main_work.is_some()) {
                m.set_tier_mark(f, mark);
                return;
            }
            if self.background.is_some() {
                // Keep running as now; ask again soon (the compile result is installed by
                // whichever hook comes first after it is ready).
                // The main work's early job goes without branch weights: one or two calls say
                // little about its loops (app-tinyllama's attention loop runs `pos + 1` times:
                // once or twice at the second token, 256 times at the last, and weights from
                // the second token made LLVM compile it for one or two iterations).
                // On a starved machine the program waits for the job, except for a main work's
                // job that a few more interpreted calls can still give a specialization
                // (`Tiering::awaits_values`): waiting, `matmul` ran generic code for good.
                self.queue(m, f, to, reason, main_work.is_some());
                let values_to_come = main_work.is_some() && self.awaits_values(m, f);
                if values_to_come || !self.wait_if_starved(m, |&k| k == (f, None)) {
                    m.set_tier_mark(f, m.calls(f) + POLL_CALLS);
                    return;
                }
                if self.levels[f.index()] < Some(to) {
                    return; // Failed (settled), or superseded by an OSR-only state.
                }
            } else if self.compile(m, f, to, reason).is_err() {
                self.settle(m, f);
                return;
            }
        }
        let calls = m.calls(f);
        let mut mark = match self.thresholds.next_after(self.levels[f.index()]) {
            Some(t) => calls + t.saturating_sub(heat).max(1),
            None => u64::MAX,
        };
        if self.background.is_some() && self.levels[f.index()].is_none() {
            // With a compile thread, an interpreted function's hook comes back at twice its
            // calls until the heat-based mark is nearer, and irvm, which records argument
            // values from half the mark on, records them from the first call: a job asked for
            // by an OSR point a few calls in (`matmul` after 7) can then be specialized.
            mark = mark.min(calls.saturating_mul(2).max(calls + 1));
        }
        m.set_tier_mark(f, mark);
    }

    /// Name code just installed for `perf` (`BAREFLOW_PERF_MAP`, [`perfmap`]), if asked for.
    pub(crate) fn note_perf_map(&self, symbol: &str, address: u64, object: &[u8]) {
        if self.perf_map {
            perfmap::note(symbol, address, object);
        }
    }

    /// `f` will not change tier any more: stop counting it, and let JIT callers call its
    /// current native code (if any) directly instead of through the thunk.
    pub(crate) fn settle(&mut self, m: &mut Machine, f: FuncId) {
        m.set_tier_mark(f, u64::MAX);
        let native = m.native_code(f);
        if native != 0 {
            self.links.publish(f, native as u64);
        }
    }

    /// The tier log as JSON (for the profile).
    pub fn log_json(&self) -> serde_json::Value {
        let (cpu, features) = self.cpu();
        json!({
            "cpu": cpu,
            "features": features,
            "thresholds": { "warm": self.thresholds.warm, "hot": self.thresholds.hot, "very_hot": self.thresholds.very_hot },
            "changes": self.log.iter().map(|e| json!({
                "function": e.function, "from": tier_name(e.from), "to": e.to.to_string(),
                "reason": e.reason, "compile_ms": e.compile_ms, "specialized": e.specialized,
                "queue_ms": e.background.map(|b| b.queue_ms),
                "queue_share": e.background.map(|b| b.share),
                "compile_cpu_ms": e.background.and_then(|b| b.cpu_ms),
            })).collect::<Vec<_>>(),
            "failed": self.failed.iter().map(|(f, e)| json!({"function": f, "error": e})).collect::<Vec<_>>(),
            "unroll_and_jam": self.jam_report(),
            "specializations": (0..self.specialized.len()).map(|k| {
                let r = &self.specialized[k];
                let (hits, misses) = self.guard_report(k);
                let mem = self.mem_guard_report(k);
                let jam = r.choice.spec.jam.map(|j| {
                    let (h, x) = self.loop_guard_report(k);
                    json!({"count": j.count, "limit_bytes": j.limit, "hits": h, "misses": x})
                });
                let prefetch = r.choice.spec.prefetch.as_ref().map(|p| json!({"bytes": p.bytes, "params": p.params}));
                json!({
                    "function": r.function, "dropped": r.dropped, "misses": misses, "unroll_and_jam": jam,
                    "prefetch": prefetch,
                    "mem_sizes": r.choice.spec.mem.iter().zip(&r.choice.mem).zip(&mem).map(|((v, c), (h, x))| json!({
                        "site": v.site, "op": c.op, "size": v.size, "profile_share": c.share, "hits": h, "misses": x,
                    })).collect::<Vec<_>>(),
                    "versions": r.choice.spec.versions.iter().zip(&r.choice.shares).zip(&hits).map(|((v, share), h)| json!({
                        "values": v.values.iter().map(|(p, x)| json!({"param": p, "value": x})).collect::<Vec<_>>(),
                        "profile_share": share, "hits": h,
                    })).collect::<Vec<_>>(),
                })
            }).collect::<Vec<_>>(),
        })
    }
}

impl Tiering {
    /// Per function whose newest compile jammed a loop nest: the nests jammed, of how many, the
    /// log line, and the guard's counts since the run began (entries jammed, entries as written;
    /// a specialization's count from its compile).
    fn jam_report(&self) -> Vec<serde_json::Value> {
        let mut seen = Vec::new();
        let mut out = Vec::new();
        for (function, o) in self.jams.iter().rev() {
            if seen.contains(function) {
                continue;
            }
            seen.push(function.clone());
            let Some(&f) = self.links.index.get(function).filter(|_| o.jammed > 0) else { continue };
            let (hits, misses) = specialize::loop_hits_and_misses(&self.links.guard_counts(f));
            out.push(json!({
                "function": function, "jammed": o.jammed, "nests": o.nests, "outcome": o.text,
                "hits": hits, "misses": misses,
            }));
        }
        out.reverse();
        out
    }
}

/// Install tiering on `m` (the hooks are the session's, passed to the run): every function's
/// first tier mark is `first_mark`; with `osr`, loop headers are OSR points whose first mark is
/// [`policy::osr_threshold`] (start background compiles before).
pub fn install(m: &mut Machine, t: &Tiering, first_mark: u64, osr: bool) {
    if osr {
        m.enable_osr(policy::osr_threshold(&t.thresholds, t.compiles_in_background()));
    }
    m.enable_tiering(first_mark);
}
