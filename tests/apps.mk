# Tests of the user's path (APP=, apps/apps.mk), included by the root Makefile.
#   make test-user-app   tests/apps/user-app.sh: a three-file C program (tests/apps/wordstat) through
#                        `make userspace-check APP=...` (native = interp = auto = jit = QEMU, exit status
#                        included) and `make qemu APP=...`, and the one-line errors for a missing path, a
#                        source that does not compile, no main, a missing boot file (about 2 min under TCG)
#   make test-apps       the same with `make converge APP=... && make qemu-appliance APP=...` (several boots)
# See docs/apps.md.

APP_TESTS += test-user-app

.PHONY: test-user-app test-apps

# The script runs make itself (as a user would); the kernel and the Linux build are made first.
test-user-app: kernel host
	$(TEST_LOG) test-user-app tests/apps/user-app.sh

test-apps: kernel host
	$(TEST_LOG) test-apps tests/apps/user-app.sh --converge
