//! `Ty`: a copyable handle on an LLVM type, with the few questions irvm asks of types.

use llvm_sys::LLVMTypeKind as K;
use llvm_sys::core as c;
use llvm_sys::prelude::LLVMTypeRef;

/// An LLVM type of the loaded module. Valid while the module's `Loaded` lives.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub(crate) struct Ty(pub(crate) LLVMTypeRef);

/// The kinds of types irvm distinguishes.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum TyKind {
    Void,
    Int(u32),
    Half,
    X86Fp80,
    Float,
    Double,
    Ptr,
    Vector,
    Array,
    Struct,
    Function,
    Label,
    Metadata,
    Token,
    /// Anything irvm does not model (x86_fp80, fp128, half, scalable vectors, ...).
    Other,
}

impl Ty {
    /// The opaque pointer type (address space 0) of this type's context.
    pub(crate) fn opaque_ptr(self) -> Ty {
        // SAFETY: a valid type has a context; the pointer type belongs to it.
        Ty(unsafe { llvm_sys::core::LLVMPointerTypeInContext(llvm_sys::core::LLVMGetTypeContext(self.0), 0) })
    }

    pub(crate) fn kind(self) -> TyKind {
        // SAFETY: a live type handle (see `Ty`).
        match unsafe { c::LLVMGetTypeKind(self.0) } {
            K::LLVMVoidTypeKind => TyKind::Void,
            // SAFETY: integer type, so the width query is valid.
            K::LLVMIntegerTypeKind => TyKind::Int(unsafe { c::LLVMGetIntTypeWidth(self.0) }),
            K::LLVMHalfTypeKind => TyKind::Half,
            K::LLVMX86_FP80TypeKind => TyKind::X86Fp80,
            K::LLVMFloatTypeKind => TyKind::Float,
            K::LLVMDoubleTypeKind => TyKind::Double,
            K::LLVMPointerTypeKind => TyKind::Ptr,
            K::LLVMVectorTypeKind => TyKind::Vector,
            K::LLVMArrayTypeKind => TyKind::Array,
            K::LLVMStructTypeKind => TyKind::Struct,
            K::LLVMFunctionTypeKind => TyKind::Function,
            K::LLVMLabelTypeKind => TyKind::Label,
            K::LLVMMetadataTypeKind => TyKind::Metadata,
            K::LLVMTokenTypeKind => TyKind::Token,
            _ => TyKind::Other,
        }
    }

    /// Element type of an array or vector.
    pub(crate) fn elem(self) -> Ty {
        // SAFETY: callers ask only arrays and vectors.
        Ty(unsafe { c::LLVMGetElementType(self.0) })
    }

    /// Number of elements of an array or vector (a type, not a container: no `is_empty`).
    #[allow(clippy::len_without_is_empty)]
    pub(crate) fn len(self) -> u64 {
        match self.kind() {
            // SAFETY: vector type.
            TyKind::Vector => u64::from(unsafe { c::LLVMGetVectorSize(self.0) }),
            // SAFETY: array type.
            TyKind::Array => unsafe { c::LLVMGetArrayLength2(self.0) },
            _ => 0,
        }
    }

    /// Field types of a struct.
    pub(crate) fn fields(self) -> Vec<Ty> {
        // SAFETY: struct type; every index is below the element count.
        unsafe {
            let n = c::LLVMCountStructElementTypes(self.0);
            (0..n).map(|i| Ty(c::LLVMStructGetTypeAtIndex(self.0, i))).collect()
        }
    }

    /// Return type of a function type.
    pub(crate) fn ret(self) -> Ty {
        // SAFETY: function type.
        Ty(unsafe { c::LLVMGetReturnType(self.0) })
    }

    /// Parameter types of a function type.
    pub(crate) fn params(self) -> Vec<Ty> {
        // SAFETY: function type; the buffer has room for every parameter.
        unsafe {
            let n = c::LLVMCountParamTypes(self.0) as usize;
            let mut v = vec![std::ptr::null_mut(); n];
            c::LLVMGetParamTypes(self.0, v.as_mut_ptr());
            v.into_iter().map(Ty).collect()
        }
    }

    /// Whether a function type is variadic.
    pub(crate) fn is_vararg(self) -> bool {
        // SAFETY: function type.
        unsafe { c::LLVMIsFunctionVarArg(self.0) != 0 }
    }

    /// The type as LLVM prints it (for error messages).
    pub(crate) fn to_text(self) -> String {
        // SAFETY: live type; LLVM returns an owned message.
        unsafe { super::take_message(c::LLVMPrintTypeToString(self.0)) }
    }
}
