// Guarded unroll-and-jam of hot loop nests: the passes GuardNests and ReportJams (unrolljam.h),
// which passes.cc places in orc-bridge's tier pipeline (src/unrolljam.rs, src/pipeline.rs); built
// by build.rs against the headers of the LLVM that llvm-sys links. No exceptions, no RTTI; it
// calls only LLVM.
//
// bf_run_passes (passes.cc) is LLVMRunPasses with two additions for the functions that ask with
// the attribute
// "bareflow-unroll-and-jam"="COUNT,LIMIT,GUARDS,WORD,WORDS,host|defined": at the vectorizer's start (after inlining
// and the loop simplification passes, before the loop and SLP vectorizers) GuardNests, and at the
// pipeline's end ReportJams; LLVM's own unroll-and-jam pass, which does the jam in between
// (after the vectorizers, before the late unroller), is switched on for every pipeline.
//
// GuardNests, per outer loop with exactly one inner loop, no deeper nest, whose inner trip
// count does not change across the outer iterations and whose body holds loads and stores only:
//  1. the byte range [lo, hi) each access covers over the whole nest (its address as an affine
//     function of both induction variables, least and greatest at the corners: the first and
//     last iteration of each loop), grouped by the pointer it is based on;
//  2. a guard in the nest's preheader: no range of a group that stores overlaps another group's,
//     and the bytes the nest reads (the sum of the read groups' ranges) are at most LIMIT, the
//     working set that stays in the cache across the jammed rows' streams;
//  3. a copy of the nest taken when the guard holds (hits counted in word WORD of the guard
//     counters GUARDS, an array of WORDS i64 words, misses in WORD + 1; declared for the host
//     to resolve, or defined zeroed, when the module has no such array yet), the original nest
//     otherwise;
//  4. in the copy, scoped noalias metadata saying what the guard checked (each storing group its
//     own scope, every other group's accesses outside it), so that LLVM's dependence analysis
//     proves the jam legal (isSafeToUnrollAndJam, checked here), and the loop metadata
//     `llvm.loop.unroll_and_jam.count` COUNT. LLVM's pass then runs COUNT outer iterations'
//     inner loops in one loop, each keeping its own values and the order of its own operations
//     (floating-point results are bit-identical), with a remainder loop for the rest. It runs
//     after the vectorizers so that each row's chains are vectors first: jammed before them, the
//     SLP vectorizer packs the rows' sums across rows instead (gathers of one float per row).
// When the copy cannot be jammed the guard is made false (the copy is dead; later passes delete it).
// ReportJams writes the outcome as "bareflow-unroll-and-jam-result"="JAMMED|NESTS|TEXT" on the
// function (the nests LLVM jammed, of how many, and a line saying so with the reason each other
// nest was left), for the tier log.

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "unrolljam.h"

#include "llvm/Analysis/AliasAnalysis.h"
#include "llvm/Analysis/AssumptionCache.h"
#include "llvm/Analysis/DependenceAnalysis.h"
#include "llvm/Analysis/LoopInfo.h"
#include "llvm/Analysis/OptimizationRemarkEmitter.h"
#include "llvm/Analysis/ScalarEvolution.h"
#include "llvm/Analysis/ScalarEvolutionExpressions.h"
#include "llvm/Analysis/TargetTransformInfo.h"
#include "llvm/IR/Dominators.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/IntrinsicInst.h"
#include "llvm/IR/MDBuilder.h"
#include "llvm/IR/Module.h"
#include "llvm/IR/PassManager.h"
#include "llvm/Transforms/Utils/BasicBlockUtils.h"
#include "llvm/Transforms/Utils/Cloning.h"
#include "llvm/Transforms/Utils/LoopSimplify.h"
#include "llvm/Transforms/Utils/LoopUtils.h"
#include "llvm/Transforms/Utils/ScalarEvolutionExpander.h"
#include "llvm/Transforms/Utils/UnrollLoop.h"
#include "llvm/Transforms/Utils/ValueMapper.h"

namespace {

using namespace llvm;

constexpr const char *kRequest = "bareflow-unroll-and-jam";
constexpr const char *kResult = "bareflow-unroll-and-jam-result";
// Written by the first pass for the second: "GUARDED|NESTS|; REASON; REASON...".
constexpr const char *kGuarded = "bareflow-unroll-and-jam-guarded";
// Loop attribute of a jammed outer loop (LLVM's followup of the jam).
constexpr const char *kJammed = "bareflow.unroll-and-jam.jammed";

// What a function asks for (the request attribute's value).
struct Request {
  unsigned count = 0;
  uint64_t limit = 0;
  std::string guards;
  unsigned word = 0;
  unsigned words = 0;
  // The counters are defined by the module (ahead-of-time code), else resolved by the host.
  bool defined = false;
};

bool parse_request(const Function &f, Request &out) {
  Attribute a = f.getFnAttribute(kRequest);
  if (!a.isStringAttribute()) {
    return false;
  }
  SmallVector<StringRef, 6> parts;
  a.getValueAsString().split(parts, ',');
  if (parts.size() != 6 || parts[0].getAsInteger(10, out.count) || parts[1].getAsInteger(10, out.limit) ||
      parts[3].getAsInteger(10, out.word) || parts[4].getAsInteger(10, out.words) || out.count < 2 ||
      out.word + 2 > out.words || (parts[5] != "host" && parts[5] != "defined")) {
    return false;
  }
  out.guards = parts[2].str();
  out.defined = parts[5] == "defined";
  return true;
}

// One memory access of the nest and the bytes it covers over the whole nest.
struct Access {
  Instruction *inst;
  bool store;
  const SCEV *base;
  const SCEV *lo;
  const SCEV *hi;
};

// Accesses based on one pointer: their union range and whether any stores.
struct Group {
  const SCEV *base;
  const SCEV *lo;
  const SCEV *hi;
  bool store = false;
  std::vector<Instruction *> insts;
};

// Cycles of one floating-point (or integer multiply-add) chain step on current x86-64 cores
// (3-4 for an FP add), and the bytes per cycle one core streams from L3 or DRAM (conservative:
// about 20 GB/s at 2.5 GHz) and from its L2 cache: the jam's profitability model.
constexpr uint64_t kAddLatency = 4;
constexpr uint64_t kStreamBytesPerCycle = 8;
constexpr uint64_t kCacheBytesPerCycle = 32;

class NestJammer {
 public:
  NestJammer(Function &f, FunctionAnalysisManager &fam, const Request &req)
      : f_(f),
        li_(fam.getResult<LoopAnalysis>(f)),
        dt_(fam.getResult<DominatorTreeAnalysis>(f)),
        se_(fam.getResult<ScalarEvolutionAnalysis>(f)),
        aa_(fam.getResult<AAManager>(f)),
        ac_(fam.getResult<AssumptionAnalysis>(f)),
        req_(req) {}

  // Jam every eligible nest; returns whether the function changed. `report` gets the outcome.
  bool run(std::string &report) {
    // Earlier passes need not leave loops in simplified form (the loop vectorizer re-forms it
    // the same way); the jam needs preheaders and dedicated exits.
    bool simplified = false;
    for (Loop *top : li_) {
      simplified |= simplifyLoop(top, &dt_, &li_, &se_, &ac_, nullptr, false);
    }
    std::vector<Loop *> outers;
    for (Loop *top : li_) {
      for (Loop *l : top->getLoopsInPreorder()) {
        if (l->getSubLoops().size() == 1 && l->getSubLoops()[0]->getSubLoops().empty()) {
          outers.push_back(l);
        }
      }
    }
    bool changed = simplified;
    unsigned guarded = 0;
    std::vector<std::pair<std::string, unsigned>> reasons;  // each reason once, with its count
    for (Loop *outer : outers) {
      std::string reason;
      bool did = jam(outer, reason, changed);
      guarded += did;
      if (did) {
        continue;
      }
      auto same = std::find_if(reasons.begin(), reasons.end(), [&](const auto &r) { return r.first == reason; });
      if (same == reasons.end()) {
        reasons.emplace_back(reason, 1);
      } else {
        same->second++;
      }
    }
    std::string why;
    for (const auto &[reason, times] : reasons) {
      why += "; " + reason + (times > 1 ? " (" + std::to_string(times) + " nests)" : "");
    }
    if (outers.empty()) {
      return changed;
    }
    report = std::to_string(guarded) + "|" + std::to_string(outers.size()) + "|" + why;
    return changed;
  }

 private:
  // The values of `e` at the corners of the nest's iteration space (the first and the last
  // iteration of each loop it varies in): an affine function of the induction variables takes
  // its least and greatest value there, whatever the signs of its steps. Empty when `e` is not
  // affine in them, a step or trip count changes inside the nest, or is unknown.
  std::vector<const SCEV *> corners(const SCEV *e, Loop *outer) {
    std::vector<const SCEV *> todo{e};
    std::vector<const SCEV *> out;
    while (!todo.empty()) {
      const SCEV *x = todo.back();
      todo.pop_back();
      if (se_.isLoopInvariant(x, outer)) {
        out.push_back(x);
        continue;
      }
      const auto *ar = dyn_cast<SCEVAddRecExpr>(x);
      if (ar == nullptr || !ar->isAffine() || !outer->contains(ar->getLoop()) ||
          !se_.isLoopInvariant(ar->getStepRecurrence(se_), outer)) {
        return {};
      }
      const SCEV *btc = se_.getBackedgeTakenCount(ar->getLoop());
      if (isa<SCEVCouldNotCompute>(btc) || !se_.isLoopInvariant(btc, outer) || out.size() + todo.size() > 6) {
        return {};
      }
      todo.push_back(ar->getStart());
      todo.push_back(ar->evaluateAtIteration(btc, se_));
    }
    return out;
  }

  bool collect(Loop *outer, std::vector<Group> &groups, std::string &reason) {
    const DataLayout &dl = f_.getParent()->getDataLayout();
    for (BasicBlock *bb : outer->blocks()) {
      for (Instruction &i : *bb) {
        if (isa<NoAliasScopeDeclInst>(&i)) {
          continue;  // a hint, removed from the copy
        }
        Value *ptr = nullptr;
        Type *ty = nullptr;
        bool store = false;
        if (auto *ld = dyn_cast<LoadInst>(&i)) {
          if (!ld->isSimple()) {
            reason = "a volatile or atomic load";
            return false;
          }
          ptr = ld->getPointerOperand();
          ty = ld->getType();
        } else if (auto *st = dyn_cast<StoreInst>(&i)) {
          if (!st->isSimple()) {
            reason = "a volatile or atomic store";
            return false;
          }
          ptr = st->getPointerOperand();
          ty = st->getValueOperand()->getType();
          store = true;
        } else if (i.mayReadOrWriteMemory() || i.mayHaveSideEffects()) {
          reason = "a call or other memory effect in the nest";
          return false;
        } else {
          continue;
        }
        const SCEV *p = se_.getSCEV(ptr);
        const SCEV *base = se_.getPointerBase(p);
        if (!isa<SCEVUnknown>(base) || !se_.isLoopInvariant(base, outer)) {
          reason = "an address not based on a pointer fixed for the nest";
          return false;
        }
        std::vector<const SCEV *> at = corners(p, outer);
        if (at.empty()) {
          reason = "an address that is not affine in the nest's induction variables";
          return false;
        }
        SmallVector<const SCEV *, 8> ends(at.begin(), at.end());
        const SCEV *lo = se_.getUMinExpr(ends);
        const SCEV *last = se_.getUMaxExpr(ends);
        const SCEV *size = se_.getConstant(Type::getInt64Ty(f_.getContext()), dl.getTypeStoreSize(ty));
        const SCEV *hi = se_.getAddExpr(last, se_.getTruncateOrZeroExtend(size, se_.getEffectiveSCEVType(last->getType())));
        Group *g = nullptr;
        for (Group &x : groups) {
          if (x.base == base) {
            g = &x;
          }
        }
        if (g == nullptr) {
          groups.push_back(Group{base, lo, hi, false, {}});
          g = &groups.back();
        } else {
          g->lo = se_.getUMinExpr(g->lo, lo);
          g->hi = se_.getUMaxExpr(g->hi, hi);
        }
        g->store |= store;
        g->insts.push_back(&i);
      }
    }
    if (groups.empty()) {
      reason = "no memory access";
      return false;
    }
    return true;
  }

  // Bytes an iteration of `outer`'s inner loop loads from addresses that change with the outer
  // loop (the rows: each outer iteration reads its own; invariant ones are shared by the rows).
  uint64_t streamed_bytes(Loop *outer) {
    const DataLayout &dl = f_.getParent()->getDataLayout();
    Loop *inner = outer->getSubLoops()[0];
    // The inner loop's own recurrence aside, does the address depend on the outer loop?
    auto per_row = [&](const SCEV *e) {
      if (const auto *ar = dyn_cast<SCEVAddRecExpr>(e); ar != nullptr && ar->getLoop() == inner) {
        return !se_.isLoopInvariant(ar->getStart(), outer) || !se_.isLoopInvariant(ar->getStepRecurrence(se_), outer);
      }
      return !se_.isLoopInvariant(e, outer);
    };
    uint64_t bytes = 0;
    for (BasicBlock *bb : inner->blocks()) {
      for (Instruction &i : *bb) {
        if (auto *ld = dyn_cast<LoadInst>(&i)) {
          if (per_row(se_.getSCEV(ld->getPointerOperand()))) {
            bytes += dl.getTypeStoreSize(ld->getType());
          }
        }
      }
    }
    return bytes;
  }

  // Whether `outer`'s inner loop runs the same number of times in every outer iteration and
  // carries a value from one iteration to the next that is not an induction (a reduction).
  bool reduction_nest(Loop *outer, std::string &reason) {
    Loop *inner = outer->getSubLoops()[0];
    const SCEV *btc = se_.getBackedgeTakenCount(inner);
    if (isa<SCEVCouldNotCompute>(btc) || !se_.isLoopInvariant(btc, outer)) {
      reason = "the inner trip count changes across the outer loop or is unknown";
      return false;
    }
    for (PHINode &phi : inner->getHeader()->phis()) {
      InductionDescriptor id;
      if (!InductionDescriptor::isInductionPHI(&phi, inner, &se_, id)) {
        return true;
      }
    }
    reason = "the inner loop carries no reduction";
    return false;
  }

  // The guard's condition, expanded before `at`.
  Value *guard(const std::vector<Group> &groups, Instruction *at, bool check_size) {
    const DataLayout &dl = f_.getParent()->getDataLayout();
    SCEVExpander ex(se_, dl, "bf.uj");
    IRBuilder<> b(at);
    Type *i64 = b.getInt64Ty();
    auto addr = [&](const SCEV *s) { return b.CreatePtrToInt(ex.expandCodeFor(s, nullptr, at), i64); };
    std::vector<Value *> lo, hi;
    for (const Group &g : groups) {
      lo.push_back(addr(g.lo));
      hi.push_back(addr(g.hi));
    }
    Value *ok = b.getTrue();
    Value *read = b.getInt64(0);
    for (size_t a = 0; a < groups.size(); a++) {
      if (!groups[a].store) {
        read = b.CreateAdd(read, b.CreateSub(hi[a], lo[a]));
      }
      for (size_t o = a + 1; o < groups.size(); o++) {
        if (groups[a].store || groups[o].store) {
          Value *apart = b.CreateOr(b.CreateICmpULE(hi[a], lo[o]), b.CreateICmpULE(hi[o], lo[a]));
          ok = b.CreateAnd(ok, apart);
        }
      }
    }
    if (!check_size) {
      return ok;
    }
    return b.CreateAnd(ok, b.CreateICmpULE(read, b.getInt64(req_.limit)), "bf.uj.ok");
  }

  void count(BasicBlock *bb, unsigned word) {
    Module &m = *f_.getParent();
    GlobalVariable *g = m.getNamedGlobal(req_.guards);
    if (g == nullptr) {
      auto *ty = ArrayType::get(Type::getInt64Ty(f_.getContext()), req_.words);
      g = new GlobalVariable(m, ty, false, GlobalValue::ExternalLinkage,
                             req_.defined ? Constant::getNullValue(ty) : nullptr, req_.guards);
    }
    IRBuilder<> b(bb->getTerminator());
    Type *i64 = b.getInt64Ty();
    Value *at = b.CreateInBoundsGEP(g->getValueType(), g, {b.getInt64(0), b.getInt64(word)});
    b.CreateStore(b.CreateAdd(b.CreateLoad(i64, at), b.getInt64(1)), at);
  }

  // Scoped noalias metadata on the copy: what the guard established.
  void mark_disjoint(const std::vector<Group> &groups, ValueToValueMapTy &vmap) {
    MDBuilder mdb(f_.getContext());
    MDNode *domain = mdb.createAnonymousAliasScopeDomain("bareflow.unroll-and-jam");
    std::vector<MDNode *> scope(groups.size(), nullptr);
    for (size_t g = 0; g < groups.size(); g++) {
      if (groups[g].store) {
        scope[g] = mdb.createAnonymousAliasScope(domain);
      }
    }
    for (size_t g = 0; g < groups.size(); g++) {
      SmallVector<Metadata *, 4> others;
      for (size_t o = 0; o < groups.size(); o++) {
        if (o != g && scope[o] != nullptr) {
          others.push_back(scope[o]);
        }
      }
      MDNode *noalias = others.empty() ? nullptr : MDNode::get(f_.getContext(), others);
      for (Instruction *orig : groups[g].insts) {
        auto *i = cast<Instruction>(vmap[orig]);
        if (scope[g] != nullptr) {
          MDNode *own = MDNode::get(f_.getContext(), {scope[g]});
          i->setMetadata(LLVMContext::MD_alias_scope,
                         MDNode::concatenate(i->getMetadata(LLVMContext::MD_alias_scope), own));
        }
        if (noalias != nullptr) {
          i->setMetadata(LLVMContext::MD_noalias,
                         MDNode::concatenate(i->getMetadata(LLVMContext::MD_noalias), noalias));
        }
      }
    }
  }

  bool jam(Loop *outer, std::string &reason, bool &changed) {
    if (!outer->isLoopSimplifyForm()) {
      reason = "the outer loop is not in simplified form";
      return false;
    }
    if (!outer->isRotatedForm() || outer->getExitBlock() == nullptr || outer->getExitingBlock() == nullptr) {
      reason = "the outer loop is not rotated with a single exit";
      return false;
    }
    if (!reduction_nest(outer, reason)) {
      return false;
    }
    std::vector<Group> groups;
    if (!collect(outer, groups, reason)) {
      return false;
    }
    bool stores = false;
    for (const Group &g : groups) {
      stores |= g.store;
    }
    if (!stores) {
      reason = "the nest stores nothing";
      return false;
    }
    // Whether jamming pays: the inner loop's reductions each add once per iteration, so an
    // iteration takes at least kAddLatency cycles, while it streams `streamed` bytes that the
    // next row does not reuse. Below what memory delivers at any size the chains are the limit
    // (jam at any size); below what the L2 cache delivers, only when the nest's data stays
    // there (read bytes at most the limit, which is 0 when the profile shows the data streamed);
    // above, memory is the limit and more streams at once only compete for it.
    uint64_t streamed = streamed_bytes(outer);
    bool latency_bound = streamed <= kStreamBytesPerCycle * kAddLatency;
    if (!latency_bound && (streamed > kCacheBytesPerCycle * kAddLatency || req_.limit == 0)) {
      reason = "bandwidth-bound (" + std::to_string(streamed) + " bytes streamed per iteration of the inner loop" +
               (req_.limit == 0 ? ", its data streamed through the cache)" : ")");
      return false;
    }
    const DataLayout &dl = f_.getParent()->getDataLayout();
    SCEVExpander probe(se_, dl, "bf.uj");
    BasicBlock *check = outer->getLoopPreheader();
    for (const Group &g : groups) {
      if (!probe.isSafeToExpandAt(g.lo, check->getTerminator()) ||
          !probe.isSafeToExpandAt(g.hi, check->getTerminator())) {
        reason = "a bound that cannot be computed before the nest";
        return false;
      }
    }
    changed = true;

    // The nest in LCSSA form: values it defines reach later code through phis of its exit block.
    formLCSSARecursively(*outer, dt_, &li_, &se_);
    BasicBlock *exit = outer->getExitBlock();
    Value *ok = guard(groups, check->getTerminator(), !latency_bound);
    BasicBlock *ph = SplitBlock(check, check->getTerminator(), &dt_, &li_, nullptr, outer->getHeader()->getName() + ".ph");
    ValueToValueMapTy vmap;
    SmallVector<BasicBlock *, 16> blocks;
    Loop *copy = cloneLoopWithPreheader(ph, check, outer, vmap, ".uj", &li_, &dt_, blocks);
    remapInstructionsInBlocks(blocks, vmap);
    BasicBlock *copy_ph = copy->getLoopPreheader();
    Instruction *term = check->getTerminator();
    BranchInst *branch = BranchInst::Create(copy_ph, ph, ok, term);
    term->eraseFromParent();
    dt_.changeImmediateDominator(exit, check);
    // The exit block's phis (LCSSA, or the nest's results) get the copy's values too.
    for (PHINode &phi : exit->phis()) {
      for (unsigned k = 0, n = phi.getNumIncomingValues(); k < n; k++) {
        BasicBlock *from = phi.getIncomingBlock(k);
        if (!outer->contains(from)) {
          continue;
        }
        Value *v = phi.getIncomingValue(k);
        Value *mapped = vmap.count(v) != 0 ? static_cast<Value *>(vmap[v]) : v;
        phi.addIncoming(mapped, cast<BasicBlock>(vmap[from]));
      }
    }
    // The copy: no noalias.scope.decl hints (the dependence check refuses any call), the
    // guard's facts as metadata.
    std::vector<Instruction *> hints;
    for (BasicBlock *bb : copy->blocks()) {
      for (Instruction &i : *bb) {
        if (isa<NoAliasScopeDeclInst>(&i)) {
          hints.push_back(&i);
        }
      }
    }
    for (Instruction *i : hints) {
      i->eraseFromParent();
    }
    mark_disjoint(groups, vmap);
    se_.forgetLoop(outer);
    simplifyLoop(copy, &dt_, &li_, &se_, &ac_, nullptr, true);
    formLCSSARecursively(*copy, dt_, &li_, &se_);

    DependenceInfo di(&f_, &aa_, &se_, &li_);
    if (!isSafeToUnrollAndJam(copy, se_, dt_, di, li_)) {
      reason = "LLVM's dependence analysis does not prove the jam legal";
      branch->setCondition(ConstantInt::getFalse(f_.getContext()));
      return false;
    }
    unsigned trips = se_.getSmallConstantTripCount(copy, copy->getLoopLatch());
    if (trips != 0 && trips < req_.count) {
      reason = "fewer outer iterations than the jam count";
      branch->setCondition(ConstantInt::getFalse(f_.getContext()));
      return false;
    }
    ask_for_jam(copy);
    count(copy_ph, req_.word);
    count(ph, req_.word + 1);
    return true;
  }

  // The copy's loop metadata: LLVM's unroll-and-jam pass (after the vectorizers, which make each
  // row's chains vectors first) jams it by the count, and marks the jammed loop.
  void ask_for_jam(Loop *copy) {
    LLVMContext &ctx = f_.getContext();
    auto attr = [&](const char *name) { return MDNode::get(ctx, {MDString::get(ctx, name)}); };
    Metadata *count = ConstantAsMetadata::get(ConstantInt::get(Type::getInt32Ty(ctx), req_.count));
    SmallVector<Metadata *, 4> ops;
    ops.push_back(nullptr);  // the self reference
    if (MDNode *old = copy->getLoopID()) {
      for (unsigned k = 1; k < old->getNumOperands(); k++) {
        ops.push_back(old->getOperand(k));
      }
    }
    ops.push_back(MDNode::get(ctx, {MDString::get(ctx, "llvm.loop.unroll_and_jam.count"), count}));
    ops.push_back(MDNode::get(ctx, {MDString::get(ctx, "llvm.loop.unroll_and_jam.followup_outer"), attr(kJammed),
                                    attr("llvm.loop.unroll.disable")}));
    MDNode *id = MDNode::getDistinct(ctx, ops);
    id->replaceOperandWith(0, id);
    copy->setLoopID(id);
  }

  Function &f_;
  LoopInfo &li_;
  DominatorTree &dt_;
  ScalarEvolution &se_;
  AAResults &aa_;
  AssumptionCache &ac_;
  const Request &req_;
};

}  // namespace

namespace bareflow {

// At the vectorizer's start: guard and copy the eligible nests, ask LLVM to jam the copies.
PreservedAnalyses GuardNests::run(Function &f, FunctionAnalysisManager &fam) {
  Request req;
  if (!parse_request(f, req)) {
    return PreservedAnalyses::all();
  }
  std::string report;
  bool changed = NestJammer(f, fam, req).run(report);
  if (!report.empty()) {
    f.addFnAttr(kGuarded, report);
  }
  return changed ? PreservedAnalyses::none() : PreservedAnalyses::all();
}

// At the pipeline's end: how many guarded copies LLVM jammed, as the outcome.
PreservedAnalyses ReportJams::run(Function &f, FunctionAnalysisManager &fam) {
  Request req;
  Attribute guarded = f.getFnAttribute(kGuarded);
  if (!parse_request(f, req) || !guarded.isStringAttribute()) {
    return PreservedAnalyses::all();
  }
  unsigned jammed = 0;
  LoopInfo &li = fam.getResult<LoopAnalysis>(f);
  for (Loop *top : li) {
    for (Loop *l : top->getLoopsInPreorder()) {
      MDNode *id = l->getLoopID();
      for (unsigned k = 1; id != nullptr && k < id->getNumOperands(); k++) {
        auto *attr = dyn_cast<MDNode>(id->getOperand(k));
        if (attr != nullptr && attr->getNumOperands() > 0) {
          auto *name = dyn_cast<MDString>(attr->getOperand(0));
          jammed += name != nullptr && name->getString() == kJammed;
        }
      }
    }
  }
  SmallVector<StringRef, 3> parts;
  guarded.getValueAsString().split(parts, '|', 2);
  if (parts.size() != 3) {
    return PreservedAnalyses::all();
  }
  std::string out = std::to_string(jammed) + "|" + parts[1].str() + "|x" + std::to_string(req.count) + ": ";
  if (jammed == 0) {
    out += "none of " + parts[1].str() + " loop nests jammed";
  } else {
    out += std::to_string(jammed) + " of " + parts[1].str() + " loop nests jammed behind a guard (stores apart";
    out += " from what the nest reads";
    if (req.limit > 0) {
      out += "; a nest streaming more than a chain step's worth of bytes only when it reads at most " +
             std::to_string(req.limit) + " bytes";
    }
    out += ")";
  }
  if (parts[0] != std::to_string(jammed)) {
    out += "; " + parts[0].str() + " guarded copies";
  }
  out += parts[2].str();
  f.addFnAttr(kResult, out);
  return PreservedAnalyses::all();
}

}  // namespace bareflow
