//! Two-slot, crash-safe storage of snapshots in one fixed-size file (a raw disk or a regular file).
//!
//! Slot `i` starts at `i * slot_size` (`slot_size` = half the store, a multiple of 4096). Its first
//! 4 KiB is the header, the payload follows:
//! `"BFSTATE1"`, u64 generation, u64 payload length, u32 payload CRC-32, u32 CRC-32 of the 28
//! bytes before it. A save goes to the slot that does not hold the newest valid snapshot: header
//! zeroed, fsync, payload, fsync, header, fsync. Loading takes the valid slot with the highest
//! generation. A pacing hook ([`Store::pace_saves`]), which only the crash test's writer sets,
//! stretches a save so that a kill can be aimed inside it.

use crate::codec::{Snapshot, SnapshotError};
use std::fmt;
use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

const MAGIC: &[u8; 8] = b"BFSTATE1";
const HEADER: u64 = 4096;
const HEADER_LEN: usize = 32;
/// Size of `state.img` created in userspace mode (sparse on the host).
pub const DEFAULT_SIZE: u64 = 64 << 20;

/// What went wrong, always naming the store.
#[derive(Debug)]
pub enum StoreError {
    Io { path: PathBuf, what: &'static str, err: std::io::Error },
    TooSmall { path: PathBuf, size: u64 },
    TooLarge { path: PathBuf, payload: u64, room: u64 },
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreError::Io { path, what, err } => write!(f, "state store {}: {what}: {err}", path.display()),
            StoreError::TooSmall { path, size } => {
                write!(f, "state store {}: {size} bytes is too small (need at least 64 KiB)", path.display())
            }
            StoreError::TooLarge { path, payload, room } => {
                write!(
                    f,
                    "state store {}: snapshot of {payload} bytes does not fit in a slot of {room} bytes",
                    path.display()
                )
            }
        }
    }
}

impl std::error::Error for StoreError {}

/// The state of one slot when loading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SlotState {
    Empty,
    Valid { generation: u64, len: u64 },
    Corrupt(String),
}

/// What loading found.
#[derive(Debug)]
pub struct Loaded {
    /// The newest valid snapshot and its generation, if any.
    pub snapshot: Option<(u64, Snapshot)>,
    pub slots: [SlotState; 2],
}

/// Bytes of payload written between two calls of the pacing hook.
const PAYLOAD_CHUNK: usize = 64 << 10;

/// An open store.
pub struct Store {
    path: PathBuf,
    file: File,
    slot_size: u64,
    /// Called between the pieces a save writes ([`Store::pace_saves`]); None in normal runs.
    pace: Option<Box<dyn FnMut()>>,
}

fn header_bytes(generation: u64, len: u64, crc: u32) -> [u8; HEADER_LEN] {
    let mut h = [0u8; HEADER_LEN];
    h[..8].copy_from_slice(MAGIC);
    h[8..16].copy_from_slice(&generation.to_le_bytes());
    h[16..24].copy_from_slice(&len.to_le_bytes());
    h[24..28].copy_from_slice(&crc.to_le_bytes());
    let hc = crc32fast::hash(&h[..28]);
    h[28..32].copy_from_slice(&hc.to_le_bytes());
    h
}

impl Store {
    /// Open a fixed-size store (e.g. `/dev/state`).
    pub fn open_file(path: &Path) -> Result<Store, StoreError> {
        let io = |what, err| StoreError::Io { path: path.to_path_buf(), what, err };
        let file = OpenOptions::new().read(true).write(true).open(path).map_err(|e| io("cannot open", e))?;
        let size = file.metadata().map_err(|e| io("cannot stat", e))?.len();
        let slot_size = (size / 2) & !4095;
        if slot_size < 32 * 1024 {
            return Err(StoreError::TooSmall { path: path.to_path_buf(), size });
        }
        Ok(Store { path: path.to_path_buf(), file, slot_size, pace: None })
    }

    /// Open `dir/state.img`, creating the directory and a [`DEFAULT_SIZE`] store if missing.
    pub fn open_dir(dir: &Path) -> Result<Store, StoreError> {
        let img = dir.join("state.img");
        if !img.exists() {
            let io = |what, err| StoreError::Io { path: img.clone(), what, err };
            std::fs::create_dir_all(dir).map_err(|e| io("cannot create its directory", e))?;
            let f = File::create(&img).map_err(|e| io("cannot create", e))?;
            f.set_len(DEFAULT_SIZE).map_err(|e| io("cannot size", e))?;
        }
        Store::open_file(&img)
    }

    /// The store's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Call `pause` between the pieces every later save writes: after the zeroed header, between
    /// payload chunks of 64 KiB, and before the header. A testing aid (`bareflow snapshot stress
    /// --slow-write`): it widens the window in which the slot being written is incomplete, so that
    /// a crash test can aim a kill at it. The order and contents of the writes do not change.
    pub fn pace_saves(&mut self, pause: impl FnMut() + 'static) {
        self.pace = Some(Box::new(pause));
    }

    fn pause(&mut self) {
        if let Some(p) = &mut self.pace {
            p();
        }
    }

    fn io(&self, what: &'static str) -> impl Fn(std::io::Error) -> StoreError + '_ {
        move |err| StoreError::Io { path: self.path.clone(), what, err }
    }

    fn read_at(&mut self, off: u64, buf: &mut [u8]) -> Result<(), StoreError> {
        self.file.seek(SeekFrom::Start(off)).map_err(self.io("seek"))?;
        let mut done = 0;
        while done < buf.len() {
            match self.file.read(&mut buf[done..]) {
                Ok(0) => {
                    buf[done..].fill(0);
                    break;
                }
                Ok(n) => done += n,
                Err(e) => return Err(self.io("read")(e)),
            }
        }
        Ok(())
    }

    fn write_at(&mut self, off: u64, buf: &[u8]) -> Result<(), StoreError> {
        self.file.seek(SeekFrom::Start(off)).map_err(self.io("seek"))?;
        self.file.write_all(buf).map_err(self.io("write"))
    }

    fn sync(&mut self) -> Result<(), StoreError> {
        self.file.sync_all().map_err(self.io("sync"))
    }

    fn slot(&mut self, i: u64) -> Result<(SlotState, Option<Snapshot>), StoreError> {
        let (generation, len, crc) = match self.header(i)? {
            Ok(h) => h,
            Err(state) => return Ok((state, None)),
        };
        if len > self.slot_size - HEADER {
            return Ok((SlotState::Corrupt(format!("payload length {len} larger than the slot")), None));
        }
        let mut payload = vec![0u8; len as usize];
        self.read_at(i * self.slot_size + HEADER, &mut payload)?;
        if crc32fast::hash(&payload) != crc {
            return Ok((SlotState::Corrupt("payload checksum mismatch (interrupted write?)".into()), None));
        }
        match Snapshot::decode(&payload) {
            Ok(s) => Ok((SlotState::Valid { generation, len }, Some(s))),
            Err(e @ SnapshotError::BadMagic) | Err(e) => Ok((SlotState::Corrupt(format!("payload: {e}")), None)),
        }
    }

    /// Slot `i`'s header: (generation, payload length, payload CRC-32), or what is wrong with it
    /// (empty, foreign, damaged). The payload is not read.
    fn header(&mut self, i: u64) -> Result<Result<(u64, u64, u32), SlotState>, StoreError> {
        let mut h = [0u8; HEADER_LEN];
        self.read_at(i * self.slot_size, &mut h)?;
        if h.iter().all(|&b| b == 0) {
            return Ok(Err(SlotState::Empty));
        }
        if &h[..8] != MAGIC {
            return Ok(Err(SlotState::Corrupt("bad magic (not a BareFlow state slot)".into())));
        }
        if u32::from_le_bytes(h[28..32].try_into().expect("4 bytes")) != crc32fast::hash(&h[..28]) {
            return Ok(Err(SlotState::Corrupt("header checksum mismatch".into())));
        }
        let word = |r: std::ops::Range<usize>| u64::from_le_bytes(h[r].try_into().expect("8 bytes"));
        Ok(Ok((word(8..16), word(16..24), u32::from_le_bytes(h[24..28].try_into().expect("4 bytes")))))
    }

    /// Read both slots and return the newest valid snapshot (or none).
    pub fn load(&mut self) -> Result<Loaded, StoreError> {
        let (a, sa) = self.slot(0)?;
        let (b, sb) = self.slot(1)?;
        let generation_of = |s: &SlotState| match s {
            SlotState::Valid { generation, .. } => Some(*generation),
            _ => None,
        };
        let snapshot = match (generation_of(&a), generation_of(&b)) {
            (Some(x), Some(y)) if y > x => sb.map(|s| (y, s)),
            (Some(x), _) => sa.map(|s| (x, s)),
            (None, Some(y)) => sb.map(|s| (y, s)),
            (None, None) => None,
        };
        Ok(Loaded { snapshot, slots: [a, b] })
    }

    /// The newest valid snapshot, reading only what that takes: both headers, then the payload
    /// of the newer slot, and the older one's only if the newer fails its checks. (A run needs
    /// no more; [`Store::load`] checks both slots, for reports.) The slot not read is reported
    /// as valid by its header.
    pub fn load_newest(&mut self) -> Result<Loaded, StoreError> {
        let state = |h: Result<(u64, u64, u32), SlotState>| {
            h.map_or_else(|s| s, |(generation, len, _)| SlotState::Valid { generation, len })
        };
        let mut slots = [state(self.header(0)?), state(self.header(1)?)];
        let generation =
            |s: &SlotState| if let SlotState::Valid { generation, .. } = s { Some(*generation) } else { None };
        let mut order: Vec<usize> = (0..2).filter(|&i| generation(&slots[i]).is_some()).collect();
        order.sort_by_key(|&i| std::cmp::Reverse(generation(&slots[i])));
        for i in order {
            let (state, snap) = self.slot(i as u64)?;
            slots[i] = state;
            if let (Some(g), Some(s)) = (generation(&slots[i]), snap) {
                return Ok(Loaded { snapshot: Some((g, s)), slots });
            }
        }
        Ok(Loaded { snapshot: None, slots })
    }

    /// Save `snap` as the next generation, into the slot that does not hold the newest valid
    /// snapshot. Returns the new generation.
    pub fn save(&mut self, snap: &Snapshot) -> Result<u64, StoreError> {
        let loaded = self.load()?;
        let (newest_slot, newest_gen) = match &loaded.slots {
            [SlotState::Valid { generation: x, .. }, SlotState::Valid { generation: y, .. }] if y > x => (Some(1), *y),
            [SlotState::Valid { generation: x, .. }, _] => (Some(0), *x),
            [_, SlotState::Valid { generation: y, .. }] => (Some(1), *y),
            _ => (None, 0),
        };
        let target = match newest_slot {
            Some(0) => 1,
            _ => 0,
        };
        let payload = snap.encode();
        let room = self.slot_size - HEADER;
        if payload.len() as u64 > room {
            return Err(StoreError::TooLarge { path: self.path.clone(), payload: payload.len() as u64, room });
        }
        let base = target * self.slot_size;
        // Invalidate the target's header first, so a cut during the payload write cannot leave a
        // header that describes a half-written payload with a matching length.
        self.write_at(base, &[0u8; HEADER_LEN])?;
        self.sync()?;
        for (i, chunk) in payload.chunks(PAYLOAD_CHUNK).enumerate() {
            self.pause();
            self.write_at(base + HEADER + (i * PAYLOAD_CHUNK) as u64, chunk)?;
        }
        self.sync()?;
        self.pause();
        let generation = newest_gen + 1;
        self.write_at(base, &header_bytes(generation, payload.len() as u64, crc32fast::hash(&payload)))?;
        self.sync()?;
        Ok(generation)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tmpdir(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("bf-store-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        d
    }

    /// Overwrite 64 bytes inside slot 1's payload (as a power cut in the middle of its write would).
    fn corrupt_slot_1(st: &Store, dir: &Path) {
        let mut f = OpenOptions::new().write(true).open(dir.join("state.img")).unwrap();
        f.seek(SeekFrom::Start(st.slot_size + HEADER + 100)).unwrap();
        f.write_all(&[0xAA; 64]).unwrap();
    }

    fn snap(tag: &str) -> Snapshot {
        let mut s = Snapshot::default();
        s.sections.insert("tag".into(), tag.as_bytes().to_vec());
        s.sections.insert("big".into(), vec![tag.len() as u8; 10_000]);
        s
    }

    #[test]
    fn alternates_slots_and_keeps_the_newest() {
        let d = tmpdir("alt");
        let mut st = Store::open_dir(&d).unwrap();
        assert!(st.load().unwrap().snapshot.is_none());
        assert_eq!(st.save(&snap("one")).unwrap(), 1);
        assert_eq!(st.save(&snap("two")).unwrap(), 2);
        assert_eq!(st.save(&snap("three")).unwrap(), 3);
        let l = st.load().unwrap();
        assert_eq!(l.snapshot.unwrap(), (3, snap("three")));
        assert!(matches!(l.slots, [SlotState::Valid { generation: 3, .. }, SlotState::Valid { generation: 2, .. }]));
        std::fs::remove_dir_all(d).unwrap();
    }

    #[test]
    fn a_torn_write_falls_back_to_the_previous_snapshot() {
        let d = tmpdir("torn");
        let mut st = Store::open_dir(&d).unwrap();
        st.save(&snap("good")).unwrap();
        st.save(&snap("newer")).unwrap(); // slot 1, generation 2
        corrupt_slot_1(&st, &d);
        let l = st.load().unwrap();
        assert_eq!(l.snapshot.unwrap(), (1, snap("good")));
        assert!(matches!(&l.slots[1], SlotState::Corrupt(m) if m.contains("payload checksum")));
        // The next save overwrites the corrupt slot, not the good one.
        assert_eq!(st.save(&snap("again")).unwrap(), 2);
        assert_eq!(st.load().unwrap().snapshot.unwrap(), (2, snap("again")));
        std::fs::remove_dir_all(d).unwrap();
    }

    #[test]
    fn load_newest_reads_the_older_slot_only_when_the_newer_fails() {
        let d = tmpdir("newest");
        let mut st = Store::open_dir(&d).unwrap();
        assert!(st.load_newest().unwrap().snapshot.is_none());
        st.save(&snap("good")).unwrap(); // slot 0, generation 1
        st.save(&snap("newer")).unwrap(); // slot 1, generation 2
        assert_eq!(st.load_newest().unwrap().snapshot.unwrap(), (2, snap("newer")));
        corrupt_slot_1(&st, &d);
        let l = st.load_newest().unwrap();
        assert_eq!(l.snapshot.unwrap(), (1, snap("good")));
        assert!(matches!(&l.slots[1], SlotState::Corrupt(m) if m.contains("payload checksum")));
        std::fs::remove_dir_all(d).unwrap();
    }

    #[test]
    fn the_pacing_hook_runs_between_the_pieces_of_a_save() {
        let d = tmpdir("pace");
        let mut st = Store::open_dir(&d).unwrap();
        let pauses = std::rc::Rc::new(std::cell::Cell::new(0));
        let seen = pauses.clone();
        st.pace_saves(move || seen.set(seen.get() + 1));
        let mut big = snap("paced");
        big.sections.insert("big".into(), vec![7; 3 * PAYLOAD_CHUNK - 100]);
        st.save(&big).unwrap();
        // Three payload chunks, then the header.
        assert_eq!(pauses.get(), 4);
        assert_eq!(st.load().unwrap().snapshot.unwrap(), (1, big));
        std::fs::remove_dir_all(d).unwrap();
    }

    #[test]
    fn foreign_or_tiny_stores_are_reported() {
        let d = tmpdir("foreign");
        std::fs::create_dir_all(&d).unwrap();
        let img = d.join("state.img");
        std::fs::write(&img, vec![0x55u8; 1 << 20]).unwrap();
        let mut st = Store::open_file(&img).unwrap();
        let l = st.load().unwrap();
        assert!(l.snapshot.is_none());
        assert!(matches!(&l.slots[0], SlotState::Corrupt(m) if m.contains("bad magic")));
        std::fs::write(&img, vec![0u8; 1000]).unwrap();
        let e = Store::open_file(&img).err().unwrap().to_string();
        assert!(e.contains("too small") && e.contains("state.img"), "{e}");
        std::fs::remove_dir_all(d).unwrap();
    }
}
