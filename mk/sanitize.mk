# mk/sanitize.mk: the kernel's Python tests against the ASan + UBSan kernel.
#
#   make kernel-asan-tests     build build/asan/seli-kernel, run tests/kernel/*.py and
#                              tests/export/*.py
#                              against it, then check the sanitizer logs
#
# How cells (tcc code, not instrumented) live with the sanitizers, and why
# each option is set: docs/sanitizers.md.  Reports go to files, not to fd 2,
# because the kernel turns fd 2 into the pipe that streams a cell's stderr.

ASAN_KERNEL   := build/asan/seli-kernel
ASAN_LOG_DIR  := $(CURDIR)/build/asan/logs
KERNEL_ASAN_OPTIONS := log_path=$(ASAN_LOG_DIR)/kernel:allow_user_segv_handler=1:use_sigaltstack=1:handle_abort=0:abort_on_error=0:halt_on_error=1:detect_leaks=1:detect_stack_use_after_return=0:symbolize=1
KERNEL_UBSAN_OPTIONS := log_path=$(ASAN_LOG_DIR)/kernel:print_stacktrace=1:halt_on_error=1
KERNEL_LSAN_OPTIONS  := report_objects=0:max_leaks=50:suppressions=$(CURDIR)/tests/sanitizers/lsan.supp
# The Python tests of tests/kernel and tests/export (override to run a subset).
KERNEL_ASAN_TESTS ?= tests/kernel tests/export

.PHONY: kernel-asan-tests

kernel-asan-tests:
	$(MAKE) BUILD=build/asan SAN=1 $(ASAN_KERNEL)
	rm -rf $(ASAN_LOG_DIR) && mkdir -p $(ASAN_LOG_DIR)
	@status=0; \
	SELI_KERNEL=$(CURDIR)/$(ASAN_KERNEL) ASAN_OPTIONS='$(KERNEL_ASAN_OPTIONS)' \
	UBSAN_OPTIONS='$(KERNEL_UBSAN_OPTIONS)' LSAN_OPTIONS='$(KERNEL_LSAN_OPTIONS)' \
	    $(PYTHON) -m pytest -q -p no:cacheprovider $(KERNEL_ASAN_TESTS) || status=1; \
	$(PYTHON) tests/sanitizers/check_logs.py $(ASAN_LOG_DIR) || status=1; \
	exit $$status
