//! The profile of a run: per function calls, executed IR instructions, inclusive/exclusive cycles,
//! per-block execution counts, per-branch edge counts (taken / not taken, switch cases) and loop
//! back-edge counts, all reconstructed exactly from the edge counters the branch handlers bump.
//! Argument value tables of tiering candidates (`values`).
//! Exported as JSON (`json`, schema in docs/irvm.md) and as a text table (`table`).

mod json;
mod memsizes;
mod table;
pub(crate) mod values;

pub use memsizes::MemSizes;
pub use values::{ArgValues, TOP_K};

use crate::translate::BranchKind;
use crate::vm::Machine;
use serde::Serialize;

/// One edge out of a block's terminator.
#[derive(Serialize, Clone, Debug)]
pub struct Edge {
    /// Successor block index.
    pub to: u32,
    pub count: u64,
    /// A loop back edge (retreating edge of a depth-first walk from the entry).
    pub back: bool,
}

/// The counters of one terminator (`br`, conditional `br`, `switch`).
#[derive(Serialize, Clone, Debug)]
pub struct Branch {
    /// Index of the block (in LLVM's block order) this terminator ends.
    pub block: u32,
    /// "jump", "cond" or "switch".
    pub kind: &'static str,
    /// cond: [true edge, false edge]; switch: [default, case 0, case 1, ...] in LLVM's order.
    pub edges: Vec<Edge>,
    /// switch: the case values (as unsigned integers), in LLVM's order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cases: Vec<u64>,
}

/// A basic block's execution count.
#[derive(Serialize, Clone, Debug)]
pub struct Block {
    pub index: u32,
    pub name: String,
    pub count: u64,
    pub instructions: u32,
}

/// A loop, identified by its header block; its back edges and how often they ran.
#[derive(Serialize, Clone, Debug)]
pub struct Loop {
    pub header: u32,
    pub header_name: String,
    /// Times the header block ran.
    pub header_count: u64,
    /// Total count of the back edges into the header.
    pub back_edge_count: u64,
    /// Times the loop was entered from outside (header_count - back_edge_count).
    pub entries: u64,
    /// Source blocks of the back edges.
    pub latches: Vec<u32>,
}

/// Everything recorded for one function.
#[derive(Serialize, Clone, Debug)]
pub struct Function {
    pub name: String,
    /// "interpreted" or "native".
    pub kind: &'static str,
    pub calls: u64,
    /// Executed IR instructions (interpreted functions).
    pub instructions: u64,
    pub inclusive_cycles: u64,
    pub exclusive_cycles: u64,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub blocks: Vec<Block>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub branches: Vec<Branch>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub loops: Vec<Loop>,
    /// Activations that left the interpreter at a loop header to finish in native code (OSR,
    /// see docs/tiering.md); their counts stop there.
    #[serde(skip_serializing_if = "is_zero")]
    pub osr_entries: u64,
    /// Value tables of the integer and pointer parameters (`values`: tiering only, from the
    /// calls that came near a tier mark).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub arg_values: Vec<ArgValues>,
    /// Size tables of the memory call sites with a variable size (`memsizes`: tiering only,
    /// like `arg_values`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub mem_sizes: Vec<MemSizes>,
}

/// A whole run.
/// What lowering (LLVM IR to irvm code, once per function, on its first call) cost in a run.
#[derive(Serialize, Clone, Copy, Debug, Default, PartialEq)]
pub struct LoweringCost {
    /// Functions lowered.
    pub functions: u64,
    /// Wall-clock microseconds spent lowering them.
    pub micros: f64,
}

impl LoweringCost {
    /// Count one function lowered in `took`.
    pub(crate) fn add(&mut self, took: std::time::Duration) {
        self.functions += 1;
        self.micros += took.as_secs_f64() * 1e6;
    }

    /// Mean microseconds per function lowered (0 if none was).
    pub fn micros_per_function(&self) -> f64 {
        if self.functions == 0 { 0.0 } else { self.micros / self.functions as f64 }
    }
}

#[derive(Serialize, Clone, Debug)]
pub struct Profile {
    pub schema: &'static str,
    pub program: String,
    pub tier: &'static str,
    /// Exit status, if the program ended normally.
    pub exit_status: Option<i32>,
    pub total_cycles: u64,
    /// Cycles spent lowering functions to irvm code (part of total_cycles, not of any function).
    pub translate_cycles: u64,
    /// Functions lowered to irvm code, and the wall-clock time that took.
    pub lowering: LoweringCost,
    /// Every function that ran, sorted by exclusive cycles (descending).
    pub functions: Vec<Function>,
}

impl Profile {
    /// Collect the profile of machine `m` (after or during a run).
    pub fn collect(m: &Machine, exit_status: Option<i32>) -> Profile {
        let mut functions = Vec::new();
        for (i, st) in m.stats.iter().enumerate() {
            let calls = m.call_count(i);
            if calls == 0 {
                continue;
            }
            let entry = m.prog.funcs.get(i);
            let code = entry.and_then(|e| e.code.as_deref());
            let mut f = Function {
                name: m.func_name(i).to_string(),
                kind: if code.is_some() { "interpreted" } else { "native" },
                calls,
                instructions: 0,
                inclusive_cycles: st.incl,
                exclusive_cycles: st.excl.max(0) as u64,
                blocks: Vec::new(),
                branches: Vec::new(),
                loops: Vec::new(),
                osr_entries: st.osr_entries,
                arg_values: m.arg_values(crate::isa::FuncId(i as u32)),
                mem_sizes: m.mem_sizes(crate::isa::FuncId(i as u32)),
            };
            if let Some(code) = code {
                fill_blocks(&mut f, code, &st.counters, calls);
                let total: u64 = f.blocks.iter().map(|b| b.count * u64::from(b.instructions)).sum();
                f.instructions = total.saturating_sub(st.skipped);
            }
            functions.push(f);
        }
        functions.sort_by(|a, b| b.exclusive_cycles.cmp(&a.exclusive_cycles).then(a.name.cmp(&b.name)));
        Profile {
            schema: "irvm-profile/1",
            program: m.prog.name.clone(),
            tier: "interp",
            exit_status,
            total_cycles: m.total_cycles,
            translate_cycles: m.translate_cycles,
            lowering: m.lowering,
            functions,
        }
    }

    /// The function named `name`, if it ran.
    pub fn function(&self, name: &str) -> Option<&Function> {
        self.functions.iter().find(|f| f.name == name)
    }
}

fn fill_blocks(f: &mut Function, code: &crate::translate::Code, ctrs: &[u64], calls: u64) {
    let nb = code.blocks.len();
    let mut counts = vec![0u64; nb];
    if nb > 0 {
        counts[0] = calls;
    }
    // Counted edges first; then, in layout order, derived fall-through edges (block k -> k+1),
    // whose count is block k's count (already final when k+1 is reached).
    for b in code.branches.iter().filter(|b| !b.derived) {
        for (k, &to) in b.succs.iter().enumerate() {
            counts[to as usize] += ctrs.get((b.first as usize) + k).copied().unwrap_or(0);
        }
    }
    let mut derived = vec![None; nb];
    for b in code.branches.iter().filter(|b| b.derived) {
        derived[b.block as usize] = Some(b.succs[0]);
    }
    for k in 0..nb {
        if let Some(to) = derived[k] {
            counts[to as usize] += counts[k];
        }
    }
    for b in code.branches.iter() {
        let edges: Vec<Edge> = b
            .succs
            .iter()
            .enumerate()
            .map(|(k, &to)| {
                let count = if b.derived {
                    counts[b.block as usize]
                } else {
                    ctrs.get((b.first as usize) + k).copied().unwrap_or(0)
                };
                Edge { to, count, back: b.back[k] }
            })
            .collect();
        f.branches.push(Branch {
            block: b.block,
            kind: match b.kind {
                BranchKind::Jump => "jump",
                BranchKind::Cond => "cond",
                BranchKind::Switch => "switch",
            },
            edges,
            cases: b.cases.to_vec(),
        });
    }
    for (i, meta) in code.blocks.iter().enumerate() {
        f.blocks.push(Block { index: i as u32, name: meta.name.clone(), count: counts[i], instructions: meta.insts });
    }
    let mut loops: Vec<Loop> = Vec::new();
    for br in &f.branches {
        for e in br.edges.iter().filter(|e| e.back) {
            let l = match loops.iter_mut().position(|l| l.header == e.to) {
                Some(k) => &mut loops[k],
                None => {
                    loops.push(Loop {
                        header: e.to,
                        header_name: code.blocks[e.to as usize].name.clone(),
                        header_count: counts[e.to as usize],
                        back_edge_count: 0,
                        entries: 0,
                        latches: Vec::new(),
                    });
                    loops.last_mut().expect("just pushed")
                }
            };
            l.back_edge_count += e.count;
            if !l.latches.contains(&br.block) {
                l.latches.push(br.block);
            }
        }
    }
    for l in &mut loops {
        l.entries = l.header_count.saturating_sub(l.back_edge_count);
    }
    loops.sort_by_key(|l| l.header);
    f.loops = loops;
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}
