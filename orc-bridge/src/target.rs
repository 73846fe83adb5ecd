//! The code-generation target: X86 initialisation, the CPU found at run time (name + features,
//! overridable), and one `TargetMachine` per codegen level.

use std::ptr;

use llvm_sys::target::{
    LLVM_InitializeNativeAsmParser, LLVM_InitializeNativeAsmPrinter, LLVM_InitializeNativeTarget,
};
use llvm_sys::target_machine::{
    LLVMCodeGenOptLevel, LLVMCodeModel, LLVMCreateTargetMachine, LLVMDisposeTargetMachine,
    LLVMGetDefaultTargetTriple, LLVMGetHostCPUFeatures, LLVMGetHostCPUName,
    LLVMGetTargetFromTriple, LLVMRelocMode, LLVMTargetMachineRef, LLVMTargetRef,
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

/// The resolved target: what the code is compiled for (part of an object cache key, issue F).
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
    if ok {
        Ok(())
    } else {
        Err(Error::new(
            "the native (X86) target is not built into this LLVM",
        ))
    }
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

    /// Create a target machine for this target at the codegen level of `level`. PIC + the small
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
            return Err(Error::new(format!(
                "target triple '{}': {why}",
                self.triple
            )));
        }
        let codegen = match level {
            OptLevel::O0 => LLVMCodeGenOptLevel::LLVMCodeGenLevelNone,
            OptLevel::O1 => LLVMCodeGenOptLevel::LLVMCodeGenLevelLess,
            OptLevel::O2 => LLVMCodeGenOptLevel::LLVMCodeGenLevelDefault,
            OptLevel::O3 => LLVMCodeGenOptLevel::LLVMCodeGenLevelAggressive,
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
            return Err(Error::new(format!(
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
    let (major, minor, patch) = inkwell::support::get_llvm_version();
    format!("{major}.{minor}.{patch}")
}
