//! The machine: a program plus its run-time state (register stack, alloca stack, call frames,
//! per-function statistics). `Machine::load` builds one; `run_main_with` runs the program's
//! `main` with the host's hooks. What a host may ask of a machine is in `inspect.rs`.

use crate::abi::RegImage;
use crate::error::Error;
use crate::exec::{self, Trap};
use crate::hooks::{Hooks, NoHooks, OsrDecision};
use crate::isa::{FuncId, Op, Reg};
use crate::llvm::TyKind;
use crate::program::{Program, Resolver};
use crate::translate::Code;
use std::ffi::CString;

/// Sizes of the interpreter's stacks.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    /// Register stack, in 8-byte slots (frames of interpreted calls).
    pub reg_slots: usize,
    /// Alloca stack (the interpreted program's C stack), in bytes.
    pub alloca_bytes: usize,
    /// Read function bodies lazily, unverified (see `llvm::load_bitcode`): only for bytes known
    /// to be valid.
    pub lazy_bodies: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options { reg_slots: 8 << 20, alloca_bytes: 64 << 20, lazy_bodies: false }
    }
}

/// Counters of one function (and of native functions called from interpreted code). `repr(C)`
/// keeps what every call and return touches (`calls`, `check_at`, `counters`, `active`, the
/// average charged to untimed calls) together at the start, in one cache line.
#[derive(Default, Clone)]
#[repr(C)]
pub(crate) struct FuncStats {
    /// Calls counted under the interpreter lock (all of them with one thread); calls that native
    /// code made through the thunk without it are in `Machine::counted`, and
    /// `Machine::call_count` is the sum.
    pub(crate) calls: u64,
    /// The call path's one check: a call made when `calls` (before counting it) is at least this
    /// takes the checked path (`exec::call::call`), which times it, runs the tier hook or records
    /// its argument values; below it, a call is none of these (see [`Machine::refresh_check`]).
    pub(crate) check_at: u64,
    /// Edge counters of the lowered code (see `translate::BranchMeta`); counter 0 is a sink.
    pub(crate) counters: Box<[u64]>,
    pub(crate) avg_excl: u64,
    /// Exclusive cycles so far, signed: an activation's time less what its callees were charged
    /// is below 0 when their averages exceeded what those calls took (`exec::timing`).
    pub(crate) excl: i64,
    /// Activations currently on the stack.
    pub(crate) active: u32,
    /// Inclusive cycles of outermost activations.
    pub(crate) incl: u64,
    /// The call count (before counting the call) from which calls are timed again (`exec::timing`).
    pub(crate) time_at: u64,
    /// Counter values to start from, given before the function was lowered
    /// ([`Machine::seed_counters`]); taken when it is.
    pub(crate) pending_seed: Option<Box<[u64]>>,
    /// The counters started from a seed (it had the lowered code's length).
    pub(crate) seeded: bool,
    /// Instructions not executed in blocks left early (by `exit`).
    pub(crate) skipped: u64,
    /// Activations that left the interpreter at an OSR point to finish in native code.
    pub(crate) osr_entries: u64,
    /// Size tables of the memory call sites, indexed by site, once it became a candidate.
    pub(crate) mem_sizes: Option<Box<[crate::profile::values::TopK]>>,
    /// Activations timed with the TSC, and their summed inclusive / exclusive cycles (signed,
    /// as `excl`).
    pub(crate) timed: u64,
    pub(crate) timed_dt: u64,
    pub(crate) timed_excl: i64,
}

/// Start `st`'s counters from `seed` if it fits `code`'s. OSR points keep their marks (the
/// hook's schedule belongs to this run); their entry counts are seeded like the edge counters.
pub(crate) fn take_seed(st: &mut FuncStats, mut seed: Box<[u64]>, code: &crate::translate::Code) {
    st.seeded = seed.len() == st.counters.len();
    if st.seeded {
        for p in code.osr.iter() {
            seed[p.ctr as usize + 1] = st.counters[p.ctr as usize + 1];
        }
        st.counters = seed;
    }
}

/// One activation on the call stack.
#[derive(Clone, Copy)]
pub(crate) struct Frame {
    pub(crate) func: u32,
    pub(crate) fp: *mut u64,
    pub(crate) code: *const Code,
    /// The function's profile counters.
    pub(crate) ctrs: *mut u64,
    /// Where the caller resumes (null: return to the host).
    pub(crate) ret_ip: *const Op,
    pub(crate) ret_dst: Reg,
    pub(crate) ret_slots: u32,
    /// IR instructions after the call in the caller's block (for `exit` accounting).
    pub(crate) caller_rest: u32,
    pub(crate) saved_sp: usize,
    pub(crate) tsc: u64,
    pub(crate) child: u64,
    /// Register image holding variadic arguments (0 if none).
    pub(crate) va: usize,
}

/// What the call fast path needs of a callee, fixed when it is lowered so that a call reads one
/// record instead of the fields of its `Code` (spread over several cache lines): where its ops
/// and constants are, how big its frame is, its fixed allocas, its parameters.
#[derive(Clone, Copy)]
pub(crate) struct Hot {
    pub(crate) code: *const Code,
    pub(crate) ops: *const Op,
    /// The constants (`Code::consts_copy`, whole chunks of `CONST_CHUNK` words), their count.
    pub(crate) consts: *const [u64; crate::translate::CONST_CHUNK],
    pub(crate) nconsts: u32,
    pub(crate) const_chunks: u32,
    /// Parameters and the slots they take (`translate::arg_shape`): a call site must pass
    /// exactly these.
    pub(crate) param_shape: u64,
    /// Bytes the frame needs above its frame pointer (slots and the 64-byte margin).
    pub(crate) frame_bytes: u32,
    /// Fixed allocas: bytes, and the mask that aligns the alloca stack pointer down.
    pub(crate) alloca_bytes: u64,
    pub(crate) alloca_mask: u64,
    /// Lowered, interpreted (no native code), not variadic, no byval parameters (else its
    /// `FuncStats::check_at` is 0: every call takes the checked path).
    pub(crate) simple: bool,
}

impl Hot {
    /// Not lowered yet: every call takes the general path.
    pub(crate) const NONE: Hot = Hot {
        code: std::ptr::null(),
        ops: std::ptr::null(),
        consts: std::ptr::null(),
        nconsts: 0,
        const_chunks: 0,
        param_shape: u64::MAX,
        frame_bytes: 0,
        alloca_bytes: 0,
        alloca_mask: 0,
        simple: false,
    };

    /// The fast path's record of lowered code `c` (owned by the function table, never freed
    /// during a run); `simple` as the function is now.
    pub(crate) fn of(c: &Code, native: bool) -> Hot {
        Hot {
            code: c,
            ops: c.ops.as_ptr(),
            consts: c.consts_copy.as_ptr().cast(),
            nconsts: c.consts.len() as u32,
            const_chunks: (c.consts_copy.len() / crate::translate::CONST_CHUNK) as u32,
            param_shape: crate::translate::arg_shape(c.params.len(), c.param_slots),
            frame_bytes: 8 * c.nslots + 64,
            alloca_bytes: c.alloca_bytes,
            alloca_mask: !(c.alloca_align - 1),
            simple: !native && !c.vararg && c.byval.is_empty() && c.native_only.is_none(),
        }
    }
}

/// How a run ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// `main` returned or the program called `exit`: the status.
    Exit(i32),
    /// The run failed (the error names the function or the input).
    Error(Error),
}

/// A loaded program and its interpreter state.
pub struct Machine {
    pub(crate) prog: Program,
    /// Register slots (u64), growing up.
    pub(crate) regs: crate::exec::stack::Stack,
    /// Next free register slot for an entry from the host or from native code.
    pub(crate) reg_top: usize,
    /// Alloca memory, growing down from its end.
    pub(crate) astack: crate::exec::stack::Stack,
    pub(crate) sp: usize,
    pub(crate) frames: Vec<Frame>,
    /// Per FuncId, plus one last entry for native code reached through pointers.
    pub(crate) stats: Vec<FuncStats>,
    pub(crate) error: Option<String>,
    /// The C++ exception unwinding irvm's frames (`Trap::Unwind`), see exec/jump.rs.
    pub(crate) thrown: Option<crate::abi::exception::Thrown>,
    pub(crate) retval: [u64; 8],
    /// Hot per-function data for the call fast path (see `exec::call`).
    pub(crate) hot: Box<[Hot]>,
    pub(crate) exact_cycles: bool,
    pub(crate) rng: u64,
    /// The least cycles measured of a timed activation that called nothing: what timing itself
    /// costs an activation (`exec::timing::close_timed`).
    pub(crate) timer_floor: u64,
    /// TSC at the start of the run and total cycles once it ended.
    pub(crate) start_tsc: u64,
    pub(crate) total_cycles: u64,
    /// Cycles the program's thread spent in long hooks ([`LONG_HOOK`]): not the program's time.
    pub(crate) hook_cycles: u64,
    /// TSC when the running hook started (while `in_hook`).
    pub(crate) hook_entry: u64,
    /// Cycles spent lowering functions (not charged to any function).
    pub(crate) translate_cycles: u64,
    /// The wall-clock side of the same: functions lowered and the time it took.
    pub(crate) lowering: crate::profile::LoweringCost,
    /// The host's hooks, set for the duration of `run_main_with` only (see `hooks.rs`).
    pub(crate) hooks: Option<*mut dyn Hooks>,
    /// A hook is running: hooks do not nest.
    pub(crate) in_hook: bool,
    /// Tiering: per function, the call count at which the tier hook runs (empty: no tiering;
    /// `u64::MAX`: never).
    pub(crate) tier_at: Vec<u64>,
    /// OSR: the first mark of every OSR point.
    pub(crate) osr_first: u64,
    /// Native → interpreter entries and the program's setjmp points (`exec/jump.rs`).
    pub(crate) jumps: crate::exec::jump::Jumps,
    /// `main`'s argv: NUL-terminated copies and the pointer array, alive as long as the machine.
    argv: (Vec<CString>, Box<[usize]>),
    /// The interpreter lock and the parked states of the program's other threads.
    pub(crate) threads: crate::threads::Threads,
    /// Calls of compiled functions counted by their thunk without the lock (`exec::counted`).
    /// Made with the machine and never replaced: the thunk reads it without the lock.
    pub(crate) counted: crate::exec::counted::CountedCalls,
    /// Argument value tables (`profile::values`), also made with the machine, never replaced
    /// and read by the thunk without the lock.
    pub(crate) values: crate::profile::values::ValueTables,
}

/// A hook that runs this long (TSC cycles, ~0.4 ms at 2.6 GHz) did work of its own (the host
/// compiled code on the program's thread): its time is taken out of the activations it
/// interrupted, so that their cycles stay the program's (a tier manager reads them to judge
/// where the program spends its time).
const LONG_HOOK: u64 = 1 << 20;

/// Read the time-stamp counter.
#[inline(always)]
pub(crate) fn rdtsc() -> u64 {
    // SAFETY: rdtsc has no preconditions on x86-64.
    unsafe { core::arch::x86_64::_rdtsc() }
}

impl Machine {
    /// Load bitcode, lay out and initialize globals. `name` names the input in messages.
    pub fn load(bytes: &[u8], name: &str, resolver: Box<dyn Resolver>, opts: Options) -> Result<Box<Machine>, Error> {
        let ir = crate::llvm::load_bitcode(bytes, name, opts.lazy_bodies).map_err(Error::Load)?;
        let prog = Program::new(ir, name, resolver).map_err(|e| Error::Load(format!("{name}: {e}")))?;
        let nfuncs = prog.funcs.len();
        let mut m = Box::new(Machine {
            prog,
            regs: crate::exec::stack::Stack::new(opts.reg_slots.max(1024) * 8, true),
            reg_top: 16,
            astack: crate::exec::stack::Stack::new(opts.alloca_bytes.max(4096), false),
            sp: 0,
            frames: Vec::new(),
            stats: vec![FuncStats::default(); nfuncs + 1],
            error: None,
            thrown: None,
            retval: [0; 8],
            hot: vec![Hot::NONE; nfuncs].into_boxed_slice(),
            exact_cycles: false,
            timer_floor: u64::MAX,
            rng: 0x9E37_79B9_7F4A_7C15,
            start_tsc: 0,
            total_cycles: 0,
            translate_cycles: 0,
            lowering: crate::profile::LoweringCost::default(),
            hooks: None,
            in_hook: false,
            hook_cycles: 0,
            hook_entry: 0,
            tier_at: Vec::new(),
            osr_first: u64::MAX,
            jumps: Default::default(),
            argv: (Vec::new(), Box::new([])),
            threads: crate::threads::Threads::new(std::ptr::null_mut(), 0, None),
            counted: crate::exec::counted::CountedCalls::new(nfuncs),
            values: crate::profile::values::ValueTables::new(nfuncs),
        });
        if m.prog.funcs.iter().any(|f| f.intercept == crate::program::Intercept::SetJmp) {
            m.jumps.setjmp = m.prog.resolve_symbol("_setjmp").unwrap_or(0);
        }
        m.sp = m.astack.end();
        let owner: *mut Machine = &mut *m;
        m.prog.owner = owner.cast();
        m.prog.thunk_handler = Some(exec::callback::thunk_entry);
        m.prog.init_globals().map_err(|e| Error::Load(format!("{name}: {e}")))?;
        m.prog.tls = crate::threads::tls::Template::of(&m.prog).map_err(|e| Error::Load(format!("{name}: {e}")))?;
        let create = m.prog.resolve_symbol("pthread_create").unwrap_or(0);
        m.threads = crate::threads::Threads::new(owner, create, m.prog.tls.blocks().cloned());
        Ok(m)
    }

    /// The interpreter lock, for the host's native code the program calls (see [`ThreadGate`]).
    ///
    /// [`ThreadGate`]: crate::ThreadGate
    pub fn thread_gate(&self) -> crate::ThreadGate {
        self.threads.gate()
    }

    /// Time every call with the TSC instead of sampling tiny hot functions (see `exec::timing`).
    pub fn set_exact_cycles(&mut self, exact: bool) {
        self.exact_cycles = exact;
        for f in 0..self.stats.len() {
            self.stats[f].time_at = 0;
            self.refresh_check(f);
        }
    }

    /// Recompute `f`'s call check (`FuncStats::check_at`): the first call count at which a call
    /// of `f` must be timed, run the tier hook (at its tier mark) or have its argument values
    /// recorded (from half its tier mark, `profile::values::is_candidate`); 0 (every call
    /// checked) while `f` cannot take the fast path (`Hot::simple`). Called whenever one of
    /// these changes; so is the limit of `f`'s calls counted without the lock
    /// ([`Machine::refresh_counted`]), which depends on the tier mark too.
    pub(crate) fn refresh_check(&mut self, f: usize) {
        self.refresh_counted(f);
        let tier = self.tier_at.get(f).map_or(u64::MAX, |&at| crate::profile::values::first_candidate(at));
        let simple = self.hot.get(f).is_some_and(|h| h.simple);
        if let Some(st) = self.stats.get_mut(f) {
            st.check_at = if simple { st.time_at.min(tier) } else { 0 };
        }
    }

    /// Enable tiering: [`Hooks::on_call`] runs on a call of `f` once its call count reached its
    /// tier mark (every function starts at `first`). Calls take the checked path from half the
    /// mark on (value profiling), the fast path below it.
    pub fn enable_tiering(&mut self, first: u64) {
        self.tier_at = vec![first; self.prog.funcs.len()];
        for f in 0..self.prog.funcs.len() {
            self.refresh_check(f);
        }
    }

    /// Enable on-stack replacement: functions lowered from now on get an OSR point at each loop
    /// header, and [`Hooks::on_osr`] runs when a point's entry count reaches `first` (then the
    /// mark the hook returns). Call before the run starts (functions already lowered get no points).
    pub fn enable_osr(&mut self, first: u64) {
        self.osr_first = first.max(1);
        self.prog.osr = true;
    }

    /// Interpret `llvm.fmuladd` (clang's `a*b + c` under -ffp-contract=on) as one fused
    /// multiply-add, as native code for a CPU with FMA does, instead of a multiply and an add.
    /// Call before the run starts (functions already lowered keep their choice).
    pub fn set_fp_contraction(&mut self, fused: bool) {
        self.prog.fuse_fmuladd = fused;
    }

    /// Run `body` with the host's hooks, if a run set them and no hook is running.
    fn with_hooks<R>(&mut self, body: impl FnOnce(&mut dyn Hooks, &mut Machine) -> R) -> Option<R> {
        let h = self.hooks.filter(|_| !self.in_hook)?;
        self.in_hook = true;
        self.hook_entry = rdtsc();
        // SAFETY: `hooks` is set only by `run_main_with` from a `&mut dyn Hooks` that outlives
        // that call and is cleared when it returns; the hook object is not part of the machine,
        // and `in_hook` keeps a second `&mut` to it from being made while this one lives.
        let r = body(unsafe { &mut *h }, self);
        self.in_hook = false;
        let dt = rdtsc().wrapping_sub(self.hook_entry);
        if dt >= LONG_HOOK {
            self.hook_cycles = self.hook_cycles.wrapping_add(dt);
            // The timed activations of this thread started `dt` later, as it were.
            for fr in self.frames.iter_mut().filter(|fr| fr.tsc != 0) {
                fr.tsc = fr.tsc.wrapping_add(dt);
            }
        }
        Some(r)
    }

    /// Run the OSR hook for point `point` of `f` (Never without hooks).
    pub(crate) fn run_osr_hook(&mut self, f: u32, point: u32) -> OsrDecision {
        self.with_hooks(|h, m| h.on_osr(m, FuncId(f), point)).unwrap_or(OsrDecision::Never)
    }

    /// The program ends inside a native callback: the host's last word (its reports), or the
    /// error on stderr without hooks (or, were that possible, inside another hook).
    pub(crate) fn run_exit_hook(&mut self, outcome: &Outcome) {
        if self.with_hooks(|h, m| h.on_exit(m, outcome)).is_none()
            && let Outcome::Error(e) = outcome
        {
            eprintln!("{e}");
        }
    }

    /// Ask the host for native code of `f`, which irvm cannot interpret (`reason`).
    pub(crate) fn run_native_only_hook(&mut self, f: u32, reason: &str) {
        self.with_hooks(|h, m| h.on_native_only(m, FuncId(f), reason));
    }

    /// Run the tier hook for `f` (nothing without hooks or inside another hook).
    pub(crate) fn run_tier_hook(&mut self, f: u32) {
        self.with_hooks(|h, m| h.on_call(m, FuncId(f)));
    }

    /// Run `main` with `args` as argv (`args[0]` = program name), without hooks.
    pub fn run_main(&mut self, args: &[String]) -> Outcome {
        self.run_main_with(args, &mut NoHooks)
    }

    /// Run `main` with `args` as argv (`args[0]` = program name); `hooks` is called back while
    /// it runs (tier marks, OSR points, an exit inside a native callback), and only then.
    pub fn run_main_with(&mut self, args: &[String], hooks: &mut (dyn Hooks + 'static)) -> Outcome {
        let outer = self.hooks.replace(hooks as *mut dyn Hooks);
        let outcome = self.run_main_inner(args);
        self.hooks = outer;
        outcome
    }

    /// End the process with `exit(code)` (the host's exit function: the C library's, which runs
    /// the atexit handlers and destructors, some of them interpreted) while `hooks` is called
    /// back, as during [`Machine::run_main_with`]: a destructor irvm cannot interpret still gets
    /// native code ([`Hooks::on_native_only`]).
    pub fn exit_with(&mut self, hooks: &mut (dyn Hooks + 'static), code: i32, exit: fn(i32) -> !) -> ! {
        self.hooks = Some(hooks as *mut dyn Hooks);
        exit(code)
    }

    fn run_main_inner(&mut self, args: &[String]) -> Outcome {
        let program = self.prog.name.clone();
        let Some((&id, main)) = self.prog.func_ids.iter().find(|(v, _)| v.name() == "main").map(|(v, id)| (id, *v))
        else {
            return Outcome::Error(Error::NoMain { program, declared: false });
        };
        if main.is_declaration() {
            return Outcome::Error(Error::NoMain { program, declared: true });
        }
        let nparams = main.params().len();
        // argv: NUL-terminated copies owned by the machine (the program may keep the pointers).
        let cstrs: Vec<CString> = args.iter().map(|a| CString::new(a.as_str()).unwrap_or_default()).collect();
        let mut argv: Vec<usize> = cstrs.iter().map(|c| c.as_ptr() as usize).collect();
        argv.push(0);
        self.argv = (cstrs, argv.into_boxed_slice());
        let mut call_args = vec![args.len() as u64, self.argv.1.as_ptr() as u64];
        if nparams == 3 {
            // SAFETY: reading libc's `environ` pointer (a plain global).
            call_args.push(self.prog.resolve_symbol("environ").map(|p| unsafe { *(p as *const u64) }).unwrap_or(0));
        }
        call_args.truncate(nparams);
        self.start_tsc = rdtsc();
        if let Err(e) = self.register_dtors() {
            return Outcome::Error(Error::Setup(format!("{}: {e}", self.prog.name)));
        }
        for (_, f) in self.prog.structors("llvm.global_ctors") {
            match self.call(f, &[]) {
                Ok(_) => {}
                Err(Trap::Exit(c)) => return Outcome::Exit(c),
                Err(Trap::Error) => return Outcome::Error(Error::Run(self.error.take().unwrap_or_default())),
                Err(Trap::Unwind) => self.uncaught(),
            }
        }
        let r = self.call(id, &call_args);
        self.total_cycles = rdtsc().wrapping_sub(self.start_tsc);
        match r {
            Ok(v) => {
                let ret = main.fn_type().ret();
                Outcome::Exit(if matches!(ret.kind(), TyKind::Int(_)) { v as i32 } else { 0 })
            }
            Err(Trap::Exit(c)) => Outcome::Exit(c),
            Err(Trap::Error) => Outcome::Error(self.take_error()),
            Err(Trap::Unwind) => self.uncaught(),
        }
    }

    /// A C++ exception left the program's outermost frame: `std::terminate`, as natively.
    pub(crate) fn uncaught(&mut self) -> ! {
        let thrown = self.thrown.take().expect("irvm: unwinding without an exception");
        thrown.terminate()
    }

    /// The pending run-time error.
    pub(crate) fn take_error(&mut self) -> Error {
        Error::Run(self.error.take().unwrap_or_else(|| "irvm: run-time error".into()))
    }

    /// Destructors run at process exit, after the program's own atexit handlers, as native
    /// code's do: register their thunks with the C library's `atexit` before `main` (lowest
    /// priority first, so that they run highest priority first).
    fn register_dtors(&mut self) -> Result<(), String> {
        let dtors = self.prog.structors("llvm.global_dtors");
        if dtors.is_empty() {
            return Ok(());
        }
        let atexit = self.prog.resolve_symbol("atexit").ok_or("destructors need 'atexit'")?;
        for (_, f) in dtors {
            let thunk = self.prog.function_address(f)?;
            let mut img = RegImage::default();
            img.gpr[0] = thunk as u64;
            // SAFETY: atexit(void (*)(void)) with a thunk that calls the destructor.
            unsafe { crate::abi::native::call(atexit, &mut img) }.map_err(|_| "atexit threw an exception")?;
        }
        Ok(())
    }

    /// Call the program's function `name` with one-slot arguments (integers, pointers, f64 bits)
    /// and return its first result slot. For hosts and tests; `main` goes through `run_main`.
    pub fn call_function(&mut self, name: &str, args: &[u64]) -> Result<u64, Error> {
        let f = self
            .prog
            .funcs
            .iter()
            .position(|e| e.name == name && !e.external)
            .ok_or_else(|| Error::Setup(format!("{}: no function '{name}'", self.prog.name)))?;
        match self.call(FuncId(f as u32), args) {
            Ok(v) => Ok(v),
            Err(Trap::Exit(c)) => Err(Error::Run(format!("{}: '{name}' called exit({c})", self.prog.name))),
            Err(Trap::Error) => Err(self.take_error()),
            Err(Trap::Unwind) => {
                self.thrown = None;
                Err(Error::Run(format!("{}: '{name}' ended by a C++ exception", self.prog.name)))
            }
        }
    }

    /// Call function `f` with one-slot arguments from the host; returns the first result slot.
    pub(crate) fn call(&mut self, f: FuncId, args: &[u64]) -> Result<u64, Trap> {
        let mut native = self.prog.funcs[f.0 as usize].native;
        if native == 0 && !self.prog.funcs[f.0 as usize].external {
            // A function irvm cannot interpret may get native code on its first call.
            let me: *mut Machine = self;
            // SAFETY: `me` is this machine, used only through the raw pointer here. A lowering
            // error is reported again when `f` is entered.
            let code = unsafe { exec::call::code_of(me, f.0) }.ok();
            // SAFETY: `code_of` returns `f`'s code, owned by the function table.
            if let Some(c) = code.filter(|&c| unsafe { (*c).native_only.is_some() }) {
                // SAFETY: `me` is this machine, not otherwise referenced; `c` is `f`'s code.
                native = unsafe { exec::call::native_for_unsupported(me, f.0, c) };
            }
        }
        let ints = self.prog.funcs[f.0 as usize]
            .val
            .params()
            .iter()
            .all(|p| matches!(p.ty().kind(), TyKind::Int(_) | TyKind::Ptr));
        if native != 0 && ints && args.len() <= 6 && !self.prog.funcs[f.0 as usize].external {
            // Tiering: the function has native code and integer/pointer parameters only.
            let mut img = RegImage::default();
            img.gpr[..args.len()].copy_from_slice(args);
            self.count_locked_call(f.index());
            let mark = exec::jump::mark(self);
            let outside = crate::threads::to_native(self, native);
            // SAFETY: `native` is compiled code of `f` (same signature); arguments in GPRs.
            let r = unsafe { crate::abi::native::call(native, &mut img) };
            // SAFETY: `outside` is this call's; the machine is alive.
            unsafe { crate::threads::from_native(outside) };
            exec::jump::after_native(self, mark);
            if let Err(thrown) = r {
                self.thrown = Some(thrown);
                return Err(Trap::Unwind);
            }
            return Ok(img.rax);
        }
        let me: *mut Machine = self;
        // SAFETY: `me` is this machine, used only through the raw pointer for the call's duration.
        unsafe {
            exec::call::enter_from_host(me, f, args, 0)?;
            exec::jump::run_entered(me)?;
            Ok((*me).retval[0])
        }
    }

    /// Lower defined function `f` now if it was not yet (its profile counters exist afterwards,
    /// so a host can seed them, e.g. from a saved profile). Errors name the function.
    pub fn lower_now(&mut self, f: FuncId) -> Result<(), Error> {
        let e = &self.prog.funcs[f.index()];
        if e.external || e.code.is_some() {
            return Ok(());
        }
        let me: *mut Machine = self;
        // SAFETY: `me` is this live machine, used exclusively for the call.
        match unsafe { exec::call::lower(me, f.0) } {
            Ok(_) => Ok(()),
            Err(_) => Err(Error::Run(
                self.error.take().unwrap_or_else(|| format!("irvm: cannot lower '{}'", self.func_name(f.index()))),
            )),
        }
    }

    /// Name of function `f` (or of the native-pointer bucket).
    pub(crate) fn func_name(&self, f: usize) -> &str {
        self.prog.funcs.get(f).map(|e| e.name.as_str()).unwrap_or("<native code via pointer>")
    }

    /// Write a register image for variadic arguments into the alloca stack.
    pub(crate) fn push_image(&mut self, img: &RegImage, stack_words: &[u64]) -> Result<usize, Trap> {
        let need = std::mem::size_of::<RegImage>() + stack_words.len() * 8 + 16;
        let new_sp = (self.sp - need) & !15;
        if new_sp < self.astack.ready_lo() && !self.astack.grow_down(new_sp) {
            return Err(exec::fail(self, "stack overflow (alloca stack exhausted)".into()));
        }
        self.sp = new_sp;
        let words = new_sp + std::mem::size_of::<RegImage>();
        let mut img = *img;
        img.stack = words;
        img.nstack = stack_words.len() as u64;
        // SAFETY: [new_sp, new_sp + need) lies inside the alloca stack we own, 16-byte aligned.
        unsafe {
            std::ptr::write(new_sp as *mut RegImage, img);
            std::ptr::copy_nonoverlapping(stack_words.as_ptr(), words as *mut u64, stack_words.len());
        }
        Ok(new_sp)
    }
}
