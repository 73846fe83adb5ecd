//! Link the appliance like the kernel (linker.ld, static, no start files, glibc shadowed) and
//! add the application's object files: `BAREFLOW_APP_OBJECTS` (colon-separated paths), given by
//! tools/mkappliance. Without it the build stops with an error naming the variable.

use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-env-changed=BAREFLOW_APP_OBJECTS");
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets it")).join("..");
    println!("cargo:rerun-if-changed={}", root.join("linker.ld").display());
    let objects = std::env::var("BAREFLOW_APP_OBJECTS").unwrap_or_default();
    if objects.is_empty() {
        panic!("appliance: BAREFLOW_APP_OBJECTS is not set (build it with tools/mkappliance or `make appliance`)");
    }
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("no-glibc");
    std::fs::create_dir_all(&out).expect("create OUT_DIR/no-glibc");
    for lib in ["c", "m", "rt", "pthread", "dl", "util", "gcc_s"] {
        std::fs::write(out.join(format!("lib{lib}.a")), b"!<arch>\n").expect("write empty archive");
    }
    println!("cargo:rustc-link-search=native={}", out.display());
    for obj in objects.split(':').filter(|s| !s.is_empty()) {
        println!("cargo:rerun-if-changed={obj}");
        println!("cargo:rustc-link-arg-bins={obj}");
    }
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
        "-lgcc_eh".to_string(),
        "-lgcc".to_string(),
    ] {
        println!("cargo:rustc-link-arg-bins={arg}");
    }
}
