#include "sync/data_sanitizer.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "sync/history_sanitizer.h"

namespace howler::sync {
namespace {

constexpr std::array<std::string_view, 12> kSecretNames = {
    "password", "passwd",     "pwd",    "pass",        "secret",     "token",
    "apikey",   "privatekey", "sshkey", "sshpassword", "passphrase", "credentials"};
constexpr std::array<std::string_view, 7> kSecretSuffixes = {
    "password", "passwd", "secret", "token", "apikey", "privatekey", "passphrase"};
constexpr std::array<std::string_view, 5> kServerFields = {"id", "user_id", "sync_version",
                                                           "updated_at", "device_id"};

std::string Normalize(std::string_view key) {
  std::string out;
  out.reserve(key.size());
  for (char c : key) {
    if (c == '_' || c == '-' || c == '.' || c == ' ') continue;
    out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return out;
}

// Removes the password of "scheme://user:password@host..." in place; whether it did.
bool StripUrlPassword(std::string& s) {
  std::size_t scheme_end = s.find("://");
  if (scheme_end == std::string::npos || scheme_end == 0) return false;
  for (std::size_t i = 0; i < scheme_end; ++i) {
    char c = s[i];
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.') {
      return false;
    }
  }
  std::size_t authority = scheme_end + 3;
  std::size_t end = s.find_first_of("/?#", authority);
  if (end == std::string::npos) end = s.size();
  std::size_t at = s.rfind('@', end - 1);
  if (at == std::string::npos || at < authority) return false;
  std::size_t colon = s.find(':', authority);
  if (colon == std::string::npos || colon > at) return false;
  s.erase(colon, at - colon);
  return true;
}

void Walk(JsonValue& value, const std::string& path, std::vector<std::string>& stripped) {
  if (value.kind() == JsonValue::Kind::kString) {
    if (StripUrlPassword(value.mutable_text())) stripped.push_back(path + " (URL password)");
    return;
  }
  if (value.kind() == JsonValue::Kind::kArray) {
    for (std::size_t i = 0; i < value.items().size(); ++i) {
      Walk(value.items()[i], path + "[" + std::to_string(i) + "]", stripped);
    }
    return;
  }
  if (!value.is_object()) return;
  auto& members = value.members();
  std::stable_sort(members.begin(), members.end(),
                   [](const auto& a, const auto& b) { return a.key < b.key; });
  for (auto it = members.begin(); it != members.end();) {
    std::string member_path = path.empty() ? it->key : path + "." + it->key;
    if (IsSecretKey(it->key)) {
      stripped.push_back(std::move(member_path));
      it = members.erase(it);
      continue;
    }
    Walk(it->value, member_path, stripped);
    ++it;
  }
}

}  // namespace

bool IsSecretKey(std::string_view key) {
  std::string k = Normalize(key);
  for (std::string_view name : kSecretNames) {
    if (k == name) return true;
  }
  for (std::string_view suffix : kSecretSuffixes) {
    if (k.size() > suffix.size() && k.ends_with(suffix)) return true;
  }
  return false;
}

std::vector<std::string> SanitizeItemData(ItemType type, JsonValue& data, SanitizeOptions options) {
  for (std::string_view field : kServerFields) data.Erase(field);
  std::vector<std::string> stripped;
  Walk(data, "", stripped);
  if (type == ItemType::kQueryHistory && options.sanitize_history) {
    JsonValue* query = data.Find("query");
    if (query != nullptr && query->is_string()) {
      query->mutable_text() = SanitizeHistoryQuery(query->text());
    }
  }
  return stripped;
}

}  // namespace howler::sync
