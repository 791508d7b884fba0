// Roles and permissions of an organization's members (API.md "Organizations",
// "Permissions"): the client's permission table, plus the server's rules for invitations,
// role changes and removals. Pure functions over values; thread-safe.
#pragma once

#include <optional>
#include <string_view>

#include "common/result.h"
#include "common/status.h"

namespace howler::orgs {

enum class Role { kOwner, kAdmin, kMember };

// "owner", "admin", "member"; nullopt for anything else (exact spelling).
std::optional<Role> ParseRole(std::string_view text);
std::string_view RoleName(Role role);

enum class Permission {
  kOrgView,
  kOrgUpdate,
  kOrgDelete,
  kMembersInvite,
  kMembersRemove,
  kMembersUpdateRoles,
  kAuditView,
  kConnectionsView,
  kConnectionsCreate,
  kConnectionsUpdate,
  kConnectionsDelete,
  kQueriesView,
  kQueriesCreate,
  kQueriesUpdate,
  kQueriesDelete,
};

// The client's table: owner everything; admin everything but kOrgDelete; member the views
// and creates.
bool HasPermission(Role role, Permission permission);

// OK, or PERMISSION_DENIED "you do not have permission to ..." naming `what`.
Status Require(Role role, Permission permission, std::string_view what);

// An invitation by `actor` with role `invited`: members:invite; admins invite members
// only; nobody is invited as owner (INVALID_ARGUMENT).
Status CheckInvite(Role actor, Role invited);

// A role change by `actor` of a member holding `current` to `wanted`. members:update_roles;
// the owner's role is fixed (change it by transferring ownership); only the owner grants
// `owner` (a transfer: the caller says so with the result kTransfer); admins change
// admins and members only.
enum class RoleChange { kPlain, kTransfer };
Result<RoleChange> CheckRoleChange(Role actor, Role current, Role wanted);

// A removal by `actor` of a member holding `target`; `self` when they are the same user
// (leaving). Anybody but the owner may leave; the owner is never removed; otherwise
// members:remove, and admins remove members only.
Status CheckRemoval(Role actor, Role target, bool self);

// canUpdateResource: owner and admin always; a member only their own item.
bool CanModifyResource(Role role, std::string_view owner_id, std::string_view user_id);

}  // namespace howler::orgs
