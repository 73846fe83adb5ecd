//! The tier manager's side of background compiles: starting the threads, queueing jobs with
//! the profile as it is now, installing finished objects at the next tier hook, and waiting
//! for a job when the compile threads get no CPU of their own.

use std::sync::Arc;
use std::time::{Duration, Instant};

use irvm::FuncId;
use orc_bridge::OptLevel;

use super::{CompilerSetup, Compilers, Finished, Job, MEASURED_BUILD, OWN_CPU, OsrJob, QueuedAt};
use crate::TierError;

impl crate::Tiering {
    /// Compile on `threads` background threads from now on (0: synchronously, as a new
    /// Tiering does); `lazy`: each thread sets itself up at its first job
    /// ([`CompilerSetup::lazy`]). Call after the Jit's settings (fp contraction) are final.
    /// Where threads cannot be started, returns why and stays synchronous.
    pub fn start_background(&mut self, threads: usize, lazy: bool) -> Result<(), String> {
        if threads == 0 {
            return Ok(());
        }
        let setup = CompilerSetup {
            name: self.source_name.clone(),
            bitcode: Arc::new(self.source_bitcode.clone()),
            fp_contraction: self.jit.fp_contraction(),
            slotted: Arc::new(self.links.index.keys().cloned().collect()),
            thread_cpu: self.thread_cpu,
            lazy,
        };
        self.background = Some(Compilers::start(setup, threads)?);
        Ok(())
    }

    /// The share of irvm's time since `f`'s first call (its first tier hook) that its finished
    /// calls took, their callees included; `None` before its first hook or without compile
    /// threads. Not the share of all the time so far: at `model_forward`'s second call
    /// app-tinyllama's start-up (reading the checkpoint, sorting the vocabulary) was 70-85 % of
    /// the interpreter's time, and the main work's share measured 12-28 % against it.
    pub(crate) fn share_since_first_call(&self, m: &irvm::Machine, f: FuncId) -> Option<f64> {
        let first = *self.background.as_ref()?.first_hook.get(&f)?;
        let since = m.cycles_so_far().saturating_sub(first).max(1);
        Some((m.inclusive_cycles(f) as f64 / since as f64).min(1.0))
    }

    /// Whether compiles run in the background.
    pub fn compiles_in_background(&self) -> bool {
        self.background.is_some()
    }

    /// The program is ending: no more compiles; background threads stop (their queued work is
    /// dropped) and are joined, so no LLVM code runs on them while the process exits.
    pub fn end_compiles(&mut self) {
        self.exiting = true;
        if let Some(b) = self.background.as_mut() {
            b.stop();
        }
        if self.verbose
            && let Some(cpu) = (self.thread_cpu)()
        {
            let ms = |d: Duration| d.as_secs_f64() * 1e3;
            let compilers = match self.background.as_ref().map(|b| b.report) {
                Some(r) => format!(
                    "; compile threads {} ms ({} objects built, {}; {} built by the program's thread)",
                    r.cpu.map_or("?".into(), |c| format!("{:.1}", ms(c))),
                    r.built,
                    if r.set_up > 0 {
                        format!("set-up {:.1} ms", ms(r.setup))
                    } else {
                        "not set up: no job came".into()
                    },
                    self.background.as_ref().map_or(0, |b| b.helped)
                ),
                None => ", compiles synchronous".into(),
            };
            eprintln!("[tier] CPU time: program thread {:.1} ms{compilers}", ms(cpu));
        }
    }

    /// Queue a compile of `f` at `level` (or raise its waiting one); the profile is taken now,
    /// unless `f` is the program's `main_work`, asked for after a call or two (`Tiering::on_call`):
    /// its job goes without branch weights and without unroll-and-jam, and if it is interpreted
    /// and its build would be long at this run's pace ([`QUICK_FIRST_AFTER`](super::QUICK_FIRST_AFTER)),
    /// at O1 first — `level` follows once that code is installed (`Tiering::follow_quick_code`).
    /// app-tinyllama's `model_forward` took 2-3 s at O3 under QEMU/TCG against 0.6 s at O1, and
    /// its time is mostly in the kernels it calls: its O1 code ran tokens within a few per cent
    /// of its O3 code there. On the host (0.1 s at O3) its O1 code ran them 12-20 % slower, and
    /// the O3 code that follows came later by the O1 build.
    pub(crate) fn queue(&mut self, m: &irvm::Machine, f: FuncId, level: OptLevel, reason: String, main_work: bool) {
        let quick = main_work && level > OptLevel::O1 && self.levels[f.index()].is_none() && self.slow_build(m, f);
        let Some(b) = self.background.as_mut() else { return };
        // (While its quick code is pending, the level that follows it covers every request.)
        if let Some(&pending) = b.pending.get(&(f, None))
            && (pending >= level || quick || b.main_work.quick.contains_key(&f))
        {
            self.specialize_waiting(m, f, pending);
            return;
        }
        if quick {
            b.main_work.quick.insert(f, level);
            let mut job = self.job(m, f, OptLevel::O1, reason, false);
            job.jam = None;
            job.main_work = true;
            self.left_interpreter(m, f);
            if let Some(b) = self.background.as_mut() {
                b.submit(job);
            }
            return;
        }
        // Its calls run native once the job is done: their loops are counted no more from then.
        self.left_interpreter(m, f);
        let mut special = self.specialization_for(m, f, level);
        let mut job = self.job(m, f, level, reason, level >= OptLevel::O2 && !main_work);
        job.pasted_callees = if main_work { self.short_callees(m, f, &job.kept_callees) } else { Vec::new() };
        if main_work {
            // No unroll-and-jam either: whether a nest's data stays in the cache is judged from
            // the pointers its calls passed, and a call or two look like reuse. app-tinyllama's
            // `matmul`, taken for the main work in userspace (its time in `dot`, still
            // interpreted), was jammed from 4 calls, its weights streamed from L3: 1,700 tok/s
            // at the end of the run against 5,000-7,000.
            job.jam = None;
            if let Some(c) = special.as_mut() {
                c.spec.jam = None;
            }
        }
        job.leaves_interpreter = self.levels[f.index()].is_none();
        job.main_work = main_work;
        let plain_main_work = main_work && special.is_none();
        job.special = special;
        if let Some(b) = self.background.as_mut() {
            if plain_main_work {
                b.main_work.unspecialized.insert(f);
            }
            b.submit(job);
        }
    }

    /// Whether a build of `f` would take longer than [`QUICK_FIRST_AFTER`](super::QUICK_FIRST_AFTER)
    /// at the pace of this run's builds so far.
    fn slow_build(&mut self, m: &irvm::Machine, f: FuncId) -> bool {
        let size = self.body_size(m, f);
        self.background.as_ref().and_then(|b| b.pace.expected(size)).is_some_and(|t| t > super::QUICK_FIRST_AFTER)
    }

    /// `f` passed the main work's test (`Tiering::on_call`): whether it is the program's main
    /// work rather than the function queued as such before it. One function is: the one whose
    /// calls took more time (inclusive); the other's job, if it still waits, is ordered and may be
    /// built by the program's thread as a kernel's is (`Job::priority`, `Job::helpable`). A
    /// kernel whose time is in a kernel it calls passes the test at its second call
    /// (app-tinyllama's `matmul`, calling `dot` while `dot` is interpreted, for the query, key
    /// and value projections one after the other) before its caller does; kept as the main work,
    /// it waited 0.9 s under QEMU for the compile thread to finish `dot` while the program's
    /// thread built smaller kernels, and `model_forward`'s job waited behind it.
    pub(crate) fn outermost_main_work(&mut self, m: &irvm::Machine, f: FuncId) -> bool {
        let Some(b) = self.background.as_mut() else { return false };
        if let Some(before) = b.main_work.current.filter(|&g| g != f) {
            if m.inclusive_cycles(before) >= m.inclusive_cycles(f) {
                return false;
            }
            b.queue.update_waiting((before, None), |j| j.main_work = false);
        }
        b.main_work.current = Some(f);
        true
    }

    /// `f`'s quick O1 code as the program's main work was just installed: queue the compile at
    /// the level its request asked for, built as the main work's (no branch weights, its short
    /// callees pasted), behind the jobs that take functions out of the interpreter.
    fn follow_quick_code(&mut self, m: &irvm::Machine, f: FuncId) {
        let Some(level) = self.background.as_mut().and_then(|b| b.main_work.quick.remove(&f)) else { return };
        let reason = format!("the program's main work, after its quick {} code", OptLevel::O1);
        self.queue(m, f, level, reason, true);
    }

    /// A job compiling `f` at `level` as every job does: the calls it keeps, the plain
    /// unroll-and-jam, and with `profiled` the branch weights and profile summary as they are now.
    fn job(&mut self, m: &irvm::Machine, f: FuncId, level: OptLevel, reason: String, profiled: bool) -> Job {
        let mut job = Job::new(f, m.name(f).to_string(), level, reason, crate::policy::heat(m, f));
        job.at_queue = QueuedAt { calls: m.calls(f), exclusive: m.exclusive_cycles(f), clock: m.cycles_so_far() };
        job.kept_callees = self.kept_callees(m, f);
        job.jam = self.plain_jam();
        if profiled {
            job.profile = crate::function_profile(m, f);
            job.summary = job.profile.as_ref().map(|_| crate::profile_summary(m));
        }
        job
    }

    /// A whole-function job of `f` at `level` queued before irvm had recorded enough of its
    /// calls' argument values to choose a specialization — asked for by an OSR point a few
    /// calls in (app-tinyllama's `matmul` after 7 calls, whose row length picks the unrolling
    /// of the `dot` pasted into it) — gets one once they are recorded, if it still waits: the
    /// compile thread then builds it with the choice and the profile as they are at that point.
    /// If it no longer waits and was the program's main work (asked for at the second call, and
    /// taken at once by an idle compile thread: `matmul` in about half the runs), a specialized
    /// recompile at the same level follows it, built like that job (no branch weights, its
    /// short callees pasted); whichever of the two is installed last stays (a plain one that
    /// comes second is dropped). Tried once per function, when enough calls are recorded.
    pub(crate) fn specialize_waiting(&mut self, m: &irvm::Machine, f: FuncId, level: OptLevel) {
        let min_calls = self.min_recorded_calls(m, f);
        let Some(b) = self.background.as_ref() else { return };
        let waiting = b.queue.waits_plain((f, None));
        let follow = !waiting && b.main_work.unspecialized.contains(&f);
        if level < OptLevel::O2 || b.respecialized.contains(&f) || !(waiting || follow) {
            return;
        }
        if crate::specialized::recorded_calls(m, f) < min_calls {
            return;
        }
        let Some(choice) = self.specialization_for(m, f, level) else {
            if let Some(b) = self.background.as_mut() {
                b.respecialized.insert(f);
            }
            return;
        };
        if follow {
            let reason = format!(
                "its main-work job went out plain; specialized from {} calls' values",
                crate::specialized::recorded_calls(m, f)
            );
            let mut job = self.job(m, f, level, reason, false);
            job.pasted_callees = self.short_callees(m, f, &job.kept_callees);
            job.leaves_interpreter = false;
            job.recompile = true;
            job.special = Some(choice);
            if let Some(b) = self.background.as_mut() {
                b.respecialized.insert(f);
                b.submit(job);
            }
            return;
        }
        let profile = crate::function_profile(m, f);
        let summary = profile.as_ref().map(|_| crate::profile_summary(m));
        let kept_callees = self.kept_callees(m, f);
        let heat = crate::policy::heat(m, f);
        let Some(b) = self.background.as_mut() else { return };
        b.respecialized.insert(f);
        b.queue.update_waiting((f, None), |j| {
            j.special = Some(choice);
            if j.profile.is_some() {
                // (A job queued without branch weights stays without.)
                j.profile = profile;
                j.summary = summary;
            }
            j.kept_callees = kept_callees;
            j.heat = heat;
        });
    }

    /// An interpreted `f` whose whole-function job is pending: give it its specialization now if
    /// it has none and enough values are recorded ([`Tiering::specialize_waiting`]). Called at
    /// every tier hook of such an `f`: the main work's request that queued the job may not come
    /// again (its share of the time falls as the other kernels start to run).
    pub(crate) fn specialize_pending(&mut self, m: &irvm::Machine, f: FuncId) {
        let Some(&level) = self.background.as_ref().and_then(|b| b.pending.get(&(f, None))) else { return };
        self.specialize_waiting(m, f, level);
    }

    /// Queue a compile of `f` at its current `level` without a specialization (its live one was
    /// dropped), replacing a waiting job of `f` (which may carry that specialization).
    pub(crate) fn queue_recompile(&mut self, m: &irvm::Machine, f: FuncId, level: OptLevel, reason: String) {
        let mut job = self.job(m, f, level, reason, level >= OptLevel::O2);
        job.leaves_interpreter = false;
        job.recompile = true;
        if let Some(b) = self.background.as_mut() {
            b.submit(job);
        }
    }

    /// Queue the OSR variant of `f` described by `osr` at `level`, with the profile as it is now.
    pub(crate) fn queue_osr(&mut self, m: &irvm::Machine, f: FuncId, osr: OsrJob, level: OptLevel, reason: String) {
        let mut job = self.job(m, f, level, reason, true);
        job.summary = Some(crate::profile_summary(m));
        job.osr = Some(osr);
        if let Some(b) = self.background.as_mut() {
            b.submit(job);
        }
    }

    /// Whether a background compile of an OSR entry of `f` (any point: one at a time, they
    /// compile the same body) is queued or running.
    pub(crate) fn osr_pending(&self, f: FuncId) -> bool {
        self.background.as_ref().is_some_and(|b| b.pending.keys().any(|&(g, p)| g == f && p.is_some()))
    }

    /// Whether a background compile of the whole of `f` is queued or running.
    pub(crate) fn function_pending(&self, f: FuncId) -> bool {
        self.background.as_ref().is_some_and(|b| b.pending.contains_key(&(f, None)))
    }

    /// Link and install every background compile that has finished (the program's thread,
    /// at a tier hook): the function's new code takes over at its next call (irvm's function
    /// table and the call slot), an OSR variant at the next entry of its loop header.
    pub fn install_finished(&mut self, m: &mut irvm::Machine) {
        while let Some(done) = self.background.as_mut().and_then(Compilers::try_finished) {
            if !self.exiting {
                self.install(m, done);
            }
        }
    }

    /// While a job waits and every compile thread is busy building one, the program's thread
    /// builds the best waiting one itself, on the run's own Jit, and installs it, as a
    /// synchronous compile would — if that job's function took at least `MINOR_SHARE` of the
    /// program's time since it was queued (`Queue::take_backlog`): with a backlog of such jobs
    /// (app-tinyllama's kernels within its first tokens) the peak waits for the compiles, and two
    /// CPUs drain them twice as fast; a function that takes a few per cent is not worth
    /// stopping the program for. Otherwise the program runs on while the threads compile.
    pub(crate) fn help_compile(&mut self, m: &mut irvm::Machine) {
        if self.exiting {
            return;
        }
        let Some(b) = self.background.as_ref().filter(|b| !b.pending.is_empty()) else { return };
        let now = m.cycles_so_far();
        b.queue.set_shares(|j| share_since(m, j, now));
        let Some(job) = b.queue.take_backlog() else { return };
        let finished = match self.module() {
            Ok(module) => {
                let (jit, links) = (&mut self.jit, &self.links);
                let slotted = |n: &str| orc_bridge::HostLinks::call_slot(links, n).is_some();
                super::build(jit, module, job, &slotted, self.thread_cpu)
            }
            Err(e) => {
                let waited = job.queued.elapsed();
                let (compile, compile_cpu) = (Duration::ZERO, None);
                Finished { job, result: Err(e), special_error: None, waited, compile, compile_cpu, by_program: true }
            }
        };
        let finished = Finished { by_program: true, ..finished };
        if let Some(b) = self.background.as_mut() {
            b.pending.remove(&finished.job.key());
            b.helped += 1;
        }
        self.install(m, finished);
    }

    /// When the compile threads do not get a CPU of their own (the last measured build ran at
    /// less than [`OWN_CPU`] of one), interpreting on while they compile only takes CPU time
    /// from them: the program then waits, as a synchronous compile would, until the jobs of the
    /// pending keys `of` (a function's whole-function job, or its OSR entries) are done and
    /// installed. Returns whether it waited.
    pub(crate) fn wait_if_starved(
        &mut self,
        m: &mut irvm::Machine,
        of: impl Fn(&(FuncId, Option<u32>)) -> bool,
    ) -> bool {
        if !self.background.as_ref().is_some_and(|b| b.starved && b.pending.keys().any(&of)) {
            return false;
        }
        while self.background.as_ref().is_some_and(|b| b.pending.keys().any(&of)) {
            let Some(done) = self.background.as_mut().and_then(Compilers::wait_finished) else { break };
            self.install(m, done);
        }
        true
    }

    /// New code pasted the bodies of `inlined`: their waiting whole-function jobs go behind
    /// the others (`Job::priority`).
    fn mark_pasted(&self, inlined: &[String]) {
        let Some(b) = self.background.as_ref() else { return };
        for g in inlined.iter().filter_map(|n| self.links.index.get(n)) {
            b.queue.update_waiting((*g, None), |j| j.pasted = true);
        }
    }

    fn install(&mut self, m: &mut irvm::Machine, done: Finished) {
        let Finished { job, result, special_error, waited, compile, compile_cpu, by_program } = done;
        if let (Some(b), Some(cpu)) = (self.background.as_mut(), compile_cpu)
            && compile >= MEASURED_BUILD
        {
            b.starved = cpu.as_secs_f64() < OWN_CPU * compile.as_secs_f64();
        }
        let mut special = job.special;
        if let Some(e) = special_error {
            if self.verbose {
                eprintln!("[tier] {}: not specialized ({e})", job.name);
            }
            self.failed.push((format!("{} (specialized)", job.name), e.to_string()));
            special = None;
        }
        let f = job.func;
        let point = job.osr.as_ref().map(|o| (o.point, o.header));
        if point.is_none() && result.is_ok() {
            let size = self.body_size(m, f);
            if let Some(b) = self.background.as_mut() {
                b.pace.note(size, compile);
            }
        }
        let now = self.levels[f.index()];
        if point.is_none() && (now > Some(job.level) || (now == Some(job.level) && !job.recompile)) {
            return; // Already there (compiled synchronously for native code meanwhile).
        }
        let t0 = Instant::now();
        let linked = result.and_then(|b| self.jit.link_built(b, &self.links).map_err(TierError::from));
        let linked = linked.and_then(|c| self.prepare_callees(m, &c.host_symbols, job.level).map(|_| c));
        let ms = (compile + t0.elapsed()).as_secs_f64() * 1e3;
        let times = Some(crate::BackgroundTimes {
            queue_ms: waited.as_secs_f64() * 1e3,
            cpu_ms: compile_cpu.map(|c| c.as_secs_f64() * 1e3),
            by_program,
            share: job.share,
        });
        if let Ok(c) = &linked {
            self.mark_pasted(&c.inlined);
        }
        match (linked, point) {
            (Ok(c), None) => {
                self.adopt(m, f, &c, job.reason, ms, times, special);
                self.follow_quick_code(m, f);
            }
            (Ok(c), Some((point, _))) => {
                let from = self.levels[f.index()];
                let ev = crate::Event {
                    function: job.name,
                    from,
                    to: job.level,
                    reason: job.reason,
                    compile_ms: ms,
                    specialized: None,
                    background: times,
                    inlined: c.inlined.clone(),
                };
                self.record(ev);
                self.note_perf_map(&c.symbol, c.address, &c.object);
                self.left_interpreter(m, f);
                self.osr.insert(f, point, job.level, c.address as usize);
            }
            (Err(e), None) => {
                if self.verbose {
                    eprintln!("[tier] {}: stays {} ({e})", job.name, crate::event::tier_name(self.levels[f.index()]));
                }
                self.failed.push((job.name, e.to_string()));
                self.settle(m, f);
            }
            (Err(e), Some((point, header))) => {
                if self.verbose {
                    let now = crate::event::tier_name(self.levels[f.index()]);
                    eprintln!("[tier] {}: no OSR at loop header block {header}, stays {now} ({e})", job.name);
                }
                self.failed.push((format!("{} (OSR at block {header})", job.name), e.to_string()));
                self.osr.fail(f, point);
            }
        }
    }
}

/// The share of the program's time (0 to 1) that `job`'s function has taken since the job was
/// queued, up to irvm's clock `now`: its exclusive cycles since then over the time since then,
/// once it was called twice since (the call in progress when it was queued adds its time
/// before that: with a second call, at most half). `None` until then (not measured yet). Not
/// the average call over the run: a function whose calls grow (app-tinyllama's `softmax`, over
/// the positions so far) measured 5 % that way, and its compile then took tokens from 22 to 14
/// ms. An OSR entry's activation has run interpreted all along: 1 — unless the function's calls
/// run native code by now, whose activation still interpreted is the one that was running when
/// that code came and ends as its call does (app-tinyllama's `model_forward`, asking for an OSR
/// entry in the token during which its whole-function code was installed: the program's thread
/// stopped 1.7 s under QEMU to build an entry for one token's loop): not measured.
fn share_since(m: &irvm::Machine, job: &Job, now: u64) -> Option<f64> {
    if job.osr.is_some() {
        return (m.native_code(job.func) == 0).then_some(1.0);
    }
    let then = job.at_queue;
    if m.calls(job.func).saturating_sub(then.calls) < 2 {
        return None;
    }
    let spent = m.exclusive_cycles(job.func).saturating_sub(then.exclusive);
    Some((spent as f64 / now.saturating_sub(then.clock).max(1) as f64).min(1.0))
}
