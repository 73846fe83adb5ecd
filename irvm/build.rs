//! Compiles irvm's C++ piece (cxx/exceptions.cc) when the `cxx-exceptions` feature is on (the
//! Linux build and the kernel's): the `catch (...)` around native calls that keeps C++ exceptions
//! out of Rust frames. It links against libstdc++ (the host's shared one on Linux, the static
//! archive in the kernel, where core-libc registers the C++ runtime for programs too).

fn main() {
    println!("cargo:rerun-if-changed=cxx");
    if std::env::var_os("CARGO_FEATURE_CXX_EXCEPTIONS").is_none() {
        return;
    }
    let mut cxx = cc::Build::new();
    if std::process::Command::new("clang++-19").arg("--version").output().is_ok_and(|o| o.status.success()) {
        cxx.compiler("clang++-19");
    }
    cxx.cpp(true).std("c++17").opt_level(2).warnings(true).file("cxx/exceptions.cc").compile("irvm_exceptions");
}
