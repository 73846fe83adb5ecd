//! The `Jit`: one ORC LLJIT plus BareFlow's own JITDylib, the source modules it compiles from,
//! and one target machine per codegen level. Each compilation emits an ELF object (so every tier's
//! code can be cached in run snapshots) and adds it to the JIT under its own ResourceTracker (so old tiers
//! can be freed).
//!
//! Why objects rather than LLVMOrcLLJITAddLLVMIRModule: LLJIT's IR layer compiles every module
//! with one fixed codegen level, while tiers need O0 (fast-isel) … O3 codegen; and the emitted
//! object bytes are exactly what the snapshot's object cache stores.
//!
//! Set-up and modules live here; `compile` holds the compilation entry points, `link` the ORC
//! side (objects, lookups, removal, outside symbols).

mod compile;
pub use compile::Variant;
mod link;

use std::ffi::{CStr, c_void};
use std::ptr;
use std::sync::Mutex;
use std::time::Duration;

use llvm_sys::error::LLVMErrorRef;
use llvm_sys::orc2::lljit::*;
use llvm_sys::orc2::*;
use llvm_sys::prelude::*;

use crate::OptLevel;
use crate::error::{Doing, Error, Result, check};
use crate::extract;
use crate::llvm::{self, DiagnosticSink, OwnedModule};
use crate::pipeline::ProfileSummary;
use crate::symbols::{self, Defined};
use crate::target::{self, TargetConfig, TargetInfo, TargetMachine};

/// How to set up a [`Jit`].
#[derive(Debug, Clone, Default)]
pub struct JitConfig {
    /// CPU and triple to generate code for (default: the machine we run on).
    pub target: TargetConfig,
    /// Register emitted objects with GDB's JIT interface (LLVMOrcLLJITEnableDebugSupport; the
    /// executor must export `llvm_orc_registerJITLoaderGDBWrapper`, see docs/orc-bridge.md).
    pub gdb_registration: bool,
}

/// A source module loaded into a [`Jit`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ModuleId(usize);

/// Code added to a [`Jit`] (one object); [`Jit::remove`] frees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CodeId(usize);

/// Where the time of one compilation went (wall clock).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CompileTimes {
    /// Cloning the module and cutting the function out (zero for whole modules' own work).
    pub extract: Duration,
    /// Profile metadata + the `default<On>` IR pipeline + linking references to the host.
    pub optimize: Duration,
    /// Instruction selection … object emission at the tier's codegen level.
    pub codegen: Duration,
    /// Adding the object to ORC, JITLink linking it, and the lookup of its address.
    pub link: Duration,
}

impl CompileTimes {
    pub fn total(&self) -> Duration {
        self.extract + self.optimize + self.codegen + self.link
    }
}

/// A function compiled at one tier.
#[derive(Debug, Clone)]
pub struct CompiledFunction {
    /// Its name in the source module.
    pub function: String,
    /// Its symbol in the JIT (`<function>.bf.<level>.<n>`; unique per compilation).
    pub symbol: String,
    pub level: OptLevel,
    /// Address of the native code: transmute to the function's `extern "C" fn` type to call it.
    pub address: u64,
    pub code: CodeId,
    /// The relocatable ELF object (for an object cache; re-add with [`Jit::add_object`]).
    pub object: Vec<u8>,
    /// `__bf.*` host symbols the object refers to (resolved through `HostLinks` on re-add).
    pub host_symbols: Vec<String>,
    /// Other app functions whose bodies the optimizer inlined into this code (sorted): they run
    /// whenever their inlined copy does, without being entered. Empty for an object re-added
    /// from a cache ([`Jit::add_object`]: its compile recorded them).
    pub inlined: Vec<String>,
    /// What the guarded unroll-and-jam did ([`crate::unrolljam`]); `None` when not asked or the
    /// code has no loop nest of its shape.
    pub jam: Option<crate::unrolljam::JamOutcome>,
    /// Prefetches placed in its streamed loops ([`crate::prefetch`]); `None` when not asked.
    pub prefetched: Option<u32>,
    pub times: CompileTimes,
}

/// A function compiled to an object but not linked yet ([`Jit::build_object`]): plain data, so
/// it can cross from a background compile thread to the Jit that links it ([`Jit::link_built`]).
#[derive(Debug, Clone)]
pub struct BuiltObject {
    pub function: String,
    /// Its symbol in the object (as [`CompiledFunction::symbol`]).
    pub symbol: String,
    pub level: OptLevel,
    pub object: Vec<u8>,
    /// `__bf.*` symbols the object refers to (resolved through `HostLinks` when linked).
    pub(crate) host: Vec<crate::symbols::HostSymbol>,
    /// Runtime names it refers to (must be defined in the linking Jit).
    pub(crate) runtime: Vec<String>,
    /// App functions inlined into it (as [`CompiledFunction::inlined`]).
    pub inlined: Vec<String>,
    /// What the guarded unroll-and-jam did (as [`CompiledFunction::jam`]).
    pub jam: Option<crate::unrolljam::JamOutcome>,
    /// Prefetches placed (as [`CompiledFunction::prefetched`]).
    pub prefetched: Option<u32>,
    /// Extract, optimize and codegen times (link is zero until linked).
    pub times: CompileTimes,
}

/// A whole module compiled at one tier (its functions keep their names; look them up).
#[derive(Debug, Clone)]
pub struct CompiledModule {
    pub module: String,
    pub level: OptLevel,
    pub code: CodeId,
    pub object: Vec<u8>,
    pub times: CompileTimes,
}

/// A whole module optimized for ahead-of-time use ([`Jit::optimize_module`]).
#[derive(Debug, Clone)]
pub struct OptimizedModule {
    pub bitcode: Vec<u8>,
    pub object: Vec<u8>,
    /// What the guarded unroll-and-jam did, per function that asked (`crate::unrolljam`).
    pub jams: Vec<(String, crate::unrolljam::JamOutcome)>,
    /// Prefetches placed, per function that asked (`crate::prefetch`).
    pub prefetches: Vec<(String, u32)>,
    pub times: CompileTimes,
}

struct Source {
    name: String,
    module: OwnedModule,
    /// The host-linked base that function extraction cuts from (built on first use).
    base: Option<extract::HostLinkedBase>,
}

/// An ORC LLJIT that compiles functions of loaded bitcode modules at O0–O3.
pub struct Jit {
    lljit: LLVMOrcLLJITRef,
    es: LLVMOrcExecutionSessionRef,
    /// BareFlow's JITDylib: a bare one, so nothing is found by searching the process.
    jd: LLVMOrcJITDylibRef,
    tsc: LLVMOrcThreadSafeContextRef,
    ctx: LLVMContextRef,
    target: TargetInfo,
    machines: [Option<TargetMachine>; 4],
    sources: Vec<Source>,
    code: Vec<Option<LLVMOrcResourceTrackerRef>>,
    defined: Defined,
    summary: Option<ProfileSummary>,
    /// App functions whose calls stay calls ([`Jit::set_kept_callees`]).
    kept_callees: Vec<String>,
    /// App functions whose calls are pasted ([`Jit::set_pasted_callees`]).
    pasted_callees: Vec<String>,
    /// Guarded unroll-and-jam of the O2/O3 compiles without a specialization's own jam
    /// ([`Jit::set_unroll_and_jam`]).
    jam: Option<crate::Jam>,
    /// Let `llvm.fmuladd` become a fused multiply-add where the CPU has one (off by default:
    /// see [`Jit::set_fp_contraction`]).
    fp_contraction: bool,
    generation: u64,
    /// Put in every compiled symbol before its number ([`Jit::set_symbol_tag`]).
    symbol_tag: String,
    /// Errors the session reports (possibly from an ORC worker thread, hence the Mutex).
    session_errors: Box<Mutex<Vec<String>>>,
    diagnostics: Box<DiagnosticSink>,
}

// SAFETY: a Jit exclusively owns its LLVM objects (LLJIT, context, modules, target machines) and
// every method takes `&self`/`&mut self`, so moving it to another thread (e.g. a background
// compile thread) never lets two threads touch the same LLVM object. It is not `Sync`.
unsafe impl Send for Jit {}

extern "C" fn on_session_error(ctx: *mut c_void, err: LLVMErrorRef) {
    // SAFETY: `ctx` is the Jit's boxed error list, alive as long as the session.
    let errors = unsafe { &*(ctx as *const Mutex<Vec<String>>) };
    if let Err(e) = check(err) {
        errors.lock().unwrap_or_else(|p| p.into_inner()).push(e.message().to_string());
    }
}

impl Jit {
    /// Whether `a*b + c` that the source allows to contract (`llvm.fmuladd`, clang's default
    /// -ffp-contract=on) may become one fused instruction on a CPU with FMA, as clang
    /// -march=native does. Off by default: a generic AOT build rounds twice, and so does irvm
    /// unless told otherwise (`irvm::Machine::set_fp_contraction`); both must agree, or a
    /// function's floating-point results would change in their last bits when it tiers up.
    pub fn set_fp_contraction(&mut self, on: bool) {
        self.fp_contraction = on;
    }

    /// See [`Jit::set_fp_contraction`].
    pub fn fp_contraction(&self) -> bool {
        self.fp_contraction
    }

    /// A tag for the symbols this Jit names (`<function>.bf.<level>.<tag><n>`): objects that two
    /// Jits build for one linking Jit (a background compiler's and its own) need distinct tags,
    /// or their numbers would collide.
    pub fn set_symbol_tag(&mut self, tag: &str) {
        self.symbol_tag = tag.to_string();
    }

    /// Set up the JIT (steps numbered as in LLVM's OrcV2 examples).
    pub fn new(config: &JitConfig) -> Result<Jit> {
        // 1. Initialise the native target once; install the fatal-error handler.
        target::initialize()?;
        // 2. Resolve the target: the CPU (name + features) found at run time unless configured.
        let target = TargetInfo::resolve(&config.target)?;
        // 3. A JIT target machine builder from a target machine for exactly that CPU.
        let tm = target.machine(OptLevel::O2)?;
        // SAFETY: the builder takes ownership of the target machine.
        let jtmb = unsafe { LLVMOrcJITTargetMachineBuilderCreateFromTargetMachine(tm.into_raw()) };
        // 4. The LLJIT, built from an LLJITBuilder that owns the JTMB.
        let mut lljit = ptr::null_mut();
        // SAFETY: the builder takes the JTMB; LLVMOrcCreateLLJIT takes the builder (on success
        // and failure alike) and fills `lljit`.
        check(unsafe {
            let builder = LLVMOrcCreateLLJITBuilder();
            LLVMOrcLLJITBuilderSetJITTargetMachineBuilder(builder, jtmb);
            LLVMOrcCreateLLJIT(&mut lljit, builder)
        })
        .map_err(|e| e.context("creating the LLJIT"))?;
        // 5. Session errors (e.g. failed materialization) are collected, not printed.
        let session_errors: Box<Mutex<Vec<String>>> = Box::default();
        // SAFETY: `lljit` is live; the error box outlives it (dropped after LLVMOrcDisposeLLJIT).
        let es = unsafe { LLVMOrcLLJITGetExecutionSession(lljit) };
        // SAFETY: see above.
        unsafe {
            LLVMOrcExecutionSessionSetErrorReporter(es, on_session_error, &*session_errors as *const _ as *mut c_void)
        };
        // 6. BareFlow's own bare JITDylib: empty link order, no generators. (LLJIT's main
        //    JITDylib links a process-symbols dylib that searches the process with dlsym.)
        // SAFETY: `es` is live; the JITDylib is owned by the session.
        let jd = unsafe { LLVMOrcExecutionSessionCreateBareJITDylib(es, c"bareflow".as_ptr()) };
        // 7. A ThreadSafeContext whose LLVMContext holds the source modules; reader errors are
        //    captured by the diagnostic handler instead of exiting the process.
        let diagnostics: Box<DiagnosticSink> = Box::default();
        // SAFETY: creating a context; the sink outlives it (disposed in Drop before the box).
        let (tsc, ctx) = unsafe {
            let tsc = LLVMOrcCreateNewThreadSafeContext();
            let ctx = LLVMOrcThreadSafeContextGetContext(tsc);
            llvm::install_diagnostics(ctx, &diagnostics);
            (tsc, ctx)
        };
        let jit = Jit {
            lljit,
            es,
            jd,
            tsc,
            ctx,
            target,
            machines: Default::default(),
            sources: Vec::new(),
            code: Vec::new(),
            defined: Defined::default(),
            summary: None,
            kept_callees: Vec::new(),
            pasted_callees: Vec::new(),
            jam: None,
            fp_contraction: false,
            generation: 0,
            symbol_tag: String::new(),
            session_errors,
            diagnostics,
        };
        // 8. Optionally, GDB JIT interface registration of every object (debugging JIT code with GDB).
        if config.gdb_registration {
            // SAFETY: `lljit` is live.
            check(unsafe { LLVMOrcLLJITEnableDebugSupport(jit.lljit) })
                .map_err(|e| e.context("enabling GDB JIT registration"))?;
        }
        Ok(jit)
    }

    /// What code is generated for (triple, CPU name, features).
    pub fn target(&self) -> &TargetInfo {
        &self.target
    }

    /// The JIT's triple as LLJIT sees it.
    pub fn triple(&self) -> String {
        // SAFETY: the string belongs to the LLJIT and lives as long as it.
        unsafe { CStr::from_ptr(LLVMOrcLLJITGetTripleString(self.lljit)) }.to_string_lossy().into_owned()
    }

    /// Runtime functions and data JIT code may use, by name (`malloc`, `sqrtf`, `memcpy` …): the
    /// explicit symbol table that replaces a dynamic loader. Names may be given again with the
    /// same address; a different address is an error.
    pub fn define_runtime_symbols(&mut self, symbols: &[(&str, u64)]) -> Result<()> {
        let wanted: Vec<(String, u64, bool)> = symbols.iter().map(|(n, a)| (n.to_string(), *a, true)).collect();
        // SAFETY: lljit and jd are live.
        unsafe { symbols::define_absolute(self.lljit, self.jd, &mut self.defined, &wanted) }
    }

    /// The whole program's profile summary, added to every later compilation that carries
    /// profiles (the tier manager rebuilds it from irvm's counters when they change much).
    pub fn set_profile_summary(&mut self, summary: Option<ProfileSummary>) {
        self.summary = summary;
    }

    /// The app functions later compiles keep their calls to as calls, through the call slot to
    /// the callee's own code, instead of inlining the callee's body. The tier manager names
    /// two kinds: functions whose running code is a guarded specialization (a dispatcher over
    /// constant-argument versions; the generic body inlined would not know the values the
    /// versions were made for: app-tinyllama's `model_forward` would otherwise inline `matmul`
    /// and lose its constant row length), and functions with code of their own whose calls each
    /// run a long loop (a call costs nothing next to the loop, and a copy of it per call site
    /// costs compile time: `model_forward` with every kernel pasted in took 380-600 ms at O2/O3).
    pub fn set_kept_callees(&mut self, names: Vec<String>) {
        self.kept_callees = names;
    }

    /// The app functions whose direct calls later compiles paste (`alwaysinline`, where their
    /// body is available to the inliner and the call is not kept): the tier manager names the
    /// short callees of a function compiled without branch weights, which the inliner's static
    /// costs would otherwise leave as calls in its hottest loops.
    pub fn set_pasted_callees(&mut self, names: Vec<String>) {
        self.pasted_callees = names;
    }

    /// Unroll-and-jam the loop nests of every later O2/O3 compile behind a guard
    /// ([`crate::unrolljam`]), with this count and working-set limit, where a specialization
    /// does not bring its own ([`crate::Specialization::jam`]); `None`: only those. The tier
    /// manager sets a limit of 0 here (no pointer profile says the data stays in the cache), so
    /// only nests whose reductions, not memory, bound them are jammed.
    pub fn set_unroll_and_jam(&mut self, jam: Option<crate::Jam>) {
        self.jam = jam;
    }

    /// Load a bitcode module (parsed and verified now). `name` is used in every message.
    pub fn load_bitcode(&mut self, name: &str, bytes: &[u8]) -> Result<ModuleId> {
        let _doing = Doing::new(format!("reading bitcode module '{name}'"));
        // SAFETY: ctx is live with the sink installed.
        let module = unsafe { llvm::parse_bitcode(self.ctx, &self.diagnostics, name, bytes) }?;
        // Every compile clones this module: retarget its functions to this CPU once, here.
        crate::target::retarget_functions(module.raw(), &self.target.cpu, &self.target.features);
        self.sources.push(Source { name: name.to_string(), module, base: None });
        Ok(ModuleId(self.sources.len() - 1))
    }

    /// Per parameter of `function` (defined in `module`), the best thing a constant in its place
    /// improves (`None`: nothing, or not an integer): a guarded specialization on a parameter
    /// without a gain only copies the body (see [`crate::Gain`]).
    pub fn parameter_gains(&self, module: ModuleId, function: &str) -> Result<Vec<Option<crate::Gain>>> {
        let m = self.source(module);
        let f = llvm::functions(m.module.raw())
            .into_iter()
            .find(|f| !llvm::is_declaration(*f) && llvm::name(*f) == function)
            .ok_or_else(|| Error::Input(format!("no function '{function}' defined in module '{}'", m.name)))?;
        Ok(crate::gain::parameter_gains(f))
    }

    /// The instruction count of every function the module defines (its body as read, before
    /// any optimization), in module order.
    pub fn function_sizes(&self, module: ModuleId) -> Vec<(String, usize)> {
        llvm::functions(self.source(module).module.raw())
            .into_iter()
            .filter(|f| !llvm::is_declaration(*f))
            .map(|f| (llvm::name(f), crate::extract::instruction_count(f)))
            .collect()
    }

    /// Names of the functions the module defines (has bodies for), in module order.
    pub fn defined_functions(&self, module: ModuleId) -> Vec<String> {
        llvm::functions(self.source(module).module.raw())
            .into_iter()
            .filter(|f| !llvm::is_declaration(*f))
            .map(llvm::name)
            .collect()
    }

    /// Names the module uses but does not define (runtime functions and data, intrinsics
    /// excluded): what [`Jit::define_runtime_symbols`] must cover before its code can link.
    /// Codegen may add libcalls on top (`memcpy`, `memset`, `__divti3` …).
    pub fn external_names(&self, module: ModuleId) -> Vec<String> {
        let m = self.source(module).module.raw();
        llvm::functions(m)
            .into_iter()
            .chain(llvm::globals(m))
            .filter(|d| llvm::is_declaration(*d))
            .map(llvm::name)
            .filter(|n| !n.is_empty() && !llvm::is_llvm_reserved(n))
            .collect()
    }

    fn source(&self, id: ModuleId) -> &Source {
        &self.sources[id.0]
    }

    fn machine(&mut self, level: OptLevel) -> Result<&TargetMachine> {
        let slot = &mut self.machines[level as usize];
        if slot.is_none() {
            *slot = Some(self.target.machine(level)?);
        }
        Ok(slot.as_ref().expect("target machine was just created"))
    }
}

impl Drop for Jit {
    fn drop(&mut self) {
        self.sources.clear();
        for rt in self.code.drain(..).flatten() {
            // SAFETY: trackers we own; the LLJIT is still alive.
            unsafe { LLVMOrcReleaseResourceTracker(rt) };
        }
        // SAFETY: we own the LLJIT and the context; the error box and diagnostic sink are
        // dropped after this (struct fields drop after `drop` returns).
        unsafe {
            if let Err(e) = check(LLVMOrcDisposeLLJIT(self.lljit)) {
                eprintln!("{e}");
            }
            LLVMOrcDisposeThreadSafeContext(self.tsc);
        }
    }
}
