# llvm-build: which LLVM the Rust build links, and the stripped static LLVM. Included by
# the root Makefile. See docs/llvm-build.md.
#   make llvm           build the stripped X86-only static LLVM 19 once into ~/.cache/bareflow/ (about an
#                       hour on 2 cores), or reuse it; prints the libraries' total size
#   make llvm-info      which LLVM is selected, its prefix, version and library size
#   make test-orc       cargo test -p orc-bridge (host build: Debian's LLVM; LLVM=stripped for the stripped one)
#   make text-size      the last kernel's .text by component and LLVM library (tools/text-size.py)
# Selection: LLVM ?= auto → `stripped` when the cache holds a complete build, else `system` (Debian's
# llvm-19-dev in /usr/lib/llvm-19) for the kernel; LLVM=system|stripped forces one (host builds too).
# Exports LLVM_SYS_191_PREFIX (read by llvm-sys) for host builds and sets LLVM_CONFIG, LLVM_PREFIX (the
# kernel's) and LLVM_KIND (system|stripped) for other fragments. CI uses LLVM=system and never builds
# LLVM from source.

LLVM ?= auto
LLVM_SYSTEM_PREFIX := /usr/lib/llvm-19
LLVM_STRIPPED_PREFIX := $(shell llvm-build/prefix.sh)
LLVM_STRIPPED_READY := $(wildcard $(LLVM_STRIPPED_PREFIX)/.complete)

ifeq ($(LLVM),auto)
  LLVM_KIND := $(if $(LLVM_STRIPPED_READY),stripped,system)
else ifneq ($(filter $(LLVM),system stripped),)
  LLVM_KIND := $(LLVM)
else
  $(error LLVM='$(LLVM)': expected auto, system or stripped)
endif

LLVM_PREFIX := $(if $(filter stripped,$(LLVM_KIND)),$(LLVM_STRIPPED_PREFIX),$(LLVM_SYSTEM_PREFIX))
LLVM_CONFIG := $(LLVM_PREFIX)/bin/llvm-config
# The kernel links $(LLVM_PREFIX) (Makefile `kernel`). The Linux process (host builds: tests,
# benchmarks, userspace-check) links Debian's LLVM unless LLVM=stripped is forced: the stripped
# LLVM is built for size (-Oz, what BareFlow does not use patched out), a host build for speed.
HOST_LLVM_PREFIX := $(if $(filter stripped,$(LLVM)),$(LLVM_STRIPPED_PREFIX),$(LLVM_SYSTEM_PREFIX))
export LLVM_SYS_191_PREFIX := $(HOST_LLVM_PREFIX)

# Say which one, once per make run (not inside the recursive makes of other fragments).
ifeq ($(MAKELEVEL),0)
  $(info llvm: $(LLVM_KIND) LLVM at $(LLVM_PREFIX) (LLVM=$(LLVM)); host builds: $(HOST_LLVM_PREFIX))
endif
# A forced stripped LLVM that is not built yet: only `make llvm` may proceed.
ifeq ($(LLVM_KIND)$(LLVM_STRIPPED_READY),stripped)
  ifeq ($(filter llvm llvm-info clean,$(MAKECMDGOALS)),)
    $(error LLVM=stripped but $(LLVM_STRIPPED_PREFIX) is not built: run `make llvm` first (about an hour))
  endif
endif

.PHONY: llvm llvm-info test-orc

llvm:
	@llvm-build/build.sh

llvm-info:
	@echo "llvm: selected $(LLVM_KIND) (LLVM=$(LLVM)); prefix $(LLVM_PREFIX)"
	@echo "llvm: stripped cache $(LLVM_STRIPPED_PREFIX) $(if $(LLVM_STRIPPED_READY),(built),(not built))"
	@if [ -x "$(LLVM_CONFIG)" ]; then echo "llvm: llvm-config $$($(LLVM_CONFIG) --version)"; \
	  llvm-build/size.sh "$(LLVM_PREFIX)"; else echo "llvm: no llvm-config at $(LLVM_CONFIG)"; fi

test-orc:
	cargo test -p orc-bridge

# Where the last kernel's .text goes (build/bareflow.map): by component, LLVM library and object.
.PHONY: text-size
text-size:
	@tools/text-size.py --map $(BUILD)/bareflow.map --llvm-prefix $(LLVM_PREFIX)
