// The pass runner of orc-bridge's tier pipeline (src/unrolljam.rs calls it from src/pipeline.rs):
// LLVMRunPasses (same pass builder, analyses and instrumentation) with the guarded unroll-and-jam
// of unrolljam.cc and the prefetches of prefetch.cc placed in it, and LLVM's own unroll-and-jam
// pass switched on. Built by build.rs against the headers of the LLVM that llvm-sys links; no
// exceptions, no RTTI.

#include <string>

#include "llvm-c/Core.h"
#include "llvm-c/Error.h"
#include "llvm-c/TargetMachine.h"
#include "llvm/Analysis/LoopInfo.h"
#include "llvm/IR/InstrTypes.h"
#include "llvm/IR/IntrinsicInst.h"
#include "llvm/IR/Module.h"
#include "llvm/IR/PassManager.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Passes/StandardInstrumentations.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/Transforms/Utils/LoopUtils.h"
#include "prefetch.h"
#include "unrolljam.h"

namespace {

using namespace llvm;

// LLVM's unroll-and-jam pass is in the O2/O3 pipelines (after the vectorizers, before the late
// unroller) only with its option set; on x86 it then jams only loops whose metadata asks for it
// (the target does not enable it otherwise), i.e. the guarded copies above. Set once per
// process, before the first pipeline is built.
bool enable_llvm_unroll_and_jam() {
  auto &options = cl::getRegisteredOptions();
  auto it = options.find("enable-unroll-and-jam");
  return it != options.end() && !it->second->addOccurrence(0, "enable-unroll-and-jam", "true");
}

// Whether a block of `loop` makes a call that is neither an intrinsic nor inline assembly.
bool calls_out(const Loop &loop) {
  for (const BasicBlock *bb : loop.blocks()) {
    for (const Instruction &i : *bb) {
      const auto *call = dyn_cast<CallBase>(&i);
      if (call && !isa<IntrinsicInst>(call) && !call->isInlineAsm()) {
        return true;
      }
    }
  }
  return false;
}

// No profile-based peeling of a loop that calls out. With a profile, LLVM's late unroller peels
// as many iterations as the latch's weights say a loop runs on average (up to 7), whatever the
// body holds. A peeled iteration saves the loop's compare and branch, nothing against the call
// it copies, and every copy is another call site and more code: fib's tail-recursion loop (about
// 1.6 iterations a call, by irvm's counts) peeled twice ran 18-27 % slower than unpeeled
// (docs/performance.md, "fib, quicksort and spec_conv"). Dropping the latch's weights is what
// keeps the unroller from estimating a trip count there (the other peeling reasons, which do not
// read the profile, stay); block placement then treats that latch as a loop branch, statically.
// Only loops the unroller would peel by profile lose them: an estimate of at most
// kMaxProfilePeel iterations (LLVM's `unroll-peel-max-count` default); a loop with a longer
// estimate keeps its weights and its layout.
constexpr unsigned kMaxProfilePeel = 7;

struct NoProfilePeelingOfCallingLoops : PassInfoMixin<NoProfilePeelingOfCallingLoops> {
  PreservedAnalyses run(Function &f, FunctionAnalysisManager &fam) {
    if (!f.hasProfileData()) {
      return PreservedAnalyses::all();
    }
    bool changed = false;
    for (Loop *loop : fam.getResult<LoopAnalysis>(f).getLoopsInPreorder()) {
      BasicBlock *latch = loop->getLoopLatch();
      if (!latch || !latch->getTerminator()->getMetadata(LLVMContext::MD_prof) || !calls_out(*loop)) {
        continue;
      }
      std::optional<unsigned> trips = getLoopEstimatedTripCount(loop);
      if (trips && *trips > 0 && *trips <= kMaxProfilePeel) {
        latch->getTerminator()->setMetadata(LLVMContext::MD_prof, nullptr);
        changed = true;
      }
    }
    if (!changed) {
      return PreservedAnalyses::all();
    }
    PreservedAnalyses kept;
    kept.preserveSet<CFGAnalyses>();
    kept.preserve<LoopAnalysis>();
    return kept;
  }
};

}  // namespace

// LLVMRunPasses with the vectorizer-start extensions (the guarded nests, no profile-based peeling
// of loops that call out: both before the late unroller). The tuning flags are those of
// LLVMPassBuilderOptions that orc-bridge sets; `tm` may be null (no target cost model).
// Returns null on success, else an error the caller owns (LLVMGetErrorMessage).
extern "C" LLVMErrorRef bf_run_passes(LLVMModuleRef module_ref, const char *passes, LLVMTargetMachineRef tm,
                                      int vectorize, int unroll, int call_graph_profile) {
  Module *m = unwrap(module_ref);
  auto *machine = reinterpret_cast<TargetMachine *>(tm);
  PipelineTuningOptions pto;
  pto.LoopVectorization = vectorize != 0;
  pto.SLPVectorization = vectorize != 0;
  pto.LoopInterleaving = vectorize != 0;
  pto.LoopUnrolling = unroll != 0;
  pto.CallGraphProfile = call_graph_profile != 0;
  PassInstrumentationCallbacks pic;
  PassBuilder pb(machine, pto, std::nullopt, &pic);
  static const bool uaj_in_pipeline = enable_llvm_unroll_and_jam();
  (void)uaj_in_pipeline;
  pb.registerVectorizerStartEPCallback(
      [](FunctionPassManager &fpm, OptimizationLevel) {
        fpm.addPass(bareflow::GuardNests());
        fpm.addPass(NoProfilePeelingOfCallingLoops());
      });
  pb.registerOptimizerLastEPCallback([](ModulePassManager &mpm, OptimizationLevel) {
    mpm.addPass(createModuleToFunctionPassAdaptor(bareflow::ReportJams()));
    // After the vectorizers and the unrollers: the loads prefetched are the final ones.
    mpm.addPass(createModuleToFunctionPassAdaptor(bareflow::PrefetchStreams()));
  });
  LoopAnalysisManager lam;
  FunctionAnalysisManager fam;
  CGSCCAnalysisManager cgam;
  ModuleAnalysisManager mam;
  pb.registerLoopAnalyses(lam);
  pb.registerFunctionAnalyses(fam);
  pb.registerCGSCCAnalyses(cgam);
  pb.registerModuleAnalyses(mam);
  pb.crossRegisterProxies(lam, fam, cgam, mam);
  StandardInstrumentations si(m->getContext(), false, false);
  si.registerCallbacks(pic, &mam);
  ModulePassManager mpm;
  if (Error err = pb.parsePassPipeline(mpm, passes)) {
    return wrap(std::move(err));
  }
  mpm.run(*m, mam);
  return nullptr;
}
