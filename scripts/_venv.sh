# Sourced by scripts/serve and scripts/test: find Python 3.11+ and make .venv.
VENV="${QUIZ_VENV:-.venv}"
if [ ! -x "$VENV/bin/python" ]; then
  PY=""
  for candidate in python3.13 python3.12 python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      PY="$candidate"; break
    fi
  done
  if [ -z "$PY" ]; then
    echo "Python 3.11 or newer is needed (python3 --version says: $(python3 --version 2>&1))." >&2
    exit 1
  fi
  "$PY" -m venv "$VENV"
fi
