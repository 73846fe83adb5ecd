//! Compiles the ORC self-test kernel (selftest/selftest.c) to LLVM bitcode with clang-19, so the
//! self-test embeds real clang output. `-O2 -Xclang -disable-llvm-passes`: unoptimized IR
//! without `optnone`, i.e. what the JIT tiers start from. Override the compiler with $CLANG.

use std::path::PathBuf;
use std::process::Command;

fn main() {
    let src = "selftest/selftest.c";
    println!("cargo:rerun-if-changed={src}");
    println!("cargo:rerun-if-env-changed=CLANG");
    let clang = std::env::var("CLANG").unwrap_or_else(|_| String::from("clang-19"));
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("selftest.bc");
    let status = Command::new(&clang)
        .args(["-O2", "-Xclang", "-disable-llvm-passes", "-target", "x86_64-unknown-linux-gnu"])
        .args(["-ffreestanding", "-fno-stack-protector", "-emit-llvm", "-c", src, "-o"])
        .arg(&out)
        .status();
    match status {
        Ok(s) if s.success() => {}
        Ok(s) => panic!("orc-bridge build: {clang} failed on {src} ({s})"),
        Err(e) => panic!(
            "orc-bridge build: cannot run '{clang}' to compile {src}: {e} (install clang-19: make deps, or set CLANG)"
        ),
    }
}
