#!/usr/bin/env bash
# Bounded fuzzing (docs/DESIGN.md "Fuzzing"): builds the libFuzzer binaries of fuzz/
# (preset `fuzz`: -fsanitize=fuzzer,address,undefined) and runs each target for
# FUZZ_SECONDS (default 60) from its seed corpus, with new inputs kept in a scratch
# directory under build/fuzz/ (the committed seeds stay as they are). Prints each target's
# executions per second and coverage; exits non-zero when a target finds a crash (the
# reproducer is left in build/fuzz/artifacts/).
#   FUZZ_SECONDS=60 FUZZ_TARGETS="cursor_fuzz dotenv_fuzz" FUZZ_JOBS=1 scripts/fuzz.sh
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-60}
if ((seconds < 1)); then
  echo "FUZZ_SECONDS must be at least 1 (libFuzzer reads 0 as no limit)" >&2
  exit 2
fi
jobs=${FUZZ_JOBS:-2}
targets=${FUZZ_TARGETS:-$(ls fuzz/corpus)}
cmake --preset fuzz >/dev/null
# shellcheck disable=SC2086
cmake --build build/fuzz -j"$jobs" --target $targets
mkdir -p build/fuzz/artifacts build/fuzz/corpus
failed=0
printf '%-26s %10s %8s %8s %s\n' target exec/s cov ft result
for t in $targets; do
  work=build/fuzz/corpus/$t
  mkdir -p "$work"
  log=build/fuzz/$t.log
  status=ok
  if ! ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
      "build/fuzz/fuzz/$t" -max_total_time="$seconds" -max_len=65536 -timeout=10 \
      -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="build/fuzz/artifacts/$t-" \
      "$work" "fuzz/corpus/$t" >"$log" 2>&1; then
    status="FAILED (see $log)"
    failed=1
  fi
  rate=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')
  line=$(grep -E '#[0-9]+.*(DONE|pulse|NEW|REDUCE)' "$log" | tail -1 || true)
  cov=$(grep -o 'cov: [0-9]*' <<<"$line" | grep -o '[0-9]*' || echo '?')
  ft=$(grep -o 'ft: [0-9]*' <<<"$line" | grep -o '[0-9]*' || echo '?')
  printf '%-26s %10s %8s %8s %s\n' "$t" "$rate" "$cov" "$ft" "$status"
done
exit $failed
