#!/usr/bin/env bash
# Validates what `polic export oscal` writes with compliance-trestle (an independent OSCAL
# implementation, from PyPI): builds the binary, keeps a virtualenv with the pinned
# requirements under the target directory, and runs the tests. Usage: tests/oscal/run.sh
# [PYTEST ARGS]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv_name=oscal-venv
# shellcheck source=../python-env.sh
source "$here/../python-env.sh"
cd "$here"
exec "$VENV/bin/pytest" -p no:cacheprovider "$@"
