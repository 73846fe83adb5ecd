//! Guarded value specialization: a function whose integer arguments take one or a few values in
//! most calls is compiled as a dispatcher that compares the arguments with each version's
//! values and, on a match, runs a copy of the body with those values as constants; otherwise
//! the generic body. The comparison runs before any of the body's side effects, so a wrong
//! guess costs one compare and never needs deoptimization.
//!
//! Shape built here (before the tier pipeline), for `f` compiled as symbol `S`:
//! - the body moves to `S.generic` (internal); every use of `f` in the module becomes `S`;
//! - `S` (the dispatcher): for version v, `if args == values(v) { guards[v] += 1; return
//!   S.generic(args with values(v)) }` with the call marked `alwaysinline`, so the inliner
//!   pastes a copy of the body with the constants folded in (one clone per version, optimized
//!   by the rest of the pipeline: loops with constant trip counts, memcpy of constant size);
//!   else `guards[n] += 1; return S.generic(args)` marked `noinline`.
//! - `guards` is the counter array `__bf.guards.<f>` ([`GUARD_COUNTERS`] words: hits of each
//!   version, then misses, then hits and misses of each size-versioned memory call,
//!   [`crate::memsize`]): in the JIT the host's, reached through `HostLinks::guard_counters`;
//!   in a whole-program rebuild for ahead-of-time use ([`GuardStorage::Defined`]) a zeroed
//!   global of the module itself, so that code counts its guards without a host.
//! - a call in the body that passes a specialized parameter unchanged to a small function of
//!   the module (`matmul(.., n)` calling `dot(.., n)`) is marked `alwaysinline` too: the
//!   callee is pasted into the body first, so each version's constant reaches the callee's
//!   loops (a constant trip count there), not just the call's argument.
//! - the memory calls of the specialization's `mem` list are versioned by size first
//!   ([`crate::memsize`]); a specialization may consist of those alone (no argument versions:
//!   no dispatcher, the function keeps its body).
//! - with `jam`, the dispatcher asks the tier pipeline to unroll-and-jam the loop nests of its
//!   versions behind a guard ([`crate::unrolljam`]), counted in words [`LOOP_HITS`] and
//!   [`LOOP_HITS`]` + 1` of the counters.

use llvm_sys::core::*;
use llvm_sys::prelude::*;
use llvm_sys::{LLVMAttributeFunctionIndex, LLVMIntPredicate, LLVMLinkage, LLVMTypeKind};

use crate::error::{Error, Result, cstring};
use crate::llvm;
use crate::memsize::{MAX_MEM_SITES, MemVersion};
use crate::prefetch::Prefetch;
use crate::symbols::HostSymbol;
use crate::unrolljam::Jam;

/// Most versions of one specialization (each a copy of the body).
pub const MAX_VERSIONS: usize = 3;

/// Largest body (instructions, before optimization) that gets specialized: each version is a
/// copy of it, so compile time and code grow with its size times the versions.
pub const MAX_BODY_INSTRUCTIONS: usize = 1500;

/// Largest callee (instructions) pasted into the body because it receives a specialized
/// parameter; the extraction keeps callee bodies of up to the same size for the inliner.
pub const MAX_PROPAGATED_CALLEE_INSTRUCTIONS: usize = 400;

/// Word of a function's guard-counter array that counts the argument guards' misses.
pub const ARG_MISSES: usize = MAX_VERSIONS;

/// Word of a function's guard-counter array that counts the entries of its versions' loop nests
/// that ran jammed ([`crate::unrolljam`]); the next word counts those that ran as they were.
pub const LOOP_HITS: usize = MAX_VERSIONS + 1 + 2 * MAX_MEM_SITES;

/// Words of a function's guard-counter array: hits per version, then misses ([`ARG_MISSES`]),
/// then per size-versioned memory call its hits and misses, then the loop-nest guards' hits and
/// misses ([`LOOP_HITS`]).
pub const GUARD_COUNTERS: usize = LOOP_HITS + 2;

/// Where a dispatcher's guard counters live.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum GuardStorage {
    /// In host memory: an external declaration the JIT resolves (`HostLinks::guard_counters`).
    Host,
    /// Defined by the module, zero-initialized, with external linkage (ahead-of-time code:
    /// readable by name, `__bf.guards.<function>`, in the linked program).
    Defined,
}

/// One specialized version: `(parameter index, value)` pairs, all of which must match.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Version {
    pub values: Vec<(u32, u64)>,
}

/// The versions to compile (0..=[`MAX_VERSIONS`], tried in order) and the memory calls to
/// version by size (0..=[`MAX_MEM_SITES`]); not both empty. With `jam` (and versions), the
/// versions' loop nests are unroll-and-jammed behind a guard ([`crate::unrolljam`]); with
/// `prefetch` (and versions), the loads their loops stream from the named pointer parameters
/// are prefetched ([`crate::prefetch`]).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Specialization {
    pub versions: Vec<Version>,
    pub mem: Vec<MemVersion>,
    pub jam: Option<Jam>,
    pub prefetch: Option<Prefetch>,
}

impl Specialization {
    /// A stable text of the versions (`p2=64,p3=1;p2=96,p3=1`), then of the memory calls if
    /// any (`|m0=64,m3=8`: site 0 for 64 bytes, site 3 for 8), then of the jam if any
    /// (`/uj=4,262144`) and of the prefetch if any (`/pf=2048:2`): the object cache keys by it.
    pub fn key(&self) -> String {
        let v: Vec<String> = self
            .versions
            .iter()
            .map(|v| v.values.iter().map(|(p, x)| format!("p{p}={x}")).collect::<Vec<_>>().join(","))
            .collect();
        let mut key = v.join(";");
        if !self.mem.is_empty() {
            let m: Vec<String> = self.mem.iter().map(|m| format!("m{}={}", m.site, m.size)).collect();
            key.push('|');
            key.push_str(&m.join(","));
        }
        if let Some(j) = &self.jam {
            key.push('/');
            key.push_str(&j.key());
        }
        if let Some(p) = &self.prefetch {
            key.push('/');
            key.push_str(&p.key());
        }
        key
    }

    /// Read a [`Specialization::key`] back (`None`: not one).
    pub fn from_key(key: &str) -> Option<Specialization> {
        let mut parts = key.split('/');
        let key = parts.next()?;
        let (mut jam, mut prefetch) = (None, None);
        for part in parts {
            if part.starts_with("uj=") && jam.is_none() && prefetch.is_none() {
                jam = Some(Jam::from_key(part)?);
            } else if part.starts_with("pf=") && prefetch.is_none() {
                prefetch = Some(Prefetch::from_key(part)?);
            } else {
                return None;
            }
        }
        let (args, mem_text) = key.split_once('|').unwrap_or((key, ""));
        let mut versions = Vec::new();
        for v in args.split(';').filter(|s| !s.is_empty()) {
            let mut values = Vec::new();
            for pv in v.split(',').filter(|s| !s.is_empty()) {
                let (p, x) = pv.strip_prefix('p')?.split_once('=')?;
                values.push((p.parse().ok()?, x.parse().ok()?));
            }
            versions.push(Version { values });
        }
        let mut mem = Vec::new();
        for sv in mem_text.split(',').filter(|s| !s.is_empty()) {
            let (site, size) = sv.strip_prefix('m')?.split_once('=')?;
            mem.push(MemVersion { site: site.parse().ok()?, size: size.parse().ok()? });
        }
        let fits = versions.len() <= MAX_VERSIONS && mem.len() <= MAX_MEM_SITES;
        let fits = fits && ((jam.is_none() && prefetch.is_none()) || !versions.is_empty());
        (fits && !(versions.is_empty() && mem.is_empty())).then_some(Specialization { versions, mem, jam, prefetch })
    }
}

/// Add one to word `counter` of `guards` (`[words x i64]`) at the builder's position.
///
/// # Safety
/// `b` is positioned in a function of the module holding `guards`, of that type.
pub(crate) unsafe fn bump(b: LLVMBuilderRef, guards: LLVMValueRef, words: usize, counter: usize) {
    // SAFETY: as the caller guarantees; constants and types are created in the module's context.
    unsafe {
        let i64t = LLVMInt64TypeInContext(LLVMGetModuleContext(LLVMGetGlobalParent(guards)));
        let idx = [LLVMConstInt(i64t, 0, 0), LLVMConstInt(i64t, counter as u64, 0)];
        let ty = LLVMArrayType2(i64t, words as u64);
        let at = LLVMBuildInBoundsGEP2(b, ty, guards, idx.as_ptr() as *mut _, 2, c"".as_ptr());
        let n = LLVMBuildLoad2(b, i64t, at, c"".as_ptr());
        let n1 = LLVMBuildAdd(b, n, LLVMConstInt(i64t, 1, 0), c"".as_ptr());
        LLVMBuildStore(b, n1, at);
    }
}

/// Turn `target` (the extracted function, named `symbol`) into the dispatcher described in the
/// module doc; returns the dispatcher (now named `symbol`). `function` is the source name (it
/// names the guard counters).
pub(crate) fn build(
    m: LLVMModuleRef,
    target: LLVMValueRef,
    function: &str,
    symbol: &str,
    spec: &Specialization,
    storage: GuardStorage,
) -> Result<LLVMValueRef> {
    if spec.versions.len() > MAX_VERSIONS || (spec.versions.is_empty() && spec.mem.is_empty()) {
        return Err(Error::Input(format!("specialization: {} versions (1 to {MAX_VERSIONS})", spec.versions.len())));
    }
    if crate::extract::has_indirect_branch(target) {
        // Its label tables hold the original body's block addresses: a version jumping through
        // them would leave its own body.
        return Err(Error::Input("specialization: a function with computed goto (indirectbr)".into()));
    }
    let size = crate::extract::instruction_count(target);
    if !spec.versions.is_empty() && size > MAX_BODY_INSTRUCTIONS {
        return Err(Error::Input(format!(
            "specialization: body of {size} instructions (at most {MAX_BODY_INSTRUCTIONS} are copied)"
        )));
    }
    // SAFETY: `target` is a function definition of `m`; every value and type below is created in
    // its module's context and used in it.
    unsafe {
        let ctx = LLVMGetModuleContext(m);
        let i64t = LLVMInt64TypeInContext(ctx);
        let guards_name = cstring("guard counters", &HostSymbol::Guards(function.to_string()).symbol())?;
        let guards_ty = LLVMArrayType2(i64t, GUARD_COUNTERS as u64);
        let guards = LLVMAddGlobal(m, guards_ty, guards_name.as_ptr());
        if storage == GuardStorage::Defined {
            LLVMSetInitializer(guards, LLVMConstNull(guards_ty));
        }
        crate::memsize::version(target, function, &spec.mem, guards, GUARD_COUNTERS, ARG_MISSES + 1)?;
        if spec.versions.is_empty() {
            return Ok(target);
        }
        let fty = LLVMGlobalGetValueType(target);
        if LLVMIsFunctionVarArg(fty) != 0 {
            return Err(Error::Input("specialization: a variadic function".into()));
        }
        let nparams = LLVMCountParams(target);
        let mut ptys = vec![std::ptr::null_mut(); nparams as usize];
        LLVMGetParamTypes(fty, ptys.as_mut_ptr());
        for v in &spec.versions {
            for &(p, _) in &v.values {
                let ok = ptys.get(p as usize).is_some_and(|&t| LLVMGetTypeKind(t) == LLVMTypeKind::LLVMIntegerTypeKind);
                if !ok {
                    return Err(Error::Input(format!("specialization: parameter {p} is not an integer")));
                }
            }
        }
        let specialized: Vec<u32> = spec.versions.iter().flat_map(|v| v.values.iter().map(|&(p, _)| p)).collect();
        inline_callees_given_parameters(target, &specialized);
        llvm::set_name(target, &format!("{symbol}.generic"));
        let dispatcher = llvm::declare_like(m, target, symbol)?;
        for idx in std::iter::once(LLVMAttributeFunctionIndex).chain(0..=nparams) {
            llvm::copy_attributes_at(target, dispatcher, idx);
        }
        LLVMSetFunctionCallConv(dispatcher, LLVMGetFunctionCallConv(target));
        LLVMReplaceAllUsesWith(target, dispatcher);
        LLVMSetLinkage(target, LLVMLinkage::LLVMInternalLinkage);
        // The source's `noinline` (if any) must not keep the versions from being pasted; the
        // generic call site is `noinline` itself.
        let noinline = LLVMGetEnumAttributeKindForName(c"noinline".as_ptr(), 8);
        LLVMRemoveEnumAttributeAtIndex(target, LLVMAttributeFunctionIndex, noinline);
        LLVMSetLinkage(dispatcher, LLVMLinkage::LLVMExternalLinkage);

        let b = LLVMCreateBuilderInContext(ctx);
        let params: Vec<LLVMValueRef> = (0..nparams).map(|k| LLVMGetParam(dispatcher, k)).collect();
        let void_ret = LLVMGetTypeKind(LLVMGetReturnType(fty)) == LLVMTypeKind::LLVMVoidTypeKind;
        let mut check = LLVMAppendBasicBlockInContext(ctx, dispatcher, c"entry".as_ptr());
        let call_and_return = |b: LLVMBuilderRef, args: &mut [LLVMValueRef], counter: usize, inline: bool| {
            bump(b, guards, GUARD_COUNTERS, counter);
            let call = LLVMBuildCall2(b, fty, target, args.as_mut_ptr(), args.len() as u32, c"".as_ptr());
            LLVMSetInstructionCallConv(call, LLVMGetFunctionCallConv(target));
            // Parameter attributes (byval, sret, ...) hold at the call as at the entry.
            for idx in 0..=nparams {
                let n = LLVMGetAttributeCountAtIndex(target, idx);
                let mut attrs = vec![std::ptr::null_mut(); n as usize];
                LLVMGetAttributesAtIndex(target, idx, attrs.as_mut_ptr());
                for a in attrs {
                    LLVMAddCallSiteAttribute(call, idx, a);
                }
            }
            let attr = if inline { "alwaysinline" } else { "noinline" };
            let kind = LLVMGetEnumAttributeKindForName(attr.as_ptr().cast(), attr.len());
            LLVMAddCallSiteAttribute(call, LLVMAttributeFunctionIndex, LLVMCreateEnumAttribute(ctx, kind, 0));
            if void_ret {
                LLVMBuildRetVoid(b)
            } else {
                LLVMBuildRet(b, call)
            };
        };
        for (k, v) in spec.versions.iter().enumerate() {
            LLVMPositionBuilderAtEnd(b, check);
            let mut ok = LLVMConstInt(LLVMInt1TypeInContext(ctx), 1, 0);
            let mut args = params.clone();
            for &(p, value) in &v.values {
                let c = LLVMConstInt(ptys[p as usize], value, 0);
                let eq = LLVMBuildICmp(b, LLVMIntPredicate::LLVMIntEQ, params[p as usize], c, c"".as_ptr());
                ok = LLVMBuildAnd(b, ok, eq, c"".as_ptr());
                args[p as usize] = c;
            }
            let hit = LLVMAppendBasicBlockInContext(ctx, dispatcher, c"version".as_ptr());
            let next = LLVMAppendBasicBlockInContext(ctx, dispatcher, c"check".as_ptr());
            LLVMBuildCondBr(b, ok, hit, next);
            LLVMPositionBuilderAtEnd(b, hit);
            call_and_return(b, &mut args, k, true);
            check = next;
        }
        LLVMPositionBuilderAtEnd(b, check);
        let mut args = params.clone();
        call_and_return(b, &mut args, ARG_MISSES, false);
        LLVMDisposeBuilder(b);
        if let Some(jam) = spec.jam {
            crate::unrolljam::request(dispatcher, function, jam, storage)?;
        }
        if let Some(p) = &spec.prefetch {
            crate::prefetch::request(dispatcher, p);
        }
        Ok(dispatcher)
    }
}

/// Mark `alwaysinline` every direct call in `f`'s body that passes one of `params` unchanged
/// to a non-variadic function of the module with a body of at most
/// [`MAX_PROPAGATED_CALLEE_INSTRUCTIONS`] (not `f` itself); returns how many were marked. A
/// callee marked `noinline` in the source stays a call (LLVM honours it over the call site).
pub(crate) fn inline_callees_given_parameters(f: LLVMValueRef, params: &[u32]) -> usize {
    let mut marked = 0;
    // SAFETY: `f` is a function definition; its instructions, their operands and the callees are
    // valid values of one module, and the attribute is created in its context.
    unsafe {
        let ctx = LLVMGetModuleContext(LLVMGetGlobalParent(f));
        let nparams = LLVMCountParams(f);
        let given: Vec<LLVMValueRef> = params.iter().filter(|&&p| p < nparams).map(|&p| LLVMGetParam(f, p)).collect();
        let kind = LLVMGetEnumAttributeKindForName(c"alwaysinline".as_ptr(), 12);
        let noinline = LLVMGetEnumAttributeKindForName(c"noinline".as_ptr(), 8);
        for i in llvm::blocks(f).into_iter().flat_map(llvm::instructions) {
            if LLVMIsACallInst(i).is_null() {
                continue;
            }
            let callee = LLVMGetCalledValue(i);
            if callee.is_null() || LLVMIsAFunction(callee).is_null() || callee == f || llvm::is_declaration(callee) {
                continue;
            }
            if LLVMIsFunctionVarArg(LLVMGlobalGetValueType(callee)) != 0
                || crate::extract::instruction_count(callee) > MAX_PROPAGATED_CALLEE_INSTRUCTIONS
            {
                continue;
            }
            let passes_one = (0..LLVMGetNumArgOperands(i)).any(|k| given.contains(&LLVMGetOperand(i, k)));
            if passes_one {
                // A call kept for the callee's own code ([`keep_calls_to`]) is pasted after all:
                // here the argument becomes a constant in each version.
                LLVMRemoveCallSiteEnumAttribute(i, LLVMAttributeFunctionIndex, noinline);
                LLVMAddCallSiteAttribute(i, LLVMAttributeFunctionIndex, LLVMCreateEnumAttribute(ctx, kind, 0));
                marked += 1;
            }
        }
    }
    marked
}

/// Mark `noinline` every direct call in `f`'s body (compiled for app function `function`) to
/// one of the app functions named in `kept`, other than `function` itself: the call then goes
/// through the callee's call slot to its own code — for a specialization its dispatcher, where
/// the values are checked once per call, instead of pasting the callee's generic body, in which
/// they are unknown (see `Jit::set_kept_callees`). Returns how many calls were marked.
pub(crate) fn keep_calls_to(f: LLVMValueRef, function: &str, kept: &[String]) -> usize {
    mark_calls_to(f, function, kept, c"noinline", |_| true)
}

/// Mark `alwaysinline` every direct call in `f`'s body (compiled for app function `function`)
/// to one of the app functions named in `pasted` whose body the module holds, other than
/// `function` itself and calls already marked `noinline` (see `Jit::set_pasted_callees`).
/// Returns how many were marked.
pub(crate) fn paste_calls_to(f: LLVMValueRef, function: &str, pasted: &[String]) -> usize {
    // SAFETY: a valid C string and its length.
    let noinline = unsafe { LLVMGetEnumAttributeKindForName(c"noinline".as_ptr(), 8) };
    mark_calls_to(f, function, pasted, c"alwaysinline", |call| {
        // SAFETY: `call` is a call instruction of `f` (see `mark_calls_to`).
        unsafe {
            !llvm::is_declaration(LLVMGetCalledValue(call))
                && LLVMGetCallSiteEnumAttribute(call, LLVMAttributeFunctionIndex, noinline).is_null()
        }
    })
}

/// Add the function attribute `attr` to every direct call in `f`'s body to one of the app
/// functions named in `callees`, other than `function` itself and `f`, for which `also(call)`
/// holds. Returns how many calls were marked.
fn mark_calls_to(
    f: LLVMValueRef,
    function: &str,
    callees: &[String],
    attr: &std::ffi::CStr,
    also: impl Fn(LLVMValueRef) -> bool,
) -> usize {
    if callees.is_empty() {
        return 0;
    }
    // A lookup per call instruction: a whole program's never-called functions can be named.
    let callees: std::collections::HashSet<&str> = callees.iter().map(String::as_str).collect();
    let mut marked = 0;
    // SAFETY: `f` is a function definition; its call instructions and their callees are valid
    // values of one module, and the attribute is created in its context.
    unsafe {
        let ctx = LLVMGetModuleContext(LLVMGetGlobalParent(f));
        let kind = LLVMGetEnumAttributeKindForName(attr.as_ptr(), attr.to_bytes().len());
        for i in llvm::blocks(f).into_iter().flat_map(llvm::instructions) {
            if LLVMIsACallInst(i).is_null() {
                continue;
            }
            let callee = LLVMGetCalledValue(i);
            if callee.is_null() || LLVMIsAFunction(callee).is_null() || callee == f {
                continue;
            }
            let name = llvm::name(callee);
            if name != function && callees.contains(name.as_str()) && also(i) {
                LLVMAddCallSiteAttribute(i, LLVMAttributeFunctionIndex, LLVMCreateEnumAttribute(ctx, kind, 0));
                marked += 1;
            }
        }
    }
    marked
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_lists_every_version_in_order() {
        let mut s = Specialization {
            versions: vec![Version { values: vec![(2, 64), (3, 1)] }, Version { values: vec![(2, 96)] }],
            mem: Vec::new(),
            jam: None,
            prefetch: None,
        };
        assert_eq!(s.key(), "p2=64,p3=1;p2=96");
        assert_eq!(Specialization::from_key(&s.key()), Some(s.clone()));
        s.mem = vec![MemVersion { site: 0, size: 64 }, MemVersion { site: 3, size: 8 }];
        assert_eq!(s.key(), "p2=64,p3=1;p2=96|m0=64,m3=8");
        assert_eq!(Specialization::from_key(&s.key()), Some(s.clone()));
        s.jam = Some(Jam { count: 4, limit: 262144 });
        assert_eq!(s.key(), "p2=64,p3=1;p2=96|m0=64,m3=8/uj=4,262144");
        assert_eq!(Specialization::from_key(&s.key()), Some(s.clone()));
        assert_eq!(Specialization::from_key("p2=64/uj=1,5"), None);
        assert_eq!(Specialization::from_key("|m0=64/uj=4,5"), None, "a jam needs versions");
        s.prefetch = Some(Prefetch { bytes: 2048, params: vec![2] });
        assert_eq!(s.key(), "p2=64,p3=1;p2=96|m0=64,m3=8/uj=4,262144/pf=2048:2");
        assert_eq!(Specialization::from_key(&s.key()), Some(s.clone()));
        s.jam = None;
        assert_eq!(s.key(), "p2=64,p3=1;p2=96|m0=64,m3=8/pf=2048:2");
        assert_eq!(Specialization::from_key(&s.key()), Some(s.clone()));
        assert_eq!(Specialization::from_key("p2=64/pf=2048:2/uj=4,5"), None, "the jam comes first");
        assert_eq!(Specialization::from_key("|m0=64/pf=2048:2"), None, "a prefetch needs versions");
        s.prefetch = None;
        s.versions.clear();
        assert_eq!(s.key(), "|m0=64,m3=8");
        assert_eq!(Specialization::from_key(&s.key()), Some(s));
        assert_eq!(Specialization::from_key("x2=1"), None);
        assert_eq!(Specialization::from_key("|q1=2"), None);
        assert_eq!(Specialization::from_key(""), None);
        assert_eq!(Specialization::from_key("|"), None);
    }
}
