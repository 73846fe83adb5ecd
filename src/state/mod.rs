//! The driver's side of the state store (crate `bareflow-state`: the codec and the two-slot
//! store): `content`, what a run snapshot's sections hold. Re-exports the store so commands name
//! one place.

pub mod content;

pub use bareflow_state::{Snapshot, Store, store};
