//! Loading: LLVM's own bitcode reader (through inkwell), then LLVM's verifier, then the checks irvm
//! needs (x86-64 little-endian data layout). `Loaded` owns the context and the module.

use super::{Layout, Val, take_message};
use inkwell::context::Context;
use inkwell::memory_buffer::MemoryBuffer;
use inkwell::module::Module;
use llvm_sys::analysis::{LLVMVerifierFailureAction, LLVMVerifyModule};
use llvm_sys::core as c;
use llvm_sys::prelude::{LLVMContextRef, LLVMDiagnosticInfoRef, LLVMModuleRef};

/// A parsed, verified module and the LLVM context that owns it. Every `Val`/`Ty` handed out by
/// irvm points into this and must not outlive it.
pub struct Loaded {
    ctx: LLVMContextRef,
    module: LLVMModuleRef,
}

impl Drop for Loaded {
    fn drop(&mut self) {
        // SAFETY: we own both (taken from inkwell, which we told not to free them); module first.
        unsafe {
            c::LLVMDisposeModule(self.module);
            c::LLVMContextDispose(self.ctx);
        }
    }
}

/// Keeps LLVM's default handler from calling exit() on error diagnostics while reading.
extern "C" fn ignore_diagnostic(_info: LLVMDiagnosticInfoRef, _ctx: *mut libc::c_void) {}

struct ParseJob<'a> {
    buf: &'a MemoryBuffer<'static>,
    ctx: &'a Context,
    result: Option<Result<LLVMModuleRef, String>>,
}

extern "C" fn parse_job(arg: *mut libc::c_void) {
    // SAFETY: `arg` is the ParseJob that `load_bitcode` passed, alive for the whole call.
    let job = unsafe { &mut *arg.cast::<ParseJob>() };
    job.result = Some(match Module::parse_bitcode_from_buffer(job.buf, job.ctx) {
        Ok(m) => {
            let raw = m.as_mut_ptr();
            std::mem::forget(m); // owned by `Loaded` from now on
            Ok(raw)
        }
        Err(e) => Err(e.to_string()),
    });
}

/// Parse and verify bitcode. `name` names the input in error messages.
pub fn load_bitcode(bytes: &[u8], name: &str) -> Result<Loaded, String> {
    if bytes.len() < 4 || !(bytes.starts_with(b"BC\xC0\xDE") || bytes.starts_with(&[0xDE, 0xC0, 0x17, 0x0B])) {
        return Err(format!("{name}: not LLVM bitcode (bad magic)"));
    }
    let ctx = Context::create();
    // SAFETY: a live context; a handler with the required signature and no state.
    unsafe { c::LLVMContextSetDiagnosticHandler(ctx.raw(), Some(ignore_diagnostic), std::ptr::null_mut()) };
    let buf = MemoryBuffer::create_from_memory_range_copy(bytes, name);
    let mut job = ParseJob { buf: &buf, ctx: &ctx, result: None };
    // SAFETY: `parse_job` holds nothing droppable across LLVM's reader; if LLVM gives up, the
    // context and buffer it was using are leaked below and never touched again.
    let guarded = unsafe { super::guard::guarded(parse_job, (&raw mut job).cast()) };
    if let Err(reason) = guarded {
        std::mem::forget(buf);
        std::mem::forget(ctx);
        return Err(format!("{name}: malformed bitcode: LLVM's reader gave up ({reason})"));
    }
    let module = match job.result.take() {
        Some(Ok(m)) => m,
        Some(Err(e)) => return Err(format!("{name}: malformed bitcode: {}", e.trim())),
        None => return Err(format!("{name}: malformed bitcode")),
    };
    let loaded = Loaded { ctx: ctx.raw(), module };
    // From here `loaded` disposes of the context; inkwell must not.
    std::mem::forget(ctx);
    loaded.verify(name)?;
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
            return Err(format!("{name}: target '{triple}' is not x86_64; irvm runs x86_64 bitcode only"));
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
    pub fn layout(&self) -> Layout {
        // SAFETY: live module; the layout is owned by the module.
        Layout(unsafe { llvm_sys::target::LLVMGetModuleDataLayout(self.module) })
    }

    /// Every function (definitions and declarations), in module order.
    pub fn functions(&self) -> Vec<Val> {
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
    pub fn globals(&self) -> Vec<Val> {
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

    /// Every global alias, in module order.
    pub fn aliases(&self) -> Vec<Val> {
        let mut v = Vec::new();
        // SAFETY: walking the live module's alias list.
        unsafe {
            let mut g = c::LLVMGetFirstGlobalAlias(self.module);
            while !g.is_null() {
                v.push(Val(g));
                g = c::LLVMGetNextGlobalAlias(g);
            }
        }
        v
    }
}
