# peerdex — see README.md. `make run` and `make test` are the two commands a newcomer needs.
SWIFT ?= swift
ARGS ?=
BENCH_ARGS ?=
# A git revision whose release binary the comparing figures measure beside this one, e.g.
# `make bench BASELINE=12b17eb` (the TUI loop before it was event-driven).
BASELINE ?=
# Inputs per target for `make fuzz`.
FUZZ_RUNS ?= 10000000

.PHONY: all build run demo test bench clean deps fuzz proto

all: build

# Installs the Debian packages the build and the end-to-end tests need, when missing.
deps:
	@./scripts/install-deps.sh

build: deps
	$(SWIFT) build

# The program, on its default data directory (pass arguments with ARGS="contacts list").
run: build
	./.build/debug/peerdex $(ARGS)

# The TUI on a local network of 30 generated people (`peerdex demo`; ARGS="--nodes 8 --keep").
demo: build
	./.build/debug/peerdex demo $(ARGS)

# Every test: unit, store, network on 127.0.0.1, command line end to end, the TUI under tmux, the
# SIGKILL durability test, then each libFuzzer target for a few seconds.
# Not --parallel, so that swift test prints the summary lines CI reads. Four passes, because
# Swift Testing runs a pass's tests side by side, and all their async work shares 2 threads:
# - the pure modules first: their property tests are minutes of CPU in a debug build, and beside
#   the timing tests they held both threads long enough to starve those past their limits;
# - the suites that hold over a thousand descriptors: Foundation's Process.run() lists
#   /proc/self/fd with a copy that can read past the end of its buffer once that many are open,
#   and crashed the test process (on CI) when a test beside them started a program;
# - then the rest (loopback networking, the command line, the TUI under tmux);
# - then the suites that run whole networks of node processes (a demo, nodes for invite, the
#   TUI's own node), on their own for the same reason as the first.
PURE_SUITES = PeerdexCoreTests|PeerdexStoreTests|PeerdexTUITests|PeerdexTerminalTests|PeerdexQRTests|PeerdexParallelTests
MANY_FD_SUITES = ManyConnectionsTests|DHTPortAllocationTests
NETWORK_SUITES = DHTNetworkTests|DiscoveryNetworkTests|TUINetworkEndToEndTests|AudienceKeyNetworkTests|NetworkNamespaceHarnessTests|NearbyNetworkTests|NearbyTUIEndToEndTests|NearbyInteropTests|NearbyProbeTests|DemoTourEndToEndTests|DemoCommandTests|InviteCommandTests|TUIIdentityQREndToEndTests|TUIProfileLookupTests
# Within a pass, at most TEST_WIDTH tests run at once. Swift Testing's own default lets more run
# side by side than the 2 threads can serve: on a loaded CI machine, tests that wait on a process
# or a socket then held both threads, and loopback timeouts of 0.5–2 s expired (measured beside
# two CPU hogs: the second pass failed in 2 runs of 3 with the default, in none of 4 with 2, in
# the same wall time). The setting is Swift Testing's experimental one; a toolchain without it
# runs as before.
TEST_WIDTH ?= 2
TEST_ENV = SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH=$(TEST_WIDTH)
test: deps
	$(SWIFT) build --build-tests
	$(TEST_ENV) $(SWIFT) test --filter '$(PURE_SUITES)'
	$(TEST_ENV) $(SWIFT) test --filter '$(MANY_FD_SUITES)'
	$(TEST_ENV) $(SWIFT) test --skip '$(PURE_SUITES)|$(MANY_FD_SUITES)|$(NETWORK_SUITES)'
	$(TEST_ENV) $(SWIFT) test --filter '$(NETWORK_SUITES)'
	./scripts/fuzz.sh --smoke

# Every libFuzzer target for FUZZ_RUNS inputs; one `fuzz:` line per target with its coverage.
fuzz: deps
	./scripts/fuzz.sh --runs $(FUZZ_RUNS)

# Regenerates the wire schema's Swift code (committed) from Proto/ (see scripts/proto.sh).
proto: deps
	./scripts/proto.sh

# Release build, then one `bench: <name> <value> <unit>` line per figure.
bench: deps
	$(SWIFT) build -c release --product peerdex
	$(SWIFT) build -c release --product PeerdexBench
	./.build/release/PeerdexBench --peerdex ./.build/release/peerdex \
		$(if $(BASELINE),--baseline-peerdex "$$(./scripts/build-baseline.sh $(BASELINE))") $(BENCH_ARGS)

clean:
	$(SWIFT) package clean
	rm -rf .build
