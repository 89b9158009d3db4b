#!/usr/bin/env bash
# Installs what the build and the tests need and is missing: with apt, the SQLite and ncurses
# headers the build links against (and libqrencode's, for invites as QR codes), zbar-tools (the QR
# tests decode what they encode with zbarimg), tmux for the end-to-end TUI tests, the sqlite3 shell that a
# test uses to damage a book and protoc (the interoperability test generates Python code of the
# wire schema with it; `make proto` uses it too) and python3-libtorrent with python3-cryptography
# (Tests/Interop/libtorrent_dht.py runs reference Mainline DHT nodes on loopback; libtorrent imports
# only in Debian's /usr/bin/python3.11, not in a venv), iproute2 (`ip` and `bridge`: the LAN tests build
# network namespaces); with pip, into .build/interop-venv, the pinned
# Python packages of the interoperability tests (Tests/Interop/requirements.txt: an independent
# Noise implementation, Ed25519, protobuf and python-zeroconf).
set -euo pipefail
cd "$(dirname "$0")/.."
missing=()
for package in libsqlite3-dev libncurses-dev libqrencode-dev zbar-tools tmux sqlite3 protobuf-compiler python3-libtorrent python3-cryptography iproute2; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "installing: ${missing[*]}"
    sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
fi

venv=.build/interop-venv
requirements=Tests/Interop/requirements.txt
stamp="$venv/.installed"
if [ ! -f "$stamp" ] || ! cmp -s "$requirements" "$stamp"; then
    echo "installing the interoperability tests' Python packages into $venv"
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q --disable-pip-version-check -r "$requirements"
    cp "$requirements" "$stamp"
fi
