// Organizations (API.md "Organizations") through the real binary and a real SMTP sink, on
// the backend HOWLER_TEST_BACKEND names: the desktop client's calls replayed with every
// field it reads, the role x operation matrix, isolation between organizations, the
// invitation lifecycle, membership rules and the audit log.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <set>
#include <thread>

#include "storage/database.h"
#include "support/api_client.h"
#include "support/server_process.h"
#include "support/smtp_sink.h"

namespace howler::testing {
namespace {
namespace json = boost::json;

constexpr std::string_view kBaseUrl = "https://app.howlerops.test";

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

class OrgsTest : public SharedServerTest<OrgsTest> {
 protected:
  static void SetUpTestSuite() {
    sink_ = new SmtpSink();
    SharedServerTest::SetUpTestSuite();
  }
  static void TearDownTestSuite() {
    SharedServerTest::TearDownTestSuite();
    delete sink_;
  }

 public:
  static std::map<std::string, std::string> ExtraEnv() {
    return {{"SMTP_URL", sink_->url()},
            {"EMAIL_BASE_URL", std::string(kBaseUrl)},
            {"RESEND_FROM_EMAIL", "noreply@howlerops.test"}};
  }

 protected:
  static const SmtpSink& sink() { return *sink_; }

  // The text of the newest message to `to` containing `needle`, waiting up to 20 s; the
  // `skip` newest such messages are passed over.
  static std::string WaitForText(const std::string& to, std::string_view needle,
                                 std::size_t count = 1) {
    for (int i = 0; i < 400; ++i) {
      std::vector<std::string> found;
      for (const SmtpSink::Message& m : sink().Messages()) {
        bool mine = false;
        for (const std::string& r : m.to) mine |= Lower(r) == Lower(to);
        if (mine && m.text.find(needle) != std::string::npos) found.push_back(m.text);
      }
      if (found.size() >= count) return found[count - 1];
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ADD_FAILURE() << "no message " << count << " to " << to << " containing " << needle;
    return {};
  }

  // A signed-up account whose email is verified through the emailed link.
  static TestAccount Verified(std::string_view prefix) {
    TestAccount a = CreateAccount(api(), prefix);
    const std::string text = WaitForText(a.email, "/verify-email?token=");
    const std::string token = ExtractTokenFromLink(text, "/verify-email");
    EXPECT_EQ(api().VerifyEmail(token).status(), 200) << a.email;
    return a;
  }

  // The token of the `count`-th invitation email to `email`.
  static std::string InviteToken(const std::string& email, std::size_t count = 1) {
    const std::string text = WaitForText(email, "/#/invite/", count);
    const std::size_t at = text.find("/#/invite/");
    if (at == std::string::npos) return {};
    std::size_t end = at + 10;
    while (end < text.size() && (std::isalnum(static_cast<unsigned char>(text[end])) ||
                                 text[end] == '-' || text[end] == '_')) {
      ++end;
    }
    return text.substr(at + 10, end - at - 10);
  }

  static ApiResponse Call(const std::string& method, const std::string& path,
                          const TestAccount& who, std::optional<json::value> body = {}) {
    return api().Call(method, path, body, who.token);
  }

  static std::string CreateOrg(const TestAccount& owner, const std::string& name) {
    const ApiResponse r = Call("POST", "/api/organizations", owner,
                               json::object{{"name", name}, {"description", "team " + name}});
    EXPECT_EQ(r.status(), 201) << r;
    const auto* org = r.Object().if_contains("organization");
    return org && org->is_object() ? std::string(org->at("id").as_string()) : std::string();
  }

  // Invites `who` with `role` and has them accept; returns the invitation id.
  static std::string Join(const std::string& org, const TestAccount& by, const TestAccount& who,
                          const std::string& role) {
    const ApiResponse r = Call("POST", "/api/organizations/" + org + "/invitations", by,
                               json::object{{"email", who.email}, {"role", role}});
    EXPECT_EQ(r.status(), 201) << r;
    const std::string id(r.Object().at("invitation").at("id").as_string());
    const ApiResponse accept = Call("POST", "/api/invitations/" + id + "/accept", who);
    EXPECT_EQ(accept.status(), 200) << accept;
    return id;
  }

  static std::vector<std::string> AuditActions(const std::string& org, const TestAccount& who,
                                               const std::string& query = "") {
    const ApiResponse r = Call("GET", "/api/organizations/" + org + "/audit-logs" + query, who);
    EXPECT_EQ(r.status(), 200) << r;
    std::vector<std::string> out;
    if (const auto* logs = r.Object().if_contains("logs"); logs && logs->is_array()) {
      for (const json::value& l : logs->as_array()) {
        out.emplace_back(l.at("action").as_string());
      }
    }
    return out;
  }

 private:
  static inline SmtpSink* sink_ = nullptr;
};

// ---- the desktop client's calls and the fields it reads (docs/API.md "Organizations") ----

::testing::AssertionResult IsOrganization(const json::value& v) {
  if (!v.is_object()) return ::testing::AssertionFailure() << "not an object: " << v;
  const json::object& o = v.as_object();
  for (const char* key : {"id", "name", "owner_id"}) {
    if (!o.contains(key) || !o.at(key).is_string()) {
      return ::testing::AssertionFailure() << key << " missing in " << v;
    }
  }
  for (const char* key : {"created_at", "updated_at"}) {
    if (!o.contains(key) || !IsWireTimestamp(o.at(key))) {
      return ::testing::AssertionFailure() << key << " not a wire timestamp in " << v;
    }
  }
  if (!o.contains("deleted_at") || !o.at("deleted_at").is_null()) {
    return ::testing::AssertionFailure() << "deleted_at not null in " << v;
  }
  if (!o.at("max_members").is_int64() || !o.at("member_count").is_int64() ||
      !o.at("settings").is_object() || !o.at("description").is_string()) {
    return ::testing::AssertionFailure() << "max_members/member_count/settings in " << v;
  }
  return ::testing::AssertionSuccess();
}

bool HasNoToken(const json::value& v) {
  return json::serialize(v).find("token") == std::string::npos;
}

TEST_F(OrgsTest, ClientReplayStartupCreateInviteAcceptAndEveryFieldItReads) {
  // Signed out: the start-up calls get 401 (the client gives up quietly).
  EXPECT_TRUE(IsApiError(api().Call("GET", "/api/organizations"), 401, "UNAUTHORIZED"));
  const TestAccount owner = Verified("cro");
  const TestAccount invitee = Verified("cri");
  // Start-up: organizations, then pending; empty lists are arrays, JSON typed.
  ApiResponse orgs = Call("GET", "/api/organizations", owner);
  ASSERT_EQ(orgs.status(), 200) << orgs;
  EXPECT_NE(orgs.Header("content-type").find("application/json"), std::string::npos);
  ASSERT_TRUE(orgs.Object().at("organizations").is_array());
  EXPECT_TRUE(orgs.Object().at("organizations").as_array().empty());
  ApiResponse pending = Call("GET", "/api/invitations/pending", invitee);
  ASSERT_EQ(pending.status(), 200) << pending;
  EXPECT_TRUE(pending.Object().at("invitations").as_array().empty());

  // Create: {organization: {...}} (a bare object would break the client).
  ApiResponse created = Call("POST", "/api/organizations", owner,
                             json::object{{"name", "Replay Team"}, {"description", "d"}});
  ASSERT_EQ(created.status(), 201) << created;
  ASSERT_TRUE(IsOrganization(created.Object().at("organization")));
  const json::object& org = created.Object().at("organization").as_object();
  const std::string org_id(org.at("id").as_string());
  EXPECT_EQ(org.at("owner_id").as_string(), owner.user_id);
  EXPECT_EQ(org.at("max_members").as_int64(), 10);
  EXPECT_EQ(org.at("member_count").as_int64(), 1);

  // Update: {organization: {...}}.
  ApiResponse updated = Call("PUT", "/api/organizations/" + org_id, owner,
                             json::object{{"name", "Replay Team 2"}, {"max_members", 20}});
  ASSERT_EQ(updated.status(), 200) << updated;
  ASSERT_TRUE(IsOrganization(updated.Object().at("organization")));
  EXPECT_EQ(updated.Object().at("organization").at("name").as_string(), "Replay Team 2");
  EXPECT_EQ(updated.Object().at("organization").at("max_members").as_int64(), 20);

  // Invite: {invitation: {...}} with the fields the client reads, never a token.
  ApiResponse invited = Call("POST", "/api/organizations/" + org_id + "/invitations", owner,
                             json::object{{"email", invitee.email}, {"role", "admin"}});
  ASSERT_EQ(invited.status(), 201) << invited;
  EXPECT_TRUE(HasNoToken(invited.json)) << invited;
  const json::object& inv = invited.Object().at("invitation").as_object();
  const std::string inv_id(inv.at("id").as_string());
  EXPECT_EQ(inv.at("organization_id").as_string(), org_id);
  EXPECT_EQ(inv.at("email").as_string(), invitee.email);
  EXPECT_EQ(inv.at("role").as_string(), "admin");
  EXPECT_EQ(inv.at("invited_by").as_string(), owner.user_id);
  EXPECT_TRUE(IsWireTimestamp(inv.at("expires_at")));
  EXPECT_TRUE(IsWireTimestamp(inv.at("created_at")));
  EXPECT_TRUE(inv.at("accepted_at").is_null());
  const auto expires = ParseWireTimestamp(inv.at("expires_at").as_string());
  ASSERT_TRUE(expires.has_value());
  EXPECT_NEAR(static_cast<double>(*expires - NowUnixMillis()), 7.0 * 24 * 3600 * 1000, 120000.0);

  // The admin list: invitations[], no tokens.
  ApiResponse listed = Call("GET", "/api/organizations/" + org_id + "/invitations", owner);
  ASSERT_EQ(listed.status(), 200) << listed;
  ASSERT_EQ(listed.Object().at("invitations").as_array().size(), 1u);
  EXPECT_TRUE(HasNoToken(listed.json));

  // The email links to the client's invite page; the page's anonymous lookup.
  const std::string token = InviteToken(invitee.email);
  ASSERT_GE(token.size(), 40u);
  ApiResponse page = api().Call("GET", "/api/invitations/" + token);
  ASSERT_EQ(page.status(), 200) << page;
  const json::object& shown = page.Object().at("invitation").as_object();
  EXPECT_EQ(shown.at("id").as_string(), inv_id);
  EXPECT_EQ(shown.at("organization_id").as_string(), org_id);
  EXPECT_EQ(shown.at("role").as_string(), "admin");
  EXPECT_TRUE(IsWireTimestamp(shown.at("expires_at")));
  EXPECT_TRUE(shown.at("accepted_at").is_null());
  EXPECT_EQ(shown.at("organization").at("name").as_string(), "Replay Team 2");
  EXPECT_EQ(shown.at("inviter").at("username").as_string(), owner.username);
  EXPECT_FALSE(shown.contains("email"));
  EXPECT_TRUE(HasNoToken(page.json));

  // The invitee's pending list carries the organization {name, description, member_count}.
  pending = Call("GET", "/api/invitations/pending", invitee);
  ASSERT_EQ(pending.status(), 200) << pending;
  const json::array& list = pending.Object().at("invitations").as_array();
  ASSERT_EQ(list.size(), 1u) << pending;
  EXPECT_EQ(list[0].at("id").as_string(), inv_id);
  EXPECT_TRUE(IsOrganization(list[0].at("organization")));
  EXPECT_EQ(list[0].at("organization").at("member_count").as_int64(), 1);
  EXPECT_TRUE(HasNoToken(pending.json));

  // Accept by id with an empty JSON-typed body, then the client's follow-up calls.
  ApiResponse accepted = api().Raw("POST", "/api/invitations/" + inv_id + "/accept",
                                   {"Content-Type: application/json", BearerHeader(invitee.token)});
  ASSERT_EQ(accepted.status(), 200) << accepted;
  EXPECT_FALSE(accepted.Str("message").empty());
  orgs = Call("GET", "/api/organizations", invitee);
  ASSERT_EQ(orgs.status(), 200) << orgs;
  ASSERT_EQ(orgs.Object().at("organizations").as_array().size(), 1u);
  const json::value& mine = orgs.Object().at("organizations").as_array()[0];
  EXPECT_TRUE(IsOrganization(mine));
  EXPECT_EQ(mine.at("member_count").as_int64(), 2);
  EXPECT_EQ(mine.at("role").as_string(), "admin");
  EXPECT_TRUE(Call("GET", "/api/invitations/pending", invitee)
                  .Object()
                  .at("invitations")
                  .as_array()
                  .empty());

  // Members: the client finds its role by user_id == user.id.
  ApiResponse members = Call("GET", "/api/organizations/" + org_id + "/members", invitee);
  ASSERT_EQ(members.status(), 200) << members;
  std::map<std::string, std::string> roles;
  for (const json::value& m : members.Object().at("members").as_array()) {
    EXPECT_TRUE(m.at("id").is_string());
    EXPECT_EQ(m.at("organization_id").as_string(), org_id);
    EXPECT_TRUE(IsWireTimestamp(m.at("joined_at")));
    EXPECT_EQ(m.at("user").at("id").as_string(), m.at("user_id").as_string());
    EXPECT_TRUE(m.at("user").at("email").is_string());
    EXPECT_TRUE(m.at("user").at("username").is_string());
    roles[std::string(m.at("user_id").as_string())] = std::string(m.at("role").as_string());
  }
  EXPECT_EQ(roles, (std::map<std::string, std::string>{{owner.user_id, "owner"},
                                                       {invitee.user_id, "admin"}}));

  // The invite page after acceptance: 200 with accepted_at set ("Already accepted").
  page = api().Call("GET", "/api/invitations/" + token);
  ASSERT_EQ(page.status(), 200) << page;
  EXPECT_TRUE(IsWireTimestamp(page.Object().at("invitation").at("accepted_at")));

  // Audit logs, as the viewer asks: form-encoded filters, limit=50, newest first.
  ApiResponse logs = Call("GET", "/api/organizations/" + org_id + "/audit-logs?limit=50", owner);
  ASSERT_EQ(logs.status(), 200) << logs;
  const json::array& entries = logs.Object().at("logs").as_array();
  ASSERT_GE(entries.size(), 4u) << logs;
  EXPECT_EQ(entries[0].at("action").as_string(), "invitation.accepted");
  for (const json::value& e : entries) {
    EXPECT_TRUE(IsWireTimestamp(e.at("created_at")));
    EXPECT_TRUE(e.at("details").is_object());
    EXPECT_EQ(e.at("organization_id").as_string(), org_id);
    EXPECT_TRUE(e.at("resource_type").is_string());
    EXPECT_TRUE(e.at("user_id").is_string());
  }
  EXPECT_TRUE(HasNoToken(logs.json));
}

// ---- role x operation ----

struct Team {
  TestAccount owner, admin, member, outsider;
  std::string org;
};

TEST_F(OrgsTest, EveryRoleIsAllowedOrRefusedAsSpecified) {
  Team t{Verified("mxo"), Verified("mxa"), Verified("mxm"), Verified("mxx"), ""};
  t.org = CreateOrg(t.owner, "Matrix Team");
  Join(t.org, t.owner, t.admin, "admin");
  Join(t.org, t.owner, t.member, "member");
  const std::string base = "/api/organizations/" + t.org;

  struct Case {
    std::string method, path;
    std::optional<json::value> body;
    int owner, admin, member, outsider;
  };
  const std::vector<Case> reads = {
      {"GET", base, {}, 200, 200, 200, 404},
      {"GET", base + "/members", {}, 200, 200, 200, 404},
      {"GET", base + "/invitations", {}, 200, 200, 403, 404},
      {"GET", base + "/audit-logs", {}, 200, 200, 403, 404},
      {"PUT", base, json::object{{"description", "x"}}, 200, 200, 403, 404},
  };
  const TestAccount* who[] = {&t.owner, &t.admin, &t.member, &t.outsider};
  for (const Case& c : reads) {
    const int expected[] = {c.owner, c.admin, c.member, c.outsider};
    for (int i = 0; i < 4; ++i) {
      const ApiResponse r = Call(c.method, c.path, *who[i], c.body);
      EXPECT_EQ(r.status(), expected[i]) << c.method << " " << c.path << " as " << i << ": " << r;
      if (r.status() >= 400) EXPECT_FALSE(r.Str("message").empty()) << r;
    }
  }
  // Inviting: members and outsiders never; admins members only; the owner admins too.
  auto invite = [&](const TestAccount& by, const std::string& role) {
    return Call("POST", base + "/invitations", by,
                json::object{{"email", UniqueName("inv") + "@example.com"}, {"role", role}})
        .status();
  };
  EXPECT_EQ(invite(t.owner, "admin"), 201);
  EXPECT_EQ(invite(t.admin, "member"), 201);
  EXPECT_EQ(invite(t.admin, "admin"), 403);
  EXPECT_EQ(invite(t.member, "member"), 403);
  EXPECT_EQ(invite(t.outsider, "member"), 404);
  EXPECT_EQ(invite(t.owner, "owner"), 400);
  EXPECT_EQ(invite(t.owner, "viewer"), 400);

  // Role changes.
  auto role = [&](const TestAccount& by, const TestAccount& target, const std::string& r) {
    return Call("PUT", base + "/members/" + target.user_id + "/role", by, json::object{{"role", r}})
        .status();
  };
  EXPECT_EQ(role(t.member, t.member, "admin"), 403);
  EXPECT_EQ(role(t.outsider, t.member, "admin"), 404);
  EXPECT_EQ(role(t.admin, t.owner, "member"), 400);  // the owner's role is fixed
  EXPECT_EQ(role(t.admin, t.member, "owner"), 403);  // only the owner transfers
  EXPECT_EQ(role(t.admin, t.member, "admin"), 200);
  EXPECT_EQ(role(t.owner, t.member, "member"), 200);
  EXPECT_EQ(role(t.owner, t.member, "boss"), 400);
  EXPECT_EQ(role(t.owner, t.outsider, "admin"), 404);

  // Removal: admins remove members only; the owner is never removed; members remove no one.
  auto remove = [&](const TestAccount& by, const TestAccount& target) {
    return Call("DELETE", base + "/members/" + target.user_id, by).status();
  };
  EXPECT_EQ(remove(t.member, t.admin), 403);
  EXPECT_EQ(remove(t.admin, t.owner), 403);
  EXPECT_EQ(remove(t.outsider, t.member), 404);
  EXPECT_EQ(remove(t.owner, t.owner), 400);  // the owner cannot leave

  // Delete: owner only, and only once alone.
  EXPECT_EQ(Call("DELETE", base, t.admin).status(), 403);
  EXPECT_EQ(Call("DELETE", base, t.member).status(), 403);
  EXPECT_EQ(Call("DELETE", base, t.outsider).status(), 404);
  EXPECT_EQ(Call("DELETE", base, t.owner).status(), 400);  // others remain
  EXPECT_EQ(remove(t.admin, t.member), 200);
  EXPECT_EQ(remove(t.owner, t.admin), 200);
  EXPECT_EQ(Call("DELETE", base, t.owner).status(), 200);
  EXPECT_EQ(Call("GET", base, t.owner).status(), 404);
  EXPECT_TRUE(
      Call("GET", "/api/organizations", t.owner).Object().at("organizations").as_array().empty());
}

// ---- isolation ----

TEST_F(OrgsTest, OrganizationsAreIsolatedFromEachOther) {
  const TestAccount a = Verified("isa");
  const TestAccount b = Verified("isb");
  const std::string org_a = CreateOrg(a, "Alpha Team");
  const std::string org_b = CreateOrg(b, "Beta Team");
  const ApiResponse inv = Call("POST", "/api/organizations/" + org_a + "/invitations", a,
                               json::object{{"email", "someone-iso@example.com"}});
  ASSERT_EQ(inv.status(), 201) << inv;
  const std::string inv_a(inv.Object().at("invitation").at("id").as_string());
  // b owns org_b, but nothing of org_a is reachable, not even through org_b's paths.
  for (const std::string& path :
       {"/api/organizations/" + org_a, "/api/organizations/" + org_a + "/members",
        "/api/organizations/" + org_a + "/invitations",
        "/api/organizations/" + org_a + "/audit-logs"}) {
    EXPECT_EQ(Call("GET", path, b).status(), 404) << path;
  }
  EXPECT_EQ(Call("DELETE", "/api/organizations/" + org_b + "/invitations/" + inv_a, b).status(),
            404);
  EXPECT_EQ(
      Call("POST", "/api/organizations/" + org_b + "/invitations/" + inv_a + "/resend", b).status(),
      404);
  EXPECT_EQ(Call("DELETE", "/api/organizations/" + org_b + "/members/" + a.user_id, b).status(),
            404);
  EXPECT_EQ(Call("PUT", "/api/organizations/" + org_a, b, json::object{{"name", "Taken"}}).status(),
            404);
  // Accepting another address's invitation: not found.
  EXPECT_EQ(Call("POST", "/api/invitations/" + inv_a + "/accept", b).status(), 404);
  const ApiResponse list = Call("GET", "/api/organizations", b);
  ASSERT_EQ(list.Object().at("organizations").as_array().size(), 1u);
  EXPECT_EQ(list.Object().at("organizations").as_array()[0].at("id").as_string(), org_b);
  // The audit log of org_a still holds its own entry only.
  const auto actions = AuditActions(org_a, a);
  EXPECT_EQ(actions, (std::vector<std::string>{"invitation.created", "organization.created"}));
}

// ---- invitation lifecycle ----

TEST_F(OrgsTest, InvitationLifecycleSingleUseWrongEmailExpiredRevokedResent) {
  const TestAccount owner = Verified("lco");
  const TestAccount bob = Verified("lcb");
  const TestAccount eve = Verified("lce");
  const std::string org = CreateOrg(owner, "Life Team");
  const std::string base = "/api/organizations/" + org + "/invitations";

  // Sent to bob: the email carries the invite page link; eve cannot use it, bob once.
  ApiResponse r = Call("POST", base, owner, json::object{{"email", bob.email}});
  ASSERT_EQ(r.status(), 201) << r;
  const std::string first(r.Object().at("invitation").at("id").as_string());
  EXPECT_EQ(r.Object().at("invitation").at("role").as_string(), "member");
  const std::string token = InviteToken(bob.email);
  EXPECT_NE(WaitForText(bob.email, std::string(kBaseUrl) + "/#/invite/" + token), "");
  // A second open invitation to the same address is refused.
  EXPECT_EQ(Call("POST", base, owner, json::object{{"email", bob.email}}).status(), 409);
  EXPECT_EQ(Call("POST", "/api/invitations/" + first + "/accept", eve).status(), 404);
  EXPECT_EQ(Call("POST", "/api/invitations/" + first + "/decline", eve).status(), 404);
  EXPECT_TRUE(
      Call("GET", "/api/invitations/pending", eve).Object().at("invitations").as_array().empty());
  EXPECT_EQ(Call("POST", "/api/invitations/" + first + "/accept", bob).status(), 200);
  EXPECT_EQ(Call("POST", "/api/invitations/" + first + "/accept", bob).status(), 400);
  EXPECT_EQ(Call("POST", "/api/invitations/" + first + "/decline", bob).status(), 400);
  // Inviting a member again is a conflict.
  EXPECT_EQ(Call("POST", base, owner, json::object{{"email", bob.email}}).status(), 409);

  // Unknown tokens: 404.
  EXPECT_EQ(api().Call("GET", "/api/invitations/notarealtoken").status(), 404);

  // Revoked: the link stops working and it cannot be accepted.
  const TestAccount carol = Verified("lcc");
  r = Call("POST", base, owner, json::object{{"email", carol.email}});
  ASSERT_EQ(r.status(), 201) << r;
  const std::string revoked(r.Object().at("invitation").at("id").as_string());
  const std::string revoked_token = InviteToken(carol.email);
  EXPECT_EQ(api().Call("GET", "/api/invitations/" + revoked_token).status(), 200);
  EXPECT_EQ(Call("DELETE", base + "/" + revoked, owner).status(), 200);
  EXPECT_EQ(Call("DELETE", base + "/" + revoked, owner).status(), 404);
  EXPECT_EQ(api().Call("GET", "/api/invitations/" + revoked_token).status(), 404);
  EXPECT_EQ(Call("POST", "/api/invitations/" + revoked + "/accept", carol).status(), 400);
  EXPECT_TRUE(
      Call("GET", "/api/invitations/pending", carol).Object().at("invitations").as_array().empty());

  // Resent: a new link; the old one is dead, the new one works.
  r = Call("POST", base, owner, json::object{{"email", carol.email}});
  ASSERT_EQ(r.status(), 201) << r;
  const std::string again(r.Object().at("invitation").at("id").as_string());
  const std::string old_token = InviteToken(carol.email, 2);
  ASSERT_EQ(Call("POST", base + "/" + again + "/resend", owner).status(), 200);
  const std::string new_token = InviteToken(carol.email, 3);
  ASSERT_FALSE(new_token.empty());
  EXPECT_NE(new_token, old_token);
  EXPECT_EQ(api().Call("GET", "/api/invitations/" + old_token).status(), 404);
  EXPECT_EQ(api().Call("GET", "/api/invitations/" + new_token).status(), 200);

  // Declined: gone from pending, the link is dead.
  EXPECT_EQ(Call("POST", "/api/invitations/" + again + "/decline", carol).status(), 200);
  EXPECT_EQ(api().Call("GET", "/api/invitations/" + new_token).status(), 404);

  // Expired: still shown on the page (the client says "Expired"), not pending, not accepted.
  const TestAccount dan = Verified("lcd");
  r = Call("POST", base, owner, json::object{{"email", dan.email}});
  ASSERT_EQ(r.status(), 201) << r;
  const std::string expiring(r.Object().at("invitation").at("id").as_string());
  const std::string expiring_token = InviteToken(dan.email);
  {
    const auto db = OpenServerDatabase(server());
    ASSERT_NE(db, nullptr);
    ASSERT_TRUE(db->Execute({"UPDATE organization_invitations SET expires_at = ? WHERE id = ?",
                             {NowUnixMillis() - 1000, expiring}})
                    .ok());
  }
  EXPECT_TRUE(
      Call("GET", "/api/invitations/pending", dan).Object().at("invitations").as_array().empty());
  ApiResponse page = api().Call("GET", "/api/invitations/" + expiring_token);
  ASSERT_EQ(page.status(), 200) << page;
  EXPECT_LT(*ParseWireTimestamp(page.Object().at("invitation").at("expires_at").as_string()),
            NowUnixMillis());
  EXPECT_EQ(Call("POST", "/api/invitations/" + expiring + "/accept", dan).status(), 400);

  // The token is stored hashed only: the raw token is nowhere in the database.
  {
    const auto db = OpenServerDatabase(server());
    ASSERT_NE(db, nullptr);
    auto rows = db->Query(
        {"SELECT COUNT(*) FROM organization_invitations WHERE token_hash = ?", {new_token}});
    ASSERT_TRUE(rows.ok());
    EXPECT_EQ(storage::AsInt(rows->rows[0][0]), 0);
  }
  const auto actions = AuditActions(org, owner, "?resource_type=invitation&limit=50");
  const std::multiset<std::string> got(actions.begin(), actions.end());
  EXPECT_EQ(got.count("invitation.created"), 4u);
  EXPECT_EQ(got.count("invitation.accepted"), 1u);
  EXPECT_EQ(got.count("invitation.revoked"), 1u);
  EXPECT_EQ(got.count("invitation.resent"), 1u);
  EXPECT_EQ(got.count("invitation.declined"), 1u);
}

TEST_F(OrgsTest, AnUnverifiedEmailSeesNoInvitationsAndCannotAccept) {
  const TestAccount owner = Verified("uvo");
  const TestAccount unverified = CreateAccount(api(), "uvu");
  const std::string org = CreateOrg(owner, "Verify Team");
  ApiResponse r = Call("POST", "/api/organizations/" + org + "/invitations", owner,
                       json::object{{"email", unverified.email}});
  ASSERT_EQ(r.status(), 201) << r;
  const std::string id(r.Object().at("invitation").at("id").as_string());
  EXPECT_TRUE(Call("GET", "/api/invitations/pending", unverified)
                  .Object()
                  .at("invitations")
                  .as_array()
                  .empty());
  EXPECT_EQ(Call("POST", "/api/invitations/" + id + "/accept", unverified).status(), 403);
}

// ---- membership rules and the audit log ----

TEST_F(OrgsTest, OwnershipTransferLeavingAndTheAuditTrail) {
  const TestAccount owner = Verified("tro");
  const TestAccount admin = Verified("tra");
  const TestAccount member = Verified("trm");
  const std::string org = CreateOrg(owner, "Transfer Team");
  const std::string base = "/api/organizations/" + org;
  Join(org, owner, admin, "admin");
  Join(org, owner, member, "member");

  // The owner hands over; the old owner becomes admin, owner_id follows.
  ASSERT_EQ(Call("PUT", base + "/members/" + admin.user_id + "/role", owner,
                 json::object{{"role", "owner"}})
                .status(),
            200);
  ApiResponse got = Call("GET", base, owner);
  ASSERT_EQ(got.status(), 200) << got;
  EXPECT_EQ(got.Object().at("organization").at("owner_id").as_string(), admin.user_id);
  EXPECT_EQ(got.Object().at("organization").at("role").as_string(), "admin");
  // The old owner, now admin, may not remove the new owner; a member leaves by itself.
  EXPECT_EQ(Call("DELETE", base + "/members/" + admin.user_id, owner).status(), 403);
  EXPECT_EQ(Call("DELETE", base + "/members/" + member.user_id, member).status(), 200);
  EXPECT_EQ(Call("GET", base, member).status(), 404);
  EXPECT_EQ(Call("GET", base + "/members", member).status(), 404);

  // The audit log: every change, newest first, with filters and paging.
  const auto all = AuditActions(org, admin);
  EXPECT_EQ(
      all, (std::vector<std::string>{"member.removed", "member.role_updated", "invitation.accepted",
                                     "invitation.created", "invitation.accepted",
                                     "invitation.created", "organization.created"}));
  EXPECT_EQ(AuditActions(org, admin, "?action=invitation.created"),
            (std::vector<std::string>{"invitation.created", "invitation.created"}));
  EXPECT_EQ(AuditActions(org, admin, "?user_id=" + member.user_id),
            (std::vector<std::string>{"member.removed", "invitation.accepted"}));
  EXPECT_EQ(AuditActions(org, admin, "?limit=2&offset=1"),
            (std::vector<std::string>{"member.role_updated", "invitation.accepted"}));
  EXPECT_TRUE(AuditActions(org, admin, "?start_date=2200-01-01T00:00:00.000Z").empty());
  EXPECT_EQ(AuditActions(org, admin, "?end_date=2200-01-01T00:00:00.000Z").size(), 7u);
  EXPECT_EQ(Call("GET", base + "/audit-logs?limit=0", admin).status(), 400);
  EXPECT_EQ(Call("GET", base + "/audit-logs?start_date=yesterday", admin).status(), 400);
  const ApiResponse logs = Call("GET", base + "/audit-logs?action=member.role_updated", admin);
  const json::value& entry = logs.Object().at("logs").as_array().at(0);
  EXPECT_EQ(entry.at("resource_id").as_string(), admin.user_id);
  EXPECT_EQ(entry.at("details").at("to").as_string(), "owner");
  EXPECT_EQ(entry.at("ip_address").as_string(), "127.0.0.1");
}

TEST_F(OrgsTest, ValidationAndLimits) {
  const TestAccount owner = Verified("vlo");
  EXPECT_EQ(Call("POST", "/api/organizations", owner, json::object{{"name", "ab"}}).status(), 400);
  EXPECT_EQ(Call("POST", "/api/organizations", owner, json::object{{"name", std::string(51, 'x')}})
                .status(),
            400);
  EXPECT_EQ(Call("POST", "/api/organizations", owner, json::object{}).status(), 400);
  EXPECT_EQ(Call("POST", "/api/organizations", owner,
                 json::object{{"name", "Okay"}, {"description", std::string(501, 'd')}})
                .status(),
            400);
  const std::string org = CreateOrg(owner, "Limit Team");
  EXPECT_EQ(
      Call("PUT", "/api/organizations/" + org, owner, json::object{{"max_members", 0}}).status(),
      400);
  EXPECT_EQ(
      Call("PUT", "/api/organizations/" + org, owner, json::object{{"max_members", 1001}}).status(),
      400);
  // A full organization takes no invitation.
  ASSERT_EQ(
      Call("PUT", "/api/organizations/" + org, owner, json::object{{"max_members", 1}}).status(),
      200);
  EXPECT_EQ(Call("POST", "/api/organizations/" + org + "/invitations", owner,
                 json::object{{"email", "full@example.com"}})
                .status(),
            400);
  EXPECT_EQ(Call("POST", "/api/organizations/" + org + "/invitations", owner,
                 json::object{{"email", "not-an-email"}})
                .status(),
            400);
  // The free tier owns at most 3 organizations.
  CreateOrg(owner, "Second Team");
  CreateOrg(owner, "Third Team");
  EXPECT_EQ(
      Call("POST", "/api/organizations", owner, json::object{{"name", "Fourth Team"}}).status(),
      400);
}

// ---- shared items: an organization's sync space ----

json::object SpaceChange(const std::string& change_id, const std::string& type,
                         const std::string& id, const std::string& action, std::int64_t version,
                         json::object data) {
  return {{"id", change_id},  {"item_type", type},       {"item_id", id},
          {"action", action}, {"sync_version", version}, {"data", std::move(data)}};
}

ApiResponse SpaceUpload(const ApiClient& api, const TestAccount& who, const std::string& space,
                        const std::string& device, json::array changes) {
  json::object body{{"device_id", device}, {"changes", std::move(changes)}};
  if (!space.empty()) body["space"] = space;
  return api.Call("POST", "/api/sync/upload", json::value(std::move(body)), who.token);
}

ApiResponse SpaceDownload(const ApiClient& api, const TestAccount& who, const std::string& space,
                          const std::string& device, const std::string& cursor = "") {
  std::string path = "/api/sync/download?device_id=" + device;
  if (!space.empty()) path += "&space=" + space;
  if (!cursor.empty()) path += "&cursor=" + cursor;
  return api.Call("GET", path, std::nullopt, who.token);
}

// The downloaded items of one page (any type), by item id.
std::map<std::string, json::object> ItemsOf(const ApiResponse& download) {
  std::map<std::string, json::object> out;
  for (const char* key : {"connections", "saved_queries", "query_history"}) {
    const auto* list = download.Object().if_contains(key);
    if (list == nullptr || !list->is_array()) continue;
    for (const json::value& item : list->as_array()) {
      out[std::string(item.at("id").as_string())] = item.as_object();
    }
  }
  return out;
}

std::string Status0(const ApiResponse& upload) {
  const auto* results = upload.Object().if_contains("results");
  if (results == nullptr || !results->is_array() || results->as_array().empty()) return {};
  return std::string(results->as_array()[0].at("status").as_string());
}

TEST_F(OrgsTest, ASharedQueryReachesAnotherMembersDeviceAndTheirEditComesBack) {
  const TestAccount owner = Verified("sho");
  const TestAccount member = Verified("shm");
  const TestAccount outsider = Verified("shx");
  const std::string org = CreateOrg(owner, "Share Team");
  Join(org, owner, member, "member");

  // The owner's device shares a query into the organization's space.
  ApiResponse up = SpaceUpload(api(), owner, org, "owner-laptop",
                               {SpaceChange("c1", "saved_query", "q-shared", "create", 0,
                                            {{"name", "Revenue"}, {"query", "SELECT 1"}})});
  ASSERT_EQ(up.status(), 200) << up;
  ASSERT_EQ(Status0(up), "applied") << up;
  // A personal item of the owner stays personal.
  ASSERT_EQ(Status0(SpaceUpload(api(), owner, "", "owner-laptop",
                                {SpaceChange("c2", "saved_query", "q-private", "create", 0,
                                             {{"name", "Mine"}, {"query", "SELECT 2"}})})),
            "applied");

  // The member's device downloads the space: the shared query, nothing personal.
  ApiResponse down = SpaceDownload(api(), member, org, "member-desktop");
  ASSERT_EQ(down.status(), 200) << down;
  auto items = ItemsOf(down);
  ASSERT_EQ(items.size(), 1u) << down;
  ASSERT_TRUE(items.count("q-shared"));
  EXPECT_EQ(items["q-shared"].at("query").as_string(), "SELECT 1");
  const std::int64_t version = items["q-shared"].at("sync_version").as_int64();
  const std::string member_cursor(down.Object().at("cursor").as_string());
  EXPECT_TRUE(ItemsOf(SpaceDownload(api(), member, "", "member-desktop")).empty());

  // The owner's device takes its own cursor in the space, then the member edits.
  const std::string owner_cursor(
      SpaceDownload(api(), owner, org, "owner-laptop").Object().at("cursor").as_string());
  up = SpaceUpload(api(), member, org, "member-desktop",
                   {SpaceChange("m1", "saved_query", "q-shared", "update", version,
                                {{"name", "Revenue"}, {"query", "SELECT 1 -- by member"}})});
  ASSERT_EQ(Status0(up), "applied") << up;
  down = SpaceDownload(api(), owner, org, "owner-laptop", owner_cursor);
  ASSERT_EQ(down.status(), 200) << down;
  items = ItemsOf(down);
  ASSERT_EQ(items.size(), 1u) << down;
  EXPECT_EQ(items["q-shared"].at("query").as_string(), "SELECT 1 -- by member");
  EXPECT_EQ(items["q-shared"].at("sync_version").as_int64(), version + 1);

  // The same version rules: an edit based on the old version is a conflict.
  up = SpaceUpload(api(), owner, org, "owner-laptop",
                   {SpaceChange("c3", "saved_query", "q-shared", "update", version,
                                {{"name", "Revenue"}, {"query", "SELECT 1 -- by owner"}})});
  EXPECT_EQ(Status0(up), "conflict") << up;
  // Members may not delete shared items; the owner may.
  EXPECT_EQ(SpaceUpload(api(), member, org, "member-desktop",
                        {SpaceChange("m2", "saved_query", "q-shared", "delete", version + 1, {})})
                .status(),
            403);
  // Outsiders see nothing of the space.
  EXPECT_EQ(SpaceDownload(api(), outsider, org, "x-dev").status(), 404);
  EXPECT_EQ(SpaceUpload(api(), outsider, org, "x-dev",
                        {SpaceChange("x1", "saved_query", "q-x", "create", 0,
                                     {{"name", "x"}, {"query", "SELECT 3"}})})
                .status(),
            404);

  // A connection shared with a password: the password is never stored.
  up = SpaceUpload(
      api(), owner, org, "owner-laptop",
      {SpaceChange("c4", "connection", "conn-1", "create", 0,
                   {{"name", "prod"}, {"host", "db.example"}, {"password", "hunter2"}})});
  ASSERT_EQ(Status0(up), "applied") << up;
  down = SpaceDownload(api(), member, org, "member-desktop", member_cursor);
  items = ItemsOf(down);
  ASSERT_TRUE(items.count("conn-1")) << down;
  EXPECT_FALSE(items["conn-1"].contains("password")) << down;
  EXPECT_EQ(json::serialize(down.json).find("hunter2"), std::string::npos);
  const std::string next_cursor(down.Object().at("cursor").as_string());

  // Removing the member stops access at once: the next download and upload are refused.
  ASSERT_EQ(
      Call("DELETE", "/api/organizations/" + org + "/members/" + member.user_id, owner).status(),
      200);
  EXPECT_EQ(SpaceDownload(api(), member, org, "member-desktop", next_cursor).status(), 404);
  EXPECT_EQ(SpaceUpload(api(), member, org, "member-desktop",
                        {SpaceChange("m3", "saved_query", "q-shared", "update", version + 1,
                                     {{"name", "Revenue"}, {"query", "SELECT 9"}})})
                .status(),
            404);
  EXPECT_EQ(
      api().Call("GET", "/api/sync/conflicts?space=" + org, std::nullopt, member.token).status(),
      404);
  // The owner still has it all.
  EXPECT_EQ(ItemsOf(SpaceDownload(api(), owner, org, "owner-laptop-2")).size(), 2u);
}

// ---- the client's connections and queries API (docs/API.md "Connections and queries") ----

::testing::AssertionResult IsWrapped(const ApiResponse& r, int status) {
  if (r.status() != status) return ::testing::AssertionFailure() << r;
  if (!r.Object().contains("success") || !r.Object().at("success").as_bool()) {
    return ::testing::AssertionFailure() << "no success: " << r;
  }
  return ::testing::AssertionSuccess();
}

TEST_F(OrgsTest, ClientReplayConnectionsAndQueriesPersonalSharedAndByRole) {
  const TestAccount owner = Verified("cqo");
  const TestAccount member = Verified("cqm");
  const TestAccount outsider = Verified("cqx");
  const std::string org = CreateOrg(owner, "Sharing Team");
  Join(org, owner, member, "member");

  // A personal connection with a password: stored without it, the answer says so.
  ApiResponse r = Call("POST", "/api/connections", member,
                       json::object{{"name", "analytics"},
                                    {"description", "read replica"},
                                    {"database_type", "postgres"},
                                    {"host", "db.example"},
                                    {"port", 5432},
                                    {"database_name", "app"},
                                    {"username", "reader"},
                                    {"password", "s3cret-pw"},
                                    {"ssl_enabled", true}});
  ASSERT_TRUE(IsWrapped(r, 201));
  const json::object& conn = r.Object().at("data").as_object();
  const std::string conn_id(conn.at("id").as_string());
  EXPECT_EQ(conn.at("user_id").as_string(), member.user_id);
  EXPECT_TRUE(conn.at("organization_id").is_null());
  EXPECT_EQ(conn.at("name").as_string(), "analytics");
  EXPECT_EQ(conn.at("description").as_string(), "read replica");
  EXPECT_EQ(conn.at("database_type").as_string(), "postgres");
  EXPECT_EQ(conn.at("host").as_string(), "db.example");
  EXPECT_EQ(conn.at("port").as_int64(), 5432);
  EXPECT_EQ(conn.at("database_name").as_string(), "app");
  EXPECT_EQ(conn.at("username").as_string(), "reader");
  EXPECT_TRUE(conn.at("ssl_enabled").as_bool());
  EXPECT_EQ(conn.at("visibility").as_string(), "personal");
  EXPECT_TRUE(IsWireTimestamp(conn.at("created_at")));
  EXPECT_TRUE(IsWireTimestamp(conn.at("updated_at")));
  EXPECT_TRUE(conn.at("password_required").as_bool());
  EXPECT_EQ(r.http.body.find("s3cret-pw"), std::string::npos);
  // It is the member's sync item: their device downloads it.
  auto personal = ItemsOf(SpaceDownload(api(), member, "", "member-dev"));
  ASSERT_TRUE(personal.count(conn_id));
  EXPECT_FALSE(personal[conn_id].contains("password"));

  // A query shared on creation, then the lists the client reads.
  r = Call("POST", "/api/queries", owner,
           json::object{{"title", "Top customers"},
                        {"sql_content", "SELECT * FROM customers LIMIT 10"},
                        {"database_type", "postgres"},
                        {"tags", json::array{"sales"}},
                        {"organization_id", org},
                        {"visibility", "shared"}});
  ASSERT_TRUE(IsWrapped(r, 201));
  const std::string query_id(r.Object().at("data").at("id").as_string());
  EXPECT_EQ(r.Object().at("data").at("visibility").as_string(), "shared");
  EXPECT_EQ(r.Object().at("data").at("organization_id").as_string(), org);
  r = Call("GET", "/api/organizations/" + org + "/queries", member);
  ASSERT_TRUE(IsWrapped(r, 200));
  const json::array& queries = r.Object().at("data").at("queries").as_array();
  ASSERT_EQ(queries.size(), 1u) << r;
  EXPECT_EQ(queries[0].at("title").as_string(), "Top customers");
  EXPECT_EQ(queries[0].at("sql_content").as_string(), "SELECT * FROM customers LIMIT 10");
  EXPECT_EQ(queries[0].at("tags").as_array().size(), 1u);
  EXPECT_EQ(queries[0].at("user_id").as_string(), owner.user_id);
  // ... and the member's device gets it through the space.
  EXPECT_TRUE(ItemsOf(SpaceDownload(api(), member, org, "member-dev")).count(query_id));

  // A member may not edit or delete the owner's shared query; the owner may.
  EXPECT_EQ(
      Call("PUT", "/api/queries/" + query_id, member, json::object{{"title", "Mine"}}).status(),
      403);
  EXPECT_EQ(Call("DELETE", "/api/queries/" + query_id, member).status(), 403);
  r = Call("PUT", "/api/queries/" + query_id, owner, json::object{{"title", "Top 10 customers"}});
  ASSERT_TRUE(IsWrapped(r, 200));
  EXPECT_EQ(r.Object().at("data").at("title").as_string(), "Top 10 customers");
  EXPECT_EQ(r.Object().at("data").at("sql_content").as_string(),
            "SELECT * FROM customers LIMIT 10");

  // The member shares their own connection (members may share their items), then unshares.
  ASSERT_TRUE(IsWrapped(Call("POST", "/api/connections/" + conn_id + "/share", member,
                             json::object{{"organization_id", org}}),
                        200));
  r = Call("GET", "/api/organizations/" + org + "/connections", owner);
  ASSERT_TRUE(IsWrapped(r, 200));
  ASSERT_EQ(r.Object().at("data").at("connections").as_array().size(), 1u) << r;
  EXPECT_EQ(r.Object().at("data").at("connections").as_array()[0].at("id").as_string(), conn_id);
  EXPECT_EQ(r.Object().at("data").at("connections").as_array()[0].at("visibility").as_string(),
            "shared");
  r = Call("GET", "/api/connections", owner);  // the owner sees it among theirs
  ASSERT_TRUE(IsWrapped(r, 200));
  EXPECT_EQ(r.Object().at("data").at("connections").as_array().size(), 1u) << r;
  ASSERT_TRUE(IsWrapped(Call("POST", "/api/connections/" + conn_id + "/unshare", member), 200));
  // Shared again (over the tombstone the first move left) and back once more.
  ASSERT_TRUE(IsWrapped(Call("POST", "/api/connections/" + conn_id + "/share", member,
                             json::object{{"organization_id", org}}),
                        200));
  EXPECT_EQ(Call("GET", "/api/organizations/" + org + "/connections", owner)
                .Object()
                .at("data")
                .at("connections")
                .as_array()
                .size(),
            1u);
  ASSERT_TRUE(IsWrapped(Call("POST", "/api/connections/" + conn_id + "/unshare", member), 200));
  r = Call("GET", "/api/organizations/" + org + "/connections", owner);
  EXPECT_TRUE(r.Object().at("data").at("connections").as_array().empty()) << r;
  r = Call("GET", "/api/connections", member);
  ASSERT_EQ(r.Object().at("data").at("connections").as_array().size(), 1u) << r;
  EXPECT_EQ(r.Object().at("data").at("connections").as_array()[0].at("visibility").as_string(),
            "personal");

  // Outsiders: 404 for the organization's lists and items.
  EXPECT_EQ(Call("GET", "/api/organizations/" + org + "/queries", outsider).status(), 404);
  EXPECT_EQ(
      Call("PUT", "/api/queries/" + query_id, outsider, json::object{{"title", "x"}}).status(),
      404);
  EXPECT_EQ(Call("POST", "/api/connections/" + conn_id + "/share", outsider,
                 json::object{{"organization_id", org}})
                .status(),
            404);
  // The member's own personal connection: renamed (the type stays), then deleted.
  r = Call("PUT", "/api/connections/" + conn_id, member,
           json::object{{"name", "analytics-2"}, {"database_type", "mysql"}, {"password", "x"}});
  ASSERT_TRUE(IsWrapped(r, 200));
  EXPECT_EQ(r.Object().at("data").at("name").as_string(), "analytics-2");
  EXPECT_EQ(r.Object().at("data").at("database_type").as_string(), "postgres");
  ASSERT_TRUE(IsWrapped(Call("DELETE", "/api/connections/" + conn_id, member), 200));
  EXPECT_EQ(Call("DELETE", "/api/connections/" + conn_id, member).status(), 404);
  r = Call("GET", "/api/queries", owner);
  ASSERT_TRUE(IsWrapped(r, 200));
  EXPECT_EQ(r.Object().at("data").at("queries").as_array().size(), 1u) << r;
  EXPECT_TRUE(Call("GET", "/api/connections", member)
                  .Object()
                  .at("data")
                  .at("connections")
                  .as_array()
                  .empty());

  // Validation: a create without its name or type.
  EXPECT_EQ(
      Call("POST", "/api/connections", member, json::object{{"database_type", "mysql"}}).status(),
      400);
  EXPECT_EQ(Call("POST", "/api/queries", member, json::object{{"title", "t"}}).status(), 400);
  EXPECT_EQ(Call("POST", "/api/queries", member,
                 json::object{{"title", "t"}, {"database_type", "x"}, {"visibility", "shared"}})
                .status(),
            400);

  // The owner deletes the shared query; the audit log has the sharing changes.
  ASSERT_TRUE(IsWrapped(Call("DELETE", "/api/queries/" + query_id, owner), 200));
  EXPECT_TRUE(Call("GET", "/api/organizations/" + org + "/queries", member)
                  .Object()
                  .at("data")
                  .at("queries")
                  .as_array()
                  .empty());
  const auto actions = AuditActions(org, owner, "?limit=8");
  EXPECT_EQ(actions,
            (std::vector<std::string>{"query.deleted", "connection.unshared", "connection.shared",
                                      "connection.unshared", "connection.shared", "query.updated",
                                      "query.created", "invitation.accepted"}));
}

}  // namespace
}  // namespace howler::testing
