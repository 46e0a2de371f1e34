# Sourced by bin/run and bin/test: a virtual environment with the pinned
# dependencies (reinstalled when pyproject.toml changes) and a local .env.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
stamp=".venv/.installed-$(sha1sum pyproject.toml | cut -c1-12)"
if [ ! -f "$stamp" ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -e '.[dev]'
  rm -f .venv/.installed-* && touch "$stamp"
fi
if [ ! -f .env ]; then
  # A random secret for this machine only; .env is never committed.
  printf 'DJANGO_SECRET_KEY=%s\n' \
    "$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(50))')" > .env
fi
# DEBUG never lives in .env: it would turn on for every later command in this
# checkout, production settings included. bin/run sets it for itself only.
if grep -q '^DJANGO_DEBUG=' .env; then
  sed -i '/^DJANGO_DEBUG=/d' .env
fi
export PATH="$PWD/.venv/bin:$PATH"
