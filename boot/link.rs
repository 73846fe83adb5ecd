// Shared by the build scripts of the kernel (`bareflow`, feature `baremetal`) and the appliance,
// through `include!`: the link of a BareFlow kernel image. Not a module of the boot crate.

/// Make `<out>` hold empty stand-ins for `libs` (so `-l<lib>` resolves to nothing) and emit the
/// link arguments of a kernel: static, non-PIE, no C start files, laid out by linker.ld, entry
/// kept, eh_frame_hdr for the unwinder, a link map at `map` when given.
fn kernel_link(root: &std::path::Path, out: &std::path::Path, libs: &[&str], map: Option<&std::path::Path>) {
    std::fs::create_dir_all(out).expect("create the no-glibc directory");
    for lib in libs {
        // An empty `ar` archive is just its magic line.
        std::fs::write(out.join(format!("lib{lib}.a")), b"!<arch>\n").expect("write empty archive");
    }
    println!("cargo:rerun-if-changed={}", root.join("linker.ld").display());
    println!("cargo:rustc-link-search=native={}", out.display());
    let mut args = vec![
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
        // Identical code folding (rustc links with its own lld): functions whose code and
        // relocations are equal share one copy, unless their address is taken (`safe`: objects'
        // address-significance tables). docs/performance.md "Kernel image sizes".
        "-Wl,--icf=safe".to_string(),
    ];
    if let Some(m) = map {
        args.push(format!("-Wl,-Map={}", m.display()));
    }
    for arg in args {
        println!("cargo:rustc-link-arg-bins={arg}");
    }
}
