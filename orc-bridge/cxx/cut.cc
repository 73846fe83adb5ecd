// The cut of a few definitions out of a module, at a cost proportional to what is kept: the
// LLVM-C API can only clone a whole module (LLVMCloneModule), which for a large program costs far
// more than compiling one of its functions. Called by orc-bridge's extraction (src/cut.rs).
//
// bf_cut_module builds a new module in the source's context with the source's data layout, triple,
// inline asm, debug-info format and named metadata (module flags, ident, debug compile units), the
// bodies of the functions it is given, and a declaration for every other global value they
// reference, created when the body cloner first meets it. It follows llvm::CloneModule's rules for
// what it copies: attributes, metadata of globals and of function declarations, no comdats; a
// definition left behind becomes an external declaration (a declaration keeps its own linkage, so
// extern_weak stays weak), except that module-local variables and `available_externally` constants
// a body reaches keep their initializers. Only LLVM's own headers and libraries are used (TransformUtils), built
// without exceptions or RTTI like the LLVM it links with.

#include <cstddef>
#include <memory>
#include <utility>
#include <vector>

#include "llvm-c/Core.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/IR/Function.h"
#include "llvm/IR/GlobalAlias.h"
#include "llvm/IR/GlobalVariable.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/Module.h"
#include "llvm/Transforms/Utils/Cloning.h"
#include "llvm/Transforms/Utils/ValueMapper.h"

namespace {

using llvm::Function;
using llvm::GlobalValue;
using llvm::GlobalVariable;
using llvm::Module;
using llvm::Value;

// Declares, in the cut module, each global value of the source that a cloned body references.
class DeclareOnUse final : public llvm::ValueMaterializer {
 public:
  explicit DeclareOnUse(Module &dst) : dst_(dst) {}

  llvm::ValueToValueMapTy vmap;
  // Declarations made so far whose metadata is still to be copied (after the bodies: the value
  // mapper is not re-entered from inside a materialization).
  std::vector<std::pair<const llvm::GlobalObject *, llvm::GlobalObject *>> pending_metadata;
  // Variables kept as definitions whose initializer is still to be mapped.
  std::vector<std::pair<const GlobalVariable *, GlobalVariable *>> pending_initializers;

  Value *materialize(Value *v) override {
    auto *gv = llvm::dyn_cast<GlobalValue>(v);
    if (gv == nullptr || gv->getParent() == &dst_) {
      return nullptr;
    }
    // A left-behind definition becomes an external declaration; a declaration keeps its linkage.
    GlobalValue::LinkageTypes linkage = gv->isDeclaration() ? gv->getLinkage() : GlobalValue::ExternalLinkage;
    if (auto *f = llvm::dyn_cast<Function>(gv)) {
      Function *d = Function::Create(f->getFunctionType(), linkage, f->getAddressSpace(), f->getName(), &dst_);
      d->copyAttributesFrom(f);
      d->setLinkage(linkage);
      // copyAttributesFrom points these at the source module's constants; a declaration has none.
      d->setPersonalityFn(nullptr);
      d->setPrefixData(nullptr);
      d->setPrologueData(nullptr);
      if (f->isDeclaration()) {
        pending_metadata.emplace_back(f, d);
      }
      return d;
    }
    if (auto *g = llvm::dyn_cast<GlobalVariable>(gv)) {
      // Kept with its initializer and linkage: a module-local definition (in the host-linked base:
      // a computed-goto table private to the function that reads it), which has no other home, and
      // an `available_externally` constant (the base's copy of a host constant: the optimizer folds
      // loads from it, the address stays the host's).
      bool local = g->hasLocalLinkage() && g->hasInitializer();
      bool host_constant = g->hasAvailableExternallyLinkage() && g->isConstant() && g->hasInitializer();
      if (local || host_constant) {
        linkage = g->getLinkage();
      }
      auto *d = new GlobalVariable(dst_, g->getValueType(), g->isConstant(), linkage, nullptr, g->getName(), nullptr,
                                   g->getThreadLocalMode(), g->getAddressSpace());
      d->copyAttributesFrom(g);
      d->setLinkage(linkage);
      pending_metadata.emplace_back(g, d);
      if (local || host_constant) {
        pending_initializers.emplace_back(g, d);
      }
      return d;
    }
    // An alias (or ifunc) cannot stand for an external reference: declare what its type says.
    llvm::Type *ty = gv->getValueType();
    if (auto *fty = llvm::dyn_cast<llvm::FunctionType>(ty)) {
      return Function::Create(fty, GlobalValue::ExternalLinkage, gv->getAddressSpace(), gv->getName(), &dst_);
    }
    return new GlobalVariable(dst_, ty, false, GlobalValue::ExternalLinkage, nullptr, gv->getName(), nullptr,
                              GlobalValue::NotThreadLocal, gv->getAddressSpace());
  }

  // Set the initializers of the variables kept as definitions, including those of variables their
  // initializers make meanwhile. After the bodies: a `blockaddress` maps to the cloned block only
  // once its function's body is cloned.
  void copy_pending_initializers() {
    while (!pending_initializers.empty()) {
      auto [from, to] = pending_initializers.back();
      pending_initializers.pop_back();
      to->setInitializer(llvm::MapValue(from->getInitializer(), vmap, llvm::RF_None, nullptr, this));
    }
  }

  // Both of the above until neither has work left.
  void copy_pending() {
    while (!pending_initializers.empty() || !pending_metadata.empty()) {
      copy_pending_initializers();
      copy_pending_metadata();
    }
  }

  // Copy the metadata attachments of the declarations made, including those made meanwhile.
  void copy_pending_metadata() {
    while (!pending_metadata.empty()) {
      auto [from, to] = pending_metadata.back();
      pending_metadata.pop_back();
      llvm::SmallVector<std::pair<unsigned, llvm::MDNode *>, 1> mds;
      from->getAllMetadata(mds);
      for (auto &[kind, node] : mds) {
        to->addMetadata(kind, *llvm::MapMetadata(node, vmap, llvm::RF_None, nullptr, this));
      }
    }
  }

 private:
  Module &dst_;
};

}  // namespace

// Returns the cut module (owned by the caller, freed with LLVMDisposeModule), or null when one of
// `keep` is not a function definition of `src`.
extern "C" LLVMModuleRef bf_cut_module(LLVMModuleRef src_ref, const LLVMValueRef *keep, size_t count) {
  Module &src = *llvm::unwrap(src_ref);
  std::vector<Function *> kept;
  kept.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    auto *f = llvm::dyn_cast_or_null<Function>(llvm::unwrap(keep[i]));
    if (f == nullptr || f->getParent() != &src || f->isDeclaration()) {
      return nullptr;
    }
    kept.push_back(f);
  }

  auto dst = std::make_unique<Module>(src.getModuleIdentifier(), src.getContext());
  dst->setSourceFileName(src.getSourceFileName());
  dst->setDataLayout(src.getDataLayout());
  dst->setTargetTriple(src.getTargetTriple());
  dst->setModuleInlineAsm(src.getModuleInlineAsm());
  // Before any function is created: a function takes its module's debug-info format.
  dst->IsNewDbgInfoFormat = src.IsNewDbgInfoFormat;

  DeclareOnUse declare(*dst);
  // 1. Every kept function exists before any body is cloned (they may call one another).
  std::vector<Function *> made;
  made.reserve(kept.size());
  for (Function *f : kept) {
    Function *n = Function::Create(f->getFunctionType(), f->getLinkage(), f->getAddressSpace(), f->getName(), dst.get());
    n->copyAttributesFrom(f);
    declare.vmap[f] = n;
    made.push_back(n);
  }
  // 2. The bodies; what they reference from outside is declared on first use.
  for (size_t i = 0; i < kept.size(); ++i) {
    Function *f = kept[i];
    Function *n = made[i];
    auto arg = n->arg_begin();
    for (const llvm::Argument &a : f->args()) {
      arg->setName(a.getName());
      declare.vmap[&a] = &*arg++;
    }
    llvm::SmallVector<llvm::ReturnInst *, 8> returns;
    llvm::CloneFunctionInto(n, f, declare.vmap, llvm::CloneFunctionChangeType::ClonedModule, returns, "", nullptr,
                            nullptr, &declare);
  }
  // 3. The initializers of the variables kept as definitions (bodies exist: block addresses map),
  // the declarations' metadata, then the named metadata (as llvm::CloneModule copies them); each
  // may reference globals not met before, declared or defined on the way.
  declare.copy_pending();
  for (const llvm::NamedMDNode &nmd : src.named_metadata()) {
    llvm::NamedMDNode *copy = dst->getOrInsertNamedMetadata(nmd.getName());
    for (const llvm::MDNode *node : nmd.operands()) {
      copy->addOperand(llvm::MapMetadata(node, declare.vmap, llvm::RF_None, nullptr, &declare));
    }
  }
  declare.copy_pending();
  return llvm::wrap(dst.release());
}
