# sockbox — the README's two set-up commands are `make run` and `make test`.

CARGO ?= cargo
BIN   := target/release/sockbox

.PHONY: all build run test unit golden lint compat clean

all: build

build:
	$(CARGO) build --release

# The main job: sockbox as `netstat -tulpn` on this machine.
run: build
	@$(BIN) netstat -tulpn

# Everything: unit and golden tests, lints, then the live differential tests
# against the real tools (these need root for `unshare -n`).
test: build unit lint compat

unit:
	$(CARGO) test --release

golden:
	$(CARGO) test --release --test golden

lint:
	$(CARGO) fmt --check
	$(CARGO) clippy --all-targets -- -D warnings

compat: build
	@if [ "$$(id -u)" -ne 0 ]; then \
		echo "compat-tests: SKIPPED (the live differential tests need root for unshare -n)"; \
	else \
		SOCKBOX_BIN=$(CURDIR)/$(BIN) /usr/bin/python3 compat-tests/live_netstat.py && \
		SOCKBOX_BIN=$(CURDIR)/$(BIN) /usr/bin/python3 compat-tests/live_ss.py && \
		SOCKBOX_BIN=$(CURDIR)/$(BIN) /usr/bin/python3 compat-tests/live_lsof.py && \
		SOCKBOX_BIN=$(CURDIR)/$(BIN) /usr/bin/python3 compat-tests/live_netstat_modes.py; \
	fi

clean:
	$(CARGO) clean
