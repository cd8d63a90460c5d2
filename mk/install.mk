# mk/install.mk: `make install` and `make uninstall` (included by the Makefile).
#
#   make install [PREFIX=/usr/local] [DESTDIR=/staging]
#
# installs, under $(DESTDIR)$(PREFIX):
#   include/seli.h, include/seli/*.h     the public headers
#   lib/libseli.so.X.Y.Z                  the shared library, X.Y.Z being
#                                         SELI_VERSION of seli/version.h, with
#   lib/libseli.so.X, lib/libseli.so      symlinks to it (the soname, and the
#                                         name that -lseli finds)
#   lib/libseli.a                         the static library
#   lib/pkgconfig/seli.pc                 for `pkg-config --cflags --libs seli`
#                                         (and --static, which adds the
#                                         dependencies' own .pc files)
#   bin/seli-kernel                       the launcher the kernelspec runs: it
#                                         opens the sockets, then runs
#   libexec/seli/seli-kernel-core         the kernel, reading the installed
#                                         headers; not a command of its own
#   share/jupyter/kernels/seli/           the kernelspec "C (seli)", found by
#                                         Jupyter under /usr/local and /usr,
#                                         and under sys.prefix (e.g. /opt/conda)
#   lib/python3.X/.../seli_nbconvert.py   the nbconvert exporter "seli-c" and
#   and seli_nbconvert-*.dist-info/       its entry point, in the site directory
#                                         that NBCONVERT_PYTHON (Debian's
#                                         python3) reads under PREFIX
# and writes the list of what it installed to share/seli/installed-files, which
# `make uninstall` reads to remove exactly those files.  A file that an earlier
# install listed and this one does not (bin/seli-kernel-core before the core
# moved to libexec/, the .so of an older version) is removed.
#
# The kernel compiles cells against seli.h, in the directory compiled into it
# (SELI_HEADER_DIR, overridable by the environment variable of that name).  The
# kernel of `make all` points at this work tree; install builds a second one,
# in $(BUILD)/install, that points at $(PREFIX)/include.

INCLUDEDIR   ?= $(PREFIX)/include
LIBDIR       ?= $(PREFIX)/lib
BINDIR       ?= $(PREFIX)/bin
LIBEXECDIR   ?= $(PREFIX)/libexec
DATADIR      ?= $(PREFIX)/share
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
KERNELSPECDIR ?= $(DATADIR)/jupyter/kernels/seli
# The launcher finds the core at ../libexec/seli/ from its own directory.
CORE_DIR     := $(LIBEXECDIR)/seli

INSTALL      ?= install
INSTALL_BUILD := $(BUILD)/install
INSTALL_KERNEL_OBJ := $(KERNEL_SRC:%.c=$(INSTALL_BUILD)/%.o)
INSTALL_KERNEL_BIN := $(INSTALL_BUILD)/seli-kernel-core
INSTALLED_LIST := $(DATADIR)/seli/installed-files

PUBLIC_HEADERS := $(wildcard libseli/include/seli/*.h)

# seli.pc says where things are relative to ${prefix}, as pkg-config files
# do, so that PKG_CONFIG_SYSROOT_DIR and relocated trees work.
PC_INCLUDEDIR := $(patsubst $(PREFIX)/%,$${prefix}/%,$(INCLUDEDIR))
PC_LIBDIR     := $(patsubst $(PREFIX)/%,$${exec_prefix}/%,$(LIBDIR))

.PHONY: install uninstall install-force install-check-dirs

# Rewritten only when the header directory changes, so that a new PREFIX
# recompiles the kernel and an unchanged one does not.
$(INSTALL_BUILD)/header-dir: install-force
	@mkdir -p $(dir $@)
	@echo '$(INCLUDEDIR)' | cmp -s - $@ || echo '$(INCLUDEDIR)' > $@

install-force:

$(INSTALL_BUILD)/kernel/src/%.o: kernel/src/%.c $(INSTALL_BUILD)/header-dir
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -Ikernel/src -DSELI_HEADER_DIR='"$(INCLUDEDIR)"' -DSELI_TCC_DIR='"$(TCC_DIR)"' \
	    -DSELI_TCC='"$(TCC_BIN)"' $(CFLAGS) $(KERNEL_CFLAGS) -MMD -MP -c $< -o $@

$(INSTALL_KERNEL_BIN): $(INSTALL_KERNEL_OBJ) $(LIBSELI_A) $(LIBTCC)
	$(CC) $(LDFLAGS) $(KERNEL_LDFLAGS) -o $@ $(INSTALL_KERNEL_OBJ) \
	    -Wl,--whole-archive $(LIBSELI_A) -Wl,--no-whole-archive $(KERNEL_LIBS) $(SELI_LIBS)

# The launcher looks for the core only at ../libexec/seli/ from bin/: refuse
# a LIBEXECDIR that it would not find.
install-check-dirs:
	@if [ '$(abspath $(LIBEXECDIR))' != '$(abspath $(BINDIR)/../libexec)' ]; then \
	    echo 'install: LIBEXECDIR=$(LIBEXECDIR) is not ../libexec from BINDIR=$(BINDIR);' \
	         'seli-kernel looks for seli-kernel-core there' >&2; exit 1; fi

# seli.pc and kernel.json are remade on every install: they depend on the
# directories (PREFIX, LIBDIR, BINDIR...), which make cannot see change.
# Requires.private names the .pc files of libseli's dependencies, so that
# `pkg-config --static --libs seli` lists what they need in turn; -lm and
# -lpthread have no .pc file.  -lm is in Libs: the kernel includes <math.h>
# in every cell, so notebooks, and the programs `seli-kernel export` makes of
# them, call libm themselves.
$(INSTALL_BUILD)/seli.pc: install-force
	@mkdir -p $(dir $@)
	printf '%s\n' \
	    'prefix=$(PREFIX)' \
	    'exec_prefix=$${prefix}' \
	    'includedir=$(PC_INCLUDEDIR)' \
	    'libdir=$(PC_LIBDIR)' \
	    '' \
	    'Name: seli' \
	    'Description: neural networks and generative models in C: tensors, autodiff, modules, SVG figures' \
	    'Version: $(SELI_VERSION)' \
	    'Requires.private: openblas jansson libzip libpng' \
	    'Cflags: -I$${includedir}' \
	    'Libs: -L$${libdir} -lseli -lm' \
	    'Libs.private: -lpthread' > $@

# The template's keys (env included) are kept; only the path is filled in.
# Only json is needed, so Debian's python3 does when there is no build/venv
# (install/Dockerfile installs without one).
KERNELSPEC_PYTHON := $(firstword $(wildcard $(PYTHON)) /usr/bin/python3)
$(INSTALL_BUILD)/kernel.json: install/kernelspec/kernel.json install-force
	@mkdir -p $(dir $@)
	$(KERNELSPEC_PYTHON) -c 'import json, sys; s = json.load(open(sys.argv[1])); \
	    s["argv"] = [sys.argv[2] if a == "@SELI_KERNEL@" else a for a in s["argv"]]; \
	    f = open(sys.argv[3], "w"); json.dump(s, f, indent=1); f.write("\n")' \
	    $< '$(BINDIR)/seli-kernel' $@

# Where NBCONVERT_PYTHON finds packages under PREFIX: its own site directory
# when that lies under PREFIX (Debian's /usr/local/lib/python3.X/dist-packages),
# else the one pip --prefix would use.
NBCONVERT_PYTHON ?= $(firstword $(wildcard /usr/bin/python3) $(KERNELSPEC_PYTHON))
NBCONVERT_SITE ?= $(shell $(NBCONVERT_PYTHON) -c 'import sys, sysconfig; p = sys.argv[1].rstrip("/"); \
    d = sysconfig.get_path("purelib"); print(d if d.startswith(p + "/") else \
    sysconfig.get_path("purelib", "posix_prefix", vars={"base": p, "platbase": p}))' '$(PREFIX)')
NBCONVERT_FILES := $(NBCONVERT_SITE)/seli_nbconvert.py \
    $(addprefix $(NBCONVERT_SITE)/seli_nbconvert-0.1.0.dist-info/,METADATA entry_points.txt RECORD)

SO_FILE := $(notdir $(LIBSELI_SO_FILE))
SO_NAME := $(notdir $(LIBSELI_SO))

install: install-check-dirs $(LIBSELI_A) $(LIBSELI_SO_FILE) $(KERNEL_BIN) $(INSTALL_KERNEL_BIN) \
         $(INSTALL_BUILD)/seli.pc $(INSTALL_BUILD)/kernel.json
	$(INSTALL) -d '$(DESTDIR)$(INCLUDEDIR)/seli' '$(DESTDIR)$(LIBDIR)' \
	    '$(DESTDIR)$(PKGCONFIGDIR)' '$(DESTDIR)$(BINDIR)' '$(DESTDIR)$(CORE_DIR)' \
	    '$(DESTDIR)$(KERNELSPECDIR)' '$(DESTDIR)$(DATADIR)/seli'
	$(INSTALL) -m 644 libseli/include/seli.h '$(DESTDIR)$(INCLUDEDIR)/seli.h'
	$(INSTALL) -m 644 $(PUBLIC_HEADERS) '$(DESTDIR)$(INCLUDEDIR)/seli/'
	$(INSTALL) -m 644 $(LIBSELI_A) '$(DESTDIR)$(LIBDIR)/libseli.a'
	$(INSTALL) -m 755 $(LIBSELI_SO_FILE) '$(DESTDIR)$(LIBDIR)/$(SO_FILE)'
	ln -sfn $(SO_FILE) '$(DESTDIR)$(LIBDIR)/$(SO_NAME)'
	ln -sfn $(SO_FILE) '$(DESTDIR)$(LIBDIR)/libseli.so'
	$(INSTALL) -m 644 $(INSTALL_BUILD)/seli.pc '$(DESTDIR)$(PKGCONFIGDIR)/seli.pc'
	$(INSTALL) -m 755 $(KERNEL_BIN) '$(DESTDIR)$(BINDIR)/seli-kernel'
	$(INSTALL) -m 755 $(INSTALL_KERNEL_BIN) '$(DESTDIR)$(CORE_DIR)/seli-kernel-core'
	$(INSTALL) -m 644 $(INSTALL_BUILD)/kernel.json install/kernelspec/logo-32x32.png \
	    install/kernelspec/logo-64x64.png install/kernelspec/logo-svg.svg \
	    '$(DESTDIR)$(KERNELSPECDIR)/'
	sh install/nbconvert.sh '$(DESTDIR)$(NBCONVERT_SITE)' >/dev/null
	@list='$(DESTDIR)$(INSTALLED_LIST)'; \
	printf '%s\n' '$(INCLUDEDIR)/seli.h' \
	    $(patsubst libseli/include/%,'$(INCLUDEDIR)/%',$(PUBLIC_HEADERS)) \
	    '$(LIBDIR)/libseli.a' '$(LIBDIR)/$(SO_FILE)' '$(LIBDIR)/$(SO_NAME)' \
	    '$(LIBDIR)/libseli.so' '$(PKGCONFIGDIR)/seli.pc' '$(BINDIR)/seli-kernel' \
	    '$(CORE_DIR)/seli-kernel-core' \
	    '$(KERNELSPECDIR)/kernel.json' '$(KERNELSPECDIR)/logo-32x32.png' \
	    '$(KERNELSPECDIR)/logo-64x64.png' '$(KERNELSPECDIR)/logo-svg.svg' \
	    $(foreach f,$(NBCONVERT_FILES),'$(f)') \
	    '$(INSTALLED_LIST)' > "$$list.new"; \
	if [ -f "$$list" ]; then \
	    grep -vxF -f "$$list.new" "$$list" | while IFS= read -r f; do \
	        case $$f in /*) rm -f -- '$(DESTDIR)'"$$f" ;; esac; \
	    done; \
	fi; \
	mv -f "$$list.new" "$$list"
	@if [ -z '$(DESTDIR)' ] && [ "$$(id -u)" = 0 ] && command -v ldconfig >/dev/null; then \
	    ldconfig; fi
	@echo 'seli installed under $(DESTDIR)$(PREFIX); the kernelspec "C (seli)" runs $(BINDIR)/seli-kernel'

# Removes the files that install listed, then the directories it made, if
# they are empty; nothing else.
uninstall:
	@list='$(DESTDIR)$(INSTALLED_LIST)'; \
	if [ ! -f "$$list" ]; then \
	    echo "uninstall: no $$list: nothing of seli is installed under $(DESTDIR)$(PREFIX)"; \
	    exit 0; \
	fi; \
	while IFS= read -r f; do \
	    case $$f in /*) ;; *) echo "uninstall: skipping odd entry '$$f'" >&2; continue ;; esac; \
	    rm -f -- '$(DESTDIR)'"$$f"; \
	done < "$$list"; \
	for d in '$(INCLUDEDIR)/seli' '$(CORE_DIR)' '$(KERNELSPECDIR)' '$(DATADIR)/seli' \
	         '$(PKGCONFIGDIR)' '$(DATADIR)/jupyter/kernels' '$(DATADIR)/jupyter' \
	         '$(NBCONVERT_SITE)/seli_nbconvert-0.1.0.dist-info'; do \
	    rmdir -- '$(DESTDIR)'"$$d" 2>/dev/null || true; \
	done; \
	echo 'seli uninstalled from $(DESTDIR)$(PREFIX)'

-include $(INSTALL_KERNEL_OBJ:.o=.d)
