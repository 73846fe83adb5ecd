//! Memory management hardware: 4-level page tables with real permissions.

pub mod paging;

pub use paging::{PAGE_SIZE, Perm};
