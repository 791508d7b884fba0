#!/usr/bin/env bash
# Fails when the last ctest run in BUILD_DIR (default build/release) reported any test as
# skipped. No test here is skipped by design: a missing precondition is a failure
# (docs/DESIGN.md, "Testing"). gtest prints SKIPPED for every test of a suite whose
# SetUpTestSuite failed, and ctest counts that as skipped, not failed; `make test` runs
# this after ctest so such a run is red.
#   bash scripts/check_no_skips.sh [BUILD_DIR]
set -euo pipefail
log=${1:-build/release}/Testing/Temporary/LastTest.log
if [[ ! -f $log ]]; then
  echo "check_no_skips: no ctest log at $log" >&2
  exit 2
fi
skipped=$(awk '/^[0-9]+\/[0-9]+ Test: / { name = $3 }
               /^Skip regular expression found in output/ { print name }' "$log")
if [[ -n $skipped ]]; then
  echo "ctest reported these tests as skipped; each is a failure (see $log):" >&2
  echo "$skipped" >&2
  exit 1
fi
