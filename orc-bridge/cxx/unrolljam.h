// The two passes of the guarded unroll-and-jam (unrolljam.cc), placed in the tier pipeline by
// passes.cc: GuardNests at the vectorizer's start, ReportJams at the pipeline's end.

#ifndef BAREFLOW_UNROLLJAM_H
#define BAREFLOW_UNROLLJAM_H

#include "llvm/IR/Function.h"
#include "llvm/IR/PassManager.h"

namespace bareflow {

// Guard and copy the eligible loop nests of a function that asks, and ask LLVM to jam the copies.
class GuardNests : public llvm::PassInfoMixin<GuardNests> {
 public:
  llvm::PreservedAnalyses run(llvm::Function &f, llvm::FunctionAnalysisManager &fam);
};

// Write how many of the guarded copies LLVM jammed as the function's outcome attribute.
class ReportJams : public llvm::PassInfoMixin<ReportJams> {
 public:
  llvm::PreservedAnalyses run(llvm::Function &f, llvm::FunctionAnalysisManager &fam);
};

}  // namespace bareflow

#endif
