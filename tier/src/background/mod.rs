//! Background compilation: compile threads, each with its own `Jit` (its own LLVM context,
//! target machines and copy of the program's module — LLVM contexts are not shared between
//! threads), build objects ([`orc_bridge::Jit::build_object`]) while the program keeps running
//! interpreted or in its old tier. The run's own Jit links each finished object when the program
//! next reaches a tier hook ([`crate::Tiering::install_finished`]): only the thread that runs
//! the program touches irvm's machine, the call slots and the run's ORC session.
//!
//! The queue holds at most one job per function (and per OSR point): a function that gets
//! hotter while its job waits has that job raised to the new level and profile, so a busy
//! compile thread skips tiers rather than compiling each in turn. Threads take the job of the
//! largest expected gain first (`Job::priority`). Results come back through a channel. Plain `std::thread`, `Mutex`, `Condvar` and
//! channels: nothing here is specific to Linux.

mod pace;
mod queue;
mod tiering;

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, mpsc};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use irvm::FuncId;
use orc_bridge::{BuiltObject, Jit, JitConfig, ModuleId, OptLevel, OsrSpec, Variant};

use pace::BuildPace;
use queue::Queue;
pub(crate) use queue::{Job, OsrJob, QueuedAt};

use crate::TierError;
use crate::main_work::MainWork;

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
    /// Set up (the Jit, the program's module) when the first job comes rather than at once: a
    /// warm start from a snapshot of the program usually queues none, and a set-up running
    /// beside the program's start (parsing the bitcode, allocating) slowed its first token
    /// by about 3.5 ms of 16 (docs/performance.md, "A warm start's compile thread").
    pub lazy: bool,
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
    /// Built by the program's thread (`Tiering::help_compile`).
    pub(crate) by_program: bool,
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
    /// Functions whose waiting job was given a specialization (`Tiering::specialize_waiting`:
    /// tried once per function).
    pub(crate) respecialized: HashSet<FuncId>,
    /// The program's main work, its jobs' state.
    pub(crate) main_work: MainWork,
    /// How long builds take in this run (`Tiering::install` notes each).
    pub(crate) pace: BuildPace,
    /// Jobs the program's thread built itself (`Tiering::help_compile`).
    pub(crate) helped: usize,
    /// irvm's clock (`Machine::cycles_so_far`) at each function's first tier hook, its first
    /// call: the time since then is the whole its share is measured against
    /// (`Tiering::share_since_first_call`).
    pub(crate) first_hook: HashMap<FuncId, u64>,
}

/// A main work whose compile would take longer than this, at the pace this run's builds went
/// so far, gets O1 code first, its level following (`Tiering::queue`).
pub(crate) const QUICK_FIRST_AFTER: Duration = Duration::from_millis(500);

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
        let (pending, respecialized) = (HashMap::new(), HashSet::new());
        let helped = 0;
        Ok(Compilers {
            queue,
            done: done_rx,
            stop,
            threads: handles,
            report,
            pending,
            starved: false,
            respecialized,
            helped,
            first_hook: HashMap::new(),
            main_work: MainWork::default(),
            pace: BuildPace::default(),
        })
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
    /// Threads that set themselves up (a lazy one does at its first job), and how long it took.
    pub(crate) set_up: usize,
    pub(crate) setup: Duration,
    pub(crate) cpu: Option<Duration>,
}

impl ThreadReport {
    fn add(&mut self, r: &ThreadReport) {
        self.built += r.built;
        self.set_up += r.set_up;
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
    let mut report = ThreadReport::default();
    compile_jobs(k, &setup, jobs, done, stop, &mut report);
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
    report: &mut ThreadReport,
) {
    // The job that a lazy thread waited for before setting itself up.
    let mut first = None;
    if setup.lazy {
        first = jobs.take();
        if first.is_none() {
            return;
        }
    }
    let started = Instant::now();
    let mut jit = Jit::new(&JitConfig::default()).and_then(|mut jit| {
        jit.set_fp_contraction(setup.fp_contraction);
        // Distinct from the run's own Jit (which still compiles what native code needs at once).
        jit.set_symbol_tag(&format!("bg{k}."));
        let module = jit.load_bitcode(&setup.name, &setup.bitcode)?;
        Ok((jit, module))
    });
    report.setup = started.elapsed();
    report.set_up = 1;
    jobs.thread_ready();
    loop {
        let Some(job) = first.take().or_else(|| jobs.take()) else { return };
        if stop.load(Ordering::SeqCst) {
            return;
        }
        let result = match &mut jit {
            Err(e) => {
                let waited = job.queued.elapsed();
                let error = Err(TierError::Jit(e.clone()));
                let (compile, compile_cpu) = (Duration::ZERO, None);
                Finished { job, result: error, special_error: None, waited, compile, compile_cpu, by_program: false }
            }
            Ok((jit, module)) => build(jit, *module, job, &|n| setup.slotted.contains(n), setup.thread_cpu),
        };
        report.built += 1;
        let sent = !stop.load(Ordering::SeqCst) && done.send(result).is_ok();
        jobs.job_done();
        if !sent {
            return;
        }
    }
}

/// Build `job` with `jit` (whose copy of the program is `module`): the object, and why its
/// specialization did not build if it did not (the plain function is built instead, as
/// synchronously). `slotted` says which app functions have a call slot; `thread_cpu` measures
/// the build's CPU time where the platform can.
pub(crate) fn build(
    jit: &mut Jit,
    module: ModuleId,
    job: Job,
    slotted: &dyn Fn(&str) -> bool,
    thread_cpu: fn() -> Option<Duration>,
) -> Finished {
    let waited = job.queued.elapsed();
    let (t0, cpu0) = (Instant::now(), thread_cpu());
    let mut special_error = None;
    jit.set_profile_summary(job.summary.clone());
    jit.set_kept_callees(job.kept_callees.clone());
    jit.set_pasted_callees(job.pasted_callees.clone());
    jit.set_unroll_and_jam(job.jam);
    let spec = job.osr.as_ref().map(|o| OsrSpec { header: o.header, values: &o.values });
    let mut build = |variant| {
        jit.build_object(module, &job.name, job.level, slotted, job.profile.as_ref(), variant).map_err(TierError::from)
    };
    let result = match (&spec, &job.special) {
        (Some(spec), _) => build(Variant::Osr(spec)),
        (None, Some(choice)) => build(Variant::Specialized(&choice.spec)).or_else(|e| {
            special_error = Some(e);
            build(Variant::Plain)
        }),
        (None, None) => build(Variant::Plain),
    };
    let compile = t0.elapsed();
    let compile_cpu = cpu0.zip(thread_cpu()).map(|(a, b)| b.saturating_sub(a));
    Finished { job, result, special_error, waited, compile, compile_cpu, by_program: false }
}
