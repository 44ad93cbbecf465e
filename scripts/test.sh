#!/usr/bin/env bash
# Install everything the tests need (system packages when root, a venv, the package
# with its test extras) and run the whole test suite. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
fc-list 2>/dev/null | grep -qi "wenquanyi\|noto sans cjk" || need+=(fonts-wqy-zenhei)
command -v pdftoppm >/dev/null || need+=(poppler-utils)
ldconfig -p 2>/dev/null | grep -q libpango-1.0 || need+=(libpango-1.0-0 libpangoft2-1.0-0)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need[@]}"
  else
    echo "missing system packages: ${need[*]} (sudo apt-get install -y ${need[*]})" >&2
  fi
fi

# The .docx report is checked by converting it with LibreOffice, as a street office's
# Word or WPS would read it (tests/reports/test_docx.py).
if ! command -v soffice >/dev/null && [ "$(id -u)" = 0 ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    libreoffice-writer-nogui || echo "LibreOffice not installed: its DOCX test skips" >&2
fi

[ -d .venv ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e '.[test]'
# Each pass runs the in-process tests on two processes (pytest-xdist), then the tests
# marked "serial" (real servers, browsers, benchmark smoke runs) alone. pytest's "no
# tests collected" (5, e.g. a path with only serial tests) is not a failure.
run_pass() {
  local marks=$1; shift
  local rc=0
  .venv/bin/python -m pytest -n 2 -m "not serial${marks:+ and $marks}" "$@" || rc=$?
  [ $rc -eq 0 ] || [ $rc -eq 5 ] || status=$rc
  rc=0
  .venv/bin/python -m pytest -m "serial${marks:+ and $marks}" "$@" || rc=$?
  [ $rc -eq 0 ] || [ $rc -eq 5 ] || status=$rc
}
# SQLite (the laptop default) always; PostgreSQL too when WORKSHOP_TEST_POSTGRES_URL names
# a database the tests may wipe (its public schema is recreated per test; each xdist
# worker uses a database of its own beside it, created on first use).
status=0
run_pass "" --durations=15 "$@"
if [ -n "${WORKSHOP_TEST_POSTGRES_URL:-}" ]; then
  echo "== the same tests on PostgreSQL: ${WORKSHOP_TEST_POSTGRES_URL}"
  # Only tests that reach a database run again (tests/conftest.py). Browser tests and the
  # schema fuzzing exercise pages and HTTP parsing, the same on both databases: they run
  # in the SQLite pass only (CI stays well under 30 minutes).
  WORKSHOP_TEST_DATABASE_URL="$WORKSHOP_TEST_POSTGRES_URL" run_pass "not browser" \
    --deselect tests/security/test_fuzz.py::test_no_server_errors_and_every_refusal_says_why \
    --durations=15 "$@"
fi
exit $status
