// Which functions' bodies the optimizer inlined into the code a compile emits. Called by
// orc-bridge's per-function compile (src/inlined.rs) around the tier pipeline.
//
// The inliner reports every call site it inlines as an optimization remark of pass "inline"
// ("Inlined", or "AlwaysInline" for an `alwaysinline` callee) whose arguments name the callee and
// the caller. bf_inline_record_start installs, for the length of one pipeline run, a diagnostic
// handler on the module's context that asks for those remarks only (other passes' remarks are not
// requested where the pass asks by name, and dropped when it does not) and hands every other
// diagnostic to the handler it replaced. bf_inline_record_finish puts that handler back and
// answers the callees whose code ended up in a function the module emits: inlined into one of
// them, or into a body inlined into one of them, and so on (a body inlined only into an
// `available_externally` copy that was itself never inlined is not in the emitted code).
// Only LLVM's own headers and libraries are used (Core), built without exceptions or RTTI.

#include <cstdlib>
#include <cstring>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "llvm-c/Core.h"
#include "llvm/IR/DiagnosticHandler.h"
#include "llvm/IR/DiagnosticInfo.h"
#include "llvm/IR/Function.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"

namespace {

using llvm::StringRef;

class InlineRecorder final : public llvm::DiagnosticHandler {
 public:
  explicit InlineRecorder(std::unique_ptr<llvm::DiagnosticHandler> previous) : previous_(std::move(previous)) {}

  bool handleDiagnostics(const llvm::DiagnosticInfo &info) override {
    if (const auto *r = llvm::dyn_cast<llvm::OptimizationRemark>(&info)) {
      StringRef name = r->getRemarkName();
      if (StringRef(r->getPassName()) == "inline" && (name == "Inlined" || name == "AlwaysInline")) {
        std::string callee, caller;
        for (const auto &arg : r->getArgs()) {
          if (arg.Key == "Callee") {
            callee = arg.Val;
          } else if (arg.Key == "Caller") {
            caller = arg.Val;
          }
        }
        if (!callee.empty() && !caller.empty()) {
          edges_.emplace_back(std::move(callee), std::move(caller));
        }
      }
      return true;
    }
    if (info.getSeverity() == llvm::DS_Remark) {
      return true;  // other remarks: asked for by no one but this recorder
    }
    return previous_ != nullptr && previous_->handleDiagnostics(info);
  }

  bool isPassedOptRemarkEnabled(StringRef pass) const override { return pass == "inline"; }
  bool isMissedOptRemarkEnabled(StringRef) const override { return false; }
  bool isAnalysisRemarkEnabled(StringRef) const override { return false; }
  bool isAnyRemarkEnabled() const override { return true; }

  std::unique_ptr<llvm::DiagnosticHandler> take_previous() { return std::move(previous_); }
  const std::vector<std::pair<std::string, std::string>> &edges() const { return edges_; }

 private:
  std::unique_ptr<llvm::DiagnosticHandler> previous_;
  // (callee, caller) of every inlined call site, in the order the inliner reported them.
  std::vector<std::pair<std::string, std::string>> edges_;
};

}  // namespace

// Start recording the inlining done in `module_ref`'s context (until bf_inline_record_finish,
// given the token this returns).
extern "C" void *bf_inline_record_start(LLVMModuleRef module_ref) {
  llvm::LLVMContext &ctx = llvm::unwrap(module_ref)->getContext();
  auto recorder = std::make_unique<InlineRecorder>(ctx.getDiagnosticHandler());
  void *token = recorder.get();
  // Not filtered by the context: the recorder sees every remark and keeps the inliner's.
  ctx.setDiagnosticHandler(std::move(recorder), false);
  return token;
}

// Stop recording (the context gets its previous handler back) and return the names of the
// functions inlined into the emitted code of `module_ref`, one per line, as a malloc'd string
// (free it with bf_inline_record_free); null when none was. `token` is what
// bf_inline_record_start returned for this module's context; a context whose handler is not that
// recorder any more keeps the handler it has, and the answer is null.
extern "C" char *bf_inline_record_finish(LLVMModuleRef module_ref, void *token) {
  llvm::Module &m = *llvm::unwrap(module_ref);
  llvm::LLVMContext &ctx = m.getContext();
  std::unique_ptr<llvm::DiagnosticHandler> handler = ctx.getDiagnosticHandler();
  if (handler.get() != token || token == nullptr) {
    ctx.setDiagnosticHandler(std::move(handler));
    return nullptr;
  }
  // The handler is the recorder bf_inline_record_start made (same address, still installed).
  auto *recorder = static_cast<InlineRecorder *>(handler.get());
  ctx.setDiagnosticHandler(recorder->take_previous());

  std::set<std::string> inside;
  for (const llvm::Function &f : m) {
    if (!f.isDeclaration() && !f.hasAvailableExternallyLinkage()) {
      inside.insert(f.getName().str());
    }
  }
  std::set<std::string> inlined;
  for (bool grew = true; grew;) {
    grew = false;
    for (const auto &[callee, caller] : recorder->edges()) {
      if (inside.count(caller) != 0 && inside.insert(callee).second) {
        inlined.insert(callee);
        grew = true;
      }
    }
  }
  if (inlined.empty()) {
    return nullptr;
  }
  std::string out;
  for (const std::string &name : inlined) {
    out += name;
    out += '\n';
  }
  char *copy = static_cast<char *>(std::malloc(out.size() + 1));
  if (copy != nullptr) {
    std::memcpy(copy, out.c_str(), out.size() + 1);
  }
  return copy;
}

extern "C" void bf_inline_record_free(char *names) { std::free(names); }
