#include "http/shared_item_handlers.h"

#include <boost/json.hpp>

#include "api/operations.h"
#include "http/json_body.h"
#include "http/responses.h"
#include "http/sync_json.h"

namespace howler::http {
namespace json = boost::json;

namespace {

using P = const auth::Principal&;

// One kind of item as the client names its fields: client name -> stored (sync) name.
struct Kind {
  std::string_view item_type;  // "connection", "saved_query"
  std::string_view list_key;   // "connections", "queries"
  std::string_view noun;       // "connection", "query"
  std::vector<std::pair<std::string_view, std::string_view>> fields;
};

const Kind& Connections() {
  static const Kind k{"connection",
                      "connections",
                      "connection",
                      {{"name", "name"},
                       {"description", "description"},
                       {"database_type", "type"},
                       {"host", "host"},
                       {"port", "port"},
                       {"database_name", "database"},
                       {"username", "username"}}};
  return k;
}

const Kind& Queries() {
  static const Kind k{"saved_query",
                      "queries",
                      "query",
                      {{"title", "name"},
                       {"description", "description"},
                       {"sql_content", "query"},
                       {"database_type", "database_type"},
                       {"tags", "tags"}}};
  return k;
}

orgs::Caller CallerOf(const Request& req, P who) {
  return {who.user_id, req.client_ip, std::string(req.headers.Get("user-agent").value_or(""))};
}

Response Wrapped(int status, json::value data) {
  return JsonValueResponse(status, json::object{{"success", true}, {"data", std::move(data)}});
}

Response Done(const Status& s, std::string_view message) {
  if (!s.ok()) return ErrorResponse(s);
  return JsonValueResponse(200, json::object{{"success", true}, {"message", message}});
}

// The client's body as stored data: known fields renamed, a password and anything else
// dropped. `creating` requires the name and type.
Result<sync::JsonValue> ToData(const Kind& kind, const json::object& body, bool creating) {
  json::object data;
  for (const auto& [client, stored] : kind.fields) {
    const json::value* v = body.if_contains(client);
    if (v == nullptr || v->is_null()) continue;
    if (!creating && client == "database_type") continue;  // fixed once created
    if (json::serialize(*v).size() > 1 << 20)
      return InvalidArgumentError(std::string(client) + " is too long");
    data[stored] = *v;
  }
  if (kind.item_type == "connection") {
    if (const json::value* ssl = body.if_contains("ssl_enabled"); ssl && ssl->is_bool()) {
      data["ssl_mode"] = ssl->as_bool() ? "require" : "disable";
    }
    if (const json::value* port = body.if_contains("port");
        port && !port->is_null() && !port->is_int64()) {
      return InvalidArgumentError("port must be a number");
    }
  }
  if (creating) {
    const std::string_view name = kind.item_type == "connection" ? "name" : "title";
    const json::value* n = body.if_contains(name);
    if (n == nullptr || !n->is_string() || n->as_string().empty()) {
      return InvalidArgumentError(std::string(name) + " is required");
    }
    const json::value* t = body.if_contains("database_type");
    if (t == nullptr || !t->is_string() || t->as_string().empty()) {
      return InvalidArgumentError("database_type is required");
    }
  }
  return ToSyncJson(data);
}

json::value Text(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr ? *v : json::value(nullptr);
}

// The client's shape of a stored item.
json::object Out(const Kind& kind, const orgs::SharedItem& shared) {
  boost::system::error_code ec;
  json::value parsed = json::parse(shared.item.data, ec);
  const json::object data = !ec && parsed.is_object() ? parsed.as_object() : json::object();
  json::object o;
  o["id"] = shared.item.item_id;
  o["user_id"] = Text(data, "owner_id");
  o["organization_id"] =
      shared.organization_id.empty() ? json::value(nullptr) : json::value(shared.organization_id);
  for (const auto& [client, stored] : kind.fields) o[client] = Text(data, stored);
  if (kind.item_type == "connection") {
    const json::value ssl = Text(data, "ssl_mode");
    o["ssl_enabled"] = ssl.is_string() && ssl.as_string() != "disable";
    o["password_required"] = true;
  } else if (!o["tags"].is_array()) {
    o["tags"] = json::array();
  }
  o["visibility"] = shared.organization_id.empty() ? "personal" : "shared";
  o["created_at"] = TimeValue(shared.item.created_at);
  o["updated_at"] = TimeValue(shared.item.updated_at);
  return o;
}

Response List(const Kind& kind, const Result<std::vector<orgs::SharedItem>>& items) {
  if (!items.ok()) return ErrorResponse(items.status());
  json::array list;
  for (const auto& item : *items) list.push_back(Out(kind, item));
  return Wrapped(200, json::object{{kind.list_key, std::move(list)}});
}

Response Create(const Kind& kind, orgs::SharedItems& items, const Request& req, P who) {
  auto body = ParseJsonObject(req);
  if (!body.ok()) return ErrorResponse(body.status());
  auto data = ToData(kind, *body, true);
  if (!data.ok()) return ErrorResponse(data.status());
  auto org = OptionalString(*body, "organization_id", api::kIdMax);
  if (!org.ok()) return ErrorResponse(org.status());
  auto visibility = OptionalString(*body, "visibility", 16);
  if (!visibility.ok()) return ErrorResponse(visibility.status());
  const bool shared = visibility->value_or(org->has_value() ? "shared" : "personal") == "shared";
  if (shared && !org->has_value()) {
    return ErrorResponse(InvalidArgumentError("organization_id is required to share"));
  }
  auto created = items.Create(CallerOf(req, who), kind.item_type, std::move(*data),
                              shared ? **org : std::string());
  if (!created.ok()) return ErrorResponse(created.status());
  return Wrapped(201, Out(kind, *created));
}

Response Update(const Kind& kind, orgs::SharedItems& items, const Request& req, P who) {
  auto body = ParseJsonObject(req);
  if (!body.ok()) return ErrorResponse(body.status());
  auto patch = ToData(kind, *body, false);
  if (!patch.ok()) return ErrorResponse(patch.status());
  auto updated = items.Update(CallerOf(req, who), kind.item_type, req.path_params.at("id"), *patch);
  if (!updated.ok()) return ErrorResponse(updated.status());
  return Wrapped(200, Out(kind, *updated));
}

Response Share(const Kind& kind, orgs::SharedItems& items, const Request& req, P who) {
  auto body = ParseJsonObject(req);
  if (!body.ok()) return ErrorResponse(body.status());
  auto org = RequiredString(*body, "organization_id", api::kIdMax);
  if (!org.ok()) return ErrorResponse(org.status());
  return Done(items.Share(CallerOf(req, who), kind.item_type, req.path_params.at("id"), *org),
              "shared");
}

struct Ops {
  const api::Operation &list, &create, &update, &remove, &share, &unshare, &org_list;
};

void AddKind(Router& router, orgs::SharedItems& items, const Kind& kind, const Ops& ops) {
  const Kind* k = &kind;
  orgs::SharedItems* s = &items;
  router.Add(ops.list, [k, s](const Request& r, P p) {
    return List(*k, s->ListMine(CallerOf(r, p), k->item_type));
  });
  router.Add(ops.org_list, [k, s](const Request& r, P p) {
    return List(*k, s->ListOrg(CallerOf(r, p), r.path_params.at("id"), k->item_type));
  });
  router.Add(ops.create, [k, s](const Request& r, P p) { return Create(*k, *s, r, p); });
  router.Add(ops.update, [k, s](const Request& r, P p) { return Update(*k, *s, r, p); });
  router.Add(ops.remove, [k, s](const Request& r, P p) {
    return Done(s->Delete(CallerOf(r, p), k->item_type, r.path_params.at("id")), "deleted");
  });
  router.Add(ops.share, [k, s](const Request& r, P p) { return Share(*k, *s, r, p); });
  router.Add(ops.unshare, [k, s](const Request& r, P p) {
    return Done(s->Unshare(CallerOf(r, p), k->item_type, r.path_params.at("id")), "unshared");
  });
}

}  // namespace

void AddSharedItemRoutes(Router& router, orgs::SharedItems& items) {
  namespace o = api::ops;
  AddKind(router, items, Connections(),
          {o::kConnectionList, o::kConnectionCreate, o::kConnectionUpdate, o::kConnectionDelete,
           o::kConnectionShare, o::kConnectionUnshare, o::kOrgConnectionList});
  AddKind(router, items, Queries(),
          {o::kQueryList, o::kQueryCreate, o::kQueryUpdate, o::kQueryDelete, o::kQueryShare,
           o::kQueryUnshare, o::kOrgQueryList});
}

}  // namespace howler::http
