# nbgrader's configuration for the seli exercises (C cells, kernel "seli").
#
# `make course` copies each exercises/NN_name.ipynb to
# build/course/source/NN_name/ and runs `nbgrader generate_assignment` from
# this directory, so that the student versions land in build/course/release/.
# A teacher who runs nbgrader by hand does the same:
#     cd exercises && nbgrader generate_assignment 01_function_approximation
# (SELI_COURSE_DIR names another course directory than build/course).
import os

c = get_config()  # noqa: F821 (nbgrader provides it)

here = os.path.dirname(os.path.abspath(__file__))
c.CourseDirectory.root = os.environ.get("SELI_COURSE_DIR",
                                        os.path.join(here, os.pardir, "build", "course"))
c.CourseDirectory.course_id = "seli"

# The teacher's code sits between these two C comments; the student's copy
# gets the stub instead, which stops the cell with "not written yet: NAME"
# (seli/check.h) and so can never let a check pass.  The key is the kernel's
# language, "c".
c.ClearSolutions.begin_solution_delimeter = "/* BEGIN SOLUTION */"
c.ClearSolutions.end_solution_delimeter = "/* END SOLUTION */"
c.ClearSolutions.code_stub = {"c": "seli_not_written_yet(__func__); /* YOUR CODE HERE */"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# Check cells keep their visible checks; the hidden ones (other inputs, so
# that a hard-coded answer fails) are removed from the student's copy and
# come back when nbgrader autogrades.
c.ClearHiddenTests.begin_test_delimeter = "/* BEGIN HIDDEN TESTS */"
c.ClearHiddenTests.end_test_delimeter = "/* END HIDDEN TESTS */"

# Notebooks run with the kernelspec their metadata names: "seli".
c.Execute.timeout = 300
c.Execute.interrupt_on_timeout = True
