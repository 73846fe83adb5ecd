// Software prefetch of streamed arguments. A loop that reads a large array once per call, row
// after row (app-tinyllama's `matmul` over a weight matrix of a 60 MB checkpoint), is fed by the
// hardware prefetcher alone in a -O3 build: clang does not insert prefetches on x86. Between two
// rows the loop does other work (the row's sum), the stream stalls, and the rows arrive at 0.81-0.85
// of the rate a plain read of the same bytes reaches; prefetching each line 2 KiB ahead keeps
// the stream going, at 0.97-1.00 (docs/performance.md, "Prefetching streamed rows"). Whether an
// argument's data streams through the cache is something only the running program knows: irvm's
// value tables show a pointer taking many addresses (a new matrix each call); data used again
// and again stays in the cache and a prefetch there is only another instruction.
//
// Asked for by the function attribute "bareflow-prefetch" = "BYTES:P,P,..." (the tier's choice,
// on a specialization's dispatcher, after its versions are pasted in): in every innermost loop,
// each load whose address walks forward by a constant step of at least kMinStep bytes per
// iteration from parameter P (SCEV: an add recurrence based on P) gets a prefetch BYTES ahead
// of it, one per cache line the loop's loads of that stream touch in an iteration, unless its
// loop nest is known to walk it over less than two distances (`bounded_span`). A prefetch
// never faults (past the array's end too) and changes no value. The count placed goes to
// "bareflow-prefetch-result".

#include "prefetch.h"

#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <tuple>

#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Analysis/LoopInfo.h"
#include "llvm/Analysis/ScalarEvolution.h"
#include "llvm/Analysis/ScalarEvolutionExpressions.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/Intrinsics.h"

namespace {

using namespace llvm;

// A cache line: one prefetch for the loads of a stream within this many bytes of each other.
constexpr int64_t kLine = 64;
// The smallest step per iteration prefetched: at most four prefetches of a line (a 128-bit
// vector per iteration); scalar loops over an array would prefetch each line 8-16 times.
constexpr int64_t kMinStep = 16;

struct Request {
  int64_t bytes = 0;
  SmallVector<unsigned, 4> params;
};

std::optional<Request> request_of(const Function &f) {
  Attribute a = f.getFnAttribute("bareflow-prefetch");
  if (!a.isStringAttribute()) {
    return std::nullopt;
  }
  auto [bytes, params] = a.getValueAsString().split(':');
  Request r;
  if (bytes.getAsInteger(10, r.bytes) || r.bytes <= 0) {
    return std::nullopt;
  }
  SmallVector<StringRef, 4> list;
  params.split(list, ',', -1, false);
  for (StringRef p : list) {
    unsigned i = 0;
    if (p.getAsInteger(10, i)) {
      return std::nullopt;
    }
    r.params.push_back(i);
  }
  return r;
}

// The loads of one stream in one loop: same base parameter and step, starts a constant apart.
struct Stream {
  const SCEV *start = nullptr;
  int64_t step = 0;
  // (offset from `start`, place in the loop's blocks, load)
  SmallVector<std::tuple<int64_t, unsigned, LoadInst *>, 16> loads;
};

// The bytes a load's address walks over in one run of its loop nest, when every loop that moves
// it has a constant trip count and a constant step (the loops it does not move add nothing);
// INT64_MAX when one does not. A stream shorter than two prefetch distances is left alone: most
// of its prefetches would land past its end (a small matrix a call, in the cache anyway).
int64_t bounded_span(const SCEV *address, ScalarEvolution &se) {
  int64_t span = 0;
  while (const auto *ar = dyn_cast<SCEVAddRecExpr>(address)) {
    const auto *step = dyn_cast<SCEVConstant>(ar->getStepRecurrence(se));
    unsigned trips = se.getSmallConstantTripCount(ar->getLoop());
    if (step == nullptr || trips == 0 || !ar->isAffine()) {
      return INT64_MAX;
    }
    span += std::abs(step->getAPInt().getSExtValue()) * int64_t(trips - 1);
    address = ar->getStart();
  }
  return span;
}

}  // namespace

namespace bareflow {

PreservedAnalyses PrefetchStreams::run(Function &f, FunctionAnalysisManager &fam) {
  std::optional<Request> req = f.isDeclaration() ? std::nullopt : request_of(f);
  if (!req) {
    return PreservedAnalyses::all();
  }
  SmallPtrSet<const Value *, 4> streamed;
  for (unsigned p : req->params) {
    if (p < f.arg_size() && f.getArg(p)->getType()->isPointerTy()) {
      streamed.insert(f.getArg(p));
    }
  }
  LoopInfo &li = fam.getResult<LoopAnalysis>(f);
  ScalarEvolution &se = fam.getResult<ScalarEvolutionAnalysis>(f);
  unsigned placed = 0;
  for (Loop *l : li.getLoopsInPreorder()) {
    if (!l->isInnermost()) {
      continue;
    }
    SmallVector<Stream, 4> streams;
    for (BasicBlock *bb : l->blocks()) {
      for (Instruction &i : *bb) {
        auto *load = dyn_cast<LoadInst>(&i);
        if (load == nullptr || !load->isSimple()) {
          continue;
        }
        const auto *ar = dyn_cast<SCEVAddRecExpr>(se.getSCEV(load->getPointerOperand()));
        if (ar == nullptr || ar->getLoop() != l || !ar->isAffine()) {
          continue;
        }
        const auto *step = dyn_cast<SCEVConstant>(ar->getStepRecurrence(se));
        const auto *base = dyn_cast<SCEVUnknown>(se.getPointerBase(ar));
        if (step == nullptr || step->getAPInt().getSExtValue() < kMinStep || base == nullptr ||
            !streamed.contains(base->getValue())) {
          continue;
        }
        int64_t s = step->getAPInt().getSExtValue();
        if (bounded_span(ar, se) < 2 * req->bytes) {
          continue;
        }
        const SCEV *start = ar->getStart();
        bool grouped = false;
        for (Stream &st : streams) {
          if (st.step != s) {
            continue;
          }
          const auto *d = dyn_cast<SCEVConstant>(se.getMinusSCEV(start, st.start));
          if (d != nullptr) {
            st.loads.push_back({d->getAPInt().getSExtValue(), unsigned(st.loads.size()), load});
            grouped = true;
            break;
          }
        }
        if (!grouped) {
          Stream st;
          st.start = start;
          st.step = s;
          st.loads.push_back({0, 0, load});
          streams.push_back(st);
        }
      }
    }
    for (Stream &st : streams) {
      // One prefetch per line: the loads in offset order, each kept one a line past the last.
      llvm::sort(st.loads);
      std::optional<int64_t> last;
      for (auto &[offset, place, load] : st.loads) {
        if (last && offset < *last + kLine) {
          continue;
        }
        // A step below a line: every iteration's prefetch moves less than a line, so one per
        // iteration reaches every line.
        if (last && st.step < kLine) {
          break;
        }
        last = offset;
        IRBuilder<> b(load);
        Value *ahead = b.CreateConstGEP1_64(b.getInt8Ty(), load->getPointerOperand(), req->bytes, "prefetch.at");
        b.CreateIntrinsic(Intrinsic::prefetch, {ahead->getType()},
                          {ahead, b.getInt32(0), b.getInt32(3), b.getInt32(1)});
        placed++;
      }
    }
  }
  f.addFnAttr("bareflow-prefetch-result", std::to_string(placed));
  if (placed == 0) {
    return PreservedAnalyses::all();
  }
  PreservedAnalyses kept;
  kept.preserveSet<CFGAnalyses>();
  kept.preserve<LoopAnalysis>();
  return kept;
}

}  // namespace bareflow
