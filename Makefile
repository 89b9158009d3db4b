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

# Every test: unit, store, network on 127.0.0.1, command-line end to end, the TUI under tmux, the
# SIGKILL durability test, then each libFuzzer target for a few seconds.
# Not --parallel, so that swift test prints the summary lines CI reads. Three passes, because
# Swift Testing runs a pass's tests side by side on as many threads as there are cores (2):
# - the pure modules first: their property tests are minutes of CPU in a debug build, and beside
#   the timing tests they held both threads long enough to starve those past their limits;
# - then the rest (loopback networking, the command line, the TUI under tmux);
# - then the suites that run whole networks of node processes (a demo, nodes for invite, the
#   TUI's own node), on their own for the same reason.
PURE_SUITES = PeerdexCoreTests|PeerdexStoreTests|PeerdexTUITests|PeerdexTerminalTests|PeerdexQRTests|PeerdexParallelTests
NETWORK_SUITES = DHTNetworkTests|DiscoveryNetworkTests|TUINetworkEndToEndTests|AudienceKeyNetworkTests|NetworkNamespaceHarnessTests|NearbyNetworkTests|NearbyTUIEndToEndTests|NearbyInteropTests|NearbyProbeTests|DemoTourEndToEndTests|DemoCommandTests|InviteCommandTests|TUIIdentityQREndToEndTests|TUIProfileLookupTests
test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --filter '$(PURE_SUITES)'
	$(SWIFT) test --skip '$(PURE_SUITES)|$(NETWORK_SUITES)'
	$(SWIFT) test --filter '$(NETWORK_SUITES)'
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
