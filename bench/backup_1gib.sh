#!/usr/bin/env bash
# Backup duration of a 1 GiB embedded database: `howlerops-server backup` (SQLite's online
# backup API) against `cp` of the same file (a cold copy, the floor) in the same run, and
# the ratio printed. The database is the server's own schema (`migrate`) with sync_items
# rows of 1 KiB data until the file reaches SIZE_MIB. Local files only; bounded by size.
#
# usage: bench/backup_1gib.sh [path/to/howlerops-server] [size_mib]
set -euo pipefail
BIN=$(realpath "${1:-build/release/src/app/howlerops-server}")
SIZE_MIB=${2:-1024}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
DB="$WORK/big.db"

ENVIRONMENT=test TURSO_URL="file:$DB" DATA_DIR="$WORK" LOG_LEVEL=warn "$BIN" migrate >/dev/null
python3 - "$DB" "$SIZE_MIB" <<'PY'
import sqlite3, sys, os
db, size = sys.argv[1], int(sys.argv[2]) * 1024 * 1024
c = sqlite3.connect(db)
c.execute("INSERT INTO users (id, username, username_key, email, password_hash, tier, "
          "created_at, updated_at) VALUES ('u', 'u', 'u', 'u@example.com', 'x', 'free', 0, 0)")
data = '{"query":"' + "x" * 1000 + '"}'
n = 0
while os.path.getsize(db) < size:
    c.executemany("INSERT INTO sync_items (user_id, item_type, item_id, data, sync_version, "
                  "device_id, seq, created_at, updated_at) VALUES ('u', 'query_history', ?, ?, "
                  "1, 'd', ?, 0, 0)", [(f"h{n + i}", data, n + i + 1) for i in range(50000)])
    c.commit()
    n += 50000
print(f"rows: {n}")
PY
echo "database: $(du -m "$DB" | cut -f1) MiB"
sync

now() { python3 -c 'import time; print(time.monotonic())'; }
start=$(now)
cp "$DB" "$WORK/cp.db"
sync
cp_end=$(now)
ENVIRONMENT=test TURSO_URL="file:$DB" DATA_DIR="$WORK" LOG_LEVEL=warn \
  "$BIN" backup --to "$WORK/backup.db" >/dev/null
sync
backup_end=$(now)
python3 -c "
cp, backup = $cp_end - $start, $backup_end - $cp_end
print(f'cp:        {cp:.2f} s')
print(f'backup:    {backup:.2f} s')
print(f'backup/cp: {backup / cp:.2f}')"
