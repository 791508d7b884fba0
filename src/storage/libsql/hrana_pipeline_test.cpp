#include "storage/libsql/hrana_pipeline.h"

#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>
#include <limits>

#include "storage/database_contract_test.h"  // PrintTo for Null and Blob
#include "storage/libsql/exact_json.h"

namespace howler::storage {
namespace {

namespace json = boost::json;

json::value Json(std::string_view text) {
  auto parsed = ParseJsonExact(text);
  EXPECT_TRUE(parsed.ok()) << text;
  return parsed.ok() ? *parsed : json::value();
}

constexpr std::string_view kEmptyResult = R"({"cols":[],"rows":[],"affected_row_count":0})";

TEST(HranaPipelineTest, ExecuteRequestCarriesPositionalArgs) {
  auto request = ExecuteRequest({"SELECT ?, ?", {std::int64_t{1}, std::string("x")}});
  ASSERT_TRUE(request.ok());
  EXPECT_EQ(json::serialize(*request),
            R"({"type":"execute","stmt":{"sql":"SELECT ?, ?","args":[)"
            R"({"type":"integer","value":"1"},{"type":"text","value":"x"}],"want_rows":true}})");
  EXPECT_EQ(ExecuteRequest({"SELECT ?", {std::numeric_limits<double>::infinity()}}).status().code(),
            StatusCode::kInvalidArgument);
}

TEST(HranaPipelineTest, AtomicBatchChainsEveryStep) {
  auto request = AtomicBatchRequest({{"INSERT 1", {}}, {"INSERT 2", {}}});
  ASSERT_TRUE(request.ok());
  const json::array& steps = request->at("batch").at("steps").as_array();
  ASSERT_EQ(steps.size(), 5u);
  EXPECT_EQ(steps[0].at("stmt").at("sql").as_string(), "BEGIN IMMEDIATE");
  EXPECT_FALSE(steps[0].as_object().contains("condition"));
  EXPECT_EQ(json::serialize(steps[1].at("condition")), R"({"type":"ok","step":0})");
  EXPECT_EQ(json::serialize(steps[2].at("condition")), R"({"type":"ok","step":1})");
  EXPECT_EQ(steps[3].at("stmt").at("sql").as_string(), "COMMIT");
  EXPECT_EQ(json::serialize(steps[3].at("condition")), R"({"type":"ok","step":2})");
  EXPECT_EQ(steps[4].at("stmt").at("sql").as_string(), "ROLLBACK");
  EXPECT_EQ(json::serialize(steps[4].at("condition")),
            R"({"type":"and","conds":[{"type":"ok","step":0},)"
            R"({"type":"not","cond":{"type":"ok","step":3}}]})");
}

TEST(HranaPipelineTest, PipelineBodyHasANullBaton) {
  EXPECT_EQ(PipelineBody(json::array{CloseRequest()}),
            R"({"baton":null,"requests":[{"type":"close"}]})");
}

TEST(HranaPipelineTest, ParsesResultsAndErrorsInOrder) {
  auto results = ParsePipelineResponse(
      R"({"baton":null,"base_url":null,"results":[)"
      R"({"type":"ok","response":{"type":"execute","result":{)"
      R"("cols":[{"name":"n","decltype":null}],"rows":[[{"type":"integer","value":"7"}]],)"
      R"("affected_row_count":0,"last_insert_rowid":null}}},)"
      R"j({"type":"error","error":{"message":"Runtime error: UNIQUE constraint failed: c.e (19)",)j"
      R"("code":"EXECUTE_ERROR"}}]})",
      2);
  ASSERT_TRUE(results.ok()) << results.status().ToString();
  ASSERT_EQ(results->size(), 2u);
  ASSERT_TRUE((*results)[0].ok());
  auto rows = DecodeExecuteResponse(*(*results)[0]);
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  EXPECT_EQ(rows->columns, (std::vector<std::string>{"n"}));
  EXPECT_EQ(rows->rows, (std::vector<Row>{{std::int64_t{7}}}));
  EXPECT_EQ((*results)[1].status().code(), StatusCode::kAlreadyExists);
}

TEST(HranaPipelineTest, MalformedPipelineResponsesAreInternal) {
  for (std::string_view bad :
       {"Internal Server Error", R"({"results":{}})", R"({"results":[]})", R"({"baton":null})"}) {
    EXPECT_EQ(ParsePipelineResponse(bad, 1).status().code(), StatusCode::kInternal) << bad;
  }
  auto unknown = ParsePipelineResponse(R"({"results":[{"type":"weird"}]})", 1);
  ASSERT_TRUE(unknown.ok());
  EXPECT_EQ((*unknown)[0].status().code(), StatusCode::kInternal);
}

TEST(HranaPipelineTest, RowsMustMatchColumns) {
  EXPECT_EQ(DecodeExecuteResponse(Json(R"({"result":{"cols":[{"name":"a"}],"rows":[[]]}})"))
                .status()
                .code(),
            StatusCode::kInternal);
  EXPECT_EQ(DecodeExecuteResponse(Json(R"({"type":"execute"})")).status().code(),
            StatusCode::kInternal);
}

std::string BatchResponse(std::string_view results, std::string_view errors) {
  return R"({"type":"batch","result":{"step_results":[)" + std::string(results) +
         R"(],"step_errors":[)" + std::string(errors) + "]}}";
}

TEST(HranaPipelineTest, DecodesACommittedBatch) {
  const std::string e(kEmptyResult);
  const std::string row = R"({"cols":[{"name":"v"}],"rows":[[{"type":"float","value":0.1}]]})";
  auto decoded = DecodeAtomicBatchResponse(
      Json(BatchResponse(e + "," + row + "," + e + "," + e + ",null", "null,null,null,null,null")),
      2);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  ASSERT_EQ(decoded->size(), 2u);
  EXPECT_EQ((*decoded)[0].rows, (std::vector<Row>{{0.1}}));
  EXPECT_TRUE((*decoded)[1].empty());
}

TEST(HranaPipelineTest, AFailedStepIsTheBatchStatus) {
  const std::string e(kEmptyResult);
  // As tursodb answers: step 2 failed, COMMIT skipped, ROLLBACK ran.
  auto decoded = DecodeAtomicBatchResponse(
      Json(BatchResponse(e + "," + e + ",null,null," + e,
                         R"j(null,null,{"message":"Runtime error: NOT NULL constraint failed: )j"
                         R"j(t.v (19)","code":"BATCH_STEP_ERROR"},null,null)j")),
      2);
  EXPECT_EQ(decoded.status().code(), StatusCode::kFailedPrecondition);

  auto commit_failed = DecodeAtomicBatchResponse(
      Json(
          BatchResponse(e + "," + e + ",null," + e,
                        R"(null,null,{"message":"database is locked","code":"SQLITE_BUSY"},null)")),
      1);
  EXPECT_EQ(commit_failed.status().code(), StatusCode::kUnavailable);
}

TEST(HranaPipelineTest, ABatchThatDidNotCommitIsAnError) {
  const std::string e(kEmptyResult);
  EXPECT_EQ(DecodeAtomicBatchResponse(
                Json(BatchResponse(e + "," + e + ",null," + e, "null,null,null,null")), 1)
                .status()
                .code(),
            StatusCode::kInternal);
  EXPECT_EQ(DecodeAtomicBatchResponse(Json(BatchResponse(e, "null")), 1).status().code(),
            StatusCode::kInternal);
}

}  // namespace
}  // namespace howler::storage
