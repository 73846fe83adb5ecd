//! Files: boot modules as read-only files under `/boot/<name>` (a ustar archive module is
//! expanded into its members), gzip decoding for the ones shipped compressed, and the
//! file-descriptor table behind open/read/write/close.

pub mod bootfs;
pub mod fd;
pub mod gzip;
pub mod tar;
