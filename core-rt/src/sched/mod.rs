//! Threads and the scheduler. Threads are kernel contexts (a stack, saved registers, a TLS block
//! and thread pointer) shared by every CPU through one ready queue: each CPU runs an idle loop
//! that takes the next ready thread and switches to it; the thread runs until it blocks (a futex
//! wait, a join, a sleep), yields or exits, then switches back to its CPU's idle loop. Nothing
//! preempts a running thread (no time slices): with more runnable threads than CPUs, a thread
//! that neither blocks nor yields keeps its CPU. A CPU with nothing to run halts; making a thread
//! ready wakes one halted CPU with an IPI. Time-outs (futex waits, sleeps) are checked by the idle
//! loops and by the boot CPU's timer tick (100 Hz). See docs/architecture.md, "Threads".
//!
//! The scheduler's state is one value, [`Sched`], behind one lock taken with interrupts off (the
//! timer tick takes it too); per-CPU state ([`PerCpu`]) is reached through the CPU's GS base.

pub mod futex;
mod lock;

use crate::arch::cpu::context;
use alloc::boxed::Box;
use alloc::collections::{BTreeMap, VecDeque};
use alloc::sync::Arc;
use alloc::vec;
use alloc::vec::Vec;
use core::cell::UnsafeCell;
use core::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use lock::IrqLock;

pub use crate::errno::Errno;

/// A thread's number: 1 is the main thread, then 2, 3... in creation order.
pub type ThreadId = u64;

/// The entry of a new thread: called with its argument; what it returns is the exit value.
pub type Entry = unsafe extern "C" fn(u64) -> u64;

/// Stack of the boot CPU's idle loop (the other CPUs idle on their start-up stacks).
const IDLE_STACK_BYTES: usize = 64 * 1024;

/// One thread.
pub struct Thread {
    id: ThreadId,
    /// Saved stack pointer while the thread is not on a CPU.
    rsp: UnsafeCell<u64>,
    /// 1 while the thread's registers are live on a CPU (running, or still switching away).
    on_cpu: AtomicU32,
    /// Thread pointer (FS base): the TCB above its TLS block.
    tp: u64,
    /// Its TLS block and its stack, owned (none for the main thread, which has the image's).
    tls: Option<crate::runtime::tls::OwnedBlock>,
    stack: Option<Stack>,
    entry: Option<(Entry, u64)>,
    /// Futex word: 0 while running, 1 once it has exited (joiners wait on it).
    exited: AtomicU32,
    result: AtomicU64,
    /// Set by the waker: the last wait ended by a wake-up (else by its time-out).
    woken: AtomicBool,
    /// A word the C library keeps per thread (its thread-specific data).
    libc_word: AtomicU64,
}

// SAFETY: `rsp` is written only by the CPU switching this thread out and read only by the CPU
// switching it in, after `on_cpu` (release/acquire) says the save is complete.
unsafe impl Sync for Thread {}
// SAFETY: as above; the owned stack and TLS block are plain memory.
unsafe impl Send for Thread {}

impl Thread {
    fn new(id: ThreadId, tp: u64) -> Thread {
        Thread {
            id,
            rsp: UnsafeCell::new(0),
            on_cpu: AtomicU32::new(0),
            tp,
            tls: None,
            stack: None,
            entry: None,
            exited: AtomicU32::new(0),
            result: AtomicU64::new(0),
            woken: AtomicBool::new(false),
            libc_word: AtomicU64::new(0),
        }
    }
}

/// Bytes of the unmapped guard page below every thread's stack.
pub const STACK_GUARD_BYTES: u64 = 4096;

/// A thread's stack: mmap-arena pages, the lowest one left unmapped as a guard (a stack overflow
/// faults there, and the fault report names the guard).
struct Stack {
    base: u64,
    bytes: u64,
}

impl Stack {
    fn new(bytes: usize) -> Option<Stack> {
        let bytes = (bytes as u64).next_multiple_of(4096);
        let base = crate::mem::map_anonymous(bytes + STACK_GUARD_BYTES, crate::arch::mm::Perm::ReadWrite)?;
        if crate::mem::protect(base, STACK_GUARD_BYTES, crate::arch::mm::Perm::None).is_err() {
            let _ = crate::mem::unmap(base, bytes + STACK_GUARD_BYTES);
            return None;
        }
        Some(Stack { base, bytes })
    }

    /// The usable stack, above the guard page: (lowest address, length).
    fn usable(&self) -> (u64, u64) {
        (self.base + STACK_GUARD_BYTES, self.bytes)
    }
}

impl Drop for Stack {
    fn drop(&mut self) {
        let _ = crate::mem::unmap(self.base, self.bytes + STACK_GUARD_BYTES);
    }
}

/// A thread waiting on a futex word (`key` = its address) or sleeping (`key` = 0), with an
/// optional deadline (monotonic ns).
struct Waiter {
    key: u64,
    thread: Arc<Thread>,
    deadline: Option<u64>,
}

/// The scheduler's shared state.
struct Sched {
    ready: VecDeque<Arc<Thread>>,
    waiters: Vec<Waiter>,
    /// Threads that can still be joined or detached, by id.
    threads: BTreeMap<ThreadId, Arc<Thread>>,
    /// Bit i: CPU i is halted in its idle loop.
    idle: u64,
}

impl Sched {
    /// Make `t` ready; returns the CPU to wake, if one is halted (it is no longer counted as
    /// halted, so the next thread made ready wakes another one).
    fn make_ready(&mut self, t: Arc<Thread>) -> Option<usize> {
        self.ready.push_back(t);
        let cpu = (self.idle != 0).then(|| self.idle.trailing_zeros() as usize);
        if let Some(c) = cpu {
            self.idle &= !(1 << c);
        }
        cpu
    }

    /// Move every waiter whose deadline passed to the ready queue (woken = false).
    fn expire(&mut self, now: u64) -> Vec<usize> {
        let mut wake = Vec::new();
        let mut i = 0;
        while i < self.waiters.len() {
            if self.waiters[i].deadline.is_some_and(|d| d <= now) {
                let w = self.waiters.swap_remove(i);
                w.thread.woken.store(false, Ordering::Relaxed);
                wake.extend(self.make_ready(w.thread));
            } else {
                i += 1;
            }
        }
        let earliest = self.waiters.iter().filter_map(|w| w.deadline).min().unwrap_or(u64::MAX);
        EARLIEST_DEADLINE.store(earliest, Ordering::Relaxed);
        wake
    }
}

static SCHED: IrqLock<Sched> =
    IrqLock::new(Sched { ready: VecDeque::new(), waiters: Vec::new(), threads: BTreeMap::new(), idle: 0 });
static NEXT_ID: AtomicU64 = AtomicU64::new(2);

/// What one CPU's scheduler needs: the thread it runs and its idle loop's saved context. The
/// CPU's index comes first: [`cpu_index`] reads it with one load through the GS base.
#[repr(C)]
pub struct PerCpu {
    index: usize,
    current: UnsafeCell<Option<Arc<Thread>>>,
    idle_rsp: UnsafeCell<u64>,
    idle_saved: UnsafeCell<u32>,
}

// SAFETY: each `PerCpu` is used only by its own CPU (reached through that CPU's GS base).
unsafe impl Sync for PerCpu {}

static CPUS: spin::Once<Box<[PerCpu]>> = spin::Once::new();
/// Set once the boot CPU's GS base points at its [`PerCpu`]; every other CPU sets its own before
/// it allocates ([`enter_cpu`]).
static CPU_LOCAL_READY: AtomicBool = AtomicBool::new(false);

/// The running CPU's index (0 = the boot CPU), once the scheduler is set up; `None` before (only
/// the boot CPU runs then). One load through the GS base: cheap enough for every malloc.
pub fn cpu_index() -> Option<usize> {
    if !CPU_LOCAL_READY.load(Ordering::Relaxed) {
        return None;
    }
    // SAFETY: once the flag is set, every running CPU's GS base points at its `PerCpu` (`init` on
    // the boot CPU before setting it; `enter_cpu` on the others before anything else they do),
    // whose first word is its index (`repr(C)`).
    Some(unsafe { context::cpu_local_word() } as usize)
}

/// Point CPU `index`'s GS base at its [`PerCpu`]: the first thing an application processor does
/// after its start-up code, before it allocates.
pub fn enter_cpu(index: usize) {
    let me = &CPUS.get().expect("scheduler not set up")[index];
    context::set_cpu_local(me as *const PerCpu as *const u8);
}

fn this_cpu() -> &'static PerCpu {
    let p = context::cpu_local() as *const PerCpu;
    assert!(!p.is_null(), "core-rt: the scheduler is used before it was set up on this CPU");
    // SAFETY: the GS base is set by `init`/`cpu_main` to an element of CPUS, which lives forever.
    unsafe { &*p }
}

fn wake_cpu(cpus: impl IntoIterator<Item = usize>) {
    for i in cpus {
        crate::arch::cpu::smp::wake(i);
    }
}

/// Set up the scheduler on the boot CPU, for `cpus` CPUs in all: the running code becomes the
/// main thread (id 1), and the boot CPU gets an idle context of its own.
pub fn init(cpus: usize) {
    let locals = CPUS.call_once(|| {
        (0..cpus)
            .map(|index| PerCpu {
                index,
                current: UnsafeCell::new(None),
                idle_rsp: UnsafeCell::new(0),
                idle_saved: UnsafeCell::new(0),
            })
            .collect()
    });
    let me = &locals[0];
    context::set_cpu_local(me as *const PerCpu as *const u8);
    CPU_LOCAL_READY.store(true, Ordering::Release);
    let main = Arc::new(Thread::new(1, context::thread_pointer()));
    main.on_cpu.store(1, Ordering::Relaxed);
    let stack = vec![0u8; IDLE_STACK_BYTES].into_boxed_slice();
    let top = stack.as_ptr() as u64 + stack.len() as u64;
    // SAFETY: `stack` is fresh memory kept for the whole run (below); nothing else uses it.
    let rsp = unsafe { context::prepare(top, boot_cpu_idle, 0) };
    core::mem::forget(stack); // the boot CPU's idle stack lives as long as the machine
    // SAFETY: this CPU's own slots, set before any other thread exists.
    unsafe {
        *me.idle_rsp.get() = rsp;
        *me.current.get() = Some(main);
    }
}

extern "C" fn boot_cpu_idle(_: u64) -> ! {
    idle_loop(this_cpu())
}

/// Run CPU `index`'s idle loop on the current stack (an application processor after start-up).
pub fn cpu_main(index: usize) -> ! {
    enter_cpu(index);
    idle_loop(&CPUS.get().expect("scheduler not set up")[index])
}

fn idle_loop(me: &'static PerCpu) -> ! {
    let bit = 1u64 << me.index;
    loop {
        let was = context::interrupts_off();
        let (next, wake) = {
            let mut s = SCHED.lock();
            let wake = s.expire(crate::time::monotonic_ns());
            let next = s.ready.pop_front();
            if next.is_some() {
                s.idle &= !bit;
            } else {
                s.idle |= bit;
            }
            IDLE_HINT.store(s.idle, Ordering::Relaxed);
            (next, wake)
        };
        wake_cpu(wake.into_iter().filter(|&c| c != me.index));
        let Some(t) = next else {
            // Interrupts on and halt in one step: a wake-up IPI sent after the idle bit was set
            // ends the halt.
            context::wait_for_interrupt();
            continue;
        };
        context::interrupts_restore(was);
        while t.on_cpu.load(Ordering::Acquire) != 0 {
            core::hint::spin_loop();
        }
        t.on_cpu.store(1, Ordering::Relaxed);
        // SAFETY: `t.rsp` was saved (on_cpu was 0) and nobody else resumes `t` (it left the
        // ready queue here); `current` and `idle_rsp` are this CPU's own slots.
        unsafe {
            crate::arch::machine::set_thread_pointer(t.tp);
            let rsp = *t.rsp.get();
            *me.current.get() = Some(t);
            context::switch(me.idle_rsp.get(), rsp, me.idle_saved.get());
            // The thread blocked, yielded or exited: drop our reference (an exited thread that
            // nobody can join any more is freed here, off its own stack).
            drop((*me.current.get()).take());
        }
    }
}

/// Switch from the running thread `cur` to this CPU's idle loop; returns when some CPU resumes
/// `cur` (possibly another one).
fn switch_to_idle(cur: &Thread) {
    let me = this_cpu();
    // SAFETY: `cur` is the thread running here; its saved state is published through `on_cpu`
    // only after the switch saved it; the idle context of this CPU is not running.
    unsafe { context::switch(cur.rsp.get(), *me.idle_rsp.get(), cur.on_cpu.as_ptr()) };
}

/// The running thread.
pub fn current() -> Arc<Thread> {
    // SAFETY: `current` is written only by this CPU's idle loop, which is not running now.
    unsafe { (*this_cpu().current.get()).clone() }.expect("no current thread")
}

/// The running thread's id: the main thread's (1) before the scheduler is set up on this CPU,
/// early in the boot, when only the main thread exists (a fault report may ask then).
pub fn current_id() -> ThreadId {
    let p = context::cpu_local() as *const PerCpu;
    if p.is_null() {
        return 1;
    }
    // SAFETY: the GS base points into CPUS (see `this_cpu`); `current` is written only by this
    // CPU's idle loop, which is not running now.
    unsafe { (*(*p).current.get()).as_ref().map_or(1, |t| t.id) }
}

/// The C library's per-thread word of the running thread (`None` before the scheduler is set
/// up on this CPU, i.e. early in the boot, when only the main thread exists).
pub fn libc_word() -> Option<&'static AtomicU64> {
    let p = context::cpu_local() as *const PerCpu;
    if p.is_null() {
        return None;
    }
    // SAFETY: the GS base points into CPUS (see `this_cpu`); `current` is written only by this
    // CPU's idle loop, which is not running now.
    let t = unsafe { (*(*p).current.get()).as_ref()? };
    // SAFETY: the running thread is kept alive by its CPU's `current` slot until it switches away
    // for good (exit), after which it never calls this again.
    Some(unsafe { &*(&t.libc_word as *const AtomicU64) })
}

/// The running thread's own stack (lowest usable address, length; the guard page of
/// [`STACK_GUARD_BYTES`] is just below); `None` for the main thread (the image's stack).
pub fn current_stack() -> Option<(u64, u64)> {
    current().stack.as_ref().map(Stack::usable)
}

extern "C" fn thread_start(_: u64) -> ! {
    let t = current();
    let (entry, arg) = t.entry.expect("a new thread has an entry");
    drop(t);
    // SAFETY: the entry function and argument its creator passed to `spawn`.
    let result = unsafe { entry(arg) };
    exit(result)
}

/// Create a thread running `entry(arg)` on a new stack of `stack_bytes`, with its own TLS block.
pub fn spawn(entry: Entry, arg: u64, stack_bytes: usize) -> Result<ThreadId, Errno> {
    let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
    let tls = crate::runtime::tls::OwnedBlock::new(crate::arch::cpu::rng::random_u64()).ok_or(Errno::EAGAIN)?;
    let stack = Stack::new(stack_bytes).ok_or(Errno::EAGAIN)?;
    let (low, len) = stack.usable();
    let top = low + len;
    let mut t = Thread::new(id, tls.thread_pointer());
    // SAFETY: `stack` is this thread's own, fresh and large enough.
    unsafe { *t.rsp.get_mut() = context::prepare(top, thread_start, 0) };
    t.tls = Some(tls);
    t.stack = Some(stack);
    t.entry = Some((entry, arg));
    let t = Arc::new(t);
    let wake = {
        let mut s = SCHED.lock();
        s.threads.insert(id, t.clone());
        s.make_ready(t)
    };
    wake_cpu(wake);
    Ok(id)
}

/// End the running thread with `result`: wake its joiners, never return.
pub fn exit(result: u64) -> ! {
    let t = current();
    if t.id == 1 {
        panic!("core-rt: the main thread cannot exit this way");
    }
    t.result.store(result, Ordering::Relaxed);
    t.exited.store(1, Ordering::Release);
    futex::wake(t.exited.as_ptr() as u64, u32::MAX);
    let raw = Arc::as_ptr(&t);
    drop(t);
    // SAFETY: the CPU's `current` slot keeps the thread alive until the idle loop drops it, after
    // this switch saved it; it is never resumed (it is in no queue).
    switch_to_idle(unsafe { &*raw });
    unreachable!("an exited thread was resumed")
}

/// Wait for thread `id` to exit and return its result; it can no longer be joined afterwards.
pub fn join(id: ThreadId) -> Result<u64, Errno> {
    if id == current_id() {
        return Err(Errno::EDEADLK);
    }
    let t = SCHED.lock().threads.remove(&id).ok_or(Errno::ESRCH)?;
    while t.exited.load(Ordering::Acquire) == 0 {
        let _ = futex::wait(t.exited.as_ptr() as u64, 0, None);
    }
    // Its registers must be off its CPU before its stack can be freed (the last reference may be ours).
    while t.on_cpu.load(Ordering::Acquire) != 0 {
        core::hint::spin_loop();
    }
    Ok(t.result.load(Ordering::Relaxed))
}

/// Let thread `id` be freed when it exits, without a join.
pub fn detach(id: ThreadId) -> Result<(), Errno> {
    SCHED.lock().threads.remove(&id).map(|_| ()).ok_or(Errno::ESRCH)
}

/// Give the CPU to another ready thread, if there is one.
pub fn yield_now() {
    let t = current();
    let wake = {
        let mut s = SCHED.lock();
        if s.ready.is_empty() {
            return;
        }
        s.make_ready(t.clone())
    };
    wake_cpu(wake);
    let raw = Arc::as_ptr(&t);
    drop(t);
    // SAFETY: the ready queue holds a reference, so the thread lives while it is switched out.
    switch_to_idle(unsafe { &*raw });
}

/// Sleep for `ns` nanoseconds (at least; woken by the idle loops or the timer tick).
pub fn sleep(ns: u64) {
    let deadline = crate::time::monotonic_ns().saturating_add(ns);
    while crate::time::monotonic_ns() < deadline {
        let _ = futex::block(0, None, Some(deadline));
    }
}

/// The timer tick (boot CPU, 100 Hz): when a time-out has passed, wake one halted CPU, whose idle
/// loop moves the expired waiters to the ready queue. It takes no lock and allocates nothing: it
/// may interrupt code that holds the heap's lock. (A halted boot CPU is woken by the tick itself.)
pub fn tick() {
    if CPUS.get().is_none() || crate::time::monotonic_ns() < EARLIEST_DEADLINE.load(Ordering::Relaxed) {
        return;
    }
    let idle = IDLE_HINT.load(Ordering::Relaxed) & !1;
    if idle != 0 {
        wake_cpu([idle.trailing_zeros() as usize]);
    }
}

/// The earliest deadline among waiters (u64::MAX: none), and which CPUs are halted: copies kept
/// for the timer tick, updated under the scheduler lock.
static EARLIEST_DEADLINE: AtomicU64 = AtomicU64::new(u64::MAX);
static IDLE_HINT: AtomicU64 = AtomicU64::new(0);
