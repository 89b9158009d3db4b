#!/usr/bin/env bash
# Builds the libFuzzer targets (Fuzz/Sources, declared by Package.swift when PEERDEX_FUZZ is set)
# with -sanitize=fuzzer,address and runs each one.
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
targets=(FuzzFrames FuzzHandshake FuzzHandshakePayload FuzzEnvelope)
scratch=.build/fuzz
export PEERDEX_FUZZ=1
for target in "${targets[@]}"; do
    swift build --scratch-path "$scratch" -c debug -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library \
        --product "$target" 2>&1 | grep -E "error|warning: unre|Compiling|Build complete" | tail -1
done
mkdir -p .build/fuzz-artifacts
for target in "${targets[@]}"; do
    corpus=.build/fuzz-corpus/$target
    mkdir -p "$corpus"
    log=.build/fuzz-artifacts/$target.log
    # One worker, a 2 s limit per input (a hang is a failure), at most 64 KiB inputs: a frame.
    if ! "$scratch/debug/$target" "${limit[@]}" -timeout=2 -max_len=65540 -print_final_stats=1 \
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
    echo "fuzz: $target runs $runs cov ${cov:-?} ft ${ft:-?} corpus ${corp:-?}"
done
