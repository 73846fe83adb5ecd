//! The state store: where BareFlow keeps what it learnt across boots. One fixed-size
//! store — the raw state disk `/dev/state` in the unikernel, `DIR/state.img` in userspace — holds
//! two slots; a save writes the older slot (payload first, header last, then fsync), so a power
//! cut mid-write leaves the newer snapshot readable. See docs/state.md for the byte format.

pub mod codec;
pub mod content;
pub mod store;

pub use codec::Snapshot;
pub use store::Store;
