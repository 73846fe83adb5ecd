//! bareflow-state: where BareFlow keeps what it learnt across boots. One fixed-size store — the
//! raw state disk `/dev/state` in the unikernel, `DIR/state.img` in userspace — holds two slots
//! (`store`); each holds one snapshot, a checksummed container of named sections (`codec`). A
//! save writes the older slot (payload first, header last, with fsyncs), so a power cut mid-write
//! leaves the newer snapshot readable. `content` says what a run snapshot's sections hold
//! (profile, object cache, converged module; no LLVM, so every build can show a snapshot). The
//! byte format is in docs/state.md.

pub mod codec;
pub mod content;
pub mod memsizes;
pub mod store;

pub use codec::{Snapshot, SnapshotError};
pub use store::{Loaded, SlotState, Store, StoreError};
