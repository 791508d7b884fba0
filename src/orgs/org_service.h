// OrgService: organizations, their members and roles, email invitations and the audit log
// (API.md "Organizations"). Every operation checks the caller's membership and role on the
// server (orgs/roles.h) before it reads or changes anything: a non-member gets NOT_FOUND
// ("organization not found"), a member without the permission PERMISSION_DENIED. Every
// change writes its audit entry in the same batch (storage/org_store.h).
//
// Invitation tokens are 256 random bits, mailed as a link to the client's invite page and
// stored only as their SHA-256; no answer carries them. Pending invitations and accepting
// or declining go by the caller's account email, which must be verified.
//
// Thread-safe (no state of its own besides the id generator); the store, mailer and clock
// must outlive it.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/ids.h"
#include "common/result.h"
#include "email/mailer.h"
#include "storage/org_store.h"

namespace howler::orgs {

struct OrgOptions {
  std::chrono::milliseconds invitation_ttl = std::chrono::hours(7 * 24);
  std::int64_t default_max_members = 10;
  // Organizations a user may own, by tier ("free", "individual", "team").
  std::int64_t max_owned_free = 3;
  std::int64_t max_owned_individual = 5;
  std::int64_t max_owned_team = 50;
};

// Who calls, as the audit log records it.
struct Caller {
  std::string user_id;
  std::string ip_address;
  std::string user_agent;
};

struct OrganizationPatch {
  std::optional<std::string> name;
  std::optional<std::string> description;
  std::optional<std::int64_t> max_members;
};

// An invitation looked up by its token (the anonymous invite page).
using InvitationView = storage::InvitationView;

class OrgService {
 public:
  OrgService(storage::OrgStore& store, email::Mailer& mailer, const Clock& clock,
             OrgOptions options = {});

  Result<std::vector<storage::MembershipView>> List(const Caller& caller);
  // name: 3-50 characters; description: at most 500.
  Result<storage::MembershipView> Create(const Caller& caller, std::string_view name,
                                         std::string_view description);
  Result<storage::MembershipView> Get(const Caller& caller, std::string_view org_id);
  Result<storage::MembershipView> Update(const Caller& caller, std::string_view org_id,
                                         const OrganizationPatch& patch);
  // Soft delete by the owner; FAILED_PRECONDITION while other members remain.
  Status Delete(const Caller& caller, std::string_view org_id);

  Result<std::vector<storage::MemberRecord>> Members(const Caller& caller, std::string_view org_id);
  // `role` "owner" from the owner transfers ownership (the old owner becomes admin).
  Status ChangeRole(const Caller& caller, std::string_view org_id, std::string_view user_id,
                    std::string_view role);
  // Removing oneself is leaving.
  Status RemoveMember(const Caller& caller, std::string_view org_id, std::string_view user_id);

  Result<storage::InvitationRecord> Invite(const Caller& caller, std::string_view org_id,
                                           std::string_view email, std::string_view role);
  Result<std::vector<storage::InvitationRecord>> Invitations(const Caller& caller,
                                                             std::string_view org_id);
  Status Revoke(const Caller& caller, std::string_view org_id, std::string_view invitation_id);
  // A new token and expiry, mailed again; the old link stops working.
  Result<storage::InvitationRecord> Resend(const Caller& caller, std::string_view org_id,
                                           std::string_view invitation_id);

  // Open, unexpired invitations to the caller's verified email (empty when unverified).
  Result<std::vector<InvitationView>> Pending(const Caller& caller);
  // Anyone holding the token: NOT_FOUND for an unknown, revoked or declined one; accepted
  // and expired ones are found (the invite page says so).
  Result<InvitationView> Lookup(std::string_view token);
  Status Accept(const Caller& caller, std::string_view invitation_id);
  Status Decline(const Caller& caller, std::string_view invitation_id);

  // The sync space of an organization (DESIGN.md "Organizations"): the key its shared
  // items are synced under, for a member. Every member reads and writes; deleting an item
  // needs connections:delete / queries:delete (owner, admin). A non-member (also one removed
  // a moment ago) gets NOT_FOUND: the check is made on every call.
  enum class SpaceUse { kRead, kWrite, kDelete };
  Result<std::string> SyncSpace(const Caller& caller, std::string_view org_id, SpaceUse use);

  // The caller's role in a live organization, else NOT_FOUND.
  Result<std::string> RoleIn(const Caller& caller, std::string_view org_id);
  // Appends an audit entry of a sharing change (connection.*, query.*); a failure is logged
  // by the caller, the change itself stands.
  Status RecordSharing(const Caller& caller, std::string_view org_id, std::string action,
                       std::string resource_type, std::string resource_id);

  // audit:view; limit 1-200 (default 50), newest first.
  Result<std::vector<storage::AuditRecord>> Audit(const Caller& caller, std::string_view org_id,
                                                  storage::AuditQuery query);

 private:
  // The caller's membership of a live organization, else NOT_FOUND.
  Result<storage::MembershipView> Membership(const Caller& caller, std::string_view org_id);
  storage::AuditRecord Entry(const Caller& caller, std::string_view org_id, std::string action,
                             std::string resource_type, std::optional<std::string> resource_id,
                             std::string details = "{}");
  // The caller's account, when its email is verified; else PERMISSION_DENIED.
  Result<storage::OrgUser> VerifiedCaller(const Caller& caller);
  // Mails the invitation link; `token` is the raw token.
  void Mail(const storage::InvitationRecord& invitation, const storage::OrganizationRecord& org,
            std::string_view inviter, const std::string& token);
  std::int64_t MaxOwned(std::string_view tier) const;

  storage::OrgStore& store_;
  email::Mailer& mailer_;
  const Clock& clock_;
  OrgOptions options_;
  UuidV7Generator ids_;
};

}  // namespace howler::orgs
