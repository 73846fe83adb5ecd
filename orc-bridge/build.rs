//! Builds what orc-bridge needs besides Rust:
//! - the ORC self-test kernel (selftest/selftest.c) and the module cut's test input
//!   (selftest/cut.c) as LLVM bitcode, compiled with clang-19 so the self-test embeds real clang output. `-O2 -Xclang -disable-llvm-passes`: unoptimized IR
//!   without `optnone`, i.e. what the JIT tiers start from. Override the compiler with $CLANG.
//! - the module cut (cxx/cut.cc, used by src/cut.rs), the inlining record (cxx/inlined.cc,
//!   src/inlined.rs) and the guarded unroll-and-jam with its pass runner (cxx/unrolljam.cc,
//!   cxx/passes.cc, src/unrolljam.rs) against the headers of the LLVM that llvm-sys links ($LLVM_SYS_191_PREFIX, as llvm-sys reads it): Debian's or the stripped one, in the
//!   Linux process and in the kernel alike. No exceptions, no RTTI; it calls only LLVM.

use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-env-changed=CLANG");
    bitcode("selftest/selftest.c", "selftest.bc");
    // The module cut's test input (src/extract_tests.rs).
    bitcode("selftest/cut.c", "cut.bc");
    module_cut();
}

/// Compile `src` to `OUT_DIR/out` as unoptimized bitcode.
fn bitcode(src: &str, out: &str) {
    println!("cargo:rerun-if-changed={src}");
    let clang = std::env::var("CLANG").unwrap_or_else(|_| String::from("clang-19"));
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join(out);
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

fn module_cut() {
    let srcs = ["cxx/cut.cc", "cxx/inlined.cc", "cxx/unrolljam.cc", "cxx/prefetch.cc", "cxx/passes.cc"];
    for src in srcs.iter().chain(&["cxx/unrolljam.h", "cxx/prefetch.h"]) {
        println!("cargo:rerun-if-changed={src}");
    }
    println!("cargo:rerun-if-env-changed=LLVM_SYS_191_PREFIX");
    let prefix = std::env::var("LLVM_SYS_191_PREFIX").unwrap_or_else(|_| String::from("/usr/lib/llvm-19"));
    let include = Path::new(&prefix).join("include");
    if !include.join("llvm/Transforms/Utils/Cloning.h").is_file() {
        panic!(
            "orc-bridge build: no LLVM headers in {} (LLVM_SYS_191_PREFIX={prefix}): install llvm-19-dev (make deps) or build the stripped LLVM (make llvm)",
            include.display()
        );
    }
    let mut cxx = cc::Build::new();
    if Command::new("clang++-19").arg("--version").output().is_ok_and(|o| o.status.success()) {
        cxx.compiler("clang++-19");
    }
    // llvm-sys links the C++ runtime LLVM needs (the kernel: the static one); nothing more here.
    cxx.cpp(true)
        .cpp_link_stdlib(None)
        .std("c++17")
        .flag("-fno-exceptions")
        .flag("-fno-rtti")
        .flag("-fno-stack-protector")
        .define("__STDC_CONSTANT_MACROS", None)
        .define("__STDC_FORMAT_MACROS", None)
        .define("__STDC_LIMIT_MACROS", None)
        // A system include: LLVM's headers are not held to this file's warnings.
        .flag("-isystem")
        .flag(include.to_str().expect("LLVM include path is UTF-8"))
        .opt_level(2)
        .warnings(true)
        .files(srcs)
        .compile("orc_bridge_cut");
}
