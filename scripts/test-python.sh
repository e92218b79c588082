#!/usr/bin/env bash
# Runs the Python interop tests (tests/interop) and the adapter's own tests (integrations/python/tests)
# in .venv, creating it first when needed. pytest's exit 5 ("no tests collected") is a failure: these
# suites are expected to hold tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/python-env.sh
export PYTHONDONTWRITEBYTECODE=1
exec .venv/bin/python -m pytest -q -p no:cacheprovider integrations/python/tests tests/interop "$@"
