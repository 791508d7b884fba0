#include "storage/libsql/hrana_pipeline.h"

#include <boost/json/serialize.hpp>

#include "storage/libsql/exact_json.h"
#include "storage/libsql/hrana_status.h"
#include "storage/libsql/hrana_value.h"

namespace howler::storage {
namespace {

namespace json = boost::json;

Status Malformed(std::string_view what) {
  return InternalError("database error: malformed response from server: " + std::string(what));
}

Result<json::object> Stmt(const Statement& statement) {
  json::array args;
  args.reserve(statement.params.size());
  for (const Value& param : statement.params) {
    HOWLER_ASSIGN_OR_RETURN(json::value encoded, EncodeHranaValue(param));
    args.push_back(std::move(encoded));
  }
  return json::object{{"sql", statement.sql}, {"args", std::move(args)}, {"want_rows", true}};
}

json::object OkCondition(std::size_t step) {
  return json::object{{"type", "ok"}, {"step", step}};
}

json::object Step(json::object stmt, json::value condition) {
  json::object step{{"stmt", std::move(stmt)}};
  if (!condition.is_null()) {
    step["condition"] = std::move(condition);
  }
  return step;
}

Status ErrorStatus(const json::value& error) {
  const json::object* object = error.if_object();
  const json::value* code = object ? object->if_contains("code") : nullptr;
  const json::value* message = object ? object->if_contains("message") : nullptr;
  return HranaErrorStatus(
      code && code->is_string() ? std::string_view(code->get_string()) : "",
      message && message->is_string() ? std::string_view(message->get_string()) : "unknown error");
}

Result<json::value> ResultOf(const json::value& result) {
  const json::object* object = result.if_object();
  const json::value* type = object ? object->if_contains("type") : nullptr;
  if (type != nullptr && type->is_string() && type->get_string() == "ok") {
    const json::value* response = object->if_contains("response");
    return response ? *response : json::value();
  }
  if (type != nullptr && type->is_string() && type->get_string() == "error") {
    const json::value* error = object->if_contains("error");
    return ErrorStatus(error ? *error : json::value());
  }
  return Malformed("result without a type");
}

Result<ResultSet> DecodeStmtResult(const json::value& result) {
  const json::object* object = result.if_object();
  const json::value* cols = object ? object->if_contains("cols") : nullptr;
  const json::value* rows = object ? object->if_contains("rows") : nullptr;
  if (cols == nullptr || !cols->is_array() || rows == nullptr || !rows->is_array()) {
    return Malformed("statement result without cols and rows");
  }
  ResultSet out;
  for (const json::value& col : cols->get_array()) {
    const json::value* name = col.is_object() ? col.get_object().if_contains("name") : nullptr;
    out.columns.emplace_back(name && name->is_string() ? std::string(name->get_string()) : "");
  }
  out.rows.reserve(rows->get_array().size());
  for (const json::value& row : rows->get_array()) {
    if (!row.is_array() || row.get_array().size() != out.columns.size()) {
      return Malformed("row does not match the columns");
    }
    Row& decoded = out.rows.emplace_back();
    decoded.reserve(out.columns.size());
    for (const json::value& cell : row.get_array()) {
      HOWLER_ASSIGN_OR_RETURN(Value value, DecodeHranaValue(cell));
      decoded.push_back(std::move(value));
    }
  }
  return out;
}

}  // namespace

Result<json::object> ExecuteRequest(const Statement& statement) {
  HOWLER_ASSIGN_OR_RETURN(json::object stmt, Stmt(statement));
  return json::object{{"type", "execute"}, {"stmt", std::move(stmt)}};
}

Result<json::object> AtomicBatchRequest(const std::vector<Statement>& statements) {
  json::array steps;
  steps.reserve(statements.size() + 3);
  steps.push_back(Step(json::object{{"sql", "BEGIN IMMEDIATE"}}, nullptr));
  for (const Statement& statement : statements) {
    HOWLER_ASSIGN_OR_RETURN(json::object stmt, Stmt(statement));
    steps.push_back(Step(std::move(stmt), OkCondition(steps.size() - 1)));
  }
  const std::size_t commit = steps.size();
  steps.push_back(Step(json::object{{"sql", "COMMIT"}}, OkCondition(commit - 1)));
  // Only a transaction this batch opened is rolled back: on a server that shares one
  // connection among clients (tursodb), a failed BEGIN means another client's is open.
  json::object not_committed{{"type", "not"}, {"cond", OkCondition(commit)}};
  steps.push_back(
      Step(json::object{{"sql", "ROLLBACK"}},
           json::object{{"type", "and"},
                        {"conds", json::array{OkCondition(0), std::move(not_committed)}}}));
  return json::object{{"type", "batch"}, {"batch", json::object{{"steps", std::move(steps)}}}};
}

json::object CloseRequest() {
  return json::object{{"type", "close"}};
}

std::string PipelineBody(json::array requests) {
  return json::serialize(json::object{{"baton", nullptr}, {"requests", std::move(requests)}});
}

Result<std::vector<Result<json::value>>> ParsePipelineResponse(std::string_view body,
                                                               std::size_t expected) {
  HOWLER_ASSIGN_OR_RETURN(json::value parsed, ParseJsonExact(body));
  const json::object* object = parsed.if_object();
  const json::value* results = object ? object->if_contains("results") : nullptr;
  if (results == nullptr || !results->is_array() || results->get_array().size() < expected) {
    return Malformed("pipeline results missing");
  }
  std::vector<Result<json::value>> out;
  out.reserve(results->get_array().size());
  for (const json::value& result : results->get_array()) {
    out.push_back(ResultOf(result));
  }
  return out;
}

Result<ResultSet> DecodeExecuteResponse(const json::value& response) {
  const json::object* object = response.if_object();
  const json::value* result = object ? object->if_contains("result") : nullptr;
  if (result == nullptr) {
    return Malformed("execute response without a result");
  }
  return DecodeStmtResult(*result);
}

Result<std::vector<ResultSet>> DecodeAtomicBatchResponse(const json::value& response,
                                                         std::size_t statements) {
  const json::object* object = response.if_object();
  const json::value* result = object ? object->if_contains("result") : nullptr;
  const json::object* batch = result ? result->if_object() : nullptr;
  const json::value* step_results = batch ? batch->if_contains("step_results") : nullptr;
  const json::value* step_errors = batch ? batch->if_contains("step_errors") : nullptr;
  const std::size_t commit = statements + 1;
  if (step_results == nullptr || !step_results->is_array() || step_errors == nullptr ||
      !step_errors->is_array() || step_results->get_array().size() <= commit ||
      step_errors->get_array().size() <= commit) {
    return Malformed("batch response without step results");
  }
  for (std::size_t step = 0; step <= commit; ++step) {
    const json::value& error = step_errors->get_array()[step];
    if (!error.is_null()) {
      return ErrorStatus(error);
    }
  }
  if (step_results->get_array()[commit].is_null()) {
    return Malformed("batch did not commit");
  }
  std::vector<ResultSet> out;
  out.reserve(statements);
  for (std::size_t step = 1; step <= statements; ++step) {
    HOWLER_ASSIGN_OR_RETURN(ResultSet rows, DecodeStmtResult(step_results->get_array()[step]));
    out.push_back(std::move(rows));
  }
  return out;
}

}  // namespace howler::storage
