//! Runs the ORC self-test as a plain Linux program (the same code `bareflow orc-selftest` calls),
//! e.g. to measure the .text size an ORC program has with the system or the stripped LLVM:
//! `cargo run --release -p orc-bridge --example orc_selftest`.

use std::process::ExitCode;

fn main() -> ExitCode {
    match orc_bridge::selftest::run(orc_bridge::selftest::BITCODE) {
        Ok(report) => {
            println!("{report}");
            if report.ok() { ExitCode::SUCCESS } else { ExitCode::FAILURE }
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}
