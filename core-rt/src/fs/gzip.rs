//! gzip files (RFC 1952) for boot files shipped compressed (the symbol map): the member header,
//! miniz_oxide's raw-DEFLATE inflater writing into one buffer of the size the trailer states,
//! then the trailer's CRC-32 (crc32fast) and length. One member per file, as `gzip` writes it.

use alloc::vec::Vec;
use core::fmt;
use miniz_oxide::inflate::TINFLStatus;
use miniz_oxide::inflate::core::{DecompressorOxide, decompress, inflate_flags};

/// Header flags (FLG).
const FHCRC: u8 = 1 << 1;
const FEXTRA: u8 = 1 << 2;
const FNAME: u8 = 1 << 3;
const FCOMMENT: u8 = 1 << 4;
const FRESERVED: u8 = 0xe0;
/// The fixed header (ID1 ID2 CM FLG MTIME XFL OS) and the trailer (CRC32 ISIZE).
const HEADER: usize = 10;
const TRAILER: usize = 8;
/// DEFLATE expands at most about 1032:1 (a 258-byte match costs at least 2 bits).
const MAX_RATIO: u64 = 1032;

/// Why a gzip file could not be decoded.
#[derive(Debug, PartialEq, Eq)]
pub enum Error {
    /// The file ends inside the named part.
    Truncated(&'static str),
    /// The first two bytes are not 1f 8b.
    NotGzip,
    /// CM is not 8 (DEFLATE).
    Method(u8),
    /// FLG has reserved bits set.
    ReservedFlags(u8),
    /// The header's own CRC-16 (FHCRC) does not match.
    HeaderCrc,
    /// The trailer states more bytes than the compressed data can expand to.
    ImplausibleSize { stored: u32, compressed: usize },
    /// The output buffer could not be allocated.
    NoMemory(usize),
    /// The DEFLATE stream is invalid or ends early.
    Deflate(&'static str),
    /// The data inflates to a length other than the trailer's (`None`: more than it states).
    Length { stored: u32, actual: Option<usize> },
    /// The CRC-32 of the inflated data is not the trailer's.
    Crc { stored: u32, actual: u32 },
    /// Bytes after the first member (a second member or garbage).
    TrailingData(usize),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Truncated(part) => write!(f, "truncated gzip file (ends inside the {part})"),
            Error::NotGzip => write!(f, "not a gzip file (no 1f 8b magic)"),
            Error::Method(m) => write!(f, "gzip compression method {m} is not DEFLATE (8)"),
            Error::ReservedFlags(g) => write!(f, "gzip header has reserved flag bits set ({g:#04x})"),
            Error::HeaderCrc => write!(f, "gzip header CRC-16 mismatch"),
            Error::ImplausibleSize { stored, compressed } => {
                write!(f, "gzip trailer states {stored} bytes, more than {compressed} compressed bytes can hold")
            }
            Error::NoMemory(n) => write!(f, "cannot allocate {n} bytes for the inflated data"),
            Error::Deflate(what) => write!(f, "{what}"),
            Error::Length { stored, actual: Some(n) } => {
                write!(f, "inflates to {n} bytes, the gzip trailer states {stored}")
            }
            Error::Length { stored, actual: None } => {
                write!(f, "inflates to more than the {stored} bytes the gzip trailer states")
            }
            Error::Crc { stored, actual } => write!(f, "CRC-32 mismatch (trailer {stored:#010x}, data {actual:#010x})"),
            Error::TrailingData(n) => write!(f, "{n} bytes after the gzip member (one member expected)"),
        }
    }
}

fn le32(b: &[u8]) -> u32 {
    u32::from_le_bytes([b[0], b[1], b[2], b[3]])
}

/// Length of the member header: the fixed part and the optional fields FLG announces.
fn header_len(gz: &[u8]) -> Result<usize, Error> {
    if gz.len() < 2 || gz[..2] != [0x1f, 0x8b] {
        return Err(if gz.len() < 2 { Error::Truncated("header") } else { Error::NotGzip });
    }
    if gz.len() < HEADER {
        return Err(Error::Truncated("header"));
    }
    if gz[2] != 8 {
        return Err(Error::Method(gz[2]));
    }
    let flg = gz[3];
    if flg & FRESERVED != 0 {
        return Err(Error::ReservedFlags(flg));
    }
    let mut at = HEADER;
    if flg & FEXTRA != 0 {
        let xlen = gz.get(at..at + 2).ok_or(Error::Truncated("header's extra field"))?;
        at += 2 + u16::from_le_bytes([xlen[0], xlen[1]]) as usize;
    }
    for (flag, part) in [(FNAME, "header's file name"), (FCOMMENT, "header's comment")] {
        if flg & flag != 0 {
            let zero = gz.get(at..).and_then(|r| r.iter().position(|&b| b == 0)).ok_or(Error::Truncated(part))?;
            at += zero + 1;
        }
    }
    if flg & FHCRC != 0 {
        let stored = gz.get(at..at + 2).ok_or(Error::Truncated("header's CRC-16"))?;
        if u16::from_le_bytes([stored[0], stored[1]]) != crc32(0, &gz[..at]) as u16 {
            return Err(Error::HeaderCrc);
        }
        at += 2;
    }
    if gz.len() < at {
        return Err(Error::Truncated("header"));
    }
    Ok(at)
}

/// The data of a one-member gzip file, checked against its trailer (length and CRC-32).
pub fn decompress_member(gz: &[u8]) -> Result<Vec<u8>, Error> {
    let body_at = header_len(gz)?;
    if gz.len() < body_at + TRAILER {
        return Err(Error::Truncated("trailer"));
    }
    let (body, trailer) = (&gz[body_at..gz.len() - TRAILER], &gz[gz.len() - TRAILER..]);
    let (stored_crc, stored_len) = (le32(trailer), le32(&trailer[4..]));
    if stored_len as u64 > (body.len() as u64).saturating_mul(MAX_RATIO) {
        return Err(Error::ImplausibleSize { stored: stored_len, compressed: body.len() });
    }
    let n = stored_len as usize;
    let mut out = Vec::new();
    out.try_reserve_exact(n).map_err(|_| Error::NoMemory(n))?;
    out.resize(n, 0);
    let mut inflater = alloc::boxed::Box::<DecompressorOxide>::default();
    let flags = inflate_flags::TINFL_FLAG_USING_NON_WRAPPING_OUTPUT_BUF;
    let (status, read, written) = decompress(&mut inflater, body, &mut out, 0, flags);
    match status {
        TINFLStatus::Done => {}
        TINFLStatus::HasMoreOutput => return Err(Error::Length { stored: stored_len, actual: None }),
        TINFLStatus::FailedCannotMakeProgress => return Err(Error::Deflate("truncated DEFLATE data")),
        TINFLStatus::Failed => return Err(Error::Deflate("corrupt DEFLATE data")),
        _ => return Err(Error::Deflate("DEFLATE inflater error")),
    }
    if read < body.len() {
        // The member ended early: what follows its DEFLATE data was taken for the trailer.
        return Err(Error::TrailingData(body.len() - read));
    }
    if written != n {
        return Err(Error::Length { stored: stored_len, actual: Some(written) });
    }
    let actual = crc32(0, &out);
    if actual != stored_crc {
        return Err(Error::Crc { stored: stored_crc, actual });
    }
    Ok(out)
}

/// The CRC-32 (gzip's, zlib's) of `data` continued from `crc` (0 to start): crc32fast's.
pub fn crc32(crc: u32, data: &[u8]) -> u32 {
    let mut h = crc32fast::Hasher::new_with_initial(crc);
    h.update(data);
    h.finalize()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::format;
    use std::string::String;
    use std::vec;

    /// testdata/map.txt.gz: `gzip -9` (with the file name) of this text.
    fn sample_map() -> String {
        (0..3000u64).map(|i| format!("{:x} ns::f{i}<T{}>(int, char const*)\n", 0x20_0000 + i * 48, i % 7)).collect()
    }
    const SAMPLE_GZ: &[u8] = include_bytes!("testdata/map.txt.gz");

    #[test]
    fn crc32_known_answers() {
        assert_eq!(crc32(0, b""), 0);
        assert_eq!(crc32(0, b"123456789"), 0xcbf4_3926);
        let text = sample_map();
        let (a, b) = text.as_bytes().split_at(12_345);
        assert_eq!(crc32(crc32(0, a), b), crc32(0, text.as_bytes()));
    }

    #[test]
    fn inflates_what_gzip_wrote() {
        assert!(SAMPLE_GZ.len() < sample_map().len() / 4, "the fixture is compressed");
        assert_eq!(SAMPLE_GZ[3] & FNAME, FNAME, "the fixture has a file name in its header");
        assert_eq!(decompress_member(SAMPLE_GZ).unwrap(), sample_map().as_bytes());
    }

    /// The fixture's member with a header carrying every optional field.
    fn with_all_header_fields(comment: &[u8]) -> std::vec::Vec<u8> {
        let body_at = header_len(SAMPLE_GZ).unwrap();
        let mut h = vec![0x1f, 0x8b, 8, FEXTRA | FNAME | FCOMMENT | FHCRC, 0, 0, 0, 0, 2, 3];
        h.extend_from_slice(&[4, 0, b'a', b'b', 2, 0]);
        h.extend_from_slice(b"kernel.sym\0");
        h.extend_from_slice(comment);
        h.push(0);
        let hcrc = crc32(0, &h) as u16;
        h.extend_from_slice(&hcrc.to_le_bytes());
        h.extend_from_slice(&SAMPLE_GZ[body_at..]);
        h
    }

    #[test]
    fn optional_header_fields_are_skipped_and_checked() {
        let gz = with_all_header_fields(b"a comment");
        assert_eq!(decompress_member(&gz).unwrap(), sample_map().as_bytes());
        let mut bad = gz.clone();
        bad[22] ^= 1; // inside the file name: the header CRC no longer matches
        assert_eq!(decompress_member(&bad), Err(Error::HeaderCrc));
        let cut = &gz[..18];
        assert_eq!(decompress_member(cut), Err(Error::Truncated("header's file name")));
    }

    #[test]
    fn damage_is_reported() {
        let gz = SAMPLE_GZ;
        let body_at = header_len(gz).unwrap();
        let end = gz.len();
        assert_eq!(decompress_member(b""), Err(Error::Truncated("header")));
        assert_eq!(decompress_member(b"1000 main\n"), Err(Error::NotGzip));
        let mut m = gz.to_vec();
        m[2] = 9;
        assert_eq!(decompress_member(&m), Err(Error::Method(9)));
        m[2] = 8;
        m[3] |= 0x80;
        assert_eq!(decompress_member(&m), Err(Error::ReservedFlags(0x88)));
        assert_eq!(decompress_member(&gz[..body_at + 4]), Err(Error::Truncated("trailer")));
        // Cut inside the DEFLATE data: what remains is read as data plus a bogus trailer.
        assert!(decompress_member(&gz[..end / 2]).is_err());
        // A flipped bit in a stored CRC, a smaller and a larger stated size.
        let mut c = gz.to_vec();
        c[end - 8] ^= 0x10;
        assert!(matches!(decompress_member(&c), Err(Error::Crc { .. })), "{:?}", decompress_member(&c));
        let n = sample_map().len() as u32;
        let mut s = gz.to_vec();
        s[end - 4..].copy_from_slice(&(n - 1).to_le_bytes());
        assert_eq!(decompress_member(&s), Err(Error::Length { stored: n - 1, actual: None }));
        s[end - 4..].copy_from_slice(&(n + 1).to_le_bytes());
        assert_eq!(decompress_member(&s), Err(Error::Length { stored: n + 1, actual: Some(n as usize) }));
        s[end - 4..].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(matches!(decompress_member(&s), Err(Error::ImplausibleSize { stored: u32::MAX, .. })));
        // A second member (or junk) after the first.
        let mut two = gz.to_vec();
        two.extend_from_slice(gz);
        assert!(matches!(decompress_member(&two), Err(Error::TrailingData(_))), "{:?}", decompress_member(&two));
    }

    #[test]
    fn flipped_bits_in_the_data_never_pass() {
        // Every 211th byte of the DEFLATE data, one bit each: an error every time, never wrong data.
        let body_at = header_len(SAMPLE_GZ).unwrap();
        for at in (body_at..SAMPLE_GZ.len() - TRAILER).step_by(211) {
            let mut c = SAMPLE_GZ.to_vec();
            c[at] ^= 1 << (at % 8);
            assert!(decompress_member(&c).is_err(), "bit flip at byte {at} went unnoticed");
        }
    }

    #[test]
    fn errors_read_as_one_line() {
        let e = Error::Crc { stored: 1, actual: 2 };
        assert_eq!(format!("{e}"), "CRC-32 mismatch (trailer 0x00000001, data 0x00000002)");
        assert_eq!(format!("{}", Error::Deflate("corrupt DEFLATE data")), "corrupt DEFLATE data");
    }
}
