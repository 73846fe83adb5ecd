//! Cutting one function out of a module so that it can be compiled on its own, at any tier, while
//! everything else stays where the host keeps it (irvm owns the app's globals in real
//! memory and gives every function a canonical address and a call slot).
//!
//! Three steps around the tier pipeline:
//! - [`host_linked_base`] (once per module): every global variable definition becomes an
//!   external declaration `__bf.gv.<index>[.<name>]` resolved to the host's memory.
//! - [`extract`] (before the pipeline): cut the target out of the base ([`crate::cut`]: only the
//!   bodies kept are copied), rename it to its compiled symbol, keep the bodies of its small direct
//!   callees as `available_externally` (O2/O3 inliner), and the host constants it reaches as
//!   `available_externally` copies with their initializers (loads from them fold); everything
//!   else it reaches is declared.
//! - [`link_references`] (after): what the optimizer did not inline is reached through the host:
//!   calls load the callee's call slot `__bf.slot.<name>` (or call `__bf.fn.<name>`), address-taken
//!   functions become `__bf.fn.<name>`. The resulting `__bf.*` names are resolved in `symbols`.

use std::collections::HashSet;
use std::sync::Arc;

use llvm_sys::core::*;
use llvm_sys::prelude::*;
use llvm_sys::{LLVMAttributeFunctionIndex, LLVMLinkage, LLVMOpcode, LLVMVisibility};

use crate::error::{Error, Result};
use crate::llvm::{self, OwnedModule};
use crate::symbols::HostSymbol;

/// Globals that only make sense for a whole program; an extracted function drops them
/// (constructors are run by whoever runs the program, not by a single compiled function).
const PROGRAM_ONLY_GLOBALS: [&str; 4] = ["llvm.global_ctors", "llvm.global_dtors", "llvm.used", "llvm.compiler.used"];

/// A module holding one function to compile, ready for the tier pipeline.
pub(crate) struct Extracted {
    pub(crate) module: OwnedModule,
    /// The function to compile, already renamed to its compiled symbol.
    pub(crate) function: LLVMValueRef,
    /// Functions with a body in the source module: the host's (the target's source name too,
    /// which only an OSR variant's module holds, as a declaration).
    pub(crate) app_functions: Arc<HashSet<String>>,
}

/// The host-linked form of a source module that every extraction cuts from (built once per
/// module by [`host_linked_base`]).
pub(crate) struct HostLinkedBase {
    module: OwnedModule,
    /// The names of its function definitions: the app functions, whose code the host owns.
    app_functions: Arc<HashSet<String>>,
}

/// What the compiled code needs from outside, after [`link_references`].
#[derive(Debug, Default)]
pub(crate) struct References {
    /// `__bf.*` symbols, resolved through `HostLinks`.
    pub(crate) host: Vec<HostSymbol>,
    /// Other external names (runtime functions and data).
    pub(crate) runtime: Vec<String>,
}

/// Callees larger than this (in instructions) keep no body for the inliner: optimizing a big
/// body that will not be inlined anyway costs compile time for nothing.
const INLINE_CANDIDATE_MAX_INSTRUCTIONS: usize = 400;

/// The host-linked base of a source module, built once per module: global variable definitions
/// become `__bf.gv.*` declarations (the host's memory), program-only arrays are dropped and
/// external declarations are refreshed. Every extraction clones this base.
pub(crate) fn host_linked_base(src: &OwnedModule) -> Result<HostLinkedBase> {
    let module = src.clone_module()?;
    let m = module.raw();
    resolve_aliases(&module)?;
    // Indices are positions in the source module's global list (stable for the same bitcode).
    for (index, gv) in llvm::globals(m).into_iter().enumerate() {
        let name = llvm::name(gv);
        if PROGRAM_ONLY_GLOBALS.contains(&name.as_str()) {
            // SAFETY: `gv` belongs to `m`; these arrays are used by nothing but the linker.
            unsafe { LLVMDeleteGlobal(gv) };
        } else if llvm::is_declaration(gv) {
            refresh_declaration(m, gv)?;
        } else if private_label_table(gv) {
            // A computed-goto table of one function's labels that only it reads: each compiled
            // version of the function owns a copy holding its native labels (the program's copy
            // holds irvm's tokens), so the copy is private to the module that compiles it.
            // SAFETY: valid global variable definition of `m`.
            unsafe { LLVMSetLinkage(gv, LLVMLinkage::LLVMPrivateLinkage) };
        } else {
            // SAFETY: valid global variable.
            if unsafe { LLVMIsThreadLocal(gv) } != 0 {
                thread_local_through_host(m, gv, &name)?;
            }
            let sym = HostSymbol::Global { index: index as u32, name }.symbol();
            // SAFETY: valid global variable.
            if unsafe { LLVMIsGlobalConstant(gv) } != 0 {
                // A constant keeps its initializer for the optimizer (tables, strings: loads
                // fold) as an `available_externally` copy: its address is still the host's.
                // A fresh global (not `dso_local`, see `refresh_declaration`) replaces it.
                let copy = llvm::declare_like(m, gv, &sym)?;
                // SAFETY: `gv` and `copy` are global variables of `m` of the same value type;
                // `gv` is unused afterwards and deleted.
                unsafe {
                    LLVMSetInitializer(copy, LLVMGetInitializer(gv));
                    LLVMSetGlobalConstant(copy, 1);
                    LLVMSetAlignment(copy, LLVMGetAlignment(gv));
                    LLVMSetLinkage(copy, LLVMLinkage::LLVMAvailableExternallyLinkage);
                    LLVMReplaceAllUsesWith(gv, copy);
                    LLVMDeleteGlobal(gv);
                }
            } else {
                replace_with_declaration(m, gv, &sym)?;
            }
        }
    }
    let mut app_functions = HashSet::new();
    for f in llvm::functions(m) {
        let name = llvm::name(f);
        if llvm::is_declaration(f) && !llvm::is_llvm_reserved(&name) {
            refresh_declaration(m, f)?;
        } else if !llvm::is_declaration(f) && name.is_empty() {
            return Err(Error::Input("the module defines an unnamed function (cannot be linked by name)".into()));
        } else if !llvm::is_declaration(f) {
            app_functions.insert(name);
        }
    }
    Ok(HostLinkedBase { module, app_functions: Arc::new(app_functions) })
}

/// Whether `gv` is a constant table of one function's block addresses read only by that
/// function's instructions: the rule by which irvm lets such a function be compiled (irvm's
/// `labels` module; a function whose labels go anywhere else stays interpreted).
fn private_label_table(gv: LLVMValueRef) -> bool {
    // SAFETY: `gv` is a global variable definition; the accessors only read it.
    let (constant, init) = unsafe { (LLVMIsGlobalConstant(gv) != 0, LLVMGetInitializer(gv)) };
    if !constant || init.is_null() {
        return false;
    }
    let mut owners = Vec::new();
    llvm::block_address_functions(init, &mut owners, &mut HashSet::new());
    let [owner] = owners[..] else { return false };
    llvm::uses(gv).into_iter().all(|(user, _)| {
        // SAFETY: `user` is a valid value; an instruction's block belongs to a function.
        unsafe {
            !LLVMIsAInstruction(user).is_null() && LLVMGetBasicBlockParent(LLVMGetInstructionParent(user)) == owner
        }
    })
}

/// A thread-local variable lives in the host too, one copy per thread: every
/// `llvm.threadlocal.address(@gv)` becomes a call of the host's [`TLS_ADDRESS`], which answers
/// the calling thread's copy of the variable whose first copy `@gv` is; `@gv` itself becomes an
/// ordinary global (the first thread's copy, in host memory like any other).
fn thread_local_through_host(m: LLVMModuleRef, gv: LLVMValueRef, name: &str) -> Result<()> {
    let mut calls = Vec::new();
    for (user, op) in llvm::uses(gv) {
        // SAFETY: `user` is a valid value; the callee of a call is its last operand.
        let callee = unsafe {
            let n = LLVMGetNumOperands(user);
            if LLVMIsACallInst(user).is_null() || op != 0 || n < 2 {
                None
            } else {
                Some(LLVMGetOperand(user, n as u32 - 1))
            }
        };
        match callee {
            Some(c) if llvm::name(c).starts_with("llvm.threadlocal.address") => calls.push(user),
            _ => {
                return Err(Error::Input(format!(
                    "thread-local global '{name}' is used other than through llvm.threadlocal.address (unsupported)"
                )));
            }
        }
    }
    let cname = crate::error::cstring("symbol", TLS_ADDRESS)?;
    // SAFETY: valid module; the declaration `ptr (ptr)` belongs to it; each call's callee (its
    // last operand) is replaced by a function of the intrinsic's own type.
    unsafe {
        let ctx = LLVMGetModuleContext(m);
        let mut f = LLVMGetNamedFunction(m, cname.as_ptr());
        if f.is_null() {
            let mut ptr = LLVMPointerTypeInContext(ctx, 0);
            let ty = LLVMFunctionType(ptr, &mut ptr, 1, 0);
            f = LLVMAddFunction(m, cname.as_ptr(), ty);
            LLVMSetLinkage(f, LLVMLinkage::LLVMExternalLinkage);
        }
        for call in calls {
            LLVMSetOperand(call, LLVMGetNumOperands(call) as u32 - 1, f);
        }
        LLVMSetThreadLocal(gv, 0);
    }
    Ok(())
}

/// The host function JIT code calls for a thread-local variable's address: `ptr (ptr first)`, the
/// calling thread's copy of the variable whose first thread's copy is at `first`.
pub const TLS_ADDRESS: &str = "__bareflow_tls_address";

/// Every alias is replaced by what it stands for and deleted, as a linker resolves it: an
/// extracted function's module turns other bodies into declarations, and an alias of a
/// declaration is not valid IR.
fn resolve_aliases(module: &OwnedModule) -> Result<()> {
    let m = module.raw();
    let mut aliases = Vec::new();
    // SAFETY: valid module; the alias list is walked before anything changes it.
    unsafe {
        let mut a = LLVMGetFirstGlobalAlias(m);
        while !a.is_null() {
            aliases.push(a);
            a = LLVMGetNextGlobalAlias(a);
        }
    }
    if aliases.is_empty() {
        return Ok(());
    }
    for &a in &aliases {
        // SAFETY: `a` is an alias of `m`; its aliasee has its type (opaque pointers). Unused and
        // internal afterwards, globaldce deletes it.
        unsafe {
            LLVMReplaceAllUsesWith(a, LLVMAliasGetAliasee(a));
            LLVMSetLinkage(a, LLVMLinkage::LLVMInternalLinkage);
        }
    }
    crate::pipeline::run_passes(module, "globaldce", None)
}

/// Cut `function` out of the host-linked `base` and prepare it (renamed to `symbol`) for
/// compilation on its own. With `keep_callee_bodies`, the bodies of its direct callees (up to
/// INLINE_CANDIDATE_MAX_INSTRUCTIONS) stay as `available_externally` for the inliner; every other
/// app function it or they reference is a declaration, and nothing else is in the module, so the
/// pipeline only works on the function and its inline candidates. Only what is kept is copied
/// ([`crate::cut`]): the cost follows the function, not the module.
pub(crate) fn extract(
    base: &HostLinkedBase,
    function: &str,
    symbol: &str,
    keep_callee_bodies: bool,
) -> Result<Extracted> {
    let b = base.module.raw();
    let source_target =
        named_function(b, function)?.ok_or_else(|| Error::Input("no such function in the module".into()))?;
    if llvm::is_declaration(source_target) {
        return Err(Error::Input("the module only declares it (no body to compile)".into()));
    }
    let mut roots = vec![source_target];
    if keep_callee_bodies {
        roots.extend(direct_callees(source_target).into_iter().filter(|&c| {
            c != source_target
                && !llvm::is_declaration(c)
                && instruction_count(c) <= INLINE_CANDIDATE_MAX_INSTRUCTIONS
                && !has_indirect_branch(c)
        }));
    }
    let kept_names: Vec<String> = roots[1..].iter().map(|&f| llvm::name(f)).collect();
    let module = crate::cut::cut(&base.module, &roots)?;
    let m = module.raw();
    let target = named_function(m, function)?.expect("the cut keeps the target under its name");
    let keep: HashSet<LLVMValueRef> = kept_names
        .iter()
        .map(|n| named_function(m, n).map(|f| f.expect("the cut keeps its roots")))
        .collect::<Result<_>>()?;

    // The other app functions it can reach (declarations here, or kept bodies) are the host's,
    // reached through `__bf.*` symbols after the pipeline (`link_references`).
    for f in llvm::functions(m) {
        if f != target && base.app_functions.contains(&llvm::name(f)) {
            // SAFETY: `f` is a function of `m`.
            unsafe { LLVMSetVisibility(f, LLVMVisibility::LLVMDefaultVisibility) };
        }
    }
    llvm::set_name(target, symbol);
    // SAFETY: `target` is a function definition of `m` (the cut carries no comdat).
    unsafe {
        LLVMSetLinkage(target, LLVMLinkage::LLVMExternalLinkage);
        LLVMSetVisibility(target, LLVMVisibility::LLVMDefaultVisibility);
    }
    for &f in &keep {
        // SAFETY: kept callees are function definitions of `m`.
        unsafe { LLVMSetLinkage(f, LLVMLinkage::LLVMAvailableExternallyLinkage) };
    }
    Ok(Extracted { module, function: target, app_functions: Arc::clone(&base.app_functions) })
}

/// The function named `name` in `m`, if any.
fn named_function(m: LLVMModuleRef, name: &str) -> Result<Option<LLVMValueRef>> {
    let cname = crate::error::cstring("function name", name)?;
    // SAFETY: valid module and C string.
    let f = unsafe { LLVMGetNamedFunction(m, cname.as_ptr()) };
    Ok((!f.is_null()).then_some(f))
}

/// Functions called directly by `f` (call and invoke instructions), without duplicates.
fn direct_callees(f: LLVMValueRef) -> Vec<LLVMValueRef> {
    let mut out = Vec::new();
    for i in llvm::blocks(f).into_iter().flat_map(llvm::instructions) {
        // SAFETY: reading a valid instruction; IsA checks are total.
        unsafe {
            if !LLVMIsACallInst(i).is_null() || !LLVMIsAInvokeInst(i).is_null() {
                let callee = LLVMGetCalledValue(i);
                if !callee.is_null() && !LLVMIsAFunction(callee).is_null() && !out.contains(&callee) {
                    out.push(callee);
                }
            }
        }
    }
    out
}

/// Whether `f` jumps through a computed address (`indirectbr`, C's `goto *p`). Such a body is never
/// kept for the inliner: its label table, when the host's, holds irvm's block tokens, not this
/// object's code addresses, and without the table's `blockaddress` uses in the module LLVM takes
/// every destination of an inlined copy for unreachable (the caller's code becomes a trap). The
/// function is called through its slot (compiled on its own when its labels stay with it,
/// see `private_label_table`), and never specialized.
pub(crate) fn has_indirect_branch(f: LLVMValueRef) -> bool {
    llvm::blocks(f).into_iter().flat_map(llvm::instructions).any(|i| {
        // SAFETY: reading the opcode of a valid instruction.
        unsafe { LLVMGetInstructionOpcode(i) == LLVMOpcode::LLVMIndirectBr }
    })
}

/// Number of instructions in a function body.
pub(crate) fn instruction_count(f: LLVMValueRef) -> usize {
    llvm::blocks(f).into_iter().map(|b| llvm::instructions(b).len()).sum()
}

/// After the pipeline: route every remaining reference to another app function through the host
/// (call slot or canonical address), make address-taken uses of the target canonical, and list
/// what the object will need from outside.
pub(crate) fn link_references(
    ex: &Extracted,
    source_name: &str,
    has_slot: &dyn Fn(&str) -> bool,
) -> Result<References> {
    let m = ex.module.raw();
    crate::pipeline::run_passes(&ex.module, "elim-avail-extern", None)?;

    for f in llvm::functions(m) {
        let name = llvm::name(f);
        if f == ex.function || !ex.app_functions.contains(&name) {
            continue;
        }
        if has_slot(&name) {
            let calls: Vec<_> = llvm::uses(f)
                .into_iter()
                .filter_map(|(u, op)| llvm::as_call_with_callee(u, op).map(|c| (c, op)))
                .collect();
            if !calls.is_empty() {
                let slot = slot_declaration(m, &HostSymbol::Slot(name.clone()).symbol())?;
                for (call, op) in calls {
                    call_through_slot(m, call, op, slot);
                }
            }
        }
        if !llvm::uses(f).is_empty() {
            let canonical = llvm::declare_like(m, f, &HostSymbol::Function(name.clone()).symbol())?;
            copy_function_attributes(f, canonical);
            // SAFETY: same type (declare_like copies the function type); `f` is then unused.
            unsafe { LLVMReplaceAllUsesWith(f, canonical) };
        }
        // SAFETY: `f` has no uses left.
        unsafe { LLVMDeleteFunction(f) };
    }

    // The target's own address must be the canonical one too (function pointers are equal in
    // every tier); its direct (recursive) calls stay direct.
    let mut canonical_self = None;
    for (user, op) in llvm::uses(ex.function) {
        // A block address of its own (computed goto) stays: it names this body's blocks.
        // SAFETY: IsA checks are total on valid values.
        if llvm::as_call_with_callee(user, op).is_some() || unsafe { !LLVMIsABlockAddress(user).is_null() } {
            continue;
        }
        // SAFETY: IsA checks are total on valid values.
        if unsafe { LLVMIsAInstruction(user) }.is_null() {
            return Err(Error::Input(
                "its address is used inside a constant expression (unsupported for a single function)".into(),
            ));
        }
        let canonical = match canonical_self {
            Some(c) => c,
            None => {
                let c = llvm::declare_like(m, ex.function, &HostSymbol::Function(source_name.to_string()).symbol())?;
                canonical_self = Some(c);
                c
            }
        };
        // SAFETY: `user` is an instruction whose operand `op` is the target; same type.
        unsafe { LLVMSetOperand(user, op, canonical) };
    }
    Ok(external_references(m))
}

/// Every external name a module still uses: `__bf.*` host symbols and runtime names.
pub(crate) fn external_references(m: LLVMModuleRef) -> References {
    let mut refs = References::default();
    let decls = llvm::functions(m).into_iter().chain(llvm::globals(m));
    for d in decls {
        if !llvm::is_declaration(d) || llvm::uses(d).is_empty() {
            continue;
        }
        let name = llvm::name(d);
        if llvm::is_llvm_reserved(&name) {
            continue;
        }
        match HostSymbol::parse(&name) {
            Some(h) => refs.host.push(h),
            None => refs.runtime.push(name),
        }
    }
    refs
}

/// Refresh every external declaration of a whole module (see [`refresh_declaration`]).
pub(crate) fn refresh_declarations(m: LLVMModuleRef) -> Result<()> {
    for d in llvm::functions(m).into_iter().chain(llvm::globals(m)) {
        if llvm::is_declaration(d) && !llvm::is_llvm_reserved(&llvm::name(d)) {
            refresh_declaration(m, d)?;
        }
    }
    Ok(())
}

/// Replace an external declaration by a fresh one of the same name. The fresh one has no
/// `dso_local` (which clang puts on some declarations and which would make codegen reach the
/// symbol PC-relatively, out of range for a host address far from JIT memory).
fn refresh_declaration(m: LLVMModuleRef, d: LLVMValueRef) -> Result<()> {
    let name = llvm::name(d);
    if name.is_empty() {
        return Err(Error::Input("the module declares an unnamed external".into()));
    }
    llvm::set_name(d, "");
    let fresh = llvm::declare_like(m, d, &name)?;
    // SAFETY: `d` is a declaration of `m`.
    if unsafe { !LLVMIsAFunction(d).is_null() } {
        copy_function_attributes(d, fresh);
    } else {
        // SAFETY: both are global variables of `m`.
        unsafe { LLVMSetThreadLocal(fresh, LLVMIsThreadLocal(d)) };
    }
    // SAFETY: same value type, both in `m`; `d` is unused afterwards and deleted.
    unsafe {
        LLVMReplaceAllUsesWith(d, fresh);
        if LLVMIsAFunction(d).is_null() { LLVMDeleteGlobal(d) } else { LLVMDeleteFunction(d) }
    }
    Ok(())
}

/// Replace a global variable definition by an external declaration named `symbol`.
fn replace_with_declaration(m: LLVMModuleRef, gv: LLVMValueRef, symbol: &str) -> Result<()> {
    let decl = llvm::declare_like(m, gv, symbol)?;
    // SAFETY: same value type and address space (declare_like); `gv` is unused afterwards.
    unsafe {
        LLVMReplaceAllUsesWith(gv, decl);
        LLVMDeleteGlobal(gv);
    }
    Ok(())
}

/// `@<symbol> = external global ptr, align 8`: a call slot in host memory.
fn slot_declaration(m: LLVMModuleRef, symbol: &str) -> Result<LLVMValueRef> {
    let cname = crate::error::cstring("symbol", symbol)?;
    // SAFETY: valid module; the global belongs to it.
    unsafe {
        let existing = LLVMGetNamedGlobal(m, cname.as_ptr());
        if !existing.is_null() {
            return Ok(existing);
        }
        let ptr_ty = LLVMPointerTypeInContext(LLVMGetModuleContext(m), 0);
        let g = LLVMAddGlobal(m, ptr_ty, cname.as_ptr());
        LLVMSetLinkage(g, LLVMLinkage::LLVMExternalLinkage);
        LLVMSetAlignment(g, 8);
        Ok(g)
    }
}

/// Turn `call @g(...)` into `%p = load ptr, ptr @slot; call %p(...)`.
fn call_through_slot(m: LLVMModuleRef, call: LLVMValueRef, callee_op: u32, slot: LLVMValueRef) {
    // SAFETY: `call` is a call/invoke in `m` whose operand `callee_op` is the callee; the load is
    // inserted right before it and has pointer type like the callee it replaces.
    unsafe {
        let ctx = LLVMGetModuleContext(m);
        let b = LLVMCreateBuilderInContext(ctx);
        LLVMPositionBuilderBefore(b, call);
        let p = LLVMBuildLoad2(b, LLVMPointerTypeInContext(ctx, 0), slot, c"callee".as_ptr());
        LLVMSetAlignment(p, 8);
        LLVMDisposeBuilder(b);
        LLVMSetOperand(call, callee_op, p);
    }
}

/// Copy function, return and parameter attributes and the calling convention from `from` to `to`
/// (so a refreshed declaration keeps `nounwind`, `memory(none)` … and stays as optimizable).
fn copy_function_attributes(from: LLVMValueRef, to: LLVMValueRef) {
    // SAFETY: both are functions of the same type.
    let params = unsafe {
        LLVMSetFunctionCallConv(to, LLVMGetFunctionCallConv(from));
        LLVMCountParams(from)
    };
    for idx in std::iter::once(LLVMAttributeFunctionIndex).chain(0..=params) {
        llvm::copy_attributes_at(from, to, idx);
    }
}

#[cfg(test)]
#[path = "extract_tests.rs"]
mod tests;
