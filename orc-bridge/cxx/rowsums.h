// Row sums side by side (rowsums.cc), placed at the end of the O2/O3 tier pipeline by passes.cc.

#ifndef BAREFLOW_ROWSUMS_H
#define BAREFLOW_ROWSUMS_H

#include "llvm/IR/Function.h"
#include "llvm/IR/PassManager.h"

namespace bareflow {

// Unroll by kRowSumsUnroll each innermost loop whose iteration ends with the lanes of a vector
// accumulator added one by one in lane order, then let the SLP vectorizer add the unrolled
// iterations' lane sums side by side as vectors.
class RowSums : public llvm::PassInfoMixin<RowSums> {
 public:
  llvm::PreservedAnalyses run(llvm::Function &f, llvm::FunctionAnalysisManager &fam);
};

}  // namespace bareflow

#endif
