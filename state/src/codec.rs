//! A snapshot's payload: named sections of bytes (a profile as JSON, compiled objects...), in a
//! self-describing, checksummed container.
//!
//! Layout (little-endian): `"BFSECT01"`, u32 section count, then per section: u16 name length,
//! name (UTF-8), u64 data length, data, u32 CRC-32 of name and data.

use std::collections::BTreeMap;
use std::fmt;

const MAGIC: &[u8; 8] = b"BFSECT01";

/// Named sections of bytes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Snapshot {
    pub sections: BTreeMap<String, Vec<u8>>,
}

/// Why a payload could not be decoded.
#[derive(Debug, PartialEq, Eq)]
pub enum SnapshotError {
    BadMagic,
    Truncated { at: usize },
    BadName { at: usize },
    BadChecksum { section: String },
    TrailingBytes { at: usize },
}

impl fmt::Display for SnapshotError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SnapshotError::BadMagic => write!(f, "not a snapshot payload (bad magic)"),
            SnapshotError::Truncated { at } => write!(f, "payload truncated at byte {at}"),
            SnapshotError::BadName { at } => write!(f, "section name at byte {at} is not UTF-8"),
            SnapshotError::BadChecksum { section } => write!(f, "section '{section}' fails its checksum"),
            SnapshotError::TrailingBytes { at } => write!(f, "unexpected bytes after the last section (byte {at})"),
        }
    }
}

impl std::error::Error for SnapshotError {}

struct Reader<'a> {
    data: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], SnapshotError> {
        let end =
            self.at.checked_add(n).filter(|&e| e <= self.data.len()).ok_or(SnapshotError::Truncated { at: self.at })?;
        let s = &self.data[self.at..end];
        self.at = end;
        Ok(s)
    }

    fn u16(&mut self) -> Result<u16, SnapshotError> {
        Ok(u16::from_le_bytes(self.take(2)?.try_into().expect("2 bytes")))
    }

    fn u32(&mut self) -> Result<u32, SnapshotError> {
        Ok(u32::from_le_bytes(self.take(4)?.try_into().expect("4 bytes")))
    }

    fn u64(&mut self) -> Result<u64, SnapshotError> {
        Ok(u64::from_le_bytes(self.take(8)?.try_into().expect("8 bytes")))
    }
}

fn section_crc(name: &[u8], data: &[u8]) -> u32 {
    let mut h = crc32fast::Hasher::new();
    h.update(name);
    h.update(data);
    h.finalize()
}

impl Snapshot {
    /// Encode into the container format.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(16 + self.sections.values().map(|v| v.len() + 64).sum::<usize>());
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&(self.sections.len() as u32).to_le_bytes());
        for (name, data) in &self.sections {
            out.extend_from_slice(&(name.len() as u16).to_le_bytes());
            out.extend_from_slice(name.as_bytes());
            out.extend_from_slice(&(data.len() as u64).to_le_bytes());
            out.extend_from_slice(data);
            out.extend_from_slice(&section_crc(name.as_bytes(), data).to_le_bytes());
        }
        out
    }

    /// Decode, checking every section's checksum.
    pub fn decode(data: &[u8]) -> Result<Snapshot, SnapshotError> {
        let mut r = Reader { data, at: 0 };
        if r.take(8).map_err(|_| SnapshotError::BadMagic)? != MAGIC {
            return Err(SnapshotError::BadMagic);
        }
        let n = r.u32()?;
        let mut sections = BTreeMap::new();
        for _ in 0..n {
            let len = r.u16()? as usize;
            let at = r.at;
            let name = std::str::from_utf8(r.take(len)?).map_err(|_| SnapshotError::BadName { at })?.to_string();
            let dlen = usize::try_from(r.u64()?).map_err(|_| SnapshotError::Truncated { at: r.at })?;
            let body = r.take(dlen)?.to_vec();
            if r.u32()? != section_crc(name.as_bytes(), &body) {
                return Err(SnapshotError::BadChecksum { section: name });
            }
            sections.insert(name, body);
        }
        if r.at != data.len() {
            return Err(SnapshotError::TrailingBytes { at: r.at });
        }
        Ok(Snapshot { sections })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Snapshot {
        let mut s = Snapshot::default();
        s.sections.insert("profile.json".into(), br#"{"boots":3}"#.to_vec());
        s.sections.insert("obj/forward/O3".into(), vec![0x7f, b'E', b'L', b'F', 0, 1, 2]);
        s.sections.insert("empty".into(), Vec::new());
        s
    }

    #[test]
    fn round_trip() {
        let s = sample();
        assert_eq!(Snapshot::decode(&s.encode()).unwrap(), s);
        assert_eq!(Snapshot::decode(&Snapshot::default().encode()).unwrap(), Snapshot::default());
    }

    #[test]
    fn every_truncation_and_every_byte_flip_is_detected() {
        let bytes = sample().encode();
        for cut in 0..bytes.len() {
            assert!(Snapshot::decode(&bytes[..cut]).is_err(), "truncation at {cut} accepted");
        }
        for i in 0..bytes.len() {
            let mut b = bytes.clone();
            b[i] ^= 0x40;
            // A flipped byte may still decode only if it produced an identical snapshot, which
            // cannot happen: names, lengths, data and CRCs are all covered.
            if let Ok(s) = Snapshot::decode(&b) {
                assert_ne!(s, sample(), "flip at {i} went unnoticed");
                panic!("flip at {i} decoded as a different snapshot: {s:?}");
            }
        }
    }
}
