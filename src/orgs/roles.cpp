#include "orgs/roles.h"

#include <string>

namespace howler::orgs {

std::optional<Role> ParseRole(std::string_view text) {
  if (text == "owner") return Role::kOwner;
  if (text == "admin") return Role::kAdmin;
  if (text == "member") return Role::kMember;
  return std::nullopt;
}

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kOwner:
      return "owner";
    case Role::kAdmin:
      return "admin";
    case Role::kMember:
      break;
  }
  return "member";
}

bool HasPermission(Role role, Permission permission) {
  switch (permission) {
    case Permission::kOrgView:
    case Permission::kConnectionsView:
    case Permission::kConnectionsCreate:
    case Permission::kQueriesView:
    case Permission::kQueriesCreate:
      return true;
    case Permission::kOrgDelete:
      return role == Role::kOwner;
    case Permission::kOrgUpdate:
    case Permission::kMembersInvite:
    case Permission::kMembersRemove:
    case Permission::kMembersUpdateRoles:
    case Permission::kAuditView:
    case Permission::kConnectionsUpdate:
    case Permission::kConnectionsDelete:
    case Permission::kQueriesUpdate:
    case Permission::kQueriesDelete:
      break;
  }
  return role == Role::kOwner || role == Role::kAdmin;
}

Status Require(Role role, Permission permission, std::string_view what) {
  if (HasPermission(role, permission)) return Status::Ok();
  return PermissionDeniedError("you do not have permission to " + std::string(what));
}

Status CheckInvite(Role actor, Role invited) {
  HOWLER_RETURN_IF_ERROR(Require(actor, Permission::kMembersInvite, "invite members"));
  if (invited == Role::kOwner) return InvalidArgumentError("role must be admin or member");
  if (actor == Role::kAdmin && invited == Role::kAdmin) {
    return PermissionDeniedError("only the owner may invite admins");
  }
  return Status::Ok();
}

Result<RoleChange> CheckRoleChange(Role actor, Role current, Role wanted) {
  HOWLER_RETURN_IF_ERROR(Require(actor, Permission::kMembersUpdateRoles, "change roles"));
  if (current == Role::kOwner) {
    return InvalidArgumentError("the owner's role cannot be changed; transfer ownership instead");
  }
  if (wanted == Role::kOwner) {
    if (actor != Role::kOwner)
      return PermissionDeniedError("only the owner may transfer ownership");
    return RoleChange::kTransfer;
  }
  return RoleChange::kPlain;
}

Status CheckRemoval(Role actor, Role target, bool self) {
  if (target == Role::kOwner) {
    return self ? InvalidArgumentError("the owner cannot leave; transfer ownership first")
                : PermissionDeniedError("the owner cannot be removed");
  }
  if (self) return Status::Ok();
  HOWLER_RETURN_IF_ERROR(Require(actor, Permission::kMembersRemove, "remove members"));
  if (actor == Role::kAdmin && target != Role::kMember) {
    return PermissionDeniedError("admins may remove members only");
  }
  return Status::Ok();
}

bool CanModifyResource(Role role, std::string_view owner_id, std::string_view user_id) {
  if (role == Role::kOwner || role == Role::kAdmin) return true;
  return owner_id == user_id;
}

}  // namespace howler::orgs
