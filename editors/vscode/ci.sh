#!/usr/bin/env bash
# The VS Code extension's checks, for .ci/run: install the locked packages (npm registry
# only), type-check, bundle, the grammar tests, grammar/server agreement, snippets, unit
# tests, a smoke test of the bundle against the real server, and `vsce package` into a
# temporary directory (the .vsix is not kept).
# Needs Node 20+ and npm; builds the `polic` binary with cargo unless $POLIC names one.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
cd "$here"
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false
bin="$here/node_modules/.bin"
step() { printf '\n== %s\n' "$*"; }

step "npm ci"
npm ci --prefer-offline --no-progress --loglevel=error

step "type-check (tsc)"
"$bin/tsc" --noEmit -p .

step "bundle (esbuild)"
node esbuild.mjs --production

step "grammar is generated from scripts/grammar.mjs"
node scripts/grammar.mjs --check

step "grammar tests (vscode-tmgrammar-test)"
"$bin/vscode-tmgrammar-test" --compact -g syntaxes/polic.tmLanguage.json 'test/*.polic'

if [ -z "${POLIC:-}" ]; then
  step "cargo build -p polic"
  cargo build --quiet --manifest-path "$repo/Cargo.toml" -p polic
  export POLIC="${CARGO_TARGET_DIR:-$repo/target}/debug/polic"
fi

step "grammar and semantic tokens agree ($POLIC lsp)"
node scripts/agreement.mjs

step "snippets are valid polic"
node scripts/snippets.mjs

step "unit tests (node --test)"
node test/unit/build.mjs
node --test dist-test/

step "smoke test: the bundled extension starts polic lsp"
node test/smoke/run.cjs

step "vsce package"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
"$bin/vsce" package --no-dependencies --allow-missing-repository --no-rewrite-relative-links \
  --out "$out/polic.vsix"
listing="$(python3 -c 'import sys, zipfile; print("\n".join(zipfile.ZipFile(sys.argv[1]).namelist()))' "$out/polic.vsix")"
for file in extension/package.json extension/dist/extension.js extension/readme.md \
  extension/LICENSE.txt extension/language-configuration.json \
  extension/syntaxes/polic.tmLanguage.json extension/syntaxes/polic-trace.tmLanguage.json \
  extension/snippets/polic.json extension/images/icon.png extension/images/polic-file.svg \
  extension/images/screenshot.png; do
  grep -qx "$file" <<<"$listing" || { echo "the .vsix lacks $file"; exit 1; }
done
if grep -E '^extension/(node_modules|src|test|scripts)/' <<<"$listing"; then
  echo "the .vsix carries files it does not need"; exit 1
fi
echo "polic.vsix: $(wc -l <<<"$listing") files, $(du -h "$out/polic.vsix" | cut -f1)"
