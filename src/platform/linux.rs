//! Linux process: glibc already did everything.

/// Nothing to set up on Linux.
pub fn init() {}

/// Leave with `code` as the process exit status.
pub fn exit(code: i32) -> ! {
    std::process::exit(code)
}

/// Boot milestones exist only on bare metal.
pub fn boot_mark(_what: &str) {}
