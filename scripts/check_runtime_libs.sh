#!/usr/bin/env bash
# Checks that the Dockerfile's runtime stage installs exactly the Debian packages that own
# the shared libraries `ldd` finds in the built binary (libc6 and libgcc-s1 come with the
# base image), so the image neither misses a library nor carries an unused one.
# usage: scripts/check_runtime_libs.sh BINARY DOCKERFILE
set -euo pipefail
BIN=$1
DOCKERFILE=$2
[ -x "$BIN" ] || { echo "no binary at $BIN" >&2; exit 1; }

ldd "$BIN" | awk '/=>/ {print $3}' | python3 -c '
import glob, os, re, sys
libs = [l.strip() for l in sys.stdin if l.strip()]
# Every path dpkg installed, with its package (merged /usr: a library may be listed under
# /lib or /usr/lib, and ldd may name either).
owner = {}
for listing in glob.glob("/var/lib/dpkg/info/*.list"):
    package = os.path.basename(listing)[:-5].split(":")[0]
    with open(listing, errors="replace") as f:
        for path in f:
            owner[path.rstrip("\n")] = package
def find(lib):
    real = os.path.realpath(lib)
    for p in (lib, real):
        for candidate in (p, p[4:] if p.startswith("/usr/") else "/usr" + p):
            if candidate in owner:
                return owner[candidate]
    sys.exit(f"no package owns {lib}")
needed = {find(l) for l in libs} - {"libc6", "libgcc-s1"}
text = open(sys.argv[1]).read()
block = re.search(r"# runtime-packages-begin(.*)# runtime-packages-end", text, re.S)
listed = {w for w in re.split(r"[\s\\]+", block.group(1) if block else "")
          if w.startswith("lib") or w.startswith("zlib")}
missing, extra = sorted(needed - listed), sorted(listed - needed)
if missing: print("Dockerfile runtime stage misses:", " ".join(missing), file=sys.stderr)
if extra: print("Dockerfile runtime stage installs unused:", " ".join(extra), file=sys.stderr)
if missing or extra: sys.exit(1)
print(f"runtime packages match ldd: {len(needed)} packages")
' "$DOCKERFILE"
