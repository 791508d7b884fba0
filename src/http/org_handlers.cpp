#include "http/org_handlers.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <charconv>

#include "api/operations.h"
#include "common/time_format.h"
#include "http/json_body.h"
#include "http/responses.h"
#include "orgs/org_json.h"

namespace howler::http {
namespace json = boost::json;
using orgs::AuditJson;
using orgs::InvitationJson;
using orgs::InvitePageJson;
using orgs::MemberJson;
using orgs::OrganizationJson;
using orgs::PendingInvitationJson;

namespace {

using P = const auth::Principal&;

orgs::Caller CallerOf(const Request& req, P who) {
  return {who.user_id, req.client_ip, std::string(req.headers.Get("user-agent").value_or(""))};
}

const std::string& Param(const Request& req, const char* name) {
  return req.path_params.at(name);
}

Response Object(int status, json::object o) {
  return JsonValueResponse(status, o);
}

Response Ok(std::string_view message) {
  return Object(200, {{"success", true}, {"message", message}});
}

template <typename T, typename F>
json::array ArrayOf(const std::vector<T>& items, F&& f) {
  json::array out;
  out.reserve(items.size());
  for (const T& item : items) out.push_back(f(item));
  return out;
}

Result<orgs::OrganizationPatch> ParsePatch(const json::object& body) {
  orgs::OrganizationPatch patch;
  const api::Operation& op = api::ops::kOrgUpdate;
  HOWLER_ASSIGN_OR_RETURN(patch.name, OptionalString(body, "name", op.Field("name").max_bytes));
  HOWLER_ASSIGN_OR_RETURN(patch.description,
                          OptionalString(body, "description", op.Field("description").max_bytes));
  if (const json::value* v = body.if_contains("max_members"); v && !v->is_null()) {
    if (!v->is_int64()) return InvalidArgumentError("max_members must be an integer");
    patch.max_members = v->as_int64();
  }
  return patch;
}

Response Create(orgs::OrgService& s, const Request& req, P who) {
  auto body = ParseJsonObject(req);
  if (!body.ok()) return ErrorResponse(body.status());
  const api::Operation& op = api::ops::kOrgCreate;
  auto name = RequiredString(*body, "name", op.Field("name").max_bytes);
  if (!name.ok()) return ErrorResponse(name.status());
  auto description = OptionalString(*body, "description", op.Field("description").max_bytes);
  if (!description.ok()) return ErrorResponse(description.status());
  auto view = s.Create(CallerOf(req, who), *name, description->value_or(""));
  if (!view.ok()) return ErrorResponse(view.status());
  return Object(201, {{"organization", OrganizationJson(view->organization, view->role)}});
}

Response Update(orgs::OrgService& s, const Request& req, P who) {
  auto body = ParseJsonObject(req);
  if (!body.ok()) return ErrorResponse(body.status());
  auto patch = ParsePatch(*body);
  if (!patch.ok()) return ErrorResponse(patch.status());
  auto view = s.Update(CallerOf(req, who), Param(req, "id"), *patch);
  if (!view.ok()) return ErrorResponse(view.status());
  return Object(200, {{"organization", OrganizationJson(view->organization, view->role)}});
}

Response ChangeRole(orgs::OrgService& s, const Request& req, P who) {
  auto body = ParseJsonObject(req);
  if (!body.ok()) return ErrorResponse(body.status());
  auto role = TextField(*body, api::ops::kOrgChangeRole.Field("role"));
  if (!role.ok()) return ErrorResponse(role.status());
  Status st = s.ChangeRole(CallerOf(req, who), Param(req, "id"), Param(req, "user_id"), *role);
  return st.ok() ? Ok("role updated") : ErrorResponse(st);
}

Response Invite(orgs::OrgService& s, const Request& req, P who) {
  auto body = ParseJsonObject(req);
  if (!body.ok()) return ErrorResponse(body.status());
  const api::Operation& op = api::ops::kOrgInvite;
  auto email = TextField(*body, op.Field("email"));
  if (!email.ok()) return ErrorResponse(email.status());
  auto role = TextField(*body, op.Field("role"));
  if (!role.ok()) return ErrorResponse(role.status());
  auto invitation = s.Invite(CallerOf(req, who), Param(req, "id"), *email, *role);
  if (!invitation.ok()) return ErrorResponse(invitation.status());
  return Object(201, {{"invitation", InvitationJson(*invitation)}});
}

Result<std::optional<std::int64_t>> OptionalTime(const Request& req, std::string_view name) {
  auto text = req.Query(name);
  if (!text || text->empty()) return std::optional<std::int64_t>();
  auto parsed = ParseRfc3339(*text);
  if (!parsed.ok()) return InvalidArgumentError(std::string(name) + " must be an RFC 3339 time");
  return std::optional<std::int64_t>(ToUnixMillis(*parsed));
}

Result<std::int64_t> IntQuery(const Request& req, std::string_view name, std::int64_t fallback) {
  auto text = req.Query(name);
  if (!text || text->empty()) return fallback;
  std::int64_t n = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), n);
  if (ec != std::errc() || end != text->data() + text->size()) {
    return InvalidArgumentError(std::string(name) + " must be an integer");
  }
  return n;
}

Result<storage::AuditQuery> ParseAuditQuery(const Request& req) {
  storage::AuditQuery q;
  q.action = std::string(req.Query("action").value_or(""));
  q.resource_type = std::string(req.Query("resource_type").value_or(""));
  q.user_id = std::string(req.Query("user_id").value_or(""));
  if (q.action.size() > 64 || q.resource_type.size() > 64 || q.user_id.size() > api::kIdMax) {
    return InvalidArgumentError("a filter is too long");
  }
  HOWLER_ASSIGN_OR_RETURN(q.start, OptionalTime(req, "start_date"));
  HOWLER_ASSIGN_OR_RETURN(q.end, OptionalTime(req, "end_date"));
  HOWLER_ASSIGN_OR_RETURN(q.limit, IntQuery(req, "limit", 50));
  HOWLER_ASSIGN_OR_RETURN(q.offset, IntQuery(req, "offset", 0));
  return q;
}

Response Audit(orgs::OrgService& s, const Request& req, P who) {
  auto query = ParseAuditQuery(req);
  if (!query.ok()) return ErrorResponse(query.status());
  auto logs = s.Audit(CallerOf(req, who), Param(req, "id"), *query);
  if (!logs.ok()) return ErrorResponse(logs.status());
  return Object(
      200,
      {{"logs", ArrayOf(*logs, AuditJson)}, {"limit", query->limit}, {"offset", query->offset}});
}

void AddOrganizationRoutes(Router& router, orgs::OrgService& s) {
  namespace ops = api::ops;
  router.Add(ops::kOrgList, [&s](const Request& r, P p) {
    auto list = s.List(CallerOf(r, p));
    if (!list.ok()) return ErrorResponse(list.status());
    return Object(200, {{"organizations", ArrayOf(*list, [](const storage::MembershipView& v) {
                           return OrganizationJson(v.organization, v.role);
                         })}});
  });
  router.Add(ops::kOrgCreate, [&s](const Request& r, P p) { return Create(s, r, p); });
  router.Add(ops::kOrgGet, [&s](const Request& r, P p) {
    auto view = s.Get(CallerOf(r, p), Param(r, "id"));
    if (!view.ok()) return ErrorResponse(view.status());
    return Object(200, {{"organization", OrganizationJson(view->organization, view->role)}});
  });
  router.Add(ops::kOrgUpdate, [&s](const Request& r, P p) { return Update(s, r, p); });
  router.Add(ops::kOrgDelete, [&s](const Request& r, P p) {
    Status st = s.Delete(CallerOf(r, p), Param(r, "id"));
    return st.ok() ? Ok("organization deleted") : ErrorResponse(st);
  });
}

void AddMemberRoutes(Router& router, orgs::OrgService& s) {
  namespace ops = api::ops;
  router.Add(ops::kOrgMembers, [&s](const Request& r, P p) {
    auto members = s.Members(CallerOf(r, p), Param(r, "id"));
    if (!members.ok()) return ErrorResponse(members.status());
    return Object(200, {{"members", ArrayOf(*members, MemberJson)}});
  });
  router.Add(ops::kOrgChangeRole, [&s](const Request& r, P p) { return ChangeRole(s, r, p); });
  router.Add(ops::kOrgRemoveMember, [&s](const Request& r, P p) {
    Status st = s.RemoveMember(CallerOf(r, p), Param(r, "id"), Param(r, "user_id"));
    return st.ok() ? Ok("member removed") : ErrorResponse(st);
  });
  router.Add(ops::kOrgAuditLogs, [&s](const Request& r, P p) { return Audit(s, r, p); });
}

void AddInvitationRoutes(Router& router, orgs::OrgService& s) {
  namespace ops = api::ops;
  router.Add(ops::kOrgInvite, [&s](const Request& r, P p) { return Invite(s, r, p); });
  router.Add(ops::kOrgInvitations, [&s](const Request& r, P p) {
    auto list = s.Invitations(CallerOf(r, p), Param(r, "id"));
    if (!list.ok()) return ErrorResponse(list.status());
    return Object(200, {{"invitations", ArrayOf(*list, InvitationJson)}});
  });
  router.Add(ops::kOrgRevokeInvitation, [&s](const Request& r, P p) {
    Status st = s.Revoke(CallerOf(r, p), Param(r, "id"), Param(r, "invitation_id"));
    return st.ok() ? Ok("invitation revoked") : ErrorResponse(st);
  });
  router.Add(ops::kOrgResendInvitation, [&s](const Request& r, P p) {
    auto inv = s.Resend(CallerOf(r, p), Param(r, "id"), Param(r, "invitation_id"));
    if (!inv.ok()) return ErrorResponse(inv.status());
    return Object(200, {{"invitation", InvitationJson(*inv)}});
  });
  router.Add(ops::kInvitationsPending, [&s](const Request& r, P p) {
    auto list = s.Pending(CallerOf(r, p));
    if (!list.ok()) return ErrorResponse(list.status());
    return Object(200, {{"invitations", ArrayOf(*list, PendingInvitationJson)}});
  });
  router.Add(ops::kInvitationLookup, [&s](const Request& r, P) {
    auto view = s.Lookup(Param(r, "id"));
    if (!view.ok()) return ErrorResponse(view.status());
    return Object(200, {{"invitation", InvitePageJson(*view)}});
  });
  router.Add(ops::kInvitationAccept, [&s](const Request& r, P p) {
    Status st = s.Accept(CallerOf(r, p), Param(r, "id"));
    return st.ok() ? Ok("invitation accepted") : ErrorResponse(st);
  });
  router.Add(ops::kInvitationDecline, [&s](const Request& r, P p) {
    Status st = s.Decline(CallerOf(r, p), Param(r, "id"));
    return st.ok() ? Ok("invitation declined") : ErrorResponse(st);
  });
}

}  // namespace

SpaceResolver OrgSpaceResolver(orgs::OrgService& service) {
  return [&service](P who, const Request& req, std::string_view space, SpaceUse use) {
    using Use = orgs::OrgService::SpaceUse;
    const Use mapped = use == SpaceUse::kDelete
                           ? Use::kDelete
                           : (use == SpaceUse::kWrite ? Use::kWrite : Use::kRead);
    return service.SyncSpace(CallerOf(req, who), space, mapped);
  };
}

void AddOrgRoutes(Router& router, orgs::OrgService& service) {
  AddOrganizationRoutes(router, service);
  AddMemberRoutes(router, service);
  AddInvitationRoutes(router, service);
}

}  // namespace howler::http
