// Row types of the organization tables (migrations/0006_organizations.sql). Plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace howler::storage {

struct OrganizationRecord {
  std::string id;
  std::string name;
  std::string description;
  std::string owner_id;
  std::int64_t max_members = 10;
  std::string settings = "{}";  // a JSON object
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;
  std::optional<std::int64_t> deleted_at;
  std::int64_t member_count = 0;  // computed by reads
};

// An organization as one member sees it: with their role.
struct MembershipView {
  OrganizationRecord organization;
  std::string role;
};

struct MemberRecord {
  std::string id;
  std::string organization_id;
  std::string user_id;
  std::string role;
  std::optional<std::string> invited_by;
  std::int64_t joined_at = 0;
  // From users (reads only).
  std::string username{};
  std::string email{};
};

struct InvitationRecord {
  std::string id;
  std::string organization_id;
  std::string email;  // lower-cased
  std::string role;
  std::string invited_by;
  std::int64_t expires_at = 0;
  std::optional<std::int64_t> accepted_at;
  std::optional<std::int64_t> declined_at;
  std::optional<std::int64_t> revoked_at;
  std::int64_t created_at = 0;
};

// An invitation with what its invitee is shown: the organization and the inviter's name.
struct InvitationView {
  InvitationRecord invitation;
  OrganizationRecord organization;
  std::string inviter_username;
};

struct AuditRecord {
  std::string id;
  std::string organization_id;
  std::string user_id;
  std::string action;         // "member.added"
  std::string resource_type;  // "member"
  std::optional<std::string> resource_id;
  std::string ip_address;
  std::string user_agent;
  std::string details = "{}";  // a JSON object, no secrets
  std::int64_t created_at = 0;
};

// The audit log's filters; empty / absent ones are not applied.
struct AuditQuery {
  std::string action;
  std::string resource_type;
  std::string user_id;
  std::optional<std::int64_t> start;  // created_at >= start
  std::optional<std::int64_t> end;    // created_at <= end
  std::int64_t limit = 50;
  std::int64_t offset = 0;
};

// Who a user is, for the organization rules (tier limits, invitation matching).
struct OrgUser {
  std::string id;
  std::string username{};
  std::string email{};
  std::string tier;
  bool email_verified = false;
};

}  // namespace howler::storage
