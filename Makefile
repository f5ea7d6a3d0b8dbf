# sockbox — the README's two set-up commands are `make run` and `make test`.

CARGO ?= cargo
BIN   := target/release/sockbox

.PHONY: all build run test unit golden lint compat bench static static-test install clean fuzz fuzz-build fuzz-cmin

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
		SOCKBOX_BIN=$(CURDIR)/$(BIN) /usr/bin/python3 compat-tests/live_table_ends.py && \
		SOCKBOX_BIN=$(CURDIR)/$(BIN) /usr/bin/python3 compat-tests/live_soup.py && \
		SOCKBOX_BIN=$(CURDIR)/$(BIN) /usr/bin/python3 compat-tests/live_front.py; \
	fi

clean:
	$(CARGO) clean

# sockbox against the real tools at 0 to 120,000 sockets and 1,000 processes
# (root: network namespaces); writes BENCH.md. Not a test. BENCH_ARGS are
# bench.py's options, e.g. BENCH_ARGS="--repeat 3".
bench: build
	@if [ "$$(id -u)" -ne 0 ]; then echo "bench: needs root (unshare -n)"; exit 1; fi
	$(MAKE) static-test
	SOCKBOX_BIN=$(CURDIR)/$(BIN) /usr/bin/python3 compat-tests/bench.py $(BENCH_ARGS)

# A fully static x86_64 binary (glibc crt-static) for rescue images, built
# for size: opt-level z, no unwind tables, and a plain static executable
# rather than static-pie (its relocation table alone is ~70 KiB; a rescue
# binary gives up load-address randomisation for that). Where a nightly
# toolchain is installed, std is rebuilt with it (-Z build-std) under the
# immediate-abort panic strategy: that drops std's backtrace printer
# (gimli, addr2line, miniz: ~170 KiB), which stable cannot leave out, and
# std's optimize_for_size feature picks its smaller sort and formatting
# code (~32 KiB; the dynamic build that `make bench` times keeps the fast ones).
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
			$(CARGO) +nightly build --release --target $(STATIC_TARGET) -Z build-std=std,panic_abort -Z build-std-features=optimize_for_size; \
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


# Fuzzing (fuzz/, cargo-fuzz over libFuzzer with AddressSanitizer). Not part
# of `make test`: `make fuzz` runs every target for FUZZ_SECONDS (default
# 600) against its committed corpus fuzz/corpus/TARGET (new inputs go to
# fuzz/work/TARGET) and fails at the first crash, hang or oversized
# allocation, leaving the input in fuzz/artifacts/TARGET/.
FUZZ_TARGETS := proc_net netstat_tables ss_proc ss_netlink ss_diag owners procs ss_filter lsof_inet_spec options
FUZZ_SECONDS ?= 600
# cargo-fuzz passes rustc -Z flags (sanitizer, coverage instrumentation)
# that only nightly accepts; the toolchain here is stable, and
# RUSTC_BOOTSTRAP=1 lets it accept them. Only the fuzz build uses it.
FUZZ_CARGO = cd fuzz && RUSTC_BOOTSTRAP=1 $(CARGO) fuzz
FUZZ_BIN = fuzz/target/$(shell rustc -vV | sed -n 's/^host: //p')/release
# 2 GiB of RSS or one allocation over 512 MiB is a leak or an unbounded
# allocation (the largest real buffers are the 1 MiB netlink buffer and a
# line buffer as long as the longest line); 10 s on one input is a hang.
# close_fd_mask=3 silences the applets' own output (libFuzzer keeps its
# reports); rerun an artifact by hand to see a panic's message.
FUZZ_FLAGS = -rss_limit_mb=2048 -malloc_limit_mb=512 -timeout=10 -close_fd_mask=3

fuzz-build:
	@command -v cargo-fuzz >/dev/null || $(CARGO) install cargo-fuzz
	$(FUZZ_CARGO) build

fuzz: fuzz-build
	@for t in $(FUZZ_TARGETS); do \
		mkdir -p fuzz/work/$$t fuzz/artifacts/$$t; \
		echo "fuzz: $$t for $(FUZZ_SECONDS) s"; \
		nice -n 19 $(FUZZ_BIN)/$$t $(FUZZ_FLAGS) -max_total_time=$(FUZZ_SECONDS) \
			-artifact_prefix=fuzz/artifacts/$$t/ fuzz/work/$$t fuzz/corpus/$$t || { \
			echo "fuzz: $$t FAILED; rerun with: $(FUZZ_BIN)/$$t fuzz/artifacts/$$t/*"; exit 1; }; \
	done; echo "fuzz: all $(words $(FUZZ_TARGETS)) targets ran $(FUZZ_SECONDS) s without a failure"

# Folds what `make fuzz` found (fuzz/work) into the committed corpora:
# of its inputs under FUZZ_CMIN_BYTES, the fewest that add edges (not hit
# counts) to what the corpus already covers; the corpus's own files stay.
# Small inputs only, so the corpora stay a few hundred KiB.
FUZZ_CMIN_BYTES ?= 1000
fuzz-cmin: fuzz-build
	@for t in $(FUZZ_TARGETS); do \
		rm -rf fuzz/work/$$t.small && mkdir -p fuzz/work/$$t fuzz/work/$$t.small && \
		find fuzz/work/$$t -type f -size -$(FUZZ_CMIN_BYTES)c -exec cp {} fuzz/work/$$t.small/ \; && \
		$(FUZZ_BIN)/$$t -set_cover_merge=1 -use_counters=0 $(FUZZ_FLAGS) \
			fuzz/corpus/$$t fuzz/work/$$t.small || exit 1; \
		rm -rf fuzz/work/$$t.small; \
	done
