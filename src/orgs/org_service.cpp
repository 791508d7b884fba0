#include "orgs/org_service.h"

#include <algorithm>
#include <utility>

#include "common/crypto.h"
#include "common/json_text.h"
#include "common/utf8.h"
#include "email/email_address.h"
#include "orgs/roles.h"

namespace howler::orgs {
namespace {

constexpr std::size_t kTokenBytes = 32;

std::size_t CharCount(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

Status CheckName(std::string_view name) {
  if (!IsCleanText(name))
    return InvalidArgumentError("name must be text without control characters");
  const std::size_t n = CharCount(name);
  if (n < 3 || n > 50) return InvalidArgumentError("name must be 3 to 50 characters");
  return Status::Ok();
}

Status CheckDescription(std::string_view description) {
  if (!IsValidUtf8(description) || CharCount(description) > 500) {
    return InvalidArgumentError("description must be at most 500 characters");
  }
  return Status::Ok();
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string TokenHash(std::string_view token) {
  return HexEncode(Sha256(token));
}

// {"key":"value",...} from pairs of plain strings.
std::string Details(std::initializer_list<std::pair<std::string_view, std::string_view>> pairs) {
  std::string out = "{";
  for (const auto& [k, v] : pairs) {
    if (out.size() > 1) out += ',';
    AppendJsonString(out, k);
    out += ':';
    AppendJsonString(out, v);
  }
  return out + "}";
}

Role RoleOf(const std::string& text) {
  return ParseRole(text).value_or(Role::kMember);
}

Status NotFound() {
  return NotFoundError("organization not found");
}

}  // namespace

OrgService::OrgService(storage::OrgStore& store, email::Mailer& mailer, const Clock& clock,
                       OrgOptions options)
    : store_(store), mailer_(mailer), clock_(clock), options_(options) {}

Result<storage::MembershipView> OrgService::Membership(const Caller& caller,
                                                       std::string_view org_id) {
  HOWLER_ASSIGN_OR_RETURN(auto view, store_.FindMembership(org_id, caller.user_id));
  if (!view) return NotFound();
  return std::move(*view);
}

storage::AuditRecord OrgService::Entry(const Caller& caller, std::string_view org_id,
                                       std::string action, std::string resource_type,
                                       std::optional<std::string> resource_id,
                                       std::string details) {
  storage::AuditRecord a;
  a.id = ids_.Next(clock_.Now());
  a.organization_id = std::string(org_id);
  a.user_id = caller.user_id;
  a.action = std::move(action);
  a.resource_type = std::move(resource_type);
  a.resource_id = std::move(resource_id);
  a.ip_address = ToCleanText(caller.ip_address, 64);
  a.user_agent = ToCleanText(caller.user_agent, 512);
  a.details = std::move(details);
  a.created_at = clock_.NowMillis();
  return a;
}

std::int64_t OrgService::MaxOwned(std::string_view tier) const {
  if (tier == "team") return options_.max_owned_team;
  if (tier == "individual") return options_.max_owned_individual;
  return options_.max_owned_free;
}

Result<std::vector<storage::MembershipView>> OrgService::List(const Caller& caller) {
  return store_.ListForUser(caller.user_id);
}

Result<storage::MembershipView> OrgService::Create(const Caller& caller, std::string_view name,
                                                   std::string_view description) {
  HOWLER_RETURN_IF_ERROR(CheckName(name));
  HOWLER_RETURN_IF_ERROR(CheckDescription(description));
  HOWLER_ASSIGN_OR_RETURN(auto user, store_.FindUser(caller.user_id));
  if (!user) return NotFoundError("user not found");
  HOWLER_ASSIGN_OR_RETURN(std::int64_t owned, store_.CountOwned(caller.user_id));
  if (owned >= MaxOwned(user->tier)) {
    return FailedPreconditionError("organization limit of your plan reached (" +
                                   std::to_string(MaxOwned(user->tier)) + ")");
  }
  const std::int64_t now = clock_.NowMillis();
  storage::OrganizationRecord org;
  org.id = ids_.Next(clock_.Now());
  org.name = std::string(name);
  org.description = std::string(description);
  org.owner_id = caller.user_id;
  org.max_members = options_.default_max_members;
  org.created_at = org.updated_at = now;
  org.member_count = 1;
  storage::MemberRecord owner{
      ids_.Next(clock_.Now()), org.id, caller.user_id, "owner", std::nullopt, now};
  HOWLER_RETURN_IF_ERROR(store_.Create(org, owner,
                                       Entry(caller, org.id, "organization.created", "organization",
                                             org.id, Details({{"name", org.name}}))));
  return storage::MembershipView{std::move(org), "owner"};
}

Result<storage::MembershipView> OrgService::Get(const Caller& caller, std::string_view org_id) {
  return Membership(caller, org_id);
}

Result<storage::MembershipView> OrgService::Update(const Caller& caller, std::string_view org_id,
                                                   const OrganizationPatch& patch) {
  HOWLER_ASSIGN_OR_RETURN(auto view, Membership(caller, org_id));
  HOWLER_RETURN_IF_ERROR(
      Require(RoleOf(view.role), Permission::kOrgUpdate, "update this organization"));
  storage::OrganizationRecord& org = view.organization;
  if (patch.name) {
    HOWLER_RETURN_IF_ERROR(CheckName(*patch.name));
    org.name = *patch.name;
  }
  if (patch.description) {
    HOWLER_RETURN_IF_ERROR(CheckDescription(*patch.description));
    org.description = *patch.description;
  }
  if (patch.max_members) {
    if (*patch.max_members < 1 || *patch.max_members > 1000) {
      return InvalidArgumentError("max_members must be 1 to 1000");
    }
    if (*patch.max_members < org.member_count) {
      return FailedPreconditionError("max_members is below the current member count");
    }
    org.max_members = *patch.max_members;
  }
  org.updated_at = clock_.NowMillis();
  HOWLER_RETURN_IF_ERROR(
      store_.Update(org, Entry(caller, org.id, "organization.updated", "organization", org.id,
                               Details({{"name", org.name}}))));
  return view;
}

Status OrgService::Delete(const Caller& caller, std::string_view org_id) {
  HOWLER_ASSIGN_OR_RETURN(auto view, Membership(caller, org_id));
  HOWLER_RETURN_IF_ERROR(
      Require(RoleOf(view.role), Permission::kOrgDelete, "delete this organization"));
  HOWLER_ASSIGN_OR_RETURN(
      bool deleted, store_.SoftDelete(org_id, clock_.NowMillis(),
                                      Entry(caller, org_id, "organization.deleted", "organization",
                                            std::string(org_id))));
  if (!deleted) {
    return FailedPreconditionError("remove the other members before deleting the organization");
  }
  return Status::Ok();
}

Result<std::vector<storage::MemberRecord>> OrgService::Members(const Caller& caller,
                                                               std::string_view org_id) {
  HOWLER_RETURN_IF_ERROR(Membership(caller, org_id).status());
  return store_.ListMembers(org_id);
}

Status OrgService::ChangeRole(const Caller& caller, std::string_view org_id,
                              std::string_view user_id, std::string_view role) {
  const std::optional<Role> wanted = ParseRole(role);
  if (!wanted) return InvalidArgumentError("role must be owner, admin or member");
  HOWLER_ASSIGN_OR_RETURN(auto view, Membership(caller, org_id));
  HOWLER_ASSIGN_OR_RETURN(auto target, store_.FindMember(org_id, user_id));
  if (!target) return NotFoundError("member not found");
  HOWLER_ASSIGN_OR_RETURN(RoleChange change,
                          CheckRoleChange(RoleOf(view.role), RoleOf(target->role), *wanted));
  auto entry = Entry(caller, org_id, "member.role_updated", "member", std::string(user_id),
                     Details({{"from", target->role}, {"to", RoleName(*wanted)}}));
  if (change == RoleChange::kTransfer) {
    return store_.TransferOwnership(org_id, caller.user_id, user_id, clock_.NowMillis(), entry);
  }
  return store_.SetRole(org_id, user_id, RoleName(*wanted), entry);
}

Status OrgService::RemoveMember(const Caller& caller, std::string_view org_id,
                                std::string_view user_id) {
  HOWLER_ASSIGN_OR_RETURN(auto view, Membership(caller, org_id));
  HOWLER_ASSIGN_OR_RETURN(auto target, store_.FindMember(org_id, user_id));
  if (!target) return NotFoundError("member not found");
  const bool self = user_id == caller.user_id;
  HOWLER_RETURN_IF_ERROR(CheckRemoval(RoleOf(view.role), RoleOf(target->role), self));
  return store_.RemoveMember(
      org_id, user_id,
      Entry(caller, org_id, "member.removed", "member", std::string(user_id),
            Details({{"role", target->role}, {"left", self ? "true" : "false"}})));
}

void OrgService::Mail(const storage::InvitationRecord& invitation,
                      const storage::OrganizationRecord& org, std::string_view inviter,
                      const std::string& token) {
  email::EmailMessage message{email::EmailType::kInvitation, invitation.email, "", token};
  message.organization = org.name;
  message.inviter = std::string(inviter);
  message.role = invitation.role;
  mailer_.Send(std::move(message));
}

Result<storage::InvitationRecord> OrgService::Invite(const Caller& caller, std::string_view org_id,
                                                     std::string_view email,
                                                     std::string_view role) {
  const std::string address = Lower(email);
  if (address.size() > 254 || !email::IsValidAddress(address)) {
    return InvalidArgumentError("email must be a valid email address");
  }
  const std::optional<Role> invited = ParseRole(role.empty() ? "member" : role);
  if (!invited) return InvalidArgumentError("role must be admin or member");
  HOWLER_ASSIGN_OR_RETURN(auto view, Membership(caller, org_id));
  HOWLER_RETURN_IF_ERROR(CheckInvite(RoleOf(view.role), *invited));
  HOWLER_ASSIGN_OR_RETURN(auto members, store_.ListMembers(org_id));
  for (const auto& m : members) {
    if (m.email == address) return AlreadyExistsError("this person is already a member");
  }
  if (static_cast<std::int64_t>(members.size()) >= view.organization.max_members) {
    return FailedPreconditionError("the organization has reached its member limit");
  }
  HOWLER_ASSIGN_OR_RETURN(auto open, store_.FindOpenInvitationFor(org_id, address));
  if (open) return AlreadyExistsError("an invitation to this email is already open; resend it");
  HOWLER_ASSIGN_OR_RETURN(auto inviter, store_.FindUser(caller.user_id));
  const std::int64_t now = clock_.NowMillis();
  storage::InvitationRecord inv;
  inv.id = ids_.Next(clock_.Now());
  inv.organization_id = std::string(org_id);
  inv.email = address;
  inv.role = std::string(RoleName(*invited));
  inv.invited_by = caller.user_id;
  inv.created_at = now;
  inv.expires_at = now + options_.invitation_ttl.count();
  const std::string token = Base64UrlEncode(RandomBytes(kTokenBytes));
  HOWLER_RETURN_IF_ERROR(
      store_.CreateInvitation(inv, TokenHash(token),
                              Entry(caller, org_id, "invitation.created", "invitation", inv.id,
                                    Details({{"email", inv.email}, {"role", inv.role}}))));
  Mail(inv, view.organization, inviter ? inviter->username : "", token);
  return inv;
}

Result<std::vector<storage::InvitationRecord>> OrgService::Invitations(const Caller& caller,
                                                                       std::string_view org_id) {
  HOWLER_ASSIGN_OR_RETURN(auto view, Membership(caller, org_id));
  HOWLER_RETURN_IF_ERROR(Require(RoleOf(view.role), Permission::kMembersInvite, "see invitations"));
  return store_.ListOpenInvitations(org_id);
}

Status OrgService::Revoke(const Caller& caller, std::string_view org_id,
                          std::string_view invitation_id) {
  HOWLER_ASSIGN_OR_RETURN(auto view, Membership(caller, org_id));
  HOWLER_RETURN_IF_ERROR(
      Require(RoleOf(view.role), Permission::kMembersInvite, "revoke invitations"));
  HOWLER_ASSIGN_OR_RETURN(bool revoked,
                          store_.RevokeInvitation(org_id, invitation_id, clock_.NowMillis(),
                                                  Entry(caller, org_id, "invitation.revoked",
                                                        "invitation", std::string(invitation_id))));
  if (!revoked) return NotFoundError("invitation not found");
  return Status::Ok();
}

Result<storage::InvitationRecord> OrgService::Resend(const Caller& caller, std::string_view org_id,
                                                     std::string_view invitation_id) {
  HOWLER_ASSIGN_OR_RETURN(auto view, Membership(caller, org_id));
  HOWLER_RETURN_IF_ERROR(
      Require(RoleOf(view.role), Permission::kMembersInvite, "resend invitations"));
  HOWLER_ASSIGN_OR_RETURN(auto found, store_.FindInvitation(invitation_id));
  if (!found || found->invitation.organization_id != org_id) {
    return NotFoundError("invitation not found");
  }
  storage::InvitationRecord inv = found->invitation;
  inv.expires_at = clock_.NowMillis() + options_.invitation_ttl.count();
  const std::string token = Base64UrlEncode(RandomBytes(kTokenBytes));
  HOWLER_ASSIGN_OR_RETURN(
      bool renewed, store_.RenewInvitation(org_id, invitation_id, TokenHash(token), inv.expires_at,
                                           Entry(caller, org_id, "invitation.resent", "invitation",
                                                 inv.id, Details({{"email", inv.email}}))));
  if (!renewed) return NotFoundError("invitation not found");
  HOWLER_ASSIGN_OR_RETURN(auto inviter, store_.FindUser(caller.user_id));
  Mail(inv, view.organization, inviter ? inviter->username : "", token);
  return inv;
}

Result<storage::OrgUser> OrgService::VerifiedCaller(const Caller& caller) {
  HOWLER_ASSIGN_OR_RETURN(auto user, store_.FindUser(caller.user_id));
  if (!user) return NotFoundError("user not found");
  if (!user->email_verified) {
    return PermissionDeniedError("verify your email address to answer invitations");
  }
  return std::move(*user);
}

Result<std::vector<InvitationView>> OrgService::Pending(const Caller& caller) {
  HOWLER_ASSIGN_OR_RETURN(auto user, store_.FindUser(caller.user_id));
  if (!user || !user->email_verified) return std::vector<InvitationView>();
  return store_.PendingFor(user->email, clock_.NowMillis());
}

Result<InvitationView> OrgService::Lookup(std::string_view token) {
  if (token.empty() || token.size() > 128) return NotFoundError("invitation not found");
  HOWLER_ASSIGN_OR_RETURN(auto found, store_.FindInvitationByTokenHash(TokenHash(token)));
  // Looked up by the token's SHA-256 (the way auth finds its tokens): timing reveals
  // nothing about the token itself.
  if (!found || found->invitation.revoked_at || found->invitation.declined_at) {
    return NotFoundError("invitation not found");
  }
  return std::move(*found);
}

Status OrgService::Accept(const Caller& caller, std::string_view invitation_id) {
  HOWLER_ASSIGN_OR_RETURN(auto user, VerifiedCaller(caller));
  HOWLER_ASSIGN_OR_RETURN(auto found, store_.FindInvitation(invitation_id));
  if (!found || found->invitation.email != user.email) {
    return NotFoundError("invitation not found");
  }
  const storage::InvitationRecord& inv = found->invitation;
  const std::int64_t now = clock_.NowMillis();
  if (inv.accepted_at || inv.declined_at || inv.revoked_at) {
    return FailedPreconditionError("this invitation was already answered or revoked");
  }
  if (inv.expires_at <= now) return FailedPreconditionError("this invitation has expired");
  if (found->organization.member_count >= found->organization.max_members) {
    return FailedPreconditionError("the organization has reached its member limit");
  }
  storage::MemberRecord member{
      ids_.Next(clock_.Now()), inv.organization_id, caller.user_id, inv.role, inv.invited_by, now};
  HOWLER_ASSIGN_OR_RETURN(
      bool accepted,
      store_.AcceptInvitation(
          invitation_id, user.email, member, now,
          Entry(caller, inv.organization_id, "invitation.accepted", "invitation", inv.id,
                Details({{"role", inv.role}, {"user_id", caller.user_id}}))));
  if (!accepted) return FailedPreconditionError("this invitation is no longer open");
  return Status::Ok();
}

Status OrgService::Decline(const Caller& caller, std::string_view invitation_id) {
  HOWLER_ASSIGN_OR_RETURN(auto user, VerifiedCaller(caller));
  HOWLER_ASSIGN_OR_RETURN(auto found, store_.FindInvitation(invitation_id));
  if (!found || found->invitation.email != user.email) {
    return NotFoundError("invitation not found");
  }
  HOWLER_ASSIGN_OR_RETURN(
      bool declined, store_.DeclineInvitation(
                         invitation_id, user.email, clock_.NowMillis(),
                         Entry(caller, found->invitation.organization_id, "invitation.declined",
                               "invitation", std::string(invitation_id))));
  if (!declined) return FailedPreconditionError("this invitation was already answered or revoked");
  return Status::Ok();
}

Result<std::string> OrgService::SyncSpace(const Caller& caller, std::string_view org_id,
                                          SpaceUse use) {
  HOWLER_ASSIGN_OR_RETURN(auto view, Membership(caller, org_id));
  if (use == SpaceUse::kDelete) {
    HOWLER_RETURN_IF_ERROR(Require(RoleOf(view.role), Permission::kConnectionsDelete,
                                   "delete the organization's shared items"));
  }
  return view.organization.id;
}

Result<std::string> OrgService::RoleIn(const Caller& caller, std::string_view org_id) {
  HOWLER_ASSIGN_OR_RETURN(auto view, Membership(caller, org_id));
  return view.role;
}

Status OrgService::RecordSharing(const Caller& caller, std::string_view org_id, std::string action,
                                 std::string resource_type, std::string resource_id) {
  return store_.AppendAudit(
      Entry(caller, org_id, std::move(action), std::move(resource_type), std::move(resource_id)));
}

Result<std::vector<storage::AuditRecord>> OrgService::Audit(const Caller& caller,
                                                            std::string_view org_id,
                                                            storage::AuditQuery query) {
  HOWLER_ASSIGN_OR_RETURN(auto view, Membership(caller, org_id));
  HOWLER_RETURN_IF_ERROR(Require(RoleOf(view.role), Permission::kAuditView, "view the audit log"));
  if (query.limit < 1 || query.limit > 200) {
    return InvalidArgumentError("limit must be 1 to 200");
  }
  if (query.offset < 0) return InvalidArgumentError("offset must not be negative");
  return store_.ListAudit(org_id, query);
}

}  // namespace howler::orgs
