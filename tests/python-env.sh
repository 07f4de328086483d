# Sourced by the end-to-end scripts that drive the real `polic` binary from Python
# (tests/lsp/run.sh, tests/oscal/run.sh): builds the binary and keeps a virtualenv with the
# script's pinned requirements.txt under the target directory, rebuilt when they change.
# Sets POLIC (the binary) and VENV; expects `here` (the script's folder) and `venv_name`.
root="$(cd "$here/../.." && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"

cargo build --quiet --manifest-path "$root/Cargo.toml" -p polic

VENV="$target/$venv_name"
if ! cmp -s "$here/requirements.txt" "$VENV/requirements.txt" 2>/dev/null; then
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt"
  cp "$here/requirements.txt" "$VENV/requirements.txt"
fi
export POLIC="$target/debug/polic"
