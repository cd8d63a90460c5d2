# mk/clients.mk: `make test-clients` runs the kernel in the clients people use
# (tests/clients): Jupyter Notebook in headless Chromium, jupyter_server over
# REST and WebSocket, jupyter console, nbconvert, and a plain C program built
# against an installed libseli.  Each test installs seli into a temporary
# prefix, starts its own servers on free loopback ports and stops them.

CLIENT_TESTS_NODE := tests/clients/node_modules/playwright-core/package.json

.PHONY: test-clients

$(CLIENT_TESTS_NODE): tests/clients/package.json tests/clients/package-lock.json
	cd tests/clients && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

test-clients: $(LIBSELI_A) $(LIBSELI_SO) $(KERNEL_BIN) $(CLIENT_TESTS_NODE)
	SELI_BUILD=$(BUILD) $(PYTHON) -m pytest -q -p no:cacheprovider -o python_files='client_*.py' \
	    -o console_output_style=classic tests/clients $(PYTEST_ARGS)
