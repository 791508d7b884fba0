#include "storage/org_store.h"

#include <utility>

namespace howler::storage {
namespace {

// Columns of an organization with its member count, from alias o.
constexpr const char* kOrgColumns =
    "o.id, o.name, o.description, o.owner_id, o.max_members, o.settings, o.created_at, "
    "o.updated_at, o.deleted_at, "
    "(SELECT COUNT(*) FROM organization_members c WHERE c.organization_id = o.id)";
constexpr std::size_t kOrgColumnCount = 10;

OrganizationRecord OrgFromRow(const Row& r, std::size_t i) {
  OrganizationRecord o;
  o.id = AsText(r[i]);
  o.name = AsText(r[i + 1]);
  o.description = AsText(r[i + 2]);
  o.owner_id = AsText(r[i + 3]);
  o.max_members = AsInt(r[i + 4]);
  o.settings = AsText(r[i + 5], "{}");
  o.created_at = AsInt(r[i + 6]);
  o.updated_at = AsInt(r[i + 7]);
  o.deleted_at = AsOptionalInt(r[i + 8]);
  o.member_count = AsInt(r[i + 9]);
  return o;
}

constexpr const char* kMemberColumns =
    "m.id, m.organization_id, m.user_id, m.role, m.invited_by, m.joined_at, u.username, u.email";

MemberRecord MemberFromRow(const Row& r) {
  MemberRecord m;
  m.id = AsText(r[0]);
  m.organization_id = AsText(r[1]);
  m.user_id = AsText(r[2]);
  m.role = AsText(r[3]);
  m.invited_by = AsOptionalText(r[4]);
  m.joined_at = AsInt(r[5]);
  m.username = AsText(r[6]);
  m.email = AsText(r[7]);
  return m;
}

constexpr const char* kInvitationColumns =
    "i.id, i.organization_id, i.email, i.role, i.invited_by, i.expires_at, i.accepted_at, "
    "i.declined_at, i.revoked_at, i.created_at";
constexpr std::size_t kInvitationColumnCount = 10;

InvitationRecord InvitationFromRow(const Row& r) {
  InvitationRecord i;
  i.id = AsText(r[0]);
  i.organization_id = AsText(r[1]);
  i.email = AsText(r[2]);
  i.role = AsText(r[3]);
  i.invited_by = AsText(r[4]);
  i.expires_at = AsInt(r[5]);
  i.accepted_at = AsOptionalInt(r[6]);
  i.declined_at = AsOptionalInt(r[7]);
  i.revoked_at = AsOptionalInt(r[8]);
  i.created_at = AsInt(r[9]);
  return i;
}

// An invitation joined with its organization and inviter: columns, then the FROM clause.
const std::string& InvitationViewSelect() {
  static const std::string sql = std::string("SELECT ") + kInvitationColumns + ", " + kOrgColumns +
                                 ", COALESCE(u.username, '') FROM organization_invitations i "
                                 "JOIN organizations o ON o.id = i.organization_id "
                                 "LEFT JOIN users u ON u.id = i.invited_by "
                                 "WHERE o.deleted_at IS NULL AND ";
  return sql;
}

InvitationView InvitationViewFromRow(const Row& r) {
  InvitationView v;
  v.invitation = InvitationFromRow(r);
  v.organization = OrgFromRow(r, kInvitationColumnCount);
  v.inviter_username = AsText(r[kInvitationColumnCount + kOrgColumnCount]);
  return v;
}

constexpr const char* kOpen = "accepted_at IS NULL AND declined_at IS NULL AND revoked_at IS NULL";

Statement InsertAudit(const AuditRecord& a) {
  return {
      "INSERT INTO organization_audit_logs (id, organization_id, user_id, action, "
      "resource_type, resource_id, ip_address, user_agent, details, created_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      {a.id, a.organization_id, a.user_id, a.action, a.resource_type, TextOrNull(a.resource_id),
       a.ip_address, a.user_agent, a.details, a.created_at}};
}

// The audit entry, inserted only where `condition` (SQL over its `params`) holds: put
// before the change it records, under the change's own condition, both apply or neither.
Statement InsertAuditWhere(const AuditRecord& a, const std::string& condition,
                           const std::vector<Value>& params) {
  Statement s = InsertAudit(a);
  s.sql =
      "INSERT INTO organization_audit_logs (id, organization_id, user_id, action, "
      "resource_type, resource_id, ip_address, user_agent, details, created_at) "
      "SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ? WHERE " +
      condition;
  s.params.insert(s.params.end(), params.begin(), params.end());
  return s;
}

// "the invitation is open in the organization": parameters id, organization_id.
const std::string& OpenInvitationExists() {
  static const std::string sql =
      "EXISTS (SELECT 1 FROM organization_invitations WHERE id = ? AND organization_id = ? AND "
      "accepted_at IS NULL AND declined_at IS NULL AND revoked_at IS NULL)";
  return sql;
}

Statement InsertMember(const MemberRecord& m) {
  return {
      "INSERT INTO organization_members (id, organization_id, user_id, role, invited_by, "
      "joined_at) VALUES (?, ?, ?, ?, ?, ?)",
      {m.id, m.organization_id, m.user_id, m.role, TextOrNull(m.invited_by), m.joined_at}};
}

// Runs `statements` as one batch; true when the result set at `guard` has a row.
Result<bool> GuardedBatch(Database& db, std::vector<Statement> statements, std::size_t guard) {
  HOWLER_ASSIGN_OR_RETURN(auto results, db.Batch(statements));
  return results.size() > guard && !results[guard].empty();
}

Status Done(Result<std::vector<ResultSet>> r) {
  return r.ok() ? Status::Ok() : r.status();
}

}  // namespace

Result<std::optional<OrgUser>> OrgStore::FindUser(std::string_view user_id) {
  HOWLER_ASSIGN_OR_RETURN(auto rs,
                          db_.Query({"SELECT id, username, email, tier, email_verified FROM users "
                                     "WHERE id = ? AND active = 1",
                                     {std::string(user_id)}}));
  if (rs.empty()) return std::optional<OrgUser>();
  const Row& r = rs.rows[0];
  return std::optional<OrgUser>(
      OrgUser{AsText(r[0]), AsText(r[1]), AsText(r[2]), AsText(r[3]), AsInt(r[4]) != 0});
}

Result<std::int64_t> OrgStore::CountOwned(std::string_view user_id) {
  HOWLER_ASSIGN_OR_RETURN(auto rs, db_.Query({"SELECT COUNT(*) FROM organizations WHERE "
                                              "owner_id = ? AND deleted_at IS NULL",
                                              {std::string(user_id)}}));
  return rs.empty() ? 0 : AsInt(rs.rows[0][0]);
}

Result<std::optional<MembershipView>> OrgStore::FindMembership(std::string_view org_id,
                                                               std::string_view user_id) {
  HOWLER_ASSIGN_OR_RETURN(
      auto rs, db_.Query({std::string("SELECT ") + kOrgColumns +
                              ", m.role FROM organizations o JOIN organization_members m ON "
                              "m.organization_id = o.id WHERE o.id = ? AND m.user_id = ? AND "
                              "o.deleted_at IS NULL",
                          {std::string(org_id), std::string(user_id)}}));
  if (rs.empty()) return std::optional<MembershipView>();
  return std::optional<MembershipView>(
      MembershipView{OrgFromRow(rs.rows[0], 0), AsText(rs.rows[0][kOrgColumnCount])});
}

Result<std::vector<MembershipView>> OrgStore::ListForUser(std::string_view user_id) {
  HOWLER_ASSIGN_OR_RETURN(
      auto rs, db_.Query({std::string("SELECT ") + kOrgColumns +
                              ", m.role FROM organization_members m JOIN organizations o ON "
                              "o.id = m.organization_id WHERE m.user_id = ? AND "
                              "o.deleted_at IS NULL ORDER BY o.created_at, o.id",
                          {std::string(user_id)}}));
  std::vector<MembershipView> out;
  out.reserve(rs.rows.size());
  for (const Row& r : rs.rows) {
    out.push_back({OrgFromRow(r, 0), AsText(r[kOrgColumnCount])});
  }
  return out;
}

Status OrgStore::Create(const OrganizationRecord& o, const MemberRecord& owner,
                        const AuditRecord& audit) {
  Statement insert{
      "INSERT INTO organizations (id, name, description, owner_id, max_members, "
      "settings, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      {o.id, o.name, o.description, o.owner_id, o.max_members, o.settings, o.created_at,
       o.updated_at}};
  // The organization's sync space (DESIGN.md "Organizations"): the sync tables key rows by
  // a users row, so the space has one, with the organization's id: never active, no usable
  // password (a single '!' is no Argon2 string), tier 'team'.
  Statement space{
      "INSERT INTO users (id, username, username_key, email, password_hash, role, "
      "tier, email_verified, active, created_at, updated_at) "
      "VALUES (?, ?, ?, ?, '!', 'organization', 'team', 0, 0, ?, ?)",
      {o.id, "org-" + o.id, "org-" + o.id, o.id + "@organizations.invalid", o.created_at,
       o.created_at}};
  return Done(
      db_.Batch({std::move(space), std::move(insert), InsertMember(owner), InsertAudit(audit)}));
}

Status OrgStore::Update(const OrganizationRecord& o, const AuditRecord& audit) {
  Statement update{
      "UPDATE organizations SET name = ?, description = ?, max_members = ?, "
      "updated_at = ? WHERE id = ? AND deleted_at IS NULL",
      {o.name, o.description, o.max_members, o.updated_at, o.id}};
  return Done(db_.Batch({std::move(update), InsertAudit(audit)}));
}

Result<bool> OrgStore::SoftDelete(std::string_view org_id, std::int64_t now,
                                  const AuditRecord& audit) {
  // The audit entry first, under the same condition, so that both apply or neither.
  const std::string alone =
      "(SELECT COUNT(*) FROM organization_members WHERE organization_id = ?) <= 1";
  Statement log = InsertAuditWhere(audit, alone, {std::string(org_id)});
  Statement del{
      "UPDATE organizations SET deleted_at = ?, updated_at = ? WHERE id = ? AND "
      "deleted_at IS NULL AND " +
          alone + " RETURNING id",
      {now, now, std::string(org_id), std::string(org_id)}};
  return GuardedBatch(db_, {std::move(log), std::move(del)}, 1);
}

Result<std::vector<MemberRecord>> OrgStore::ListMembers(std::string_view org_id) {
  HOWLER_ASSIGN_OR_RETURN(
      auto rs, db_.Query({std::string("SELECT ") + kMemberColumns +
                              " FROM organization_members m JOIN users u ON u.id = m.user_id "
                              "WHERE m.organization_id = ? ORDER BY m.joined_at, m.id",
                          {std::string(org_id)}}));
  std::vector<MemberRecord> out;
  for (const Row& r : rs.rows) out.push_back(MemberFromRow(r));
  return out;
}

Result<std::optional<MemberRecord>> OrgStore::FindMember(std::string_view org_id,
                                                         std::string_view user_id) {
  HOWLER_ASSIGN_OR_RETURN(
      auto rs, db_.Query({std::string("SELECT ") + kMemberColumns +
                              " FROM organization_members m JOIN users u ON u.id = m.user_id "
                              "WHERE m.organization_id = ? AND m.user_id = ?",
                          {std::string(org_id), std::string(user_id)}}));
  if (rs.empty()) return std::optional<MemberRecord>();
  return std::optional<MemberRecord>(MemberFromRow(rs.rows[0]));
}

Status OrgStore::SetRole(std::string_view org_id, std::string_view user_id, std::string_view role,
                         const AuditRecord& audit) {
  Statement update{
      "UPDATE organization_members SET role = ? WHERE organization_id = ? AND "
      "user_id = ? AND role <> 'owner'",
      {std::string(role), std::string(org_id), std::string(user_id)}};
  return Done(db_.Batch({std::move(update), InsertAudit(audit)}));
}

Status OrgStore::TransferOwnership(std::string_view org_id, std::string_view old_owner,
                                   std::string_view new_owner, std::int64_t now,
                                   const AuditRecord& audit) {
  const std::string org(org_id);
  return Done(db_.Batch(
      {{"UPDATE organization_members SET role = 'admin' WHERE organization_id = ? AND user_id = ?",
        {org, std::string(old_owner)}},
       {"UPDATE organization_members SET role = 'owner' WHERE organization_id = ? AND user_id = ?",
        {org, std::string(new_owner)}},
       {"UPDATE organizations SET owner_id = ?, updated_at = ? WHERE id = ?",
        {std::string(new_owner), now, org}},
       InsertAudit(audit)}));
}

Status OrgStore::RemoveMember(std::string_view org_id, std::string_view user_id,
                              const AuditRecord& audit) {
  Statement del{
      "DELETE FROM organization_members WHERE organization_id = ? AND user_id = ? AND "
      "role <> 'owner'",
      {std::string(org_id), std::string(user_id)}};
  return Done(db_.Batch({std::move(del), InsertAudit(audit)}));
}

Status OrgStore::CreateInvitation(const InvitationRecord& i, std::string_view token_hash,
                                  const AuditRecord& audit) {
  Statement insert{
      "INSERT INTO organization_invitations (id, organization_id, email, role, "
      "invited_by, token_hash, expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      {i.id, i.organization_id, i.email, i.role, i.invited_by, std::string(token_hash),
       i.expires_at, i.created_at}};
  return Done(db_.Batch({std::move(insert), InsertAudit(audit)}));
}

Result<std::vector<InvitationRecord>> OrgStore::ListOpenInvitations(std::string_view org_id) {
  HOWLER_ASSIGN_OR_RETURN(
      auto rs, db_.Query({std::string("SELECT ") + kInvitationColumns +
                              " FROM organization_invitations i WHERE i.organization_id = ? "
                              "AND i." +
                              "accepted_at IS NULL AND i.declined_at IS NULL AND i.revoked_at "
                              "IS NULL ORDER BY i.created_at DESC, i.id DESC",
                          {std::string(org_id)}}));
  std::vector<InvitationRecord> out;
  for (const Row& r : rs.rows) out.push_back(InvitationFromRow(r));
  return out;
}

Result<std::optional<InvitationRecord>> OrgStore::FindOpenInvitationFor(std::string_view org_id,
                                                                        std::string_view email) {
  HOWLER_ASSIGN_OR_RETURN(
      auto rs, db_.Query({std::string("SELECT ") + kInvitationColumns +
                              " FROM organization_invitations i WHERE i.organization_id = ? AND "
                              "i.email = ? AND " +
                              kOpen + " LIMIT 1",
                          {std::string(org_id), std::string(email)}}));
  if (rs.empty()) return std::optional<InvitationRecord>();
  return std::optional<InvitationRecord>(InvitationFromRow(rs.rows[0]));
}

Result<std::optional<InvitationView>> OrgStore::FindInvitation(std::string_view invitation_id) {
  HOWLER_ASSIGN_OR_RETURN(
      auto rs, db_.Query({InvitationViewSelect() + "i.id = ?", {std::string(invitation_id)}}));
  if (rs.empty()) return std::optional<InvitationView>();
  return std::optional<InvitationView>(InvitationViewFromRow(rs.rows[0]));
}

Result<std::optional<InvitationView>> OrgStore::FindInvitationByTokenHash(
    std::string_view token_hash) {
  HOWLER_ASSIGN_OR_RETURN(
      auto rs, db_.Query({InvitationViewSelect() + "i.token_hash = ?", {std::string(token_hash)}}));
  if (rs.empty()) return std::optional<InvitationView>();
  return std::optional<InvitationView>(InvitationViewFromRow(rs.rows[0]));
}

Result<std::vector<InvitationView>> OrgStore::PendingFor(std::string_view email, std::int64_t now) {
  HOWLER_ASSIGN_OR_RETURN(
      auto rs, db_.Query({InvitationViewSelect() +
                              "i.email = ? AND i.accepted_at IS NULL AND i.declined_at IS NULL "
                              "AND i.revoked_at IS NULL AND i.expires_at > ? "
                              "ORDER BY i.created_at DESC, i.id DESC LIMIT 500",
                          {std::string(email), now}}));
  std::vector<InvitationView> out;
  for (const Row& r : rs.rows) out.push_back(InvitationViewFromRow(r));
  return out;
}

Result<bool> OrgStore::RevokeInvitation(std::string_view org_id, std::string_view invitation_id,
                                        std::int64_t now, const AuditRecord& audit) {
  const std::vector<Value> key{std::string(invitation_id), std::string(org_id)};
  Statement revoke{std::string("UPDATE organization_invitations SET revoked_at = ? WHERE id = ? "
                               "AND organization_id = ? AND ") +
                       kOpen + " RETURNING id",
                   {now, key[0], key[1]}};
  return GuardedBatch(db_,
                      {InsertAuditWhere(audit, OpenInvitationExists(), key), std::move(revoke)}, 1);
}

Result<bool> OrgStore::RenewInvitation(std::string_view org_id, std::string_view invitation_id,
                                       std::string_view token_hash, std::int64_t expires_at,
                                       const AuditRecord& audit) {
  Statement renew{
      std::string("UPDATE organization_invitations SET token_hash = ?, expires_at = ? "
                  "WHERE id = ? AND organization_id = ? AND ") +
          kOpen + " RETURNING id",
      {std::string(token_hash), expires_at, std::string(invitation_id), std::string(org_id)}};
  const std::vector<Value> key{std::string(invitation_id), std::string(org_id)};
  return GuardedBatch(db_, {InsertAuditWhere(audit, OpenInvitationExists(), key), std::move(renew)},
                      1);
}

Result<bool> OrgStore::AcceptInvitation(std::string_view invitation_id, std::string_view email,
                                        const MemberRecord& member, std::int64_t now,
                                        const AuditRecord& audit) {
  // Every statement applies only while the invitation is open; its consumption comes last,
  // so inside the batch's transaction they apply exactly when this call consumes it.
  const std::string usable = std::string(
                                 " FROM organization_invitations WHERE id = ? AND "
                                 "email = ? AND expires_at > ? AND ") +
                             kOpen;
  const std::vector<Value> usable_params{std::string(invitation_id), std::string(email), now};
  Statement add{
      "INSERT INTO organization_members (id, organization_id, user_id, role, "
      "invited_by, joined_at) SELECT ?, organization_id, ?, role, invited_by, ?" +
          usable + " ON CONFLICT (organization_id, user_id) DO NOTHING",
      {member.id, member.user_id, now}};
  add.params.insert(add.params.end(), usable_params.begin(), usable_params.end());
  Statement log = InsertAuditWhere(audit, "EXISTS (SELECT 1" + usable + ")", usable_params);
  Statement consume{
      "UPDATE organization_invitations SET accepted_at = ? WHERE id = ? AND "
      "email = ? AND expires_at > ? AND " +
          std::string(kOpen) + " RETURNING id",
      {now, std::string(invitation_id), std::string(email), now}};
  return GuardedBatch(db_, {std::move(add), std::move(log), std::move(consume)}, 2);
}

Result<bool> OrgStore::DeclineInvitation(std::string_view invitation_id, std::string_view email,
                                         std::int64_t now, const AuditRecord& audit) {
  const std::string open =
      std::string("organization_invitations WHERE id = ? AND email = ? AND ") + kOpen;
  const std::vector<Value> key{std::string(invitation_id), std::string(email)};
  Statement decline{
      "UPDATE organization_invitations SET declined_at = ? WHERE id = ? AND "
      "email = ? AND " +
          std::string(kOpen) + " RETURNING id",
      {now, key[0], key[1]}};
  Statement log = InsertAuditWhere(audit, "EXISTS (SELECT 1 FROM " + open + ")", key);
  return GuardedBatch(db_, {std::move(log), std::move(decline)}, 1);
}

Status OrgStore::AppendAudit(const AuditRecord& audit) {
  return Done(db_.Batch({InsertAudit(audit)}));
}

Result<std::vector<AuditRecord>> OrgStore::ListAudit(std::string_view org_id, const AuditQuery& q) {
  Statement s{
      "SELECT id, organization_id, user_id, action, resource_type, resource_id, "
      "ip_address, user_agent, details, created_at FROM organization_audit_logs "
      "WHERE organization_id = ?",
      {std::string(org_id)}};
  auto filter = [&s](const char* clause, Value v) {
    s.sql += clause;
    s.params.push_back(std::move(v));
  };
  if (!q.action.empty()) filter(" AND action = ?", q.action);
  if (!q.resource_type.empty()) filter(" AND resource_type = ?", q.resource_type);
  if (!q.user_id.empty()) filter(" AND user_id = ?", q.user_id);
  if (q.start) filter(" AND created_at >= ?", *q.start);
  if (q.end) filter(" AND created_at <= ?", *q.end);
  s.sql += " ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?";
  s.params.push_back(q.limit);
  s.params.push_back(q.offset);
  HOWLER_ASSIGN_OR_RETURN(auto rs, db_.Query(s));
  std::vector<AuditRecord> out;
  for (const Row& r : rs.rows) {
    out.push_back({AsText(r[0]), AsText(r[1]), AsText(r[2]), AsText(r[3]), AsText(r[4]),
                   AsOptionalText(r[5]), AsText(r[6]), AsText(r[7]), AsText(r[8], "{}"),
                   AsInt(r[9])});
  }
  return out;
}

}  // namespace howler::storage
