// Software prefetch of streamed arguments (prefetch.cc), placed at the end of the O2/O3 tier
// pipeline by passes.cc.

#ifndef BAREFLOW_PREFETCH_H
#define BAREFLOW_PREFETCH_H

#include "llvm/IR/Function.h"
#include "llvm/IR/PassManager.h"

namespace bareflow {

// In a function with the attribute "bareflow-prefetch" = "BYTES:P,P,...", prefetch BYTES ahead
// the loads of every innermost loop that walk forward through memory based on parameter P; the
// number of prefetches placed goes to the attribute "bareflow-prefetch-result".
class PrefetchStreams : public llvm::PassInfoMixin<PrefetchStreams> {
 public:
  llvm::PreservedAnalyses run(llvm::Function &f, llvm::FunctionAnalysisManager &fam);
};

}  // namespace bareflow

#endif
