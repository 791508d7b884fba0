// The operation table: every operation of the public API, declared once (operation.h says
// what each column means). Adding an operation is one declaration here, one service method,
// an HTTP handler and a gRPC method that only translate wire shapes.
//
// Sync operations accept the desktop client's license key as well as an access token
// (Access::kSyncCredential); every other operation refuses it.
//
// Sync pages (download) run on the worker pool even on the embedded database: a page of 500
// items takes a millisecond or two, too long to hold an I/O thread other requests share.
#pragma once

#include <array>

#include "api/operation.h"

namespace howler::api {

// Text field limits, shared by the operations that take the field.
inline constexpr std::size_t kDeviceNameMax = 128;
inline constexpr std::size_t kLoginNameMax = 1024;
inline constexpr std::size_t kTokenMax = 1024;
inline constexpr std::size_t kEmailMax = 254;
inline constexpr std::size_t kIdMax = 128;
inline constexpr std::size_t kStrategyMax = 64;

inline constexpr FieldLimit kSignupFields[] = {
    {"username"}, {"email"}, {"password"}, {"device_name", false, kDeviceNameMax}};
inline constexpr FieldLimit kLoginFields[] = {
    {"username", true, kLoginNameMax}, {"password"}, {"device_name", false, kDeviceNameMax}};
inline constexpr FieldLimit kRefreshFields[] = {{"refresh_token", true, kTokenMax}};
inline constexpr FieldLimit kRevokeSessionFields[] = {{"session_id", true, kIdMax}};
inline constexpr FieldLimit kChangePasswordFields[] = {{"current_password"}, {"new_password"}};
inline constexpr FieldLimit kTokenFields[] = {{"token", true, kTokenMax}};
inline constexpr FieldLimit kRequestResetFields[] = {{"email", true, kEmailMax}};
inline constexpr FieldLimit kResetPasswordFields[] = {{"token", true, kTokenMax}, {"new_password"}};
inline constexpr FieldLimit kDeviceFields[] = {{"device_id", true, kIdMax}};
inline constexpr FieldLimit kOptionalDeviceFields[] = {{"device_id", false, kIdMax}};
// Database manager (API.md "Database manager"): text fields of its requests.
inline constexpr std::size_t kDbSqlMax = 1 << 20;
inline constexpr FieldLimit kDbOpenFields[] = {
    {"connection_id", false, kIdMax}, {"type", false, 32},      {"host", false, 255},
    {"database", false, 255},         {"username", false, 255}, {"ssl_mode", false, 32},
    {"password", false, 1024}};
inline constexpr FieldLimit kDbSessionFields[] = {{"session_id", true, kIdMax}};
inline constexpr FieldLimit kDbQueryFields[] = {{"session_id", true, kIdMax},
                                                {"sql", true, kDbSqlMax}};
// Organizations (API.md "Organizations"): text fields of their requests. Names and
// descriptions are also checked in characters by orgs::OrgService (3-50, at most 500).
inline constexpr FieldLimit kOrgFields[] = {{"name", false, 200}, {"description", false, 2000}};
inline constexpr FieldLimit kOrgRoleFields[] = {{"role", true, 16}};
inline constexpr FieldLimit kOrgInviteFields[] = {{"email", true, kEmailMax}, {"role", false, 16}};
// The AI assistant's requests (API.md "AI assistant"); which fields a task needs is checked
// by ai::AiAssistant.
inline constexpr std::size_t kAiTextMax = 8 * 1024;
inline constexpr std::size_t kAiSqlMax = 64 * 1024;
inline constexpr FieldLimit kAiFields[] = {
    {"question", false, kAiTextMax}, {"sql", false, kAiSqlMax},
    {"error", false, kAiTextMax},    {"dialect", false, 64},
    {"session_id", false, kIdMax},   {"connection_id", false, kIdMax}};
inline constexpr FieldLimit kResolveFields[] = {{"conflict_id", true, kIdMax},
                                                {"strategy", true, kStrategyMax},
                                                {"chosen_version", false, kIdMax},
                                                {"device_id", false, kIdMax}};

namespace ops {

inline constexpr Operation kSignup{
    .name = "auth.signup",
    .http_method = "POST",
    .http_path = "/api/auth/signup",
    .grpc_method = "howlerops.v1.AuthService/Signup",
    .access = Access::kPublic,
    .budget = Budget::kAuthPerIp,
    .run_on = RunOn::kHashPool,
    .fields = kSignupFields,
    .success_message = "account created; check your email to verify your address"};
inline constexpr Operation kLogin{.name = "auth.login",
                                  .http_method = "POST",
                                  .http_path = "/api/auth/login",
                                  .grpc_method = "howlerops.v1.AuthService/Login",
                                  .access = Access::kPublic,
                                  .budget = Budget::kAuthPerIp,
                                  .run_on = RunOn::kHashPool,
                                  .fields = kLoginFields};
inline constexpr Operation kRefresh{.name = "auth.refresh",
                                    .http_method = "POST",
                                    .http_path = "/api/auth/refresh",
                                    .grpc_method = "howlerops.v1.AuthService/Refresh",
                                    .access = Access::kPublic,
                                    .budget = Budget::kAuthPerIp,
                                    .run_on = RunOn::kWorker,
                                    .fields = kRefreshFields};
inline constexpr Operation kLogout{.name = "auth.logout",
                                   .http_method = "POST",
                                   .http_path = "/api/auth/logout",
                                   .grpc_method = "howlerops.v1.AuthService/Logout",
                                   .access = Access::kSession,
                                   .budget = Budget::kNone,
                                   .run_on = RunOn::kWorker};
inline constexpr Operation kProfile{.name = "auth.profile",
                                    .http_method = "GET",
                                    .http_path = "/api/auth/profile",
                                    .grpc_method = "howlerops.v1.AuthService/GetProfile",
                                    .access = Access::kSession,
                                    .budget = Budget::kNone,
                                    .run_on = RunOn::kInlineRead};
inline constexpr Operation kMe{.name = "auth.me",
                               .http_method = "GET",
                               .http_path = "/api/auth/me",
                               .access = Access::kSession,
                               .budget = Budget::kNone,
                               .run_on = RunOn::kInlineRead};
inline constexpr Operation kListSessions{.name = "auth.list_sessions",
                                         .http_method = "GET",
                                         .http_path = "/api/auth/sessions",
                                         .grpc_method = "howlerops.v1.AuthService/ListSessions",
                                         .access = Access::kSession,
                                         .budget = Budget::kNone,
                                         .run_on = RunOn::kInlineRead};
inline constexpr Operation kRevokeSession{.name = "auth.revoke_session",
                                          .http_method = "DELETE",
                                          .http_path = "/api/auth/sessions/{id}",
                                          .grpc_method = "howlerops.v1.AuthService/RevokeSession",
                                          .access = Access::kSession,
                                          .budget = Budget::kNone,
                                          .run_on = RunOn::kWorker,
                                          .fields = kRevokeSessionFields,
                                          .success_message = "session revoked"};
inline constexpr Operation kChangePassword{
    .name = "auth.change_password",
    .http_method = "POST",
    .http_path = "/api/auth/change-password",
    .grpc_method = "howlerops.v1.AuthService/ChangePassword",
    .access = Access::kSession,
    .budget = Budget::kAuthPerIp,
    .run_on = RunOn::kHashPool,
    .fields = kChangePasswordFields,
    .success_message = "password changed; other sessions were signed out"};
inline constexpr Operation kVerifyEmail{.name = "auth.verify_email",
                                        .http_method = "POST",
                                        .http_path = "/api/auth/verify-email",
                                        .grpc_method = "howlerops.v1.AuthService/VerifyEmail",
                                        .access = Access::kPublic,
                                        .budget = Budget::kAuthPerIp,
                                        .run_on = RunOn::kWorker,
                                        .fields = kTokenFields,
                                        .success_message = "email verified"};
inline constexpr Operation kResendVerification{
    .name = "auth.resend_verification",
    .http_method = "POST",
    .http_path = "/api/auth/resend-verification",
    .grpc_method = "howlerops.v1.AuthService/ResendVerification",
    .access = Access::kSession,
    .budget = Budget::kAuthPerIp,
    .run_on = RunOn::kWorker,
    .success_message = "verification email sent"};
inline constexpr Operation kRequestPasswordReset{
    .name = "auth.request_password_reset",
    .http_method = "POST",
    .http_path = "/api/auth/request-password-reset",
    .grpc_method = "howlerops.v1.AuthService/RequestPasswordReset",
    .access = Access::kPublic,
    .budget = Budget::kAuthPerIp,
    .run_on = RunOn::kWorker,
    .fields = kRequestResetFields,
    .success_message = "If the email exists, a password reset link has been sent"};
inline constexpr Operation kResetPassword{
    .name = "auth.reset_password",
    .http_method = "POST",
    .http_path = "/api/auth/reset-password",
    .grpc_method = "howlerops.v1.AuthService/ResetPassword",
    .access = Access::kPublic,
    .budget = Budget::kAuthPerIp,
    .run_on = RunOn::kHashPool,
    .fields = kResetPasswordFields,
    .success_message = "password reset; sign in with the new password"};
inline constexpr Operation kUpload{.name = "sync.upload",
                                   .http_method = "POST",
                                   .http_path = "/api/sync/upload",
                                   .grpc_method = "howlerops.v1.SyncService/Upload",
                                   .access = Access::kSyncCredential,
                                   .budget = Budget::kSyncPerUser,
                                   .run_on = RunOn::kWorker,
                                   .fields = kDeviceFields};
inline constexpr Operation kDownload{.name = "sync.download",
                                     .http_method = "GET",
                                     .http_path = "/api/sync/download",
                                     .grpc_method = "howlerops.v1.SyncService/Download",
                                     .access = Access::kSyncCredential,
                                     .budget = Budget::kSyncPerUser,
                                     .run_on = RunOn::kWorker,
                                     .fields = kDeviceFields};
inline constexpr Operation kListConflicts{.name = "sync.list_conflicts",
                                          .http_method = "GET",
                                          .http_path = "/api/sync/conflicts",
                                          .grpc_method = "howlerops.v1.SyncService/ListConflicts",
                                          .access = Access::kSyncCredential,
                                          .budget = Budget::kSyncPerUser,
                                          .run_on = RunOn::kWorker};
inline constexpr Operation kResolveConflict{
    .name = "sync.resolve_conflict",
    .http_method = "POST",
    .http_path = "/api/sync/conflicts/{id}/resolve",
    .grpc_method = "howlerops.v1.SyncService/ResolveConflict",
    .access = Access::kSyncCredential,
    .budget = Budget::kSyncPerUser,
    .run_on = RunOn::kWorker,
    .fields = kResolveFields};
inline constexpr Operation kListDevices{.name = "sync.list_devices",
                                        .http_method = "GET",
                                        .http_path = "/api/sync/devices",
                                        .grpc_method = "howlerops.v1.SyncService/ListDevices",
                                        .access = Access::kSyncCredential,
                                        .budget = Budget::kSyncPerUser,
                                        .run_on = RunOn::kWorker};
// The desktop client's status, health and reset calls (API.md, "The desktop client's sync
// dialect"); HTTP only, since only that client calls them.
inline constexpr Operation kSyncStatus{.name = "sync.status",
                                       .http_method = "GET",
                                       .http_path = "/api/sync/status",
                                       .access = Access::kSyncCredential,
                                       .budget = Budget::kSyncPerUser,
                                       .run_on = RunOn::kWorker,
                                       .fields = kOptionalDeviceFields};
inline constexpr Operation kSyncHealth{.name = "sync.health",
                                       .http_method = "GET",
                                       .http_path = "/api/sync/health",
                                       .access = Access::kSyncCredential,
                                       .budget = Budget::kSyncPerUser,
                                       .run_on = RunOn::kWorker};
inline constexpr Operation kSyncReset{.name = "sync.reset",
                                      .http_method = "POST",
                                      .http_path = "/api/sync/reset",
                                      .access = Access::kSyncCredential,
                                      .budget = Budget::kSyncPerUser,
                                      .run_on = RunOn::kWorker,
                                      .fields = kOptionalDeviceFields};
// Live sync notification (API.md "Live sync"): a WebSocket over HTTP, a server stream
// over gRPC; the same messages.
inline constexpr Operation kSyncLive{.name = "sync.live",
                                     .http_method = "GET",
                                     .http_path = "/api/sync/live",
                                     .grpc_method = "howlerops.v1.SyncService/Watch",
                                     .access = Access::kSessionOrFirstMessage,
                                     .budget = Budget::kSyncPerUser,
                                     .run_on = RunOn::kStream};

// Database manager: a user's own databases (API.md "Database manager"); sessions live in this
// instance's memory. Query streams its result (RunOn::kStream).
inline constexpr Operation kDbOpen{.name = "dbmanager.open",
                                   .http_method = "POST",
                                   .http_path = "/api/dbmanager/sessions",
                                   .grpc_method = "howlerops.v1.DbManagerService/OpenSession",
                                   .access = Access::kSession,
                                   .budget = Budget::kSyncPerUser,
                                   .run_on = RunOn::kWorker,
                                   .fields = kDbOpenFields};
inline constexpr Operation kDbListSessions{
    .name = "dbmanager.list_sessions",
    .http_method = "GET",
    .http_path = "/api/dbmanager/sessions",
    .grpc_method = "howlerops.v1.DbManagerService/ListSessions",
    .access = Access::kSession,
    .budget = Budget::kSyncPerUser,
    .run_on = RunOn::kWorker};
inline constexpr Operation kDbClose{.name = "dbmanager.close",
                                    .http_method = "DELETE",
                                    .http_path = "/api/dbmanager/sessions/{id}",
                                    .grpc_method = "howlerops.v1.DbManagerService/CloseSession",
                                    .access = Access::kSession,
                                    .budget = Budget::kSyncPerUser,
                                    .run_on = RunOn::kWorker,
                                    .fields = kDbSessionFields,
                                    .success_message = "session closed"};
inline constexpr Operation kDbSchema{.name = "dbmanager.schema",
                                     .http_method = "GET",
                                     .http_path = "/api/dbmanager/sessions/{id}/schema",
                                     .grpc_method = "howlerops.v1.DbManagerService/GetSchema",
                                     .access = Access::kSession,
                                     .budget = Budget::kSyncPerUser,
                                     .run_on = RunOn::kWorker,
                                     .fields = kDbSessionFields};
inline constexpr Operation kDbQuery{.name = "dbmanager.query",
                                    .http_method = "POST",
                                    .http_path = "/api/dbmanager/sessions/{id}/query",
                                    .grpc_method = "howlerops.v1.DbManagerService/Query",
                                    .access = Access::kSession,
                                    .budget = Budget::kSyncPerUser,
                                    .run_on = RunOn::kStream,
                                    .fields = kDbQueryFields};
inline constexpr Operation kDbCancel{.name = "dbmanager.cancel",
                                     .http_method = "POST",
                                     .http_path = "/api/dbmanager/sessions/{id}/cancel",
                                     .grpc_method = "howlerops.v1.DbManagerService/Cancel",
                                     .access = Access::kSession,
                                     .budget = Budget::kSyncPerUser,
                                     .run_on = RunOn::kWorker,
                                     .fields = kDbSessionFields,
                                     .success_message = "cancel requested"};
inline constexpr Operation kDbExplain{.name = "dbmanager.explain",
                                      .http_method = "POST",
                                      .http_path = "/api/dbmanager/sessions/{id}/explain",
                                      .grpc_method = "howlerops.v1.DbManagerService/Explain",
                                      .access = Access::kSession,
                                      .budget = Budget::kSyncPerUser,
                                      .run_on = RunOn::kWorker,
                                      .fields = kDbQueryFields};

// Organizations, members, invitations and the audit log (API.md "Organizations"): the
// desktop client's team screens. The invite page's lookup by token is public and throttled
// per IP; every other operation needs a session and checks membership and role in
// orgs::OrgService. gRPC: howlerops.v1.OrganizationService
// (proto/howlerops/v1/organizations.proto).
inline constexpr Operation kOrgList{
    .name = "orgs.list",
    .http_method = "GET",
    .http_path = "/api/organizations",
    .grpc_method = "howlerops.v1.OrganizationService/ListOrganizations",
    .access = Access::kSession,
    .budget = Budget::kSyncPerUser,
    .run_on = RunOn::kInlineRead};
inline constexpr Operation kOrgCreate{
    .name = "orgs.create",
    .http_method = "POST",
    .http_path = "/api/organizations",
    .grpc_method = "howlerops.v1.OrganizationService/CreateOrganization",
    .access = Access::kSession,
    .budget = Budget::kSyncPerUser,
    .run_on = RunOn::kWorker,
    .fields = kOrgFields};
inline constexpr Operation kOrgGet{
    .name = "orgs.get",
    .http_method = "GET",
    .http_path = "/api/organizations/{id}",
    .grpc_method = "howlerops.v1.OrganizationService/GetOrganization",
    .access = Access::kSession,
    .budget = Budget::kSyncPerUser,
    .run_on = RunOn::kInlineRead};
inline constexpr Operation kOrgUpdate{
    .name = "orgs.update",
    .http_method = "PUT",
    .http_path = "/api/organizations/{id}",
    .grpc_method = "howlerops.v1.OrganizationService/UpdateOrganization",
    .access = Access::kSession,
    .budget = Budget::kSyncPerUser,
    .run_on = RunOn::kWorker,
    .fields = kOrgFields};
inline constexpr Operation kOrgDelete{
    .name = "orgs.delete",
    .http_method = "DELETE",
    .http_path = "/api/organizations/{id}",
    .grpc_method = "howlerops.v1.OrganizationService/DeleteOrganization",
    .access = Access::kSession,
    .budget = Budget::kSyncPerUser,
    .run_on = RunOn::kWorker};
inline constexpr Operation kOrgMembers{
    .name = "orgs.list_members",
    .http_method = "GET",
    .http_path = "/api/organizations/{id}/members",
    .grpc_method = "howlerops.v1.OrganizationService/ListMembers",
    .access = Access::kSession,
    .budget = Budget::kSyncPerUser,
    .run_on = RunOn::kInlineRead};
inline constexpr Operation kOrgChangeRole{
    .name = "orgs.change_role",
    .http_method = "PUT",
    .http_path = "/api/organizations/{id}/members/{user_id}/role",
    .grpc_method = "howlerops.v1.OrganizationService/ChangeRole",
    .access = Access::kSession,
    .budget = Budget::kSyncPerUser,
    .run_on = RunOn::kWorker,
    .fields = kOrgRoleFields};
inline constexpr Operation kOrgRemoveMember{
    .name = "orgs.remove_member",
    .http_method = "DELETE",
    .http_path = "/api/organizations/{id}/members/{user_id}",
    .grpc_method = "howlerops.v1.OrganizationService/RemoveMember",
    .access = Access::kSession,
    .budget = Budget::kSyncPerUser,
    .run_on = RunOn::kWorker};
inline constexpr Operation kOrgInvite{.name = "orgs.invite",
                                      .http_method = "POST",
                                      .http_path = "/api/organizations/{id}/invitations",
                                      .grpc_method = "howlerops.v1.OrganizationService/Invite",
                                      .access = Access::kSession,
                                      .budget = Budget::kSyncPerUser,
                                      .run_on = RunOn::kWorker,
                                      .fields = kOrgInviteFields};
inline constexpr Operation kOrgInvitations{
    .name = "orgs.list_invitations",
    .http_method = "GET",
    .http_path = "/api/organizations/{id}/invitations",
    .grpc_method = "howlerops.v1.OrganizationService/ListInvitations",
    .access = Access::kSession,
    .budget = Budget::kSyncPerUser,
    .run_on = RunOn::kInlineRead};
inline constexpr Operation kOrgRevokeInvitation{
    .name = "orgs.revoke_invitation",
    .http_method = "DELETE",
    .http_path = "/api/organizations/{id}/invitations/{invitation_id}",
    .grpc_method = "howlerops.v1.OrganizationService/RevokeInvitation",
    .access = Access::kSession,
    .budget = Budget::kSyncPerUser,
    .run_on = RunOn::kWorker};
inline constexpr Operation kOrgResendInvitation{
    .name = "orgs.resend_invitation",
    .http_method = "POST",
    .http_path = "/api/organizations/{id}/invitations/{invitation_id}/resend",
    .grpc_method = "howlerops.v1.OrganizationService/ResendInvitation",
    .access = Access::kSession,
    .budget = Budget::kSyncPerUser,
    .run_on = RunOn::kWorker};
inline constexpr Operation kOrgAuditLogs{
    .name = "orgs.audit_logs",
    .http_method = "GET",
    .http_path = "/api/organizations/{id}/audit-logs",
    .grpc_method = "howlerops.v1.OrganizationService/ListAuditLogs",
    .access = Access::kSession,
    .budget = Budget::kSyncPerUser,
    .run_on = RunOn::kInlineRead};
inline constexpr Operation kInvitationsPending{
    .name = "invitations.pending",
    .http_method = "GET",
    .http_path = "/api/invitations/pending",
    .grpc_method = "howlerops.v1.OrganizationService/ListPendingInvitations",
    .access = Access::kSession,
    .budget = Budget::kSyncPerUser,
    .run_on = RunOn::kInlineRead};
inline constexpr Operation kInvitationLookup{
    .name = "invitations.lookup",
    .http_method = "GET",
    .http_path = "/api/invitations/{id}",
    .grpc_method = "howlerops.v1.OrganizationService/LookupInvitation",
    .access = Access::kPublic,
    .budget = Budget::kAuthPerIp,
    .run_on = RunOn::kInlineRead};
inline constexpr Operation kInvitationAccept{
    .name = "invitations.accept",
    .http_method = "POST",
    .http_path = "/api/invitations/{id}/accept",
    .grpc_method = "howlerops.v1.OrganizationService/AcceptInvitation",
    .access = Access::kSession,
    .budget = Budget::kSyncPerUser,
    .run_on = RunOn::kWorker};
inline constexpr Operation kInvitationDecline{
    .name = "invitations.decline",
    .http_method = "POST",
    .http_path = "/api/invitations/{id}/decline",
    .grpc_method = "howlerops.v1.OrganizationService/DeclineInvitation",
    .access = Access::kSession,
    .budget = Budget::kSyncPerUser,
    .run_on = RunOn::kWorker};

// The client's connections and saved queries (API.md "Connections and queries"): the same
// sync items, personal or in an organization's space (orgs::SharedItems). HTTP only.
inline constexpr Operation kConnectionList{.name = "connections.list",
                                           .http_method = "GET",
                                           .http_path = "/api/connections",
                                           .access = Access::kSession,
                                           .budget = Budget::kSyncPerUser,
                                           .run_on = RunOn::kWorker};
inline constexpr Operation kConnectionCreate{.name = "connections.create",
                                             .http_method = "POST",
                                             .http_path = "/api/connections",
                                             .access = Access::kSession,
                                             .budget = Budget::kSyncPerUser,
                                             .run_on = RunOn::kWorker};
inline constexpr Operation kConnectionUpdate{.name = "connections.update",
                                             .http_method = "PUT",
                                             .http_path = "/api/connections/{id}",
                                             .access = Access::kSession,
                                             .budget = Budget::kSyncPerUser,
                                             .run_on = RunOn::kWorker};
inline constexpr Operation kConnectionDelete{.name = "connections.delete",
                                             .http_method = "DELETE",
                                             .http_path = "/api/connections/{id}",
                                             .access = Access::kSession,
                                             .budget = Budget::kSyncPerUser,
                                             .run_on = RunOn::kWorker};
inline constexpr Operation kConnectionShare{.name = "connections.share",
                                            .http_method = "POST",
                                            .http_path = "/api/connections/{id}/share",
                                            .access = Access::kSession,
                                            .budget = Budget::kSyncPerUser,
                                            .run_on = RunOn::kWorker};
inline constexpr Operation kConnectionUnshare{.name = "connections.unshare",
                                              .http_method = "POST",
                                              .http_path = "/api/connections/{id}/unshare",
                                              .access = Access::kSession,
                                              .budget = Budget::kSyncPerUser,
                                              .run_on = RunOn::kWorker};
inline constexpr Operation kOrgConnectionList{.name = "orgs.list_connections",
                                              .http_method = "GET",
                                              .http_path = "/api/organizations/{id}/connections",
                                              .access = Access::kSession,
                                              .budget = Budget::kSyncPerUser,
                                              .run_on = RunOn::kWorker};
inline constexpr Operation kQueryList{.name = "queries.list",
                                      .http_method = "GET",
                                      .http_path = "/api/queries",
                                      .access = Access::kSession,
                                      .budget = Budget::kSyncPerUser,
                                      .run_on = RunOn::kWorker};
inline constexpr Operation kQueryCreate{.name = "queries.create",
                                        .http_method = "POST",
                                        .http_path = "/api/queries",
                                        .access = Access::kSession,
                                        .budget = Budget::kSyncPerUser,
                                        .run_on = RunOn::kWorker};
inline constexpr Operation kQueryUpdate{.name = "queries.update",
                                        .http_method = "PUT",
                                        .http_path = "/api/queries/{id}",
                                        .access = Access::kSession,
                                        .budget = Budget::kSyncPerUser,
                                        .run_on = RunOn::kWorker};
inline constexpr Operation kQueryDelete{.name = "queries.delete",
                                        .http_method = "DELETE",
                                        .http_path = "/api/queries/{id}",
                                        .access = Access::kSession,
                                        .budget = Budget::kSyncPerUser,
                                        .run_on = RunOn::kWorker};
inline constexpr Operation kQueryShare{.name = "queries.share",
                                       .http_method = "POST",
                                       .http_path = "/api/queries/{id}/share",
                                       .access = Access::kSession,
                                       .budget = Budget::kSyncPerUser,
                                       .run_on = RunOn::kWorker};
inline constexpr Operation kQueryUnshare{.name = "queries.unshare",
                                         .http_method = "POST",
                                         .http_path = "/api/queries/{id}/unshare",
                                         .access = Access::kSession,
                                         .budget = Budget::kSyncPerUser,
                                         .run_on = RunOn::kWorker};
inline constexpr Operation kOrgQueryList{.name = "orgs.list_queries",
                                         .http_method = "GET",
                                         .http_path = "/api/organizations/{id}/queries",
                                         .access = Access::kSession,
                                         .budget = Budget::kSyncPerUser,
                                         .run_on = RunOn::kWorker};

// AI assistant (API.md "AI assistant"): through an OpenAI-compatible provider. The setup
// (limits, budget, the schema round trip) runs on a worker; the answer comes later, as
// server-sent events when asked for (the HTTP handler answers through a Responder) or as
// a gRPC server stream.
inline constexpr Operation kAiGenerate{.name = "ai.generate",
                                       .http_method = "POST",
                                       .http_path = "/api/ai/generate",
                                       .grpc_method = "howlerops.v1.AiService/Generate",
                                       .access = Access::kSession,
                                       .budget = Budget::kSyncPerUser,
                                       .run_on = RunOn::kWorker,
                                       .fields = kAiFields};
inline constexpr Operation kAiFix{.name = "ai.fix",
                                  .http_method = "POST",
                                  .http_path = "/api/ai/fix",
                                  .grpc_method = "howlerops.v1.AiService/Fix",
                                  .access = Access::kSession,
                                  .budget = Budget::kSyncPerUser,
                                  .run_on = RunOn::kWorker,
                                  .fields = kAiFields};
inline constexpr Operation kAiExplain{.name = "ai.explain",
                                      .http_method = "POST",
                                      .http_path = "/api/ai/explain",
                                      .grpc_method = "howlerops.v1.AiService/Explain",
                                      .access = Access::kSession,
                                      .budget = Budget::kSyncPerUser,
                                      .run_on = RunOn::kWorker,
                                      .fields = kAiFields};
inline constexpr Operation kAiUsage{.name = "ai.usage",
                                    .http_method = "GET",
                                    .http_path = "/api/ai/usage",
                                    .grpc_method = "howlerops.v1.AiService/GetUsage",
                                    .access = Access::kSession,
                                    .budget = Budget::kSyncPerUser,
                                    .run_on = RunOn::kWorker};

// Diagnostics (registered only with DIAGNOSTIC_ROUTES): one operation per long-lived
// response kind, for an operator checking that a proxy passes each through.
inline constexpr Operation kDiagnosticsStream{.name = "diagnostics.stream",
                                              .http_method = "GET",
                                              .http_path = "/api/diagnostics/stream",
                                              .access = Access::kSession,
                                              .budget = Budget::kSyncPerUser,
                                              .run_on = RunOn::kStream};
inline constexpr Operation kDiagnosticsEvents{.name = "diagnostics.events",
                                              .http_method = "GET",
                                              .http_path = "/api/diagnostics/events",
                                              .access = Access::kSession,
                                              .budget = Budget::kSyncPerUser,
                                              .run_on = RunOn::kStream};
inline constexpr Operation kDiagnosticsWebSocket{.name = "diagnostics.websocket",
                                                 .http_method = "GET",
                                                 .http_path = "/api/diagnostics/websocket",
                                                 .access = Access::kSession,
                                                 .budget = Budget::kSyncPerUser,
                                                 .run_on = RunOn::kStream};

}  // namespace ops

// Every operation, in the order above.
inline constexpr std::array kAllOperations = {&ops::kSignup,
                                              &ops::kLogin,
                                              &ops::kRefresh,
                                              &ops::kLogout,
                                              &ops::kProfile,
                                              &ops::kMe,
                                              &ops::kListSessions,
                                              &ops::kRevokeSession,
                                              &ops::kChangePassword,
                                              &ops::kVerifyEmail,
                                              &ops::kResendVerification,
                                              &ops::kRequestPasswordReset,
                                              &ops::kResetPassword,
                                              &ops::kUpload,
                                              &ops::kDownload,
                                              &ops::kListConflicts,
                                              &ops::kResolveConflict,
                                              &ops::kListDevices,
                                              &ops::kSyncStatus,
                                              &ops::kSyncHealth,
                                              &ops::kSyncReset,
                                              &ops::kSyncLive,
                                              &ops::kDbOpen,
                                              &ops::kDbListSessions,
                                              &ops::kDbClose,
                                              &ops::kDbSchema,
                                              &ops::kDbQuery,
                                              &ops::kDbCancel,
                                              &ops::kDbExplain,
                                              &ops::kOrgList,
                                              &ops::kOrgCreate,
                                              &ops::kOrgGet,
                                              &ops::kOrgUpdate,
                                              &ops::kOrgDelete,
                                              &ops::kOrgMembers,
                                              &ops::kOrgChangeRole,
                                              &ops::kOrgRemoveMember,
                                              &ops::kOrgInvite,
                                              &ops::kOrgInvitations,
                                              &ops::kOrgRevokeInvitation,
                                              &ops::kOrgResendInvitation,
                                              &ops::kOrgAuditLogs,
                                              &ops::kInvitationsPending,
                                              &ops::kInvitationLookup,
                                              &ops::kInvitationAccept,
                                              &ops::kInvitationDecline,
                                              &ops::kConnectionList,
                                              &ops::kConnectionCreate,
                                              &ops::kConnectionUpdate,
                                              &ops::kConnectionDelete,
                                              &ops::kConnectionShare,
                                              &ops::kConnectionUnshare,
                                              &ops::kOrgConnectionList,
                                              &ops::kQueryList,
                                              &ops::kQueryCreate,
                                              &ops::kQueryUpdate,
                                              &ops::kQueryDelete,
                                              &ops::kQueryShare,
                                              &ops::kQueryUnshare,
                                              &ops::kOrgQueryList,
                                              &ops::kAiGenerate,
                                              &ops::kAiFix,
                                              &ops::kAiExplain,
                                              &ops::kAiUsage,
                                              &ops::kDiagnosticsStream,
                                              &ops::kDiagnosticsEvents,
                                              &ops::kDiagnosticsWebSocket};

}  // namespace howler::api
