// howlerops.v1.OrganizationService through the real binary with a C++ gRPC client: the same
// service and rules as HTTP (API.md "Organizations"), answers as the HTTP JSON in a Struct.
#include <google/protobuf/util/json_util.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <memory>
#include <string>

#include "howlerops/v1/organizations.grpc.pb.h"
#include "support/api_client.h"
#include "support/server_process.h"

namespace howler::testing {
namespace {
namespace pb = ::howlerops::v1;
namespace json = boost::json;

class OrgsGrpcTest : public SharedServerTest<OrgsGrpcTest> {
 protected:
  std::unique_ptr<pb::OrganizationService::Stub> Stub() {
    return pb::OrganizationService::NewStub(grpc::CreateChannel(
        "127.0.0.1:" + std::to_string(server().grpc_port()), grpc::InsecureChannelCredentials()));
  }
  static std::unique_ptr<grpc::ClientContext> Context(const std::string& token) {
    auto context = std::make_unique<grpc::ClientContext>();
    context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
    if (!token.empty()) context->AddMetadata("authorization", "Bearer " + token);
    return context;
  }
  static json::value AsJson(const google::protobuf::Struct& s) {
    std::string text;
    EXPECT_TRUE(google::protobuf::util::MessageToJsonString(s, &text).ok());
    return json::parse(text);
  }
};

TEST_F(OrgsGrpcTest, OrganizationsMembersAndRefusalsOverGrpc) {
  auto stub = Stub();
  const TestAccount owner = CreateAccount(api(), "gro");
  const TestAccount other = CreateAccount(api(), "grx");
  google::protobuf::Struct out;

  // Without a token: UNAUTHENTICATED.
  pb::ListOrganizationsRequest list;
  EXPECT_EQ(stub->ListOrganizations(Context("").get(), list, &out).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);

  pb::CreateOrganizationRequest create;
  create.set_name("Grpc Team");
  create.set_description("over gRPC");
  ASSERT_TRUE(stub->CreateOrganization(Context(owner.token).get(), create, &out).ok());
  const json::value created = AsJson(out);
  const std::string org(created.at("organization").at("id").as_string());
  EXPECT_EQ(created.at("organization").at("role").as_string(), "owner");
  EXPECT_TRUE(IsWireTimestamp(created.at("organization").at("created_at")));

  // The same organization over HTTP and gRPC.
  ASSERT_TRUE(stub->ListOrganizations(Context(owner.token).get(), list, &out).ok());
  const json::value listed = AsJson(out);
  ASSERT_EQ(listed.at("organizations").as_array().size(), 1u);
  EXPECT_EQ(listed.at("organizations").as_array()[0].at("id").as_string(), org);
  const ApiResponse http = api().Call("GET", "/api/organizations", std::nullopt, owner.token);
  EXPECT_EQ(http.Object().at("organizations").as_array()[0].at("name").as_string(), "Grpc Team");

  // Update, members, invite (no token in the answer), audit.
  pb::UpdateOrganizationRequest update;
  update.set_organization_id(org);
  update.set_max_members(25);
  ASSERT_TRUE(stub->UpdateOrganization(Context(owner.token).get(), update, &out).ok());
  EXPECT_EQ(AsJson(out).at("organization").at("max_members").as_int64(), 25);
  pb::OrganizationRequest by_org;
  by_org.set_organization_id(org);
  ASSERT_TRUE(stub->ListMembers(Context(owner.token).get(), by_org, &out).ok());
  EXPECT_EQ(AsJson(out).at("members").as_array().size(), 1u);
  pb::InviteRequest invite;
  invite.set_organization_id(org);
  invite.set_email("grpc-invitee@example.com");
  ASSERT_TRUE(stub->Invite(Context(owner.token).get(), invite, &out).ok());
  EXPECT_EQ(json::serialize(AsJson(out)).find("token"), std::string::npos);
  EXPECT_EQ(AsJson(out).at("invitation").at("role").as_string(), "member");
  pb::AuditLogsRequest audit;
  audit.set_organization_id(org);
  audit.set_limit(2);
  ASSERT_TRUE(stub->ListAuditLogs(Context(owner.token).get(), audit, &out).ok());
  const json::value logs = AsJson(out);
  ASSERT_EQ(logs.at("logs").as_array().size(), 2u);
  EXPECT_EQ(logs.at("logs").as_array()[0].at("action").as_string(), "invitation.created");

  // Another user: NOT_FOUND; bad input: INVALID_ARGUMENT; an unknown token: NOT_FOUND.
  EXPECT_EQ(stub->GetOrganization(Context(other.token).get(), by_org, &out).error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(stub->ListAuditLogs(Context(other.token).get(), audit, &out).error_code(),
            grpc::StatusCode::NOT_FOUND);
  pb::CreateOrganizationRequest bad;
  bad.set_name("x");
  EXPECT_EQ(stub->CreateOrganization(Context(owner.token).get(), bad, &out).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  pb::LookupInvitationRequest lookup;
  lookup.set_token("not-a-token");
  EXPECT_EQ(stub->LookupInvitation(Context("").get(), lookup, &out).error_code(),
            grpc::StatusCode::NOT_FOUND);
  pb::ListPendingInvitationsRequest pending;
  ASSERT_TRUE(stub->ListPendingInvitations(Context(other.token).get(), pending, &out).ok());
  EXPECT_TRUE(AsJson(out).at("invitations").as_array().empty());

  // Delete: the owner, alone.
  ASSERT_TRUE(stub->DeleteOrganization(Context(owner.token).get(), by_org, &out).ok());
  EXPECT_EQ(stub->GetOrganization(Context(owner.token).get(), by_org, &out).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

}  // namespace
}  // namespace howler::testing
