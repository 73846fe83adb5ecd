//! The boot file system: read-only files `/boot/<name>` backed by boot-module memory.

use alloc::string::String;
use alloc::vec::Vec;

/// One boot file.
#[derive(Clone)]
pub struct File {
    pub name: String,
    pub data: &'static [u8],
}

static FILES: spin::Once<Vec<File>> = spin::Once::new();

/// Directory the files appear in.
pub const DIR: &str = "/boot";

/// Register the boot modules. A module whose bytes are a ustar archive contributes its members
/// instead of itself. Names are the module command line's last path component.
pub fn init(modules: impl Iterator<Item = (&'static [u8], &'static [u8])>) -> Result<usize, String> {
    let mut files = Vec::new();
    for (name, data) in modules {
        if super::tar::is_ustar(data) {
            for m in super::tar::members(data) {
                let m = m.map_err(|e| alloc::format!("boot module '{}': {e}", String::from_utf8_lossy(name)))?;
                let mut n = String::from_utf8_lossy(m.prefix).into_owned();
                if !n.is_empty() {
                    n.push('/');
                }
                n.push_str(&String::from_utf8_lossy(m.name));
                files.push(File { name: base_name(&n), data: m.data });
            }
        } else {
            let n = String::from_utf8_lossy(name);
            let first = n.split_whitespace().next().unwrap_or("module");
            files.push(File { name: base_name(first), data });
        }
    }
    let count = files.len();
    FILES.call_once(|| files);
    Ok(count)
}

fn base_name(path: &str) -> String {
    String::from(path.rsplit('/').next().unwrap_or(path))
}

/// All boot files.
pub fn files() -> &'static [File] {
    FILES.get().map(Vec::as_slice).unwrap_or(&[])
}

/// Look up `/boot/<name>` (also accepts `boot/<name>` relative to `/`).
pub fn lookup(path: &str) -> Option<&'static File> {
    let name = path.strip_prefix("/boot/").or_else(|| path.strip_prefix("boot/"))?;
    files().iter().find(|f| f.name == name)
}

/// Normalise a path: make it absolute, resolve `.`, `..` and repeated slashes.
pub fn normalize(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for c in path.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            c => parts.push(c),
        }
    }
    let mut out = String::new();
    for p in &parts {
        out.push('/');
        out.push_str(p);
    }
    if out.is_empty() {
        out.push('/');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_paths() {
        assert_eq!(normalize("/boot/../boot/./x.bin"), "/boot/x.bin");
        assert_eq!(normalize("boot//x"), "/boot/x");
        assert_eq!(normalize("/.."), "/");
    }
}
