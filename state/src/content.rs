//! What a `bareflow run --state` snapshot holds, as sections of the store's container
//! (docs/state.md "Run snapshots"): `meta.json` (run count and the cache key's parts),
//! `profile.json` (the profile aggregated over all runs, tier per function), `objects.json`
//! (the object cache's index) and one `obj/<function>.<level>` section per cached object.
//! Pure data: no LLVM, so `bareflow snapshot show` reads it in every build.

use crate::codec::Snapshot;
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// Version of the sections' JSON layout.
pub const FORMAT: u64 = 1;

/// Which program and machine a snapshot is for: the parts of every object's cache key shared
/// by all objects.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Identity {
    /// The program's name as given (informative only; not part of the key).
    pub program: String,
    /// [`bitcode_hash`] of the program's bytes.
    pub bitcode_hash: String,
    pub llvm_version: String,
    pub cpu: String,
    pub features: String,
}

/// One function's profile summed over runs.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FuncRecord {
    /// Calls counted by irvm (calls between native code at its top tier are not counted).
    pub calls: u64,
    /// Heat: calls + loop back-edges taken in interpreted code.
    pub heat: u64,
    /// Inclusive TSC cycles of outermost activations (irvm's timing).
    pub cycles: u64,
    /// Runs in which it was executed: entered at least once, compiled, or inlined into the
    /// compiled code of a function executed in that run (see `inlined`).
    pub runs: u64,
    /// Tier at the end of the last run: `None` = interpreted, `Some(0..=3)` = O0..O3.
    pub tier: Option<u8>,
    /// irvm's edge counters of its lowered code (branch weights, back-edges), summed.
    pub counters: Vec<u64>,
    /// Size tables of its memory call sites, summed (`memsizes`).
    pub mem_sizes: Vec<crate::memsizes::MemSiteRecord>,
    /// Other app functions whose bodies some compile of it inlined (any run; sorted, once each).
    /// Their copies run when it does, without irvm seeing them entered, so a run that executes
    /// this function counts them as executed too (a function that only ever ran inlined is not
    /// dead code). Saved only when not empty.
    pub inlined: Vec<String>,
}

/// A cached JIT object: what `orc_bridge::Jit::add_object` needs to re-link it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CachedObject {
    pub function: String,
    pub level: u8,
    /// Its symbol in the JIT (`<function>.bf.O<level>.<n>`).
    pub symbol: String,
    /// `__bf.*` host symbols it refers to.
    pub host_symbols: Vec<String>,
    /// The guarded specialization it is (its versions' argument values, as
    /// `orc_bridge::Specialization::key` writes them: `p2=64,p3=1;p2=96,p3=1`); empty: none.
    pub specialization: String,
    /// [`object_key`] at the time it was compiled.
    pub key: String,
    pub bytes: Vec<u8>,
}

/// The whole program rebuilt once the profile was stable (the driver's `aot::whole`): live functions only,
/// O3 with the aggregated profile, for the snapshot's CPU. Kept while the tiers and the dead set
/// stay what they were when it was built (`shape`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Converged {
    /// The run at whose end it was built.
    pub runs: u64,
    /// [`RunState::shape`] then.
    pub shape: String,
    pub live: Vec<String>,
    pub dead: Vec<String>,
    pub object: Vec<u8>,
}

/// Everything a run snapshot holds.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RunState {
    pub identity: Identity,
    /// Runs (boots) recorded so far, this one included once saved.
    pub runs: u64,
    pub functions: BTreeMap<String, FuncRecord>,
    pub objects: Vec<CachedObject>,
    /// Runtime coverage samples aggregated over runs (`bareflow run --runtime-coverage`), if any.
    pub coverage: Option<Value>,
    pub converged: Option<Converged>,
}

/// Hash of a program's bitcode: FNV-1a 64 and CRC-32 of the bytes, and their length
/// (`fnv1a64:<16 hex>-crc32:<8 hex>-len:<n>`). Detects any other bitcode, not an adversary.
pub fn bitcode_hash(bytes: &[u8]) -> String {
    format!("fnv1a64:{:016x}-crc32:{:08x}-len:{}", fnv1a64(bytes), crc32fast::hash(bytes), bytes.len())
}

fn fnv1a64(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

/// The cache key of one object: bitcode hash + function + opt level + LLVM version + CPU name
/// and features (+ the specialized values, when it is a specialization), hashed to 16 hex digits.
pub fn object_key(id: &Identity, function: &str, level: u8, specialization: &str) -> String {
    let mut s = format!("{}\n{function}\nO{level}\n{}\n{}\n{}", id.bitcode_hash, id.llvm_version, id.cpu, id.features);
    if !specialization.is_empty() {
        s.push_str("\nspecialized ");
        s.push_str(specialization);
    }
    format!("{:016x}", fnv1a64(s.as_bytes()))
}

fn tier_str(t: Option<u8>) -> String {
    t.map_or("interp".into(), |l| format!("O{l}"))
}

/// A run snapshot that cannot be decoded: what is wrong, naming the section (and entry).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ContentError {
    /// A section the snapshot must have is not there.
    MissingSection(String),
    /// A section is not valid JSON.
    BadJson { section: String, error: String },
    /// The snapshot is of another format version than this bareflow reads.
    Format { found: u64 },
    /// A field is missing, of the wrong kind, or names something absent (the message says which).
    Field(String),
}

impl std::fmt::Display for ContentError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ContentError::MissingSection(name) => write!(f, "no '{name}' section"),
            ContentError::BadJson { section, error } => write!(f, "section '{section}': {error}"),
            ContentError::Format { found } => {
                write!(f, "meta.json: format {found}, this bareflow reads format {FORMAT}")
            }
            ContentError::Field(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for ContentError {}

fn field(msg: String) -> ContentError {
    ContentError::Field(msg)
}

fn parse_tier(s: &str) -> Result<Option<u8>, String> {
    match s {
        "interp" => Ok(None),
        "O0" | "O1" | "O2" | "O3" => Ok(Some(s.as_bytes()[1] - b'0')),
        _ => Err(format!("unknown tier '{s}'")),
    }
}

fn section_json(snap: &Snapshot, name: &str) -> Result<Value, ContentError> {
    let bytes = snap.sections.get(name).ok_or_else(|| ContentError::MissingSection(name.to_string()))?;
    serde_json::from_slice(bytes).map_err(|e| ContentError::BadJson { section: name.to_string(), error: e.to_string() })
}

fn converged_of(snap: &Snapshot) -> Result<Converged, ContentError> {
    let what = "converged.json";
    let c = section_json(snap, what)?;
    let names = |name: &str| -> Result<Vec<String>, ContentError> {
        c[name]
            .as_array()
            .ok_or_else(|| field(format!("{what}: '{name}' missing or not a list")))?
            .iter()
            .map(|s| {
                s.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| field(format!("{what}: a name in '{name}' is not a string")))
            })
            .collect()
    };
    let section = str_of(&c, "section", what)?;
    let object =
        snap.sections.get(&section).ok_or_else(|| field(format!("{what}: section '{section}' missing")))?.clone();
    Ok(Converged {
        runs: u64_of(&c, "runs", what)?,
        shape: str_of(&c, "shape", what)?,
        live: names("live")?,
        dead: names("dead")?,
        object,
    })
}

fn str_of(v: &Value, name: &str, what: &str) -> Result<String, ContentError> {
    v[name].as_str().map(str::to_string).ok_or_else(|| field(format!("{what}: '{name}' missing or not a string")))
}

fn u64_of(v: &Value, name: &str, what: &str) -> Result<u64, ContentError> {
    v[name].as_u64().ok_or_else(|| field(format!("{what}: '{name}' missing or not a number")))
}

/// Whether a list field must be present ([`list_of`]).
#[derive(Clone, Copy, PartialEq)]
enum Presence {
    Required,
    /// Absent in snapshots of older binaries (and left out when empty): an empty list.
    Optional,
}

/// The list field `name` of `v`, each entry decoded by `item` (which names the entry's problem).
fn list_of<T>(
    v: &Value,
    name: &str,
    what: &str,
    presence: Presence,
    item: impl Fn(&Value) -> Result<T, ContentError>,
) -> Result<Vec<T>, ContentError> {
    match &v[name] {
        Value::Null if presence == Presence::Optional => Ok(Vec::new()),
        Value::Array(a) => a.iter().map(item).collect(),
        Value::Null => Err(field(format!("{what}: '{name}' missing"))),
        _ => Err(field(format!("{what}: '{name}' is not a list"))),
    }
}

/// A string entry of a list field.
fn string_entry(v: &Value, entry: &str, what: &str) -> Result<String, ContentError> {
    v.as_str().map(str::to_string).ok_or_else(|| field(format!("{what}: {entry} is not a string")))
}

impl RunState {
    /// Whether `snap` looks like a run snapshot at all (others are "foreign").
    pub fn is_run_snapshot(snap: &Snapshot) -> bool {
        snap.sections.contains_key("meta.json")
    }

    /// Encode as sections.
    pub fn to_snapshot(&self) -> Snapshot {
        let mut s = Snapshot::default();
        let id = &self.identity;
        let meta = json!({
            "format": FORMAT, "runs": self.runs, "program": id.program, "bitcode_hash": id.bitcode_hash,
            "llvm_version": id.llvm_version, "cpu": id.cpu, "features": id.features,
        });
        s.sections.insert("meta.json".into(), serde_json::to_vec_pretty(&meta).expect("json"));
        let funcs: Vec<Value> = self
            .functions
            .iter()
            .map(|(n, r)| {
                let mut f = json!({"name": n, "calls": r.calls, "heat": r.heat, "cycles": r.cycles, "runs": r.runs, "tier": tier_str(r.tier), "counters": r.counters});
                if !r.mem_sizes.is_empty() {
                    f["mem_sizes"] = r.mem_sizes.iter().map(crate::memsizes::MemSiteRecord::to_json).collect();
                }
                if !r.inlined.is_empty() {
                    f["inlined"] = json!(r.inlined);
                }
                f
            })
            .collect();
        s.sections
            .insert("profile.json".into(), serde_json::to_vec_pretty(&json!({ "functions": funcs })).expect("json"));
        let mut index = Vec::new();
        for o in &self.objects {
            let section = format!("obj/{}.O{}", o.function, o.level);
            index.push(json!({"function": o.function, "level": format!("O{}", o.level), "symbol": o.symbol,
                "host_symbols": o.host_symbols, "specialization": o.specialization, "key": o.key, "section": section}));
            s.sections.insert(section, o.bytes.clone());
        }
        s.sections.insert("objects.json".into(), serde_json::to_vec_pretty(&Value::from(index)).expect("json"));
        if let Some(c) = &self.coverage {
            s.sections.insert("coverage.json".into(), serde_json::to_vec(c).expect("json"));
        }
        if let Some(c) = &self.converged {
            let meta = json!({"runs": c.runs, "shape": c.shape, "live": c.live, "dead": c.dead, "section": "converged/program.o"});
            s.sections.insert("converged.json".into(), serde_json::to_vec_pretty(&meta).expect("json"));
            s.sections.insert("converged/program.o".into(), c.object.clone());
        }
        s
    }

    /// Decode from sections; errors say which section or field is wrong.
    pub fn from_snapshot(snap: &Snapshot) -> Result<RunState, ContentError> {
        let meta = section_json(snap, "meta.json")?;
        let format = u64_of(&meta, "format", "meta.json")?;
        if format != FORMAT {
            return Err(ContentError::Format { found: format });
        }
        let identity = Identity {
            program: str_of(&meta, "program", "meta.json")?,
            bitcode_hash: str_of(&meta, "bitcode_hash", "meta.json")?,
            llvm_version: str_of(&meta, "llvm_version", "meta.json")?,
            cpu: str_of(&meta, "cpu", "meta.json")?,
            features: str_of(&meta, "features", "meta.json")?,
        };
        let runs = u64_of(&meta, "runs", "meta.json")?;
        let prof = section_json(snap, "profile.json")?;
        let mut functions = BTreeMap::new();
        for f in prof["functions"]
            .as_array()
            .ok_or_else(|| field("profile.json: 'functions' missing or not a list".into()))?
        {
            let name = str_of(f, "name", "profile.json")?;
            let what = format!("profile.json: function '{name}'");
            let tier = parse_tier(&str_of(f, "tier", &what)?).map_err(|e| field(format!("{what}: {e}")))?;
            let r = FuncRecord {
                calls: u64_of(f, "calls", &what)?,
                heat: u64_of(f, "heat", &what)?,
                cycles: u64_of(f, "cycles", &what)?,
                runs: u64_of(f, "runs", &what)?,
                tier,
                counters: list_of(f, "counters", &what, Presence::Required, |c| {
                    c.as_u64().ok_or_else(|| field(format!("{what}: a counter is not a number")))
                })?,
                mem_sizes: list_of(f, "mem_sizes", &what, Presence::Optional, |m| {
                    crate::memsizes::MemSiteRecord::from_json(m, &what)
                })?,
                inlined: list_of(f, "inlined", &what, Presence::Optional, |n| {
                    string_entry(n, "an 'inlined' name", &what)
                })?,
            };
            functions.insert(name, r);
        }
        let index = section_json(snap, "objects.json")?;
        let mut objects = Vec::new();
        for o in index.as_array().ok_or_else(|| field("objects.json: not a list".into()))? {
            let function = str_of(o, "function", "objects.json")?;
            let what = format!("objects.json: object of '{function}'");
            let level = parse_tier(&str_of(o, "level", &what)?)
                .map_err(|e| field(format!("{what}: {e}")))?
                .ok_or_else(|| field(format!("{what}: level 'interp'")))?;
            let section = str_of(o, "section", &what)?;
            let bytes = snap
                .sections
                .get(&section)
                .ok_or_else(|| field(format!("{what}: section '{section}' missing")))?
                .clone();
            let host_symbols =
                list_of(o, "host_symbols", &what, Presence::Required, |s| string_entry(s, "a host symbol", &what))?;
            objects.push(CachedObject {
                // Absent in snapshots written before specializations existed: none.
                specialization: o["specialization"].as_str().unwrap_or_default().to_string(),
                symbol: str_of(o, "symbol", &what)?,
                key: str_of(o, "key", &what)?,
                function,
                level,
                host_symbols,
                bytes,
            });
        }
        let coverage =
            if snap.sections.contains_key("coverage.json") { Some(section_json(snap, "coverage.json")?) } else { None };
        let converged = if snap.sections.contains_key("converged.json") { Some(converged_of(snap)?) } else { None };
        Ok(RunState { identity, runs, functions, objects, coverage, converged })
    }

    /// Why this snapshot cannot be used by a run of `now` (None: it can).
    pub fn mismatch(&self, now: &Identity) -> Option<String> {
        let s = &self.identity;
        let differs = |what: &str, a: &str, b: &str| Some(format!("{what} differs (snapshot '{a}', this run '{b}')"));
        if s.bitcode_hash != now.bitcode_hash {
            return differs("program bitcode hash", &s.bitcode_hash, &now.bitcode_hash);
        }
        if s.llvm_version != now.llvm_version {
            return differs("LLVM version", &s.llvm_version, &now.llvm_version);
        }
        if s.cpu != now.cpu {
            return differs("CPU", &s.cpu, &now.cpu);
        }
        if s.features != now.features {
            return Some("CPU features differ".into());
        }
        None
    }

    /// What a rebuilt whole program depends on besides the profile's counts: the program, LLVM and
    /// CPU, each function's tier, the dead set and the guarded specializations of the object
    /// cache (the rebuild keeps them) (16 hex digits).
    pub fn shape(&self) -> String {
        let id = &self.identity;
        let mut s = format!("{}\n{}\n{}\n{}\n", id.bitcode_hash, id.llvm_version, id.cpu, id.features);
        for (n, r) in &self.functions {
            s += &format!("{n} {} {}\n", tier_str(r.tier), r.runs > 0);
        }
        let mut specialized: Vec<String> = self
            .objects
            .iter()
            .filter(|o| !o.specialization.is_empty())
            .map(|o| format!("{} specialized {}\n", o.function, o.specialization))
            .collect();
        specialized.sort();
        s.extend(specialized);
        format!("{:016x}", fnv1a64(s.as_bytes()))
    }

    /// App functions never executed in any run, by name.
    pub fn dead(&self) -> Vec<&str> {
        self.functions.iter().filter(|(_, r)| r.runs == 0).map(|(n, _)| n.as_str()).collect()
    }

    /// Functions per tier: [interp, O0, O1, O2, O3].
    pub fn per_tier(&self) -> [usize; 5] {
        let mut n = [0; 5];
        for r in self.functions.values() {
            n[r.tier.map_or(0, |l| l as usize + 1)] += 1;
        }
        n
    }

    /// A readable description (`bareflow snapshot show`).
    pub fn describe(&self) -> String {
        use std::fmt::Write;
        let id = &self.identity;
        let mut s = String::new();
        let _ = writeln!(s, "run snapshot: program {}, {} run(s)", id.program, self.runs);
        let _ = writeln!(
            s,
            "  bitcode {}\n  LLVM {}, CPU {} ({} features enabled)",
            id.bitcode_hash,
            id.llvm_version,
            id.cpu,
            id.features.split(',').filter(|f| f.starts_with('+')).count()
        );
        let t = self.per_tier();
        let _ = writeln!(
            s,
            "  functions: {} (interp {}, O0 {}, O1 {}, O2 {}, O3 {})",
            self.functions.len(),
            t[0],
            t[1],
            t[2],
            t[3],
            t[4]
        );
        let mut rows: Vec<(&String, &FuncRecord)> = self.functions.iter().collect();
        rows.sort_by(|a, b| b.1.heat.cmp(&a.1.heat).then(a.0.cmp(b.0)));
        let _ = writeln!(s, "  {:>6} {:>14} {:>14} {:>16} {:>5}  function", "tier", "calls", "heat", "cycles", "runs");
        for (n, r) in rows {
            let _ = writeln!(
                s,
                "  {:>6} {:>14} {:>14} {:>16} {:>5}  {n}",
                tier_str(r.tier),
                r.calls,
                r.heat,
                r.cycles,
                r.runs
            );
        }
        for (n, r) in self.functions.iter().filter(|(_, r)| !r.inlined.is_empty()) {
            let _ = writeln!(s, "  {n}'s compiled code inlined (run whenever it runs): {}", r.inlined.join(", "));
        }
        let _ = writeln!(
            s,
            "  object cache: {} object(s), {} bytes",
            self.objects.len(),
            self.objects.iter().map(|o| o.bytes.len()).sum::<usize>()
        );
        for o in &self.objects {
            let ok =
                if o.key == object_key(id, &o.function, o.level, &o.specialization) { "" } else { " (KEY MISMATCH)" };
            let _ = writeln!(
                s,
                "    {} O{}{}: {} bytes, symbol {}, key {}{ok}, {} host symbol(s)",
                o.function,
                o.level,
                if o.specialization.is_empty() { String::new() } else { format!(" specialized {}", o.specialization) },
                o.bytes.len(),
                o.symbol,
                o.key,
                o.host_symbols.len()
            );
        }
        if let Some(c) = &self.converged {
            let stale =
                if c.shape == self.shape() { "" } else { " (STALE: tiers, dead set or specializations changed since)" };
            let _ = writeln!(
                s,
                "  converged module: built at the end of run {}, {} live / {} dead function(s), object {} bytes{stale}",
                c.runs,
                c.live.len(),
                c.dead.len(),
                c.object.len()
            );
        }
        let dead = self.dead();
        let _ = writeln!(
            s,
            "  dead code: {} of {} function(s) never executed in {} run(s){}",
            dead.len(),
            self.functions.len(),
            self.runs,
            if dead.is_empty() { "" } else { ":" }
        );
        for d in dead {
            let _ = writeln!(s, "    {d}");
        }
        if let Some(c) = &self.coverage {
            let _ = writeln!(
                s,
                "  runtime coverage: {} samples, {} runtime functions sampled (binary {})",
                c["samples"],
                c["functions"].as_object().map_or(0, |f| f.len()),
                c["binary"]
            );
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> RunState {
        let identity = Identity {
            program: "p.bc".into(),
            bitcode_hash: bitcode_hash(b"abc"),
            llvm_version: "19.1.7".into(),
            cpu: "znver3".into(),
            features: "+avx2,-avx512f".into(),
        };
        let mut functions = BTreeMap::new();
        functions.insert(
            "hot".into(),
            FuncRecord {
                calls: 10,
                heat: 500,
                cycles: 1234,
                runs: 2,
                tier: Some(3),
                counters: vec![0, 7, 3],
                mem_sizes: vec![crate::memsizes::MemSiteRecord {
                    site: 1,
                    op: "memcpy".into(),
                    values: vec![(64, 9)],
                    other: 1,
                }],
                inlined: vec!["small".into()],
            },
        );
        functions.insert("small".into(), FuncRecord { runs: 2, ..FuncRecord::default() });
        functions.insert("never".into(), FuncRecord::default());
        let key = object_key(&identity, "hot", 3, "p1=8");
        let objects = vec![CachedObject {
            specialization: "p1=8".into(),
            function: "hot".into(),
            level: 3,
            symbol: "hot.bf.O3.4".into(),
            host_symbols: vec!["__bf.gv.0.x".into()],
            key,
            bytes: vec![0x7f, b'E', b'L', b'F'],
        }];
        let converged = Some(Converged {
            runs: 2,
            shape: "0123456789abcdef".into(),
            live: vec!["hot".into()],
            dead: vec!["never".into()],
            object: vec![0x7f, b'E', b'L', b'F', 1],
        });
        RunState { identity, runs: 2, functions, objects, coverage: Some(json!({"samples": 3})), converged }
    }

    #[test]
    fn round_trip_through_sections() {
        let s = sample();
        let snap = Snapshot::decode(&s.to_snapshot().encode()).unwrap();
        assert_eq!(RunState::from_snapshot(&snap).unwrap(), s);
        assert_eq!(s.dead(), vec!["never"]);
        assert_eq!(s.per_tier(), [2, 0, 0, 0, 1]);
        assert!(s.describe().contains("never"), "{}", s.describe());
        assert!(s.describe().contains("hot's compiled code inlined (run whenever it runs): small"), "{}", s.describe());
    }

    #[test]
    fn mismatches_are_named() {
        let s = sample();
        assert_eq!(s.mismatch(&s.identity), None);
        let mut other = s.identity.clone();
        other.bitcode_hash = bitcode_hash(b"abd");
        assert!(s.mismatch(&other).unwrap().starts_with("program bitcode hash differs"));
        let mut other = s.identity.clone();
        other.cpu = "skylake".into();
        assert!(s.mismatch(&other).unwrap().contains("CPU differs"));
        let mut other = s.identity.clone();
        other.llvm_version = "18.1.8".into();
        assert!(s.mismatch(&other).unwrap().contains("LLVM version"));
        assert_ne!(object_key(&s.identity, "hot", 3, ""), object_key(&s.identity, "hot", 2, ""));
        assert_ne!(object_key(&s.identity, "hot", 3, "p1=8"), object_key(&s.identity, "hot", 3, "p1=9"));
    }

    #[test]
    fn foreign_and_damaged_snapshots_are_rejected_with_a_reason() {
        let mut foreign = Snapshot::default();
        foreign.sections.insert("counter".into(), b"3".to_vec());
        assert!(!RunState::is_run_snapshot(&foreign));
        assert!(RunState::from_snapshot(&foreign).unwrap_err().to_string().contains("meta.json"));
        let mut snap = sample().to_snapshot();
        snap.sections.remove("obj/hot.O3");
        assert!(RunState::from_snapshot(&snap).unwrap_err().to_string().contains("obj/hot.O3"));
        let mut snap = sample().to_snapshot();
        snap.sections.insert("meta.json".into(), b"{\"format\": 99}".to_vec());
        assert!(RunState::from_snapshot(&snap).unwrap_err().to_string().contains("format 99"));
        // List fields: a required one missing, one of the wrong kind, a bad entry; optional ones absent.
        let edit = |section: &str, change: &dyn Fn(&mut Value)| {
            let mut snap = sample().to_snapshot();
            let mut v: Value = serde_json::from_slice(&snap.sections[section]).unwrap();
            change(&mut v);
            snap.sections.insert(section.into(), serde_json::to_vec(&v).unwrap());
            RunState::from_snapshot(&snap).map_err(|e| e.to_string())
        };
        let e = edit("objects.json", &|v| drop(v[0].as_object_mut().unwrap().remove("host_symbols"))).unwrap_err();
        assert!(e.ends_with("objects.json: object of 'hot': 'host_symbols' missing"), "{e}");
        let e = edit("profile.json", &|v| v["functions"][0]["counters"] = json!("3")).unwrap_err();
        assert!(e.ends_with("'counters' is not a list"), "{e}");
        let e = edit("profile.json", &|v| v["functions"][0]["inlined"] = json!([1])).unwrap_err();
        assert!(e.ends_with("an 'inlined' name is not a string"), "{e}");
        let old = edit("profile.json", &|v| {
            for f in v["functions"].as_array_mut().unwrap() {
                let f = f.as_object_mut().unwrap();
                f.remove("mem_sizes");
                f.remove("inlined");
            }
        })
        .unwrap();
        assert!(old.functions.values().all(|f| f.mem_sizes.is_empty() && f.inlined.is_empty()));
    }
}
