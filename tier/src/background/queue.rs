//! The queue of background compile jobs: at most one job per function (and per OSR point),
//! raised in place when its function gets hotter while it waits, taken by expected gain.

use std::sync::{Condvar, Mutex};
use std::time::Instant;

use irvm::FuncId;

/// The share of the program's time under which a waiting job's function is minor: the program's
/// thread does not stop to build it, and it goes after the program's main work
/// (`Job::priority`). app-tinyllama's `sampler_sample`, 0.6-0.8 s to build under QEMU/TCG, takes
/// 1-3 % of its tokens' time interpreted; the program's thread stopped for it at token 8, with
/// the run already at its final rate.
pub(crate) const MINOR_SHARE: f64 = 0.05;
use orc_bridge::{FunctionProfile, OptLevel, OsrEntry, ProfileSummary};

/// An OSR entry to compile: irvm's OSR point, its loop header block, the live values' layout.
pub(crate) struct OsrJob {
    pub(crate) point: u32,
    pub(crate) header: u32,
    pub(crate) values: Vec<OsrEntry>,
}

/// A function's calls, its exclusive cycles and irvm's clock (`Machine::cycles_so_far`) at one
/// moment.
#[derive(Clone, Copy, Default)]
pub(crate) struct QueuedAt {
    pub(crate) calls: u64,
    pub(crate) exclusive: u64,
    pub(crate) clock: u64,
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
    /// Functions whose calls stay calls (`Tiering::kept_callees` when queued).
    pub(crate) kept_callees: Vec<String>,
    /// Functions whose calls are pasted (the main work's short callees, `Tiering::queue`).
    pub(crate) pasted_callees: Vec<String>,
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
    /// Code installed since the job was queued pasted the function's body in (see `priority`).
    pub(crate) pasted: bool,
    /// The function is the program's main work (see `priority`).
    pub(crate) main_work: bool,
    pub(crate) queued: Instant,
    /// The function's counts when the job was first queued: the share of the program's time it
    /// has taken since (`Tiering::help_compile`).
    pub(crate) at_queue: QueuedAt,
    /// That share (0 to 1) as the program's thread last measured it (`Queue::set_shares`);
    /// `None` until then.
    pub(crate) share: Option<f64>,
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
            kept_callees: Vec::new(),
            pasted_callees: Vec::new(),
            jam: None,
            heat,
            recompile,
            leaves_interpreter,
            pasted: false,
            main_work: false,
            queued,
            at_queue: QueuedAt::default(),
            share: None,
        }
    }

    /// Which waiting job goes first, by expected gain: a job that takes a function out of the
    /// interpreter before one that moves native code up a tier; among those an OSR entry first
    /// (its activation runs interpreted until the entry is ready, and the heat of a loop that
    /// calls the program's work — a model's forward pass — counts only its own iterations);
    /// then the function that took the larger share of the program's time since it was queued
    /// (`share`, as measured), then the hotter one. Heat counts loop iterations, not time:
    /// app-tinyllama's `sampler_sample` and `softmax` are as hot by their loop counts as `axpy`
    /// and `rope`, which take several times their share of a token while interpreted.
    /// A job whose function was pasted into code installed since it was queued comes after
    /// the others: that caller no longer enters it (app-tinyllama's `softmax` and `axpy`, pasted
    /// into `model_forward`'s attention loop, would otherwise be compiled before the kernels
    /// `model_forward` still calls).
    ///
    /// The program's main work (`Tiering::on_call`) goes after the others but before those whose
    /// measured share is under [`MINOR_SHARE`], and only to a compile thread (`take_backlog`
    /// leaves it): its compile is the longest of the run (1.2-2.3 s under QEMU/TCG), and the
    /// rate waits for the kernels it calls first (built first, and often on the program's
    /// thread, it held up the kernels and the cold boot's peak). Its own share understates its
    /// gain: the time its interpreted calls into native kernels cost is charged to the kernels,
    /// and its code pastes its short callees (app-tinyllama's tokens at position 200 took 20 ms
    /// with `model_forward` interpreted, 14 ms once it was compiled, while its own share
    /// measured 1-5 %); behind every minor job it came in the last quarter of the run.
    fn priority(&self) -> (bool, u8, bool, bool, u64, u64) {
        let rank = match self.share {
            _ if self.main_work => 1,
            Some(s) if s < MINOR_SHARE => 0,
            _ => 2,
        };
        // In millionths: an order that `f64` does not give.
        let share = (self.share.unwrap_or(0.0).clamp(0.0, 1.0) * 1e6) as u64;
        (!self.pasted, rank, self.leaves_interpreter, self.osr.is_some(), share, self.heat)
    }

    /// Whether the program's thread may build this job (`Queue::take_backlog`): a function that
    /// took at least [`MINOR_SHARE`] of the time since the job was queued; not the main work's
    /// long build, but its quick O1 code (`Tiering::queue`), whatever its own share (its time is
    /// in its callees) — under QEMU/TCG `model_forward`'s waited 0.7-1 s for the compile thread
    /// to finish `matmul`, and it builds in about half that.
    fn helpable(&self) -> bool {
        match self.main_work {
            true => self.level == OptLevel::O1,
            false => self.share.is_some_and(|s| s >= MINOR_SHARE),
        }
    }

    /// The pending-set key: (function, OSR point).
    pub(crate) fn key(&self) -> (FuncId, Option<u32>) {
        (self.func, self.osr.as_ref().map(|o| o.point))
    }
}

/// The waiting jobs, shared by the program's thread (which adds) and the compile threads
/// (which take).
#[derive(Default)]
pub(crate) struct Queue {
    state: Mutex<QueueState>,
    ready: Condvar,
}

#[derive(Default)]
struct QueueState {
    jobs: Vec<Job>,
    /// No more jobs: threads end once they see it.
    closed: bool,
    /// Compile threads taking jobs (set up), and how many of them are building one now.
    threads: usize,
    busy: usize,
}

impl Queue {
    fn lock(&self) -> std::sync::MutexGuard<'_, QueueState> {
        // A compile thread that panicked cannot leave the list half-changed (one push, one
        // swap_remove): the state is usable after a poisoning.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Add `job`, or raise the waiting job of the same key to it (keeping its place in time).
    /// False: the queue is closed.
    pub(crate) fn put(&self, job: Job) -> bool {
        let mut q = self.lock();
        if q.closed {
            return false;
        }
        match q.jobs.iter_mut().find(|j| j.key() == job.key()) {
            Some(waiting) if job.level >= waiting.level => {
                *waiting = Job { queued: waiting.queued, at_queue: waiting.at_queue, share: waiting.share, ..job }
            }
            Some(_) => {}
            None => q.jobs.push(job),
        }
        self.ready.notify_one();
        true
    }

    /// The job to do next, waiting for one; `None` once closed.
    pub(crate) fn take(&self) -> Option<Job> {
        let mut q = self.lock();
        loop {
            if q.closed {
                return None;
            }
            let best = q.jobs.iter().enumerate().max_by_key(|(_, j)| j.priority()).map(|(i, _)| i);
            if let Some(i) = best {
                q.busy += 1;
                return Some(q.jobs.swap_remove(i));
            }
            q = self.ready.wait(q).unwrap_or_else(|p| p.into_inner());
        }
    }

    /// A compile thread is set up and takes jobs from now on.
    pub(crate) fn thread_ready(&self) {
        self.lock().threads += 1;
    }

    /// A compile thread finished the job it took.
    pub(crate) fn job_done(&self) {
        let mut q = self.lock();
        q.busy = q.busy.saturating_sub(1);
    }

    /// Set every waiting job's `share` of the program's time (the program's thread measures it).
    pub(crate) fn set_shares(&self, share: impl Fn(&Job) -> Option<f64>) {
        for j in self.lock().jobs.iter_mut() {
            j.share = share(j);
        }
    }

    /// The job to do next for a helper (not a compile thread), if one waits while every compile
    /// thread that is set up is building one (none waits to take it): not the main work's, and
    /// only one whose function took at least [`MINOR_SHARE`] of the program's time since it was
    /// queued. Does not wait.
    pub(crate) fn take_backlog(&self) -> Option<Job> {
        let mut q = self.lock();
        if q.busy < q.threads {
            return None;
        }
        let best = q
            .jobs
            .iter()
            .enumerate()
            .filter(|(_, j)| j.helpable())
            .max_by_key(|(_, j)| j.priority())
            .map(|(i, _)| i)?;
        Some(q.jobs.swap_remove(best))
    }

    /// Whether the job of `key` still waits without a specialization (not taken yet).
    pub(crate) fn waits_plain(&self, key: (FuncId, Option<u32>)) -> bool {
        self.lock().jobs.iter().any(|j| j.key() == key && j.special.is_none())
    }

    /// Change the job of `key` if it still waits (its level and place in time stay); false if
    /// a thread took it meanwhile.
    pub(crate) fn update_waiting(&self, key: (FuncId, Option<u32>), change: impl FnOnce(&mut Job)) -> bool {
        let mut q = self.lock();
        let Some(job) = q.jobs.iter_mut().find(|j| j.key() == key) else { return false };
        change(job);
        true
    }

    pub(crate) fn close(&self) {
        let mut q = self.lock();
        q.closed = true;
        q.jobs.clear();
        self.ready.notify_all();
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
    fn a_waiting_job_can_be_changed_until_a_thread_takes_it() {
        let q = Queue::default();
        assert!(q.put(job(1, OptLevel::O3, 1250)));
        assert!(q.waits_plain((FuncId(1), None)));
        assert!(!q.waits_plain((FuncId(2), None)), "no job of f2");
        assert!(q.update_waiting((FuncId(1), None), |j| j.heat = 4000));
        let taken = q.take().unwrap();
        assert_eq!((taken.level, taken.heat), (OptLevel::O3, 4000));
        assert!(!q.waits_plain((FuncId(1), None)), "taken: no longer waiting");
        assert!(!q.update_waiting((FuncId(1), None), |j| j.heat = 1), "a taken job is not changed");
    }

    #[test]
    fn a_helper_takes_a_job_only_while_every_compile_thread_is_busy() {
        let q = Queue::default();
        q.thread_ready();
        assert!(q.put(job(1, OptLevel::O3, 1300)));
        assert!(q.put(job(2, OptLevel::O3, 2400)));
        q.set_shares(|_| Some(0.5));
        assert!(q.take_backlog().is_none(), "the compile thread is idle: it takes the job");
        assert_eq!(q.take().unwrap().key(), (FuncId(2), None));
        // The thread builds f2: f1 is a backlog.
        assert_eq!(q.take_backlog().unwrap().key(), (FuncId(1), None));
        assert!(q.take_backlog().is_none(), "nothing waits");
        q.job_done();
        assert!(q.put(job(3, OptLevel::O3, 10)));
        q.set_shares(|_| Some(0.5));
        assert!(q.take_backlog().is_none(), "the thread is free again");
    }

    #[test]
    fn the_main_work_goes_last_and_only_to_a_compile_thread() {
        let q = Queue::default();
        q.thread_ready();
        let mut main = job(2, OptLevel::O3, 300);
        main.main_work = true;
        assert!(q.put(main));
        assert!(q.put(job(1, OptLevel::O3, 9000)));
        let mut osr = job(3, OptLevel::O3, 2000);
        osr.osr = Some(OsrJob { point: 1, header: 6, values: Vec::new() });
        assert!(q.put(osr));
        q.set_shares(|_| Some(0.5));
        assert_eq!(q.take().unwrap().key(), (FuncId(3), Some(1)));
        assert_eq!(q.take_backlog().unwrap().key(), (FuncId(1), None), "the program's thread helps");
        assert!(q.take_backlog().is_none(), "the main work waits for the compile thread");
        // Its quick O1 code (`Tiering::queue`) is the program's thread's to build, whatever its
        // own share.
        let mut quick = job(4, OptLevel::O1, 300);
        quick.main_work = true;
        assert!(q.put(quick));
        q.set_shares(|_| Some(0.01));
        assert_eq!(q.take_backlog().unwrap().key(), (FuncId(4), None));
        q.job_done();
        assert_eq!(q.take().unwrap().key(), (FuncId(2), None));
    }

    #[test]
    fn a_function_pasted_into_new_code_waits_behind_the_others() {
        let q = Queue::default();
        assert!(q.put(job(1, OptLevel::O3, 9000)));
        assert!(q.put(job(2, OptLevel::O3, 1300)));
        assert!(q.update_waiting((FuncId(1), None), |j| j.pasted = true));
        assert_eq!(q.take().unwrap().key(), (FuncId(2), None));
        assert_eq!(q.take().unwrap().key(), (FuncId(1), None));
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

    #[test]
    fn the_larger_share_of_the_time_goes_before_the_hotter_loops() {
        let q = Queue::default();
        assert!(q.put(job(1, OptLevel::O3, 9000)));
        assert!(q.put(job(2, OptLevel::O3, 1300)));
        assert!(q.put(job(3, OptLevel::O3, 1250)));
        let mut main = job(4, OptLevel::O3, 300);
        main.main_work = true;
        assert!(q.put(main));
        // Not measured yet: the hotter first, all before the main work.
        assert_eq!(q.take().unwrap().key(), (FuncId(1), None));
        assert!(q.put(job(1, OptLevel::O3, 9000)));
        // f1 and f2 measured minor (hot loops, little time), f3 a fifth of the time.
        q.set_shares(|j| [None, Some(0.01), Some(0.02), Some(0.2), None][j.func.index()]);
        let order: Vec<u32> = std::iter::from_fn(|| q.take()).take(4).map(|j| j.func.0).collect();
        assert_eq!(order, [3, 4, 2, 1], "the larger share, the main work, then the minor ones");
    }

    #[test]
    fn the_program_helps_only_with_a_function_that_takes_its_time() {
        let q = Queue::default();
        q.thread_ready();
        assert!(q.put(job(1, OptLevel::O3, 5000)));
        assert_eq!(q.take().unwrap().key(), (FuncId(1), None));
        // The thread builds f1; f2 and f3 wait.
        assert!(q.put(job(2, OptLevel::O3, 9000)));
        assert!(q.put(job(3, OptLevel::O3, 1300)));
        assert!(q.take_backlog().is_none(), "not measured yet");
        q.set_shares(|j| if j.func == FuncId(2) { Some(0.02) } else { None });
        assert!(q.take_backlog().is_none(), "f2 takes 2 % of the time, f3 is not measured");
        q.set_shares(|j| if j.func == FuncId(2) { Some(0.02) } else { Some(0.3) });
        assert_eq!(q.take_backlog().unwrap().key(), (FuncId(3), None));
        assert!(q.take_backlog().is_none(), "f2 is left to the compile thread");
    }
}
