# mk/docs.mk: `make docs` regenerates docs/api.md from the header comments;
# `make docs-check` fails when it is stale.  Both ask the kernel's own inspect
# code through build/tools/api_dump (scripts/api_dump.c).

API_DUMP := $(BUILD)/tools/api_dump

.PHONY: docs docs-check

$(API_DUMP): scripts/api_dump.c $(KERNEL_LIB_OBJ) $(LIBSELI_A)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -Ikernel/src $(CFLAGS) $(LDFLAGS) -rdynamic -o $@ $< $(KERNEL_LIB_OBJ) \
	    -Wl,--whole-archive $(LIBSELI_A) -Wl,--no-whole-archive $(KERNEL_LIBS) $(SELI_LIBS)

docs: $(API_DUMP)
	$(PYTHON) scripts/gen_api_docs.py --build $(BUILD)

docs-check: $(API_DUMP)
	$(PYTHON) scripts/gen_api_docs.py --check --build $(BUILD)
