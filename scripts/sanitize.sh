#!/usr/bin/env bash
# The sanitizer stage of CI (docs/DESIGN.md "Tests and measurements"), sized to keep a cold
# CI run on two cores well under its limit. One ASan+UBSan build serves three checks: the
# preset `fuzz` (RelWithDebInfo, -fsanitize=address,undefined plus libFuzzer coverage)
# builds
#   - the unit tests of common, config, sync, auth and the HTTP layer (the handlers over
#     real services on SQLite included), run under ASan+UBSan;
#   - every fuzz corpus replayed through ctest (fuzz_corpus.*);
#   - every fuzz target run for SANITIZE_FUZZ_SECONDS (default 5) by scripts/fuzz.sh.
# Then TSan (preset tsan, suppressions in tsan.supp): the concurrency-heavy unit suites of
# common (worker pool, timer queue) and sync (live notifier, per-user write runner, the
# services' concurrent tests).
# SANITIZE_INTEGRATION=1 also builds the server with the preset `asan` and runs the sync
# and hardening integration suites against it (not in CI: the ASan server build alone
# costs about as much as this whole stage; `make asan` runs everything).
# SANITIZE_JOBS (default 2) is the build parallelism. Each phase prints its duration.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=${SANITIZE_JOBS:-2}
asan_tests="howler_common_test howler_config_test sync_test auth_test http_test http_handlers_test"
tsan_tests="howler_common_test sync_test"
integration_tests="sync_integration_test hardening_integration_test"
targets=$(ls fuzz/corpus)
replays=$(for t in $targets; do printf '%s_replay ' "$t"; done)

phase_start=$SECONDS
phase() {
  echo "sanitize: $1 took $((SECONDS - phase_start)) s"
  phase_start=$SECONDS
}
binary() { find "$1" -name "$2" -type f -perm -u+x | head -1; }

export ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export TSAN_OPTIONS="suppressions=$PWD/tsan.supp halt_on_error=1 second_deadlock_stack=1"
export HOWLER_TEST_BACKEND=sqlite

cmake --preset fuzz >/dev/null
# shellcheck disable=SC2086
cmake --build build/fuzz -j"$jobs" --target $asan_tests $replays $targets
phase "asan+ubsan build"
for t in $asan_tests; do "$(binary build/fuzz "$t")" --gtest_brief=1; done
ctest --test-dir build/fuzz -R '^fuzz_corpus\.' --output-on-failure
phase "asan+ubsan tests and corpus replays"
if [[ "${SANITIZE_FUZZ_SECONDS:-5}" != 0 ]]; then  # 0 skips (libFuzzer's 0 is unbounded)
  FUZZ_SECONDS=${SANITIZE_FUZZ_SECONDS:-5} FUZZ_JOBS=$jobs bash scripts/fuzz.sh
  phase "bounded fuzzing"
fi

cmake --preset tsan >/dev/null
# shellcheck disable=SC2086
cmake --build build/tsan -j"$jobs" --target $tsan_tests
phase "tsan build"
for t in $tsan_tests; do "$(binary build/tsan "$t")" --gtest_brief=1; done
phase "tsan tests"

if [[ "${SANITIZE_INTEGRATION:-0}" == 1 ]]; then
  cmake --preset asan >/dev/null
  # shellcheck disable=SC2086
  cmake --build build/asan -j"$jobs" --target howlerops-server $integration_tests
  for t in $integration_tests; do "$(binary build/asan "$t")" --gtest_brief=1; done
  phase "asan integration suites"
fi
