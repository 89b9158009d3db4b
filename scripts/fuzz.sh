#!/usr/bin/env bash
# Builds the libFuzzer targets (Fuzz/Sources, declared by Package.swift when PEERDEX_FUZZ is set)
# for libFuzzer with AddressSanitizer (libFuzzer supplies main) and runs each one.
#
#   scripts/fuzz.sh --smoke          every target for a few seconds (make test)
#   scripts/fuzz.sh --runs N         every target for N inputs (make fuzz: 10,000,000)
#   scripts/fuzz.sh --seconds S      every target for S seconds
#
# Each target starts from its committed seeds (Fuzz/Seeds/<target>) and grows a corpus under
# .build/fuzz-corpus/<target>, kept between runs. A crash, leak or timeout stops the script with
# libFuzzer's report and the input that caused it (in .build/fuzz-artifacts); otherwise one line
# per target: `fuzz: <target> runs <N> cov <edges> ft <features> corpus <inputs>`.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:---smoke}
case "$mode" in
    --smoke) limit=(-max_total_time="${FUZZ_SMOKE_SECONDS:-5}") ;;
    --runs) limit=(-runs="${2:?--runs needs a number}") ;;
    --seconds) limit=(-max_total_time="${2:?--seconds needs a number}") ;;
    *) echo "usage: $0 [--smoke | --runs N | --seconds S]" >&2; exit 2 ;;
esac
targets=(FuzzFrames FuzzHandshake FuzzHandshakePayload FuzzEnvelope FuzzKRPC)
scratch=.build/fuzz
config=${FUZZ_CONFIG:-release}
export PEERDEX_FUZZ=1
# Swift's own crash backtracer would run first and trip AddressSanitizer; libFuzzer reports.
export SWIFT_BACKTRACE=enable=no
# SwiftPM's --sanitize=fuzzer links libFuzzer's main in place of the executable's; but given as
# two flags, fuzzer and address reach swiftc as two -sanitize= options and the last one wins, so
# the Swift code gets no coverage (libFuzzer then finds nothing new: "no interesting inputs").
# -Xswiftc -sanitize=fuzzer,address instruments every Swift module for both. The C code
# (BoringSSL) is built with --sanitize=fuzzer only. Release: the Swift code is instrumented at
# -O too (coverage grows, as every run's `cov` shows), and the handshake's X25519 runs 20 times
# faster than at -O0.
# BoringSSL's C is left out of coverage (Fuzz/coverage-ignore.txt): its edges are not ours, and
# instrumenting them made FuzzHandshake 2,700 inputs/s instead of 4,700-5,800.
build_flags=(-c "$config" --sanitize=fuzzer -Xswiftc -sanitize=fuzzer,address
    -Xcc -fsanitize-coverage-ignorelist="$(pwd)/Fuzz/coverage-ignore.txt")
mkdir -p .build/fuzz-artifacts
for target in "${targets[@]}"; do
    if ! swift build --scratch-path "$scratch" "${build_flags[@]}" --product "$target" \
        >.build/fuzz-artifacts/build.log 2>&1; then
        grep -E "error" .build/fuzz-artifacts/build.log | head -20 >&2
        echo "fuzz: building $target FAILED (log: .build/fuzz-artifacts/build.log)" >&2
        exit 1
    fi
done
for target in "${targets[@]}"; do
    corpus=.build/fuzz-corpus/$target
    mkdir -p "$corpus"
    log=.build/fuzz-artifacts/$target.log
    # A limit per input (a hang is a failure: 10 s, far above the few ms any input takes, so that a
    # machine busy with other work does not report false hangs: at 2 s, runs beside a CI build
    # "timed out" on inputs that take 3-11 ms alone); inputs of up to 4 KiB (the targets scale
    # their limits from the input, so big frames are reached without big inputs).
    if ! "$scratch/$config/$target" "${limit[@]}" -timeout="${FUZZ_TIMEOUT:-10}" -max_len=4096 -print_final_stats=1 \
        -artifact_prefix=.build/fuzz-artifacts/"$target"- "$corpus" "Fuzz/Seeds/$target" >"$log" 2>&1; then
        tail -40 "$log"
        echo "fuzz: $target FAILED (log: $log)" >&2
        exit 1
    fi
    runs=$(grep -E '^stat::number_of_executed_units' "$log" | awk '{print $2}')
    final=$(grep -E '^#[0-9]+.*(DONE|pulse|NEW|REDUCE)' "$log" | tail -1)
    cov=$(sed -nE 's/.* cov: ([0-9]+).*/\1/p' <<<"$final")
    ft=$(sed -nE 's/.* ft: ([0-9]+).*/\1/p' <<<"$final")
    corp=$(sed -nE 's/.* corp: ([0-9]+).*/\1/p' <<<"$final")
    if [ -z "$cov" ]; then
        echo "fuzz: $target reached no coverage: the build is not instrumented (log: $log)" >&2
        exit 1
    fi
    echo "fuzz: $target runs $runs cov $cov ft $ft corpus $corp"
done
