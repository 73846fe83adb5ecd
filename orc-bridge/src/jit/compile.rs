//! Compilation entry points of the [`Jit`]: one function (extract → tier pipeline → link
//! references → codegen → link), a whole module, or an ahead-of-time rebuild; plus object
//! emission for the tier's target machine.

use std::collections::HashMap;
use std::ptr;
use std::time::Instant;

use llvm_sys::core::*;
use llvm_sys::target::{LLVMDisposeTargetData, LLVMSetModuleDataLayout};
use llvm_sys::target_machine::{LLVMCodeGenFileType, LLVMCreateTargetDataLayout, LLVMTargetMachineEmitToMemoryBuffer};

use super::{BuiltObject, CompileTimes, CompiledFunction, CompiledModule, Jit, ModuleId, OptimizedModule};
use crate::OptLevel;
use crate::error::{Doing, Error, Result, cstring, one_line, take_message};
use crate::extract;
use crate::llvm::{self, OwnedModule};
use crate::osr::OsrSpec;
use crate::pipeline::{self, FunctionProfile, ProfileSummary};
use crate::specialize::GuardStorage;
use crate::symbols::{HostLinks, HostSymbol};

/// What a compile builds around the function's body.
#[derive(Clone, Copy)]
pub enum Variant<'a> {
    /// The function itself.
    Plain,
    /// An on-stack-replacement entry ([`crate::osr`]).
    Osr(&'a OsrSpec<'a>),
    /// A guarded specialization ([`crate::specialize`]).
    Specialized(&'a crate::Specialization),
}

impl Variant<'_> {
    /// The words naming the compiled thing in errors and progress lines.
    fn describe(&self, jit: &Jit, module: ModuleId, function: &str, level: OptLevel) -> String {
        let m = &jit.source(module).name;
        match self {
            Variant::Plain => format!("function '{function}' (module '{m}') at {level}"),
            Variant::Osr(spec) => {
                format!("OSR entry of function '{function}' at block {} (module '{m}') at {level}", spec.header)
            }
            Variant::Specialized(spec) => {
                format!("specialization {} of function '{function}' (module '{m}') at {level}", spec.key())
            }
        }
    }
}

impl Jit {
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
        self.compile_variant(module, function, level, links, profile, Variant::Plain)
    }

    /// Compile `function` as a guarded specialization (see [`crate::specialize`]): a dispatcher
    /// entry that runs a copy of the body with `spec`'s argument values as constants when the
    /// arguments match a version, else the generic body; hits and misses are counted in the
    /// host's `__bf.guards.<function>` array (`HostLinks::guard_counters`). Same pipeline,
    /// profile and links as [`Jit::compile_function`].
    pub fn compile_specialized(
        &mut self,
        module: ModuleId,
        function: &str,
        spec: &crate::Specialization,
        level: OptLevel,
        links: &dyn HostLinks,
        profile: Option<&FunctionProfile>,
    ) -> Result<CompiledFunction> {
        self.compile_variant(module, function, level, links, profile, Variant::Specialized(spec))
    }

    /// Compile the on-stack-replacement variant of `function` entering at loop header
    /// `spec.header` (see [`crate::osr`]): native code `ret (ptr buf)` that continues an
    /// activation the interpreter stopped at the top of that header, reading the live values
    /// from `buf` as `spec.values` lays them out. Same pipeline, profile and links as
    /// [`Jit::compile_function`].
    pub fn compile_osr(
        &mut self,
        module: ModuleId,
        function: &str,
        spec: &OsrSpec,
        level: OptLevel,
        links: &dyn HostLinks,
        profile: Option<&FunctionProfile>,
    ) -> Result<CompiledFunction> {
        self.compile_variant(module, function, level, links, profile, Variant::Osr(spec))
    }

    /// Build and link one [`Variant`] of `function`; every error names it.
    pub(super) fn compile_variant(
        &mut self,
        module: ModuleId,
        function: &str,
        level: OptLevel,
        links: &dyn HostLinks,
        profile: Option<&FunctionProfile>,
        variant: Variant<'_>,
    ) -> Result<CompiledFunction> {
        let what = variant.describe(self, module, function, level);
        let _doing = Doing::new(format!("compiling {what}"));
        let has_slot = |name: &str| links.call_slot(name).is_some();
        let built = self.build_object_inner(module, function, level, &has_slot, profile, variant);
        built.and_then(|b| self.link_built_inner(b, links)).map_err(|e| e.context(&what))
    }

    /// The code-generating half of [`Jit::compile_function`] / [`Jit::compile_osr`] /
    /// [`Jit::compile_specialized`]: extract,
    /// pipeline, codegen — everything but linking. The result is plain data (`Send`): a Jit
    /// on another thread (a background compiler with its own LLVM context) builds it, and the
    /// Jit that runs the code links it with [`Jit::link_built`]. `has_slot` says which app
    /// functions have a call slot (what [`HostLinks::call_slot`] answers `Some` for).
    pub fn build_object(
        &mut self,
        module: ModuleId,
        function: &str,
        level: OptLevel,
        has_slot: &dyn Fn(&str) -> bool,
        profile: Option<&FunctionProfile>,
        variant: Variant<'_>,
    ) -> Result<BuiltObject> {
        let what = variant.describe(self, module, function, level);
        let _doing = Doing::new(format!("compiling {what}"));
        self.build_object_inner(module, function, level, has_slot, profile, variant).map_err(|e| e.context(&what))
    }

    /// Link an object built by [`Jit::build_object`] (possibly by another Jit of the same
    /// target and bitcode) into this JIT and look it up: the second half of a compile.
    pub fn link_built(&mut self, built: BuiltObject, links: &dyn HostLinks) -> Result<CompiledFunction> {
        let what = format!("compiled object '{}'", built.symbol);
        self.link_built_inner(built, links).map_err(|e| e.context(&what))
    }

    fn build_object_inner(
        &mut self,
        module: ModuleId,
        function: &str,
        level: OptLevel,
        has_slot: &dyn Fn(&str) -> bool,
        profile: Option<&FunctionProfile>,
        variant: Variant<'_>,
    ) -> Result<BuiltObject> {
        let (osr, special) = match variant {
            Variant::Plain => (None, None),
            Variant::Osr(s) => (Some(s), None),
            Variant::Specialized(s) => (None, Some(s)),
        };
        let t0 = Instant::now();
        self.generation += 1;
        let (tag, generation) = (&self.symbol_tag, self.generation);
        let symbol = match (osr, special) {
            (Some(s), _) => format!("{function}.bf.osr{}.{level}.{tag}{generation}", s.header),
            (None, Some(_)) => format!("{function}.bf.{level}s.{tag}{generation}"),
            (None, None) => format!("{function}.bf.{level}.{tag}{generation}"),
        };
        let source = &mut self.sources[module.0];
        if source.base.is_none() {
            source.base = Some(extract::host_linked_base(&source.module)?);
        }
        let base = source.base.as_ref().expect("base was just built");
        let mut ex = match osr {
            None => extract::extract(base, function, &symbol, level >= OptLevel::O2)?,
            Some(_) => extract::extract(base, function, &format!("{symbol}.src"), level >= OptLevel::O2)?,
        };
        self.prepare_for_target(&ex.module, level)?;
        crate::specialize::keep_calls_to(ex.function, function, &self.kept_callees);
        crate::specialize::paste_calls_to(ex.function, function, &self.pasted_callees);
        let t1 = Instant::now();

        let summary = profile.and(self.summary.clone());
        // The profile goes on the original body (block indices are the source's); for an OSR
        // entry the body then moves into the variant and the source function becomes a
        // host-linked declaration like every other app function.
        if let Some(p) = profile {
            pipeline::attach_profile(ex.function, p)?;
        }
        if let Some(spec) = osr {
            let o = crate::osr::build(ex.module.raw(), ex.function, function, &symbol, spec)?;
            if let Some(p) = profile {
                pipeline::attach_entry_count(o, p.entry_count);
            }
            ex.function = o;
        }
        if let Some(spec) = special {
            let d =
                crate::specialize::build(ex.module.raw(), ex.function, function, &symbol, spec, GuardStorage::Host)?;
            if let Some(p) = profile {
                pipeline::attach_entry_count(d, p.entry_count);
            }
            ex.function = d;
        }
        let jammed_by_spec = special.is_some_and(|s| s.jam.is_some() && !s.versions.is_empty());
        if let Some(jam) = self.jam.filter(|_| level >= OptLevel::O2 && !jammed_by_spec) {
            crate::unrolljam::request(ex.function, function, jam, GuardStorage::Host)?;
        }
        dump_input(&ex.module, &symbol, summary.as_ref());
        let recording = crate::inlined::Recording::start(&ex.module);
        pipeline::run_tier(&ex.module, level, self.machine(level)?, &[], summary.as_ref())?;
        let inlined =
            recording.finish().into_iter().filter(|n| n != function && ex.app_functions.contains(n)).collect();
        let jam = crate::unrolljam::outcomes(ex.module.raw()).into_iter().find(|o| o.0 == symbol).map(|o| o.1);
        let prefetched = crate::prefetch::outcome_of(ex.module.raw(), &symbol);
        let refs = extract::link_references(&ex, function, has_slot)?;
        llvm::verify(&ex.module)?;
        if osr.is_some() {
            // The variant's IR passes had its entry count (the loop's unrolling depends on it:
            // sieve's marking loop is unrolled x8 with it, not at all without), but its code
            // generator gets none: the variant is entered once, the code after its loop has not
            // run yet, and with a count of 1 block placement takes that code for cold (dp_count's
            // subsequence loop, reached only through main's variant: its hit blocks jumped back
            // to the next compare instead of repeating it as native -O3 does).
            // SAFETY: `symbol` names the variant's definition in `ex.module`, which we own.
            unsafe { pipeline::erase_entry_count(ex.module.raw(), &symbol) };
        }
        let t2 = Instant::now();

        let object = self.emit_object(&ex.module, level)?;
        let t3 = Instant::now();
        dump(&ex.module, &symbol, &object);
        Ok(BuiltObject {
            function: function.to_string(),
            symbol,
            level,
            object,
            host: refs.host,
            runtime: refs.runtime,
            inlined,
            jam,
            prefetched,
            times: CompileTimes { extract: t1 - t0, optimize: t2 - t1, codegen: t3 - t2, link: Default::default() },
        })
    }

    fn link_built_inner(&mut self, built: BuiltObject, links: &dyn HostLinks) -> Result<CompiledFunction> {
        let t3 = Instant::now();
        self.check_runtime_references(&built.runtime)?;
        let host_symbols: Vec<String> = built.host.iter().map(HostSymbol::symbol).collect();
        self.define_host_symbols(&built.host, links)?;
        let code = self.add_object_bytes(&built.object, &built.symbol)?;
        let address = self.lookup(&built.symbol).inspect_err(|_| {
            let _ = self.remove(code);
        })?;
        Ok(CompiledFunction {
            function: built.function,
            symbol: built.symbol,
            level: built.level,
            address,
            code,
            object: built.object,
            host_symbols,
            inlined: built.inlined,
            jam: built.jam,
            prefetched: built.prefetched,
            times: CompileTimes { link: t3.elapsed(), ..built.times },
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
            let (m, mut times) = self.optimized_clone(module, level, profiles, None, &HashMap::new())?;
            let refs = extract::external_references(m.raw());
            let t2 = Instant::now();
            let object = self.emit_object(&m, level)?;
            let t3 = Instant::now();
            self.check_runtime_references(&refs.runtime)?;
            let code = self.add_object_bytes(&object, &name)?;
            times.codegen = t3 - t2;
            times.link = t3.elapsed();
            Ok(CompiledModule { module: name.clone(), level, code, object, times })
        };
        run().map_err(|e| e.context(&what))
    }

    /// Whole-program rebuild for ahead-of-time use (the snapshot's converged module and the appliance):
    /// clone `module`, turn the functions not in `keep` into declarations (dead code; `None`
    /// keeps all), attach `profiles`, build the guarded `specializations` (by function; the
    /// dispatcher keeps the function's name, its guard counters `__bf.guards.<function>` are
    /// defined in the module), run `default<On>`, and return the optimized bitcode and a
    /// relocatable object for this JIT's target. Nothing is added to the JIT.
    pub fn optimize_module(
        &mut self,
        module: ModuleId,
        level: OptLevel,
        profiles: &HashMap<String, FunctionProfile>,
        keep: Option<&[String]>,
        specializations: &HashMap<String, crate::Specialization>,
    ) -> Result<OptimizedModule> {
        let what = format!("module '{}' at {level}", self.source(module).name);
        let _doing = Doing::new(format!("optimizing {what}"));
        let mut run = || -> Result<OptimizedModule> {
            let (m, mut times) = self.optimized_clone(module, level, profiles, keep, specializations)?;
            // SAFETY: valid module; the buffer is ours, copied then disposed.
            let bitcode = unsafe {
                let buf = llvm_sys::bit_writer::LLVMWriteBitcodeToMemoryBuffer(m.raw());
                let bytes =
                    std::slice::from_raw_parts(LLVMGetBufferStart(buf).cast::<u8>(), LLVMGetBufferSize(buf)).to_vec();
                LLVMDisposeMemoryBuffer(buf);
                bytes
            };
            let t = Instant::now();
            let object = self.emit_object(&m, level)?;
            times.codegen = t.elapsed();
            let jams = crate::unrolljam::outcomes(m.raw());
            let prefetches = crate::prefetch::outcomes(m.raw());
            Ok(OptimizedModule { bitcode, object, jams, prefetches, times })
        };
        run().map_err(|e| e.context(&what))
    }

    /// Clone a source module, keep only `keep`'s bodies (if given), attach profiles, build the
    /// guarded `specializations` (guard counters defined in the module) and run the tier
    /// pipeline; fills the `extract` and `optimize` times.
    pub(super) fn optimized_clone(
        &mut self,
        module: ModuleId,
        level: OptLevel,
        profiles: &HashMap<String, FunctionProfile>,
        keep: Option<&[String]>,
        specializations: &HashMap<String, crate::Specialization>,
    ) -> Result<(OwnedModule, CompileTimes)> {
        let t0 = Instant::now();
        let m = self.source(module).module.clone_module()?;
        extract::refresh_declarations(m.raw())?;
        if let Some(keep) = keep {
            for k in keep {
                let c = cstring("function name", k)?;
                // SAFETY: valid module and C string.
                let f = unsafe { LLVMGetNamedFunction(m.raw(), c.as_ptr()) };
                if f.is_null() || llvm::is_declaration(f) {
                    return Err(Error::Input(format!("function '{k}' to keep is not defined by the module")));
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
                return Err(Error::Input(format!("profile given for '{fname}', which the module does not define")));
            }
            profiled.push((f, p));
        }
        // After the profiles found their bodies: a specialized function's body becomes its
        // `.generic` copy (the counters describe it) and the dispatcher takes its name.
        let mut specialized: Vec<_> = specializations.iter().collect();
        specialized.sort_by(|a, b| a.0.cmp(b.0));
        for (fname, spec) in specialized {
            let c = cstring("function name", fname)?;
            // SAFETY: valid module and C string.
            let f = unsafe { LLVMGetNamedFunction(m.raw(), c.as_ptr()) };
            if f.is_null() || llvm::is_declaration(f) {
                return Err(Error::Input(format!(
                    "specialization given for '{fname}', which the module does not define"
                )));
            }
            let d = crate::specialize::build(m.raw(), f, fname, fname, spec, GuardStorage::Defined)
                .map_err(|e| e.context(format!("function '{fname}'")))?;
            if let Some(p) = profiles.get(fname) {
                pipeline::attach_entry_count(d, p.entry_count);
            }
        }
        if let Some(jam) = self.jam.filter(|_| level >= OptLevel::O2) {
            for f in llvm::functions(m.raw()) {
                if !llvm::is_declaration(f) && !crate::unrolljam::requested(f) {
                    crate::unrolljam::request(f, &llvm::name(f), jam, GuardStorage::Defined)?;
                }
            }
        }
        let t1 = Instant::now();
        let summary = if profiled.is_empty() { None } else { self.summary.clone() };
        pipeline::run_tier(&m, level, self.machine(level)?, &profiled, summary.as_ref())?;
        llvm::verify(&m)?;
        Ok((m, CompileTimes { extract: t1 - t0, optimize: t1.elapsed(), ..CompileTimes::default() }))
    }

    /// Triple and data layout of the target machine, so the optimizer and codegen agree.
    pub(super) fn prepare_for_target(&mut self, m: &OwnedModule, level: OptLevel) -> Result<()> {
        let triple = cstring("target triple", &self.target.triple)?;
        let tm = self.machine(level)?.raw();
        // SAFETY: valid module and target machine; the data layout is copied into the module.
        unsafe {
            LLVMSetTarget(m.raw(), triple.as_ptr());
            let dl = LLVMCreateTargetDataLayout(tm);
            LLVMSetModuleDataLayout(m.raw(), dl);
            LLVMDisposeTargetData(dl);
        }
        if !self.fp_contraction {
            crate::target::unfuse_fmuladd(m.raw());
        }
        Ok(())
    }

    pub(super) fn emit_object(&mut self, m: &OwnedModule, level: OptLevel) -> Result<Vec<u8>> {
        let tm = self.machine(level)?.raw();
        let mut msg = ptr::null_mut();
        let mut buf = ptr::null_mut();
        // SAFETY: valid target machine and (verified) module; on success `buf` is ours.
        let failed = unsafe {
            LLVMTargetMachineEmitToMemoryBuffer(tm, m.raw(), LLVMCodeGenFileType::LLVMObjectFile, &mut msg, &mut buf)
        } != 0;
        if failed {
            // SAFETY: `msg` is an LLVM-allocated message that is ours to free.
            let why = unsafe { take_message(msg) };
            return Err(Error::Llvm(format!("code generation failed: {}", one_line(&why))));
        }
        // SAFETY: `buf` is a valid buffer we own; copy its bytes, then dispose it.
        let bytes = unsafe {
            let bytes =
                std::slice::from_raw_parts(LLVMGetBufferStart(buf).cast::<u8>(), LLVMGetBufferSize(buf)).to_vec();
            LLVMDisposeMemoryBuffer(buf);
            bytes
        };
        Ok(bytes)
    }
}

/// `BAREFLOW_JIT_DUMP=DIR`: write every compiled module's final IR (`SYMBOL.ll`) and object
/// (`SYMBOL.o`) to DIR (a debugging aid; failures to write are reported once per file).
fn dump(m: &OwnedModule, symbol: &str, object: &[u8]) {
    let Some(dir) = std::env::var_os("BAREFLOW_JIT_DUMP") else { return };
    let dir = std::path::PathBuf::from(dir);
    dump_ir(m, &dir.join(format!("{symbol}.ll")));
    let o = dir.join(format!("{symbol}.o"));
    if let Err(e) = std::fs::write(&o, object) {
        eprintln!("orc-bridge: cannot write {}: {e}", o.display());
    }
}

/// `BAREFLOW_JIT_DUMP=DIR`: the module as the tier pipeline receives it (`SYMBOL.pre.ll`:
/// retargeted, profile attached, OSR entry built), to replay with `opt -passes='default<O3>'`.
/// The profile summary is a module flag `run_tier` adds: it goes on a clone here.
fn dump_input(m: &OwnedModule, symbol: &str, summary: Option<&ProfileSummary>) {
    let Some(dir) = std::env::var_os("BAREFLOW_JIT_DUMP") else { return };
    let path = std::path::PathBuf::from(dir).join(format!("{symbol}.pre.ll"));
    match summary {
        Some(s) => {
            let Ok(c) = m.clone_module() else { return };
            pipeline::attach_summary(&c, s);
            dump_ir(&c, &path);
        }
        None => dump_ir(m, &path),
    }
}

fn dump_ir(m: &OwnedModule, ll: &std::path::Path) {
    let Ok(path) = cstring("dump path", &ll.to_string_lossy()) else { return };
    let mut msg = ptr::null_mut();
    // SAFETY: valid module and path; a failure message is ours to free.
    if unsafe { LLVMPrintModuleToFile(m.raw(), path.as_ptr(), &mut msg) } != 0 {
        // SAFETY: LLVM-allocated message.
        eprintln!("orc-bridge: cannot write {}: {}", ll.display(), unsafe { take_message(msg) });
    }
}
