# The user's path: any C/C++ program through the same targets as app-tinyllama (docs/apps.md).
# Included by the root Makefile before its image variables.
#   make qemu APP=PATH [ARGS="..."] [FILES="..."] [STDIN=FILE]
#        PATH: a directory of C/C++ sources (every .c/.cc/.cpp, -I the directory), a list of sources in
#        quotes, or a ready .bc. Built by tools/app-build into build/apps/NAME/ (NAME: the directory's or
#        first file's name, or APP_NAME=): NAME.bc, the native build NAME, the image's initrd.tar and ISO,
#        the state disk state.img, the appliance. ARGS: the program's arguments; FILES: boot files
#        (/boot/<name>); STDIN: a file typed into the console, then end of file.
#   make userspace-check APP=...   native build vs `bareflow run --tier interp|auto|jit` vs QEMU (auto):
#                                  same output and exit status (tools/app-check)
#   make converge APP=...          boots on a fresh state disk until a boot changes no tier (tools/app-converge),
#                                  then `make appliance APP=...`
#   make appliance APP=...         `bareflow aot` on the converged snapshot → build/apps/NAME/appliance.elf
#   make qemu-appliance APP=...    boots that appliance and compares it with the native build
#   make qemu-gdb APP=...          the JIT image paused for GDB (`make gdb`)
# Knobs: APP_CFLAGS (defines, include paths; both builds), APP_LDLIBS (native link), APP_ENV (NAME=value
# words: the environment on bare metal), APP_RUN_FLAGS
# (`bareflow run` flags of `make qemu`, default --tier auto; add --verbose for the tier log),
# APP_TIMEOUT (seconds per QEMU boot of userspace-check and qemu-appliance, default app-check's 300:
# a large program under TCG on a loaded host needs more).
# Without APP= every target is app-tinyllama's, as before.

# The project's bitcode flags (app-tinyllama's: CPU-neutral, scalar, no stack protector or unwind tables).
APP_BC_FLAGS := $(TL_BC_FLAGS) -ffp-contract=off
APP_RUN_FLAGS ?= --tier auto
# A file of console input for the QEMU targets (with or without APP=).
QEMU_FLAGS += $(if $(STDIN),--stdin $(STDIN))

ifneq ($(strip $(APP)),)
APP_NAME ?= $(basename $(notdir $(patsubst %/,%,$(firstword $(APP)))))
APP_DIR := $(BUILD)/apps/$(APP_NAME)
APP_BC := $(APP_DIR)/$(APP_NAME).bc
APP_NATIVE := $(APP_DIR)/$(APP_NAME)
$(foreach p,$(APP),$(if $(wildcard $(p)),,$(error APP: '$(p)' does not exist (give a directory of C/C++ sources, a list of sources or a .bc))))
$(foreach f,$(FILES),$(if $(wildcard $(f)),,$(error FILES: boot file '$(f)' does not exist)))
$(if $(STDIN),$(if $(wildcard $(STDIN)),,$(error STDIN: '$(STDIN)' does not exist)))
# What the build reads: the sources (and headers) of each directory, or the files named.
APP_INPUTS := $(foreach p,$(APP),$(if $(wildcard $(p)/.),$(wildcard $(addprefix $(p)/*.,c cc cpp h hh hpp)),$(p)))
# The build options, kept in a file rewritten only when they change, so that changing them rebuilds.
APP_OPTIONS := $(APP_DIR)/options
$(shell mkdir -p $(APP_DIR) && echo '$(APP) | $(APP_CFLAGS) | $(APP_LDLIBS)' | cmp -s - $(APP_OPTIONS) \
  || echo '$(APP) | $(APP_CFLAGS) | $(APP_LDLIBS)' > $(APP_OPTIONS))

# The root Makefile's image variables, for this app.
BOOT_MODULES := $(APP_BC) $(FILES)
CMDLINE := $(strip $(APP_ENV) run $(APP_RUN_FLAGS) --state /dev/state /boot/$(APP_NAME).bc --) $(ARGS)
STATE_DISK := $(APP_DIR)/state.img
IMAGE_DIR := $(APP_DIR)
APPLIANCE_ELF := $(APP_DIR)/appliance.elf
APP_CHECK := tools/app-check --dir $(APP_DIR) --files "$(FILES)" $(if $(STDIN),--stdin $(STDIN)) \
  $(if $(APP_TIMEOUT),--timeout $(APP_TIMEOUT))

$(APP_BC): $(APP_INPUTS) $(APP_OPTIONS) tools/app-build | $(DEPS_STAMP)
	APP_CFLAGS="$(APP_CFLAGS)" APP_LDLIBS="$(APP_LDLIBS)" BC_FLAGS="$(APP_BC_FLAGS)" tools/app-build $(APP_DIR) $(APP_NAME) $(APP)
$(APP_NATIVE): $(APP_BC)

.PHONY: userspace-check converge appliance qemu-appliance

userspace-check: image host $(APP_NATIVE)
	$(APP_CHECK) --bareflow $(BAREFLOW_HOST) --qemu $(KERNEL) --initrd $(APP_DIR)/initrd.tar $(APP_NAME) -- $(ARGS)

converge: image host
	rm -f $(STATE_DISK) && $(MAKE) $(STATE_DISK)
	tools/app-converge --kernel $(KERNEL) --initrd $(APP_DIR)/initrd.tar --disk $(STATE_DISK) \
	  $(if $(STDIN),--stdin $(STDIN)) --out $(APP_DIR)/converge.txt --keep $(APP_DIR)/converge $(APP_NAME) -- $(ARGS)
	$(MAKE) appliance

appliance: $(APP_BC) host
	@test -f $(STATE_DISK) || { echo "appliance: no converged snapshot in $(STATE_DISK): run 'make converge APP=$(APP)' first" >&2; exit 1; }
	$(BAREFLOW_HOST) aot --state $(STATE_DISK) $(APP_BC) -o $(APP_DIR)/app.o --stubs $(APP_DIR)/dead.s
	$(TL_CC) -c $(APP_DIR)/dead.s -o $(APP_DIR)/dead.o
	$(call link-appliance,$(APPLIANCE_ELF),$(APP_DIR)/appliance,$(ARGS),$(APP_DIR)/app.o $(APP_DIR)/dead.o,$(FILES))
	@echo "appliance: $(APPLIANCE_ELF), .text $$(size -A $(APPLIANCE_ELF) | awk '$$1==".text"{print $$2}') bytes; ISO $(APP_DIR)/appliance/bareflow.iso"

qemu-appliance: appliance $(APP_NATIVE)
	$(APP_CHECK) --show --appliance $(APPLIANCE_ELF) --appliance-initrd $(APP_DIR)/appliance/initrd.tar $(APP_NAME) -- $(ARGS)
endif
