// docs/openapi.json against the operation table (docs/DESIGN.md "The OpenAPI document"):
// every operation with an HTTP route is in the document under its method and path, with
// its name as operationId, the security its access asks for, its `{id}` path parameters
// and its body fields; and the document holds nothing the table does not declare, except
// the routes marked `x-howler-route` (health, readiness, the document itself).
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "api/operations.h"

namespace howler::api {
namespace {

namespace json = boost::json;

json::value LoadDocument() {
  std::ifstream in(std::string(HOWLER_SOURCE_DIR) + "/docs/openapi.json");
  std::stringstream text;
  text << in.rdbuf();
  return json::parse(text.str());
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The `security` array an access level must have, as JSON text.
std::string SecurityFor(Access access) {
  switch (access) {
    case Access::kPublic:
      return "[]";
    case Access::kSession:
      return R"([{"bearerAuth":[]}])";
    case Access::kSyncCredential:
      return R"([{"bearerAuth":[]},{"licenseKey":[]}])";
    case Access::kSessionOrFirstMessage:
      return R"([{"bearerAuth":[]},{"websocketProtocol":[]},{}])";
  }
  return "?";
}

const json::object* FindOperation(const json::value& doc, const Operation& op) {
  const json::object& paths = doc.at("paths").as_object();
  const auto path = paths.find(op.http_path);
  if (path == paths.end() || !path->value().is_object()) return nullptr;
  const auto method = path->value().as_object().find(Lower(op.http_method));
  if (method == path->value().as_object().end()) return nullptr;
  return &method->value().as_object();
}

TEST(OpenApiDocumentTest, IsOpenApi31) {
  const json::value doc = LoadDocument();
  EXPECT_EQ(doc.at("openapi").as_string(), "3.1.0");
  EXPECT_TRUE(doc.at("components").at("schemas").as_object().contains("Error"));
}

TEST(OpenApiDocumentTest, EveryOperationIsDocumentedWithItsSecurity) {
  const json::value doc = LoadDocument();
  for (const Operation* op : kAllOperations) {
    if (op->http_path.empty()) continue;
    const json::object* entry = FindOperation(doc, *op);
    ASSERT_NE(entry, nullptr) << "docs/openapi.json lacks operation " << op->name << ": add \""
                              << Lower(op->http_method) << "\" under paths \"" << op->http_path
                              << "\" with operationId \"" << op->name << "\"";
    EXPECT_EQ(entry->at("operationId").as_string(), op->name)
        << op->http_method << " " << op->http_path;
    ASSERT_TRUE(entry->contains("security")) << op->name << " has no security";
    EXPECT_EQ(json::serialize(entry->at("security")), SecurityFor(op->access))
        << op->name << ": security does not match its access in src/api/operations.h";
    const json::object& responses = entry->at("responses").as_object();
    EXPECT_TRUE(responses.contains("default")) << op->name << ": no default (error) response";
  }
}

TEST(OpenApiDocumentTest, PathParametersAndBodyFieldsMatchTheDeclaration) {
  const json::value doc = LoadDocument();
  for (const Operation* op : kAllOperations) {
    const json::object* entry = FindOperation(doc, *op);
    if (entry == nullptr) continue;  // reported by the test above
    const bool has_id = op->http_path.find("{id}") != std::string_view::npos;
    bool documents_id = false;
    if (const auto* params = entry->if_contains("parameters")) {
      for (const json::value& p : params->as_array()) {
        documents_id |= p.at("in").as_string() == "path" && p.at("name").as_string() == "id";
      }
    }
    EXPECT_EQ(has_id, documents_id) << op->name << ": path parameter {id}";
    // A field the table takes from the body must be a property of the request body (in one
    // of its forms); a path's {id} and query parameters are checked above or are GETs.
    if (op->http_method == "GET" || op->fields.empty()) continue;
    const std::string body =
        entry->contains("requestBody") ? json::serialize(entry->at("requestBody")) : std::string();
    for (const FieldLimit& field : op->fields) {
      if (has_id && (field.name == "session_id" || field.name == "conflict_id")) continue;
      EXPECT_NE(body.find("\"" + std::string(field.name) + "\""), std::string::npos)
          << op->name << ": request body lacks field " << field.name;
    }
  }
}

TEST(OpenApiDocumentTest, DocumentsNothingUndeclared) {
  const json::value doc = LoadDocument();
  std::set<std::string> declared;
  for (const Operation* op : kAllOperations) {
    declared.insert(Lower(op->http_method) + " " + std::string(op->http_path));
  }
  for (const auto& path : doc.at("paths").as_object()) {
    for (const auto& method : path.value().as_object()) {
      const std::string route = std::string(method.key()) + " " + std::string(path.key());
      if (method.value().as_object().contains("x-howler-route")) continue;
      EXPECT_TRUE(declared.count(route)) << "docs/openapi.json documents " << route
                                         << ", which src/api/operations.h does not declare";
    }
  }
}

}  // namespace
}  // namespace howler::api
