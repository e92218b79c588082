#!/usr/bin/env bash
# Creates (or refreshes) .venv for the Python interop tests: a venv over Debian's python3 that also sees
# the system site-packages (python3-torch backs transformers), the pinned CPU-only requirements-test.txt
# installed with a pip cache, and integrations/python installed in editable mode. Idempotent: when
# nothing changed since the last run it returns in well under a second.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
venv="$root/.venv"
export PIP_CACHE_DIR="${PIP_CACHE_DIR:-$HOME/.cache/pip}"
export PIP_DISABLE_PIP_VERSION_CHECK=1

# A venv made without --system-site-packages would hide Debian's torch: make it again.
if [ -x "$venv/bin/python" ] && ! grep -q '^include-system-site-packages = true' "$venv/pyvenv.cfg" 2>/dev/null; then
  echo "python-env: $venv does not see the system site-packages; recreating it" >&2
  rm -rf "$venv"
fi
if [ ! -x "$venv/bin/python" ]; then
  if ! /usr/bin/python3 -c 'import ensurepip, venv' 2>/dev/null; then
    echo "python-env: /usr/bin/python3 cannot make venvs; run scripts/install-system-deps.sh (python3-venv)" >&2
    exit 1
  fi
  echo "python-env: creating $venv" >&2
  /usr/bin/python3 -m venv --system-site-packages "$venv"
fi

# Re-install only when the pins or the adapter's packaging changed.
stamp="$venv/.qed-installed"
want=$(cat requirements-test.txt integrations/python/pyproject.toml | sha256sum | cut -c1-64)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi
echo "python-env: installing requirements-test.txt (pip cache: $PIP_CACHE_DIR)" >&2
"$venv/bin/python" -m pip install --quiet --upgrade-strategy only-if-needed -r requirements-test.txt
"$venv/bin/python" -m pip install --quiet --no-deps --no-build-isolation -e integrations/python
echo "$want" >"$stamp"
