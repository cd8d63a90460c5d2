# mk/docs.mk: `make docs` regenerates docs/api.md from the header comments;
# `make docs-check` fails when it is stale.  Both ask the kernel's own inspect
# code through build/tools/api_dump (scripts/api_dump.c).

API_DUMP := $(BUILD)/tools/api_dump

.PHONY: docs docs-check

# The engine alone (no ZeroMQ): a session that reads the headers.
$(API_DUMP): scripts/api_dump.c $(KERNEL_ENGINE_OBJ) $(LIBSELI_A)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -Ikernel/src $(CFLAGS) $(LDFLAGS) $(KERNEL_LDFLAGS) -o $@ $< \
	    $(KERNEL_ENGINE_OBJ) -Wl,--whole-archive $(LIBSELI_A) -Wl,--no-whole-archive \
	    $(ENGINE_LIBS) $(SELI_LIBS)

docs: $(API_DUMP)
	$(PYTHON) scripts/gen_api_docs.py --build $(BUILD)

docs-check: $(API_DUMP)
	$(PYTHON) scripts/gen_api_docs.py --check --build $(BUILD)
