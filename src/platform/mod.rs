//! The only code that differs between the Linux build and the kernel build.

#[cfg(feature = "baremetal")]
mod baremetal;
#[cfg(feature = "baremetal")]
pub use baremetal::*;

#[cfg(not(feature = "baremetal"))]
mod linux;
#[cfg(not(feature = "baremetal"))]
pub use linux::*;
