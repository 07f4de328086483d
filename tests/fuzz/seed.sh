#!/usr/bin/env bash
# Builds the fuzz corpora (tests/fuzz/corpus/TARGET) from the repository: the example, the
# standard library cut into small well-formed pieces, the UI, formatter and evaluation
# fixtures, the OSCAL data (small pieces of the catalog), and rule sets and OSCAL component
# definitions written by `polic` from those policies. Nothing here is checked in; run it
# again after the fixtures change. Inputs the fuzzers found are kept (files are added,
# never removed). Usage: tests/fuzz/seed.sh  (POLIC=path/to/polic to skip building it)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
corpus="$here/corpus"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

if [[ -z "${POLIC:-}" ]]; then
  cargo build --quiet --manifest-path "$root/Cargo.toml" -p polic
  POLIC="${CARGO_TARGET_DIR:-$root/target}/debug/polic"
fi

for target in parse check fmt evidence oscal ruleset lsp; do
  mkdir -p "$corpus/$target"
done

# Policy texts: whole small files, and the standard library cut into pieces of a few
# kilobytes, each a standard with some of its groups, so that every piece still parses.
mkdir -p "$work/polic"
python3 - "$root" "$work/polic" <<'PY'
import pathlib, sys
root, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
files = sorted(root.glob("examples/acme/**/*.polic")) + sorted(root.glob("tests/ui/**/*.polic")) \
    + sorted(root.glob("tests/fmt/**/*.polic")) + sorted(root.glob("tests/eval/**/*.polic")) \
    + sorted(root.glob("tests/oscal/kit/*.polic"))
for i, path in enumerate(files):
    text = path.read_text(encoding="utf-8")
    if len(text) <= 8192:
        (out / f"file-{i:03}.polic").write_text(text, encoding="utf-8")
for module in sorted(root.glob("stdlib/*.polic")):
    lines = module.read_text(encoding="utf-8").splitlines(keepends=True)
    # The header is everything up to the line that opens the standard's block; pieces
    # start where a line begins at depth 1 (a group or clause of the standard).
    depth, header, pieces, piece = 0, [], [], []
    for line in lines:
        if depth == 0:
            header.append(line)
        elif depth == 1 and piece and sum(map(len, piece)) > 2500:
            pieces.append(piece)
            piece = []
        if depth >= 1 and not (depth == 1 and line.strip() == "}"):
            piece.append(line)
        # Braces in strings are rare in the standard library and only make a piece fail
        # to parse, which is a seed too.
        depth += line.count("{") - line.count("}")
    if piece:
        pieces.append(piece)
    step = max(1, len(pieces) // 6)
    for j, piece in enumerate(pieces[::step][:6]):
        text = "".join(header) + "".join(piece) + "}\n"
        (out / f"{module.stem}-{j}.polic").write_text(text, encoding="utf-8")
PY
for file in "$work"/polic/*.polic; do
  name="$(basename "$file" .polic)"
  cp "$file" "$corpus/parse/$name"
  # fmt: a line width byte, then the text.
  { printf 'd'; cat "$file"; } >"$corpus/fmt/$name"
done

# check and lsp: a small binary header, then files separated by NUL. The example as a
# whole workspace; each evaluation fixture; pairs of small files.
join_nul() {
  local first=1
  for file in "$@"; do
    if [[ $first == 0 ]]; then printf '\0'; fi
    first=0
    cat "$file"
  done
}
acme=("$root"/examples/acme/policy.polic "$root"/examples/acme/controls/appsec.polic
  "$root"/examples/acme/archetypes.polic "$root"/examples/acme/apps/payments.polic)
# check: four layouts (directory, files imported, modules imported), then the texts.
{ printf '\x00\x00\x00\x01\x00\x00\x02\x01\x00\x00\x00\x00'; join_nul "${acme[@]}"; } >"$corpus/check/acme"
for fixture in "$root"/tests/eval/* "$root"/tests/oscal/kit; do
  [[ -d $fixture ]] || continue
  { printf '\x00\x00\x01\x01\x01\x00\x02\x00\x00\x00\x00\x00'; join_nul "$fixture"/*.polic; } \
    >"$corpus/check/$(basename "$fixture")"
done
for file in "$work"/polic/file-*.polic; do
  { printf '\x01\x02\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00'; cat "$file"; } \
    >"$corpus/check/$(basename "$file" .polic)"
done
# lsp: UTF-16 positions, no operations (the fuzzer adds them), then the documents.
{ printf '\x00\x00'; join_nul "${acme[@]:0:3}"; } >"$corpus/lsp/acme"
{ printf '\x00\x00'; join_nul "$root"/tests/eval/statuses/policy.polic; printf '\0\0\0'
  cat "$root"/examples/acme/services/checkout-web/src/checkout.ts; } >"$corpus/lsp/statuses"

# evidence: source file kind and apps, then JSON lines, a SARIF log and a tagged file.
sources=("$root"/examples/acme/services/checkout-web/src/*.ts)
i=0
for fixture in statuses fail-closed; do
  for sarif in "$root"/tests/eval/$fixture/*.sarif; do
    { printf '\x00\x00\x00'; cat "$root/tests/eval/$fixture/evidence.jsonl"; printf '\0'
      cat "$sarif"; printf '\0'; cat "${sources[i % ${#sources[@]}]}"; } >"$corpus/evidence/$fixture-$i"
    i=$((i + 1))
  done
done
for jsonl in "$root"/tests/cli/malformed.jsonl "$root"/tests/cli/audit/evidence.jsonl \
  "$root"/examples/acme/evidence/pipeline.jsonl; do
  { printf '\x01\x01\x01'; cat "$jsonl"; printf '\0'
    cat "$root"/examples/acme/evidence/checkout-web.semgrep.sarif; } >"$corpus/evidence/jsonl-$i"
  i=$((i + 1))
done

# oscal: two flags (with text, against the NIST catalog), then a JSON document.
python3 - "$root" "$work" <<'PY'
import json, pathlib, sys
root, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
data = root / "stdlib/data/oscal"
catalog = json.loads((data / "catalog-5.0.1-2021/NIST_SP-800-53_rev5_catalog.json").read_text())
# Pieces of the catalog: a few controls (with their enhancements) of a few groups.
for i, group in enumerate(catalog["catalog"]["groups"][:4]):
    piece = json.loads(json.dumps(catalog))
    piece["catalog"]["groups"] = [dict(group, controls=group["controls"][:2])]
    piece["catalog"].pop("back-matter", None)
    (out / f"catalog-{i}.json").write_text(json.dumps(piece, indent=1))
for path in sorted(data.glob("*profile.json")) + [root / "tests/oscal/bad/catalog.json",
                                                   root / "tests/oscal/profile-patterns.json"]:
    (out / f"{path.stem}.json").write_text(path.read_text())
PY
"$POLIC" export oscal --component-definition "$root/tests/oscal/kit" -o "$work/export" \
  >/dev/null 2>&1
# Component definitions cut to a few requirements per control implementation.
python3 - "$work" <<'PY'
import json, pathlib, sys
out = pathlib.Path(sys.argv[1])
for path in sorted((out / "export").glob("*.json")):
    document = json.loads(path.read_text())
    for component in document["component-definition"].get("components", []):
        for implementation in component.get("control-implementations", []):
            implementation["implemented-requirements"] = implementation["implemented-requirements"][:3]
    (out / path.name).write_text(json.dumps(document, indent=1))
PY
for json in "$work"/*.json; do
  name="$(basename "$json" .json)"
  { printf '\x00\x01'; cat "$json"; } >"$corpus/oscal/$name"
  { printf '\x01\x00'; cat "$json"; } >"$corpus/oscal/$name-text"
done

# ruleset: rule sets `polic build` writes for the small policies that have no errors (a
# standard library catalogue adopted makes one too large for a seed).
for file in "$work"/polic/file-*.polic; do
  mkdir -p "$work/build" && rm -f "$work/build/"*
  cp "$file" "$work/build/policy.polic"
  if "$POLIC" build --today 2026-06-01 "$work/build/policy.polic" -o "$work/rules.json" \
    >/dev/null 2>&1 && [[ $(wc -c <"$work/rules.json") -le 131072 ]]; then
    cp "$work/rules.json" "$corpus/ruleset/$(basename "$file" .polic).json"
  fi
done

for target in parse check fmt evidence oscal ruleset lsp; do
  echo "$target: $(find "$corpus/$target" -type f | wc -l) inputs"
done
