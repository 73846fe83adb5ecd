//! Prefetch of streamed arguments (docs/tiering.md, "Prefetch of streamed rows"):
//! tests/tiering/streams.c's `stream_rows` reads a different matrix each call (its pointer takes
//! many addresses in irvm's value table) and gets prefetches in its specialized row loop;
//! `same_rows`, which reads one matrix every call, does not. The results are the native build's
//! with and without them; a warm run links the prefetched object from the snapshot.

mod support;

use std::path::Path;

/// 128-wide rows, 64 a call, 16 matrices in turn, 3000 calls of each function.
const ARGS: [&str; 4] = ["128", "64", "16", "3000"];

/// The `prefetch` record of `function`'s newest specialization in the profile at `prof`:
/// `(bytes, params)`, `None` when it has none.
fn prefetch_of(prof: &Path, function: &str) -> Option<(u64, Vec<u64>)> {
    let j: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(prof).expect("profile")).unwrap();
    let s = j["tiering"]["specializations"].as_array().expect("tiering.specializations");
    let r = s.iter().rfind(|r| r["function"] == function).unwrap_or_else(|| panic!("{function} not specialized"));
    let p = &r["prefetch"];
    (!p.is_null()).then(|| {
        let params = p["params"].as_array().expect("prefetch.params").iter().map(|v| v.as_u64().unwrap()).collect();
        (p["bytes"].as_u64().expect("prefetch.bytes"), params)
    })
}

#[test]
fn a_streamed_matrix_is_prefetched_and_a_reused_one_is_not() {
    let prof = support::scratch("prefetch").join("on.json");
    let (exe, bc) = support::tiering_program("streams");
    let want = std::process::Command::new(&exe).args(ARGS).output().expect("native run");
    assert!(want.status.success(), "streams: native run failed");
    let flags = ["--tier", "auto", "--jit-threads", "0", "--verbose", "--profile-out", prof.to_str().unwrap()];
    let (b, dump) = support::run_dumping("prefetch", "streams", &bc, &flags, &ARGS);
    let err = support::text(&b.stderr);
    assert!(b.status.success(), "streams: bareflow run failed: {err}");
    assert_eq!(support::text(&b.stdout), support::text(&want.stdout), "results differ");
    // Eight 64-byte lines a row of 128 floats; the matrix is argument 2.
    assert!(
        err.lines()
            .any(|l| l
                == "[tier] stream_rows: prefetch: 8 loads of streamed arguments (arg2) prefetched 2048 bytes ahead"),
        "stream_rows' row loop not prefetched:\n{err}"
    );
    assert!(!err.contains("[tier] same_rows: prefetch"), "same_rows' one matrix prefetched:\n{err}");
    assert_eq!(prefetch_of(&prof, "stream_rows"), Some((2048, vec![2])));
    assert_eq!(prefetch_of(&prof, "same_rows"), None);
    // `bareflow report` says so.
    let r = support::bareflow(["report", prof.to_str().unwrap()]).output().expect("bareflow report");
    let text = support::text(&r.stdout);
    assert!(text.lines().any(|l| l == "  stream_rows: loads streamed from arg2 prefetched 2048 bytes ahead"), "{text}");
    assert!(!text.contains("same_rows: loads streamed"), "{text}");
    // The prefetches are in stream_rows' compiled code and not in same_rows'.
    let ir = |name: &str| support::dumped_ir(&dump, |f| f.starts_with(&format!("{name}.bf.O")) && f.contains("s."));
    let (streamed, reused) = (ir("stream_rows"), ir("same_rows"));
    assert_eq!(streamed.matches("call void @llvm.prefetch").count(), 8, "stream_rows' specialized IR:\n{streamed}");
    assert!(!reused.is_empty() && !reused.contains("@llvm.prefetch"), "same_rows' specialized IR:\n{reused}");
}

#[test]
fn no_prefetch_leaves_the_loads_alone() {
    let out = support::scratch("prefetch");
    let prof = out.join("off.json");
    let err = support::run_both(
        "streams",
        &[
            "--tier",
            "auto",
            "--jit-threads",
            "0",
            "--verbose",
            "--no-prefetch",
            "--profile-out",
            prof.to_str().unwrap(),
        ],
        &ARGS,
    );
    assert!(err.contains("[tier] stream_rows: ") && err.contains(" specialized arg3=128"), "{err}");
    assert!(!err.contains("prefetch"), "prefetched although switched off:\n{err}");
    assert_eq!(prefetch_of(&prof, "stream_rows"), None);
}

#[test]
fn a_warm_run_links_the_prefetched_object() {
    let out = support::scratch("prefetch");
    let state = out.join("warm-state");
    let _ = std::fs::remove_dir_all(&state);
    let flags = ["--tier", "auto", "--jit-threads", "0", "--verbose", "--state", state.to_str().unwrap()];
    support::run_both("streams", &flags, &ARGS);
    let err = support::run_both("streams", &flags, &ARGS);
    assert!(
        err.lines().any(|l| l.starts_with("[state] stream_rows: ")
            && l.contains("from the object cache")
            && l.ends_with(", streamed loads prefetched 2048 bytes ahead")),
        "stream_rows' prefetched object not linked from the cache:\n{err}"
    );
    assert!(
        err.lines().any(|l| l.starts_with("[state] same_rows: ")
            && l.contains("from the object cache")
            && !l.contains("prefetch")),
        "same_rows not linked from the cache, or prefetched:\n{err}"
    );
}

#[test]
fn the_ahead_of_time_code_keeps_the_prefetches() {
    let out = support::scratch("prefetch");
    let state = out.join("aot-state");
    let _ = std::fs::remove_dir_all(&state);
    support::run_both("streams", &["--tier", "auto", "--jit-threads", "0", "--state", state.to_str().unwrap()], &ARGS);
    let (exe, bc) = support::tiering_program("streams");
    let dir = support::scratch("prefetch/aot");
    let (obj, stubs, said) = support::aot_in(&dir, &state, &bc);
    assert!(
        said.lines().any(|l| l.starts_with("aot: stream_rows: guarded specialization ") && l.contains("/pf=2048:2 ")),
        "the prefetch is not part of stream_rows' specialization:\n{said}"
    );
    // One run keeps no converged module: the object is rebuilt from the snapshot's keys.
    assert!(
        said.lines().any(|l| l == "aot: stream_rows: prefetch: 8 loads of streamed arguments prefetched"),
        "stream_rows' loads not prefetched ahead of time:\n{said}"
    );
    assert!(!said.contains("aot: same_rows: prefetch"), "same_rows prefetched ahead of time:\n{said}");
    let n = std::process::Command::new(&exe).args(ARGS).output().expect("native run");
    support::guards::run_program(&dir, &obj, &stubs, &["stream_rows", "same_rows"], &ARGS, &n.stdout);
}
