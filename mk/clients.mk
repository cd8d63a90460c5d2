# mk/clients.mk: `make test-clients` runs the kernel in the clients people use
# (tests/clients): JupyterLab 4 and Notebook 7 (the venv's) and Debian's
# Notebook 6 in Debian's headless chromium, driven by Python playwright (the
# venv's; no browser is downloaded), jupyter_server over REST and WebSocket,
# jupyter console, nbconvert, a plain C program built against an
# installed libseli, nbgrader on the exercises (client_course.py) and a
# JupyterHub class of 5 real Unix users (client_classroom.py, as root).
# Each test installs seli into a temporary prefix, starts its own servers on
# free loopback ports and stops them.
# Screenshots go to $(BUILD)/clients/.

.PHONY: test-clients

test-clients: $(LIBSELI_A) $(LIBSELI_SO) $(KERNEL_BIN) venv
	SELI_BUILD=$(BUILD) $(PYTHON) -m pytest -q -p no:cacheprovider -o python_files='client_*.py' \
	    -o console_output_style=classic tests/clients $(PYTEST_ARGS)
