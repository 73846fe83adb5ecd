//! The appliance: a kernel with no Rust std program in it. core-rt boots the machine, provides
//! the allocator and the panic handler and calls the application's own C `main`, which comes
//! from the AOT-compiled object files linked in (see build.rs and tools/mkappliance); core-libc
//! is its C library.
#![no_std]
#![no_main]

use bareflow_boot as _;
use core_libc as _;
use core_rt as _;
