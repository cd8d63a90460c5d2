# mk/course.mk: `make course` makes the students' copies of the exercises
# with nbgrader (exercises/nbgrader_config.py): each exercises/NN_name.ipynb
# becomes the assignment NN_name, its release in $(COURSE)/release/NN_name/
# (solutions replaced by stubs, hidden checks removed).  The gradebook is
# $(COURSE)/gradebook.db.  nbgrader comes from build/venv (make venv); it runs
# alembic by name, hence its bin/ first on PATH.

COURSE    ?= $(BUILD)/course
NBGRADER  ?= $(VENV)/bin/nbgrader
EXERCISES := $(wildcard exercises/[0-9][0-9]_*.ipynb)

.PHONY: course

course:
	@test -x $(NBGRADER) || { echo "make course: $(NBGRADER) is missing; run make venv" >&2; exit 1; }
	@mkdir -p $(COURSE)
	@for nb in $(EXERCISES); do \
	    a=$$(basename $$nb .ipynb); \
	    rm -rf $(COURSE)/source/$$a && mkdir -p $(COURSE)/source/$$a && cp $$nb $(COURSE)/source/$$a/ || exit 1; \
	    (cd exercises && PATH=$(dir $(abspath $(NBGRADER))):$$PATH SELI_COURSE_DIR=$(abspath $(COURSE)) $(abspath $(NBGRADER)) generate_assignment \
	        --force --log-level=WARN $$a) || exit 1; \
	done
	@echo "make course: $(words $(EXERCISES)) assignments in $(COURSE)/release/"
