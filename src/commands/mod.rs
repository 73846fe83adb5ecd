//! The driver's subcommands: the small ones, one module each; `run` (`crate::run`) and `aot`
//! (`crate::aot`) have folders of their own. Commands that need LLVM say so in a build without it.

pub mod demo;
mod demo_threads;
pub mod report;
pub mod snapshot;

/// `bareflow run`: interpret / tier LLVM bitcode (irvm + orc-bridge).
#[cfg(feature = "llvm")]
pub fn run(args: &[String]) -> i32 {
    crate::run::main(args)
}

/// `bareflow run` in a build without LLVM: say so.
#[cfg(not(feature = "llvm"))]
pub fn run(_args: &[String]) -> i32 {
    eprintln!("bareflow: 'run' is not available in this build (built without the `llvm` feature)");
    2
}

/// `bareflow aot`: the converged snapshot's program, ahead of time (one object).
#[cfg(feature = "llvm")]
pub fn aot(args: &[String]) -> i32 {
    crate::aot::main(args)
}

/// `bareflow aot` in a build without LLVM: say so.
#[cfg(not(feature = "llvm"))]
pub fn aot(_args: &[String]) -> i32 {
    eprintln!("bareflow: 'aot' is not available in this build (built without the `llvm` feature)");
    2
}

/// `bareflow orc-selftest`: the LLVM ORC JIT compiles and runs a function at O0 and O3.
#[cfg(feature = "llvm")]
pub fn orc_selftest(args: &[String]) -> i32 {
    if let Some(a) = args.first() {
        eprintln!("bareflow orc-selftest: unexpected argument '{a}'");
        return 2;
    }
    match orc_bridge::selftest::run(orc_bridge::selftest::BITCODE) {
        Ok(report) => {
            println!("{report}");
            if report.ok() { 0 } else { 1 }
        }
        Err(e) => {
            eprintln!("bareflow orc-selftest: {e}");
            1
        }
    }
}

/// `bareflow orc-selftest` in a build without LLVM.
#[cfg(not(feature = "llvm"))]
pub fn orc_selftest(_args: &[String]) -> i32 {
    eprintln!("bareflow: 'orc-selftest' is not available in this build (built without the `llvm` feature)");
    2
}
