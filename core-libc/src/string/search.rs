//! Substring search shared by `strstr` and `memmem`: the Two-Way algorithm (Crochemore–Perrin),
//! linear time and constant space, as glibc and musl use.

/// Maximal suffix of `n` under `<` (`rev == false`) or `>` ordering: (start - 1, period).
fn max_suffix(n: &[u8], rev: bool) -> (isize, usize) {
    let l = n.len() as isize;
    let (mut ip, mut jp, mut k, mut p): (isize, isize, isize, isize) = (-1, 0, 1, 1);
    while jp + k < l {
        let a = n[(ip + k) as usize];
        let b = n[(jp + k) as usize];
        if a == b {
            if k == p {
                jp += p;
                k = 1;
            } else {
                k += 1;
            }
        } else if (a > b) != rev {
            jp += k;
            k = 1;
            p = jp - ip;
        } else {
            ip = jp;
            jp += 1;
            k = 1;
            p = 1;
        }
    }
    (ip, p as usize)
}

/// First index of `needle` in `hay`.
pub fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    let l = needle.len();
    if l == 0 {
        return Some(0);
    }
    if l > hay.len() {
        return None;
    }
    if l == 1 {
        return hay.iter().position(|&c| c == needle[0]);
    }
    let (ms1, p1) = max_suffix(needle, false);
    let (ms2, p2) = max_suffix(needle, true);
    let (ms, mut p) = if ms2 > ms1 { (ms2, p2) } else { (ms1, p1) };
    let split = (ms + 1) as usize;
    let mem0;
    if p + split <= l && needle[..split] == needle[p..p + split] {
        mem0 = l - p;
    } else {
        mem0 = 0;
        p = split.max(l - split) + 1;
    }
    let mut mem = 0usize;
    let mut pos = 0usize;
    while pos + l <= hay.len() {
        let h = &hay[pos..pos + l];
        let mut k = split.max(mem);
        while k < l && needle[k] == h[k] {
            k += 1;
        }
        if k < l {
            pos += k - split + 1;
            mem = 0;
            continue;
        }
        let mut k = split;
        while k > mem && needle[k - 1] == h[k - 1] {
            k -= 1;
        }
        if k <= mem {
            return Some(pos);
        }
        pos += p;
        mem = mem0;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::find;

    fn naive(h: &[u8], n: &[u8]) -> Option<usize> {
        if n.is_empty() {
            return Some(0);
        }
        h.windows(n.len()).position(|w| w == n)
    }

    #[test]
    fn matches_naive_search_on_small_alphabets() {
        let mut rng = crate::testkit::Rng::new(7);
        for _ in 0..20000 {
            let hl = rng.below(40) as usize;
            let nl = rng.below(8) as usize;
            let alpha = 1 + rng.below(3) as u8;
            let h: Vec<u8> = (0..hl).map(|_| b'a' + rng.below(alpha as u64) as u8).collect();
            let n: Vec<u8> = (0..nl).map(|_| b'a' + rng.below(alpha as u64) as u8).collect();
            assert_eq!(find(&h, &n), naive(&h, &n), "hay {:?} needle {:?}", h, n);
        }
    }
}
