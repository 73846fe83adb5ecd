//! Kernel build (feature `baremetal`): link the `bareflow` binary as a static, non-PIE ELF laid
//! out by linker.ld, with no C start files and with empty stand-ins for glibc's archives
//! (libc.a, libm.a, libpthread.a...) so that the `-lc -lm ...` Rust std asks for resolve to
//! nothing and every libc symbol comes from core-libc. libgcc/libgcc_eh stay real. The symbols
//! interpreted and JIT code may call come from the symbol registry at run time (src/symbols/).
//! The Linux build (default) only keeps and exports dynamically LLVM's
//! `llvm_orc_registerJITLoaderGDBWrapper`, which ORC finds by dlsym to register JIT-compiled
//! objects with GDB (docs/orc-bridge.md, the GDB section).

use std::path::PathBuf;

/// glibc's archives, and the compression/XML/terminal libraries Debian's `llvm-config
/// --system-libs` names: the LLVM code that would call them is either never linked (gc'd) or
/// reaches core-rt's named stubs instead.
const SHADOWED: [&str; 14] =
    ["c", "m", "rt", "pthread", "dl", "util", "gcc_s", "z", "zstd", "xml2", "z3", "ffi", "tinfo", "edit"];

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=boot/link.rs");
    if std::env::var_os("CARGO_FEATURE_BAREMETAL").is_none() {
        if std::env::var_os("CARGO_FEATURE_LLVM").is_some() {
            // Only this symbol, not everything (-rdynamic would keep every exported function alive,
            // e.g. inkwell's initializers of targets a stripped X86-only LLVM does not have).
            println!("cargo:rustc-link-arg-bins=-Wl,--undefined=llvm_orc_registerJITLoaderGDBWrapper");
            println!("cargo:rustc-link-arg-bins=-Wl,--export-dynamic-symbol=llvm_orc_registerJITLoaderGDBWrapper");
        }
        return;
    }
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("no-glibc");
    // OUT_DIR = <target-dir>/<triple>/<profile>/build/<pkg>/out/no-glibc: the link map goes next to
    // the binary in <profile>/, where `make kernel` picks it up (the libc-ABI test reads it).
    let profile_dir = out.ancestors().nth(4).expect("OUT_DIR is inside the target dir").to_path_buf();
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    kernel_link(&root, &out, &SHADOWED, Some(&profile_dir.join("bareflow.map")));
    // llvm-sys asks for `-l dylib=stdc++` (its build script cannot see our crt-static). A linker
    // script named libstdc++.so, found in this directory first, turns that into the static archive.
    let cxx = std::process::Command::new("c++").arg("-print-file-name=libstdc++.a").output();
    match cxx {
        Ok(o) if o.status.success() => {
            let a = String::from_utf8_lossy(&o.stdout).trim().to_string();
            std::fs::write(out.join("libstdc++.so"), format!("/* static libstdc++ for the kernel */\nGROUP({a})\n"))
                .expect("write libstdc++.so linker script");
        }
        _ => println!("cargo:warning=c++ -print-file-name failed: libstdc++ may be linked dynamically"),
    }
}

include!("boot/link.rs");
