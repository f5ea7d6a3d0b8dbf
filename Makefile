# sockbox — the README's two set-up commands are `make run` and `make test`.

CARGO ?= cargo
BIN   := target/release/sockbox

.PHONY: all build run test unit golden lint compat bench static static-test install clean

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
		SOCKBOX_BIN=$(CURDIR)/$(BIN) /usr/bin/python3 compat-tests/live_netstat_modes.py && \
		SOCKBOX_BIN=$(CURDIR)/$(BIN) /usr/bin/python3 compat-tests/live_hostile.py && \
		SOCKBOX_BIN=$(CURDIR)/$(BIN) /usr/bin/python3 compat-tests/live_churn.py && \
		SOCKBOX_BIN=$(CURDIR)/$(BIN) /usr/bin/python3 compat-tests/live_quiet.py && \
		SOCKBOX_BIN=$(CURDIR)/$(BIN) /usr/bin/python3 compat-tests/live_inputs.py && \
		SOCKBOX_BIN=$(CURDIR)/$(BIN) /usr/bin/python3 compat-tests/live_front.py; \
	fi

clean:
	$(CARGO) clean

# sockbox against the real tools at 0 to 120,000 sockets and 1,000 processes
# (root: network namespaces); writes BENCH.md. Not a test.
bench: build
	@if [ "$$(id -u)" -ne 0 ]; then echo "bench: needs root (unshare -n)"; exit 1; fi
	$(MAKE) static-test
	SOCKBOX_BIN=$(CURDIR)/$(BIN) /usr/bin/python3 compat-tests/bench.py

# A fully static x86_64 binary (glibc crt-static) for rescue images, built
# for size: opt-level z, no unwind tables, and a plain static executable
# rather than static-pie (its relocation table alone is ~70 KiB; a rescue
# binary gives up load-address randomisation for that). Where a nightly
# toolchain is installed, std is rebuilt with it (-Z build-std) under the
# immediate-abort panic strategy: that drops std's backtrace printer
# (gimli, addr2line, miniz: ~170 KiB), which stable cannot leave out.
# rust-src is fetched for it once; without nightly (or when the fetch
# fails) the stable build is made instead, about 0.25 MiB bigger. Either
# way the product never panics by design; a panic would abort.
STATIC_TARGET = x86_64-unknown-linux-gnu
STATIC_FLAGS  = -C target-feature=+crt-static -C force-unwind-tables=no -C relocation-model=static
STATIC_OUT    = target/$(STATIC_TARGET)/release/sockbox
static:
	@if $(CARGO) +nightly --version >/dev/null 2>&1 && \
	    { rustup component list --toolchain nightly --installed 2>/dev/null | grep -q '^rust-src' || \
	      rustup component add rust-src --toolchain nightly >/dev/null 2>&1; }; then \
		echo "static: nightly build-std, panic=immediate-abort"; \
		RUSTFLAGS="$(STATIC_FLAGS) -Zunstable-options -Cpanic=immediate-abort" CARGO_PROFILE_RELEASE_OPT_LEVEL=z \
			$(CARGO) +nightly build --release --target $(STATIC_TARGET) -Z build-std=std,panic_abort; \
	else \
		echo "static: stable (no nightly with rust-src here)"; \
		RUSTFLAGS="$(STATIC_FLAGS)" CARGO_PROFILE_RELEASE_OPT_LEVEL=z $(CARGO) build --release --target $(STATIC_TARGET); \
	fi
	@ls -l $(STATIC_OUT)

# The static binary in an empty chroot: runs, numeric users and ports.
static-test: static
	/usr/bin/python3 compat-tests/static_chroot.py

# make install PREFIX=/usr/local: the binary and its three links.
PREFIX ?= /usr/local
install: build
	install -D -m 0755 $(BIN) $(DESTDIR)$(PREFIX)/bin/sockbox
	for a in netstat ss lsof; do ln -sf sockbox $(DESTDIR)$(PREFIX)/bin/$$a; done

