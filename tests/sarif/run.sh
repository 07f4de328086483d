#!/usr/bin/env bash
# The SARIF logs polic writes, checked by the SARIF SDK's own validator (an independent
# implementation: schema plus the SARIF1xxx/SARIF2xxx rules that code-scanning services
# apply). Fails on any error or warning it reports. Usage: tests/sarif/run.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"
version=5.7.0
tool="$target/sarif-multitool-$version/package/Sarif.Multitool"

cargo build --quiet --manifest-path "$root/Cargo.toml" -p polic
polic="$target/debug/polic"
if [ ! -x "$tool" ]; then
  mkdir -p "$target/sarif-multitool-$version"
  (cd "$target/sarif-multitool-$version" &&
    npm pack --silent "@microsoft/sarif-multitool-linux@$version" >/dev/null &&
    tar xzf "microsoft-sarif-multitool-linux-$version.tgz" &&
    chmod +x package/Sarif.Multitool)
fi

logs="$(mktemp -d)"
trap 'rm -rf "$logs"' EXIT
# A relative path, an absolute one from another directory, and an evaluation.
(cd "$root/tests/cli" && "$polic" check errors --format sarif > "$logs/check-relative.sarif") || true
(cd "$logs" && "$polic" check "$root/tests/cli/errors" --format sarif > "$logs/check-absolute.sarif") || true
(cd "$root" && "$polic" eval examples/acme --at 2026-11-22 \
  --evidence examples/acme/evidence/pipeline.jsonl \
  --sarif checkout-web=examples/acme/evidence/checkout-web.semgrep.sarif \
  --format sarif > "$logs/eval.sarif") || true

status=0
for log in "$logs"/*.sarif; do
  # ICU is not needed for validation, and may be absent.
  DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 "$tool" validate "$log" \
    --output "$log.validation" --log ForceOverwrite >/dev/null
  if ! python3 - "$log" "$log.validation" <<'PY'
import json, sys
log, validation = sys.argv[1], json.load(open(sys.argv[2]))
problems = [r for run in validation["runs"] for r in run.get("results", [])
            if r.get("level", "warning") in ("error", "warning")]
for r in problems:
    print(f"{log}: {r['ruleId']}: {r['message'].get('text', r['message'])}")
sys.exit(1 if problems else 0)
PY
  then
    status=1
  fi
done
[ "$status" -eq 0 ] && echo "SARIF validator: $(ls "$logs"/*.sarif | wc -l) logs, no errors or warnings"
exit "$status"
