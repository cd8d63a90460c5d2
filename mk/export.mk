# mk/export.mk: notebooks as programs (seli-kernel export, kernel/src/export/).
#
#   make export          export every notebook into $(BUILD)/export/, build
#                        each with gcc -O2 -Wall against the installed libseli
#                        (pkg-config seli: run make install first, or point
#                        PKG_CONFIG_PATH at another prefix), and run it there
#   make install-nbconvert
#                        install the nbconvert exporter "seli-c" into build/venv
#                        (make install-kernel does it too; make install puts it
#                        where NBCONVERT_PYTHON finds it under PREFIX)
#
# The exported programs run with OPENBLAS_NUM_THREADS=1, as the kernelspec
# runs the kernel.

EXPORT_DIR := $(BUILD)/export
EXPORT_NOTEBOOKS := $(sort $(wildcard notebooks/[0-9][0-9]_*.ipynb))

.PHONY: export install-nbconvert

export: $(KERNEL_BIN)
	@pkg-config --exists seli || { echo "make export: libseli is not installed" \
	    "(pkg-config seli finds nothing): run make install first" >&2; exit 1; }
	@mkdir -p $(EXPORT_DIR)
	@for nb in $(EXPORT_NOTEBOOKS); do \
	    name=$$(basename "$$nb" .ipynb); \
	    echo "== $$name"; \
	    $(KERNEL_BIN) export "$$nb" -o $(EXPORT_DIR)/$$name.c || exit 1; \
	    gcc -O2 -Wall $(EXPORT_DIR)/$$name.c $$(pkg-config --cflags --libs seli) \
	        -o $(EXPORT_DIR)/$$name || exit 1; \
	    (cd $(EXPORT_DIR) && OPENBLAS_NUM_THREADS=1 ./$$name) || exit 1; \
	done

# The venv's site directory: nbconvert finds the exporter by its entry point.
install-nbconvert: venv
	sh install/nbconvert.sh "$$($(PYTHON) -c 'import sysconfig; print(sysconfig.get_path("purelib"))')"
