//! Thin helpers over the LLVM-C IR API used by extraction and the pipeline: an owned module,
//! names, iteration over functions/globals/uses, bitcode parsing with captured diagnostics, and
//! module verification. Everything here is `pub(crate)`; raw refs never leave the crate.

use std::cell::RefCell;
use std::collections::HashSet;
use std::ffi::c_void;
use std::ptr;

use llvm_sys::analysis::{LLVMVerifierFailureAction, LLVMVerifyModule};
use llvm_sys::bit_reader::LLVMParseBitcodeInContext2;
use llvm_sys::core::*;
use llvm_sys::prelude::*;
use llvm_sys::{LLVMDiagnosticSeverity, LLVMLinkage};

use crate::error::{Error, Result, one_line, take_message};

/// The operands of user `v` (an instruction or a constant), in order.
pub(crate) fn operands(v: LLVMValueRef) -> Vec<LLVMValueRef> {
    // SAFETY: `v` is a valid user; every index below its operand count is an operand.
    unsafe { (0..LLVMGetNumOperands(v)).map(|k| LLVMGetOperand(v, k as u32)).collect() }
}

/// Whether any global initializer or instruction of `m` uses a `blockaddress` constant.
fn has_block_addresses(m: LLVMModuleRef) -> bool {
    let (mut owners, mut seen) = (Vec::new(), HashSet::new());
    let initializers = globals(m).into_iter().filter(|g| !is_declaration(*g)).map(|g| {
        // SAFETY: a global variable definition of `m` has an initializer.
        unsafe { LLVMGetInitializer(g) }
    });
    let operands = functions(m).into_iter().flat_map(blocks).flat_map(instructions).flat_map(operands);
    initializers.chain(operands).any(|c| {
        block_address_functions(c, &mut owners, &mut seen);
        !owners.is_empty()
    })
}

/// The functions whose block addresses constant `c` holds, each once, added to `owners`. Global
/// values (whose operands are their initializers) and constants in `seen` stop the walk.
pub(crate) fn block_address_functions(
    c: LLVMValueRef,
    owners: &mut Vec<LLVMValueRef>,
    seen: &mut HashSet<LLVMValueRef>,
) {
    // SAFETY: `c` is a valid value; the casts only test its kind.
    let walked = unsafe { c.is_null() || LLVMIsAConstant(c).is_null() || !LLVMIsAGlobalValue(c).is_null() };
    if walked || !seen.insert(c) {
        return;
    }
    // SAFETY: as above; the function of a block address is a valid value.
    let owner = unsafe { (!LLVMIsABlockAddress(c).is_null()).then(|| LLVMGetBlockAddressFunction(c)) };
    match owner {
        Some(f) if !owners.contains(&f) => owners.push(f),
        Some(_) => {}
        None => operands(c).into_iter().for_each(|o| block_address_functions(o, owners, seen)),
    }
}

/// An owned `LLVMModuleRef` (disposed on drop).
pub(crate) struct OwnedModule(LLVMModuleRef);

impl OwnedModule {
    /// # Safety
    /// `m` must be a valid module that the caller owns and hands over.
    pub(crate) unsafe fn from_raw(m: LLVMModuleRef) -> Self {
        OwnedModule(m)
    }

    pub(crate) fn raw(&self) -> LLVMModuleRef {
        self.0
    }

    /// A deep copy in the same context.
    ///
    /// LLVM 19's `CloneModule` maps a `blockaddress` met before its function's body is cloned
    /// (every one in a global initializer, such as a computed-goto label table, and those of
    /// functions cloned later) to the *source* module's block: the copy's own labels then look
    /// unused, the optimizer deletes them as destinations (an `indirectbr` through the table
    /// becomes `unreachable`), and disposing the two modules corrupts the context. A module
    /// with block addresses is therefore copied through bitcode, which names blocks by position.
    pub(crate) fn clone_module(&self) -> Result<OwnedModule> {
        if !has_block_addresses(self.0) {
            // SAFETY: self.0 is a valid module; the clone is a new module we own.
            return Ok(OwnedModule(unsafe { LLVMCloneModule(self.0) }));
        }
        let mut copy: LLVMModuleRef = ptr::null_mut();
        // SAFETY: valid module; the bitcode buffer is ours and disposed after parsing (the
        // reader copies what it needs into the new module, created in the same context).
        let failed = unsafe {
            let buf = llvm_sys::bit_writer::LLVMWriteBitcodeToMemoryBuffer(self.0);
            let failed = LLVMParseBitcodeInContext2(LLVMGetModuleContext(self.0), buf, &mut copy);
            LLVMDisposeMemoryBuffer(buf);
            failed != 0
        };
        if failed || copy.is_null() {
            return Err(Error::Llvm("copying a module with block addresses: its own bitcode did not read back".into()));
        }
        Ok(OwnedModule(copy))
    }
}

impl Drop for OwnedModule {
    fn drop(&mut self) {
        // SAFETY: we own the module; no other wrapper disposes it.
        unsafe { LLVMDisposeModule(self.0) }
    }
}

/// Errors reported through a context's diagnostic handler (bitcode reader errors, for one).
/// Boxed by the owner so its address is stable while installed.
#[derive(Default)]
pub(crate) struct DiagnosticSink(RefCell<Vec<String>>);

impl DiagnosticSink {
    pub(crate) fn take(&self) -> Vec<String> {
        std::mem::take(&mut *self.0.borrow_mut())
    }
}

extern "C" fn on_diagnostic(info: LLVMDiagnosticInfoRef, ctx: *mut c_void) {
    // SAFETY: `ctx` is the DiagnosticSink installed by `install_diagnostics`, which its owner keeps
    // alive (boxed) for as long as the context lives; `info` is valid during this call.
    unsafe {
        let sink = &*(ctx as *const DiagnosticSink);
        if LLVMGetDiagInfoSeverity(info) == LLVMDiagnosticSeverity::LLVMDSError {
            sink.0.borrow_mut().push(one_line(&take_message(LLVMGetDiagInfoDescription(info))));
        }
    }
}

/// Route the context's diagnostics to `sink`: without a handler LLVM prints errors and exits.
///
/// # Safety
/// `sink` must outlive `ctx` (or be replaced before it is freed).
pub(crate) unsafe fn install_diagnostics(ctx: LLVMContextRef, sink: &DiagnosticSink) {
    // SAFETY: per the contract, the sink outlives the context.
    unsafe { LLVMContextSetDiagnosticHandler(ctx, Some(on_diagnostic), sink as *const DiagnosticSink as *mut c_void) };
}

/// Parse bitcode into `ctx`. Errors name the module and the reader's reason.
///
/// # Safety
/// `ctx` must be a valid context with `sink` installed as its diagnostic handler.
pub(crate) unsafe fn parse_bitcode(
    ctx: LLVMContextRef,
    sink: &DiagnosticSink,
    name: &str,
    bytes: &[u8],
) -> Result<OwnedModule> {
    if bytes.len() < 4 || !(bytes.starts_with(b"BC\xC0\xDE") || bytes.starts_with(&[0xDE, 0xC0, 0x17, 0x0B])) {
        return Err(Error::Input(format!("module '{name}': not LLVM bitcode (no 'BC' magic, {} bytes)", bytes.len())));
    }
    let buf_name = crate::error::cstring("module name", name)?;
    let mut module: LLVMModuleRef = ptr::null_mut();
    sink.take();
    // SAFETY: the buffer copies `bytes`; LLVMParseBitcodeInContext2 does not take ownership of
    // it, so we dispose it after parsing. Reader errors go to `sink` (installed on `ctx`).
    let failed = unsafe {
        let buf = LLVMCreateMemoryBufferWithMemoryRangeCopy(bytes.as_ptr().cast(), bytes.len(), buf_name.as_ptr());
        let failed = LLVMParseBitcodeInContext2(ctx, buf, &mut module);
        LLVMDisposeMemoryBuffer(buf);
        failed != 0
    };
    if failed || module.is_null() {
        let why = sink.take().join("; ");
        let why = if why.is_empty() { String::from("the bitcode reader failed") } else { why };
        return Err(Error::Input(format!("module '{name}': malformed bitcode: {why}")));
    }
    // SAFETY: the parser created the module and hands it to us.
    let module = unsafe { OwnedModule::from_raw(module) };
    verify(&module).map_err(|e| e.context(format!("module '{name}'")))?;
    Ok(module)
}

/// Run the IR verifier; a broken module would hit LLVM's fatal paths in codegen.
pub(crate) fn verify(module: &OwnedModule) -> Result<()> {
    let mut msg = ptr::null_mut();
    // SAFETY: valid module; `msg` receives an LLVM-allocated message we free.
    let broken =
        unsafe { LLVMVerifyModule(module.raw(), LLVMVerifierFailureAction::LLVMReturnStatusAction, &mut msg) != 0 };
    // SAFETY: `msg` is null or ours to free.
    let text = unsafe { take_message(msg) };
    if broken { Err(Error::Input(format!("invalid IR: {}", one_line(&text)))) } else { Ok(()) }
}

/// The name of a value ("" when unnamed).
pub(crate) fn name(v: LLVMValueRef) -> String {
    let mut len = 0usize;
    // SAFETY: `v` is a valid value; the returned pointer is valid for `len` bytes until renamed.
    unsafe {
        let p = LLVMGetValueName2(v, &mut len);
        if p.is_null() || len == 0 {
            return String::new();
        }
        String::from_utf8_lossy(std::slice::from_raw_parts(p.cast::<u8>(), len)).into_owned()
    }
}

/// Rename a value.
pub(crate) fn set_name(v: LLVMValueRef, name: &str) {
    // SAFETY: valid value; LLVM copies the name (pointer + length, no NUL needed).
    unsafe { LLVMSetValueName2(v, name.as_ptr().cast(), name.len()) }
}

/// Set string attribute `key` = `value` on function `f`, in place of one of that key.
pub(crate) fn set_function_attribute(f: LLVMValueRef, key: &str, value: &str) {
    use llvm_sys::LLVMAttributeFunctionIndex as FN;
    // SAFETY: `f` is a valid function; the attribute is created in its module's context and LLVM
    // copies key and value (pointer + length).
    unsafe {
        LLVMRemoveStringAttributeAtIndex(f, FN, key.as_ptr().cast(), key.len() as u32);
        let ctx = LLVMGetModuleContext(LLVMGetGlobalParent(f));
        let a = LLVMCreateStringAttribute(
            ctx,
            key.as_ptr().cast(),
            key.len() as u32,
            value.as_ptr().cast(),
            value.len() as u32,
        );
        LLVMAddAttributeAtIndex(f, FN, a);
    }
}

/// The value of function `f`'s string attribute `key`, if it has one.
pub(crate) fn function_attribute(f: LLVMValueRef, key: &str) -> Option<String> {
    use llvm_sys::LLVMAttributeFunctionIndex as FN;
    // SAFETY: `f` is a valid function; the value's pointer is valid for `len` bytes while the
    // attribute lives (copied here at once).
    unsafe {
        let a = LLVMGetStringAttributeAtIndex(f, FN, key.as_ptr().cast(), key.len() as u32);
        if a.is_null() {
            return None;
        }
        let mut len = 0u32;
        let p = LLVMGetStringAttributeValue(a, &mut len);
        Some(String::from_utf8_lossy(std::slice::from_raw_parts(p.cast::<u8>(), len as usize)).into_owned())
    }
}

/// All functions of a module, in order (collected first: callers may delete or add some).
pub(crate) fn functions(m: LLVMModuleRef) -> Vec<LLVMValueRef> {
    let mut out = Vec::new();
    // SAFETY: walking the function list of a valid module.
    unsafe {
        let mut f = LLVMGetFirstFunction(m);
        while !f.is_null() {
            out.push(f);
            f = LLVMGetNextFunction(f);
        }
    }
    out
}

/// The basic blocks of a function, in order.
pub(crate) fn blocks(f: LLVMValueRef) -> Vec<LLVMBasicBlockRef> {
    // SAFETY: valid function; the vector has room for every block.
    unsafe {
        let mut v = vec![std::ptr::null_mut(); LLVMCountBasicBlocks(f) as usize];
        LLVMGetBasicBlocks(f, v.as_mut_ptr());
        v
    }
}

/// The instructions of a basic block, in order (phis and terminator included).
pub(crate) fn instructions(bb: LLVMBasicBlockRef) -> Vec<LLVMValueRef> {
    let mut out = Vec::new();
    // SAFETY: walking a valid block.
    unsafe {
        let mut i = LLVMGetFirstInstruction(bb);
        while !i.is_null() {
            out.push(i);
            i = LLVMGetNextInstruction(i);
        }
    }
    out
}

/// Copy the attributes at index `idx` (function, return or parameter) from `from` to `to`.
pub(crate) fn copy_attributes_at(from: LLVMValueRef, to: LLVMValueRef, idx: u32) {
    // SAFETY: both are functions; attribute refs are context-owned.
    unsafe {
        let n = LLVMGetAttributeCountAtIndex(from, idx);
        if n == 0 {
            return;
        }
        let mut attrs = vec![std::ptr::null_mut(); n as usize];
        LLVMGetAttributesAtIndex(from, idx, attrs.as_mut_ptr());
        for a in attrs {
            LLVMAddAttributeAtIndex(to, idx, a);
        }
    }
}

/// All global variables of a module, in order.
pub(crate) fn globals(m: LLVMModuleRef) -> Vec<LLVMValueRef> {
    let mut out = Vec::new();
    // SAFETY: walking the global list of a valid module.
    unsafe {
        let mut g = LLVMGetFirstGlobal(m);
        while !g.is_null() {
            out.push(g);
            g = LLVMGetNextGlobal(g);
        }
    }
    out
}

/// The users of `v` with the operand index at which each uses it.
pub(crate) fn uses(v: LLVMValueRef) -> Vec<(LLVMValueRef, u32)> {
    let mut out = Vec::new();
    // SAFETY: walking the use list of a valid value; we only read.
    unsafe {
        let mut u = LLVMGetFirstUse(v);
        while !u.is_null() {
            let user = LLVMGetUser(u);
            let n = LLVMGetNumOperands(user).max(0) as u32;
            for i in 0..n {
                if LLVMGetOperand(user, i) == v {
                    out.push((user, i));
                }
            }
            u = LLVMGetNextUse(u);
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// True for a function or global that is only declared here.
pub(crate) fn is_declaration(v: LLVMValueRef) -> bool {
    // SAFETY: `v` is a valid global value.
    unsafe { LLVMIsDeclaration(v) != 0 }
}

/// True for `llvm.*` intrinsics and other reserved `llvm.` names.
pub(crate) fn is_llvm_reserved(name: &str) -> bool {
    name.starts_with("llvm.")
}

/// If `user` is a call or invoke whose callee operand is index `op`, the call.
pub(crate) fn as_call_with_callee(user: LLVMValueRef, op: u32) -> Option<LLVMValueRef> {
    // SAFETY: `user` is a valid value; the IsA checks are total.
    unsafe {
        let is_call = !LLVMIsACallInst(user).is_null() || !LLVMIsAInvokeInst(user).is_null();
        if !is_call {
            return None;
        }
        // The callee is the last operand of call and invoke instructions.
        let last = LLVMGetNumOperands(user) as u32 - 1;
        (op == last).then_some(user)
    }
}

/// A fresh external declaration with `name` and the value type of `like` (a function or a
/// global variable). Fresh declarations carry no `dso_local`, so codegen reaches them through the
/// GOT/PLT, which JITLink can point anywhere in the address space.
pub(crate) fn declare_like(m: LLVMModuleRef, like: LLVMValueRef, name: &str) -> Result<LLVMValueRef> {
    let cname = crate::error::cstring("symbol", name)?;
    // SAFETY: valid module and global value; the new declaration belongs to `m`.
    unsafe {
        let ty = LLVMGlobalGetValueType(like);
        if !LLVMIsAFunction(like).is_null() {
            let existing = LLVMGetNamedFunction(m, cname.as_ptr());
            if !existing.is_null() && existing != like {
                return Ok(existing);
            }
            let f = LLVMAddFunction(m, cname.as_ptr(), ty);
            LLVMSetLinkage(f, LLVMLinkage::LLVMExternalLinkage);
            Ok(f)
        } else {
            let existing = LLVMGetNamedGlobal(m, cname.as_ptr());
            if !existing.is_null() && existing != like {
                return Ok(existing);
            }
            let addr_space = LLVMGetPointerAddressSpace(LLVMTypeOf(like));
            let g = LLVMAddGlobalInAddressSpace(m, ty, cname.as_ptr(), addr_space);
            LLVMSetLinkage(g, LLVMLinkage::LLVMExternalLinkage);
            LLVMSetGlobalConstant(g, LLVMIsGlobalConstant(like));
            LLVMSetAlignment(g, LLVMGetAlignment(like));
            Ok(g)
        }
    }
}
