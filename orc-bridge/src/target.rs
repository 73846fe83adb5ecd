//! The code-generation target: X86 initialisation, the CPU found at run time (name + features,
//! overridable), and one `TargetMachine` per codegen level.

use std::ptr;

use llvm_sys::prelude::LLVMValueRef;
use llvm_sys::target::{LLVM_InitializeNativeAsmParser, LLVM_InitializeNativeAsmPrinter, LLVM_InitializeNativeTarget};
use llvm_sys::target_machine::{
    LLVMCodeGenOptLevel, LLVMCodeModel, LLVMCreateTargetMachine, LLVMDisposeTargetMachine, LLVMGetDefaultTargetTriple,
    LLVMGetHostCPUFeatures, LLVMGetHostCPUName, LLVMGetTargetFromTriple, LLVMRelocMode, LLVMTargetMachineRef,
    LLVMTargetRef,
};

use crate::OptLevel;
use crate::error::{Error, Result, cstring, take_message};

/// Which CPU the JIT generates code for. `None` fields mean "the CPU found at run time".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TargetConfig {
    /// Triple, e.g. `x86_64-unknown-linux-gnu` (default: LLVM's default triple, i.e. the host's).
    pub triple: Option<String>,
    /// CPU name, e.g. `skylake`, `x86-64` (default: LLVMGetHostCPUName).
    pub cpu: Option<String>,
    /// Feature string, e.g. `+avx2,+fma` (default: LLVMGetHostCPUFeatures).
    pub features: Option<String>,
}

/// The resolved target: what the code is compiled for (part of an object cache key of run snapshots).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetInfo {
    pub triple: String,
    pub cpu: String,
    pub features: String,
}

/// Initialise LLVM's native (X86) target, asm printer and asm parser once per process.
pub(crate) fn initialize() -> Result<()> {
    static INIT: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    let ok = *INIT.get_or_init(|| {
        crate::error::install_fatal_handler();
        // SAFETY: LLVM's target registration functions may be called at any time; OnceLock runs
        // them once. They return 1 when the native target is not compiled in.

        unsafe {
            LLVM_InitializeNativeTarget() == 0
                && LLVM_InitializeNativeAsmPrinter() == 0
                && LLVM_InitializeNativeAsmParser() == 0
        }
    });
    if ok { Ok(()) } else { Err(Error::Target("the native (X86) target is not built into this LLVM".into())) }
}

impl TargetInfo {
    /// Fill the unset fields of `config` from the machine we run on.
    pub fn resolve(config: &TargetConfig) -> Result<TargetInfo> {
        initialize()?;
        // SAFETY: these return strings LLVM allocated for us; take_message copies and frees them.
        let (host_triple, host_cpu, host_features) = unsafe {
            (
                take_message(LLVMGetDefaultTargetTriple()),
                take_message(LLVMGetHostCPUName()),
                take_message(LLVMGetHostCPUFeatures()),
            )
        };
        Ok(TargetInfo {
            triple: config.triple.clone().unwrap_or(host_triple),
            cpu: config.cpu.clone().unwrap_or(host_cpu),
            features: config.features.clone().unwrap_or(host_features),
        })
    }

    /// Create a target machine for this target at the codegen level for `level`. PIC + the small
    /// code model: JITLink reaches far host symbols through GOT entries and stubs.
    pub(crate) fn machine(&self, level: OptLevel) -> Result<TargetMachine> {
        let triple = cstring("target triple", &self.triple)?;
        let cpu = cstring("CPU name", &self.cpu)?;
        let features = cstring("CPU features", &self.features)?;
        let mut target: LLVMTargetRef = ptr::null_mut();
        let mut msg = ptr::null_mut();
        // SAFETY: valid C strings; `target` and `msg` are out-parameters LLVM fills.
        if unsafe { LLVMGetTargetFromTriple(triple.as_ptr(), &mut target, &mut msg) } != 0 {
            // SAFETY: on failure `msg` is an LLVM-allocated message we own.
            let why = unsafe { take_message(msg) };
            return Err(Error::Target(format!("target triple '{}': {why}", self.triple)));
        }
        let codegen = match level {
            OptLevel::O0 => LLVMCodeGenOptLevel::LLVMCodeGenLevelNone,
            OptLevel::O1 => LLVMCodeGenOptLevel::LLVMCodeGenLevelLess,
            // O3 is the O3 IR pipeline with the default code generator. On x86 the aggressive
            // level mostly differs in block placement, which tail-duplicates blocks of up to 4
            // instructions instead of 2: that copies the compare-and-branch of a data-dependent
            // branch into several places, and the copies' prediction then depends on where the
            // code lands (dp_count's inner loop, the same IR through llc-19: 175-275 ms with
            // -O3 over four block alignments, 69-76 ms with -O2; docs/performance.md).
            OptLevel::O2 | OptLevel::O3 => LLVMCodeGenOptLevel::LLVMCodeGenLevelDefault,
        };
        // SAFETY: `target` came from LLVMGetTargetFromTriple; the strings outlive the call.
        let tm = unsafe {
            LLVMCreateTargetMachine(
                target,
                triple.as_ptr(),
                cpu.as_ptr(),
                features.as_ptr(),
                codegen,
                LLVMRelocMode::LLVMRelocPIC,
                LLVMCodeModel::LLVMCodeModelSmall,
            )
        };
        if tm.is_null() {
            return Err(Error::Target(format!(
                "cannot create a target machine for '{}' cpu '{}'",
                self.triple, self.cpu
            )));
        }
        Ok(TargetMachine(tm))
    }
}

/// An owned `LLVMTargetMachineRef`.
pub(crate) struct TargetMachine(LLVMTargetMachineRef);

impl TargetMachine {
    pub(crate) fn raw(&self) -> LLVMTargetMachineRef {
        self.0
    }

    /// Whether the machine has vector registers wider than 128 bits (AVX and later).
    pub(crate) fn wide_vectors(&self) -> bool {
        // SAFETY: live target machine; LLVM returns a string the caller disposes of.
        let features = unsafe {
            let p = llvm_sys::target_machine::LLVMGetTargetMachineFeatureString(self.0);
            let s = std::ffi::CStr::from_ptr(p).to_string_lossy().into_owned();
            llvm_sys::core::LLVMDisposeMessage(p);
            s
        };
        features.split(',').any(|f| f == "+avx")
    }

    /// Give up ownership (for APIs that take it, such as the JIT target machine builder).
    pub(crate) fn into_raw(self) -> LLVMTargetMachineRef {
        let tm = self.0;
        std::mem::forget(self);
        tm
    }
}

impl Drop for TargetMachine {
    fn drop(&mut self) {
        // SAFETY: we own the target machine and nothing else refers to it after drop.
        unsafe { LLVMDisposeTargetMachine(self.0) }
    }
}

/// The LLVM version string of the linked LLVM, e.g. `19.1.7` (part of an object cache key).
pub fn llvm_version() -> String {
    let (mut major, mut minor, mut patch) = (0, 0, 0);
    // SAFETY: LLVMGetVersion only writes the three integers.
    unsafe { llvm_sys::core::LLVMGetVersion(&mut major, &mut minor, &mut patch) };
    format!("{major}.{minor}.{patch}")
}

/// Make every function of `m` compile for this CPU: clang writes the AOT target into each
/// function (`"target-cpu"="x86-64"`, `"target-features"="+cmov,+sse2,…"`, `"tune-cpu"`), and
/// those attributes win over the target machine's. The CPU and tuning become `cpu`; the features
/// become the host's `features` followed by the function's own (so a feature the source asked
/// for explicitly, e.g. `__attribute__((target("avx512f")))`, keeps its meaning, as in an AOT
/// build). Declarations are left alone.
pub(crate) fn retarget_functions(m: llvm_sys::prelude::LLVMModuleRef, cpu: &str, features: &str) {
    use crate::llvm::{function_attribute, set_function_attribute};
    for f in crate::llvm::functions(m) {
        if crate::llvm::is_declaration(f) {
            continue;
        }
        let key = "target-features";
        let own = function_attribute(f, key).unwrap_or_default();
        let merged = match (features.is_empty(), own.is_empty()) {
            (_, true) => features.to_string(),
            (true, false) => own,
            (false, false) => format!("{features},{own}"),
        };
        set_function_attribute(f, "target-cpu", cpu);
        set_function_attribute(f, "tune-cpu", cpu);
        if !merged.is_empty() {
            set_function_attribute(f, key, &merged);
        }
    }
}

/// The function attributes that decide what code a function compiles to: its CPU, tuning and
/// features, and the vector widths its code may use.
const CODEGEN_ATTRIBUTES: [&str; 5] =
    ["target-cpu", "tune-cpu", "target-features", "min-legal-vector-width", "prefer-vector-width"];

/// Give function `to`, made by a pass for code of function `from`, `from`'s code-generation
/// attributes. A function without `"min-legal-vector-width"` may need any vector width, and
/// inlining it into a caller drops the caller's own: the X86 backend then makes 512-bit
/// registers legal in the caller, against the 256-bit preference of this CPU's tuning
/// (app-tinyllama's `model_forward`, with a size-versioned `memcpy` pasted in, ran its dot
/// products in `zmm` registers, 0.8x of the native build in `bareflow aot`).
pub(crate) fn copy_codegen_attributes(from: LLVMValueRef, to: LLVMValueRef) {
    use crate::llvm::{function_attribute, set_function_attribute};
    for key in CODEGEN_ATTRIBUTES {
        if let Some(v) = function_attribute(from, key) {
            set_function_attribute(to, key, &v);
        }
    }
}

/// Replace every `llvm.fmuladd` call of `m` by `fmul` + `fadd`. Clang emits fmuladd for `a*b + c`
/// (-ffp-contract=on) and leaves the choice to the backend: for a CPU with FMA it becomes one
/// fused instruction, rounding once, for the generic x86-64 target two. irvm and an AOT build for
/// the generic target round twice; so must every tier, or a function's floating-point results
/// would change when it tiers up (compiling for the host CPU must not change what a program
/// prints).
pub(crate) fn unfuse_fmuladd(m: llvm_sys::prelude::LLVMModuleRef) {
    use llvm_sys::core::*;
    for f in crate::llvm::functions(m) {
        if !crate::llvm::name(f).starts_with("llvm.fmuladd.") {
            continue;
        }
        for (user, _) in crate::llvm::uses(f) {
            // SAFETY: `user` is a call of `llvm.fmuladd.*(a, b, c)` (its only use kind: an
            // intrinsic's address cannot be taken); the replacement has the same type; the call
            // is erased once unused.
            unsafe {
                if LLVMIsACallInst(user).is_null() || LLVMGetNumArgOperands(user) != 3 {
                    continue;
                }
                let b = LLVMCreateBuilderInContext(LLVMGetModuleContext(m));
                LLVMPositionBuilderBefore(b, user);
                let mul = LLVMBuildFMul(b, LLVMGetOperand(user, 0), LLVMGetOperand(user, 1), c"fmul".as_ptr());
                let add = LLVMBuildFAdd(b, mul, LLVMGetOperand(user, 2), c"fadd".as_ptr());
                LLVMDisposeBuilder(b);
                LLVMReplaceAllUsesWith(user, add);
                LLVMInstructionEraseFromParent(user);
            }
        }
    }
}
