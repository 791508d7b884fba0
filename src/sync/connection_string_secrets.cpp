#include "sync/connection_string_secrets.h"

#include <algorithm>
#include <array>
#include <string_view>

#include "sync/data_sanitizer.h"

namespace howler::sync {
namespace {

constexpr std::size_t kNpos = std::string_view::npos;

// Replace s[begin, end) with `replacement`; `what` is the report.
struct Edit {
  std::size_t begin;
  std::size_t end;
  std::string_view replacement;
  std::string what;
};
using Edits = std::vector<Edit>;

// A key=value pair: the key and the value's span (with its quotes or braces).
struct Pair {
  std::string_view key;
  std::size_t begin;
  std::size_t end;
  bool quoted;
};
using Pairs = std::vector<Pair>;

// Keys that name the server, database or user in ';'-separated strings (normalized).
constexpr auto kTargetKeys = std::to_array<std::string_view>(
    {"server", "datasource", "host", "hostname", "address", "addr", "networkaddress", "database",
     "dbname", "initialcatalog", "driver", "dsn", "uid", "userid", "user", "username", "provider",
     "accountname", "endpoint"});

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
bool IsAlpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}
bool IsAlnum(char c) {
  return IsAlpha(c) || IsDigit(c);
}
bool IsSchemeChar(char c) {
  return IsAlnum(c) || c == '+' || c == '-' || c == '.';
}
bool IsHostChar(char c) {
  return IsAlnum(c) || c == '.' || c == '-' || c == '_';
}
bool IsNameChar(char c) {
  return IsAlnum(c) || c == '_' || c == '-' || c == '.' || c == ' ';
}
bool HasSpace(std::string_view s) {
  return std::any_of(s.begin(), s.end(), IsSpace);
}
char Lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

std::size_t SkipSpaces(std::string_view s, std::size_t i) {
  while (i < s.size() && IsSpace(s[i])) ++i;
  return i;
}

// Offset of the first `c` at or after `from`, or s.size().
std::size_t FindOrEnd(std::string_view s, char c, std::size_t from) {
  return std::min(s.find(c, from), s.size());
}

// "<kind> <name>", with the name only when it is short plain ASCII.
std::string Describe(std::string_view kind, std::string_view name) {
  bool plain =
      !name.empty() && name.size() <= 64 && std::all_of(name.begin(), name.end(), IsNameChar);
  std::string out(kind);
  if (plain) out.append(" ").append(name);
  return out;
}

void AddEdit(Edits& edits, std::size_t begin, std::size_t end, std::string_view replacement,
             std::string what) {
  if (begin < end) edits.push_back({begin, end, replacement, std::move(what)});
}

// Sorts edits that come as a few runs, each in string order (one per shape or reading): a
// merge per run, so linear for the bounded number of runs.
void SortRuns(Edits& edits) {
  auto by_begin = [](const Edit& a, const Edit& b) { return a.begin < b.begin; };
  for (std::size_t i = 1; i < edits.size(); ++i) {
    if (edits[i].begin >= edits[i - 1].begin) continue;
    std::size_t run_end = i + 1;
    while (run_end < edits.size() && edits[run_end].begin >= edits[run_end - 1].begin) {
      ++run_end;
    }
    auto at = [&](std::size_t k) { return edits.begin() + static_cast<std::ptrdiff_t>(k); };
    std::inplace_merge(edits.begin(), at(i), at(run_end), by_begin);
    i = run_end - 1;
  }
}

// Applies `edits` and returns their reports in string order, a report repeated within one
// merge once. Overlapping edits merge, with the replacement of the one reaching furthest
// (the first of those).
std::vector<std::string> Apply(std::string& s, Edits& edits) {
  SortRuns(edits);
  std::vector<std::string> whats;
  std::string out;
  std::size_t pos = 0;
  for (std::size_t i = 0; i < edits.size();) {
    out.append(std::string_view(s).substr(pos, edits[i].begin - pos));
    std::size_t end = edits[i].end;
    std::string_view replacement = edits[i].replacement;
    std::size_t first_what = whats.size();
    for (; i < edits.size() && edits[i].begin < end; ++i) {
      if (edits[i].end > end) replacement = edits[i].replacement;
      end = std::max(end, edits[i].end);
      if (whats.size() == first_what || whats.back() != edits[i].what) {
        whats.push_back(std::move(edits[i].what));
      }
    }
    out.append(replacement);
    pos = end;
  }
  out.append(std::string_view(s).substr(pos));
  s = std::move(out);
  return whats;
}

// The end of a value opening at s[i] that closes with `close` (doubled inside): just past
// the closing character, or s.size() when it is left open.
std::size_t ClosedEnd(std::string_view s, std::size_t i, char close) {
  for (std::size_t j = i + 1; j < s.size(); ++j) {
    if (s[j] != close) continue;
    if (j + 1 < s.size() && s[j + 1] == close) {
      ++j;
      continue;
    }
    return j + 1;
  }
  return s.size();
}

// Whether the value holds nothing but its quotes or braces.
bool IsEmptyValue(std::string_view s, const Pair& p) {
  std::size_t n = p.end - p.begin;
  if (n == 0) return true;
  if (!p.quoted) return false;
  char close = s[p.begin] == '{' ? '}' : s[p.begin];
  return n == 1 || (n == 2 && s[p.begin + 1] == close);
}

// ---- URLs ----

// `sep`-separated name=value parameters from s[i] on: secret-like names get an empty value.
// With `braces`, a value opening with '{' runs past its closing '}'.
void ScanParams(std::string_view s, std::size_t i, char sep, bool braces, Edits& edits) {
  while (i < s.size()) {
    std::size_t eq = i;
    while (eq < s.size() && s[eq] != '=' && s[eq] != sep) ++eq;
    if (eq == s.size()) return;
    if (s[eq] == sep) {
      i = eq + 1;
      continue;
    }
    std::size_t begin = eq + 1;
    std::size_t end = braces && begin < s.size() && s[begin] == '{' ? ClosedEnd(s, begin, '}')
                                                                    : FindOrEnd(s, sep, begin);
    std::string_view name = s.substr(i, eq - i);
    if (IsSecretKey(name)) AddEdit(edits, begin, end, "", Describe("URL parameter", name));
    i = end;
  }
}

// '&'-separated parameters after the first '?' at or after `from`.
void ScanQuery(std::string_view s, std::size_t from, Edits& edits) {
  std::size_t question = s.find('?', from);
  if (question != kNpos) ScanParams(s, question + 1, '&', false, edits);
}

// The offset just past "scheme://", or 0 when `s` does not open with one.
std::size_t AuthorityStart(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size() && (IsSchemeChar(s[i]) || s[i] == ':')) ++i;
  if (i < 2 || s[i - 1] != ':' || s.substr(i, 2) != "//") return 0;
  return i + 2;
}

// Adds the edit for user:password@ in the authority; returns where the user part ends.
std::size_t UserinfoEdit(std::string_view s, std::size_t authority, Edits& edits) {
  std::size_t end = std::min(s.find_first_of("/?#", authority), s.size());
  std::size_t at = end > authority ? s.rfind('@', end - 1) : kNpos;
  if (at == kNpos || at < authority) return authority;
  std::size_t colon = s.substr(0, at).find(':', authority);
  if (colon != kNpos) AddEdit(edits, colon, at, "", "URL password");
  return at + 1;
}

bool UrlEdits(std::string_view s, Edits& edits) {
  std::size_t authority = AuthorityStart(s);
  if (authority == 0) return false;
  std::size_t from = UserinfoEdit(s, authority, edits);
  std::size_t semicolon = s.find(';', from);
  if (semicolon != kNpos) ScanParams(s, semicolon + 1, ';', true, edits);
  ScanQuery(s, from, edits);
  return true;
}

// ---- Oracle and whitespace-free shapes ----

// The offset just past "jdbc:oracle:<driver>:" (any case), or 0.
std::size_t OracleJdbcStart(std::string_view s) {
  constexpr std::string_view kPrefix = "jdbc:oracle:";
  if (s.size() < kPrefix.size()) return 0;
  for (std::size_t i = 0; i < kPrefix.size(); ++i) {
    if (Lower(s[i]) != kPrefix[i]) return 0;
  }
  std::size_t i = kPrefix.size();
  while (i < s.size() && IsAlnum(s[i])) ++i;
  return i > kPrefix.size() && i < s.size() && s[i] == ':' ? i + 1 : 0;
}

// The '@' of user/password@ at or after `from`: the last one before any '(', or npos.
std::size_t OracleAt(std::string_view s, std::size_t from) {
  std::size_t limit = FindOrEnd(s, '(', from);
  std::size_t at = s.substr(from, limit - from).rfind('@');
  return at == kNpos ? kNpos : from + at;
}

// Adds the edit for "/password" in s[from, at).
void OracleEdit(std::string_view s, std::size_t from, std::size_t at, Edits& edits) {
  std::size_t slash = s.substr(from, at - from).find('/');
  if (slash != kNpos && from + slash + 1 < at) {
    AddEdit(edits, from + slash, at, "", "Oracle password");
  }
}

bool OracleJdbcEdits(std::string_view s, Edits& edits) {
  std::size_t from = OracleJdbcStart(s);
  if (from == 0) return false;
  std::size_t at = OracleAt(s, from);
  if (at != kNpos) OracleEdit(s, from, at, edits);
  ScanQuery(s, at == kNpos ? from : at, edits);
  return true;
}

// Whether what follows a bare Oracle '@' is `//`, `(` or host:port.
bool IsOracleTarget(std::string_view t) {
  if (t.starts_with("//") || t.starts_with("(")) return true;
  std::size_t i = 0;
  while (i < t.size() && IsHostChar(t[i])) ++i;
  return i > 0 && i + 1 < t.size() && t[i] == ':' && IsDigit(t[i + 1]);
}

bool BareOracleEdits(std::string_view s, Edits& edits) {
  std::size_t slash = s.find('/');
  if (slash == 0 || slash == kNpos) return false;
  auto user_char = [](char c) {
    return IsAlnum(c) || c == '_' || c == '$' || c == '#' || c == '.';
  };
  if (!std::all_of(s.begin(), s.begin() + slash, user_char)) return false;
  std::size_t at = OracleAt(s, slash);
  if (at == kNpos || !IsOracleTarget(s.substr(at + 1))) return false;
  OracleEdit(s, 0, at, edits);
  ScanQuery(s, at, edits);
  return true;
}

// Whether what follows a DSN '@' is proto( or host[:port]/.
bool IsDsnTarget(std::string_view t) {
  std::size_t i = 0;
  while (i < t.size() && IsHostChar(t[i])) ++i;
  if (i == 0 || i == t.size()) return false;
  if (t[i] == '(') return true;
  if (t[i] == ':') {
    std::size_t digits = ++i;
    while (i < t.size() && IsDigit(t[i])) ++i;
    if (i == digits || i == t.size()) return false;
  }
  return t[i] == '/';
}

bool DsnEdits(std::string_view s, Edits& edits) {
  std::size_t colon = s.find(':');
  if (colon == 0 || colon == kNpos) return false;
  auto user_char = [](char c) { return IsHostChar(c) || c == '+'; };
  if (!std::all_of(s.begin(), s.begin() + colon, user_char)) return false;
  std::size_t slash = s.rfind('/');
  std::size_t limit = slash != kNpos && slash > colon ? slash : FindOrEnd(s, '?', colon);
  std::size_t at = s.substr(0, limit).rfind('@');
  if (at == kNpos || at < colon || !IsDsnTarget(s.substr(at + 1))) return false;
  AddEdit(edits, colon, at, "", "DSN password");
  ScanQuery(s, at, edits);
  return true;
}

// Whether `s` opens with "scheme:" (letters first).
bool HasScheme(std::string_view s) {
  if (s.empty() || !IsAlpha(s[0])) return false;
  std::size_t i = 1;
  while (i < s.size() && IsSchemeChar(s[i])) ++i;
  return i < s.size() && s[i] == ':';
}

// The whitespace-free shapes: bare Oracle, DSN, scheme:rest?params. Whether `s` is one.
bool CompactEdits(std::string_view s, Edits& edits) {
  if (HasSpace(s)) return false;
  if (BareOracleEdits(s, edits) || DsnEdits(s, edits)) return true;
  if (!HasScheme(s)) return false;
  ScanQuery(s, 0, edits);
  return true;
}

// ---- key=value pairs ----

// The end of a libpq value starting at s[i].
std::size_t LibpqValueEnd(std::string_view s, std::size_t i) {
  if (i < s.size() && s[i] == '\'') {
    for (std::size_t j = i + 1; j < s.size(); ++j) {
      if (s[j] == '\\') {
        ++j;
      } else if (s[j] == '\'') {
        return j + 1;
      }
    }
    return s.size();
  }
  while (i < s.size() && !IsSpace(s[i])) i += s[i] == '\\' ? 2 : 1;
  return std::min(i, s.size());
}

// Whether the whole of `s` is libpq pairs; fills `pairs`.
bool ParseLibpq(std::string_view s, Pairs& pairs) {
  std::size_t i = SkipSpaces(s, 0);
  while (i < s.size()) {
    std::size_t key = i;
    if (!IsAlpha(s[i]) && s[i] != '_') return false;
    while (i < s.size() && (IsAlnum(s[i]) || s[i] == '_')) ++i;
    std::size_t key_end = i;
    i = SkipSpaces(s, i);
    if (i == s.size() || s[i] != '=') return false;
    i = SkipSpaces(s, i + 1);
    std::size_t end = LibpqValueEnd(s, i);
    pairs.push_back({s.substr(key, key_end - key), i, end, i < end && s[i] == '\''});
    if (end < s.size() && !IsSpace(s[end])) return false;
    i = SkipSpaces(s, end);
  }
  return !pairs.empty();
}

// The end of a ';'-separated value starting at s[i].
std::size_t SemicolonValueEnd(std::string_view s, std::size_t i) {
  if (i < s.size() && (s[i] == '{' || s[i] == '"' || s[i] == '\'')) {
    return ClosedEnd(s, i, s[i] == '{' ? '}' : s[i]);
  }
  return FindOrEnd(s, ';', i);
}

bool IsSemicolonKey(std::string_view key) {
  return !key.empty() && (IsAlpha(key[0]) || key[0] == '_') &&
         std::all_of(key.begin(), key.end(), IsNameChar);
}

// Parses one key=value at s[i] (past separators); the offset after it, or npos.
std::size_t ParseSemicolonPair(std::string_view s, std::size_t i, Pairs& pairs) {
  std::size_t eq = i;
  while (eq < s.size() && s[eq] != '=' && s[eq] != ';') ++eq;
  if (eq == s.size() || s[eq] == ';') return kNpos;
  std::string_view key = s.substr(i, eq - i);
  while (!key.empty() && IsSpace(key.back())) key.remove_suffix(1);
  if (!IsSemicolonKey(key)) return kNpos;
  std::size_t begin = eq + 1;
  while (begin < s.size() && (s[begin] == ' ' || s[begin] == '\t')) ++begin;
  std::size_t end = SemicolonValueEnd(s, begin);
  bool quoted = begin < end && (s[begin] == '{' || s[begin] == '"' || s[begin] == '\'');
  pairs.push_back({key, begin, end, quoted});
  std::size_t next = SkipSpaces(s, end);
  return next == s.size() || s[next] == ';' ? next : kNpos;
}

// Whether the whole of `s` is ';'-separated pairs; fills `pairs`.
bool ParseSemicolonPairs(std::string_view s, Pairs& pairs) {
  std::size_t i = 0;
  while (true) {
    while (i < s.size() && (IsSpace(s[i]) || s[i] == ';')) ++i;
    if (i == s.size()) return !pairs.empty();
    i = ParseSemicolonPair(s, i, pairs);
    if (i == kNpos) return false;
  }
}

bool NamesTarget(std::string_view key) {
  std::string k;
  for (char c : key) {
    if (c != ' ' && c != '_') k.push_back(Lower(c));
  }
  return std::find(kTargetKeys.begin(), kTargetKeys.end(), k) != kTargetKeys.end();
}

// Keys with spaces need a key naming the target (so that SQL text is not read as pairs).
bool IsPlausible(const Pairs& pairs) {
  auto spaced = [](const Pair& p) { return p.key.find(' ') != kNpos; };
  if (std::none_of(pairs.begin(), pairs.end(), spaced)) return true;
  return std::any_of(pairs.begin(), pairs.end(), [](const Pair& p) { return NamesTarget(p.key); });
}

// Whether some plain libpq value holds '=' or ends in ';'.
bool LooksSemicolonSeparated(std::string_view s, const Pairs& libpq) {
  for (const Pair& p : libpq) {
    if (p.quoted || p.begin == p.end) continue;
    std::string_view v = s.substr(p.begin, p.end - p.begin);
    if (v.find('=') != kNpos || v.back() == ';') return true;
  }
  return false;
}

// Whether `v` holds whitespace, a name, and '=' (libpq pairs).
bool HoldsLibpqPair(std::string_view v) {
  std::size_t i = 0;
  while (i < v.size()) {
    if (!IsSpace(v[i++])) continue;
    i = SkipSpaces(v, i);
    std::size_t name = i;
    while (i < v.size() && (IsAlnum(v[i]) || v[i] == '_')) ++i;
    std::size_t eq = SkipSpaces(v, i);
    if (i > name && !IsDigit(v[name]) && eq < v.size() && v[eq] == '=') return true;
  }
  return false;
}

// Whether some plain ';'-separated value holds libpq pairs.
bool LooksSpaceSeparated(std::string_view s, const Pairs& semicolon) {
  return std::any_of(semicolon.begin(), semicolon.end(), [&](const Pair& p) {
    return !p.quoted && HoldsLibpqPair(s.substr(p.begin, p.end - p.begin));
  });
}

// Empties the secret values of `pairs`; `libpq`: to `''` unless last.
void SecretEdits(std::string_view s, const Pairs& pairs, bool libpq, Edits& edits) {
  for (const Pair& p : pairs) {
    if (!IsSecretKey(p.key) || IsEmptyValue(s, p)) continue;
    bool last = SkipSpaces(s, p.end) == s.size();
    std::string_view replacement = libpq && !last ? "''" : "";
    AddEdit(edits, p.begin, p.end, replacement, Describe("connection string", p.key));
  }
}

// The ';' reading alone when it fits better (LooksSemicolonSeparated and not
// LooksSpaceSeparated); else the libpq reading, with the ';' one's secrets too.
void KeyValueEdits(std::string_view s, Edits& edits) {
  Pairs libpq;
  Pairs semicolon;
  bool libpq_ok = ParseLibpq(s, libpq);
  bool semicolon_ok =
      s.find(';') != kNpos && ParseSemicolonPairs(s, semicolon) && IsPlausible(semicolon);
  if (semicolon_ok &&
      (!libpq_ok || (LooksSemicolonSeparated(s, libpq) && !LooksSpaceSeparated(s, semicolon)))) {
    SecretEdits(s, semicolon, false, edits);
    return;
  }
  if (!libpq_ok) return;
  SecretEdits(s, libpq, true, edits);
  if (semicolon_ok) SecretEdits(s, semicolon, false, edits);
}

}  // namespace

std::vector<std::string> StripConnectionStringSecrets(std::string& s) {
  Edits edits;
  if (!OracleJdbcEdits(s, edits) && !UrlEdits(s, edits) && !CompactEdits(s, edits)) {
    KeyValueEdits(s, edits);
  }
  if (edits.empty()) return {};
  return Apply(s, edits);
}

bool StripUrlPassword(std::string& s) {
  std::size_t authority = AuthorityStart(s);
  if (authority == 0) return false;
  Edits edits;
  UserinfoEdit(s, authority, edits);
  if (edits.empty()) return false;
  Apply(s, edits);
  return true;
}

}  // namespace howler::sync
