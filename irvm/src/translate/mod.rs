//! Lowering one LLVM function into irvm code (`Code`), on its first call.
//!
//! Pass 1 gives every SSA value its frame slots (no-op casts share their operand's slots). Pass 2
//! emits ops block by block (`arith`, `memory`, `control`, `call`, `intrinsic`, `vector`); phi
//! nodes become moves on the incoming edges; constants get slots that are copied into the frame on
//! entry. Jump targets are patched to relative offsets at the end. Constructs irvm cannot run become
//! `Trap` ops carrying a message, so a program fails only if it actually reaches one.

mod arith;
mod call;
mod chain;
mod coalesce;
mod control;
mod dispatch;
mod intrinsic;
mod memory;
mod operand;
mod osr;
mod pair;
mod superop;
mod vector;

use crate::abi::Sig;
use crate::isa::{Aux, Op, Reg, Rel, TrapOp};
use crate::layout;
use crate::llvm::{Layout, Ty, TyKind, Val};
use crate::program::Program;
use std::collections::HashMap;

pub(crate) use control::{BranchKind, BranchMeta};
pub(crate) use osr::OsrPoint;
pub use osr::ValueId;

/// A call site: where the arguments are and where the result goes.
#[derive(Debug)]
pub(crate) struct CallSite {
    /// Per argument: first slot and slot count in the caller's frame.
    pub(crate) args: Box<[(Reg, u32)]>,
    /// Every argument slot in order (the slots of `args`, flattened), then `ARGS_END`: the
    /// interpreter's call fast path copies these with one plain loop up to the end mark (a loop
    /// of unknown trip count, which LLVM does not unroll for the few slots of a call).
    pub(crate) arg_slots: Box<[Reg]>,
    /// Arguments and argument slots, as `vm::Hot::param_shape` has them for the callee.
    pub(crate) arg_shape: u64,
    pub(crate) ret: Reg,
    pub(crate) ret_slots: u32,
    /// The calling function's frame size in slots: the callee's frame starts right above it.
    pub(crate) caller_slots: u32,
    /// SysV classification of the call as written (for native callees).
    pub(crate) sig: Option<Sig>,
    /// The pieces of `sig`'s arguments in one list, each with the caller's slot it reads (the
    /// argument's first slot plus the piece's): what a native call copies, without walking
    /// arguments and their pieces per call.
    pub(crate) native_args: Box<[(Reg, crate::abi::classify::Piece)]>,
    /// `native_args` are the integer registers in order (at most six, each one slot, none
    /// sign-extended), with no stack words, no vector registers and no variadic part, and the
    /// result is nothing or rax: a native callee can be called as a plain function of six
    /// integers (`exec/native_call.rs`, `call_leaf`).
    pub(crate) in_gprs: bool,
    /// The call site's function type.
    pub(crate) fn_ty: Ty,
    /// IR instructions after the call in its block (for exact counts when `exit` unwinds).
    pub(crate) rest: u32,
}

/// The end mark of `CallSite::arg_slots` (no frame has this slot).
pub(crate) const ARGS_END: Reg = Reg(i32::MIN);

/// The shape of an argument list: its length and the slots it takes, compared in one go.
pub(crate) fn arg_shape(args: usize, slots: u32) -> u64 {
    (args as u64) << 32 | u64::from(slots)
}

/// Words of constants the call fast path copies at once (`Code::consts_copy`).
pub(crate) const CONST_CHUNK: usize = 4;

/// A switch: sorted case values and their targets.
#[derive(Debug)]
pub(crate) struct SwitchTable {
    pub(crate) values: Box<[u64]>,
    /// Targets of the cases, then the default; relative to the switch op.
    pub(crate) targets: Box<[Rel]>,
    /// Counter of the default edge; case k (in LLVM's order) counts at `ctr + 1 + order[k]`.
    pub(crate) ctr: u32,
    /// LLVM case order of each sorted entry.
    pub(crate) order: Box<[u32]>,
    /// Dense lookup: if set, `dense[v - min]` is the sorted case index (u32::MAX = default).
    pub(crate) dense: Option<(u64, Box<[u32]>)>,
    /// The dense lookup as the `SwitchDense` op reads it: per value from `min`, its edge (jump and
    /// counter), then the default's; empty until `Code::link_switches`.
    pub(crate) edges: Box<[Edge]>,
}

/// One edge of a dense switch: the jump (relative to the switch op) and its counter.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Edge {
    pub(crate) rel: Rel,
    pub(crate) ctr: u32,
}

/// A shufflevector: result lane i takes input lane `mask[i]` (a and b concatenated, -1 = zero).
#[derive(Debug)]
pub(crate) struct ShuffleTable {
    pub(crate) lane_bytes: u32,
    /// Lanes of each input.
    pub(crate) n_in: u32,
    pub(crate) mask: Box<[i32]>,
}

/// Profile metadata of one IR basic block.
#[derive(Debug, Clone)]
pub(crate) struct BlockMeta {
    pub(crate) name: String,
    /// IR instructions in the block (phis and terminator included).
    pub(crate) insts: u32,
}

/// A lowered function.
pub(crate) struct Code {
    pub(crate) ops: Box<[Op]>,
    /// Frame size in slots.
    pub(crate) nslots: u32,
    /// Slots taken by the parameters (they start at slot 1).
    pub(crate) param_slots: u32,
    /// Constants, in memory order: copied to slots `-consts.len()..0` on entry.
    pub(crate) consts: Box<[u64]>,
    /// The same, zero-padded to a multiple of `CONST_CHUNK` words and at least one chunk: the call
    /// fast path copies whole chunks, the first without a loop (the padding lands in the new
    /// frame's own slots, written before they are read).
    pub(crate) consts_copy: Box<[u64]>,
    /// Bytes of fixed allocas, and their alignment.
    pub(crate) alloca_bytes: u64,
    pub(crate) alloca_align: u64,
    pub(crate) sites: Box<[CallSite]>,
    pub(crate) switches: Box<[SwitchTable]>,
    pub(crate) shuffles: Box<[ShuffleTable]>,
    pub(crate) messages: Box<[String]>,
    /// The first construct of the function irvm cannot interpret but native code can run (inline
    /// assembly, `callbr`, an instruction irvm lacks...): the host is asked to compile it.
    pub(crate) native_only: Option<Box<str>>,
    pub(crate) ncounters: u32,
    pub(crate) blocks: Box<[BlockMeta]>,
    pub(crate) branches: Box<[BranchMeta]>,
    /// Per parameter: first slot and slot count.
    pub(crate) params: Box<[(Reg, u32)]>,
    /// Per parameter: bits that are meaningful in its slot (narrow ints, f32), else 64.
    pub(crate) param_types: Box<[u8]>,
    /// Per parameter: an integer, a pointer (both value-profiled, `profile::values`) or other.
    pub(crate) value_params: Box<[crate::profile::values::ParamKind]>,
    /// `byval` parameters: (slot, size, alignment); a callee gets its own copy of the pointee.
    pub(crate) byval: Box<[(Reg, u32, u32)]>,
    /// Classification of the function's own signature (how native callers pass arguments).
    pub(crate) own_sig: Option<Sig>,
    pub(crate) vararg: bool,
    /// OSR points (loop headers), when the program enables OSR.
    pub(crate) osr: Box<[OsrPoint]>,
    /// How an OSR variant `ret (ptr)` returns, and the return value's slot count.
    pub(crate) osr_sig: Option<Sig>,
    pub(crate) ret_slots: u32,
    /// The operation of each memory intrinsic call site, in LLVM order (`profile::memsizes`).
    pub(crate) mem_sites: Box<[&'static str]>,
}

impl Code {
    /// Build each dense switch's edge table and turn its op (at `pcs[k]` for switch k) into a
    /// `SwitchDense` that points at it. The tables are heap blocks this code owns and never
    /// resizes, so the addresses stay valid as long as the ops.
    fn link_switches(&mut self, pcs: &[u32]) {
        for (sw, &pc) in self.switches.iter_mut().zip(pcs) {
            let Some((lo, d)) = &sw.dense else { continue };
            let (Ok(lo), Ok(n)) = (u32::try_from(*lo), u32::try_from(d.len())) else { continue };
            let default = Edge { rel: sw.targets[sw.values.len()], ctr: sw.ctr };
            let case = |k: u32| Edge { rel: sw.targets[k as usize], ctr: sw.ctr + 1 + sw.order[k as usize] };
            sw.edges = d.iter().map(|&k| if k == u32::MAX { default } else { case(k) }).chain([default]).collect();
            let op = &mut self.ops[pc as usize];
            if let Op::Switch { v, .. } = *op {
                *op = Op::SwitchDense { v, lo, n, edges: sw.edges.as_ptr() as usize };
            }
        }
    }

    /// A function's counters `ctrs` without the OSR points' entry counts and marks (which are
    /// not block counts).
    pub(crate) fn profile_counters<'a>(&'a self, ctrs: &'a [u64]) -> impl Iterator<Item = u64> + 'a {
        let osr = |k: usize| self.osr.iter().any(|p| k == p.ctr as usize || k == p.ctr as usize + 1);
        ctrs.iter().enumerate().filter(move |&(k, _)| !osr(k)).map(|(_, c)| *c)
    }
}

/// Where a jump goes before patching: a block, or an out-of-line edge stub.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Target {
    Block(u32),
    Stub(u32),
}

impl Target {
    /// Encoded into a `Rel` until `finish` patches it.
    fn encode(self) -> Rel {
        match self {
            Target::Block(b) => Rel(b as i32),
            Target::Stub(s) => Rel(-(s as i32) - 1),
        }
    }
    fn decode(r: Rel) -> Target {
        if r.0 >= 0 { Target::Block(r.0 as u32) } else { Target::Stub((-r.0 - 1) as u32) }
    }
}

/// Translation state of one function.
pub(crate) struct Fx<'p> {
    pub(crate) prog: &'p mut Program,
    pub(crate) dl: Layout,
    pub(crate) func: Val,
    pub(crate) fname: String,
    pub(crate) code: Vec<Op>,
    pub(crate) slot_of: HashMap<Val, Reg>,
    pub(crate) alias: HashMap<Val, Val>,
    /// The lane (slot) of its source at which a lane alias (`lane_source`) reads.
    pub(crate) lane_of: HashMap<Val, u32>,
    /// Private constant slots of phis that the entry block gives that constant
    /// (`preset_entry_constants`): the entry edge does not move it.
    pub(crate) preset: std::collections::HashSet<Reg>,
    pub(crate) nslots: u32,
    pub(crate) consts: Vec<u64>,
    pub(crate) const_map: HashMap<Vec<u64>, u32>,
    pub(crate) block_index: HashMap<Val, u32>,
    pub(crate) block_start: Vec<u32>,
    /// Edge stubs (phi moves then a jump, targets encoded). Emitted after the body.
    pub(crate) stubs: Vec<Vec<Op>>,
    /// Op index of each switch (parallel to `switches`).
    pub(crate) switch_pcs: Vec<u32>,
    pub(crate) sites: Vec<CallSite>,
    pub(crate) switches: Vec<SwitchTable>,
    pub(crate) shuffles: Vec<ShuffleTable>,
    pub(crate) messages: Vec<String>,
    pub(crate) native_only: Option<Box<str>>,
    pub(crate) ncounters: u32,
    pub(crate) branches: Vec<BranchMeta>,
    pub(crate) alloca_bytes: u64,
    pub(crate) alloca_align: u64,
    /// Instructions folded into their user (e.g. an icmp into its branch).
    pub(crate) fused: std::collections::HashSet<Val>,
    pub(crate) back_edges: std::collections::HashSet<(u32, u32)>,
    /// Folded load/fmul/fadd(/store) patterns, keyed by the instruction that emits them.
    pub(crate) mem_fma: HashMap<Val, superop::MemFma>,
    /// The operation of each memory intrinsic call met so far (its index is the site).
    pub(crate) mem_sites: Vec<&'static str>,
    /// Position of the instruction being lowered in its block, and the block's length.
    pub(crate) cur_pos: (u32, u32),
}

/// Lower function `f` of the program.
pub(crate) fn translate(prog: &mut Program, f: crate::isa::FuncId) -> Result<Code, String> {
    let func = prog.funcs[f.0 as usize].val;
    let fname = prog.funcs[f.0 as usize].name.clone();
    let dl = prog.dl;
    let fx = Fx {
        prog: &mut *prog,
        dl,
        func,
        fname,
        code: Vec::new(),
        slot_of: HashMap::new(),
        alias: HashMap::new(),
        lane_of: HashMap::new(),
        preset: Default::default(),
        nslots: 1,
        consts: Vec::new(),
        const_map: HashMap::new(),
        block_index: HashMap::new(),
        block_start: Vec::new(),
        stubs: Vec::new(),
        switch_pcs: Vec::new(),
        sites: Vec::new(),
        switches: Vec::new(),
        shuffles: Vec::new(),
        messages: Vec::new(),
        native_only: None,
        ncounters: 1, // counter 0 is a sink for jumps that must not count (edge stubs)
        branches: Vec::new(),
        alloca_bytes: 0,
        alloca_align: 16,
        fused: Default::default(),
        back_edges: Default::default(),
        mem_fma: HashMap::new(),
        mem_sites: Vec::new(),
        cur_pos: (0, 0),
    };
    let code = fx.run()?;
    // IRVM_DUMP=name (or '*'): print the lowered code of matching functions (a debugging aid).
    if let Some(want) = std::env::var_os("IRVM_DUMP")
        && (want == "*" || want.to_str() == Some(prog.funcs[f.0 as usize].name.as_str()))
    {
        eprintln!(
            "irvm: lowered '{}' ({} slots, {} consts):",
            prog.funcs[f.0 as usize].name,
            code.nslots,
            code.consts.len()
        );
        for (pc, op) in code.ops.iter().enumerate() {
            eprintln!("  {pc:4}: {op:?}");
        }
    }
    Ok(code)
}

impl Fx<'_> {
    fn run(mut self) -> Result<Code, String> {
        let fty = self.func.fn_type();
        let mut params = Vec::new();
        let mut param_types = Vec::new();
        let mut value_params = Vec::new();
        let mut byval = Vec::new();
        for (k, p) in self.func.params().into_iter().enumerate() {
            if let Some(Some(t)) = self.func.fn_param_attr(k as u32, "byval") {
                let align = self.dl.align(t).max(8) as u32;
                byval.push((Reg(self.nslots as i32), self.dl.size(t) as u32, align));
            }
            value_params.push(match p.ty().kind() {
                TyKind::Int(_) => crate::profile::values::ParamKind::Integer,
                TyKind::Ptr => crate::profile::values::ParamKind::Pointer,
                _ => crate::profile::values::ParamKind::Other,
            });
            param_types.push(match p.ty().kind() {
                TyKind::Int(b) if b < 64 => b as u8,
                TyKind::Float => 32,
                TyKind::Half => 16,
                _ => 64,
            });
            let n = layout::slots(self.dl, p.ty()).map_err(|e| format!("function '{}': parameter: {e}", self.fname))?;
            params.push((Reg(self.nslots as i32), n));
            self.slot_of.insert(p, Reg(self.nslots as i32));
            self.nslots += n;
        }
        let param_slots = self.nslots - 1;
        let blocks = self.func.blocks();
        for (i, b) in blocks.iter().enumerate() {
            self.block_index.insert(*b, i as u32);
        }
        self.find_back_edges(&blocks);
        let mut metas = Vec::new();
        let mut values: Vec<Val> = self.func.params();
        for b in &blocks {
            let insts = b.instructions();
            metas.push(BlockMeta { name: b.name(), insts: insts.len() as u32 });
            for i in insts {
                if self.prepare(i) {
                    values.push(i);
                }
            }
        }
        let all: Vec<Val> = blocks.iter().flat_map(|b| b.instructions()).collect();
        self.drop_folded_index_adds(&all);
        // Liveness, once, for both phi coalescing and the OSR points (skipped for huge functions).
        let needed = (self.prog.osr && !self.back_edges.is_empty())
            || values
                .iter()
                .any(|v| v.kind() == crate::llvm::ValKind::Instruction && v.opcode() == llvm_sys::LLVMOpcode::LLVMPHI);
        let live = (needed && values.len() <= 20_000 && blocks.len() <= 5_000).then(|| self.liveness(&blocks, &values));
        let classes = self.coalesce(&values, live.as_ref());
        self.preset_entry_constants(&blocks, &values, &classes)?;
        for v in values.iter().skip(self.func.params().len()) {
            let r = classes.get(v).copied().unwrap_or(*v);
            let slot = match self.slot_of.get(&r) {
                Some(&s) => s,
                None => {
                    let n = layout::slots(self.dl, v.ty()).unwrap_or(1).max(1);
                    let s = self.temp(n);
                    self.slot_of.insert(r, s);
                    s
                }
            };
            self.slot_of.insert(*v, slot);
        }
        let osr = self.osr_points(&blocks, &values, live.as_ref());
        let osr_at: HashMap<u32, usize> = osr.iter().enumerate().map(|(k, p)| (p.block, k)).collect();
        for (bi, b) in blocks.iter().enumerate() {
            let start = self.code.len();
            self.block_start.push(start as u32);
            if let Some(&k) = osr_at.get(&(bi as u32)) {
                self.push(Op::Osr { ctr: crate::isa::Ctr(osr[k].ctr), point: k as u32 });
            }
            let insts = b.instructions();
            let len = insts.len() as u32;
            for (k, i) in insts.into_iter().enumerate() {
                if self.fused.contains(&i) || i.opcode() == llvm_sys::LLVMOpcode::LLVMPHI {
                    continue;
                }
                self.cur_pos = (k as u32, len);
                if let Err(e) = self.emit(i) {
                    if self.native_only.is_none() && call::native_can_run(&e) {
                        // The construct without the instruction's text (which follows " in '").
                        let what = e.split(" in '").next().unwrap_or(&e);
                        self.native_only = Some(what.into());
                    }
                    self.trap_unsupported(format!("function '{}': {e}", self.fname));
                }
            }
            self.order_chains(start);
            self.pair_ops(start);
            self.latch_prefixes(start);
            self.chain_operands(start);
        }
        let ops = self.finish()?;
        let switch_pcs = std::mem::take(&mut self.switch_pcs);
        let own_sig = own_sig(self.dl, self.func);
        let (osr_sig, ret_slots) = self.osr_sig(fty);
        for s in self.sites.iter_mut() {
            s.caller_slots = self.nslots;
        }
        let consts: Box<[u64]> = self.consts.into_iter().rev().collect();
        let mut consts_copy = consts.to_vec();
        consts_copy.resize(consts.len().next_multiple_of(CONST_CHUNK).max(CONST_CHUNK), 0);
        let mut code = Code {
            ops,
            nslots: self.nslots,
            param_slots,
            consts,
            consts_copy: consts_copy.into(),
            alloca_bytes: self.alloca_bytes,
            alloca_align: self.alloca_align,
            sites: self.sites.into(),
            switches: self.switches.into(),
            shuffles: self.shuffles.into(),
            messages: self.messages.into(),
            native_only: self.native_only,
            ncounters: self.ncounters,
            blocks: metas.into(),
            branches: self.branches.into(),
            params: params.into(),
            param_types: param_types.into(),
            value_params: value_params.into(),
            byval: byval.into(),
            own_sig,
            vararg: fty.is_vararg(),
            osr: osr.into(),
            osr_sig,
            ret_slots,
            mem_sites: self.mem_sites.into(),
        };
        code.link_switches(&switch_pcs);
        Ok(code)
    }

    /// How a native `ret (ptr)` OSR variant returns (None: OSR cannot return this type), and
    /// the return value's slot count.
    fn osr_sig(&self, fty: Ty) -> (Option<Sig>, u32) {
        let ret = fty.ret();
        let slots = if ret.kind() == TyKind::Void { 0 } else { layout::slots(self.dl, ret).unwrap_or(0) };
        let ptr = ret.opaque_ptr();
        let args = [(ptr, crate::abi::classify::ArgAttr { byval: None, signext: false })];
        (crate::abi::classify::classify(self.dl, &args, ret).ok(), slots)
    }

    /// Pass 1: note folds and aliases of instruction `i`; true if it needs slots of its own.
    fn prepare(&mut self, i: Val) -> bool {
        let t = i.ty();
        self.maybe_fuse(i);
        self.maybe_fuse_add_sext(i);
        self.maybe_fuse_si_divisor(i);
        self.maybe_fold_gep(i);
        self.maybe_mem_fma(i);
        self.maybe_fuse_lane_insert(i);
        if matches!(t.kind(), TyKind::Void | TyKind::Token | TyKind::Metadata) {
            return false;
        }
        if let Some(src) = self.alias_source(i) {
            self.alias.insert(i, src);
            return false;
        }
        if let Some((v, lane)) = self.lane_source(i) {
            self.alias.insert(i, v);
            self.lane_of.insert(i, lane);
            return false;
        }
        true
    }

    /// A phi (with its coalesced class) that the function's entry block gives one constant and
    /// that nothing defined in the entry block shares a slot with (an accumulator's `0` when a
    /// loop starts the function) gets a constant slot of its own holding that value: every call
    /// copies the constants into the new frame, so the slot starts with it and the entry edge's
    /// move is gone (`edge_moves`). The slot is private to the class (constants are otherwise
    /// shared by every use of the value) and one-slot scalars only.
    fn preset_entry_constants(
        &mut self,
        blocks: &[Val],
        values: &[Val],
        classes: &HashMap<Val, Val>,
    ) -> Result<(), String> {
        let Some(&entry) = blocks.first() else { return Ok(()) };
        let rep = |v: Val| classes.get(&v).copied().unwrap_or(v);
        // Per class: the entry's constant (None once two disagree or a member is defined in the
        // entry block); `order`: the classes in the order the function names them, which numbers
        // their constant slots the same way in every run.
        let mut wanted: HashMap<Val, Option<u64>> = HashMap::new();
        let mut order = Vec::new();
        for &v in values {
            let in_entry = v.kind() == crate::llvm::ValKind::Argument || v.parent_block() == entry;
            if in_entry && classes.contains_key(&v) && wanted.insert(rep(v), None).is_none() {
                order.push(rep(v));
            }
        }
        for &p in values {
            if p.kind() != crate::llvm::ValKind::Instruction || p.opcode() != llvm_sys::LLVMOpcode::LLVMPHI {
                continue;
            }
            let Some(&(c, _)) = p.incoming().iter().find(|(_, b)| *b == entry) else { continue };
            let one_slot = matches!(p.ty().kind(), TyKind::Int(b) if b <= 64)
                || matches!(p.ty().kind(), TyKind::Ptr | TyKind::Float | TyKind::Double);
            let c = self.resolve(c);
            let value = match (one_slot, c.kind()) {
                (
                    true,
                    crate::llvm::ValKind::ConstInt | crate::llvm::ValKind::ConstFp | crate::llvm::ValKind::NullPtr,
                ) => match self.const_slots(c)?[..] {
                    [x] => Some(x),
                    _ => None,
                },
                _ => None,
            };
            let e = wanted.entry(rep(p)).or_insert_with(|| {
                order.push(rep(p));
                value
            });
            if *e != value {
                *e = None;
            }
        }
        for r in order {
            if let Some(x) = wanted[&r] {
                let j = self.consts.len() as i32;
                self.consts.push(x);
                let reg = Reg(-(j + 1));
                self.slot_of.insert(r, reg);
                self.preset.insert(reg);
            }
        }
        Ok(())
    }

    /// A fresh scratch slot range.
    pub(crate) fn temp(&mut self, n: u32) -> Reg {
        let r = Reg(self.nslots as i32);
        self.nslots += n;
        r
    }

    pub(crate) fn push(&mut self, op: Op) {
        self.code.push(op);
    }

    /// Index of the first op of the block being emitted: the peepholes look back no further.
    pub(crate) fn here(&self) -> usize {
        *self.block_start.last().unwrap_or(&0) as usize
    }

    pub(crate) fn trap_unsupported(&mut self, msg: String) {
        let what = Aux(self.messages.len() as u32);
        self.messages.push(msg);
        self.push(Op::Trap { kind: TrapOp::Unsupported, what });
    }

    pub(crate) fn counters(&mut self, n: u32) -> u32 {
        let c = self.ncounters;
        self.ncounters += n;
        c
    }

    /// Retreating edges of a DFS from the entry: the loop back edges.
    fn find_back_edges(&mut self, blocks: &[Val]) {
        let n = blocks.len();
        let succs: Vec<Vec<u32>> = blocks.iter().map(|b| self.successors(*b)).collect();
        let mut state = vec![0u8; n]; // 0 new, 1 on stack, 2 done
        let mut stack: Vec<(u32, usize)> = vec![(0, 0)];
        if n == 0 {
            return;
        }
        state[0] = 1;
        while let Some(&mut (b, ref mut k)) = stack.last_mut() {
            if let Some(&s) = succs[b as usize].get(*k) {
                *k += 1;
                match state[s as usize] {
                    0 => {
                        state[s as usize] = 1;
                        stack.push((s, 0));
                    }
                    1 => {
                        self.back_edges.insert((b, s));
                    }
                    _ => {}
                }
            } else {
                state[b as usize] = 2;
                stack.pop();
            }
        }
    }

    fn successors(&self, b: Val) -> Vec<u32> {
        let Some(t) = b.instructions().last().copied() else { return Vec::new() };
        (0..t.num_operands())
            .map(|k| t.operand(k))
            .filter(|v| v.kind() == crate::llvm::ValKind::BasicBlock)
            .filter_map(|v| self.block_index.get(&v).copied())
            .collect()
    }

    /// Append stubs, then turn every encoded target into a relative jump.
    fn finish(&mut self) -> Result<Box<[Op]>, String> {
        let mut stub_start = Vec::new();
        let stubs = std::mem::take(&mut self.stubs);
        for ops in stubs {
            stub_start.push(self.code.len() as u32);
            self.code.extend(ops);
        }
        let abs = |t: Target| match t {
            Target::Block(b) => self.block_start[b as usize],
            Target::Stub(s) => stub_start[s as usize],
        };
        for (pc, op) in self.code.iter_mut().enumerate() {
            control::for_each_target(op, |r| *r = Rel(abs(Target::decode(*r)) as i32 - pc as i32));
        }
        for (sw, &pc) in self.switches.iter_mut().zip(&self.switch_pcs) {
            for r in sw.targets.iter_mut() {
                *r = Rel(abs(Target::decode(*r)) as i32 - pc as i32);
            }
        }
        Ok(std::mem::take(&mut self.code).into())
    }
}

/// Classify function `func`'s own parameters as a native caller would pass them (from its type
/// and parameter attributes alone: no body needed).
pub(crate) fn own_sig(dl: crate::llvm::Layout, func: Val) -> Option<Sig> {
    let fty = func.fn_type();
    let args: Vec<_> = fty
        .params()
        .into_iter()
        .enumerate()
        .map(|(i, t)| {
            let byval = func.fn_param_attr(i as u32, "byval").flatten();
            (t, crate::abi::classify::ArgAttr { byval, signext: false })
        })
        .collect();
    crate::abi::classify::classify(dl, &args, fty.ret()).ok()
}

#[cfg(test)]
mod tests;
