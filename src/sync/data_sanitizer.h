// SanitizeItemData: the one place where uploaded item data is cleaned before it is stored
// (API.md, Sync: "Connection data never stores secrets", history literals).
//
// - Secret-like members are removed at any depth, in objects nested in objects and arrays.
//   A key is secret-like (IsSecretKey) when, lower-cased with '_', '-', '.' and spaces
//   removed, it
//   - ends with (or is) password, passwd, pwd, secret, token, apikey, privatekey,
//     passphrase, secretkey, secretaccesskey, masterkey, accountkey, sharedaccesskey or
//     sharedaccesssignature (db_password, accessToken, client_secret, sslpwd,
//     aws_secret_access_key, AccountKey);
//   - is sshkey, credential, credentials, authorization, pass, or a signed URL's
//     signature: sig (Azure SAS), X-Amz-Signature, X-Goog-Signature;
//   - is one of the above followed by one of pem, der, json, b64, base64, data, value,
//     content, contents (private_key_pem, credentials_json, token_value);
//   - or its last word (after the last '_', '-', '.', space, or lower-to-upper case
//     change) is "pass" (db_pass, dbPass, SMTP_PASS).
//   Not secret: "key" by itself and names that only identify or locate a secret (access_key,
//   aws_access_key_id, ssh_key_path, private_key_id, SharedAccessKeyName, token_uri),
//   flags such as passwordless, and words that merely contain one (bypass, tokens_used).
// - Secrets inside string values: a string that as a whole is a connection string (URL,
//   JDBC, Oracle, Go DSN, libpq, ADO.NET/ODBC/Azure key=value) loses its password and its
//   secret-like parameters' values, keeping host, port, database, user and the rest
//   (connection_string_secrets.h). A string that is JSON text (first non-space '{' or '[')
//   is sanitized by these rules, except that its keys are not sorted and JSON text within
//   it is not opened; it is rewritten (compact) only when something was removed.
// - The top-level "query" string (query text of saved queries and history) only loses a
//   URL password when it is a whole URL (scheme://user:pw@host), so that SQL text and
//   query documents are never read as connection strings.
// - Server fields (id, user_id, sync_version, updated_at, device_id) are removed: the
//   server sets them on the way out.
// - For query_history with `sanitize_history`, the top-level "query" string has its
//   literals replaced by `?` (history_sanitizer.h), lexed as the dialect named by the
//   item's top-level "connection_type" string member, else its "database_type" one
//   (whichever first names a known dialect: DialectFromConnectionType, sql_dialect.h);
//   with neither, as SqlDialect::kUnknown (the union of every plausible dialect).
// - Object members are sorted by key at every depth (a stable byte-wise sort), so that
//   the same data sent with its keys in another order is stored as the same text and a
//   re-upload is `unchanged`.
// Every removal is reported as a path ("metadata.ssh.password", "hosts[1].token"); one
// inside a string as the string's path and what was removed ("url (URL password)",
// "dsn (connection string Password)", "service_account (JSON private_key)").
// Never throws for any bytes in `data` (except std::bad_alloc); linear in its size, since
// JSON text inside strings is opened one level deep only. Pure; thread-safe. Requires `data`
// to be an object.
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
