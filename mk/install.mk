# mk/install.mk: `make install` and `make uninstall` (included by the Makefile).
#
#   make install [PREFIX=/usr/local] [DESTDIR=/staging]
#
# installs, under $(DESTDIR)$(PREFIX):
#   include/seli.h, include/seli/*.h     the public headers
#   lib/libseli.so.0 (soname), lib/libseli.so -> libseli.so.0, lib/libseli.a
#   lib/pkgconfig/seli.pc                 for `pkg-config --cflags --libs seli`
#   bin/seli-kernel                       the launcher the kernelspec runs: it
#                                         opens the sockets, then runs
#   bin/seli-kernel-core                  the kernel, reading the installed headers
#   share/jupyter/kernels/seli/           the kernelspec "C (seli)", found by
#                                         Jupyter under /usr/local and /usr,
#                                         and under sys.prefix (e.g. /opt/conda)
# and writes the list of what it installed to share/seli/installed-files, which
# `make uninstall` reads to remove exactly those files.
#
# The kernel compiles cells against seli.h, in the directory compiled into it
# (SELI_HEADER_DIR, overridable by the environment variable of that name).  The
# kernel of `make all` points at this work tree; install builds a second one,
# in $(BUILD)/install, that points at $(PREFIX)/include.

INCLUDEDIR   ?= $(PREFIX)/include
LIBDIR       ?= $(PREFIX)/lib
BINDIR       ?= $(PREFIX)/bin
DATADIR      ?= $(PREFIX)/share
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
KERNELSPECDIR ?= $(DATADIR)/jupyter/kernels/seli
SELI_VERSION ?= 0.1.0

INSTALL      ?= install
INSTALL_BUILD := $(BUILD)/install
INSTALL_KERNEL_OBJ := $(KERNEL_SRC:%.c=$(INSTALL_BUILD)/%.o)
INSTALL_KERNEL_BIN := $(INSTALL_BUILD)/seli-kernel-core
INSTALLED_LIST := $(DATADIR)/seli/installed-files

PUBLIC_HEADERS := $(wildcard libseli/include/seli/*.h)

.PHONY: install uninstall install-force

# Rewritten only when the header directory changes, so that a new PREFIX
# recompiles the kernel and an unchanged one does not.
$(INSTALL_BUILD)/header-dir: install-force
	@mkdir -p $(dir $@)
	@echo '$(INCLUDEDIR)' | cmp -s - $@ || echo '$(INCLUDEDIR)' > $@

install-force:

$(INSTALL_BUILD)/kernel/src/%.o: kernel/src/%.c $(INSTALL_BUILD)/header-dir
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -Ikernel/src -DSELI_HEADER_DIR='"$(INCLUDEDIR)"' $(CFLAGS) -MMD -MP -c $< -o $@

$(INSTALL_KERNEL_BIN): $(INSTALL_KERNEL_OBJ) $(LIBSELI_A)
	$(CC) $(LDFLAGS) -rdynamic -o $@ $(INSTALL_KERNEL_OBJ) \
	    -Wl,--whole-archive $(LIBSELI_A) -Wl,--no-whole-archive $(KERNEL_LIBS) $(SELI_LIBS)

$(INSTALL_BUILD)/seli.pc: $(INSTALL_BUILD)/header-dir mk/install.mk
	@mkdir -p $(dir $@)
	printf '%s\n' \
	    'prefix=$(PREFIX)' \
	    'includedir=$(INCLUDEDIR)' \
	    'libdir=$(LIBDIR)' \
	    '' \
	    'Name: seli' \
	    'Description: neural networks and generative models in C: tensors, autodiff, modules, SVG figures' \
	    'Version: $(SELI_VERSION)' \
	    'Cflags: -I$${includedir}' \
	    'Libs: -L$${libdir} -lseli' \
	    'Libs.private: $(SELI_LIBS)' > $@

$(INSTALL_BUILD)/kernel.json: install/kernelspec/kernel.json $(INSTALL_BUILD)/header-dir
	@mkdir -p $(dir $@)
	$(PYTHON) -c 'import json, sys; s = json.load(open(sys.argv[1])); \
	    s["argv"] = [sys.argv[2] if a == "@SELI_KERNEL@" else a for a in s["argv"]]; \
	    json.dump(s, open(sys.argv[3], "w"), indent=1)' \
	    $< '$(BINDIR)/seli-kernel' $@

install: $(LIBSELI_A) $(LIBSELI_SO) $(KERNEL_BIN) $(INSTALL_KERNEL_BIN) $(INSTALL_BUILD)/seli.pc \
         $(INSTALL_BUILD)/kernel.json
	$(INSTALL) -d '$(DESTDIR)$(INCLUDEDIR)/seli' '$(DESTDIR)$(LIBDIR)' \
	    '$(DESTDIR)$(PKGCONFIGDIR)' '$(DESTDIR)$(BINDIR)' '$(DESTDIR)$(KERNELSPECDIR)' \
	    '$(DESTDIR)$(DATADIR)/seli'
	$(INSTALL) -m 644 libseli/include/seli.h '$(DESTDIR)$(INCLUDEDIR)/seli.h'
	$(INSTALL) -m 644 $(PUBLIC_HEADERS) '$(DESTDIR)$(INCLUDEDIR)/seli/'
	$(INSTALL) -m 644 $(LIBSELI_A) '$(DESTDIR)$(LIBDIR)/libseli.a'
	$(INSTALL) -m 755 $(LIBSELI_SO) '$(DESTDIR)$(LIBDIR)/libseli.so.0'
	ln -sf libseli.so.0 '$(DESTDIR)$(LIBDIR)/libseli.so'
	$(INSTALL) -m 644 $(INSTALL_BUILD)/seli.pc '$(DESTDIR)$(PKGCONFIGDIR)/seli.pc'
	$(INSTALL) -m 755 $(KERNEL_BIN) '$(DESTDIR)$(BINDIR)/seli-kernel'
	$(INSTALL) -m 755 $(INSTALL_KERNEL_BIN) '$(DESTDIR)$(BINDIR)/seli-kernel-core'
	$(INSTALL) -m 644 $(INSTALL_BUILD)/kernel.json install/kernelspec/logo-32x32.png \
	    install/kernelspec/logo-64x64.png install/kernelspec/logo-svg.svg \
	    '$(DESTDIR)$(KERNELSPECDIR)/'
	@printf '%s\n' '$(INCLUDEDIR)/seli.h' \
	    $(patsubst libseli/include/%,'$(INCLUDEDIR)/%',$(PUBLIC_HEADERS)) \
	    '$(LIBDIR)/libseli.a' '$(LIBDIR)/libseli.so.0' '$(LIBDIR)/libseli.so' \
	    '$(PKGCONFIGDIR)/seli.pc' '$(BINDIR)/seli-kernel' '$(BINDIR)/seli-kernel-core' \
	    '$(KERNELSPECDIR)/kernel.json' '$(KERNELSPECDIR)/logo-32x32.png' \
	    '$(KERNELSPECDIR)/logo-64x64.png' '$(KERNELSPECDIR)/logo-svg.svg' \
	    '$(INSTALLED_LIST)' > '$(DESTDIR)$(INSTALLED_LIST)'
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
	for d in '$(INCLUDEDIR)/seli' '$(KERNELSPECDIR)' '$(DATADIR)/seli' \
	         '$(PKGCONFIGDIR)' '$(DATADIR)/jupyter/kernels' '$(DATADIR)/jupyter'; do \
	    rmdir -- '$(DESTDIR)'"$$d" 2>/dev/null || true; \
	done; \
	echo 'seli uninstalled from $(DESTDIR)$(PREFIX)'

-include $(INSTALL_KERNEL_OBJ:.o=.d)
