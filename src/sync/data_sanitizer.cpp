#include "sync/data_sanitizer.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "sync/connection_string_secrets.h"
#include "sync/history_sanitizer.h"

namespace howler::sync {
namespace {

// The normalized key ends with one of these, or is one.
constexpr auto kSecretSuffixes = std::to_array<std::string_view>(
    {"password", "passwd", "pwd", "secret", "token", "apikey", "privatekey", "passphrase",
     "secretkey", "secretaccesskey", "masterkey", "accountkey", "sharedaccesskey",
     "sharedaccesssignature"});
// The normalized key is one of these.
constexpr auto kSecretNames =
    std::to_array<std::string_view>({"sshkey", "credential", "credentials", "authorization", "pass",
                                     "sig", "xamzsignature", "xgoogsignature"});
// A last word saying how a secret is written (private_key_pem).
constexpr auto kFormWords = std::to_array<std::string_view>(
    {"pem", "der", "json", "b64", "base64", "data", "value", "content", "contents"});
constexpr auto kServerFields =
    std::to_array<std::string_view>({"id", "user_id", "sync_version", "updated_at", "device_id"});

using Reports = std::vector<std::string>;

std::string Normalize(std::string_view key) {
  std::string out;
  out.reserve(key.size());
  for (char c : key) {
    if (c == '_' || c == '-' || c == '.' || c == ' ') continue;
    out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return out;
}

// `k` normalized: one of the names, or ending with a suffix.
bool IsSecretName(std::string_view k) {
  for (std::string_view name : kSecretNames) {
    if (k == name) return true;
  }
  for (std::string_view suffix : kSecretSuffixes) {
    if (k.ends_with(suffix)) return true;
  }
  return false;
}

bool IsLower(char c) {
  return c >= 'a' && c <= 'z';
}
bool IsUpper(char c) {
  return c >= 'A' && c <= 'Z';
}

// Whether the last word (letters and digits after the last separator or lower-to-upper
// case change) is "pass", in any case.
bool LastWordIsPass(std::string_view key) {
  std::size_t start = key.size();
  while (start > 0 && std::isalnum(static_cast<unsigned char>(key[start - 1]))) {
    --start;
    if (start > 0 && IsUpper(key[start]) && IsLower(key[start - 1])) break;
  }
  return Normalize(key.substr(start)) == "pass";
}

// Strips the secrets inside a string that is JSON text; whether it is JSON text.
bool SanitizeJsonText(std::string& text, const std::string& path, Reports& stripped);

// The string at `path`; `nested` inside JSON text held in a string.
void SanitizeString(std::string& text, const std::string& path, bool nested, Reports& stripped) {
  if (!nested && path == "query") {
    if (StripUrlPassword(text)) stripped.push_back(path + " (URL password)");
    return;
  }
  if (!nested && SanitizeJsonText(text, path, stripped)) return;
  for (std::string& what : StripConnectionStringSecrets(text)) {
    stripped.push_back(path + " (" + std::move(what) + ")");
  }
}

void Walk(JsonValue& value, const std::string& path, bool nested, Reports& stripped);

// Removes the secret members in one pass (the others keep their order) and walks the rest.
void WalkMembers(std::vector<JsonValue::Member>& members, const std::string& path, bool nested,
                 Reports& stripped) {
  std::size_t kept = 0;
  for (JsonValue::Member& member : members) {
    std::string member_path = path.empty() ? member.key : path + "." + member.key;
    if (IsSecretKey(member.key)) {
      stripped.push_back(std::move(member_path));
      continue;
    }
    Walk(member.value, member_path, nested, stripped);
    if (&members[kept] != &member) members[kept] = std::move(member);
    ++kept;
  }
  members.erase(members.begin() + static_cast<std::ptrdiff_t>(kept), members.end());
}

// Removes secret members, sorting members unless `nested`; strings by SanitizeString.
void Walk(JsonValue& value, const std::string& path, bool nested, Reports& stripped) {
  if (value.kind() == JsonValue::Kind::kString) {
    SanitizeString(value.mutable_text(), path, nested, stripped);
    return;
  }
  if (value.kind() == JsonValue::Kind::kArray) {
    for (std::size_t i = 0; i < value.items().size(); ++i) {
      Walk(value.items()[i], path + "[" + std::to_string(i) + "]", nested, stripped);
    }
    return;
  }
  if (!value.is_object()) return;
  if (!nested) {
    std::stable_sort(value.members().begin(), value.members().end(),
                     [](const auto& a, const auto& b) { return a.key < b.key; });
  }
  WalkMembers(value.members(), path, nested, stripped);
}

bool SanitizeJsonText(std::string& text, const std::string& path, Reports& stripped) {
  std::size_t first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos || (text[first] != '{' && text[first] != '[')) return false;
  Result<JsonValue> json = ParseJson(text);
  if (!json.ok()) return false;
  Reports inner;
  Walk(*json, "", true, inner);
  if (inner.empty()) return true;
  text = SerializeJson(*json);
  for (std::string& what : inner) stripped.push_back(path + " (JSON " + std::move(what) + ")");
  return true;
}

}  // namespace

bool IsSecretKey(std::string_view key) {
  std::string k = Normalize(key);
  if (IsSecretName(k) || LastWordIsPass(key)) return true;
  for (std::string_view form : kFormWords) {
    if (k.size() > form.size() && k.ends_with(form) &&
        IsSecretName(std::string_view(k).substr(0, k.size() - form.size()))) {
      return true;
    }
  }
  return false;
}

namespace {

// The dialect of a history item's query: the first of its "connection_type" and
// "database_type" string members that names a known dialect, else kUnknown.
SqlDialect HistoryDialect(const JsonValue& data) {
  for (std::string_view key : {"connection_type", "database_type"}) {
    const JsonValue* type = data.Find(key);
    if (type == nullptr || !type->is_string()) continue;
    SqlDialect dialect = DialectFromConnectionType(type->text());
    if (dialect != SqlDialect::kUnknown) return dialect;
  }
  return SqlDialect::kUnknown;
}

}  // namespace

std::vector<std::string> SanitizeItemData(ItemType type, JsonValue& data, SanitizeOptions options) {
  for (std::string_view field : kServerFields) data.Erase(field);
  std::vector<std::string> stripped;
  Walk(data, "", false, stripped);
  if (type == ItemType::kQueryHistory && options.sanitize_history) {
    JsonValue* query = data.Find("query");
    if (query != nullptr && query->is_string()) {
      query->mutable_text() = SanitizeHistoryQuery(query->text(), HistoryDialect(data));
    }
  }
  return stripped;
}

}  // namespace howler::sync
