//! Threads of the interpreted program. `pthread_create` is the C library's own: the thread it
//! starts enters its (interpreted) start routine through the routine's thunk, as any native →
//! interpreter callback does, and gets an interpreter state of its own ([`State`]: register and
//! alloca stacks, frames, setjmp entries, the C++ exception in flight); its thread-local variables
//! are its own too (`tls.rs`).
//!
//! The translated program, its function table and the profile counters are shared. Interpreted
//! code runs one thread at a time under the machine's interpreter lock ([`Gate`]); native code —
//! the C library, JIT-compiled functions — runs without it, so threads block, wait and compute
//! natively in parallel. A thread releases the lock around every native call and takes it back
//! (and its state) when the call returns or when native code calls into the interpreter. Until
//! the program's first `pthread_create` the lock is not used at all (one thread: nothing to
//! exclude); from then on it is. The machine's per-thread fields hold the state of the thread
//! that ran last; the others' states are parked in their thread's slot of a pthread key, whose
//! destructor frees a thread's state when the thread ends. See docs/irvm.md ("Threads").

pub(crate) mod tls;

use crate::abi::exception::Thrown;
use crate::exec::jump::Jumps;
use crate::exec::stack::Stack;
use crate::vm::{Frame, Machine};
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, OnceLock, PoisonError};

/// A thread running interpreted atomics hands the lock to a waiting thread every this many (a
/// spin loop waiting for another interpreted thread must let it run).
const ATOMICS_PER_TURN: u32 = 64;

/// Largest register and alloca stack of a thread other than the first (8 MiB each, the C
/// library's default thread stack size).
const THREAD_STACK_BYTES: usize = 8 << 20;

/// One thread's interpreter state: the machine holds the running thread's in its own fields,
/// parked threads hold theirs here.
pub(crate) struct State {
    regs: Stack,
    reg_top: usize,
    astack: Stack,
    sp: usize,
    frames: Vec<Frame>,
    error: Option<String>,
    thrown: Option<Thrown>,
    retval: [u64; 8],
    jumps: Jumps,
}

impl State {
    /// The state a new thread starts with: empty stacks of up to [`THREAD_STACK_BYTES`] (no larger
    /// than the first thread's), no frames.
    fn fresh(mm: &Machine) -> State {
        let astack = Stack::new(mm.astack.len().min(THREAD_STACK_BYTES), false);
        let sp = astack.end();
        State {
            regs: Stack::new(mm.regs.len().min(THREAD_STACK_BYTES), true),
            reg_top: 16,
            astack,
            sp,
            frames: Vec::new(),
            error: None,
            thrown: None,
            retval: [0; 8],
            jumps: mm.jumps.for_new_thread(),
        }
    }

    /// Make `self` the machine's state and return the one it held.
    fn install(mut self, mm: &mut Machine) -> State {
        std::mem::swap(&mut self.regs, &mut mm.regs);
        std::mem::swap(&mut self.reg_top, &mut mm.reg_top);
        std::mem::swap(&mut self.astack, &mut mm.astack);
        std::mem::swap(&mut self.sp, &mut mm.sp);
        std::mem::swap(&mut self.frames, &mut mm.frames);
        std::mem::swap(&mut self.error, &mut mm.error);
        std::mem::swap(&mut self.thrown, &mut mm.thrown);
        std::mem::swap(&mut self.retval, &mut mm.retval);
        std::mem::swap(&mut self.jumps, &mut mm.jumps);
        self
    }
}

/// A thread's slot of the gate's key: its parked state (None while the machine holds it or
/// before the thread first ran interpreted code).
struct Parked {
    state: Option<State>,
    gate: *const Gate,
}

/// Who holds the interpreter lock, and whose state the machine's fields hold. Threads are named
/// by the address of their [`Parked`] slot (0: nobody).
#[derive(Default)]
struct Holder {
    holder: usize,
    /// Nested holds by the holder (native code calling back into the interpreter while a C API
    /// call or `exit` holds the lock).
    depth: u32,
    /// The thread whose state the machine's fields hold (0: a thread that has ended; its state
    /// is dropped at the next switch).
    fields: usize,
    /// Times the lock was taken, and threads waiting in `pass` for it to be taken by another.
    turns: u64,
    passing: u32,
}

/// The interpreter lock of one machine.
pub(crate) struct Gate {
    /// The program called `pthread_create`: the lock is in use.
    multi: AtomicBool,
    /// The key whose slots hold the threads' [`Parked`] states (made by `begin`).
    key: OnceLock<libc::pthread_key_t>,
    lock: Mutex<Holder>,
    free: Condvar,
    /// Signalled when a thread takes the lock while another waits in `pass`.
    taken: Condvar,
    /// Threads waiting in `enter`.
    waiting: AtomicU32,
    /// The machine (its address: set once it is boxed, never moved).
    machine: usize,
    /// The program's thread-local variables (for JIT code, `ThreadGate::tls_address`).
    tls: Option<Arc<tls::Blocks>>,
}

impl Gate {
    fn holder(&self) -> MutexGuard<'_, Holder> {
        self.lock.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The program is about to start its first thread: make the calling thread (the one running
    /// the program, which holds the lock implicitly) the lock's holder and turn the lock on.
    /// Returns whether it did (false: threads had begun already).
    fn begin(&self) -> bool {
        if self.multi.load(Ordering::Acquire) {
            return false;
        }
        let mut key: libc::pthread_key_t = 0;
        // SAFETY: `key` is a valid out pointer; `park_end` is a destructor with the C signature.
        let r = unsafe { libc::pthread_key_create(&mut key, Some(park_end)) };
        assert!(r == 0, "irvm: cannot start threads: pthread_key_create failed ({r})");
        let _ = self.key.set(key);
        let me = Box::into_raw(Box::new(Parked { state: None, gate: self }));
        // SAFETY: `key` was just created; the slot owns `me` until the key's destructor runs.
        unsafe { libc::pthread_setspecific(key, me.cast()) };
        *self.holder() = Holder { holder: me as usize, depth: 1, fields: me as usize, ..Holder::default() };
        self.multi.store(true, Ordering::Release);
        true
    }

    /// Take the lock for the calling thread (again, if it holds it) and install its state.
    ///
    /// # Safety
    /// The lock is in use (`multi`); the machine at `self.machine` is alive.
    unsafe fn enter(&self) {
        let key = *self.key.get().expect("irvm: interpreter lock without its key");
        // SAFETY: a live key; the value is this thread's slot or null.
        let mut me = unsafe { libc::pthread_getspecific(key) }.cast::<Parked>();
        if me.is_null() {
            me = Box::into_raw(Box::new(Parked { state: None, gate: self }));
            // SAFETY: as in `begin`.
            unsafe { libc::pthread_setspecific(key, me.cast()) };
        }
        let mut h = self.holder();
        if h.holder == me as usize {
            h.depth += 1;
            return;
        }
        if h.holder != 0 {
            self.waiting.fetch_add(1, Ordering::Relaxed);
            while h.holder != 0 {
                h = self.free.wait(h).unwrap_or_else(PoisonError::into_inner);
            }
            self.waiting.fetch_sub(1, Ordering::Relaxed);
        }
        h.holder = me as usize;
        h.depth = 1;
        h.turns += 1;
        if h.passing > 0 {
            self.taken.notify_all();
        }
        if h.fields != me as usize {
            // The switch happens under the mutex, so that `park_end` of the previous thread
            // cannot free its slot meanwhile.
            // SAFETY: this thread now holds the lock, so nothing else uses the machine; `me` is
            // this thread's slot and `h.fields` (if not 0) a live slot: a slot is freed only by
            // `park_end`, which clears `fields` first under this mutex.
            unsafe {
                let mm = &mut *(self.machine as *mut Machine);
                let incoming = (*me).state.take().unwrap_or_else(|| State::fresh(mm));
                let outgoing = incoming.install(mm);
                if h.fields != 0 {
                    (*(h.fields as *mut Parked)).state = Some(outgoing);
                }
            }
            h.fields = me as usize;
        }
    }

    /// Let a waiting thread take the lock (the calling thread holds it once) and wait until one
    /// did; then the caller takes it back with `enter`. False: nobody waits, nothing done.
    fn pass(&self) -> bool {
        let mut h = self.holder();
        if h.depth != 1 || self.waiting.load(Ordering::Relaxed) == 0 {
            return false;
        }
        let turn = h.turns;
        h.holder = 0;
        h.depth = 0;
        h.passing += 1;
        self.free.notify_one();
        while h.turns == turn {
            h = self.taken.wait(h).unwrap_or_else(PoisonError::into_inner);
        }
        h.passing -= 1;
        true
    }

    /// Release one hold of the lock (the calling thread holds it).
    fn leave(&self) {
        let mut h = self.holder();
        h.depth = h.depth.saturating_sub(1);
        if h.depth == 0 {
            h.holder = 0;
            drop(h);
            self.free.notify_one();
        }
    }
}

/// The key's destructor: the thread has ended; free its parked state.
extern "C" fn park_end(slot: *mut libc::c_void) {
    let slot = slot.cast::<Parked>();
    // SAFETY: the key's values are slots made by `Box::into_raw` in `begin`/`enter`, owned by
    // the key until now; the gate outlives the program's threads (the machine owns it).
    let gate = unsafe { &*(*slot).gate };
    {
        let mut h = gate.holder();
        if h.fields == slot as usize {
            h.fields = 0;
        }
    }
    // SAFETY: as above; no one else refers to this slot now (`fields` no longer names it).
    drop(unsafe { Box::from_raw(slot) });
}

/// The machine's side of threading: its lock, and the C library's `pthread_create` (the call
/// that turns the lock on).
pub(crate) struct Threads {
    gate: Arc<Gate>,
    create: usize,
    /// Interpreted atomic operations while another thread waited (see [`after_atomic`]).
    atomics: u32,
}

impl Threads {
    /// The threading state of the machine at `m` (boxed, never moved); `create` is the address of
    /// `pthread_create` (0: none).
    pub(crate) fn new(m: *mut Machine, create: usize, tls: Option<Arc<tls::Blocks>>) -> Threads {
        let gate = Gate {
            multi: AtomicBool::new(false),
            key: OnceLock::new(),
            lock: Mutex::new(Holder::default()),
            free: Condvar::new(),
            taken: Condvar::new(),
            waiting: AtomicU32::new(0),
            machine: m as usize,
            tls,
        };
        Threads { gate: Arc::new(gate), create, atomics: 0 }
    }

    /// A handle on the interpreter lock for native code of the host (see [`ThreadGate`]).
    pub(crate) fn gate(&self) -> ThreadGate {
        ThreadGate(self.gate.clone())
    }
}

impl Drop for Threads {
    fn drop(&mut self) {
        if let Some(&key) = self.gate.key.get() {
            // SAFETY: the key was created by `begin`; slots still set leak their (parked) state,
            // as threads still running when the machine goes would need it.
            unsafe { libc::pthread_key_delete(key) };
        }
    }
}

/// A native call under way: the lock to take back when it returns.
pub(crate) struct Outside(*const Gate);

/// The interpreter is about to call native code at `addr`: turn the lock on if that is
/// `pthread_create`, and release it if it is on.
#[inline(always)]
pub(crate) fn to_native(mm: &Machine, addr: usize) -> Outside {
    let t = &mm.threads;
    if addr == t.create {
        t.gate.begin();
    }
    if t.gate.multi.load(Ordering::Relaxed) {
        t.gate.leave();
    }
    Outside(Arc::as_ptr(&t.gate))
}

/// The native call of [`to_native`] returned: take the lock back if it is on now (also when
/// native code turned it on meanwhile), reinstalling this thread's state.
///
/// # Safety
/// `o` comes from this thread's `to_native` on a machine that is still alive.
#[inline(always)]
pub(crate) unsafe fn from_native(o: Outside) {
    // SAFETY: the machine, which owns the gate, is alive (# Safety).
    let gate = unsafe { &*o.0 };
    if gate.multi.load(Ordering::Acquire) {
        // SAFETY: the lock is in use; the machine is alive.
        unsafe { gate.enter() };
    }
}

/// Interpreted code ran an atomic read-modify-write or compare-and-swap: the kind of operation a
/// spin loop waits with. While other threads wait for the lock, every [`ATOMICS_PER_TURN`]th
/// one hands it over (and waits until another thread took it before taking it back), so a thread spinning until another
/// interpreted thread stores does not keep that thread out for ever.
///
/// # Safety
/// `m` is the live machine, held by the calling thread; no reference into it is live.
#[cold]
pub(crate) unsafe fn after_atomic(m: *mut Machine) {
    // SAFETY: the calling thread holds the machine (# Safety); the borrow ends before `leave`.
    let gate = unsafe {
        let t = &mut (*m).threads;
        if !t.gate.multi.load(Ordering::Relaxed) || t.gate.waiting.load(Ordering::Relaxed) == 0 {
            return;
        }
        t.atomics = t.atomics.wrapping_add(1);
        if !t.atomics.is_multiple_of(ATOMICS_PER_TURN) {
            return;
        }
        Arc::as_ptr(&t.gate)
    };
    // SAFETY: the machine owning the gate is alive (# Safety).
    let gate = unsafe { &*gate };
    if gate.pass() {
        // SAFETY: the lock is in use; the machine is alive.
        unsafe { gate.enter() };
    }
}

/// Native code calls into the interpreter (a thunk): take the lock if it is in use. Returns
/// what [`from_interpreter`] needs.
pub(crate) fn into_interpreter(mm: *mut Machine) -> Outside {
    // SAFETY: a thunk's machine is alive; only its gate (shared, synchronized) is read, as
    // another thread may be using the machine until this one holds the lock.
    let gate = unsafe { Arc::as_ptr(&(*mm).threads.gate) };
    // SAFETY: as above.
    if unsafe { (*gate).multi.load(Ordering::Acquire) } {
        // SAFETY: the lock is in use; the machine is alive.
        unsafe { (*gate).enter() };
    }
    Outside(gate)
}

/// The interpreted callback returns to native code: release the lock if it is in use now.
///
/// # Safety
/// `o` comes from this thread's [`into_interpreter`] on a machine that is still alive.
pub(crate) unsafe fn from_interpreter(o: Outside) {
    // SAFETY: the machine, which owns the gate, is alive (# Safety).
    let gate = unsafe { &*o.0 };
    if gate.multi.load(Ordering::Acquire) {
        gate.leave();
    }
}

/// The interpreter lock of a machine, for the host's native code that the program calls (the
/// C API, JIT-compiled code's `pthread_create` and `exit`): it lets that code start threads and
/// use the machine safely while the program runs several.
#[derive(Clone)]
pub struct ThreadGate(Arc<Gate>);

impl ThreadGate {
    /// JIT-compiled code is about to call `pthread_create`: from now on the program runs threads,
    /// and the interpreter lock is in use. The calling thread is in native code (it does not hold
    /// the lock afterwards). Call it only from code the program calls.
    pub fn begin_threads(&self) {
        if self.0.begin() {
            self.0.leave();
        }
    }

    /// The calling thread's copy of the thread-local variable whose first thread's copy is at
    /// `first` (JIT-compiled code's `llvm.threadlocal.address`); None: not such a variable. Needs
    /// no lock.
    pub fn tls_address(&self, first: u64) -> Option<u64> {
        self.0.tls.as_ref()?.address_of_first(first)
    }

    /// Run `body`, which uses the machine, under the interpreter lock once the program runs
    /// threads (with one thread, directly). Call it only from native code the program calls.
    pub fn hold<R>(&self, body: impl FnOnce() -> R) -> R {
        if !self.0.multi.load(Ordering::Acquire) {
            return body();
        }
        // SAFETY: the lock is in use; the machine owning the gate is alive while its program
        // runs, and only the program's own calls reach here.
        unsafe { self.0.enter() };
        let r = body();
        self.0.leave();
        r
    }
}
