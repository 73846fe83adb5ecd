//! `Val`: a copyable handle on an LLVM value (instruction, argument, constant, global, block), with
//! the accessors the translator and the constant evaluator need.

use super::Ty;
use llvm_sys::LLVMOpcode;
use llvm_sys::LLVMValueKind as VK;
use llvm_sys::core as c;
use llvm_sys::prelude::LLVMValueRef;

/// An LLVM value of the loaded module. Valid while the module's `Loaded` lives.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub(crate) struct Val(pub(crate) LLVMValueRef);

/// What a value is, as far as irvm cares.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum ValKind {
    Argument,
    BasicBlock,
    Function,
    GlobalAlias,
    GlobalVariable,
    ConstExpr,
    ConstArray,
    ConstStruct,
    ConstVector,
    Undef,
    Poison,
    ZeroAggregate,
    ConstDataArray,
    ConstDataVector,
    ConstInt,
    ConstFp,
    NullPtr,
    Instruction,
    InlineAsm,
    Metadata,
    /// Block addresses, ifuncs, token none, ptrauth, ...
    Other,
}

impl Val {
    pub(crate) fn kind(self) -> ValKind {
        // SAFETY: a live value handle (see `Val`).
        match unsafe { c::LLVMGetValueKind(self.0) } {
            VK::LLVMArgumentValueKind => ValKind::Argument,
            VK::LLVMBasicBlockValueKind => ValKind::BasicBlock,
            VK::LLVMFunctionValueKind => ValKind::Function,
            VK::LLVMGlobalAliasValueKind => ValKind::GlobalAlias,
            VK::LLVMGlobalVariableValueKind => ValKind::GlobalVariable,
            VK::LLVMConstantExprValueKind => ValKind::ConstExpr,
            VK::LLVMConstantArrayValueKind => ValKind::ConstArray,
            VK::LLVMConstantStructValueKind => ValKind::ConstStruct,
            VK::LLVMConstantVectorValueKind => ValKind::ConstVector,
            VK::LLVMUndefValueValueKind => ValKind::Undef,
            VK::LLVMPoisonValueKind => ValKind::Poison,
            VK::LLVMConstantAggregateZeroValueKind => ValKind::ZeroAggregate,
            VK::LLVMConstantDataArrayValueKind => ValKind::ConstDataArray,
            VK::LLVMConstantDataVectorValueKind => ValKind::ConstDataVector,
            VK::LLVMConstantIntValueKind => ValKind::ConstInt,
            VK::LLVMConstantFPValueKind => ValKind::ConstFp,
            VK::LLVMConstantPointerNullValueKind => ValKind::NullPtr,
            VK::LLVMInstructionValueKind => ValKind::Instruction,
            VK::LLVMInlineAsmValueKind => ValKind::InlineAsm,
            VK::LLVMMetadataAsValueValueKind => ValKind::Metadata,
            _ => ValKind::Other,
        }
    }

    pub(crate) fn ty(self) -> Ty {
        // SAFETY: live value.
        Ty(unsafe { c::LLVMTypeOf(self.0) })
    }

    /// The value's name ("" if unnamed).
    pub(crate) fn name(self) -> String {
        let mut len = 0usize;
        // SAFETY: live value; LLVM returns a pointer to `len` bytes it owns (not NUL-terminated).
        unsafe {
            let p = c::LLVMGetValueName2(self.0, &mut len);
            if p.is_null() {
                return String::new();
            }
            String::from_utf8_lossy(std::slice::from_raw_parts(p.cast::<u8>(), len)).into_owned()
        }
    }

    pub(crate) fn num_operands(self) -> u32 {
        // SAFETY: live value (a User; LLVM returns 0 or the count).
        let n = unsafe { c::LLVMGetNumOperands(self.0) };
        n.max(0) as u32
    }

    pub(crate) fn operand(self, i: u32) -> Val {
        // SAFETY: callers pass i < num_operands().
        Val(unsafe { c::LLVMGetOperand(self.0, i) })
    }

    pub(crate) fn opcode(self) -> LLVMOpcode {
        // SAFETY: callers ask instructions only.
        unsafe { c::LLVMGetInstructionOpcode(self.0) }
    }

    /// Opcode of a constant expression.
    pub(crate) fn const_opcode(self) -> LLVMOpcode {
        // SAFETY: callers ask constant expressions only.
        unsafe { c::LLVMGetConstOpcode(self.0) }
    }

    /// The instruction as LLVM prints it (for error messages), shortened to one line.
    pub(crate) fn to_text(self) -> String {
        // SAFETY: live value; LLVM returns an owned message.
        let s = unsafe { super::take_message(c::LLVMPrintValueToString(self.0)) };
        let s = s.trim();
        if s.len() > 120 { format!("{}...", &s[..s.floor_char_boundary(117)]) } else { s.to_string() }
    }

    /// Users of this value (one entry per use).
    pub(crate) fn users(self) -> Vec<Val> {
        let mut v = Vec::new();
        // SAFETY: walking the live value's use list.
        unsafe {
            let mut u = c::LLVMGetFirstUse(self.0);
            while !u.is_null() {
                v.push(Val(c::LLVMGetUser(u)));
                u = c::LLVMGetNextUse(u);
            }
        }
        v
    }

    // ---- functions, blocks, instructions ----

    pub(crate) fn is_declaration(self) -> bool {
        // SAFETY: global value.
        unsafe { c::LLVMIsDeclaration(self.0) != 0 }
    }

    /// A `thread_local` global variable: one copy per thread.
    pub(crate) fn is_thread_local(self) -> bool {
        // SAFETY: global variable.
        unsafe { c::LLVMIsThreadLocal(self.0) != 0 }
    }

    /// An undefined weak reference (`extern_weak`): null when nothing defines it.
    pub(crate) fn is_extern_weak(self) -> bool {
        // SAFETY: global value.
        unsafe { c::LLVMGetLinkage(self.0) == llvm_sys::LLVMLinkage::LLVMExternalWeakLinkage }
    }

    pub(crate) fn params(self) -> Vec<Val> {
        // SAFETY: function; indices below the parameter count.
        unsafe {
            let n = c::LLVMCountParams(self.0);
            (0..n).map(|i| Val(c::LLVMGetParam(self.0, i))).collect()
        }
    }

    /// Function type of a function (its value type).
    pub(crate) fn fn_type(self) -> Ty {
        // SAFETY: function.
        Ty(unsafe { c::LLVMGlobalGetValueType(self.0) })
    }

    /// Value type of a global variable.
    pub(crate) fn global_type(self) -> Ty {
        // SAFETY: global value.
        Ty(unsafe { c::LLVMGlobalGetValueType(self.0) })
    }

    pub(crate) fn initializer(self) -> Option<Val> {
        // SAFETY: global variable.
        let p = unsafe { c::LLVMGetInitializer(self.0) };
        (!p.is_null()).then_some(Val(p))
    }

    /// Alignment of a global, alloca, load or store (0 = unspecified).
    pub(crate) fn alignment(self) -> u64 {
        // SAFETY: callers ask globals/allocas/loads/stores.
        u64::from(unsafe { c::LLVMGetAlignment(self.0) })
    }

    pub(crate) fn aliasee(self) -> Val {
        // SAFETY: global alias.
        Val(unsafe { c::LLVMAliasGetAliasee(self.0) })
    }

    /// Basic blocks of a function, as block values, in layout order (a body not yet read from a
    /// lazily loaded module is read first).
    pub(crate) fn blocks(self) -> Vec<Val> {
        self.materialize();
        let mut v = Vec::new();
        // SAFETY: function with a body; walking LLVM's own block list.
        unsafe {
            let mut b = c::LLVMGetFirstBasicBlock(self.0);
            while !b.is_null() {
                v.push(Val(c::LLVMBasicBlockAsValue(b)));
                b = c::LLVMGetNextBasicBlock(b);
            }
        }
        v
    }

    /// Read this function's body if its module was loaded lazily and has not read it yet: a
    /// function with no blocks that is not a declaration is "materializable". LLVM-C has no
    /// direct call for this; running a function pass manager (empty here) materializes it.
    fn materialize(self) {
        // SAFETY: a function value; the pass manager is created for its own module, used once
        // and disposed. A body that cannot be read is a fatal LLVM error (lazy loading is only
        // used for bytes an eager load verified before).
        unsafe {
            if !c::LLVMGetFirstBasicBlock(self.0).is_null() || c::LLVMIsDeclaration(self.0) != 0 {
                return;
            }
            let fpm = c::LLVMCreateFunctionPassManagerForModule(c::LLVMGetGlobalParent(self.0));
            c::LLVMInitializeFunctionPassManager(fpm);
            c::LLVMRunFunctionPassManager(fpm, self.0);
            c::LLVMFinalizeFunctionPassManager(fpm);
            c::LLVMDisposePassManager(fpm);
        }
    }

    /// Instructions of a block value, in order.
    pub(crate) fn instructions(self) -> Vec<Val> {
        let mut v = Vec::new();
        // SAFETY: a block value; walking LLVM's own instruction list.
        unsafe {
            let bb = c::LLVMValueAsBasicBlock(self.0);
            let mut i = c::LLVMGetFirstInstruction(bb);
            while !i.is_null() {
                v.push(Val(i));
                i = c::LLVMGetNextInstruction(i);
            }
        }
        v
    }

    /// Block value an instruction belongs to.
    pub(crate) fn parent_block(self) -> Val {
        // SAFETY: an instruction inside a block.
        Val(unsafe { c::LLVMBasicBlockAsValue(c::LLVMGetInstructionParent(self.0)) })
    }

    pub(crate) fn icmp_pred(self) -> llvm_sys::LLVMIntPredicate {
        // SAFETY: icmp instruction or constant expression.
        unsafe { c::LLVMGetICmpPredicate(self.0) }
    }

    pub(crate) fn fcmp_pred(self) -> llvm_sys::LLVMRealPredicate {
        // SAFETY: fcmp instruction.
        unsafe { c::LLVMGetFCmpPredicate(self.0) }
    }

    /// Incoming (value, block value) pairs of a phi.
    pub(crate) fn incoming(self) -> Vec<(Val, Val)> {
        // SAFETY: phi node; indices below the incoming count.
        unsafe {
            let n = c::LLVMCountIncoming(self.0);
            (0..n)
                .map(|i| {
                    let b = c::LLVMGetIncomingBlock(self.0, i);
                    (Val(c::LLVMGetIncomingValue(self.0, i)), Val(c::LLVMBasicBlockAsValue(b)))
                })
                .collect()
        }
    }

    /// Called operand of a call.
    pub(crate) fn callee(self) -> Val {
        // SAFETY: call instruction.
        Val(unsafe { c::LLVMGetCalledValue(self.0) })
    }

    pub(crate) fn num_args(self) -> u32 {
        // SAFETY: call instruction.
        unsafe { c::LLVMGetNumArgOperands(self.0) }
    }

    /// Function type a call site uses.
    pub(crate) fn call_fn_type(self) -> Ty {
        // SAFETY: call instruction.
        Ty(unsafe { c::LLVMGetCalledFunctionType(self.0) })
    }

    pub(crate) fn allocated_type(self) -> Ty {
        // SAFETY: alloca.
        Ty(unsafe { c::LLVMGetAllocatedType(self.0) })
    }

    pub(crate) fn gep_source_type(self) -> Ty {
        // SAFETY: GEP instruction or constant expression.
        Ty(unsafe { c::LLVMGetGEPSourceElementType(self.0) })
    }

    /// Indices of extractvalue / insertvalue.
    pub(crate) fn agg_indices(self) -> Vec<u32> {
        // SAFETY: extractvalue/insertvalue; LLVM returns `n` indices it owns.
        unsafe {
            let n = c::LLVMGetNumIndices(self.0) as usize;
            let p = c::LLVMGetIndices(self.0);
            if n == 0 || p.is_null() { Vec::new() } else { std::slice::from_raw_parts(p, n).to_vec() }
        }
    }

    /// Mask of a shufflevector (-1 = undef lane).
    pub(crate) fn shuffle_mask(self) -> Vec<i32> {
        // SAFETY: shufflevector; indices below the mask length.
        unsafe {
            let n = c::LLVMGetNumMaskElements(self.0);
            (0..n).map(|i| c::LLVMGetMaskValue(self.0, i)).collect()
        }
    }

    pub(crate) fn rmw_op(self) -> llvm_sys::LLVMAtomicRMWBinOp {
        // SAFETY: atomicrmw.
        unsafe { c::LLVMGetAtomicRMWBinOp(self.0) }
    }

    /// Whether a floating-point instruction/call carries the `reassoc` fast-math flag.
    pub(crate) fn has_reassoc(self) -> bool {
        // SAFETY: live instruction; the flag query is only made on FP-capable values.
        unsafe {
            c::LLVMCanValueUseFastMathFlags(self.0) != 0
                && c::LLVMGetFastMathFlags(self.0) & llvm_sys::LLVMFastMathAllowReassoc != 0
        }
    }

    /// If this is a `blockaddress` constant: (function, block value).
    pub(crate) fn block_address(self) -> Option<(Val, Val)> {
        // SAFETY: live value; the accessors are valid on BlockAddress constants only.
        unsafe {
            if c::LLVMIsABlockAddress(self.0).is_null() {
                return None;
            }
            let f = c::LLVMGetBlockAddressFunction(self.0);
            let b = c::LLVMGetBlockAddressBasicBlock(self.0);
            Some((Val(f), Val(c::LLVMBasicBlockAsValue(b))))
        }
    }

    /// The `blockaddress` constant of `block` (a block value of function `f`): LLVM's uniqued
    /// constant, with the uses it has (created without any when the block's address is not taken).
    pub(crate) fn block_address_of(f: Val, block: Val) -> Val {
        // SAFETY: `f` is a function and `block` one of its blocks.
        Val(unsafe { c::LLVMBlockAddress(f.0, c::LLVMValueAsBasicBlock(block.0)) })
    }

    /// The function an instruction belongs to.
    pub(crate) fn parent_function(self) -> Val {
        // SAFETY: an instruction inside a block of a function.
        Val(unsafe { c::LLVMGetBasicBlockParent(c::LLVMGetInstructionParent(self.0)) })
    }

    /// Whether a global variable is `constant`.
    pub(crate) fn is_global_constant(self) -> bool {
        // SAFETY: a global variable.
        unsafe { c::LLVMIsGlobalConstant(self.0) != 0 }
    }

    /// Whether an `or` carries the `disjoint` flag (no common bits: it is an add).
    pub(crate) fn is_disjoint(self) -> bool {
        // SAFETY: live instruction; callers ask `or` instructions only.
        unsafe { c::LLVMGetIsDisjoint(self.0) != 0 }
    }

    // ---- constants ----

    /// Zero-extended value of an integer constant of at most 64 bits.
    pub(crate) fn const_u64(self) -> u64 {
        // SAFETY: ConstantInt.
        unsafe { c::LLVMConstIntGetZExtValue(self.0) }
    }

    /// Value of a floating-point constant, as a double (exact for float and double).
    pub(crate) fn const_f64(self) -> f64 {
        let mut loses = 0;
        // SAFETY: ConstantFP.
        unsafe { c::LLVMConstRealGetDouble(self.0, &mut loses) }
    }

    /// Element `i` of a constant aggregate / data sequential.
    pub(crate) fn const_elem(self, i: u32) -> Option<Val> {
        // SAFETY: constant; LLVM returns null if there is no such element.
        let p = unsafe { c::LLVMGetAggregateElement(self.0, i) };
        (!p.is_null()).then_some(Val(p))
    }

    /// Raw bytes of an i8 constant data array (a C string literal).
    pub(crate) fn const_string(self) -> Option<Vec<u8>> {
        // SAFETY: LLVMIsConstantString checks it is an i8 ConstantDataSequential before
        // LLVMGetAsString reads it; LLVM returns `len` bytes it owns.
        unsafe {
            if c::LLVMIsConstantString(self.0) == 0 {
                return None;
            }
            let mut len = 0usize;
            let p = c::LLVMGetAsString(self.0, &mut len);
            Some(std::slice::from_raw_parts(p.cast::<u8>(), len).to_vec())
        }
    }

    /// Look up an enum attribute (e.g. "byval") on call-site argument `arg` (0-based); for type
    /// attributes returns the attribute's type.
    pub(crate) fn call_arg_attr(self, arg: u32, name: &str) -> Option<Option<Ty>> {
        let kind = attr_kind(name);
        // SAFETY: call instruction; attribute index arg+1 names argument `arg`.
        let a = unsafe { c::LLVMGetCallSiteEnumAttribute(self.0, arg + 1, kind) };
        attr_value(a)
    }

    /// Look up an enum attribute on parameter `arg` (0-based) of a function.
    pub(crate) fn fn_param_attr(self, arg: u32, name: &str) -> Option<Option<Ty>> {
        let kind = attr_kind(name);
        // SAFETY: function; attribute index arg+1 names parameter `arg`.
        let a = unsafe { c::LLVMGetEnumAttributeAtIndex(self.0, arg + 1, kind) };
        attr_value(a)
    }
}

fn attr_kind(name: &str) -> u32 {
    // SAFETY: a plain byte string with its length.
    unsafe { c::LLVMGetEnumAttributeKindForName(name.as_ptr().cast(), name.len()) }
}

fn attr_value(a: llvm_sys::prelude::LLVMAttributeRef) -> Option<Option<Ty>> {
    if a.is_null() {
        return None;
    }
    // SAFETY: non-null attribute; type attributes carry a type, others do not.
    unsafe { if c::LLVMIsTypeAttribute(a) != 0 { Some(Some(Ty(c::LLVMGetTypeAttributeValue(a)))) } else { Some(None) } }
}
