//! Link the appliance like the kernel (linker.ld, static, no start files, glibc shadowed) and
//! add the application's object files: `BAREFLOW_APP_OBJECTS` (colon-separated paths), given by
//! tools/mkappliance. Without it the build stops with an error naming the variable. A C++
//! program's runtime comes from gcc's static libstdc++ and libgcc_eh, as in the kernel.

use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-env-changed=BAREFLOW_APP_OBJECTS");
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets it")).join("..");
    println!("cargo:rerun-if-changed={}", root.join("boot/link.rs").display());
    let objects = std::env::var("BAREFLOW_APP_OBJECTS").unwrap_or_default();
    if objects.is_empty() {
        panic!("appliance: BAREFLOW_APP_OBJECTS is not set (build it with tools/mkappliance or `make appliance`)");
    }
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("no-glibc");
    kernel_link(&root, &out, &["c", "m", "rt", "pthread", "dl", "util", "gcc_s"], None);
    for obj in objects.split(':').filter(|s| !s.is_empty()) {
        println!("cargo:rerun-if-changed={obj}");
        println!("cargo:rustc-link-arg-bins={obj}");
    }
    // The C++ runtime of a C++ program (static libstdc++.a with libsupc++; the kernel's, see
    // core-libc/build.rs), running on core-libc; a C program takes nothing from it. No std here:
    // the unwinder (referenced by the prebuilt `alloc`, and by C++ code) and compiler helpers.
    // By file name: rustc ends its own libraries with -Bdynamic, after which -lstdc++ would find
    // the shared library and leave every C++ symbol to a dynamic loader there is none of.
    println!("cargo:rustc-link-arg-bins=-l:libstdc++.a");
    println!("cargo:rustc-link-arg-bins=-lgcc_eh");
    println!("cargo:rustc-link-arg-bins=-lgcc");
}

include!("../boot/link.rs");
