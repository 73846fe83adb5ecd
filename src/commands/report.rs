//! `bareflow report PROFILE.json [--svg OUT.svg] [--top N]`: turns the profile `bareflow run
//! --profile-out` wrote into a text summary (where the cycles went, which tier ran each function,
//! every tier change with its compile time) and a flame graph SVG (the `inferno` crate).
//!
//! irvm's profile is flat (exclusive cycles per function, no call stacks), so the flame graph has
//! three levels: program → tier the function ended in → function. Cycles of native code are
//! charged to the function irvm entered it from (native → native calls are not timed).

use serde_json::Value;
use std::collections::HashMap;

const USAGE: &str = "usage: bareflow report PROFILE.json [--svg OUT.svg] [--top N]";

/// One function's line in the summary.
struct Row {
    name: String,
    tier: String,
    calls: u64,
    excl: u64,
    incl: u64,
}

/// Entry point; returns the exit status.
pub fn main(args: &[String]) -> i32 {
    match run(args) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("bareflow report: {e}");
            2
        }
    }
}

fn run(args: &[String]) -> Result<(), String> {
    let (mut input, mut svg, mut top) = (None, None, 20usize);
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--svg" => svg = Some(it.next().ok_or("--svg needs a file name")?.clone()),
            "--top" => {
                let v = it.next().ok_or("--top needs a number")?;
                top = v.parse().map_err(|_| format!("--top '{v}': expected a number"))?;
            }
            "-h" | "--help" => return Err(USAGE.into()),
            f if f.starts_with('-') => return Err(format!("unknown option '{f}' ({USAGE})")),
            p if input.is_none() => input = Some(p.to_string()),
            p => return Err(format!("unexpected argument '{p}' ({USAGE})")),
        }
    }
    let input = input.ok_or(USAGE)?;
    let text = std::fs::read_to_string(&input).map_err(|e| format!("cannot read '{input}': {e}"))?;
    let v: Value = serde_json::from_str(&text).map_err(|e| format!("'{input}': not JSON ({e})"))?;
    if v.get("schema").and_then(Value::as_str).is_none_or(|s| !s.starts_with("irvm-profile/")) {
        return Err(format!(
            "'{input}': not a bareflow profile (no \"schema\": \"irvm-profile/...\"; write one with 'bareflow run --profile-out')"
        ));
    }
    let rows = rows(&v);
    print!("{}", summary(&v, &rows, top));
    let svg = svg.unwrap_or_else(|| format!("{}.svg", input.strip_suffix(".json").unwrap_or(&input)));
    flamegraph(&v, &rows, &svg)?;
    println!("flame graph: {svg}");
    Ok(())
}

/// The tier each function ended in: its last tier change, else how irvm ran it.
fn final_tiers(v: &Value) -> HashMap<String, String> {
    let mut t = HashMap::new();
    for c in changes(v) {
        if let (Some(f), Some(to)) = (c["function"].as_str(), c["to"].as_str()) {
            t.insert(f.to_string(), to.to_string());
        }
    }
    t
}

fn changes(v: &Value) -> &[Value] {
    v["tiering"]["changes"].as_array().map_or(&[], Vec::as_slice)
}

fn rows(v: &Value) -> Vec<Row> {
    let tiers = final_tiers(v);
    let mut rows: Vec<Row> = v["functions"]
        .as_array()
        .map_or(&[][..], Vec::as_slice)
        .iter()
        .map(|f| {
            let name = f["name"].as_str().unwrap_or("?").to_string();
            let kind = f["kind"].as_str().unwrap_or("?");
            let tier = match tiers.get(&name) {
                Some(t) => t.clone(),
                None if kind == "native" => "host".into(),
                None => "interp".into(),
            };
            let n = |k: &str| f[k].as_u64().unwrap_or(0);
            Row { name, tier, calls: n("calls"), excl: n("exclusive_cycles"), incl: n("inclusive_cycles") }
        })
        .collect();
    rows.sort_by(|a, b| b.excl.cmp(&a.excl).then(a.name.cmp(&b.name)));
    rows
}

fn pct(x: u64, total: u64) -> f64 {
    if total == 0 { 0.0 } else { 100.0 * x as f64 / total as f64 }
}

/// The guarded specializations of the tier log: per version its values and guard hits, then
/// the misses (the generic code's calls).
fn guards(s: &mut String, t: &Value) {
    use std::fmt::Write;
    let specs = t["specializations"].as_array().map_or(&[][..], Vec::as_slice);
    if specs.is_empty() {
        return;
    }
    let _ = writeln!(s, "\nguarded specializations (guard hits per version, misses = generic calls):");
    for r in specs {
        let versions = r["versions"].as_array().map_or(&[][..], Vec::as_slice);
        let hits: Vec<u64> = versions.iter().map(|v| v["hits"].as_u64().unwrap_or(0)).collect();
        let misses = r["misses"].as_u64().unwrap_or(0);
        let total = hits.iter().sum::<u64>() + misses;
        let mut parts = Vec::new();
        for (v, h) in versions.iter().zip(&hits) {
            let values: Vec<String> = v["values"]
                .as_array()
                .map_or(&[][..], Vec::as_slice)
                .iter()
                .map(|x| format!("arg{}={}", x["param"], x["value"]))
                .collect();
            parts.push(format!("{} {h} hits ({:.1}%)", values.join(" "), pct(*h, total)));
        }
        let dropped = if r["dropped"].as_bool() == Some(true) { ", dropped" } else { "" };
        let function = r["function"].as_str().unwrap_or("?");
        if !versions.is_empty() {
            let _ = writeln!(
                s,
                "  {function}: {}; {misses} misses ({:.1}%){dropped}",
                parts.join(", "),
                pct(misses, total)
            );
        }
        for m in r["mem_sizes"].as_array().map_or(&[][..], Vec::as_slice) {
            let (h, x) = (m["hits"].as_u64().unwrap_or(0), m["misses"].as_u64().unwrap_or(0));
            let _ = writeln!(
                s,
                "  {function}: {} at site {} for {} bytes: {h} hits ({:.1}%); {x} misses ({:.1}%){dropped}",
                m["op"].as_str().unwrap_or("?"),
                m["site"],
                m["size"],
                pct(h, h + x),
                pct(x, h + x)
            );
        }
        let jam = &r["unroll_and_jam"];
        if !jam.is_null() {
            let (h, x) = (jam["hits"].as_u64().unwrap_or(0), jam["misses"].as_u64().unwrap_or(0));
            let _ = writeln!(
                s,
                "  {function}: loop nests unroll-and-jammed x{}: {h} entries jammed ({:.1}%); {x} as written ({:.1}%){dropped}",
                jam["count"],
                pct(h, h + x),
                pct(x, h + x)
            );
        }
        let pf = &r["prefetch"];
        if !pf.is_null() {
            let params: Vec<String> =
                pf["params"].as_array().map_or(&[][..], Vec::as_slice).iter().map(|p| format!("arg{p}")).collect();
            let _ = writeln!(
                s,
                "  {function}: loads streamed from {} prefetched {} bytes ahead{dropped}",
                params.join(", "),
                pf["bytes"]
            );
        }
    }
}

/// The text summary: totals, top functions, cycles per tier, tier changes.
fn summary(v: &Value, rows: &[Row], top: usize) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let total = v["total_cycles"].as_u64().unwrap_or(0);
    let _ = writeln!(
        s,
        "program {} (tier {}, exit status {})",
        v["program"].as_str().unwrap_or("?"),
        v["tier"].as_str().unwrap_or("interp"),
        v["exit_status"]
    );
    let _ = writeln!(s, "total {total} cycles, {} functions profiled", rows.len());
    let _ = writeln!(
        s,
        "\nwhere the cycles went (exclusive; native code counts toward the function irvm entered it from):"
    );
    let _ = writeln!(
        s,
        "{:>7} {:>16} {:>16} {:>12}  {:<7} function",
        "excl%", "excl.cycles", "incl.cycles", "calls", "tier"
    );
    for r in rows.iter().take(top) {
        let _ = writeln!(
            s,
            "{:>6.1}% {:>16} {:>16} {:>12}  {:<7} {}",
            pct(r.excl, total),
            r.excl,
            r.incl,
            r.calls,
            r.tier,
            r.name
        );
    }
    if rows.len() > top {
        let _ = writeln!(s, "  ... {} more (--top N)", rows.len() - top);
    }
    let mut per_tier: Vec<(String, u64)> = Vec::new();
    for r in rows {
        match per_tier.iter_mut().find(|(t, _)| *t == r.tier) {
            Some(e) => e.1 += r.excl,
            None => per_tier.push((r.tier.clone(), r.excl)),
        }
    }
    per_tier.sort_by_key(|t| std::cmp::Reverse(t.1));
    let _ = writeln!(s, "\ncycles by the tier each function ended in:");
    for (t, c) in &per_tier {
        let _ = writeln!(s, "  {t:<7} {:>6.1}%  {c}", pct(*c, total));
    }
    let ch = changes(v);
    if v.get("tiering").is_some() {
        let t = &v["tiering"];
        let _ = writeln!(
            s,
            "\ntier changes ({}; JIT target {}; thresholds warm {} hot {} very hot {}):",
            ch.len(),
            t["cpu"].as_str().unwrap_or("?"),
            t["thresholds"]["warm"],
            t["thresholds"]["hot"],
            t["thresholds"]["very_hot"]
        );
        let mut ms: Vec<(String, f64, u32)> = Vec::new();
        for c in ch {
            let (f, from, to, why, cms) = (
                c["function"].as_str().unwrap_or("?"),
                c["from"].as_str().unwrap_or("?"),
                c["to"].as_str().unwrap_or("?"),
                c["reason"].as_str().unwrap_or(""),
                c["compile_ms"].as_f64().unwrap_or(0.0),
            );
            let special = c["specialized"].as_str().map(|x| format!(" specialized {x}")).unwrap_or_default();
            let _ = writeln!(s, "  {f}: {from} -> {to}{special} ({why}, {cms:.1} ms)");
            match ms.iter_mut().find(|(t, _, _)| t == to) {
                Some(e) => {
                    e.1 += cms;
                    e.2 += 1;
                }
                None => ms.push((to.to_string(), cms, 1)),
            }
        }
        for (t, total_ms, n) in ms {
            let _ = writeln!(
                s,
                "  compile at {t}: {n} functions, {total_ms:.1} ms total, {:.1} ms mean",
                total_ms / f64::from(n)
            );
        }
        guards(&mut s, t);
        for f in t["failed"].as_array().map_or(&[][..], Vec::as_slice) {
            let _ = writeln!(
                s,
                "  stays interpreted: {} ({})",
                f["function"].as_str().unwrap_or("?"),
                f["error"].as_str().unwrap_or("")
            );
        }
    }
    s
}

/// Write the flame graph: program → final tier → function, weighted by exclusive cycles.
fn flamegraph(v: &Value, rows: &[Row], out: &str) -> Result<(), String> {
    let prog = v["program"].as_str().unwrap_or("program").rsplit('/').next().unwrap_or("program").replace(';', ":");
    let lines: Vec<String> = rows
        .iter()
        .filter(|r| r.excl > 0)
        .map(|r| format!("{prog};[{}];{} ({}) {}", r.tier, r.name.replace(';', ":"), r.tier, r.excl))
        .collect();
    if lines.is_empty() {
        return Err("the profile has no cycles to draw (did the program run?)".into());
    }
    let mut opts = inferno::flamegraph::Options::default();
    opts.title = format!("{prog}: cycles by tier and function");
    opts.count_name = "cycles".into();
    let f = std::fs::File::create(out).map_err(|e| format!("cannot write '{out}': {e}"))?;
    inferno::flamegraph::from_lines(&mut opts, lines.iter().map(String::as_str), std::io::BufWriter::new(f))
        .map_err(|e| format!("flame graph '{out}': {e}"))
}
