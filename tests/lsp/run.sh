#!/usr/bin/env bash
# End-to-end test of the real `polic lsp` over stdio, driven by pytest-lsp (an independent
# LSP client). Builds the binary, keeps a virtualenv with the pinned client under the target
# directory, and runs the tests. Usage: tests/lsp/run.sh [PYTEST ARGS]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv_name=lsp-venv
# shellcheck source=../python-env.sh
source "$here/../python-env.sh"
cd "$here"
exec "$VENV/bin/pytest" -p no:cacheprovider "$@"
