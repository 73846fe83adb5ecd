//! Reading a ustar archive in place: `qemu -kernel` passes one module (the initrd), so the boot
//! files travel as a tar archive whose members become `/boot/<member>`.

/// True when `data` starts with a ustar header.
pub fn is_ustar(data: &[u8]) -> bool {
    data.len() >= 512 && &data[257..262] == b"ustar"
}

fn octal(field: &[u8]) -> Option<u64> {
    let mut v = 0u64;
    let mut seen = false;
    for &b in field {
        match b {
            b'0'..=b'7' => {
                v = v.checked_mul(8)?.checked_add((b - b'0') as u64)?;
                seen = true;
            }
            b' ' | 0 if seen => break,
            b' ' | 0 => continue,
            _ => return None,
        }
    }
    Some(v)
}

fn cstr(field: &[u8]) -> &[u8] {
    let n = field.iter().position(|&b| b == 0).unwrap_or(field.len());
    &field[..n]
}

/// A regular file inside the archive: its name (prefix/name joined by the caller) and bytes.
pub struct Member<'a> {
    pub prefix: &'a [u8],
    pub name: &'a [u8],
    pub data: &'a [u8],
}

/// Iterate over the regular files of a ustar archive. Stops at the end marker; an entry that runs
/// past the end of `data` or has a malformed size ends the iteration with an error.
pub fn members(data: &[u8]) -> impl Iterator<Item = Result<Member<'_>, &'static str>> + '_ {
    let mut off = 0usize;
    let mut done = false;
    core::iter::from_fn(move || {
        loop {
            if done || off + 512 > data.len() {
                return None;
            }
            let h = &data[off..off + 512];
            if h.iter().all(|&b| b == 0) {
                return None;
            }
            let Some(size) = octal(&h[124..136]) else {
                done = true;
                return Some(Err("tar header has a malformed size field"));
            };
            let body = off + 512;
            let end = body.checked_add(size as usize).filter(|&e| e <= data.len());
            let Some(end) = end else {
                done = true;
                return Some(Err("tar member runs past the end of the archive"));
            };
            off = body + (size as usize).next_multiple_of(512);
            if matches!(h[156], b'0' | 0) {
                return Some(Ok(Member { prefix: cstr(&h[345..500]), name: cstr(&h[0..100]), data: &data[body..end] }));
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_archive_made_by_tar() {
        let dir = std::env::temp_dir().join(format!("corert-tar-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("a.txt"), b"hello").unwrap();
        std::fs::write(dir.join("big.bin"), vec![7u8; 1000]).unwrap();
        let out = std::process::Command::new("tar")
            .args(["--format=ustar", "-cf", "-", "-C"])
            .arg(&dir)
            .args(["a.txt", "big.bin"])
            .output()
            .unwrap();
        assert!(out.status.success());
        let ar = out.stdout;
        assert!(is_ustar(&ar));
        let m: Vec<_> = members(&ar).collect::<Result<_, _>>().unwrap();
        assert_eq!(m.len(), 2);
        assert_eq!(m[0].name, b"a.txt");
        assert_eq!(m[0].data, b"hello");
        assert_eq!(m[1].data.len(), 1000);
        let truncated = &ar[..512 * 3 + 100]; // inside big.bin's body
        assert!(members(truncated).any(|r| r.is_err()));
        std::fs::remove_dir_all(dir).unwrap();
    }
}
