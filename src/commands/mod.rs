//! The driver's subcommands, one module each.

pub mod demo;

#[cfg(feature = "llvm")]
pub mod run;

/// `bareflow run`: interpret / tier LLVM bitcode (irvm + orc-bridge).
#[cfg(feature = "llvm")]
pub fn run(args: &[String]) -> i32 {
    run::main(args)
}

/// `bareflow run` in a build without LLVM: say so.
#[cfg(not(feature = "llvm"))]
pub fn run(_args: &[String]) -> i32 {
    eprintln!("bareflow: 'run' is not available in this build (built without the `llvm` feature)");
    2
}
