//! Background compilation: compile threads, each with its own `Jit` (its own LLVM context,
//! target machines and copy of the program's module — LLVM contexts are not shared between
//! threads), build objects ([`orc_bridge::Jit::build_object`]) while the program keeps running
//! interpreted or in its old tier. The run's own Jit links each finished object when the program
//! next reaches a tier hook ([`crate::Tiering::install_finished`]): only the thread that runs
//! the program touches irvm's machine, the call slots and the run's ORC session.
//!
//! The queue holds at most one job per function (and per OSR point): a function that gets
//! hotter while its job waits has that job raised to the new level and profile, so a busy
//! compile thread skips tiers rather than compiling each in turn. Threads take the hottest
//! function first. Results come back through a channel. Plain `std::thread`, `Mutex`, `Condvar` and
//! channels: nothing here is specific to Linux.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, mpsc};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use irvm::FuncId;
use orc_bridge::{BuiltObject, FunctionProfile, Jit, JitConfig, OptLevel, OsrEntry, OsrSpec, ProfileSummary, Variant};

use crate::TierError;

/// What one compile thread needs to set itself up: the program and the settings the run's Jit
/// compiles with (the objects must be interchangeable with the run's own).
#[derive(Clone)]
pub struct CompilerSetup {
    /// The program's name and bitcode (as the run's Jit reads them).
    pub name: String,
    pub bitcode: Arc<Vec<u8>>,
    pub fp_contraction: bool,
    /// App functions that have a call slot (the run's `Links::index`).
    pub slotted: Arc<HashSet<String>>,
    /// The calling thread's CPU time, if the platform measures it (`Tiering::thread_cpu`).
    pub thread_cpu: fn() -> Option<Duration>,
}

/// An OSR entry to compile: irvm's OSR point, its loop header block, the live values' layout.
pub(crate) struct OsrJob {
    pub(crate) point: u32,
    pub(crate) header: u32,
    pub(crate) values: Vec<OsrEntry>,
}

/// A compile to do: the function (or its OSR variant at `osr.header`), the level, and the
/// profile as the interpreter's counters were when it was queued.
pub(crate) struct Job {
    pub(crate) func: FuncId,
    /// The OSR entry to compile; `None`: the whole function.
    pub(crate) osr: Option<OsrJob>,
    /// The guarded specialization to compile the function as (not for OSR entries).
    pub(crate) special: Option<crate::specialize::Choice>,
    pub(crate) name: String,
    pub(crate) level: OptLevel,
    pub(crate) reason: String,
    pub(crate) profile: Option<FunctionProfile>,
    pub(crate) summary: Option<ProfileSummary>,
    /// Functions whose code was a guarded specialization when queued (their calls stay calls).
    pub(crate) specialized_callees: Vec<String>,
    /// The unroll-and-jam of compiles without a specialization's own (`Tiering::plain_jam`).
    pub(crate) jam: Option<orc_bridge::Jam>,
    /// The function's heat when (last) queued: the order among waiting jobs.
    pub(crate) heat: u64,
    /// The job replaces the function's code at the same level (a dropped specialization).
    pub(crate) recompile: bool,
    /// The function still runs interpreted (no native code yet; an OSR entry is always for an
    /// interpreted activation): the job takes it out of irvm, a gain of an order of magnitude,
    /// where moving native code up a tier gains a fraction.
    pub(crate) leaves_interpreter: bool,
    queued: Instant,
}

impl Job {
    pub(crate) fn new(func: FuncId, name: String, level: OptLevel, reason: String, heat: u64) -> Job {
        let queued = Instant::now();
        let leaves_interpreter = true;
        let recompile = false;
        Job {
            func,
            osr: None,
            special: None,
            name,
            level,
            reason,
            profile: None,
            summary: None,
            specialized_callees: Vec::new(),
            jam: None,
            heat,
            recompile,
            leaves_interpreter,
            queued,
        }
    }

    /// Which waiting job goes first, by expected gain: a job that takes a function out of the
    /// interpreter before one that moves native code up a tier; among those an OSR entry first
    /// (its activation runs interpreted until the entry is ready, and the heat of a loop that
    /// calls the program's work — a model's forward pass — counts only its own iterations);
    /// then the hotter function.
    fn priority(&self) -> (bool, bool, u64) {
        (self.leaves_interpreter, self.osr.is_some(), self.heat)
    }

    /// The pending-set key: (function, OSR point).
    pub(crate) fn key(&self) -> (FuncId, Option<u32>) {
        (self.func, self.osr.as_ref().map(|o| o.point))
    }
}

/// A job done by a compile thread.
pub(crate) struct Finished {
    pub(crate) job: Job,
    pub(crate) result: Result<BuiltObject, TierError>,
    /// Why the job's specialization did not build (the plain function was built instead).
    pub(crate) special_error: Option<TierError>,
    /// Time in the queue, and building the object (wall and, if measured, the thread's CPU).
    pub(crate) waited: Duration,
    pub(crate) compile: Duration,
    pub(crate) compile_cpu: Option<Duration>,
}

/// The waiting jobs, shared by the program's thread (which adds) and the compile threads
/// (which take).
#[derive(Default)]
struct Queue {
    state: Mutex<QueueState>,
    ready: Condvar,
}

#[derive(Default)]
struct QueueState {
    jobs: Vec<Job>,
    /// No more jobs: threads end once they see it.
    closed: bool,
}

impl Queue {
    fn lock(&self) -> std::sync::MutexGuard<'_, QueueState> {
        // A compile thread that panicked cannot leave the list half-changed (one push, one
        // swap_remove): the state is usable after a poisoning.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Add `job`, or raise the waiting job of the same key to it (keeping its place in time).
    /// False: the queue is closed.
    fn put(&self, job: Job) -> bool {
        let mut q = self.lock();
        if q.closed {
            return false;
        }
        match q.jobs.iter_mut().find(|j| j.key() == job.key()) {
            Some(waiting) if job.level >= waiting.level => *waiting = Job { queued: waiting.queued, ..job },
            Some(_) => {}
            None => q.jobs.push(job),
        }
        self.ready.notify_one();
        true
    }

    /// The job to do next, waiting for one; `None` once closed.
    fn take(&self) -> Option<Job> {
        let mut q = self.lock();
        loop {
            if q.closed {
                return None;
            }
            let best = q.jobs.iter().enumerate().max_by_key(|(_, j)| j.priority()).map(|(i, _)| i);
            if let Some(i) = best {
                return Some(q.jobs.swap_remove(i));
            }
            q = self.ready.wait(q).unwrap_or_else(|p| p.into_inner());
        }
    }

    fn close(&self) {
        let mut q = self.lock();
        q.closed = true;
        q.jobs.clear();
        self.ready.notify_all();
    }
}

/// The compile threads of one run and their queues.
pub struct Compilers {
    queue: Arc<Queue>,
    done: mpsc::Receiver<Finished>,
    stop: Arc<AtomicBool>,
    threads: Vec<JoinHandle<ThreadReport>>,
    /// What the compile threads did, added up as they are joined.
    pub(crate) report: ThreadReport,
    /// Queued or compiling: (function, OSR point) → the highest level asked for.
    pub(crate) pending: HashMap<(FuncId, Option<u32>), OptLevel>,
    /// The last measured compile got less than [`OWN_CPU`] of a CPU: the compile threads share
    /// the program's CPU time (a loaded machine).
    starved: bool,
}

/// The share of a CPU (CPU time over wall time of one build) below which a compile thread is
/// taken not to have a CPU of its own.
const OWN_CPU: f64 = 0.75;

/// Builds shorter than this do not measure the compile thread's share of a CPU.
const MEASURED_BUILD: Duration = Duration::from_millis(20);

impl Compilers {
    /// Start `threads` compile threads. Fails (with the reason) where threads cannot be created
    /// (a platform without them): the caller then compiles synchronously.
    pub fn start(setup: CompilerSetup, threads: usize) -> Result<Compilers, String> {
        let queue = Arc::new(Queue::default());
        let (done_tx, done_rx) = mpsc::channel::<Finished>();
        let stop = Arc::new(AtomicBool::new(false));
        let mut handles = Vec::new();
        for k in 0..threads {
            let (setup, jobs, done, stop) = (setup.clone(), queue.clone(), done_tx.clone(), stop.clone());
            let h = std::thread::Builder::new()
                .name(format!("bareflow-jit-{k}"))
                // LLVM's passes and instruction selection recurse deeply on big functions: the
                // same stack as the main thread's.
                .stack_size(8 << 20)
                .spawn(move || compile_thread(k, setup, &jobs, &done, &stop))
                .map_err(|e| {
                    queue.close();
                    format!("cannot start compile thread {k}: {e}")
                })?;
            handles.push(h);
        }
        let report = ThreadReport::default();
        Ok(Compilers { queue, done: done_rx, stop, threads: handles, report, pending: HashMap::new(), starved: false })
    }

    /// Queue a job, or raise the waiting one of the same function (ignored once stopping).
    pub(crate) fn submit(&mut self, job: Job) {
        let (key, level) = (job.key(), job.level);
        if self.queue.put(job) {
            let l = self.pending.entry(key).or_insert(level);
            *l = (*l).max(level);
        }
    }

    /// The next finished job, if any (does not wait).
    pub(crate) fn try_finished(&mut self) -> Option<Finished> {
        let f = self.done.try_recv().ok()?;
        self.pending.remove(&f.job.key());
        Some(f)
    }

    /// The next finished job, waiting for one; `None` if no compile thread is left.
    fn wait_finished(&mut self) -> Option<Finished> {
        let f = self.done.recv().ok()?;
        self.pending.remove(&f.job.key());
        Some(f)
    }

    /// Stop: queued jobs are dropped, a compile in progress is finished and discarded, the
    /// threads are joined (LLVM must not run on them while the process exits).
    pub fn stop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        self.queue.close();
        for h in self.threads.drain(..) {
            if let Ok(r) = h.join() {
                self.report.add(&r);
            }
        }
        self.pending.clear();
    }
}

impl Drop for Compilers {
    fn drop(&mut self) {
        self.stop();
    }
}

/// What compile threads did: objects built, set-up (Jit and module) wall time, CPU time (where
/// the platform measures it per thread).
#[derive(Clone, Copy, Default)]
pub(crate) struct ThreadReport {
    pub(crate) built: usize,
    pub(crate) setup: Duration,
    pub(crate) cpu: Option<Duration>,
}

impl ThreadReport {
    fn add(&mut self, r: &ThreadReport) {
        self.built += r.built;
        self.setup += r.setup;
        self.cpu = match (self.cpu, r.cpu) {
            (Some(a), Some(b)) => Some(a + b),
            (a, b) => a.or(b),
        };
    }
}

/// One compile thread: set up its Jit, then build objects until the queue closes or `stop`.
fn compile_thread(
    k: usize,
    setup: CompilerSetup,
    jobs: &Queue,
    done: &mpsc::Sender<Finished>,
    stop: &AtomicBool,
) -> ThreadReport {
    let t0 = Instant::now();
    let mut report = ThreadReport::default();
    compile_jobs(k, &setup, jobs, done, stop, t0, &mut report);
    report.cpu = (setup.thread_cpu)();
    report
}

/// [`compile_thread`]'s work: its Jit and module (set-up time into `report`), then the jobs.
fn compile_jobs(
    k: usize,
    setup: &CompilerSetup,
    jobs: &Queue,
    done: &mpsc::Sender<Finished>,
    stop: &AtomicBool,
    started: Instant,
    report: &mut ThreadReport,
) {
    let mut jit = Jit::new(&JitConfig::default()).and_then(|mut jit| {
        jit.set_fp_contraction(setup.fp_contraction);
        // Distinct from the run's own Jit (which still compiles what native code needs at once).
        jit.set_symbol_tag(&format!("bg{k}."));
        let module = jit.load_bitcode(&setup.name, &setup.bitcode)?;
        Ok((jit, module))
    });
    report.setup = started.elapsed();
    loop {
        let Some(job) = jobs.take() else { return };
        if stop.load(Ordering::SeqCst) {
            return;
        }
        let waited = job.queued.elapsed();
        let (t0, cpu0) = (Instant::now(), (setup.thread_cpu)());
        let mut special_error = None;
        let result = match &mut jit {
            Err(e) => Err(TierError::Jit(e.clone())),
            Ok((jit, module)) => {
                jit.set_profile_summary(job.summary.clone());
                jit.set_specialized_callees(job.specialized_callees.clone());
                jit.set_unroll_and_jam(job.jam);
                let spec = job.osr.as_ref().map(|o| OsrSpec { header: o.header, values: &o.values });
                let slotted = |n: &str| setup.slotted.contains(n);
                let mut build = |variant| {
                    jit.build_object(*module, &job.name, job.level, &slotted, job.profile.as_ref(), variant)
                        .map_err(TierError::from)
                };
                match (&spec, &job.special) {
                    (Some(spec), _) => build(Variant::Osr(spec)),
                    (None, Some(choice)) => build(Variant::Specialized(&choice.spec)).or_else(|e| {
                        // As synchronously: the plain function still compiles.
                        special_error = Some(e);
                        build(Variant::Plain)
                    }),
                    (None, None) => build(Variant::Plain),
                }
            }
        };
        let compile = t0.elapsed();
        let compile_cpu = cpu0.zip((setup.thread_cpu)()).map(|(a, b)| b.saturating_sub(a));
        report.built += 1;
        let finished = Finished { job, result, special_error, waited, compile, compile_cpu };
        if stop.load(Ordering::SeqCst) || done.send(finished).is_err() {
            return;
        }
    }
}

impl crate::Tiering {
    /// Compile on `threads` background threads from now on (0: synchronously, as a new
    /// Tiering does). Call after the Jit's settings (fp contraction) are final. Where threads
    /// cannot be started, returns why and stays synchronous.
    pub fn start_background(&mut self, threads: usize) -> Result<(), String> {
        if threads == 0 {
            return Ok(());
        }
        let setup = CompilerSetup {
            name: self.source_name.clone(),
            bitcode: Arc::new(self.source_bitcode.clone()),
            fp_contraction: self.jit.fp_contraction(),
            slotted: Arc::new(self.links.index.keys().cloned().collect()),
            thread_cpu: self.thread_cpu,
        };
        self.background = Some(Compilers::start(setup, threads)?);
        Ok(())
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
                    "; compile threads {} ms ({} objects built, set-up {:.1} ms)",
                    r.cpu.map_or("?".into(), |c| format!("{:.1}", ms(c))),
                    r.built,
                    ms(r.setup)
                ),
                None => ", compiles synchronous".into(),
            };
            eprintln!("[tier] CPU time: program thread {:.1} ms{compilers}", ms(cpu));
        }
    }

    /// Queue a compile of `f` at `level` (or raise its waiting one); the profile is taken now.
    pub(crate) fn queue(&mut self, m: &irvm::Machine, f: FuncId, level: OptLevel, reason: String) {
        let Some(b) = self.background.as_mut() else { return };
        if b.pending.get(&(f, None)).is_some_and(|&l| l >= level) {
            return;
        }
        let special = self.specialization_for(m, f, level);
        let specialized_callees = self.live_specializations();
        let jam = self.plain_jam();
        let Some(b) = self.background.as_mut() else { return };
        let mut job = Job::new(f, m.name(f).to_string(), level, reason, crate::policy::heat(m, f));
        job.leaves_interpreter = self.levels[f.index()].is_none();
        job.special = special;
        job.specialized_callees = specialized_callees;
        job.jam = jam;
        if level >= OptLevel::O2 {
            job.profile = crate::function_profile(m, f);
            job.summary = job.profile.as_ref().map(|_| crate::profile_summary(m));
        }
        b.submit(job);
    }

    /// Queue a compile of `f` at its current `level` without a specialization (its live one was
    /// dropped), replacing a waiting job of `f` (which may carry that specialization).
    pub(crate) fn queue_recompile(&mut self, m: &irvm::Machine, f: FuncId, level: OptLevel, reason: String) {
        let specialized_callees = self.live_specializations();
        let jam = self.plain_jam();
        let Some(b) = self.background.as_mut() else { return };
        let mut job = Job::new(f, m.name(f).to_string(), level, reason, crate::policy::heat(m, f));
        job.leaves_interpreter = false;
        job.recompile = true;
        job.specialized_callees = specialized_callees;
        job.jam = jam;
        if level >= OptLevel::O2 {
            job.profile = crate::function_profile(m, f);
            job.summary = job.profile.as_ref().map(|_| crate::profile_summary(m));
        }
        b.submit(job);
    }

    /// Queue the OSR variant of `f` described by `osr` at `level`, with the profile as it is now.
    pub(crate) fn queue_osr(&mut self, m: &irvm::Machine, f: FuncId, osr: OsrJob, level: OptLevel, reason: String) {
        let specialized_callees = self.live_specializations();
        let jam = self.plain_jam();
        let Some(b) = self.background.as_mut() else { return };
        let mut job = Job::new(f, m.name(f).to_string(), level, reason, crate::policy::heat(m, f));
        job.osr = Some(osr);
        job.specialized_callees = specialized_callees;
        job.jam = jam;
        job.profile = crate::function_profile(m, f);
        job.summary = Some(crate::profile_summary(m));
        b.submit(job);
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

    fn install(&mut self, m: &mut irvm::Machine, done: Finished) {
        let Finished { job, result, special_error, waited, compile, compile_cpu } = done;
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
        });
        match (linked, point) {
            (Ok(c), None) => self.adopt(m, f, &c, job.reason, ms, times, special),
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
                self.osr.insert(f, point, job.level, c.address as usize);
            }
            (Err(e), None) => {
                if self.verbose {
                    eprintln!("[tier] {}: stays {} ({e})", job.name, crate::tier_name(self.levels[f.index()]));
                }
                self.failed.push((job.name, e.to_string()));
                self.settle(m, f);
            }
            (Err(e), Some((point, header))) => {
                if self.verbose {
                    let now = crate::tier_name(self.levels[f.index()]);
                    eprintln!("[tier] {}: no OSR at loop header block {header}, stays {now} ({e})", job.name);
                }
                self.failed.push((format!("{} (OSR at block {header})", job.name), e.to_string()));
                self.osr.fail(f, point);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(f: u32, level: OptLevel, heat: u64) -> Job {
        Job::new(FuncId(f), format!("f{f}"), level, String::new(), heat)
    }

    #[test]
    fn hottest_first_and_a_hotter_request_raises_the_waiting_job() {
        let q = Queue::default();
        assert!(q.put(job(1, OptLevel::O1, 300)));
        assert!(q.put(job(2, OptLevel::O1, 250)));
        let queued_at = q.lock().jobs[0].queued;
        // f1 got hotter while waiting: its job is raised in place (same place in time).
        assert!(q.put(job(1, OptLevel::O2, 6000)));
        // A lower request never lowers a waiting job.
        assert!(q.put(job(1, OptLevel::O1, 7000)));
        assert_eq!(q.lock().jobs.len(), 2);
        let first = q.take().unwrap();
        assert_eq!((first.func, first.level, first.heat), (FuncId(1), OptLevel::O2, 6000));
        assert_eq!(first.queued, queued_at);
        // An OSR entry of f2 is a job of its own, ahead of f2's whole-function job at equal heat.
        let mut osr = job(2, OptLevel::O3, 250);
        osr.osr = Some(OsrJob { point: 0, header: 3, values: Vec::new() });
        assert!(q.put(osr));
        assert_eq!(q.take().unwrap().key(), (FuncId(2), Some(0)));
        assert_eq!(q.take().unwrap().key(), (FuncId(2), None));
        q.close();
        assert!(q.take().is_none());
        assert!(!q.put(job(3, OptLevel::O1, 1)), "a closed queue takes no job");
    }

    #[test]
    fn leaving_the_interpreter_goes_before_a_hotter_tier_up() {
        let q = Queue::default();
        let mut up = job(1, OptLevel::O3, 200_000);
        up.leaves_interpreter = false;
        assert!(q.put(up));
        assert!(q.put(job(2, OptLevel::O2, 6000)));
        let mut osr = job(3, OptLevel::O3, 2000);
        osr.osr = Some(OsrJob { point: 1, header: 6, values: Vec::new() });
        assert!(q.put(osr));
        // The OSR entry of a running activation, then the interpreted function, then the tier-up.
        assert_eq!(q.take().unwrap().key(), (FuncId(3), Some(1)));
        assert_eq!(q.take().unwrap().key(), (FuncId(2), None));
        assert_eq!(q.take().unwrap().key(), (FuncId(1), None));
        q.close();
        assert!(!q.put(job(3, OptLevel::O1, 1)), "a closed queue takes no job");
    }
}
