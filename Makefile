# BareFlow — the user's interface. Each target is a few lines calling cargo or a script.
# `make qemu` builds and boots the demo; `make test` runs every test. See README.md.

SHELL := /bin/bash
.DEFAULT_GOAL := qemu
BUILD := build

# Debian packages this project needs; `make deps` installs what is missing (apt-get update first).
APT_PACKAGES := clang-19 llvm-19-dev libpolly-19-dev lld-19 qemu-system-x86 grub-pc-bin xorriso mtools \
	gdb csmith libcsmith-dev libzstd-dev zlib1g-dev libxml2-dev libffi-dev libz3-dev cmake ninja-build \
	python3-numpy
DEPS_STAMP := $(BUILD)/.deps-ok

$(DEPS_STAMP):
	@tools/install-deps.sh $(APT_PACKAGES)
	@mkdir -p $(BUILD) && touch $@

.PHONY: deps
deps: $(DEPS_STAMP)

# Component fragments: each owns its targets (documented in the fragment).
-include app-tinyllama/app.mk
-include tests/irvm.mk
-include llvm-build/llvm.mk

.PHONY: clean
clean:
	cargo clean
	rm -rf $(BUILD)
