#!/usr/bin/env bash
# Validates what `polic export oscal` writes with compliance-trestle (an independent OSCAL
# implementation, from PyPI): builds the binary, keeps a virtualenv with the pinned
# requirements under the target directory, and runs the tests. Usage: tests/oscal/run.sh
# [PYTEST ARGS]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"

cargo build --quiet --manifest-path "$root/Cargo.toml" -p polic

venv="$target/oscal-venv"
if ! cmp -s "$here/requirements.txt" "$venv/requirements.txt" 2>/dev/null; then
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt"
  cp "$here/requirements.txt" "$venv/requirements.txt"
fi

export POLIC="$target/debug/polic"
cd "$here"
exec "$venv/bin/pytest" -p no:cacheprovider "$@"
