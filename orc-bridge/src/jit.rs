//! The `Jit`: one ORC LLJIT plus BareFlow's own JITDylib, the source modules it compiles from,
//! and one target machine per codegen level. Each compilation emits an ELF object (so every tier's
//! code can be cached, issue F) and adds it to the JIT under its own ResourceTracker (so old tiers
//! can be freed).
//!
//! Why objects rather than LLVMOrcLLJITAddLLVMIRModule: LLJIT's IR layer compiles every module
//! with one fixed codegen level, while tiers need O0 (fast-isel) … O3 codegen; and the emitted
//! object bytes are exactly what the snapshot cache of issue F stores.

use std::collections::HashMap;
use std::ffi::{CStr, c_void};
use std::ptr;
use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

use llvm_sys::core::*;
use llvm_sys::error::LLVMErrorRef;
use llvm_sys::orc2::lljit::*;
use llvm_sys::orc2::*;
use llvm_sys::prelude::*;
use llvm_sys::target::{LLVMDisposeTargetData, LLVMSetModuleDataLayout};
use llvm_sys::target_machine::{
    LLVMCodeGenFileType, LLVMCreateTargetDataLayout, LLVMTargetMachineEmitToMemoryBuffer,
};

use crate::OptLevel;
use crate::error::{Doing, Error, Result, check, cstring, one_line, take_message};
use crate::extract;
use crate::llvm::{self, DiagnosticSink, OwnedModule};
use crate::pipeline::{self, FunctionProfile, ProfileSummary};
use crate::symbols::{self, Defined, HostLinks, HostSymbol};
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
    pub times: CompileTimes,
}

struct Source {
    name: String,
    module: OwnedModule,
    /// The host-linked base that function extraction clones (built on first use).
    base: Option<OwnedModule>,
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
    runtime: HashMap<String, u64>,
    summary: Option<ProfileSummary>,
    generation: u64,
    /// Errors the session reports (possibly from an ORC worker thread, hence the Mutex).
    session_errors: Box<Mutex<Vec<String>>>,
    diagnostics: Box<DiagnosticSink>,
}

// SAFETY: a Jit exclusively owns its LLVM objects (LLJIT, context, modules, target machines) and
// every method takes `&self`/`&mut self`, so moving it to another thread (e.g. a background
// compile thread, issue D) never lets two threads touch the same LLVM object. It is not `Sync`.
unsafe impl Send for Jit {}

extern "C" fn on_session_error(ctx: *mut c_void, err: LLVMErrorRef) {
    // SAFETY: `ctx` is the Jit's boxed error list, alive as long as the session.
    let errors = unsafe { &*(ctx as *const Mutex<Vec<String>>) };
    if let Err(e) = check(err) {
        errors
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(e.message().to_string());
    }
}

impl Jit {
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
            LLVMOrcExecutionSessionSetErrorReporter(
                es,
                on_session_error,
                &*session_errors as *const _ as *mut c_void,
            )
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
            runtime: HashMap::new(),
            summary: None,
            generation: 0,
            session_errors,
            diagnostics,
        };
        // 8. Optionally, GDB JIT interface registration of every object (issue G).
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
        unsafe { CStr::from_ptr(LLVMOrcLLJITGetTripleString(self.lljit)) }
            .to_string_lossy()
            .into_owned()
    }

    /// Runtime functions and data JIT code may use, by name (`malloc`, `sqrtf`, `memcpy` …): the
    /// explicit symbol table that replaces a dynamic loader. Names may be given again with the
    /// same address; a different address is an error.
    pub fn define_runtime_symbols(&mut self, symbols: &[(&str, u64)]) -> Result<()> {
        let wanted: Vec<(String, u64, bool)> = symbols
            .iter()
            .map(|(n, a)| (n.to_string(), *a, true))
            .collect();
        // SAFETY: lljit and jd are live.
        unsafe { symbols::define_absolute(self.lljit, self.jd, &mut self.defined, &wanted) }?;
        self.runtime
            .extend(symbols.iter().map(|(n, a)| (n.to_string(), *a)));
        Ok(())
    }

    /// The whole program's profile summary, added to every later compilation that carries
    /// profiles (issue D: rebuild it from irvm's counters when they change much).
    pub fn set_profile_summary(&mut self, summary: Option<ProfileSummary>) {
        self.summary = summary;
    }

    /// Load a bitcode module (parsed and verified now). `name` is used in every message.
    pub fn load_bitcode(&mut self, name: &str, bytes: &[u8]) -> Result<ModuleId> {
        let _doing = Doing::new(format!("reading bitcode module '{name}'"));
        // SAFETY: ctx is live with the sink installed.
        let module = unsafe { llvm::parse_bitcode(self.ctx, &self.diagnostics, name, bytes) }?;
        self.sources.push(Source {
            name: name.to_string(),
            module,
            base: None,
        });
        Ok(ModuleId(self.sources.len() - 1))
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

    /// Compile one function of `module` at `level`: extract it (callees stay reachable through
    /// `links`, their bodies visible to the inliner at O2/O3), attach `profile`, optimize, emit,
    /// link and look it up. Every error names the function, module and level.
    pub fn compile_function(
        &mut self,
        module: ModuleId,
        function: &str,
        level: OptLevel,
        links: &dyn HostLinks,
        profile: Option<&FunctionProfile>,
    ) -> Result<CompiledFunction> {
        let what = format!(
            "function '{function}' (module '{}') at {level}",
            self.source(module).name
        );
        let _doing = Doing::new(format!("compiling {what}"));
        self.compile_function_inner(module, function, level, links, profile)
            .map_err(|e| e.context(&what))
    }

    fn compile_function_inner(
        &mut self,
        module: ModuleId,
        function: &str,
        level: OptLevel,
        links: &dyn HostLinks,
        profile: Option<&FunctionProfile>,
    ) -> Result<CompiledFunction> {
        let t0 = Instant::now();
        self.generation += 1;
        let symbol = format!("{function}.bf.{level}.{}", self.generation);
        let source = &mut self.sources[module.0];
        if source.base.is_none() {
            source.base = Some(extract::host_linked_base(&source.module)?);
        }
        let base = source.base.as_ref().expect("base was just built");
        let ex = extract::extract(base, function, &symbol, level >= OptLevel::O2)?;
        self.prepare_for_target(&ex.module, level)?;
        let t1 = Instant::now();

        let profiled: Vec<_> = profile.map(|p| (ex.function, p)).into_iter().collect();
        let summary = if profiled.is_empty() {
            None
        } else {
            self.summary.clone()
        };
        pipeline::run_tier(
            &ex.module,
            level,
            self.machine(level)?,
            &profiled,
            summary.as_ref(),
        )?;
        let refs =
            extract::link_references(&ex, function, &|name| links.call_slot(name).is_some())?;
        llvm::verify(&ex.module)?;
        let t2 = Instant::now();

        let object = self.emit_object(&ex.module, level)?;
        let t3 = Instant::now();

        self.check_runtime_references(&refs.runtime)?;
        let host_symbols: Vec<String> = refs.host.iter().map(HostSymbol::symbol).collect();
        self.define_host_symbols(&refs.host, links)?;
        let code = self.add_object_bytes(&object, &symbol)?;
        let address = self.lookup(&symbol).inspect_err(|_| {
            let _ = self.remove(code);
        })?;
        let t4 = Instant::now();

        Ok(CompiledFunction {
            function: function.to_string(),
            symbol,
            level,
            address,
            code,
            object,
            host_symbols,
            times: CompileTimes {
                extract: t1 - t0,
                optimize: t2 - t1,
                codegen: t3 - t2,
                link: t4 - t3,
            },
        })
    }

    /// Compile a whole module at `level` (the `--tier jit` comparison point). Its definitions,
    /// globals included, live in JIT memory and keep their names: look them up with
    /// [`Jit::lookup`]. Compile a given module once per Jit (names would be defined twice).
    /// Static constructors (`llvm.global_ctors`) are not run.
    pub fn compile_module(
        &mut self,
        module: ModuleId,
        level: OptLevel,
        profiles: &HashMap<String, FunctionProfile>,
    ) -> Result<CompiledModule> {
        let name = self.source(module).name.clone();
        let what = format!("module '{name}' at {level}");
        let _doing = Doing::new(format!("compiling {what}"));
        let mut run = || -> Result<CompiledModule> {
            let (m, mut times) = self.optimized_clone(module, level, profiles, None)?;
            let refs = extract::external_references(m.raw());
            let t2 = Instant::now();
            let object = self.emit_object(&m, level)?;
            let t3 = Instant::now();
            self.check_runtime_references(&refs.runtime)?;
            let code = self.add_object_bytes(&object, &name)?;
            times.codegen = t3 - t2;
            times.link = t3.elapsed();
            Ok(CompiledModule {
                module: name.clone(),
                level,
                code,
                object,
                times,
            })
        };
        run().map_err(|e| e.context(&what))
    }

    /// Whole-program rebuild for ahead-of-time use (issue F's converged module and appliance):
    /// clone `module`, turn the functions not in `keep` into declarations (dead code; `None`
    /// keeps all), attach `profiles`, run `default<On>`, and return the optimized bitcode and a
    /// relocatable object for this JIT's target. Nothing is added to the JIT.
    pub fn optimize_module(
        &mut self,
        module: ModuleId,
        level: OptLevel,
        profiles: &HashMap<String, FunctionProfile>,
        keep: Option<&[String]>,
    ) -> Result<OptimizedModule> {
        let what = format!("module '{}' at {level}", self.source(module).name);
        let _doing = Doing::new(format!("optimizing {what}"));
        let mut run = || -> Result<OptimizedModule> {
            let (m, mut times) = self.optimized_clone(module, level, profiles, keep)?;
            // SAFETY: valid module; the buffer is ours, copied then disposed.
            let bitcode = unsafe {
                let buf = llvm_sys::bit_writer::LLVMWriteBitcodeToMemoryBuffer(m.raw());
                let bytes = std::slice::from_raw_parts(
                    LLVMGetBufferStart(buf).cast::<u8>(),
                    LLVMGetBufferSize(buf),
                )
                .to_vec();
                LLVMDisposeMemoryBuffer(buf);
                bytes
            };
            let t = Instant::now();
            let object = self.emit_object(&m, level)?;
            times.codegen = t.elapsed();
            Ok(OptimizedModule {
                bitcode,
                object,
                times,
            })
        };
        run().map_err(|e| e.context(&what))
    }

    /// Clone a source module, keep only `keep`'s bodies (if given), attach profiles and run the
    /// tier pipeline; fills the `extract` and `optimize` times.
    fn optimized_clone(
        &mut self,
        module: ModuleId,
        level: OptLevel,
        profiles: &HashMap<String, FunctionProfile>,
        keep: Option<&[String]>,
    ) -> Result<(OwnedModule, CompileTimes)> {
        let t0 = Instant::now();
        let m = self.source(module).module.clone_module();
        extract::refresh_declarations(m.raw())?;
        if let Some(keep) = keep {
            for k in keep {
                let c = cstring("function name", k)?;
                // SAFETY: valid module and C string.
                let f = unsafe { LLVMGetNamedFunction(m.raw(), c.as_ptr()) };
                if f.is_null() || llvm::is_declaration(f) {
                    return Err(Error::new(format!(
                        "function '{k}' to keep is not defined by the module"
                    )));
                }
            }
            for f in llvm::functions(m.raw()) {
                if !llvm::is_declaration(f) && !keep.contains(&llvm::name(f)) {
                    // SAFETY: `f` is a definition of `m`; elim-avail-extern then drops its body.
                    unsafe {
                        llvm_sys::comdat::LLVMSetComdat(f, ptr::null_mut());
                        LLVMSetLinkage(f, llvm_sys::LLVMLinkage::LLVMAvailableExternallyLinkage);
                    }
                }
            }
            pipeline::run_passes(&m, "elim-avail-extern", None)?;
        }
        self.prepare_for_target(&m, level)?;
        let mut profiled = Vec::new();
        for (fname, p) in profiles {
            let c = cstring("function name", fname)?;
            // SAFETY: valid module and C string.
            let f = unsafe { LLVMGetNamedFunction(m.raw(), c.as_ptr()) };
            if f.is_null() || llvm::is_declaration(f) {
                return Err(Error::new(format!(
                    "profile given for '{fname}', which the module does not define"
                )));
            }
            profiled.push((f, p));
        }
        let t1 = Instant::now();
        let summary = if profiled.is_empty() {
            None
        } else {
            self.summary.clone()
        };
        pipeline::run_tier(&m, level, self.machine(level)?, &profiled, summary.as_ref())?;
        llvm::verify(&m)?;
        Ok((
            m,
            CompileTimes {
                extract: t1 - t0,
                optimize: t1.elapsed(),
                ..CompileTimes::default()
            },
        ))
    }

    /// Add a previously emitted object (e.g. from a snapshot cache): its `host_symbols` are
    /// resolved through `links` first. Returns the code handle; look symbols up afterwards.
    pub fn add_object(
        &mut self,
        name: &str,
        object: &[u8],
        host_symbols: &[String],
        links: &dyn HostLinks,
    ) -> Result<CodeId> {
        let what = format!("object '{name}'");
        let mut host = Vec::new();
        for s in host_symbols {
            host.push(
                HostSymbol::parse(s).ok_or_else(|| {
                    Error::new(format!("{what}: '{s}' is not a __bf.* host symbol"))
                })?,
            );
        }
        self.define_host_symbols(&host, links)
            .map_err(|e| e.context(&what))?;
        self.add_object_bytes(object, name)
            .map_err(|e| e.context(&what))
    }

    /// Address of a symbol defined in the JIT (compiled code or absolute symbol). Looking up a
    /// symbol of a freshly added object links it now; unresolved references fail here, named.
    pub fn lookup(&mut self, symbol: &str) -> Result<u64> {
        struct Wait {
            result: Mutex<Option<std::result::Result<u64, String>>>,
            done: Condvar,
        }
        extern "C" fn on_result(
            err: LLVMErrorRef,
            pairs: LLVMOrcCSymbolMapPairs,
            n: usize,
            ctx: *mut c_void,
        ) {
            // SAFETY: `ctx` is the `Wait` below, alive until its result is set; `pairs` has `n`
            // entries when `err` is null.
            let (wait, r) = unsafe {
                let wait = &*(ctx as *const Wait);
                let r = match check(err) {
                    Ok(()) if n >= 1 => Ok((*pairs).Sym.Address),
                    Ok(()) => Err(String::from("lookup returned no address")),
                    Err(e) => Err(e.message().to_string()),
                };
                (wait, r)
            };
            *wait.result.lock().unwrap_or_else(|p| p.into_inner()) = Some(r);
            wait.done.notify_all();
        }

        let cname = cstring("symbol", symbol)?;
        self.session_errors
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clear();
        let wait = Wait {
            result: Mutex::new(None),
            done: Condvar::new(),
        };
        let mut order = [LLVMOrcCJITDylibSearchOrderElement {
            JD: self.jd,
            JDLookupFlags: LLVMOrcJITDylibLookupFlags::LLVMOrcJITDylibLookupFlagsMatchAllSymbols,
        }];
        let mut set = [LLVMOrcCLookupSetElement {
            // SAFETY: lljit is live; the retained name's ownership passes to the lookup.
            Name: unsafe { LLVMOrcLLJITMangleAndIntern(self.lljit, cname.as_ptr()) },
            LookupFlags: LLVMOrcSymbolLookupFlags::LLVMOrcSymbolLookupFlagsRequiredSymbol,
        }];
        // SAFETY: arrays and `wait` outlive the lookup: we block below until the handler ran.
        unsafe {
            LLVMOrcExecutionSessionLookup(
                self.es,
                LLVMOrcLookupKind::LLVMOrcLookupKindStatic,
                order.as_mut_ptr(),
                order.len(),
                set.as_mut_ptr(),
                set.len(),
                on_result,
                &wait as *const Wait as *mut c_void,
            )
        };
        let mut guard = wait.result.lock().unwrap_or_else(|p| p.into_inner());
        while guard.is_none() {
            guard = wait.done.wait(guard).unwrap_or_else(|p| p.into_inner());
        }
        let result = guard
            .take()
            .unwrap_or_else(|| Err(String::from("lookup did not complete")));
        drop(guard);
        result.map_err(|msg| {
            let mut why = one_line(&msg);
            for e in self
                .session_errors
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .drain(..)
            {
                if !why.contains(&e) {
                    why = format!("{why}; {e}");
                }
            }
            Error::new(format!("symbol '{symbol}': {why}"))
        })
    }

    /// Free the code of one compilation (its symbols become undefined). The caller must make
    /// sure no frame is executing it and no slot points into it.
    pub fn remove(&mut self, code: CodeId) -> Result<()> {
        let rt = self
            .code
            .get_mut(code.0)
            .and_then(Option::take)
            .ok_or_else(|| Error::new(format!("code #{} was already removed", code.0)))?;
        // SAFETY: `rt` is a tracker we created and still own; removing then releasing it.
        let r = check(unsafe { LLVMOrcResourceTrackerRemove(rt) });
        // SAFETY: see above.
        unsafe { LLVMOrcReleaseResourceTracker(rt) };
        r.map_err(|e| e.context(format!("removing code #{}", code.0)))
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

    /// Triple and data layout of the target machine, so the optimizer and codegen agree.
    fn prepare_for_target(&mut self, m: &OwnedModule, level: OptLevel) -> Result<()> {
        let triple = cstring("target triple", &self.target.triple)?;
        let tm = self.machine(level)?.raw();
        // SAFETY: valid module and target machine; the data layout is copied into the module.
        unsafe {
            LLVMSetTarget(m.raw(), triple.as_ptr());
            let dl = LLVMCreateTargetDataLayout(tm);
            LLVMSetModuleDataLayout(m.raw(), dl);
            LLVMDisposeTargetData(dl);
        }
        Ok(())
    }

    fn emit_object(&mut self, m: &OwnedModule, level: OptLevel) -> Result<Vec<u8>> {
        let tm = self.machine(level)?.raw();
        let mut msg = ptr::null_mut();
        let mut buf = ptr::null_mut();
        // SAFETY: valid target machine and (verified) module; on success `buf` is ours.
        let failed = unsafe {
            LLVMTargetMachineEmitToMemoryBuffer(
                tm,
                m.raw(),
                LLVMCodeGenFileType::LLVMObjectFile,
                &mut msg,
                &mut buf,
            )
        } != 0;
        if failed {
            // SAFETY: `msg` is an LLVM-allocated message that is ours to free.
            let why = unsafe { take_message(msg) };
            return Err(Error::new(format!(
                "code generation failed: {}",
                one_line(&why)
            )));
        }
        // SAFETY: `buf` is a valid buffer we own; copy its bytes, then dispose it.
        let bytes = unsafe {
            let bytes = std::slice::from_raw_parts(
                LLVMGetBufferStart(buf).cast::<u8>(),
                LLVMGetBufferSize(buf),
            )
            .to_vec();
            LLVMDisposeMemoryBuffer(buf);
            bytes
        };
        Ok(bytes)
    }

    fn check_runtime_references(&self, names: &[String]) -> Result<()> {
        let missing: Vec<&str> = names
            .iter()
            .map(String::as_str)
            .filter(|n| !self.defined.contains(n))
            .collect();
        if missing.is_empty() {
            Ok(())
        } else {
            Err(Error::new(format!(
                "unresolved symbol{} {}: not a runtime symbol given to the JIT (Jit::define_runtime_symbols)",
                if missing.len() > 1 { "s" } else { "" },
                missing
                    .iter()
                    .map(|n| format!("'{n}'"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )))
        }
    }

    fn define_host_symbols(&mut self, host: &[HostSymbol], links: &dyn HostLinks) -> Result<()> {
        let mut wanted = Vec::new();
        for h in host {
            let name = h.symbol();
            if self.defined.get(&name).is_some() && !matches!(h, HostSymbol::Slot(_)) {
                continue;
            }
            wanted.push((name, h.resolve(links)?, h.is_callable()));
        }
        // SAFETY: lljit and jd are live.
        unsafe { symbols::define_absolute(self.lljit, self.jd, &mut self.defined, &wanted) }
    }

    fn add_object_bytes(&mut self, object: &[u8], name: &str) -> Result<CodeId> {
        let cname = cstring("object name", name)?;
        // SAFETY: the buffer copies `object` and is handed to ORC (which then owns it); the
        // tracker is ours until `remove`.
        let (rt, err) = unsafe {
            let rt = LLVMOrcJITDylibCreateResourceTracker(self.jd);
            let buf = LLVMCreateMemoryBufferWithMemoryRangeCopy(
                object.as_ptr().cast(),
                object.len(),
                cname.as_ptr(),
            );
            (rt, LLVMOrcLLJITAddObjectFileWithRT(self.lljit, rt, buf))
        };
        if let Err(e) = check(err) {
            // SAFETY: the tracker is ours and holds nothing.
            unsafe { LLVMOrcReleaseResourceTracker(rt) };
            return Err(e.context("adding the object to the JIT"));
        }
        self.code.push(Some(rt));
        Ok(CodeId(self.code.len() - 1))
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
