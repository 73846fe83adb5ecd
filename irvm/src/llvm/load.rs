//! Loading: LLVM's own bitcode reader (LLVM-C, through llvm-sys), then LLVM's verifier, then the
//! checks irvm needs (x86-64 little-endian data layout). `Loaded` owns the context and the module.
//! (No inkwell here: its code units reference LLVM's MCJIT and interpreter, whose static
//! registrations would then stay in the kernel; see docs/performance.md "Kernel image sizes".)

use super::{Layout, Val, take_message};
use llvm_sys::analysis::{LLVMVerifierFailureAction, LLVMVerifyModule};
use llvm_sys::core as c;
use llvm_sys::prelude::{LLVMContextRef, LLVMDiagnosticInfoRef, LLVMMemoryBufferRef, LLVMModuleRef};

/// A parsed, verified module and the LLVM context that owns it. Every `Val`/`Ty` handed out by
/// irvm points into this and must not outlive it.
pub(crate) struct Loaded {
    ctx: LLVMContextRef,
    module: LLVMModuleRef,
}

impl Drop for Loaded {
    fn drop(&mut self) {
        // SAFETY: we own both (created by load_bitcode, freed nowhere else); module first.
        unsafe {
            c::LLVMDisposeModule(self.module);
            c::LLVMContextDispose(self.ctx);
        }
    }
}

/// Keeps LLVM's default handler from calling exit() on error diagnostics while reading.
extern "C" fn ignore_diagnostic(_info: LLVMDiagnosticInfoRef, _ctx: *mut libc::c_void) {}

struct ParseJob {
    buf: LLVMMemoryBufferRef,
    ctx: LLVMContextRef,
    lazy: bool,
    result: Option<Result<LLVMModuleRef, String>>,
}

extern "C" fn parse_job(arg: *mut libc::c_void) {
    // SAFETY: `arg` is the ParseJob that `load_bitcode` passed, alive for the whole call.
    let job = unsafe { &mut *arg.cast::<ParseJob>() };
    let mut module = std::ptr::null_mut();
    if job.lazy {
        // Module-level records only; each body is read when irvm first walks it (`Val::blocks`).
        // SAFETY: a live context and buffer; on success the module owns the buffer.
        let failed = unsafe { llvm_sys::bit_reader::LLVMGetBitcodeModuleInContext2(job.ctx, job.buf, &mut module) };
        job.result = Some(if failed != 0 { Err("the lazy reader failed".into()) } else { Ok(module) });
        return;
    }
    let mut msg = std::ptr::null_mut();
    // The deprecated reader is the one that reports its error as a message (the newer one sends
    // it to the diagnostic handler, which ignores it here).
    // SAFETY: a live context and buffer; the module and message are LLVM's to allocate, the
    // message is freed by take_message, the buffer stays ours (the reader copies what it keeps).
    #[allow(deprecated)]
    let failed = unsafe { llvm_sys::bit_reader::LLVMParseBitcodeInContext(job.ctx, job.buf, &mut module, &mut msg) };
    job.result = Some(if failed != 0 {
        // SAFETY: `msg` is null or a message LLVM allocated for us.
        Err(unsafe { take_message(msg) })
    } else {
        Ok(module) // owned by `Loaded` from now on
    });
}

/// Parse and verify bitcode. `name` names the input in error messages.
///
/// `lazy`: read only the module-level records now and each function body when it is first walked
/// ([`Val::blocks`]), without the module verifier. Only for bitcode known to be valid — bytes
/// that an earlier eager load verified (a warm start checks the snapshot's bitcode hash).
pub(crate) fn load_bitcode(bytes: &[u8], name: &str, lazy: bool) -> Result<Loaded, String> {
    if bytes.len() < 4 || !(bytes.starts_with(b"BC\xC0\xDE") || bytes.starts_with(&[0xDE, 0xC0, 0x17, 0x0B])) {
        return Err(format!("{name}: not LLVM bitcode (bad magic)"));
    }
    let cname = std::ffi::CString::new(name.replace('\0', "?")).expect("no NUL left in the name");
    // SAFETY: creating a context has no preconditions; the handler has the required signature and
    // no state; LLVM copies `bytes` and the name into a buffer we own.
    let (ctx, buf) = unsafe {
        let ctx = c::LLVMContextCreate();
        c::LLVMContextSetDiagnosticHandler(ctx, Some(ignore_diagnostic), std::ptr::null_mut());
        let buf = c::LLVMCreateMemoryBufferWithMemoryRangeCopy(bytes.as_ptr().cast(), bytes.len(), cname.as_ptr());
        (ctx, buf)
    };
    let mut job = ParseJob { buf, ctx, lazy, result: None };
    // SAFETY: `parse_job` holds nothing droppable across LLVM's reader; if LLVM gives up, the
    // context and buffer it was using are leaked below and never touched again.
    let guarded = unsafe { super::guard::guarded(parse_job, (&raw mut job).cast()) };
    if let Err(reason) = guarded {
        return Err(format!("{name}: malformed bitcode: LLVM's reader gave up ({reason})"));
    }
    if !lazy {
        // SAFETY: the reader is done with the buffer (the module keeps its own copies). A lazy
        // module owns it (it reads bodies from it later); on failure it is leaked.
        unsafe { c::LLVMDisposeMemoryBuffer(buf) };
    }
    let module = match job.result.take() {
        Some(Ok(m)) => m,
        Some(Err(e)) => {
            // SAFETY: no module refers to the context.
            unsafe { c::LLVMContextDispose(ctx) };
            return Err(format!("{name}: malformed bitcode: {}", e.trim()));
        }
        None => return Err(format!("{name}: malformed bitcode")),
    };
    let loaded = Loaded { ctx, module };
    if !lazy {
        loaded.verify(name)?;
    }
    loaded.check_target(name)?;
    Ok(loaded)
}

impl Loaded {
    fn verify(&self, name: &str) -> Result<(), String> {
        let mut msg = std::ptr::null_mut();
        // SAFETY: live module; LLVM allocates `msg`, which take_message frees.
        let broken = unsafe {
            let r = LLVMVerifyModule(self.module, LLVMVerifierFailureAction::LLVMReturnStatusAction, &mut msg);
            let text = take_message(msg);
            (r != 0).then_some(text)
        };
        match broken {
            Some(t) => Err(format!("{name}: invalid IR: {}", t.lines().next().unwrap_or("verifier failed"))),
            None => Ok(()),
        }
    }

    fn check_target(&self, name: &str) -> Result<(), String> {
        // SAFETY: live module; the triple is a NUL-terminated string the module owns.
        let triple = unsafe { std::ffi::CStr::from_ptr(c::LLVMGetTarget(self.module)) }.to_string_lossy().into_owned();
        if !triple.is_empty() && !triple.starts_with("x86_64") {
            // Escaped: a damaged triple may hold control characters (the error stays one line).
            let shown = triple.escape_debug();
            return Err(format!("{name}: target '{shown}' is not x86_64; irvm runs x86_64 bitcode only"));
        }
        let dl = self.layout().0;
        // SAFETY: the module's own data layout.
        let (psize, order) = unsafe { (llvm_sys::target::LLVMPointerSize(dl), llvm_sys::target::LLVMByteOrder(dl)) };
        if psize != 8 || order != llvm_sys::target::LLVMByteOrdering::LLVMLittleEndian {
            return Err(format!("{name}: data layout is not 64-bit little-endian"));
        }
        Ok(())
    }

    /// The module's data layout.
    pub(crate) fn layout(&self) -> Layout {
        // SAFETY: live module; the layout is owned by the module.
        Layout(unsafe { llvm_sys::target::LLVMGetModuleDataLayout(self.module) })
    }

    /// Every function (definitions and declarations), in module order.
    pub(crate) fn functions(&self) -> Vec<Val> {
        let mut v = Vec::new();
        // SAFETY: walking the live module's function list.
        unsafe {
            let mut f = c::LLVMGetFirstFunction(self.module);
            while !f.is_null() {
                v.push(Val(f));
                f = c::LLVMGetNextFunction(f);
            }
        }
        v
    }

    /// Every global variable, in module order.
    pub(crate) fn globals(&self) -> Vec<Val> {
        let mut v = Vec::new();
        // SAFETY: walking the live module's global list.
        unsafe {
            let mut g = c::LLVMGetFirstGlobal(self.module);
            while !g.is_null() {
                v.push(Val(g));
                g = c::LLVMGetNextGlobal(g);
            }
        }
        v
    }
}
