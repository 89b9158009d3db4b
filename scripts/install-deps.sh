#!/usr/bin/env bash
# Installs, with apt, the Debian packages peerdex needs and that are missing: the SQLite and
# ncurses headers the build links against, tmux for the end-to-end TUI tests and the sqlite3
# shell that a test uses to damage a book.
set -euo pipefail
missing=()
for package in libsqlite3-dev libncurses-dev tmux sqlite3; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing: ${missing[*]}"
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
