// SanitizeItemData: the one place where uploaded item data is cleaned before it is stored
// (API.md, Sync: "Connection data never stores secrets", history literals).
//
// - Secret-like members are removed at any depth, in objects nested in objects and arrays.
//   A key is secret-like when, lower-cased with '_', '-', '.' and spaces removed, it is one
//   of password, passwd, pwd, pass, secret, token, apikey, privatekey, sshkey,
//   sshpassword, passphrase, credentials, or ends with password, passwd, secret, token,
//   apikey, privatekey or passphrase (db_password, accessToken, client_secret).
// - A string that is a URL with a password in it (scheme://user:pw@host) keeps the URL
//   without the password.
// - Server fields (id, user_id, sync_version, updated_at, device_id) are removed: the
//   server sets them on the way out.
// - For query_history with `sanitize_history`, the top-level "query" string has its
//   literals replaced by `?` (history_sanitizer.h).
// - Object members are sorted by key at every depth (a stable byte-wise sort), so that
//   the same data sent with its keys in another order is stored as the same text and a
//   re-upload is `unchanged`.
// Every removal is reported as a path ("metadata.ssh.password", "hosts[1].token").
// Pure; thread-safe. Requires `data` to be an object.
#pragma once

#include <string>
#include <vector>

#include "sync/item_type.h"
#include "sync/json_value.h"

namespace howler::sync {

struct SanitizeOptions {
  bool sanitize_history = true;
};

// Returns the paths of removed secrets (server fields are not reported).
std::vector<std::string> SanitizeItemData(ItemType type, JsonValue& data,
                                          SanitizeOptions options = {});

// Whether a member name is secret-like by the rule above.
bool IsSecretKey(std::string_view key);

}  // namespace howler::sync
