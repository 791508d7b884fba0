#include "grpc/org_grpc_service.h"

#include <boost/json.hpp>

#include "api/fields.h"
#include "api/operations.h"
#include "common/time_format.h"
#include "grpc/call_runner.h"
#include "grpc/struct_conversion.h"
#include "howlerops/v1/organizations.grpc.pb.h"
#include "orgs/org_json.h"
#include "orgs/org_service.h"

namespace howler::grpcsvc {
namespace {

namespace pb = ::howlerops::v1;
namespace ops = api::ops;
namespace json = boost::json;
using Ctx = grpc::ServerContext;
using Out = google::protobuf::Struct;

orgs::Caller CallerOf(const CallInfo& call) {
  return {call.principal.user_id, call.client.ip, call.client.user_agent};
}

Status Answer(const json::object& o, Out* out) {
  return JsonTextToStruct(json::serialize(o), out);
}

Status Success(Status s, std::string_view message, Out* out) {
  if (!s.ok()) return s;
  return Answer({{"success", true}, {"message", message}}, out);
}

// An id of a request: required, at most kIdMax bytes.
Status CheckId(std::string_view field, std::string_view id) {
  if (id.empty()) return InvalidArgumentError(std::string(field) + " is required");
  if (id.size() > api::kIdMax) return InvalidArgumentError(std::string(field) + " is too long");
  return Status::Ok();
}

template <typename T, typename F>
json::array ArrayOf(const std::vector<T>& items, F&& f) {
  json::array out;
  for (const T& item : items) out.push_back(f(item));
  return out;
}

Result<std::optional<std::int64_t>> OptionalTime(const std::string& text, std::string_view name) {
  if (text.empty()) return std::optional<std::int64_t>();
  auto parsed = ParseRfc3339(text);
  if (!parsed.ok()) return InvalidArgumentError(std::string(name) + " must be an RFC 3339 time");
  return std::optional<std::int64_t>(ToUnixMillis(*parsed));
}

Result<storage::AuditQuery> FromProto(const pb::AuditLogsRequest& in) {
  storage::AuditQuery q;
  if (in.action().size() > 64 || in.resource_type().size() > 64 ||
      in.user_id().size() > api::kIdMax) {
    return InvalidArgumentError("a filter is too long");
  }
  q.action = in.action();
  q.resource_type = in.resource_type();
  q.user_id = in.user_id();
  HOWLER_ASSIGN_OR_RETURN(q.start, OptionalTime(in.start_date(), "start_date"));
  HOWLER_ASSIGN_OR_RETURN(q.end, OptionalTime(in.end_date(), "end_date"));
  q.limit = in.limit() == 0 ? 50 : in.limit();
  q.offset = in.offset();
  return q;
}

json::object OrgAnswer(const storage::MembershipView& v) {
  return {{"organization", orgs::OrganizationJson(v.organization, v.role)}};
}

}  // namespace

class OrgGrpcService::Impl final : public pb::OrganizationService::Service {
 public:
  Impl(orgs::OrgService& service, CallDeps deps) : s_(service), calls_(std::move(deps)) {}

  grpc::Status ListOrganizations(Ctx* ctx, const pb::ListOrganizationsRequest*, Out* res) override {
    return calls_.Run(*ctx, ops::kOrgList, [&](const CallInfo& call) -> Status {
      HOWLER_ASSIGN_OR_RETURN(auto list, s_.List(CallerOf(call)));
      return Answer({{"organizations", ArrayOf(list,
                                               [](const storage::MembershipView& v) {
                                                 return orgs::OrganizationJson(v.organization,
                                                                               v.role);
                                               })}},
                    res);
    });
  }

  grpc::Status CreateOrganization(Ctx* ctx, const pb::CreateOrganizationRequest* req,
                                  Out* res) override {
    return calls_.Run(*ctx, ops::kOrgCreate, [&](const CallInfo& call) -> Status {
      HOWLER_RETURN_IF_ERROR(api::CheckField(ops::kOrgCreate, "name", req->name()));
      HOWLER_RETURN_IF_ERROR(api::CheckField(ops::kOrgCreate, "description", req->description()));
      HOWLER_ASSIGN_OR_RETURN(auto v, s_.Create(CallerOf(call), req->name(), req->description()));
      return Answer(OrgAnswer(v), res);
    });
  }

  grpc::Status GetOrganization(Ctx* ctx, const pb::OrganizationRequest* req, Out* res) override {
    return calls_.Run(*ctx, ops::kOrgGet, [&](const CallInfo& call) -> Status {
      HOWLER_RETURN_IF_ERROR(CheckId("organization_id", req->organization_id()));
      HOWLER_ASSIGN_OR_RETURN(auto v, s_.Get(CallerOf(call), req->organization_id()));
      return Answer(OrgAnswer(v), res);
    });
  }

  grpc::Status UpdateOrganization(Ctx* ctx, const pb::UpdateOrganizationRequest* req,
                                  Out* res) override {
    return calls_.Run(*ctx, ops::kOrgUpdate, [&](const CallInfo& call) -> Status {
      HOWLER_RETURN_IF_ERROR(CheckId("organization_id", req->organization_id()));
      orgs::OrganizationPatch patch;
      if (req->has_name()) patch.name = req->name();
      if (req->has_description()) patch.description = req->description();
      if (req->has_max_members()) patch.max_members = req->max_members();
      HOWLER_RETURN_IF_ERROR(api::CheckField(ops::kOrgUpdate, "name", patch.name.value_or("")));
      HOWLER_RETURN_IF_ERROR(
          api::CheckField(ops::kOrgUpdate, "description", patch.description.value_or("")));
      HOWLER_ASSIGN_OR_RETURN(auto v, s_.Update(CallerOf(call), req->organization_id(), patch));
      return Answer(OrgAnswer(v), res);
    });
  }

  grpc::Status DeleteOrganization(Ctx* ctx, const pb::OrganizationRequest* req, Out* res) override {
    return calls_.Run(*ctx, ops::kOrgDelete, [&](const CallInfo& call) -> Status {
      HOWLER_RETURN_IF_ERROR(CheckId("organization_id", req->organization_id()));
      return Success(s_.Delete(CallerOf(call), req->organization_id()), "organization deleted",
                     res);
    });
  }

  grpc::Status ListMembers(Ctx* ctx, const pb::OrganizationRequest* req, Out* res) override {
    return calls_.Run(*ctx, ops::kOrgMembers, [&](const CallInfo& call) -> Status {
      HOWLER_RETURN_IF_ERROR(CheckId("organization_id", req->organization_id()));
      HOWLER_ASSIGN_OR_RETURN(auto members, s_.Members(CallerOf(call), req->organization_id()));
      return Answer({{"members", ArrayOf(members, orgs::MemberJson)}}, res);
    });
  }

  grpc::Status ChangeRole(Ctx* ctx, const pb::MemberRequest* req, Out* res) override {
    return calls_.Run(*ctx, ops::kOrgChangeRole, [&](const CallInfo& call) -> Status {
      HOWLER_RETURN_IF_ERROR(CheckId("organization_id", req->organization_id()));
      HOWLER_RETURN_IF_ERROR(CheckId("user_id", req->user_id()));
      HOWLER_RETURN_IF_ERROR(api::CheckField(ops::kOrgChangeRole, "role", req->role()));
      return Success(
          s_.ChangeRole(CallerOf(call), req->organization_id(), req->user_id(), req->role()),
          "role updated", res);
    });
  }

  grpc::Status RemoveMember(Ctx* ctx, const pb::MemberRequest* req, Out* res) override {
    return calls_.Run(*ctx, ops::kOrgRemoveMember, [&](const CallInfo& call) -> Status {
      HOWLER_RETURN_IF_ERROR(CheckId("organization_id", req->organization_id()));
      HOWLER_RETURN_IF_ERROR(CheckId("user_id", req->user_id()));
      return Success(s_.RemoveMember(CallerOf(call), req->organization_id(), req->user_id()),
                     "member removed", res);
    });
  }

  grpc::Status Invite(Ctx* ctx, const pb::InviteRequest* req, Out* res) override {
    return calls_.Run(*ctx, ops::kOrgInvite, [&](const CallInfo& call) -> Status {
      HOWLER_RETURN_IF_ERROR(CheckId("organization_id", req->organization_id()));
      HOWLER_RETURN_IF_ERROR(api::CheckField(ops::kOrgInvite, "email", req->email()));
      HOWLER_RETURN_IF_ERROR(api::CheckField(ops::kOrgInvite, "role", req->role()));
      HOWLER_ASSIGN_OR_RETURN(
          auto inv, s_.Invite(CallerOf(call), req->organization_id(), req->email(), req->role()));
      return Answer({{"invitation", orgs::InvitationJson(inv)}}, res);
    });
  }

  grpc::Status ListInvitations(Ctx* ctx, const pb::OrganizationRequest* req, Out* res) override {
    return calls_.Run(*ctx, ops::kOrgInvitations, [&](const CallInfo& call) -> Status {
      HOWLER_RETURN_IF_ERROR(CheckId("organization_id", req->organization_id()));
      HOWLER_ASSIGN_OR_RETURN(auto list, s_.Invitations(CallerOf(call), req->organization_id()));
      return Answer({{"invitations", ArrayOf(list, orgs::InvitationJson)}}, res);
    });
  }

  grpc::Status RevokeInvitation(Ctx* ctx, const pb::InvitationRequest* req, Out* res) override {
    return calls_.Run(*ctx, ops::kOrgRevokeInvitation, [&](const CallInfo& call) -> Status {
      HOWLER_RETURN_IF_ERROR(CheckId("organization_id", req->organization_id()));
      HOWLER_RETURN_IF_ERROR(CheckId("invitation_id", req->invitation_id()));
      return Success(s_.Revoke(CallerOf(call), req->organization_id(), req->invitation_id()),
                     "invitation revoked", res);
    });
  }

  grpc::Status ResendInvitation(Ctx* ctx, const pb::InvitationRequest* req, Out* res) override {
    return calls_.Run(*ctx, ops::kOrgResendInvitation, [&](const CallInfo& call) -> Status {
      HOWLER_RETURN_IF_ERROR(CheckId("organization_id", req->organization_id()));
      HOWLER_RETURN_IF_ERROR(CheckId("invitation_id", req->invitation_id()));
      HOWLER_ASSIGN_OR_RETURN(
          auto inv, s_.Resend(CallerOf(call), req->organization_id(), req->invitation_id()));
      return Answer({{"invitation", orgs::InvitationJson(inv)}}, res);
    });
  }

  grpc::Status ListAuditLogs(Ctx* ctx, const pb::AuditLogsRequest* req, Out* res) override {
    return calls_.Run(*ctx, ops::kOrgAuditLogs, [&](const CallInfo& call) -> Status {
      HOWLER_RETURN_IF_ERROR(CheckId("organization_id", req->organization_id()));
      HOWLER_ASSIGN_OR_RETURN(auto query, FromProto(*req));
      HOWLER_ASSIGN_OR_RETURN(auto logs, s_.Audit(CallerOf(call), req->organization_id(), query));
      return Answer({{"logs", ArrayOf(logs, orgs::AuditJson)},
                     {"limit", query.limit},
                     {"offset", query.offset}},
                    res);
    });
  }

  grpc::Status ListPendingInvitations(Ctx* ctx, const pb::ListPendingInvitationsRequest*,
                                      Out* res) override {
    return calls_.Run(*ctx, ops::kInvitationsPending, [&](const CallInfo& call) -> Status {
      HOWLER_ASSIGN_OR_RETURN(auto list, s_.Pending(CallerOf(call)));
      return Answer({{"invitations", ArrayOf(list, orgs::PendingInvitationJson)}}, res);
    });
  }

  grpc::Status LookupInvitation(Ctx* ctx, const pb::LookupInvitationRequest* req,
                                Out* res) override {
    return calls_.Run(*ctx, ops::kInvitationLookup, [&](const CallInfo&) -> Status {
      HOWLER_ASSIGN_OR_RETURN(auto view, s_.Lookup(req->token()));
      return Answer({{"invitation", orgs::InvitePageJson(view)}}, res);
    });
  }

  grpc::Status AcceptInvitation(Ctx* ctx, const pb::AnswerInvitationRequest* req,
                                Out* res) override {
    return calls_.Run(*ctx, ops::kInvitationAccept, [&](const CallInfo& call) -> Status {
      HOWLER_RETURN_IF_ERROR(CheckId("invitation_id", req->invitation_id()));
      return Success(s_.Accept(CallerOf(call), req->invitation_id()), "invitation accepted", res);
    });
  }

  grpc::Status DeclineInvitation(Ctx* ctx, const pb::AnswerInvitationRequest* req,
                                 Out* res) override {
    return calls_.Run(*ctx, ops::kInvitationDecline, [&](const CallInfo& call) -> Status {
      HOWLER_RETURN_IF_ERROR(CheckId("invitation_id", req->invitation_id()));
      return Success(s_.Decline(CallerOf(call), req->invitation_id()), "invitation declined", res);
    });
  }

 private:
  orgs::OrgService& s_;
  CallRunner calls_;
};

OrgGrpcService::OrgGrpcService(orgs::OrgService& service, CallDeps deps)
    : impl_(std::make_unique<Impl>(service, std::move(deps))) {}

OrgGrpcService::~OrgGrpcService() = default;

grpc::Service* OrgGrpcService::service() {
  return impl_.get();
}

}  // namespace howler::grpcsvc
