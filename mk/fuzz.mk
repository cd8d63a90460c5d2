# mk/fuzz.mk: libFuzzer targets (clang 14, ASan + UBSan), one per concern.
#
#   make fuzz                      each target for FUZZ_SECONDS (default 60) seconds
#   make fuzz FUZZ_SECONDS=600     longer
#   make fuzz FUZZ_RUNS=10000000 FUZZ_SECONDS=36000 FUZZ_TARGETS=cell
#                                  until 10^7 executions (or the time runs out)
#   make fuzz-smoke                each target for 20 seconds (part of make test)
#   make fuzz-regress              replay the seed corpora and fuzz/regression/ once
#   make fuzz-build                just build build/fuzz/fuzz_*
#   make fuzz-seeds                regenerate the seeds (fuzz/seeds/)
#
# The seeds (fuzz/corpus/<target>/) and the reproducers of fixed bugs
# (fuzz/regression/<target>/) are in the repo and are only read; what the
# fuzzer learns goes to build/fuzz/corpus/<target>/, and a crash is written to
# build/fuzz/crashes/<target>/ (copy it to fuzz/regression/<target>/ once it
# is fixed).

FUZZ_CC      ?= clang
FUZZ_BUILD   := build/fuzz
FUZZ_SECONDS ?= 60
FUZZ_TARGETS := message cell npz connection
FUZZ_JOBS    ?= 1
FUZZ_RUNS    ?=
FUZZ_TIMEOUT ?= 10

FUZZ_SAN      := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
FUZZ_CPPFLAGS := -Ilibseli/include -Ilibseli/src -Ikernel/src -D_GNU_SOURCE \
                 -DSELI_HEADER_DIR='"$(SELI_HEADER_DIR)"' $(BLAS_CFLAGS)
FUZZ_CFLAGS   := -std=c11 -g -O1 -Wall -Wextra -Wno-unused-parameter $(FUZZ_SAN)

# The cell fuzzer's objects are engine objects only (no ZeroMQ); the others
# are the protocol's parsers.
# Code under test: instrumented for coverage (fuzzer-no-link) and sanitizers.
$(FUZZ_BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CPPFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c $< -o $@

FUZZ_LIB_OBJ := $(LIB_SRC:%.c=$(FUZZ_BUILD)/obj/%.o)
FUZZ_LIBSELI := $(FUZZ_BUILD)/libseli.a

$(FUZZ_LIBSELI): $(FUZZ_LIB_OBJ)
	rm -f $@
	ar rcs $@ $^

FUZZ_KOBJ := $(FUZZ_BUILD)/obj/kernel/src
FUZZ_OBJ_message    := $(FUZZ_KOBJ)/protocol/message.o $(FUZZ_KOBJ)/protocol/hmac.o \
                       $(FUZZ_KOBJ)/util/log.o $(FUZZ_KOBJ)/util/fail.o
FUZZ_OBJ_cell       := $(FUZZ_KOBJ)/frontend/cell.o $(FUZZ_KOBJ)/frontend/lexer.o \
                       $(FUZZ_KOBJ)/frontend/conditional.o $(FUZZ_KOBJ)/util/text.o \
                       $(FUZZ_KOBJ)/frontend/is_complete.o $(FUZZ_KOBJ)/frontend/macro_calls.o
FUZZ_OBJ_connection := $(FUZZ_KOBJ)/protocol/connection.o $(FUZZ_KOBJ)/util/fail.o \
                       $(FUZZ_KOBJ)/util/file.o
FUZZ_OBJ_npz        := $(FUZZ_LIBSELI)
FUZZ_LIBS_message    := -ljansson -lzmq -luuid -lsodium -lpthread
FUZZ_LIBS_cell       :=
FUZZ_LIBS_connection := -ljansson
FUZZ_LIBS_npz        := $(SELI_LIBS)

FUZZ_BINS := $(FUZZ_TARGETS:%=$(FUZZ_BUILD)/fuzz_%)

define fuzz_link
$(FUZZ_BUILD)/fuzz_$(1): fuzz/fuzz_$(1).c $(FUZZ_OBJ_$(1))
	@mkdir -p $$(dir $$@)
	$$(FUZZ_CC) $$(FUZZ_CPPFLAGS) $$(FUZZ_CFLAGS) -fsanitize=fuzzer -o $$@ $$< \
	    $(FUZZ_OBJ_$(1)) $(FUZZ_LIBS_$(1))
endef
$(foreach t,$(FUZZ_TARGETS),$(eval $(call fuzz_link,$(t))))

$(FUZZ_BUILD)/make_npz_seeds: fuzz/seeds/make_npz_seeds.c $(LIBSELI_A)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIBSELI_A) $(SELI_LIBS)

.PHONY: fuzz fuzz-smoke fuzz-build fuzz-regress fuzz-seeds

fuzz-build: $(FUZZ_BINS)

fuzz-seeds: $(FUZZ_BUILD)/make_npz_seeds
	@mkdir -p fuzz/corpus/npz
	$< fuzz/corpus/npz
	$(PYTHON) fuzz/seeds/make_seeds.py fuzz/corpus

# One target run: grown corpus first (written), then the seeds and the
# regression inputs (read).  -timeout makes a hang a failure; the log is kept.
define fuzz_run
	@mkdir -p $(FUZZ_BUILD)/corpus/$(1) $(FUZZ_BUILD)/crashes/$(1) $(FUZZ_BUILD)/logs
	@echo "== fuzz_$(1): $(2) s"
	@$(FUZZ_BUILD)/fuzz_$(1) -max_total_time=$(2) $(if $(FUZZ_RUNS),-runs=$(FUZZ_RUNS)) -timeout=$(FUZZ_TIMEOUT) -rss_limit_mb=2048 \
	    -max_len=65536 -print_final_stats=1 -dict=fuzz/dict/$(1).dict \
	    -artifact_prefix=$(FUZZ_BUILD)/crashes/$(1)/ \
	    $(FUZZ_BUILD)/corpus/$(1) fuzz/corpus/$(1) fuzz/regression/$(1) \
	    >$(FUZZ_BUILD)/logs/$(1).log 2>&1 \
	    || { tail -60 $(FUZZ_BUILD)/logs/$(1).log; echo "fuzz_$(1) FAILED (log: $(FUZZ_BUILD)/logs/$(1).log)"; exit 1; }
	@grep -E "stat::number_of_executed_units|stat::peak_rss_mb" $(FUZZ_BUILD)/logs/$(1).log \
	    | sed 's/^/   /'

endef

fuzz: $(FUZZ_BINS)
	$(foreach t,$(FUZZ_TARGETS),$(call fuzz_run,$(t),$(FUZZ_SECONDS)))

fuzz-smoke: $(FUZZ_BINS)
	$(foreach t,$(FUZZ_TARGETS),$(call fuzz_run,$(t),20))

# Replay every committed input once (no fuzzing): fast, for regressions.
fuzz-regress: $(FUZZ_BINS)
	@for t in $(FUZZ_TARGETS); do \
	    echo "== fuzz_$$t: replay"; \
	    $(FUZZ_BUILD)/fuzz_$$t -runs=0 fuzz/corpus/$$t fuzz/regression/$$t || exit 1; \
	done

-include $(FUZZ_LIB_OBJ:.o=.d) $(patsubst %.o,%.d,$(filter %.o,$(FUZZ_OBJ_message) $(FUZZ_OBJ_cell) $(FUZZ_OBJ_connection)))
