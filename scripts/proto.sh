#!/usr/bin/env bash
# Regenerates the Swift code of the wire schema (Proto/*.proto) into
# Sources/PeerdexCore/Wire/Generated. protoc comes from Debian (protobuf-compiler, installed by
# `make deps`); protoc-gen-swift is built once from swift-protobuf at the version Package.swift
# names, into .build/tools (a first build takes about ten minutes on 2 cores, which is why the
# generated code is committed and neither the build nor CI runs this).
set -euo pipefail
cd "$(dirname "$0")/.."
version=1.39.0
tools=.build/tools
plugin="$tools/swift-protobuf-$version/.build/release/protoc-gen-swift"
if [ ! -x "$plugin" ]; then
    mkdir -p "$tools"
    rm -rf "$tools/swift-protobuf-$version"
    git clone -q --depth 1 --branch "$version" https://github.com/apple/swift-protobuf "$tools/swift-protobuf-$version"
    (cd "$tools/swift-protobuf-$version" && swift build -c release --product protoc-gen-swift)
fi
out=Sources/PeerdexCore/Wire/Generated
mkdir -p "$out"
protoc --plugin=protoc-gen-swift="$plugin" --proto_path=Proto \
    --swift_opt=Visibility=Public --swift_opt=FileNaming=DropPath --swift_out="$out" Proto/peerdex/v1/*.proto
echo "generated: $(ls "$out" | tr '\n' ' ')"
