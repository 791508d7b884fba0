#include "orgs/org_json.h"

#include <boost/json/parse.hpp>

#include "common/time_format.h"

namespace howler::orgs {
namespace json = boost::json;

namespace {

json::value ObjectOrEmpty(const std::string& text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) return json::object();
  return v;
}

json::value TimeValue(std::optional<std::int64_t> unix_ms) {
  if (!unix_ms) return nullptr;
  return json::string(FormatRfc3339(FromUnixMillis(*unix_ms)));
}

json::value TextOrNull(const std::optional<std::string>& text) {
  if (!text) return nullptr;
  return json::string(*text);
}

}  // namespace

json::object OrganizationJson(const storage::OrganizationRecord& org, std::string_view role) {
  json::object o;
  o["id"] = org.id;
  o["name"] = org.name;
  o["description"] = org.description;
  o["owner_id"] = org.owner_id;
  o["max_members"] = org.max_members;
  o["settings"] = ObjectOrEmpty(org.settings);
  o["member_count"] = org.member_count;
  o["created_at"] = TimeValue(org.created_at);
  o["updated_at"] = TimeValue(org.updated_at);
  o["deleted_at"] = TimeValue(org.deleted_at);
  if (!role.empty()) o["role"] = role;
  return o;
}

json::object MemberJson(const storage::MemberRecord& m) {
  json::object o;
  o["id"] = m.id;
  o["organization_id"] = m.organization_id;
  o["user_id"] = m.user_id;
  o["role"] = m.role;
  o["invited_by"] = TextOrNull(m.invited_by);
  o["joined_at"] = TimeValue(m.joined_at);
  o["user"] = json::object{{"id", m.user_id},
                           {"email", m.email},
                           {"username", m.username},
                           {"display_name", m.username}};
  return o;
}

json::object InvitationJson(const storage::InvitationRecord& i) {
  json::object o;
  o["id"] = i.id;
  o["organization_id"] = i.organization_id;
  o["email"] = i.email;
  o["role"] = i.role;
  o["invited_by"] = i.invited_by;
  o["expires_at"] = TimeValue(i.expires_at);
  o["accepted_at"] = TimeValue(i.accepted_at);
  o["created_at"] = TimeValue(i.created_at);
  return o;
}

json::object PendingInvitationJson(const storage::InvitationView& v) {
  json::object o = InvitationJson(v.invitation);
  o["organization"] = OrganizationJson(v.organization);
  o["inviter"] = json::object{{"username", v.inviter_username}};
  return o;
}

json::object InvitePageJson(const storage::InvitationView& v) {
  json::object o;
  o["id"] = v.invitation.id;
  o["organization_id"] = v.invitation.organization_id;
  o["role"] = v.invitation.role;
  o["expires_at"] = TimeValue(v.invitation.expires_at);
  o["accepted_at"] = TimeValue(v.invitation.accepted_at);
  o["organization"] = json::object{{"name", v.organization.name}};
  o["inviter"] = json::object{{"username", v.inviter_username}};
  return o;
}

json::object AuditJson(const storage::AuditRecord& a) {
  json::object o;
  o["id"] = a.id;
  o["organization_id"] = a.organization_id;
  o["user_id"] = a.user_id;
  o["action"] = a.action;
  o["resource_type"] = a.resource_type;
  o["resource_id"] = TextOrNull(a.resource_id);
  o["ip_address"] = a.ip_address;
  o["user_agent"] = a.user_agent;
  o["details"] = ObjectOrEmpty(a.details);
  o["created_at"] = TimeValue(a.created_at);
  return o;
}

}  // namespace howler::orgs
