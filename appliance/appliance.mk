# The pure-native appliance: core-rt + boot + app-tinyllama's ahead-of-time code, no Rust std, no LLVM,
# no interpreter (appliance/, tools/mkappliance). Included by the root Makefile.
#   make aot-appliance          app-tinyllama compiled ahead of time (CPU-neutral -O2), linked into an appliance:
#                               build/appcheck/appliance.elf (+ initrd.tar, ISO); `make appliance-check` boots it
#   make interactive-appliance  the same build into build/interactive/ (`make test-interactive` types into it)
#   make userspace-converge     app-tinyllama run repeatedly on one state directory until no function changes
#                               tier: per-run table + time to peak tok/s, cold vs warm (tools/converge.py; table
#                               in build/converge-userspace.txt, plot in build/converge-userspace.svg)
#   make converge               the same as boots of the JIT image (bitcode + model as boot files) on one state
#                               disk, $(CONVERGE_DISK) (per-boot table in build/converge-qemu.txt), then `make appliance`
#                               (both: JIT_THREADS=N compiles on N background threads in every run, 0 synchronously)
#   make bench-bgjit            cold first runs, synchronous compiles vs one background compile thread (round-robin)
#   make bench-bgjit-qemu       the same as kernel boots under QEMU (SMP=2 for two guest CPUs; COLD_RUNS=N rounds)
#   make bench-threads-qemu     app-tinyllama -j 1 against -j 2 in QEMU with two guest CPUs (TCG): the aot-appliance
#                               build with the stories15M-shaped checkpoint as boot files, ROUNDS=N rounds (default 5),
#                               tok/s and the CPU time of QEMU's busiest thread (tools/bench-threads.py --qemu;
#                               build/bench-threads-qemu.txt)
#   make appliance              `bareflow aot` on the converged snapshot (live functions only, whole-program O3 with
#                               the aggregated profile, for the snapshot's CPU) + trap stubs for dead functions →
#                               build/appliance.elf (+ build/appliance/initrd.tar, ISO)
#   make qemu-appliance         boots it on the same workload; its greedy text must equal the native build's
#   make bench-aot              the appliance's code path on this host: `bareflow aot` on the userspace converged
#                               snapshot (host CPU), linked with glibc, and the warm run on that snapshot, against
#                               the native build (clang-19 -O3 -march=native), round-robin (ROUNDS=N, default 15;
#                               tools/bench-warm-rr.py): same greedy text, tok/s and ratios, and the read-bandwidth
#                               limit of the model's weights measured in the same rounds (build/bench-aot.txt)
#   make bench-stories          a stories15M-shaped checkpoint (seeded random weights, $(STORIES_DIR)) with the
#                               Llama-2 tokenizer: converged on its own state directory, then native, warm tiered
#                               and aot runs round-robin against the read-bandwidth limit of a streaming probe
#                               (same greedy tokens; tools/bench-stories.py, table in build/bench-stories.txt)
#   make bench-aot-spec         `bareflow aot` with and without guarded specializations (states from --tier auto and
#                               --no-specialize runs) on bench-jit's spec_* programs, linked with glibc, against
#                               clang-19 -O3 -march=native: user-CPU medians, same-run ratios (tools/bench-aot-spec.py)
# See docs/architecture.md (the appliance) and docs/state.md (snapshots, convergence).

# Boot files of every appliance: app-tinyllama's model and tokenizer (/boot/model.bin, /boot/tokenizer.bin).
APPLIANCE_MODULES := $(TL_MODEL) $(TL_DIR)/model/tokenizer.bin

# $(call link-appliance,ELF,DIR,CMDLINE,OBJECTS,MODULES): ELF = core-rt + boot + OBJECTS (tools/mkappliance),
# and its boot files (MODULES) and GRUB ISO with CMDLINE in DIR (tools/mkimage). Also the APP= appliances'.
define link-appliance
tools/mkappliance $(1) $(4)
tools/mkimage $(1) $(2) "$(3)" $(5) >/dev/null
endef

# $(call aot-appliance,DIR): app-tinyllama's C compiled ahead of time into DIR (CPU-neutral -O2, no stack
# protector, no PIC), linked into DIR/appliance.elf with an empty command line (arguments come from the boot).
define aot-appliance
@mkdir -p $(1)
cd $(1) && $(TL_CC) $(TL_CFLAGS) -O2 -fno-stack-protector -fno-pic -c $(addprefix $(CURDIR)/,$(TL_SRC))
$(call link-appliance,$(1)/appliance.elf,$(1),,$(1)/*.o,$(APPLIANCE_MODULES))
endef

APPCHECK := $(BUILD)/appcheck
INTERACTIVE := $(BUILD)/interactive

.PHONY: aot-appliance interactive-appliance

aot-appliance: app
	$(call aot-appliance,$(APPCHECK))

interactive-appliance: app
	$(call aot-appliance,$(INTERACTIVE))

# ---- Convergence of the JIT on one workload, then the appliance from the converged snapshot ----------
CONVERGE_STATE ?= $(BUILD)/state-userspace
# JIT_THREADS=N: every run of the convergence compiles on N background threads (0: synchronously);
# empty: bareflow's default.
JIT_THREADS ?=
CONVERGE_JIT := $(if $(JIT_THREADS),--jit-threads $(JIT_THREADS))
CONVERGE_DISK ?= $(STATE_DISK)
CONVERGE_MODULES := $(BUILD)/tinyllama.bc $(APPLIANCE_MODULES)
APPLIANCE_DIR := $(BUILD)/appliance
APPLIANCE_ARGS := /boot/model.bin -n 256 -t 0 -i "'And God said'"
APPLIANCE_CMDLINE := /boot/model.bin -n 256 -t 0 -i 'And God said'

.PHONY: userspace-converge converge appliance qemu-appliance bench-aot bench-bgjit bench-bgjit-qemu bench-threads-qemu \
	bench-aot-spec bench-stories

# With APP=, converge, appliance and qemu-appliance are the app's (apps/apps.mk).
ifeq ($(strip $(APP)),)
userspace-converge: app host
	nice python3 tools/converge.py --bareflow $(BAREFLOW_HOST) --bitcode $(BUILD)/tinyllama.bc \
	  --model $(TL_MODEL) --state $(CONVERGE_STATE) --fresh --steps 256 --max-runs 6 --pairs 5 --native $(BUILD)/tinyllama \
	  $(CONVERGE_JIT) --out $(BUILD)/converge-userspace.txt --plot $(BUILD)/converge-userspace.svg

converge: app host
	$(MAKE) image BOOT_MODULES="$(CONVERGE_MODULES)"
	nice python3 tools/converge.py --bareflow $(BAREFLOW_HOST) --bitcode $(BUILD)/tinyllama.bc \
	  --model $(TL_MODEL) --qemu $(KERNEL) --initrd $(BUILD)/initrd.tar --state $(CONVERGE_DISK) --fresh \
	  --steps 256 --max-runs 5 --pairs 4 $(CONVERGE_JIT) --out $(BUILD)/converge-qemu.txt --plot $(BUILD)/converge-qemu.svg
	$(MAKE) appliance

# Cold first runs (fresh state store, 256 tokens) with synchronous compiles against one background
# compile thread, round-robin: median time to peak of each and their ratio (build/bench-bgjit.txt).
bench-bgjit: app host
	nice python3 tools/converge.py --bareflow $(BAREFLOW_HOST) --bitcode $(BUILD)/tinyllama.bc \
	  --model $(TL_MODEL) --state $(BUILD)/state-bgjit --steps 256 --cold-ab 0,1 --cold-runs 7 --out $(BUILD)/bench-bgjit.txt

# The same as boots of the kernel under QEMU (`make bench-bgjit-qemu SMP=2`: two guest CPUs, so
# the default is one compile thread); build/bench-bgjit-qemu.txt.
bench-bgjit-qemu: app host
	$(MAKE) image BOOT_MODULES="$(CONVERGE_MODULES)"
	nice python3 tools/converge.py --bareflow $(BAREFLOW_HOST) --bitcode $(BUILD)/tinyllama.bc \
	  --model $(TL_MODEL) --qemu $(KERNEL) --initrd $(BUILD)/initrd.tar --state $(BUILD)/state-bgjit.img \
	  --steps 256 --cold-ab 0,1 --cold-runs $(or $(COLD_RUNS),5) --out $(BUILD)/bench-bgjit-qemu.txt

# The appliance of bench-threads-qemu: app-tinyllama as in aot-appliance, the stories15M-shaped checkpoint and the
# Llama-2 tokenizer as its boot files.
THREADS_QEMU := $(BUILD)/threads-qemu

bench-threads-qemu: app $(STORIES_DIR)/model.bin $(STORIES_DIR)/tokenizer.bin
	@mkdir -p $(THREADS_QEMU)
	cd $(THREADS_QEMU) && $(TL_CC) $(TL_CFLAGS) -O2 -fno-stack-protector -fno-pic -c $(addprefix $(CURDIR)/,$(TL_SRC))
	$(call link-appliance,$(THREADS_QEMU)/appliance.elf,$(THREADS_QEMU),,$(THREADS_QEMU)/*.o,$(STORIES_DIR)/model.bin $(STORIES_DIR)/tokenizer.bin)
	python3 tools/bench-threads.py --tinyllama $(BUILD)/tinyllama --model $(STORIES_DIR)/model.bin --steps 64 --threads 2 \
	  --rounds $(or $(ROUNDS),5) --qemu $(THREADS_QEMU)/appliance.elf --initrd $(THREADS_QEMU)/initrd.tar \
	  --out $(BUILD)/bench-threads-qemu.txt

appliance: app host
	@test -f $(CONVERGE_DISK) || { echo "appliance: no converged snapshot in $(CONVERGE_DISK): run 'make converge' first" >&2; exit 1; }
	@mkdir -p $(APPLIANCE_DIR)
	$(BAREFLOW_HOST) aot --state $(CONVERGE_DISK) $(BUILD)/tinyllama.bc -o $(APPLIANCE_DIR)/app.o --stubs $(APPLIANCE_DIR)/dead.s
	$(TL_CC) -c $(APPLIANCE_DIR)/dead.s -o $(APPLIANCE_DIR)/dead.o
	$(call link-appliance,$(BUILD)/appliance.elf,$(APPLIANCE_DIR),$(APPLIANCE_CMDLINE),$(APPLIANCE_DIR)/app.o $(APPLIANCE_DIR)/dead.o,$(APPLIANCE_MODULES))
	@echo "appliance: $(BUILD)/appliance.elf, .text $$(size -A $(BUILD)/appliance.elf | awk '$$1==".text"{print $$2}') bytes; ISO $(APPLIANCE_DIR)/bareflow.iso"

# The guest's exit status and every command of the pipe count (.SHELLFLAGS has pipefail).
qemu-appliance: appliance
	$(QEMU_RUN) --initrd $(APPLIANCE_DIR)/initrd.tar $(BUILD)/appliance.elf -- $(APPLIANCE_ARGS) \
	  | tr -d '\r' | tee $(APPLIANCE_DIR)/qemu.raw | grep -v -e '^core-rt: ' -e '^achieved tok/s' -e '^qemu-run: ' > $(APPLIANCE_DIR)/qemu.txt
	$(BUILD)/tinyllama $(TL_MODEL) -n 256 -t 0 -i "And God said" 2>/dev/null > $(APPLIANCE_DIR)/native.txt
	diff $(APPLIANCE_DIR)/native.txt $(APPLIANCE_DIR)/qemu.txt && echo "qemu-appliance: same greedy output as the native build ($$(wc -c < $(APPLIANCE_DIR)/native.txt) bytes); $$(grep '^achieved tok/s' $(APPLIANCE_DIR)/qemu.raw)"

endif

AOT_HOST := $(BUILD)/aot-host
bench-aot: app host $(BUILD)/stream-probe
	@test -f $(CONVERGE_STATE)/state.img || { echo "bench-aot: run 'make userspace-converge' first" >&2; exit 1; }
	@mkdir -p $(AOT_HOST)
	$(BAREFLOW_HOST) aot --state $(CONVERGE_STATE) $(BUILD)/tinyllama.bc -o $(AOT_HOST)/app.o --stubs $(AOT_HOST)/dead.s
	$(TL_CC) $(AOT_HOST)/app.o $(AOT_HOST)/dead.s -lm -o $(AOT_HOST)/tinyllama-aot
	nice python3 tools/bench-warm-rr.py --rounds $(or $(ROUNDS),15) --native $(BUILD)/tinyllama --bareflow $(BAREFLOW_HOST) \
	  --bitcode $(BUILD)/tinyllama.bc --model $(TL_MODEL) --probe $(BUILD)/stream-probe \
	  warm=$(CONVERGE_STATE) 'aot=!$(AOT_HOST)/tinyllama-aot' \
	  | tee $(BUILD)/bench-aot.txt

bench-aot-spec: host
	nice python3 tools/bench-aot-spec.py --bareflow $(BAREFLOW_HOST) --out $(BUILD)/bench-aot-spec

# The stories15M-shaped checkpoint ($(STORIES_DIR)) is app-tinyllama's (app-tinyllama/app.mk).
$(BUILD)/stream-probe: tools/stream-probe.c | $(DEPS_STAMP)
	$(TL_CC) -std=c11 -Wall -Wextra -Werror $(TL_NATIVE_FLAGS) $< -pthread -o $@

bench-stories: app host $(STORIES_DIR)/model.bin $(STORIES_DIR)/tokenizer.bin $(BUILD)/stream-probe
	nice python3 tools/bench-stories.py --bareflow $(BAREFLOW_HOST) --bitcode $(BUILD)/tinyllama.bc \
	  --native $(BUILD)/tinyllama --model $(STORIES_DIR)/model.bin --state $(BUILD)/state-stories \
	  --probe $(BUILD)/stream-probe --cc $(TL_CC) --work $(STORIES_DIR)/aot --rounds 5 --out $(BUILD)/bench-stories.txt
