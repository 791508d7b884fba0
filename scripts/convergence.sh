#!/usr/bin/env bash
# A long run of the convergence checker (tests/convergence_test.cpp) on one backend:
#   scripts/convergence.sh [sqlite|libsql] [seed]
# Size through HOWLER_CONVERGENCE_{USERS,DEVICES,OPS,KILLS,FAULTS} (defaults below: 4
# users x 4 devices, 5000 operations, 25 kills, 40 database faults on libsql). Builds the
# test binary in build/release first. A failing run prints its seed; running the script
# again with that seed replays it. BUILD_JOBS (default 1) is the build parallelism.
set -euo pipefail
cd "$(dirname "$0")/.."
backend=${1:-sqlite}
seed=${2:-$RANDOM}
cmake --preset release >/dev/null
cmake --build build/release -j"${BUILD_JOBS:-1}" --target convergence_integration_test howlerops-server
export HOWLER_TEST_BACKEND=$backend HOWLER_CONVERGENCE_SEED=$seed
export HOWLER_CONVERGENCE_USERS=${HOWLER_CONVERGENCE_USERS:-4}
export HOWLER_CONVERGENCE_DEVICES=${HOWLER_CONVERGENCE_DEVICES:-4}
export HOWLER_CONVERGENCE_OPS=${HOWLER_CONVERGENCE_OPS:-5000}
export HOWLER_CONVERGENCE_KILLS=${HOWLER_CONVERGENCE_KILLS:-25}
export HOWLER_CONVERGENCE_FAULTS=${HOWLER_CONVERGENCE_FAULTS:-40}
exec build/release/tests/convergence_integration_test \
  --gtest_filter=ConvergenceTest.DevicesConvergeUnderKillsAndFaults
