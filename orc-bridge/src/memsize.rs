//! Size-versioned memory calls: a `llvm.memcpy` / `llvm.memmove` / `llvm.memset` call whose size
//! is one value in most executions (irvm's size tables say which) becomes
//! `if (n == C) { hits += 1; memcpy(d, s, C) } else { misses += 1; memcpy(d, s, n) }`, so the
//! code generator expands the constant-size copy inline (LLVM's PGOMemOPSizeOpt does the same
//! from instrumentation counts). Sound without deoptimization: the compare runs first.
//!
//! A site is the call's position among the function's memory intrinsic calls, in block and
//! instruction order (the numbering irvm's lowering uses, `irvm::profile::MemSizes::site`). The
//! call is replaced by a call to an internal `alwaysinline` helper holding the compare, the two
//! calls and the counting, which the inliner pastes back (so every copy of the body, such as a
//! guarded specialization's versions, gets it). Where the size is a constant after inlining
//! (a version of a guarded specialization whose values make it so), the helper's first test,
//! `llvm.is.constant(n)`, folds to true and the plain call stays, uncounted: the argument
//! guard already decided, and a counter update in the version's loop would cost more than the
//! copy (it may alias the copy's stores). Counters: two words per versioned site in the
//! function's guard-counter array (see [`crate::specialize`]), hits then misses.

use llvm_sys::core::*;
use llvm_sys::prelude::*;
use llvm_sys::{LLVMAttributeFunctionIndex, LLVMIntPredicate, LLVMLinkage};

use crate::error::{Error, Result, cstring};
use crate::llvm;

/// Most versioned sites per function (each has two guard counters).
pub const MAX_MEM_SITES: usize = 4;

/// Largest size that gets a version: above it the code generator calls `memcpy` even with a
/// constant size (x86-64 expands at most 8 stores of a vector register), so a version gains
/// nothing.
pub const MAX_VERSIONED_SIZE: u64 = 256;

/// One versioned call: its site and the size its version is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct MemVersion {
    pub site: u32,
    pub size: u64,
}

/// Whether `name` is a memory intrinsic irvm numbers as a site (`llvm.memcpy.*`,
/// `llvm.memcpy.inline.*`, `llvm.memmove.*`, `llvm.memset.*`, `llvm.memset.inline.*`).
fn is_memory_intrinsic(name: &str) -> bool {
    let base = name.strip_prefix("llvm.").and_then(|r| r.split('.').next());
    matches!(base, Some("memcpy" | "memmove" | "memset"))
}

/// The memory intrinsic calls of `f`, indexed by site.
pub(crate) fn sites(f: LLVMValueRef) -> Vec<LLVMValueRef> {
    let mut out = Vec::new();
    for i in llvm::blocks(f).into_iter().flat_map(llvm::instructions) {
        // SAFETY: `i` is an instruction of `f`; the IsA checks are total and the callee query is
        // made on a call.
        unsafe {
            if LLVMIsACallInst(i).is_null() {
                continue;
            }
            let mut callee = LLVMGetCalledValue(i);
            while !callee.is_null() && !LLVMIsAGlobalAlias(callee).is_null() {
                callee = LLVMAliasGetAliasee(callee);
            }
            if !callee.is_null() && !LLVMIsAFunction(callee).is_null() && is_memory_intrinsic(&llvm::name(callee)) {
                out.push(i);
            }
        }
    }
    out
}

/// Version the calls of `f` (named `function` in messages) that `versions` lists; counters of
/// version k go to words `first + 2k` (hits) and `first + 2k + 1` (misses) of `guards`, an
/// `[words x i64]` global. Returns how many calls were versioned (a site whose size is already a
/// constant is left as it is).
pub(crate) fn version(
    f: LLVMValueRef,
    function: &str,
    versions: &[MemVersion],
    guards: LLVMValueRef,
    words: usize,
    first: usize,
) -> Result<usize> {
    if versions.len() > MAX_MEM_SITES || first + 2 * versions.len() > words {
        return Err(Error::Input(format!("memory call versions: {} sites (at most {MAX_MEM_SITES})", versions.len())));
    }
    let calls = sites(f);
    let mut done = 0;
    for (k, v) in versions.iter().enumerate() {
        let call = *calls.get(v.site as usize).ok_or_else(|| {
            Error::Profile(format!("memory call site {} out of range (the function has {})", v.site, calls.len()))
        })?;
        // SAFETY: `call` is a memory intrinsic call of `f` (operand 2 is its size); every value
        // and type below is created in the module's context and used in it.
        unsafe {
            if !LLVMIsAConstant(LLVMGetOperand(call, 2)).is_null() {
                continue;
            }
            let helper = helper(call, function, v, guards, words, first + 2 * k)?;
            let b = LLVMCreateBuilderInContext(LLVMGetModuleContext(LLVMGetGlobalParent(f)));
            LLVMPositionBuilderBefore(b, call);
            let mut args: Vec<LLVMValueRef> =
                (0..LLVMGetNumArgOperands(call)).map(|a| LLVMGetOperand(call, a)).collect();
            let fty = LLVMGlobalGetValueType(helper);
            LLVMBuildCall2(b, fty, helper, args.as_mut_ptr(), args.len() as u32, c"".as_ptr());
            LLVMDisposeBuilder(b);
            LLVMInstructionEraseFromParent(call);
        }
        done += 1;
    }
    Ok(done)
}

/// The internal `alwaysinline` function that replaces `call`: compare the size with `v.size`,
/// count, and make the call with the constant or with the size given.
///
/// # Safety
/// `call` is a call of a memory intrinsic in a function of a valid module that also holds
/// `guards` (`[words x i64]`).
unsafe fn helper(
    call: LLVMValueRef,
    function: &str,
    v: &MemVersion,
    guards: LLVMValueRef,
    words: usize,
    hit_counter: usize,
) -> Result<LLVMValueRef> {
    // SAFETY: as the caller guarantees; the builder is created and disposed here.
    unsafe {
        let caller = LLVMGetBasicBlockParent(LLVMGetInstructionParent(call));
        let m = LLVMGetGlobalParent(caller);
        let ctx = LLVMGetModuleContext(m);
        let callee = LLVMGetCalledValue(call);
        let fty = LLVMGetCalledFunctionType(call);
        let name = cstring("helper name", &format!("{function}.bf.memsize{}", v.site))?;
        let h = LLVMAddFunction(m, name.as_ptr(), fty);
        LLVMSetLinkage(h, LLVMLinkage::LLVMInternalLinkage);
        let kind = LLVMGetEnumAttributeKindForName(c"alwaysinline".as_ptr(), 12);
        LLVMAddAttributeAtIndex(h, LLVMAttributeFunctionIndex, LLVMCreateEnumAttribute(ctx, kind, 0));
        crate::target::copy_codegen_attributes(caller, h);
        let nargs = LLVMCountParams(h);
        let params: Vec<LLVMValueRef> = (0..nargs).map(|k| LLVMGetParam(h, k)).collect();
        let size_ty = LLVMTypeOf(params[2]);
        let size = LLVMConstInt(size_ty, v.size, 0);
        let b = LLVMCreateBuilderInContext(ctx);
        let entry = LLVMAppendBasicBlockInContext(ctx, h, c"entry".as_ptr());
        let constant = LLVMAppendBasicBlockInContext(ctx, h, c"size.constant".as_ptr());
        let check = LLVMAppendBasicBlockInContext(ctx, h, c"size.check".as_ptr());
        let hit = LLVMAppendBasicBlockInContext(ctx, h, c"size.hit".as_ptr());
        let miss = LLVMAppendBasicBlockInContext(ctx, h, c"size.miss".as_ptr());
        LLVMPositionBuilderAtEnd(b, entry);
        let is_constant = "llvm.is.constant";
        let id = LLVMLookupIntrinsicID(is_constant.as_ptr().cast(), is_constant.len());
        let mut overload = [size_ty];
        let decl = LLVMGetIntrinsicDeclaration(m, id, overload.as_mut_ptr(), 1);
        let decl_ty = LLVMIntrinsicGetType(ctx, id, overload.as_mut_ptr(), 1);
        let mut n = [params[2]];
        let known = LLVMBuildCall2(b, decl_ty, decl, n.as_mut_ptr(), 1, c"".as_ptr());
        LLVMBuildCondBr(b, known, constant, check);
        LLVMPositionBuilderAtEnd(b, check);
        let eq = LLVMBuildICmp(b, LLVMIntPredicate::LLVMIntEQ, params[2], size, c"".as_ptr());
        LLVMBuildCondBr(b, eq, hit, miss);
        let cases =
            [(constant, None, params[2]), (hit, Some(hit_counter), size), (miss, Some(hit_counter + 1), params[2])];
        for (block, counter, n) in cases {
            LLVMPositionBuilderAtEnd(b, block);
            if let Some(counter) = counter {
                crate::specialize::bump(b, guards, words, counter);
            }
            let mut args = params.clone();
            args[2] = n;
            let c = LLVMBuildCall2(b, fty, callee, args.as_mut_ptr(), args.len() as u32, c"".as_ptr());
            // The original call's parameter attributes (alignment, noalias...) hold here too.
            for idx in 1..=nargs {
                let count = LLVMGetCallSiteAttributeCount(call, idx);
                let mut attrs = vec![std::ptr::null_mut(); count as usize];
                LLVMGetCallSiteAttributes(call, idx, attrs.as_mut_ptr());
                for a in attrs {
                    LLVMAddCallSiteAttribute(c, idx, a);
                }
            }
            LLVMBuildRetVoid(b);
        }
        LLVMDisposeBuilder(b);
        Ok(h)
    }
}

#[cfg(test)]
mod tests {
    use super::is_memory_intrinsic;

    #[test]
    fn the_sites_are_the_memory_intrinsics_irvm_numbers() {
        for n in
            ["llvm.memcpy.p0.p0.i64", "llvm.memcpy.inline.p0.p0.i64", "llvm.memmove.p0.p0.i32", "llvm.memset.p0.i64"]
        {
            assert!(is_memory_intrinsic(n), "{n}");
        }
        for n in ["memcpy", "llvm.memcpyx.p0", "llvm.umax.i64", "my.memcpy"] {
            assert!(!is_memory_intrinsic(n), "{n}");
        }
    }
}
