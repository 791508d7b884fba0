#include "orgs/roles.h"

#include <gtest/gtest.h>

namespace howler::orgs {
namespace {

constexpr Role kAll[] = {Role::kOwner, Role::kAdmin, Role::kMember};

TEST(RolesTest, ParseOnlyTheThreeExactNames) {
  EXPECT_EQ(ParseRole("owner"), Role::kOwner);
  EXPECT_EQ(ParseRole("admin"), Role::kAdmin);
  EXPECT_EQ(ParseRole("member"), Role::kMember);
  EXPECT_FALSE(ParseRole("Owner").has_value());
  EXPECT_FALSE(ParseRole("viewer").has_value());
  EXPECT_FALSE(ParseRole("").has_value());
  for (Role r : kAll) EXPECT_EQ(ParseRole(RoleName(r)), r);
}

TEST(RolesTest, PermissionTableIsTheClients) {
  // Everybody views and creates.
  for (Role r : kAll) {
    for (Permission p :
         {Permission::kOrgView, Permission::kConnectionsView, Permission::kConnectionsCreate,
          Permission::kQueriesView, Permission::kQueriesCreate}) {
      EXPECT_TRUE(HasPermission(r, p));
    }
  }
  // Owner and admin manage; members do not.
  for (Permission p :
       {Permission::kOrgUpdate, Permission::kMembersInvite, Permission::kMembersRemove,
        Permission::kMembersUpdateRoles, Permission::kAuditView, Permission::kConnectionsUpdate,
        Permission::kConnectionsDelete, Permission::kQueriesUpdate, Permission::kQueriesDelete}) {
    EXPECT_TRUE(HasPermission(Role::kOwner, p));
    EXPECT_TRUE(HasPermission(Role::kAdmin, p));
    EXPECT_FALSE(HasPermission(Role::kMember, p));
  }
  EXPECT_TRUE(HasPermission(Role::kOwner, Permission::kOrgDelete));
  EXPECT_FALSE(HasPermission(Role::kAdmin, Permission::kOrgDelete));
  EXPECT_FALSE(HasPermission(Role::kMember, Permission::kOrgDelete));
  EXPECT_EQ(Require(Role::kMember, Permission::kAuditView, "x").code(),
            StatusCode::kPermissionDenied);
}

TEST(RolesTest, InvitationsByRole) {
  EXPECT_TRUE(CheckInvite(Role::kOwner, Role::kAdmin).ok());
  EXPECT_TRUE(CheckInvite(Role::kOwner, Role::kMember).ok());
  EXPECT_TRUE(CheckInvite(Role::kAdmin, Role::kMember).ok());
  EXPECT_EQ(CheckInvite(Role::kAdmin, Role::kAdmin).code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(CheckInvite(Role::kMember, Role::kMember).code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(CheckInvite(Role::kOwner, Role::kOwner).code(), StatusCode::kInvalidArgument);
}

TEST(RolesTest, RoleChanges) {
  EXPECT_EQ(*CheckRoleChange(Role::kOwner, Role::kMember, Role::kAdmin), RoleChange::kPlain);
  EXPECT_EQ(*CheckRoleChange(Role::kOwner, Role::kAdmin, Role::kMember), RoleChange::kPlain);
  EXPECT_EQ(*CheckRoleChange(Role::kOwner, Role::kAdmin, Role::kOwner), RoleChange::kTransfer);
  EXPECT_EQ(*CheckRoleChange(Role::kAdmin, Role::kMember, Role::kAdmin), RoleChange::kPlain);
  // The owner's role is fixed; only the owner grants owner; members change nothing.
  EXPECT_EQ(CheckRoleChange(Role::kAdmin, Role::kOwner, Role::kMember).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(CheckRoleChange(Role::kOwner, Role::kOwner, Role::kAdmin).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(CheckRoleChange(Role::kAdmin, Role::kMember, Role::kOwner).status().code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(CheckRoleChange(Role::kMember, Role::kMember, Role::kAdmin).status().code(),
            StatusCode::kPermissionDenied);
}

TEST(RolesTest, Removals) {
  EXPECT_TRUE(CheckRemoval(Role::kOwner, Role::kAdmin, false).ok());
  EXPECT_TRUE(CheckRemoval(Role::kOwner, Role::kMember, false).ok());
  EXPECT_TRUE(CheckRemoval(Role::kAdmin, Role::kMember, false).ok());
  EXPECT_EQ(CheckRemoval(Role::kAdmin, Role::kAdmin, false).code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(CheckRemoval(Role::kAdmin, Role::kOwner, false).code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(CheckRemoval(Role::kMember, Role::kMember, false).code(),
            StatusCode::kPermissionDenied);
  // Leaving: anybody but the owner.
  EXPECT_TRUE(CheckRemoval(Role::kMember, Role::kMember, true).ok());
  EXPECT_TRUE(CheckRemoval(Role::kAdmin, Role::kAdmin, true).ok());
  EXPECT_EQ(CheckRemoval(Role::kOwner, Role::kOwner, true).code(), StatusCode::kInvalidArgument);
}

TEST(RolesTest, ResourceOwnership) {
  EXPECT_TRUE(CanModifyResource(Role::kOwner, "a", "b"));
  EXPECT_TRUE(CanModifyResource(Role::kAdmin, "a", "b"));
  EXPECT_TRUE(CanModifyResource(Role::kMember, "a", "a"));
  EXPECT_FALSE(CanModifyResource(Role::kMember, "a", "b"));
}

}  // namespace
}  // namespace howler::orgs
