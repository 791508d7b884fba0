// JSON shapes of the Organizations operations (API.md "Organizations"): every date RFC 3339
// UTC with milliseconds, absent dates null, never an invitation token. Shared by the HTTP
// handlers and the gRPC service (whose answers are these objects as a Struct). Pure functions.
#pragma once

#include <boost/json/object.hpp>

#include "storage/org_records.h"

namespace howler::orgs {

// Organization; `role` (the caller's) is added when not empty.
boost::json::object OrganizationJson(const storage::OrganizationRecord& org,
                                     std::string_view role = {});
boost::json::object MemberJson(const storage::MemberRecord& member);
boost::json::object InvitationJson(const storage::InvitationRecord& invitation);
// An invitation with its organization, for the invitee's pending list.
boost::json::object PendingInvitationJson(const storage::InvitationView& view);
// What the anonymous invite page may see: ids, role, expiry, the organization's name and
// the inviter's username; not the email nor the member list.
boost::json::object InvitePageJson(const storage::InvitationView& view);
boost::json::object AuditJson(const storage::AuditRecord& entry);

}  // namespace howler::orgs
