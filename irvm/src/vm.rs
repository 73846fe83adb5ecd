//! The machine: a program plus its run-time state (register stack, alloca stack, call frames,
//! per-function statistics). `Machine::load` builds one; `run_main` runs the program's `main`.

use crate::abi::RegImage;
use crate::exec::{self, Trap};
use crate::isa::{FuncId, Op, Reg};
use crate::llvm::TyKind;
use crate::program::{Program, Resolver};
use crate::translate::Code;

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

/// Counters of one function (and of native functions called from interpreted code).
#[derive(Default, Clone)]
pub struct FuncStats {
    pub calls: u64,
    /// Inclusive cycles of outermost activations.
    pub incl: u64,
    pub excl: u64,
    /// Activations currently on the stack.
    pub active: u32,
    /// Edge counters of the lowered code (see `translate::BranchMeta`); counter 0 is a sink.
    pub counters: Box<[u64]>,
    /// Counter values to start from, given before the function was lowered
    /// ([`Machine::seed_counters`]); taken when it is.
    pub pending_seed: Option<Box<[u64]>>,
    /// The counters started from a seed (it had the lowered code's length).
    pub seeded: bool,
    /// Instructions not executed in blocks left early (by `exit`).
    pub skipped: u64,
    /// Activations that left the interpreter at an OSR point to finish in native code.
    pub osr_entries: u64,
    /// Activations timed with the TSC, and their summed inclusive / exclusive cycles.
    pub timed: u64,
    pub timed_dt: u64,
    pub timed_excl: u64,
    pub avg_dt: u64,
    pub avg_excl: u64,
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
    pub func: u32,
    pub fp: *mut u64,
    pub code: *const Code,
    /// The function's profile counters.
    pub ctrs: *mut u64,
    /// Where the caller resumes (null: return to the host).
    pub ret_ip: *const Op,
    pub ret_dst: Reg,
    pub ret_slots: u32,
    /// IR instructions after the call in the caller's block (for `exit` accounting).
    pub caller_rest: u32,
    pub saved_sp: usize,
    pub tsc: u64,
    pub child: u64,
    /// Register image holding variadic arguments (0 if none).
    pub va: usize,
}

/// What the call fast path needs of a function: its code, and whether it can take the fast
/// path (lowered, interpreted, not variadic, no byval parameters).
#[derive(Clone, Copy)]
pub(crate) struct Hot {
    pub code: *const Code,
    pub simple: bool,
}

/// How a run ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// `main` returned or the program called `exit`: the status.
    Exit(i32),
    /// A run-time error (the message names the function).
    Error(String),
}

/// Called when the program ends inside a callback from native code (nested `exit` or error):
/// the host writes its reports here before irvm ends the process.
pub type ExitHook = Box<dyn FnMut(&Machine, &Outcome)>;

/// Tiering (issue D): called on a call of function `f` once its call count reached `tier_at[f]`;
/// the host may compile it and install native code with [`Machine::set_native`], and moves the mark.
pub type TierHook = Box<dyn FnMut(&mut Machine, u32)>;

/// The host's answer at an OSR point (see [`Machine::set_osr_hook`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OsrDecision {
    /// Continue this activation in native code at this address: `ret (ptr buf)`, reading the
    /// point's live values from `buf` (their slots in order, see `translate::OsrPoint`).
    Enter(usize),
    /// Keep interpreting; ask again when the point's entry count reaches this value.
    Later(u64),
    /// Keep interpreting; never ask again for this point.
    Never,
}

/// OSR (issue D): called at OSR point `point` of function `f` (index into its `Code::osr`) once
/// the point's entry count reached its mark.
pub type OsrHook = Box<dyn FnMut(&mut Machine, u32, u32) -> OsrDecision>;

/// A loaded program and its interpreter state.
pub struct Machine {
    pub prog: Program,
    /// Register slots (u64), growing up.
    pub(crate) regs: crate::exec::stack::Stack,
    /// Next free register slot for an entry from the host or from native code.
    pub(crate) reg_top: usize,
    /// Alloca memory, growing down from its end.
    pub(crate) astack: crate::exec::stack::Stack,
    pub(crate) sp: usize,
    pub(crate) frames: Vec<Frame>,
    /// Per FuncId, plus one last entry for native code reached through pointers.
    pub stats: Vec<FuncStats>,
    pub(crate) error: Option<String>,
    pub(crate) retval: [u64; 8],
    pub(crate) exit_hook: Option<ExitHook>,
    /// Hot per-function data for the call fast path (see `exec::call`).
    pub(crate) hot: Box<[Hot]>,
    pub(crate) exact_cycles: bool,
    pub(crate) rng: u64,
    /// TSC at the start of the run and total cycles once it ended.
    pub start_tsc: u64,
    pub total_cycles: u64,
    /// Cycles spent lowering functions (not charged to any function).
    pub translate_cycles: u64,
    /// Tiering: the host's hook and, per function, the call count at which to run it (empty:
    /// no tiering; `u64::MAX`: never).
    pub(crate) tier_hook: Option<TierHook>,
    pub tier_at: Vec<u64>,
    /// OSR: the host's hook and the first mark of every OSR point.
    pub(crate) osr_hook: Option<OsrHook>,
    pub(crate) osr_first: u64,
}

/// Read the time-stamp counter.
#[inline(always)]
pub(crate) fn rdtsc() -> u64 {
    // SAFETY: rdtsc has no preconditions on x86-64.
    unsafe { core::arch::x86_64::_rdtsc() }
}

impl Machine {
    /// Load bitcode, lay out and initialize globals. `name` names the input in messages.
    pub fn load(bytes: &[u8], name: &str, resolver: Box<dyn Resolver>, opts: Options) -> Result<Box<Machine>, String> {
        let ir = crate::llvm::load_bitcode(bytes, name, opts.lazy_bodies)?;
        let prog = Program::new(ir, name, resolver).map_err(|e| format!("{name}: {e}"))?;
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
            retval: [0; 8],
            exit_hook: None,
            hot: vec![Hot { code: std::ptr::null(), simple: false }; nfuncs].into_boxed_slice(),
            exact_cycles: false,
            rng: 0x9E37_79B9_7F4A_7C15,
            start_tsc: 0,
            total_cycles: 0,
            translate_cycles: 0,
            tier_hook: None,
            tier_at: Vec::new(),
            osr_hook: None,
            osr_first: u64::MAX,
        });
        m.sp = m.astack.end();
        let owner: *mut Machine = &mut *m;
        m.prog.owner = owner.cast();
        m.prog.thunk_handler = Some(exec::callback::thunk_entry);
        m.prog.init_globals().map_err(|e| format!("{name}: {e}"))?;
        Ok(m)
    }

    /// Time every call with the TSC instead of sampling tiny hot functions (see `exec::timing`).
    pub fn set_exact_cycles(&mut self, exact: bool) {
        self.exact_cycles = exact;
    }

    /// Enable tiering: `hook` runs on a call of `f` once `tier_at[f]` calls were counted (every
    /// function starts at `first`). Calls then take the checked path instead of the fast path.
    pub fn set_tier_hook(&mut self, hook: TierHook, first: u64) {
        self.tier_hook = Some(hook);
        self.tier_at = vec![first; self.prog.funcs.len()];
        for h in self.hot.iter_mut() {
            h.simple = false;
        }
    }

    /// Enable on-stack replacement: functions lowered from now on get an OSR point at each loop
    /// header, and `hook` runs when a point's entry count reaches `first` (then the mark the
    /// hook returns). Call before the run starts (functions already lowered get no points).
    pub fn set_osr_hook(&mut self, hook: OsrHook, first: u64) {
        self.osr_hook = Some(hook);
        self.osr_first = first.max(1);
        self.prog.osr = true;
    }

    /// Interpret `llvm.fmuladd` (clang's `a*b + c` under -ffp-contract=on) as one fused
    /// multiply-add, as native code for a CPU with FMA does, instead of a multiply and an add.
    /// Call before the run starts (functions already lowered keep their choice).
    pub fn set_fp_contraction(&mut self, fused: bool) {
        self.prog.fuse_fmuladd = fused;
    }

    /// Run the OSR hook (re-entrancy safe: the hook is taken out while it runs).
    pub(crate) fn run_osr_hook(&mut self, f: u32, point: u32) -> OsrDecision {
        match self.osr_hook.take() {
            Some(mut h) => {
                let d = h(self, f, point);
                self.osr_hook = Some(h);
                d
            }
            None => OsrDecision::Never,
        }
    }

    /// Whether native code can call defined function `f` through its thunk (irvm classifies its
    /// signature; lowers `f` if needed). False for signatures irvm cannot take from registers.
    pub fn enterable_from_native(&mut self, f: u32) -> bool {
        let m: *mut Machine = self;
        // SAFETY: `self` is the live machine, used only through `m` here.
        match unsafe { crate::exec::call::code_of(m, f) } {
            // SAFETY: code owned by the function table.
            Ok(c) => unsafe { (*c).own_sig.is_some() },
            Err(_) => {
                self.error = None;
                false
            }
        }
    }

    /// Entries counted so far at OSR point `point` of function `f` (all activations).
    pub fn osr_count(&self, f: u32, point: u32) -> u64 {
        let Some(p) = self.osr_point(f, point) else { return 0 };
        self.stats[f as usize].counters.get(p.ctr as usize).copied().unwrap_or(0)
    }

    /// Ask the host again at OSR point `point` of `f` once its entry count reaches `mark`.
    pub fn set_osr_mark(&mut self, f: u32, point: u32, mark: u64) {
        let Some(ctr) = self.osr_point(f, point).map(|p| p.ctr as usize + 1) else { return };
        if let Some(c) = self.stats[f as usize].counters.get_mut(ctr) {
            *c = mark;
        }
    }

    /// OSR point `point` of function `f`, if `f` is lowered and has it.
    pub fn osr_point(&self, f: u32, point: u32) -> Option<&crate::translate::OsrPoint> {
        self.prog.funcs.get(f as usize)?.code.as_deref()?.osr.get(point as usize)
    }

    /// Run native code at `addr` (same signature) for every later call of defined function `f`
    /// from interpreted code and through its thunk; 0 goes back to interpreting it.
    pub fn set_native(&mut self, f: u32, addr: usize) {
        if let Some(e) = self.prog.funcs.get_mut(f as usize)
            && !e.external
        {
            e.native = addr;
            self.hot[f as usize].simple = false;
        }
    }

    /// Run the tier hook for `f` (re-entrancy safe: the hook is taken out while it runs).
    pub(crate) fn run_tier_hook(&mut self, f: u32) {
        if let Some(mut h) = self.tier_hook.take() {
            h(self, f);
            self.tier_hook = Some(h);
        }
    }

    /// Set the hook run before irvm ends the process from inside a native callback.
    pub fn set_exit_hook(&mut self, hook: ExitHook) {
        self.exit_hook = Some(hook);
    }

    /// Run `main` with `args` as argv (args[0] = program name).
    pub fn run_main(&mut self, args: &[String]) -> Outcome {
        let Some((&id, main)) = self.prog.func_ids.iter().find(|(v, _)| v.name() == "main").map(|(v, id)| (id, *v))
        else {
            return Outcome::Error(format!("{}: no function 'main'", self.prog.name));
        };
        if main.is_declaration() {
            return Outcome::Error(format!("{}: 'main' is only declared", self.prog.name));
        }
        let nparams = main.params().len();
        // argv: NUL-terminated copies that live as long as the machine.
        let cstrs: Vec<std::ffi::CString> =
            args.iter().map(|a| std::ffi::CString::new(a.as_str()).unwrap_or_default()).collect();
        let mut argv: Vec<usize> = cstrs.iter().map(|c| c.as_ptr() as usize).collect();
        argv.push(0);
        let argv = Box::leak(argv.into_boxed_slice());
        std::mem::forget(cstrs);
        let mut call_args = vec![args.len() as u64, argv.as_ptr() as u64];
        if nparams == 3 {
            // SAFETY: reading libc's `environ` pointer (a plain global).
            call_args.push(self.prog.resolve_symbol("environ").map(|p| unsafe { *(p as *const u64) }).unwrap_or(0));
        }
        call_args.truncate(nparams);
        self.start_tsc = rdtsc();
        if let Err(e) = self.register_dtors() {
            return Outcome::Error(format!("{}: {e}", self.prog.name));
        }
        for (_, f) in self.prog.structors("llvm.global_ctors") {
            match self.call(f, &[]) {
                Ok(_) => {}
                Err(Trap::Exit(c)) => return Outcome::Exit(c),
                Err(Trap::Error) => return Outcome::Error(self.error.take().unwrap_or_default()),
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
            Err(Trap::Error) => Outcome::Error(self.error.take().unwrap_or_else(|| "irvm: run-time error".into())),
        }
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
            unsafe { crate::abi::native::call(atexit, &mut img) };
        }
        Ok(())
    }

    /// Call the program's function `name` with one-slot arguments (integers, pointers, f64 bits)
    /// and return its first result slot. For hosts and tests; `main` goes through `run_main`.
    pub fn call_function(&mut self, name: &str, args: &[u64]) -> Result<u64, String> {
        let f = self
            .prog
            .funcs
            .iter()
            .position(|e| e.name == name && !e.external)
            .ok_or_else(|| format!("{}: no function '{name}'", self.prog.name))?;
        match self.call(FuncId(f as u32), args) {
            Ok(v) => Ok(v),
            Err(Trap::Exit(c)) => Err(format!("{}: '{name}' called exit({c})", self.prog.name)),
            Err(Trap::Error) => Err(self.error.take().unwrap_or_else(|| "irvm: run-time error".into())),
        }
    }

    /// Call function `f` with one-slot arguments from the host; returns the first result slot.
    pub(crate) fn call(&mut self, f: FuncId, args: &[u64]) -> Result<u64, Trap> {
        let native = self.prog.funcs[f.0 as usize].native;
        let ints = self.prog.funcs[f.0 as usize]
            .val
            .params()
            .iter()
            .all(|p| matches!(p.ty().kind(), TyKind::Int(_) | TyKind::Ptr));
        if native != 0 && ints && args.len() <= 6 && !self.prog.funcs[f.0 as usize].external {
            // Tiering: the function has native code and integer/pointer parameters only.
            let mut img = RegImage::default();
            img.gpr[..args.len()].copy_from_slice(args);
            self.stats[f.0 as usize].calls += 1;
            // SAFETY: `native` is compiled code of `f` (same signature); arguments in GPRs.
            unsafe { crate::abi::native::call(native, &mut img) };
            return Ok(img.rax);
        }
        let me: *mut Machine = self;
        // SAFETY: `me` is this machine, used only through the raw pointer for the call's duration.
        unsafe {
            exec::call::enter_from_host(me, f, args, 0)?;
            exec::run(me)?;
            Ok((*me).retval[0])
        }
    }

    /// Lower defined function `f` now if it was not yet (its profile counters exist afterwards,
    /// so a host can seed them, e.g. from a saved profile). Errors name the function.
    pub fn lower_now(&mut self, f: u32) -> Result<(), String> {
        let e = self.prog.funcs.get(f as usize).ok_or_else(|| format!("irvm: no function #{f}"))?;
        if e.external || e.code.is_some() {
            return Ok(());
        }
        let me: *mut Machine = self;
        // SAFETY: `me` is this live machine, used exclusively for the call.
        match unsafe { exec::call::lower(me, f) } {
            Ok(_) => Ok(()),
            Err(_) => {
                Err(self.error.take().unwrap_or_else(|| format!("irvm: cannot lower '{}'", self.func_name(f as usize))))
            }
        }
    }

    /// Start function `f`'s profile counters from `values` (e.g. a previous run's profile): now if
    /// `f` is lowered, else when it gets lowered — so seeding does not force a translation of
    /// functions that may never run interpreted. Values whose length differs from the lowered
    /// code's counters are dropped; [`FuncStats::seeded`] tells whether they were taken.
    pub fn seed_counters(&mut self, f: u32, values: Box<[u64]>) {
        let st = &mut self.stats[f as usize];
        match self.prog.funcs[f as usize].code.as_deref() {
            Some(code) => take_seed(st, values, code),
            None => st.pending_seed = Some(values),
        }
    }

    /// Name of function `f` (or of the native-pointer bucket).
    pub fn func_name(&self, f: usize) -> &str {
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
