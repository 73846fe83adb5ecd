//! Kernel build (feature `baremetal`): link the `bareflow` binary as a static, non-PIE ELF laid
//! out by linker.ld, with no C start files and with empty stand-ins for glibc's archives
//! (libc.a, libm.a, libpthread.a...) so that the `-lc -lm ...` Rust std asks for resolve to
//! nothing and every libc symbol comes from core-rt. libgcc/libgcc_eh stay real.
//! The Linux build (default) needs nothing from here.

use std::path::PathBuf;

/// glibc's archives, and the compression/XML/terminal libraries Debian's `llvm-config
/// --system-libs` names: the LLVM code that would call them is either never linked (gc'd) or
/// reaches core-rt's named stubs instead.
const SHADOWED: [&str; 14] =
    ["c", "m", "rt", "pthread", "dl", "util", "gcc_s", "z", "zstd", "xml2", "z3", "ffi", "tinfo", "edit"];

fn main() {
    println!("cargo:rerun-if-changed=linker.ld");
    println!("cargo:rerun-if-changed=build.rs");
    if std::env::var_os("CARGO_FEATURE_BAREMETAL").is_none() {
        return;
    }
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("no-glibc");
    std::fs::create_dir_all(&out).expect("create OUT_DIR/no-glibc");
    for lib in SHADOWED {
        // An empty `ar` archive is just its magic line.
        std::fs::write(out.join(format!("lib{lib}.a")), b"!<arch>\n").expect("write empty archive");
    }
    // OUT_DIR = <target-dir>/<triple>/<profile>/build/<pkg>/out/no-glibc: the link map goes next to
    // the binary in <profile>/, where `make kernel` picks it up (the libc-ABI test reads it).
    let profile_dir = out.ancestors().nth(4).expect("OUT_DIR is inside the target dir").to_path_buf();
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
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    println!("cargo:rustc-link-search=native={}", out.display());
    for arg in [
        "-nostartfiles".to_string(),
        "-static".to_string(),
        "-no-pie".to_string(),
        format!("-Wl,-T,{}", root.join("linker.ld").display()),
        "-Wl,--undefined=mb2_start".to_string(),
        "-Wl,--eh-frame-hdr".to_string(),
        "-Wl,-z,norelro".to_string(),
        "-Wl,--build-id=none".to_string(),
        "-Wl,-z,max-page-size=4096".to_string(),
        "-Wl,-z,noexecstack".to_string(),
        format!("-Wl,-Map={}", profile_dir.join("bareflow.map").display()),
    ] {
        println!("cargo:rustc-link-arg-bins={arg}");
    }
}
