//! Guarded unroll-and-jam (docs/tiering.md, "Unroll-and-jam"): tests/tiering/unrolljam.c's
//! `rows`, specialized on its row length, gets its loop nest jammed by 4 rows behind a guard;
//! calls with separate buffers run the jammed rows (the guard's hits, counted), calls whose
//! output overlaps the matrix run the nest as written (its misses), and both give the native
//! build's sums. Switched off, nothing is jammed and the output is the same. `bareflow aot`
//! keeps the jammed version, and its guard counts in the ahead-of-time program.

mod support;

use std::path::PathBuf;
use std::process::Command;

/// `rows`' specialization record in the profile: (the jam's count, limit, hits, misses), `None`
/// when it has no jam.
fn rows_jam(prof: &std::path::Path) -> Option<(u64, u64, u64, u64)> {
    let j: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(prof).expect("profile")).unwrap();
    let s = j["tiering"]["specializations"].as_array().expect("tiering.specializations");
    let r = s.iter().rfind(|r| r["function"] == "rows").expect("rows specialized");
    let u = &r["unroll_and_jam"];
    let n = |k: &str| u[k].as_u64().unwrap_or_else(|| panic!("unroll_and_jam.{k} in {u}"));
    (!u.is_null()).then(|| (n("count"), n("limit_bytes"), n("hits"), n("misses")))
}

#[test]
fn jammed_rows_run_when_the_guard_holds_and_the_nest_as_written_when_buffers_overlap() {
    let out = support::scratch("unrolljam");
    let prof = out.join("guards.json");
    // 3000 calls with separate buffers, then 750 whose output starts 100 floats into the matrix.
    let err = support::run_both(
        "unrolljam",
        &["--tier", "auto", "--jit-threads", "0", "--verbose", "--profile-out", prof.to_str().unwrap()],
        &["256", "64", "3000", "100"],
    );
    assert!(
        err.lines().any(|l| l.starts_with("[tier] rows: ") && l.contains(" specialized arg3=256")),
        "rows not specialized on its row length:\n{err}"
    );
    assert!(
        err.lines().any(|l| l.starts_with("[tier] rows: unroll-and-jam: x4: 1 of 1 loop nests jammed behind a guard")),
        "rows' nest not jammed:\n{err}"
    );
    let (count, _, hits, misses) = rows_jam(&prof).expect("rows' specialization has a jam");
    assert_eq!(count, 4);
    // Every overlapping call (the last quarter) misses; the separate calls after the compile hit.
    assert_eq!(misses, 750, "each overlapping call takes the nest as written");
    assert!(hits > 2000 && hits < 3000, "separate calls after the compile run jammed: {hits} hits");
    // The profile's list of jammed functions has rows with the same counts.
    let j: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&prof).unwrap()).unwrap();
    let listed = j["tiering"]["unroll_and_jam"].as_array().expect("tiering.unroll_and_jam");
    let r = listed.iter().find(|r| r["function"] == "rows").expect("rows in tiering.unroll_and_jam");
    assert_eq!((r["jammed"].as_u64(), r["nests"].as_u64()), (Some(1), Some(1)), "{r}");
    assert_eq!((r["hits"].as_u64(), r["misses"].as_u64()), (Some(hits), Some(misses)), "{r}");
    // `bareflow report` shows them.
    let r = support::bareflow(["report", prof.to_str().unwrap()]).output().expect("bareflow report");
    let text = String::from_utf8_lossy(&r.stdout);
    let line = format!("  rows: loop nests unroll-and-jammed x4: {hits} entries jammed (");
    assert!(text.contains(&line) && text.contains("; 750 as written ("), "{text}");
}

#[test]
fn no_unroll_and_jam_leaves_the_nest_alone() {
    let out = support::scratch("unrolljam");
    let prof = out.join("off.json");
    let err = support::run_both(
        "unrolljam",
        &[
            "--tier",
            "auto",
            "--jit-threads",
            "0",
            "--verbose",
            "--no-unroll-and-jam",
            "--profile-out",
            prof.to_str().unwrap(),
        ],
        &["256", "64", "3000", "100"],
    );
    assert!(err.contains("[tier] rows: ") && err.contains(" specialized arg3=256"), "{err}");
    assert!(!err.contains("unroll-and-jam"), "jammed although switched off:\n{err}");
    assert_eq!(rows_jam(&prof), None);
}

#[test]
fn a_warm_run_links_the_jammed_object_and_counts_its_guard() {
    // The first run compiles the jammed specialization into the snapshot; the second links it
    // from the object cache (its key names the jam) and counts from its first call: every
    // separate call hits, every overlapping one misses.
    let out = support::scratch("unrolljam");
    let state = out.join("warm-state");
    let _ = std::fs::remove_dir_all(&state);
    let flags = |prof: &PathBuf| {
        ["--tier", "auto", "--jit-threads", "0", "--verbose", "--state", state.to_str().unwrap(), "--profile-out"]
            .into_iter()
            .map(String::from)
            .chain([prof.to_str().unwrap().to_string()])
            .collect::<Vec<_>>()
    };
    let args = ["256", "64", "3000", "100"];
    let cold = out.join("cold.json");
    let f: Vec<String> = flags(&cold);
    support::run_both("unrolljam", &f.iter().map(String::as_str).collect::<Vec<_>>(), &args);
    let warm = out.join("warm.json");
    let f: Vec<String> = flags(&warm);
    let err = support::run_both("unrolljam", &f.iter().map(String::as_str).collect::<Vec<_>>(), &args);
    assert!(
        err.lines().any(|l| l.starts_with("[state] rows: ")
            && l.contains("from the object cache")
            && l.contains("specialized")),
        "rows not linked from the cache:\n{err}"
    );
    let (_, _, hits, misses) = rows_jam(&warm).expect("the warm run's rows has its jam");
    assert_eq!((hits, misses), (3000, 750), "warm run: every call counted by the linked object's guard");
}

#[test]
fn the_ahead_of_time_code_keeps_the_jammed_nest_and_its_guard() {
    let out = support::scratch("unrolljam");
    let state = out.join("aot-state");
    let _ = std::fs::remove_dir_all(&state);
    let args = ["256", "64", "3000", "100"];
    support::run_both(
        "unrolljam",
        &["--tier", "auto", "--jit-threads", "0", "--state", state.to_str().unwrap()],
        &args,
    );
    let (exe, bc) = support::tiering_program("unrolljam");
    let dir = support::scratch("unrolljam/aot");
    let (obj, stubs, said) = support::aot_in(&dir, &state, &bc);
    assert!(
        said.lines().any(|l| l.starts_with("aot: rows: guarded specialization ") && l.contains("/uj=4,")),
        "the jam is not part of rows' specialization:\n{said}"
    );
    assert!(
        said.lines().any(|l| l.starts_with("aot: rows: unroll-and-jam x4: 1 of 1 loop nests jammed")),
        "rows' nest not jammed ahead of time:\n{said}"
    );
    let n = Command::new(&exe).args(args).output().expect("native run");
    let o = support::guards::run_program(&dir, &obj, &stubs, &["rows"], &args, &n.stdout);
    let report = support::text(&o.stderr);
    assert_eq!(support::guards::printed_loop(&report, "rows"), (3000, 750), "rows' jam guard:\n{report}");
}
