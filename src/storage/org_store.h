// OrgStore: SQL for organizations, their members, invitations and audit log
// (migrations/0006_organizations.sql). Every read of an organization's contents is keyed
// by the organization id, and the service checks the caller's membership (FindMembership)
// before it reads or writes anything else; soft-deleted organizations are invisible to
// every read. Each change and its audit entry are one Batch (all or nothing); conditional
// changes read their outcome from RETURNING.
//
// Thread-safe; the Database must outlive it.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "storage/database.h"
#include "storage/org_records.h"

namespace howler::storage {

class OrgStore {
 public:
  explicit OrgStore(Database& db) : db_(db) {}

  Result<std::optional<OrgUser>> FindUser(std::string_view user_id);
  // Organizations (not deleted) owned by the user.
  Result<std::int64_t> CountOwned(std::string_view user_id);

  // The organization, its member count and the user's role; nullopt when the user is no
  // member or it is deleted.
  Result<std::optional<MembershipView>> FindMembership(std::string_view org_id,
                                                       std::string_view user_id);
  Result<std::vector<MembershipView>> ListForUser(std::string_view user_id);

  // Organization, its sync space's users row (id = the organization's id, inactive, role
  // 'organization'), owner membership and audit entry, in one batch.
  Status Create(const OrganizationRecord& org, const MemberRecord& owner, const AuditRecord& audit);
  Status Update(const OrganizationRecord& org, const AuditRecord& audit);
  // Sets deleted_at unless the organization has members besides its owner: false then.
  Result<bool> SoftDelete(std::string_view org_id, std::int64_t now, const AuditRecord& audit);

  Result<std::vector<MemberRecord>> ListMembers(std::string_view org_id);
  Result<std::optional<MemberRecord>> FindMember(std::string_view org_id, std::string_view user_id);
  Status SetRole(std::string_view org_id, std::string_view user_id, std::string_view role,
                 const AuditRecord& audit);
  // The new owner becomes owner (and owner_id), the old one admin; one batch.
  Status TransferOwnership(std::string_view org_id, std::string_view old_owner,
                           std::string_view new_owner, std::int64_t now, const AuditRecord& audit);
  Status RemoveMember(std::string_view org_id, std::string_view user_id, const AuditRecord& audit);

  // Invitations. Open = not accepted, declined or revoked (expired ones included).
  Status CreateInvitation(const InvitationRecord& invitation, std::string_view token_hash,
                          const AuditRecord& audit);
  Result<std::vector<InvitationRecord>> ListOpenInvitations(std::string_view org_id);
  Result<std::optional<InvitationRecord>> FindOpenInvitationFor(std::string_view org_id,
                                                                std::string_view email);
  Result<std::optional<InvitationView>> FindInvitation(std::string_view invitation_id);
  Result<std::optional<InvitationView>> FindInvitationByTokenHash(std::string_view token_hash);
  // Open, unexpired invitations to `email` in organizations not deleted, newest first.
  Result<std::vector<InvitationView>> PendingFor(std::string_view email, std::int64_t now);
  // Conditional on the invitation being open in `org_id`: false when it is not.
  Result<bool> RevokeInvitation(std::string_view org_id, std::string_view invitation_id,
                                std::int64_t now, const AuditRecord& audit);
  Result<bool> RenewInvitation(std::string_view org_id, std::string_view invitation_id,
                               std::string_view token_hash, std::int64_t expires_at,
                               const AuditRecord& audit);
  // Accepts the open, unexpired invitation to `email` at `now`: adds `member` (unless the
  // user is one already) and the audit entry, in one batch that applies only when this
  // call consumes the invitation. False when it was not open.
  Result<bool> AcceptInvitation(std::string_view invitation_id, std::string_view email,
                                const MemberRecord& member, std::int64_t now,
                                const AuditRecord& audit);
  Result<bool> DeclineInvitation(std::string_view invitation_id, std::string_view email,
                                 std::int64_t now, const AuditRecord& audit);

  // One audit entry on its own (sharing changes, written after the sync write they record).
  Status AppendAudit(const AuditRecord& audit);
  Result<std::vector<AuditRecord>> ListAudit(std::string_view org_id, const AuditQuery& query);

 private:
  Database& db_;
};

}  // namespace howler::storage
