//! When to compile a guarded specialization (orc-bridge's `specialize`) and how it is doing: the
//! choice of versions from irvm's argument value tables, the record of each specialized
//! function (versions, their shares, guard hits and misses), and the rule that drops a
//! specialization whose guards keep missing. Thresholds are documented in docs/tiering.md.

use irvm::profile::{ArgValues, MemSizes};
use orc_bridge::memsize::{MAX_MEM_SITES, MAX_VERSIONED_SIZE};
use orc_bridge::specialize::{ARG_MISSES, GUARD_COUNTERS, LOOP_HITS, MAX_VERSIONS};
use orc_bridge::{Gain, MemVersion, Specialization, Version};

/// A parameter with one value of at least [`MIN_VERSION_SHARE`], covering at least this share
/// of its recorded calls, is a constant in every version.
pub const FIXED_SHARE: f64 = 0.90;
/// A parameter whose (at most [`MAX_VERSIONS`]) listed values each cover at least
/// [`MIN_VERSION_SHARE`] and together at least [`COVERED_SHARE`] of its calls gets one version
/// per value (the "lead" parameter: the one whose values cover the most).
pub const COVERED_SHARE: f64 = 0.90;
/// With a fixed parameter, a lead parameter none of whose values reaches this share of its
/// calls makes no versions (the fixed values alone do).
pub const SPREAD_LEAD_SHARE: f64 = 0.50;
/// A value rarer than this gets no version of its own.
pub const MIN_VERSION_SHARE: f64 = 0.02;
/// A specialization is dropped (the function recompiled without one, never specialized again)
/// once its guards missed at least [`DROP_MIN_MISSES`] times and more often than they hit, over
/// all its calls or over its latest window of calls.
pub const DROP_MIN_MISSES: u64 = 64;
/// Guarded calls per review window: the values a function is called with can change for good in
/// the middle of a run (app-tinyllama's `dot` is called with the model's width while `matmul` is
/// interpreted, with the head size only once `matmul` is compiled with `dot` pasted in), and the
/// hits of the earlier phase would hide the misses of the later one for the rest of the run.
pub const REVIEW_WINDOW: u64 = 16 * DROP_MIN_MISSES;

/// A memory call site whose size tables have one size in at least this share of its recorded
/// executions gets a size-versioned call (if the size is at most
/// `orc_bridge::memsize::MAX_VERSIONED_SIZE` bytes; at most `MAX_MEM_SITES` sites per function,
/// the most executed first).
pub const MEM_SIZE_SHARE: f64 = 0.80;

/// A size-versioned memory call as chosen (parallel to `Specialization::mem`).
#[derive(Clone, Debug, PartialEq)]
pub struct MemChoice {
    /// "memcpy", "memmove" or "memset" ("memory call" when linked from the object cache).
    pub op: &'static str,
    /// The size's share of the site's recorded executions (NaN: not known).
    pub share: f64,
}

/// A chosen specialization and how it is shown.
#[derive(Clone, Debug, PartialEq)]
pub struct Choice {
    pub spec: Specialization,
    /// Per version: its estimated share of calls (0..=1), from the value tables (NaN: not known,
    /// linked from the object cache).
    pub shares: Vec<f64>,
    /// Per size-versioned memory call (`spec.mem`): what it is and its size's share.
    pub mem: Vec<MemChoice>,
}

impl Choice {
    /// One line per size-versioned memory call: `memcpy at site 0 versioned for 64 bytes (98 %
    /// of calls)`.
    pub fn describe_mem(&self) -> Vec<String> {
        self.spec
            .mem
            .iter()
            .zip(&self.mem)
            .map(|(v, c)| {
                let share = if c.share.is_nan() {
                    String::new()
                } else {
                    format!(" ({} % of calls)", (c.share * 100.0).round())
                };
                format!("{} at site {} versioned for {} bytes{share}", c.op, v.site, v.size)
            })
            .collect()
    }

    /// `arg2=64 arg3=1 (94 % of calls), arg2=96 arg3=1 (6 %)`.
    pub fn describe(&self) -> String {
        let mut out = Vec::new();
        for (k, (v, share)) in self.spec.versions.iter().zip(&self.shares).enumerate() {
            let vals: Vec<String> = v.values.iter().map(|(p, x)| format!("arg{p}={}", *x as i64)).collect();
            let pct = (share * 100.0).round();
            out.push(match (k, share.is_nan()) {
                // Linked from the object cache: the shares were the compiling run's.
                (_, true) => vals.join(" "),
                (0, false) => format!("{} ({pct} % of calls)", vals.join(" ")),
                _ => format!("{} ({pct} %)", vals.join(" ")),
            });
        }
        out.join(", ")
    }
}

/// The parameter whose values lead the versions: one version per value.
struct Lead {
    param: u32,
    /// `(value, share of calls)`.
    values: Vec<(u64, f64)>,
    covered: f64,
}

/// The versions worth compiling for a function with these value tables, given that a table needs
/// at least `min_calls` recorded calls to count. `None`: no integer parameter is predictable.
pub fn choose(tables: &[ArgValues], min_calls: u64) -> Option<Choice> {
    let usable: Vec<&ArgValues> = tables.iter().filter(|t| !t.pointer && t.total() >= min_calls.max(1)).collect();
    let share = |t: &ArgValues, n: u64| n as f64 / t.total() as f64;
    let mut fixed: Vec<(u32, u64, f64)> = Vec::new();
    let mut lead: Option<Lead> = None;
    for t in usable {
        if counts_up(t) {
            continue;
        }
        let vals: Vec<(u64, f64)> = t
            .values
            .iter()
            .take(MAX_VERSIONS)
            .map(|v| (v.0, share(t, v.1)))
            .filter(|v| v.1 >= MIN_VERSION_SHARE)
            .collect();
        let covered: f64 = vals.iter().map(|v| v.1).sum();
        if vals.len() == 1 && covered >= FIXED_SHARE {
            fixed.push((t.param, vals[0].0, covered));
        } else if covered >= COVERED_SHARE && lead.as_ref().is_none_or(|l| covered > l.covered) {
            lead = Some(Lead { param: t.param, values: vals, covered });
        }
    }
    // Versions on a spread lead (no value in half its calls) on top of fixed parameters each
    // cover a minority of the calls, and a call with a value not seen yet misses them all; the
    // fixed values alone cover every call seen. `matmul` chosen from its first 5 calls (row
    // length 128 in all, row counts 64, 384 and 128) missed its classifier calls (1024 rows)
    // and `w2`'s with versions on the row count, which its row length alone would have taken.
    if !fixed.is_empty() && lead.as_ref().is_some_and(|l| l.values.iter().all(|v| v.1 < SPREAD_LEAD_SHARE)) {
        lead = None;
    }
    if fixed.is_empty() && lead.is_none() {
        return None;
    }
    let fixed_share: f64 = fixed.iter().map(|f| f.2).product();
    let with_fixed = |mut values: Vec<(u32, u64)>| {
        values.extend(fixed.iter().map(|f| (f.0, f.1)));
        values.sort_unstable();
        Version { values }
    };
    let (versions, shares) = match lead {
        Some(l) => l.values.iter().map(|&(v, s)| (with_fixed(vec![(l.param, v)]), s * fixed_share)).unzip(),
        None => (vec![with_fixed(Vec::new())], vec![fixed_share]),
    };
    Some(Choice {
        spec: Specialization { versions, mem: Vec::new(), jam: None, prefetch: None },
        shares,
        mem: Vec::new(),
    })
}

/// Whether every recorded call of a table had a value of its own (at least two calls): a
/// position or a counter (app-tinyllama's `model_forward` at its first tokens: `pos` 0, 1, 2,
/// 3), which no version would meet again, not a value the calls share.
fn counts_up(t: &ArgValues) -> bool {
    t.total() >= 2 && t.other == 0 && t.values.iter().all(|v| v.1 == 1)
}

/// The memory calls worth versioning by size, from a function's size tables (each needs at least
/// `min_calls` recorded executions): see [`MEM_SIZE_SHARE`].
pub fn choose_mem(tables: &[MemSizes], min_calls: u64) -> (Vec<MemVersion>, Vec<MemChoice>) {
    let mut picked: Vec<(u64, MemVersion, MemChoice)> = tables
        .iter()
        .filter(|t| t.total() >= min_calls.max(1))
        .filter_map(|t| {
            let &(size, n) = t.values.first()?;
            let share = n as f64 / t.total() as f64;
            (share >= MEM_SIZE_SHARE && size <= MAX_VERSIONED_SIZE).then_some((
                t.total(),
                MemVersion { site: t.site, size },
                MemChoice { op: t.op, share },
            ))
        })
        .collect();
    picked.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.site.cmp(&b.1.site)));
    picked.truncate(MAX_MEM_SITES);
    picked.sort_by_key(|p| p.1.site);
    picked.into_iter().map(|p| (p.1, p.2)).unzip()
}

/// Split `tables` by `gains` (per parameter, from `Jit::parameter_gains`): the tables of the
/// parameters whose constant improves the body, and the parameters that would be specialized
/// on their own ([`choose`]) but improve nothing (only copied, stored or passed on).
pub fn paying(tables: &[ArgValues], gains: &[Option<Gain>], min_calls: u64) -> (Vec<ArgValues>, Vec<u32>) {
    let (kept, dropped): (Vec<ArgValues>, Vec<ArgValues>) =
        tables.iter().cloned().partition(|t| gains.get(t.param as usize).copied().flatten().is_some());
    let useless =
        dropped.into_iter().filter(|t| choose(std::slice::from_ref(t), min_calls).is_some()).map(|t| t.param).collect();
    (kept, useless)
}

/// A function compiled with a specialization.
#[derive(Clone, Debug)]
pub struct Record {
    pub function: String,
    pub choice: Choice,
    /// Dropped: its guards kept missing; recompiled without a specialization.
    pub dropped: bool,
    /// Guard counts when it was dropped or replaced by a newer specialization of the function
    /// (which reuses the function's counter array).
    pub final_counts: Option<[u64; GUARD_COUNTERS]>,
    /// Total hits and misses when its current review window began ([`REVIEW_WINDOW`]).
    pub window: (u64, u64),
}

/// Hits per version and misses, from a guard-counter array.
pub fn hits_and_misses(counts: &[u64; GUARD_COUNTERS], versions: usize) -> (Vec<u64>, u64) {
    (counts[..versions].to_vec(), counts[ARG_MISSES])
}

/// Hits and misses of each of `sites` size-versioned memory calls, from a guard-counter array.
pub fn mem_hits_and_misses(counts: &[u64; GUARD_COUNTERS], sites: usize) -> Vec<(u64, u64)> {
    (0..sites.min(MAX_MEM_SITES)).map(|k| (counts[ARG_MISSES + 1 + 2 * k], counts[ARG_MISSES + 2 + 2 * k])).collect()
}

/// Whether the function's pointer arguments show its data reused across calls: each pointer
/// parameter with at least `min_calls` recorded calls takes the few addresses its table tracks in
/// at least [`COVERED_SHARE`] of them (a matrix or buffer used again and again, which can stay
/// in the cache between calls). A pointer with many addresses (app-tinyllama's `matmul`, one
/// weight matrix per layer and kind) streams its data through the cache; no pointer table at all
/// says nothing either way, and counts as streamed. Sets the working-set limit of the guarded
/// unroll-and-jam (`orc_bridge::Jam`): a nest whose rows are bandwidth-bound from memory is
/// jammed only when its data stays in the L2 cache.
pub fn reuses_its_data(tables: &[ArgValues], min_calls: u64) -> bool {
    let pointers: Vec<&ArgValues> = tables.iter().filter(|t| t.pointer && t.total() >= min_calls.max(1)).collect();
    !pointers.is_empty()
        && pointers.iter().all(|t| t.values.iter().map(|v| v.1).sum::<u64>() as f64 >= COVERED_SHARE * t.total() as f64)
}

/// The pointer parameters whose data a function streams: with at least `min_calls` calls
/// recorded, and the addresses its value table tracks covering less than [`COVERED_SHARE`] of
/// them (a new array most calls: app-tinyllama's `matmul`, one weight matrix per layer and
/// kind). Their loads are prefetched (`orc_bridge::Prefetch`). Unlike [`reuses_its_data`], no
/// table says nothing: a pointer counts only with its own evidence.
pub fn streamed_pointers(tables: &[ArgValues], min_calls: u64) -> Vec<u32> {
    tables
        .iter()
        .filter(|t| t.pointer && t.total() >= min_calls.max(1))
        .filter(|t| (t.values.iter().map(|v| v.1).sum::<u64>() as f64) < COVERED_SHARE * t.total() as f64)
        .map(|t| t.param)
        .collect()
}

/// Entries of the versions' loop nests that ran jammed and that ran as they were, from a
/// guard-counter array (not part of [`totals`]: a nest too large to jam is no wrong guess).
pub fn loop_hits_and_misses(counts: &[u64; GUARD_COUNTERS]) -> (u64, u64) {
    (counts[LOOP_HITS], counts[LOOP_HITS + 1])
}

/// All hits and all misses of a specialization (argument guards and size-versioned calls): what
/// [`keeps_missing`] and [`keeps_hitting`] judge.
pub fn totals(counts: &[u64; GUARD_COUNTERS], spec: &Specialization) -> (u64, u64) {
    let (hits, misses) = hits_and_misses(counts, spec.versions.len());
    let mem = mem_hits_and_misses(counts, spec.mem.len());
    (hits.iter().sum::<u64>() + mem.iter().map(|m| m.0).sum::<u64>(), misses + mem.iter().map(|m| m.1).sum::<u64>())
}

/// Whether a size-versioned call with these guard counts still has its size in at least
/// [`MEM_SIZE_SHARE`] of its executions (too few executions, fewer than [`DROP_MIN_MISSES`]:
/// yes, nothing is known against it).
pub fn still_dominant(hits: u64, misses: u64) -> bool {
    hits + misses < DROP_MIN_MISSES || hits as f64 >= MEM_SIZE_SHARE * (hits + misses) as f64
}

/// Whether a specialization with these counts should be dropped.
pub fn keeps_missing(hits: &[u64], misses: u64) -> bool {
    misses >= DROP_MIN_MISSES && misses > hits.iter().sum::<u64>()
}

/// Whether a live specialization with these counts is worth keeping when its function is
/// recompiled without fresh value tables: its versions took more calls than the generic path.
pub fn keeps_hitting(hits: &[u64], misses: u64) -> bool {
    hits.iter().sum::<u64>() > misses
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(param: u32, values: &[(u64, u64)], other: u64) -> ArgValues {
        ArgValues { param, bits: 32, pointer: false, values: values.to_vec(), other }
    }

    #[test]
    fn data_is_reused_when_every_pointer_takes_few_addresses() {
        let ptr =
            |param, values: &[(u64, u64)], other| ArgValues { pointer: true, bits: 64, ..table(param, values, other) };
        let few = [ptr(0, &[(0x1000, 60), (0x2000, 40)], 0), ptr(1, &[(0x3000, 100)], 0), table(3, &[(128, 100)], 0)];
        assert!(reuses_its_data(&few, 10));
        let streamed = [ptr(0, &[(0x1000, 100)], 0), ptr(2, &[(0x4000, 5), (0x5000, 5)], 90)];
        assert!(!reuses_its_data(&streamed, 10), "one pointer takes other addresses in 90 % of its calls");
        assert!(!reuses_its_data(&[table(3, &[(128, 100)], 0)], 10), "no pointer table: nothing known");
        assert!(!reuses_its_data(&[ptr(0, &[(0x1000, 5)], 0)], 10), "too few calls recorded");
    }

    #[test]
    fn a_pointer_streams_when_its_addresses_spread_over_its_calls() {
        let ptr =
            |param, values: &[(u64, u64)], other| ArgValues { pointer: true, bits: 64, ..table(param, values, other) };
        let t = [
            ptr(0, &[(0x1000, 100)], 0),
            ptr(2, &[(0x4000, 5), (0x5000, 5)], 90),
            ptr(3, &[(0x6000, 80)], 20),
            table(4, &[(1, 5)], 95),
            ptr(5, &[(0x7000, 1)], 3),
        ];
        // arg2: 10 % of its calls at tracked addresses; arg3: 80 % (under 90 %: streamed too);
        // arg4 is an integer; arg5 has too few calls to say.
        assert_eq!(streamed_pointers(&t, 10), vec![2, 3]);
        assert_eq!(streamed_pointers(&[], 10), Vec::<u32>::new());
    }

    #[test]
    fn a_dominant_value_is_fixed_and_a_few_values_lead_versions() {
        let t = [table(2, &[(64, 94), (96, 6)], 0), table(3, &[(1, 100)], 0)];
        let c = choose(&t, 10).expect("specialized");
        assert_eq!(c.spec.key(), "p2=64,p3=1;p2=96,p3=1");
        assert_eq!(c.describe(), "arg2=64 arg3=1 (94 % of calls), arg2=96 arg3=1 (6 %)");
    }

    #[test]
    fn a_spread_lead_makes_no_versions_beside_a_fixed_parameter() {
        // matmul's first 5 calls: row length 128 in all, row counts 128, 64, 64, 128, 384.
        let t = [table(3, &[(128, 5)], 0), table(4, &[(64, 2), (128, 2), (384, 1)], 0)];
        assert_eq!(choose(&t, 4).expect("specialized").spec.key(), "p3=128");
        // Without the fixed parameter the spread one still leads versions.
        assert_eq!(choose(&t[1..], 4).expect("specialized").spec.versions.len(), 3);
        // A lead with a majority value keeps its versions beside the fixed one.
        let t = [table(3, &[(128, 10)], 0), table(4, &[(64, 6), (128, 4)], 0)];
        assert_eq!(choose(&t, 4).expect("specialized").spec.key(), "p3=128,p4=64;p3=128,p4=128");
    }

    #[test]
    fn spread_values_pointers_and_thin_tables_are_not_specialized() {
        assert_eq!(choose(&[table(0, &[(1, 30), (2, 30), (3, 30), (4, 10)], 30)], 10), None);
        assert_eq!(choose(&[table(0, &[(7, 5)], 0)], 10), None);
        // A position: every call its own value.
        assert_eq!(choose(&[table(1, &[(0, 1), (1, 1), (2, 1), (3, 1)], 0)], 4), None);
        assert!(choose(&[table(1, &[(0, 1), (1, 1), (2, 2)], 0)], 4).is_some(), "a value repeats");
        let mut p = table(0, &[(0x1000, 100)], 0);
        p.pointer = true;
        assert_eq!(choose(&[p], 10), None);
    }

    #[test]
    fn only_parameters_with_a_gain_are_kept_and_predictable_useless_ones_are_named() {
        // arg2: 64 in every call, a loop bound; arg3: 7 in every call, only stored; arg4: spread.
        let t = [table(2, &[(64, 100)], 0), table(3, &[(7, 100)], 0), table(4, &[(1, 30), (2, 30)], 40)];
        let gains = [None, None, Some(Gain::LoopBound), None, None];
        let (kept, useless) = paying(&t, &gains, 10);
        assert_eq!(useless, vec![3]);
        assert_eq!(choose(&kept, 10).expect("specialized").spec.key(), "p2=64");
        let (kept, useless) = paying(&t[1..], &gains, 10);
        assert_eq!((choose(&kept, 10), useless), (None, vec![3]));
    }

    #[test]
    fn a_dominant_small_size_is_versioned_and_spread_or_large_sizes_are_not() {
        let t = |site, values: &[(u64, u64)], other| MemSizes { site, op: "memcpy", values: values.to_vec(), other };
        // site 0: 64 bytes in 90 %; site 1: spread; site 2: 4096 bytes always; site 3: thin.
        let tables =
            [t(0, &[(64, 90), (8, 10)], 0), t(1, &[(8, 50), (16, 50)], 0), t(2, &[(4096, 100)], 0), t(3, &[(8, 5)], 0)];
        let (versions, choices) = choose_mem(&tables, 10);
        assert_eq!(versions, vec![MemVersion { site: 0, size: 64 }]);
        let c = Choice {
            spec: Specialization { versions: Vec::new(), mem: versions, jam: None, prefetch: None },
            shares: Vec::new(),
            mem: choices,
        };
        assert_eq!(c.describe_mem(), vec!["memcpy at site 0 versioned for 64 bytes (90 % of calls)".to_string()]);
        // Counters: argument misses, then hits and misses per site.
        let mut counts = [0u64; GUARD_COUNTERS];
        counts[ARG_MISSES + 1] = 70;
        counts[ARG_MISSES + 2] = 80;
        assert_eq!(mem_hits_and_misses(&counts, 1), vec![(70, 80)]);
        assert_eq!(totals(&counts, &c.spec), (70, 80));
        assert!(keeps_missing(&[70], 80));
        assert!(still_dominant(10, 20) && still_dominant(80, 20) && !still_dominant(79, 21));
    }

    #[test]
    fn a_specialization_is_dropped_only_when_misses_dominate() {
        assert!(!keeps_missing(&[100, 5], 90));
        assert!(!keeps_missing(&[1], 10));
        assert!(keeps_missing(&[10, 5], 64));
        assert!(keeps_hitting(&[10, 5], 14) && !keeps_hitting(&[0, 0], 0) && !keeps_hitting(&[3], 3));
    }
}
