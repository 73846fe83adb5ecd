//! Kernel build: core-rt is linked in and provides the libc ABI. Being written.

pub fn init() {}

pub fn exit(code: i32) -> ! {
    std::process::exit(code)
}
