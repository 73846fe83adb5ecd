//! `bareflow run [--tier interp|jit|auto] [--profile-out FILE] PROGRAM.bc [-- ARGS...]` (issue C).

/// Entry point of `bareflow run`; returns the process exit status.
pub fn main(_args: &[String]) -> i32 {
    eprintln!("bareflow run: not implemented yet (issue C)");
    2
}
