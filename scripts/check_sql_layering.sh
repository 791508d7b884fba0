#!/usr/bin/env bash
# check_sql_layering.sh: storage owns SQL (docs/DESIGN.md section 4). Lists every line of
# SQL in the non-test sources of src/auth, src/sync and src/orgs (*.h, *.cpp but *_test.cpp) as
# file:line: text, and exits 1 when there is one; exits 0 otherwise.
#
#   scripts/check_sql_layering.sh [ROOT]     check ROOT/src/{auth,sync} (default: this repo)
#   scripts/check_sql_layering.sh --self-test
#                                            check that planted offenders are caught and
#                                            that the allowed forms below are not
#
# The rules (what counts as SQL):
#   1. Comments (// and /* */) are removed first. Comments may quote SQL: the sync SQL
#      lexer and history sanitizer explain in comments what they read. Code may not.
#   2. In what is left (code and string literals), an SQL keyword in capitals as a whole
#      word is SQL: SELECT INSERT UPDATE DELETE CREATE DROP ALTER WHERE FROM JOIN BEGIN
#      COMMIT ROLLBACK SAVEPOINT PRAGMA RETURNING VALUES. (Identifiers such as
#      HOWLER_RETURN_IF_ERROR or kUpdate are other words.)
#   3. Inside string literals, SQL in any case is caught by a statement's shape: select ...
#      from, insert into, update <name> set, delete from, create table|index|view|trigger,
#      drop table|index, alter table, pragma <name>, begin immediate|exclusive|deferred|
#      transaction, on conflict, returning <name>. A lone word ("update", "delete": sync's
#      action names; "select" in a message) is not SQL.
# Needs bash and perl.
set -euo pipefail

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

# Prints "file:line: text" for each offending line of the files given (paths as given).
scan() {
  perl -e '
    use strict; use warnings;
    my $upper = qr/\b(?:SELECT|INSERT|UPDATE|DELETE|CREATE|DROP|ALTER|WHERE|FROM|JOIN|BEGIN|COMMIT|ROLLBACK|SAVEPOINT|PRAGMA|RETURNING|VALUES)\b/;
    my $shape = qr/\bselect\b.*\bfrom\b|\binsert\s+into\b|\bupdate\s+\w+\s+set\b|\bdelete\s+from\b|\bcreate\s+(?:unique\s+)?(?:table|index|view|trigger)\b|\bdrop\s+(?:table|index)\b|\balter\s+table\b|\bpragma\s+\w+|\bbegin\s+(?:immediate|exclusive|deferred|transaction)\b|\bon\s+conflict\b|\breturning\s+[\w*]/i;
    for my $file (@ARGV) {
      open(my $fh, "<", $file) or die "$file: $!\n";
      local $/; my $text = <$fh>; close $fh;
      my ($code, $lits) = split_source($text);
      my @code = split /\n/, $code, -1;
      my @lits = split /\n/, $lits, -1;
      my @orig = split /\n/, $text, -1;
      for my $i (0 .. $#code) {
        next unless $code[$i] =~ $upper || ($lits[$i] // "") =~ $shape;
        (my $shown = $orig[$i]) =~ s/^\s+//;
        printf "%s:%d: %s\n", $file, $i + 1, $shown;
      }
    }
    # At a raw string literal starting at $i (R"d( with an optional u8/u/U/L prefix): the
    # length of its opening and its closing )d"; else the empty list.
    sub raw_at {
      my $i = $_[1];
      pos($_[0]) = $i;  # $_[0] is the text itself, not a copy
      return () unless $_[0] =~ /\G(?:u8|[uUL])?R"([^(\s"\\]{0,16})\(/gc;
      return (pos($_[0]) - $i, ")" . $1 . "\"");
    }
    # ($code, $lits): $text with comments blanked, and with all but the insides of string
    # literals blanked; both keep every newline, so line numbers stay.
    sub split_source {
      my ($t) = @_;
      my ($code, $lits) = ("", "");
      my $n = length $t; my $i = 0;
      my $blank = sub { my $s = shift; $s =~ s/[^\n]/ /g; return $s; };
      while ($i < $n) {
        my $c = substr($t, $i, 1); my $two = substr($t, $i, 2);
        if ($two eq "//") {
          my $end = index($t, "\n", $i); $end = $n if $end < 0;
          my $s = substr($t, $i, $end - $i); $code .= $blank->($s); $lits .= $blank->($s);
          $i = $end;
        } elsif ($two eq "/*") {
          my $end = index($t, "*/", $i + 2); $end = $end < 0 ? $n : $end + 2;
          my $s = substr($t, $i, $end - $i); $code .= $blank->($s); $lits .= $blank->($s);
          $i = $end;
        } elsif ($c =~ /[uULR]/ && raw_at($t, $i)) {
          my ($open, $close) = raw_at($t, $i);
          my $end = index($t, $close, $i + $open); $end = $n if $end < 0;
          my $inside = substr($t, $i + $open, $end - $i - $open);
          my $all = substr($t, $i, $end + length($close) - $i);
          $code .= $all; $lits .= $blank->(substr($all, 0, $open)) . $inside . $blank->($close);
          $i = $end + length($close);
        } elsif ($c eq "\"" || $c eq "\x27") {
          my $j = $i + 1;
          while ($j < $n && substr($t, $j, 1) ne $c && substr($t, $j, 1) ne "\n") {
            $j += substr($t, $j, 1) eq "\\" ? 2 : 1;
          }
          my $all = substr($t, $i, $j + 1 - $i);
          $code .= $all;
          $lits .= " " . ($c eq "\"" ? substr($t, $i + 1, $j - $i - 1) : $blank->(substr($t, $i + 1, $j - $i - 1))) . " ";
          $i = $j + 1;
        } else {
          $code .= $c; $lits .= $c eq "\n" ? "\n" : " "; $i++;
        }
      }
      return ($code, $lits);
    }
  ' "$@"
}

# Non-test sources of src/auth and src/sync (and src/orgs where present) under $1, relative
# to it.
sources() {
  local dirs=(src/auth src/sync)
  [[ -d "$1/src/orgs" ]] && dirs+=(src/orgs)
  (cd "$1" && find "${dirs[@]}" -type f \( -name '*.h' -o -name '*.cpp' \) \
     ! -name '*_test.cpp' | LC_ALL=C sort)
}

check() {
  local root="$1"
  local files
  mapfile -t files < <(sources "$root")
  if [[ ${#files[@]} -eq 0 ]]; then
    echo "check_sql_layering: no sources under $root/src/auth or $root/src/sync" >&2
    return 2
  fi
  local found
  found="$(cd "$root" && scan "${files[@]}")"
  if [[ -n "$found" ]]; then
    echo "$found"
    echo "check_sql_layering: $(wc -l <<<"$found") line(s) of SQL outside src/storage;" \
      "move them into a store (docs/DESIGN.md section 4)" >&2
    return 1
  fi
  echo "check_sql_layering: ok (${#files[@]} files in src/auth and src/sync, no SQL)"
}

# Plants offenders and allowed forms in a scratch tree; each must be judged as expected.
self_test() {
  local tmp
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' RETURN
  mkdir -p "$tmp/src/auth" "$tmp/src/sync"
  cat >"$tmp/src/sync/allowed.cpp" <<'CPP'
// The lexer reads `SELECT 'x' FROM t WHERE a = 1` as a literal between keywords.
/* INSERT INTO t VALUES (1): a comment may quote SQL. */
const char* kActions[] = {"create", "update", "delete"};
const char* kMessage = "action must be create, update or delete";
int kUpdate = HOWLER_RETURN_IF_ERROR_COUNT;  // an identifier, not a keyword
char quote = '"';
const char* kUrl = "https://example.com/select";
CPP
  cat >"$tmp/src/auth/offender_test.cpp" <<'CPP'
const char* kTestsMayUseSql = "SELECT 1 FROM users";
CPP
  if ! check "$tmp" >/dev/null; then
    echo "self-test: allowed forms were reported:" >&2
    check "$tmp" >&2 || true
    return 1
  fi
  local planted=(
    '  std::string sql = "UPDATE users SET email_verified = 1 WHERE id = ?";'
    '  db.Query({"select id from users where email = ?", {email}});'
    '  auto s = R"(insert into auth_events (id) values (?))";'
    '  std::string tail = " WHERE " + clause;'
    '  Statement s{"delete from sessions", {}};'
  )
  local line out
  for line in "${planted[@]}"; do
    printf '%s\n' '// planted' "$line" >"$tmp/src/auth/planted.cpp"
    if out="$(check "$tmp" 2>/dev/null)"; then
      echo "self-test: not caught: $line" >&2
      return 1
    fi
    if [[ "$out" != "src/auth/planted.cpp:2: "* ]]; then
      echo "self-test: wrong report for: $line"$'\n'"$out" >&2
      return 1
    fi
  done
  echo "check_sql_layering: self-test ok (${#planted[@]} planted offenders caught, allowed forms pass)"
}

case "${1:-}" in
  --self-test) self_test ;;
  -h | --help) sed -n '2,25p' "${BASH_SOURCE[0]}" ;;
  *) check "${1:-$script_dir/..}" ;;
esac
