// Row sums side by side. A row loop over a vectorized dot product (app-tinyllama's `matmul` with
// `dot` pasted in and its row length a constant) ends every row with the accumulator's lanes
// added one at a time in lane order, the order the source fixes (`s += acc[k]`, k = 0..15): a
// chain of 16 dependent scalar adds, longer than the row's vector work, that bounds the loop
// (docs/performance.md). Unrolled by kRowSumsUnroll, the loop holds that many rows' chains, each
// in its own order, and the SLP vectorizer adds them side by side: lane k of row r goes to lane r
// of the k-th vector add. Every row's adds keep their operands and order (no reassociation), so
// the floats are the same; the unroller keeps a remainder loop for a trip count that is not a
// multiple. Runs after the default pipeline (its vectorizers and unrolling are done), only on
// loops that have such a chain; the outcome is the function attribute
// "bareflow-row-sums" = loops unrolled.

#include <string>

#include "rowsums.h"

#include "llvm/Analysis/LoopInfo.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/PassManager.h"
#include "llvm/Transforms/InstCombine/InstCombine.h"
#include "llvm/Transforms/Scalar/LoopUnrollPass.h"
#include "llvm/Transforms/Scalar/SimplifyCFG.h"
#include "llvm/Transforms/Utils/LoopUtils.h"
#include "llvm/Transforms/Vectorize/SLPVectorizer.h"

namespace {

using namespace llvm;

// Rows unrolled together: four chains side by side fill a 128-bit add; with the chains' 3-cycle
// adds that is as many rows in flight as the row's vector work leaves room for.
constexpr unsigned kRowSumsUnroll = 4;

// The fewest lanes added one by one that make a chain worth it (a 256-bit float vector).
constexpr unsigned kMinChain = 8;

// `v`'s lane index if it is a scalar float taken from a vector of at least kMinChain lanes.
bool lane_of(Value *v, Value *&vec, uint64_t &lane) {
  auto *e = dyn_cast<ExtractElementInst>(v);
  if (e == nullptr || !e->getType()->isFloatingPointTy()) {
    return false;
  }
  auto *ty = dyn_cast<FixedVectorType>(e->getVectorOperandType());
  auto *idx = dyn_cast<ConstantInt>(e->getIndexOperand());
  if (ty == nullptr || idx == nullptr || ty->getNumElements() < kMinChain) {
    return false;
  }
  vec = e->getVectorOperand();
  lane = idx->getZExtValue();
  return true;
}

// Whether the loop's body adds at least kMinChain consecutive lanes of one vector one by one:
// fadd(...fadd(fadd(s0, v[j]), v[j+1])..., v[j+n-1]), each add's other operand the previous add.
bool has_lane_ordered_sum(const Loop *l) {
  for (BasicBlock *bb : l->blocks()) {
    for (Instruction &i : *bb) {
      if (i.getOpcode() != Instruction::FAdd || i.getType()->isVectorTy()) {
        continue;
      }
      // Walk down from an add whose result no further lane add of the chain takes.
      unsigned length = 0;
      Value *vec = nullptr;
      uint64_t next = 0;
      Instruction *at = &i;
      while (at != nullptr && at->getOpcode() == Instruction::FAdd) {
        Value *v = nullptr;
        uint64_t lane = 0;
        Value *rest = nullptr;
        if (lane_of(at->getOperand(1), v, lane)) {
          rest = at->getOperand(0);
        } else if (lane_of(at->getOperand(0), v, lane)) {
          rest = at->getOperand(1);
        } else {
          break;
        }
        if (length > 0 && (v != vec || lane + 1 != next)) {
          break;
        }
        vec = v;
        next = lane;
        length++;
        at = dyn_cast<Instruction>(rest);
      }
      if (length >= kMinChain) {
        return true;
      }
    }
  }
  return false;
}

}  // namespace

namespace bareflow {

PreservedAnalyses RowSums::run(Function &f, FunctionAnalysisManager &fam) {
  if (f.isDeclaration()) {
    return PreservedAnalyses::all();
  }
  LoopInfo &li = fam.getResult<LoopAnalysis>(f);
  unsigned marked = 0;
  for (Loop *l : li.getLoopsInPreorder()) {
    if (!l->isInnermost() || l->getLoopLatch() == nullptr || l->getExitingBlock() == nullptr ||
        findStringMetadataForLoop(l, "llvm.loop.unroll.disable").has_value() ||
        findStringMetadataForLoop(l, "llvm.loop.unroll.count").has_value() || !has_lane_ordered_sum(l)) {
      continue;
    }
    addStringMetadataToLoop(l, "llvm.loop.unroll.count", kRowSumsUnroll);
    marked++;
  }
  if (marked == 0) {
    return PreservedAnalyses::all();
  }
  f.addFnAttr("bareflow-row-sums", std::to_string(marked));
  FunctionPassManager fpm;
  fpm.addPass(LoopUnrollPass(LoopUnrollOptions(3).setRuntime(true)));
  fpm.addPass(SLPVectorizerPass());
  fpm.addPass(InstCombinePass());
  fpm.addPass(SimplifyCFGPass());
  return fpm.run(f, fam);
}

}  // namespace bareflow
