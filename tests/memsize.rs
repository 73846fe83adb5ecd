//! Size-versioned memory calls (docs/tiering.md, "Size-versioned memory calls"): irvm's size
//! tables of tests/tiering/memsize.c's `memcpy` / `memset` / `memmove` calls (sizes read from
//! memory, not arguments), the versioned calls in the JIT code with their guard counts, both
//! paths taken when the sizes change during the run, and output equal to the native build's in
//! every tier.

mod support;

use std::process::Command;

/// The message lengths tests/tiering/memsize.c delivers with arguments `len count other pct 20`
/// (its main loop, transcribed).
fn lengths(len: u64, count: u64, other: u64, pct: u64) -> Vec<u64> {
    let last = count * pct / 100;
    (0..count)
        .map(|c| {
            if c >= count - last {
                match c % 3 {
                    0 => len,
                    1 => other,
                    _ => 1 + 2 * (c % 29),
                }
            } else if c % 20 == 19 {
                other
            } else {
                len
            }
        })
        .collect()
}

/// `(op, site, size, hits, misses)` of each size-versioned call of `function` in the profile.
fn versioned(prof: &std::path::Path, function: &str) -> Vec<(String, u64, u64, u64, u64)> {
    let j: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(prof).unwrap()).unwrap();
    let s = j["tiering"]["specializations"].as_array().expect("tiering.specializations");
    let r = s.iter().rfind(|r| r["function"] == function).unwrap_or_else(|| panic!("{function} not versioned: {j}"));
    let n = |v: &serde_json::Value, k: &str| v[k].as_u64().unwrap_or_else(|| panic!("{k} in {v}"));
    r["mem_sizes"]
        .as_array()
        .expect("mem_sizes")
        .iter()
        .map(|m| (m["op"].as_str().unwrap().to_string(), n(m, "site"), n(m, "size"), n(m, "hits"), n(m, "misses")))
        .collect()
}

#[test]
fn a_dominant_size_gets_a_versioned_call_and_both_paths_run_when_it_changes() {
    // 95 % of the first three quarters' messages are 40 bytes long; the last quarter alternates
    // 40, 100 and short odd lengths. The copy (40 bytes), the fill (20) and the move (10) are
    // versioned; the guards count hits and misses, exactly as the lengths of the calls that ran
    // in the versioned code say (the last `hits + misses` calls: compiles are synchronous).
    let out = support::scratch("memsize");
    let prof = out.join("memsize.json");
    let args = ["40", "20000", "100", "25"];
    let flags = ["--tier", "auto", "--jit-threads", "0", "--verbose", "--profile-out", prof.to_str().unwrap()];
    let err = support::run_both("memsize", &flags, &args);
    for line in [
        "[tier] deliver: memcpy at site 0 versioned for 40 bytes (95 % of calls)",
        "[tier] deliver: memset at site 1 versioned for 20 bytes (95 % of calls)",
        "[tier] deliver: memmove at site 2 versioned for 10 bytes (95 % of calls)",
    ] {
        assert!(err.lines().any(|l| l == line), "no '{line}':\n{err}");
    }
    let v = versioned(&prof, "deliver");
    let sites: Vec<(&str, u64, u64)> = v.iter().map(|m| (m.0.as_str(), m.1, m.2)).collect();
    assert_eq!(sites, [("memcpy", 0, 40), ("memset", 1, 20), ("memmove", 2, 10)]);
    let lens = lengths(40, 20000, 100, 25);
    for (op, _, size, hits, misses) in &v {
        assert!(*hits > 0 && *misses > 0, "{op}: {hits} hits, {misses} misses");
        let ran = (hits + misses) as usize;
        assert!(ran <= lens.len(), "{op}: {ran} calls counted of {}", lens.len());
        let size_of = |l: u64| match op.as_str() {
            "memcpy" => l,
            "memset" => l / 2,
            _ => l / 4,
        };
        let want = lens[lens.len() - ran..].iter().filter(|&&l| size_of(l) == *size).count() as u64;
        assert_eq!(*hits, want, "{op}: hits over the last {ran} calls");
    }
    // `bareflow report` shows the counts.
    let r = support::bareflow(["report", prof.to_str().unwrap()]).output().expect("bareflow report");
    let text = String::from_utf8_lossy(&r.stdout);
    let line = format!("  deliver: memcpy at site 0 for 40 bytes: {} hits (", v[0].3);
    assert!(text.contains(&line), "{text}");
}

#[test]
fn versioned_calls_agree_with_native_in_every_tier_and_not_without_specialization() {
    let args = ["40", "6000", "100", "40"];
    for flags in [
        &["--tier", "interp"][..],
        &["--tier", "jit"],
        &["--tier", "auto", "--thresholds", "min", "--verbose"],
        &["--tier", "auto", "--jit-threads", "1"],
    ] {
        support::run_both("memsize", flags, &args);
    }
    // A size in less than 80 % of the calls gets no version (every other message is 100 bytes).
    let err = support::run_both(
        "memsize",
        &["--tier", "auto", "--jit-threads", "0", "--verbose"],
        &["40", "20000", "100", "0", "2"],
    );
    assert!(!err.contains(" versioned for "), "{err}");
    let err =
        support::run_both("memsize", &["--tier", "auto", "--jit-threads", "0", "--verbose", "--no-specialize"], &args);
    assert!(!err.contains(" versioned for "), "{err}");
}

#[test]
fn ahead_of_time_code_keeps_the_versioned_calls_and_counts_them() {
    // One tiered run with a snapshot versions deliver's three calls, a warm run links them from
    // the snapshot's object cache; `bareflow aot` keeps them
    // (guard counters defined in the object), and the program linked from that object (with
    // glibc, as `make bench-aot` does) counts every call in them: all 20 000 messages.
    let dir = support::scratch("memsize/aot");
    let (exe, bc) = support::tiering_program("memsize");
    let state = dir.join("state");
    let _ = std::fs::remove_dir_all(&state);
    std::fs::create_dir_all(&state).unwrap();
    let args = ["40", "20000", "100", "25"];
    let native = Command::new(&exe).args(args).output().expect("native run");
    let with_state = || {
        support::bareflow(["run", "--tier", "auto", "--jit-threads", "0", "--verbose", "--state"])
            .arg(&state)
            .arg(&bc)
            .arg("--")
            .args(args)
            .output()
            .expect("bareflow run")
    };
    let run = with_state();
    assert!(run.status.success() && run.stdout == native.stdout, "bareflow run: {}", support::text(&run.stderr));
    // A warm run links the versioned object from the snapshot.
    let warm = with_state();
    let err = support::text(&warm.stderr);
    assert!(warm.status.success() && warm.stdout == native.stdout, "warm bareflow run: {err}");
    assert!(
        err.lines().any(|l| l.starts_with("[state] deliver: ")
            && l.contains(" from the object cache ")
            && l.ends_with(", memory call at site 0 versioned for 40 bytes, memory call at site 1 versioned for 20 bytes, memory call at site 2 versioned for 10 bytes")),
        "the warm run did not link deliver's versioned object:\n{err}"
    );
    let (obj, stubs, said) = support::aot_in(&dir, &state, &bc);
    assert_eq!(support::guards::aot_key(&said, "deliver"), "|m0=40,m1=20,m2=10", "{said}");
    let o = support::guards::run_program(&dir, &obj, &stubs, &["deliver"], &args, &native.stdout);
    let lens = lengths(40, 20000, 100, 25);
    let count = |f: fn(u64) -> bool| lens.iter().filter(|&&l| f(l)).count() as u64;
    let want = [count(|l| l == 40), count(|l| l / 2 == 20), count(|l| l / 4 == 10)];
    let got = support::guards::printed_mem(&support::text(&o.stderr), "deliver", 3);
    assert_eq!(got, want.iter().map(|&h| (h, 20000 - h)).collect::<Vec<_>>(), "deliver's (hits, misses) per site");
}

#[test]
fn a_size_that_stops_dominating_is_not_versioned_again() {
    // deliver is versioned at O2 from its interpreted calls (96 % 40 bytes); then 90 % of the
    // messages alternate 40, 100 and odd lengths. At the O3 compile the guards (about 60 % hits)
    // say the sizes no longer dominate: the O3 code has no size versions, whatever the
    // interpreted calls' tables said.
    let flags = ["--tier", "auto", "--jit-threads", "0", "--verbose", "--thresholds", "50,500,15000"];
    let err = support::run_both("memsize", &flags, &["40", "60000", "100", "90"]);
    let lines: Vec<&str> = err.lines().filter(|l| l.starts_with("[tier] deliver: ")).collect();
    let o3 = lines.iter().position(|l| l.contains(" -> O3 (heat")).unwrap_or_else(|| panic!("no O3 compile:\n{err}"));
    assert!(lines[..o3].iter().any(|l| l.contains("memcpy at site 0 versioned for 40 bytes")), "{err}");
    assert!(lines[o3..].iter().all(|l| !l.contains(" versioned for ")), "versioned again at O3:\n{err}");
}
