//! Boot path (issue A). Being written.
#![no_std]
