# mk/soak.mk: the long soak (not part of `make test`, which runs the
# 1,000-cell tests/soak/test_soak_short.py instead).
#
#   make soak                     10,000 mixed cells through one kernel
#   make soak SOAK_CELLS=50000    longer
#   make soak SELI_KERNEL=...     another kernel binary

SOAK_CELLS ?= 10000
SOAK_SEED  ?= 1

.PHONY: soak

soak: all
	SELI_KERNEL=$(if $(SELI_KERNEL),$(SELI_KERNEL),$(CURDIR)/$(KERNEL_BIN)) \
	    $(PYTHON) tests/soak/soak.py -n $(SOAK_CELLS) --seed $(SOAK_SEED)
