# seli: one entry point.  `make` builds; `make test` installs dependencies,
# builds and runs every test; `make demo` runs the notebooks; `make bench`
# measures against PyTorch and ipykernel.
#
# BUILD selects the output tree; SAN=1 builds with AddressSanitizer and
# UndefinedBehaviorSanitizer (used by `make test` in build/asan).

ifeq ($(origin CC),default)
CC      := gcc
endif
BUILD   ?= build
PREFIX  ?= /usr/local
# The project's Python (tests, notebook runner, docs, benchmarks) is the
# pinned environment that `make venv` makes from Debian's python3.
VENV    := $(CURDIR)/build/venv
PYTHON  ?= $(VENV)/bin/python
SAN     ?=

BLAS_CFLAGS := $(shell pkg-config --cflags openblas 2>/dev/null)
BLAS_LIBS   := $(shell pkg-config --libs openblas 2>/dev/null || echo -lopenblas)

WARN    := -Wall -Wextra -Wpedantic -Wno-unused-parameter
ifeq ($(SAN),1)
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
OPT      := -O1 -g
else
SANFLAGS :=
OPT      := -O2 -g
endif

CPPFLAGS += -Ilibseli/include -D_GNU_SOURCE $(BLAS_CFLAGS)
CFLAGS   += -std=c11 $(OPT) $(WARN) -fPIC $(SANFLAGS)
LDFLAGS  += $(SANFLAGS)

SELI_LIBS   := $(BLAS_LIBS) -ljansson -lzip -lpng -lz -lm -lpthread
# tcc's directory (its include/ and libtcc1.a).  The kernel carries the
# helpers of libtcc1.a that cells may call, exported with -rdynamic, so that
# cells link against the process alone (jit.c; libc_nonshared.a's functions
# are hidden, so runtime.c hands them to cells).  Debian's libtcc-dev has
# libtcc only as a static archive: LIBTCC names it, so that the kernel can be
# relinked against a modified libtcc (make LIBTCC=/path/to/libtcc.a; see LICENSE).
MULTIARCH   := $(shell $(CC) -print-multiarch 2>/dev/null)
TCC_DIR     := /usr/lib/$(MULTIARCH)/tcc
LIBTCC      := /usr/lib/$(MULTIARCH)/libtcc.a
TCC_RUNTIME := $(foreach f,__fixdfdi __fixsfdi __fixunsdfdi __fixunssfdi __fixunsxfdi __fixxfdi \
                 __floatundidf __floatundisf __floatundixf alloca __va_arg,-Wl,--undefined=$(f)) \
               $(TCC_DIR)/libtcc1.a -Wl,-z,noexecstack
# The tcc program that flattens the implicit headers (runtime/jit.c); the
# header cache's key hashes the same file (session/headers.c).
TCC_BIN     := /usr/bin/tcc
# The engine (a cell's way from text to running code) needs libtcc alone; the
# protocol adds ZeroMQ, uuid and libsodium.
ENGINE_LIBS := $(LIBTCC) -ldl $(TCC_RUNTIME)
KERNEL_LIBS := $(LIBTCC) -lzmq -luuid -lsodium -ldl $(TCC_RUNTIME)
# Cells reach the process by name (dlsym), so the kernel exports only what
# they may call: libseli's API (its objects keep default visibility; its
# internals are SELI_INTERNAL) and libtcc1.a's helpers (TCC_RUNTIME).  The
# kernel's own objects are compiled hidden and libtcc.a's symbols are kept
# out of the dynamic table; tests/kernel/test_exported_symbols.py checks it.
KERNEL_CFLAGS  := -fvisibility=hidden
KERNEL_LDFLAGS := -rdynamic -Wl,--exclude-libs,$(notdir $(LIBTCC))

LIB_SRC    := $(wildcard libseli/src/*/*.c)
LIB_OBJ    := $(LIB_SRC:%.c=$(BUILD)/%.o)
# The kernel's rooms (STYLE.md), from the top: main.c, protocol, io, then
# the engine: introspection, session, frontend and runtime, util.  The engine
# links without ZeroMQ: the cell tests, the cell fuzzer and the API dumper
# use KERNEL_ENGINE_OBJ alone.
KERNEL_ENGINE_DIRS := frontend session runtime value introspection util
KERNEL_ENGINE_SRC  := $(wildcard $(KERNEL_ENGINE_DIRS:%=kernel/src/%/*.c))
KERNEL_SRC := kernel/src/main.c $(wildcard kernel/src/protocol/*.c kernel/src/io/*.c kernel/src/magic/*.c) \
              $(wildcard kernel/src/export/*.c) \
              $(KERNEL_ENGINE_SRC)
KERNEL_OBJ := $(KERNEL_SRC:%.c=$(BUILD)/%.o)
KERNEL_LIB_OBJ := $(filter-out $(BUILD)/kernel/src/main.o,$(KERNEL_OBJ))
KERNEL_ENGINE_OBJ := $(KERNEL_ENGINE_SRC:%.c=$(BUILD)/%.o)

# The version is written once, in seli/version.h; the shared library is
# libseli.so.MAJOR.MINOR.PATCH with soname libseli.so.MAJOR.
SELI_VERSION := $(shell sed -n 's/^\#define SELI_VERSION "\([0-9]*\.[0-9]*\.[0-9]*\)"$$/\1/p' \
                  libseli/include/seli/version.h)
ifeq ($(words $(subst ., ,$(SELI_VERSION))),3)
SELI_SOVERSION := $(firstword $(subst ., ,$(SELI_VERSION)))
else
$(error libseli/include/seli/version.h: SELI_VERSION is not a "MAJOR.MINOR.PATCH" string)
endif
LIBSELI_A  := $(BUILD)/libseli.a
LIBSELI_SO := $(BUILD)/libseli.so.$(SELI_SOVERSION)
LIBSELI_SO_FILE := $(BUILD)/libseli.so.$(SELI_VERSION)
# seli-kernel is the launcher (kernel/launcher/launcher.c): it opens the
# listening sockets and runs seli-kernel-core, the kernel, from its directory.
KERNEL_BIN  := $(BUILD)/seli-kernel
KERNEL_CORE := $(BUILD)/seli-kernel-core
LAUNCHER_OBJ := $(BUILD)/kernel/launcher/launcher.o $(BUILD)/kernel/src/protocol/connection.o \
                $(BUILD)/kernel/src/util/fail.o $(BUILD)/kernel/src/util/file.o

LIB_TESTS    := $(patsubst tests/libseli/%.c,$(BUILD)/tests/libseli/%,$(wildcard tests/libseli/test_*.c))
KERNEL_TESTS := $(patsubst tests/kernel/%.c,$(BUILD)/tests/kernel/%,$(wildcard tests/kernel/test_*.c))
UNIT_TESTS   := $(LIB_TESTS) $(KERNEL_TESTS)

SELI_HEADER_DIR := $(CURDIR)/libseli/include

.PHONY: all deps venv seed-venv seed-tests test check unit python-tests demo lab notebook bench install \
        install-kernel uninstall clean asan FORCE

all: $(LIBSELI_A) $(LIBSELI_SO) $(KERNEL_BIN) $(UNIT_TESTS)
ifeq ($(BUILD),build)
all: kernel/seli-kernel kernel/seli-kernel-core
kernel/seli-kernel: $(KERNEL_BIN)
	cp $< $@
kernel/seli-kernel-core: $(KERNEL_CORE)
	cp $< $@
endif

deps:
	sh install/deps.sh

# build/venv from install/requirements.txt.  The stamp is newer than the pins
# once they are installed, so a second run does nothing and asks no index.
venv: $(VENV)/.installed
$(VENV)/.installed: install/requirements.txt
	@test -x /usr/bin/python3 && /usr/bin/python3 -c 'import ensurepip' 2>/dev/null || \
	    { echo "make venv: Debian's python3-venv is missing; run: sh install/deps.sh" >&2; exit 1; }
	@test -x $(VENV)/bin/python || /usr/bin/python3 -m venv $(VENV)
	$(VENV)/bin/pip install --disable-pip-version-check --no-input -q -r install/requirements.txt
	@touch $@

# build/seed-venv: the seed (seli 0.1.2 on CPU jax) that tests/seed/ checks
# libseli against, from install/seed-requirements.txt, apart from build/venv.
SEED_VENV := $(CURDIR)/build/seed-venv
seed-venv: $(SEED_VENV)/.installed
$(SEED_VENV)/.installed: install/seed-requirements.txt
	@test -x /usr/bin/python3 && /usr/bin/python3 -c 'import ensurepip' 2>/dev/null || \
	    { echo "make seed-venv: Debian's python3-venv is missing; run: sh install/deps.sh" >&2; exit 1; }
	@test -x $(SEED_VENV)/bin/python || /usr/bin/python3 -m venv $(SEED_VENV)
	$(SEED_VENV)/bin/pip install --disable-pip-version-check --no-input -q -r install/seed-requirements.txt
	@touch $@

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c $< -o $@

# gcc 12 at -O2 refuses to vectorise loops that need a tail; the cheap cost
# model halves the per-op time of elementwise kernels.  libseli never reads
# errno after a math function, so sqrtf (the optimizers) can vectorise too.
$(BUILD)/libseli/src/%.o: CFLAGS += -fvect-cost-model=cheap -fno-math-errno
$(BUILD)/libseli/src/%.o: CPPFLAGS += -Ilibseli/src

$(BUILD)/kernel/src/%.o: CPPFLAGS += -Ikernel/src -DSELI_HEADER_DIR='"$(SELI_HEADER_DIR)"' \
                                     -DSELI_TCC_DIR='"$(TCC_DIR)"' -DSELI_TCC='"$(TCC_BIN)"'
$(BUILD)/kernel/src/%.o: CFLAGS += $(KERNEL_CFLAGS)

# Rewritten only when the kernel's own flags change, so that objects built
# with other flags (default visibility) are rebuilt, and unchanged ones not.
KERNEL_FLAGS_STAMP := $(BUILD)/kernel/flags
$(KERNEL_FLAGS_STAMP): FORCE
	@mkdir -p $(dir $@)
	@echo '$(KERNEL_CFLAGS) $(TCC_BIN)' | cmp -s - $@ || echo '$(KERNEL_CFLAGS) $(TCC_BIN)' > $@
$(KERNEL_OBJ): $(KERNEL_FLAGS_STAMP)
FORCE:

$(LIBSELI_A): $(LIB_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@
	ar rcs $@ $^

$(LIBSELI_SO_FILE): $(LIB_OBJ)
	$(CC) -shared -Wl,-soname,$(notdir $(LIBSELI_SO)) $(LDFLAGS) -o $@ $^ $(SELI_LIBS)

$(LIBSELI_SO): $(LIBSELI_SO_FILE)
	ln -sf $(notdir $<) $@

$(KERNEL_CORE): $(KERNEL_OBJ) $(LIBSELI_A) $(LIBTCC)
	$(CC) $(LDFLAGS) $(KERNEL_LDFLAGS) -o $@ $(KERNEL_OBJ) \
	    -Wl,--whole-archive $(LIBSELI_A) -Wl,--no-whole-archive $(KERNEL_LIBS) $(SELI_LIBS)

# Building the launcher builds the kernel next to it: one is no use alone.
$(KERNEL_BIN): $(LAUNCHER_OBJ) | $(KERNEL_CORE)
	$(CC) $(LDFLAGS) -o $@ $(LAUNCHER_OBJ) -ljansson

$(BUILD)/kernel/launcher/%.o: CPPFLAGS += -Ikernel/src

$(BUILD)/tests/libseli/%: tests/libseli/%.c $(LIBSELI_A)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -Itests/libseli -Ilibseli/src $(CFLAGS) $(LDFLAGS) -o $@ $< \
	    $(LIBSELI_A) -lcmocka $(SELI_LIBS)

# The engine's tests (cells compiled and run) link the engine alone, without
# ZeroMQ; the protocol's tests link the rest of the kernel.
KERNEL_ENGINE_TESTS := $(BUILD)/tests/kernel/test_cell $(BUILD)/tests/kernel/test_jit
$(KERNEL_ENGINE_TESTS): $(BUILD)/tests/kernel/%: tests/kernel/%.c $(KERNEL_ENGINE_OBJ) $(LIBSELI_A)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -Ikernel/src $(CFLAGS) $(LDFLAGS) $(KERNEL_LDFLAGS) -o $@ $< \
	    $(KERNEL_ENGINE_OBJ) -Wl,--whole-archive $(LIBSELI_A) -Wl,--no-whole-archive -lcmocka \
	    $(ENGINE_LIBS) $(SELI_LIBS)

$(BUILD)/tests/kernel/%: tests/kernel/%.c $(KERNEL_LIB_OBJ) $(LIBSELI_A)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -Ikernel/src $(CFLAGS) $(LDFLAGS) $(KERNEL_LDFLAGS) -o $@ $< $(KERNEL_LIB_OBJ) \
	    -Wl,--whole-archive $(LIBSELI_A) -Wl,--no-whole-archive -lcmocka $(KERNEL_LIBS) $(SELI_LIBS)

# Unit tests (cmocka) of this build tree.
unit: $(UNIT_TESTS)
	@fail=0; for t in $(UNIT_TESTS); do \
	    echo "== $$t"; $$t || fail=1; \
	done; exit $$fail

# Protocol, session and notebook tests through the real jupyter_client.
PY_TEST_DIRS := $(wildcard tests/libseli tests/kernel tests/export tests/misuse tests/soak tests/docs tests/notebooks tests/exercises)
python-tests: all venv
	SELI_KERNEL=$(CURDIR)/$(KERNEL_BIN) $(PYTHON) -m pytest -q -p no:cacheprovider $(PY_TEST_DIRS)

# libseli against the seed (tests/seed/), in build/seed-venv; skipped, with
# a note, where that environment has not been made (make seed-venv).
seed-tests: $(LIBSELI_SO)
	@if test -f $(SEED_VENV)/.installed; then \
	    SELI_LIB=$(CURDIR)/$(LIBSELI_SO) $(SEED_VENV)/bin/python -m pytest -q -p no:cacheprovider tests/seed; \
	else echo "seed-tests: build/seed-venv is missing (make seed-venv); tests/seed/ skipped"; fi

check: all unit python-tests

test: deps
	$(MAKE) venv
	$(MAKE) all
	$(MAKE) unit
	$(MAKE) BUILD=build/asan SAN=1 unit
	$(MAKE) python-tests
	$(MAKE) seed-tests
	$(MAKE) kernel-asan-tests
	$(MAKE) fuzz-smoke

asan:
	$(MAKE) BUILD=build/asan SAN=1 all

# Registers the kernelspec "seli" where the venv's Jupyter finds it.
install-kernel: all venv install-nbconvert
	PYTHON=$(PYTHON) sh install/kernelspec.sh "$(CURDIR)/kernel/seli-kernel"

demo: deps venv all install-kernel
	$(PYTHON) tests/notebooks/run_notebooks.py --out build/notebooks notebooks/*.ipynb

# JupyterLab 4 or Notebook 7 on notebooks/, on loopback; the URL with its token is printed.
lab: all install-kernel
	$(VENV)/bin/jupyter lab --no-browser --ip=127.0.0.1 --notebook-dir=notebooks \
	    $(if $(filter 0,$(shell id -u)),--allow-root)

notebook: all install-kernel
	$(VENV)/bin/jupyter notebook --no-browser --ip=127.0.0.1 --notebook-dir=notebooks \
	    $(if $(filter 0,$(shell id -u)),--allow-root)

bench: all venv
	sh install/deps.sh bench
	$(MAKE) -C bench BUILD=$(CURDIR)/$(BUILD) PYTHON=$(PYTHON)

clean:
	rm -rf build kernel/seli-kernel kernel/seli-kernel-core

# Further targets (fuzz, soak, install, clients...) live in one fragment per concern.
include $(sort $(wildcard mk/*.mk))

-include $(LIB_OBJ:.o=.d) $(KERNEL_OBJ:.o=.d)
