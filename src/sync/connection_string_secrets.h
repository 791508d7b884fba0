// StripConnectionStringSecrets: the secrets inside one string value that is, as a whole, a
// connection string. SanitizeItemData (data_sanitizer.h) applies it to string values.
//
// A shape is recognised only when it is the whole string: text that merely contains one
// (SQL, a sentence) is kept byte for byte. Names are secret-like by IsSecretKey. The
// shapes are tried in the order below and the first that fits is used.
// - URL `scheme://user:password@host...`, the scheme possibly compound (`jdbc:mysql://`):
//   `:password` is removed ("URL password"). The user part ends at the last '@' before the
//   first '/', '?' or '#' after `//`.
// - URL parameters, after the first '?' separated by '&', and after the first ';'
//   separated by ';' with `{...}` values (JDBC SQL Server); in a `scheme://` URL and in a
//   whitespace-free `scheme:rest?params` (`md:db?motherduck_token=X`). A secret-like name
//   keeps an empty value ("URL parameter <name>").
// - Oracle `jdbc:oracle:<driver>:user/password@...`, and whitespace-free
//   `user/password@...` when '@' is followed by `//`, `(` or `host:port`: `/password` is
//   removed ("Oracle password"). '@' is the last one before any '('.
// - Whitespace-free `user:password@proto(address)...` (Go MySQL) and
//   `user:password@host[:port]/...` (Go Snowflake): `:password` is removed ("DSN
//   password"). '@' is the last one before the last '/' (else before the first '?').
// - key=value pairs (a secret-like key's value is emptied: "connection string <key>"):
//   - libpq: separated by whitespace, `key = value` allowed, values plain (backslash
//     escapes) or '...' (backslash escapes). The emptied value is `''` unless it is last.
//   - ';'-separated (ADO.NET, ODBC, Azure): values plain, '...', "..." or {...}, the
//     closing character doubled inside. When a key contains a space, some key must name
//     the server, database or user (Server, Data Source, Database, User Id, ...).
//   The ';' reading alone is used when it fits and either the libpq one does not, or
//   some plain libpq value holds '=' or ends in ';' while no plain ';' value holds
//   whitespace, a name and '=' (so `Password=X;Server=h` is ';'-separated, and
//   `host=h password=a;b=c` is libpq). Otherwise the libpq reading is used, and the
//   secret values of a ';' reading that also fits are emptied too.
// A quote or brace left open runs to the end of the string. <name>/<key> is reported only
// when it is at most 64 characters of ASCII letters, digits, '_', '-', '.' and spaces.
//
// Returns what was removed, in string order (a secret that two readings find, once);
// empty when nothing was, and then `s` is unchanged. Linear in s.size(); never throws for
// any byte sequence (except std::bad_alloc). Pure; thread-safe.
#pragma once

#include <string>
#include <vector>

namespace howler::sync {

std::vector<std::string> StripConnectionStringSecrets(std::string& s);

// Only the "URL password" rule above (query text keeps everything else); whether `s`
// changed.
bool StripUrlPassword(std::string& s);

}  // namespace howler::sync
