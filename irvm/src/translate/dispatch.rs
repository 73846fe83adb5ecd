//! The opcode switch of pass 2: which lowering handles each LLVM instruction.

use super::Fx;
use super::arith::ibin_of;
use crate::isa::{FBin, FUn};
use crate::llvm::Val;
use llvm_sys::LLVMOpcode as O;

impl Fx<'_> {
    /// Lower one instruction.
    pub(super) fn emit(&mut self, i: Val) -> Result<(), String> {
        if self.alias.contains_key(&i) {
            return Ok(());
        }
        if self.emit_mem_fma(i).map_err(|e| format!("{e} in '{}'", i.to_text()))? {
            return Ok(());
        }
        let op = i.opcode();
        let r = match op {
            O::LLVMRet => self.emit_ret(i),
            O::LLVMBr => self.emit_br(i),
            O::LLVMSwitch => self.emit_switch(i),
            O::LLVMIndirectBr => self.emit_indirectbr(i),
            O::LLVMUnreachable => {
                self.emit_unreachable();
                Ok(())
            }
            O::LLVMAdd
            | O::LLVMSub
            | O::LLVMMul
            | O::LLVMUDiv
            | O::LLVMSDiv
            | O::LLVMURem
            | O::LLVMSRem
            | O::LLVMShl
            | O::LLVMLShr
            | O::LLVMAShr
            | O::LLVMAnd
            | O::LLVMOr
            | O::LLVMXor => self.emit_int_bin(i, ibin_of(op).expect("integer opcode")),
            O::LLVMFAdd => self.emit_float_bin(i, FBin::Add),
            O::LLVMFSub => self.emit_float_bin(i, FBin::Sub),
            O::LLVMFMul => self.emit_float_bin(i, FBin::Mul),
            O::LLVMFDiv => self.emit_float_bin(i, FBin::Div),
            O::LLVMFRem => self.emit_float_bin(i, FBin::Rem),
            O::LLVMFNeg => self.emit_float_un(i, FUn::Neg),
            O::LLVMICmp => self.emit_icmp(i),
            O::LLVMFCmp => self.emit_fcmp(i),
            O::LLVMTrunc | O::LLVMZExt => self.emit_resize(i, false),
            O::LLVMSExt => self.emit_resize(i, true),
            O::LLVMFPToUI | O::LLVMFPToSI | O::LLVMUIToFP | O::LLVMSIToFP | O::LLVMFPTrunc | O::LLVMFPExt => {
                self.emit_conv(i, op)
            }
            O::LLVMPtrToInt | O::LLVMIntToPtr | O::LLVMBitCast => self.emit_bitcast(i),
            O::LLVMSelect => self.emit_select(i),
            O::LLVMLoad => self.emit_load(i),
            O::LLVMStore => self.emit_store(i),
            O::LLVMGetElementPtr => self.emit_gep(i),
            O::LLVMAlloca => self.emit_alloca(i),
            O::LLVMCall => self.emit_call(i),
            O::LLVMExtractElement => self.emit_extractelement(i),
            O::LLVMInsertElement => self.emit_insertelement(i),
            O::LLVMShuffleVector => self.emit_shuffle(i),
            O::LLVMExtractValue => self.emit_extractvalue(i),
            O::LLVMInsertValue => self.emit_insertvalue(i),
            O::LLVMFence => Ok(()),
            O::LLVMAtomicRMW => self.emit_atomicrmw(i),
            O::LLVMAtomicCmpXchg => self.emit_cmpxchg(i),
            _ => return Err(format!("unsupported instruction '{}'", opcode_name(op))),
        };
        r.map_err(|e| format!("{e} in '{}'", i.to_text()))
    }
}

/// LLVM's name of an opcode (for error messages).
pub(crate) fn opcode_name(op: O) -> &'static str {
    match op {
        O::LLVMIndirectBr => "indirectbr",
        O::LLVMInvoke => "invoke",
        O::LLVMCallBr => "callbr",
        O::LLVMVAArg => "va_arg",
        O::LLVMResume => "resume",
        O::LLVMLandingPad => "landingpad",
        O::LLVMCleanupRet => "cleanupret",
        O::LLVMCatchRet => "catchret",
        O::LLVMCatchPad => "catchpad",
        O::LLVMCleanupPad => "cleanuppad",
        O::LLVMCatchSwitch => "catchswitch",
        O::LLVMPHI => "phi",
        O::LLVMAddrSpaceCast => "addrspacecast",
        O::LLVMFreeze => "freeze",
        O::LLVMUserOp1 | O::LLVMUserOp2 => "userop",
        _ => "?",
    }
}
