//! x86-64: long mode entered by `boot/`, everything after the jump to `core_rt_boot` lives here.

pub mod acpi;
pub mod cpu;
pub mod interrupts;
pub mod machine;
pub mod mm;
pub mod start;
