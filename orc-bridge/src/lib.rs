//! orc-bridge: LLVM ORC LLJIT wrapper (issue B). Not built yet.

/// LLVM version string of the linked LLVM (link check).
pub fn llvm_version() -> (u32, u32, u32) {
    inkwell::support::get_llvm_version()
}

#[cfg(test)]
mod tests {
    #[test]
    fn links_llvm_19() {
        assert_eq!(super::llvm_version().0, 19);
    }
}
