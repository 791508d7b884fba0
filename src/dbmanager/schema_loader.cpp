#include "dbmanager/schema_loader.h"

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <map>

namespace howler::dbmanager {
namespace {

void Pull(std::shared_ptr<QueryStream> stream, std::shared_ptr<CollectedRows> rows,
          std::function<void(Result<CollectedRows>)> done) {
  QueryStream* raw = stream.get();
  raw->Next([stream = std::move(stream), rows = std::move(rows),
             done = std::move(done)](QueryEvent event) mutable {
    switch (event.kind) {
      case QueryEvent::Kind::kColumns:
        rows->columns = std::move(event.columns);
        break;
      case QueryEvent::Kind::kRows:
        for (auto& row : event.rows) {
          rows->rows.push_back(std::move(row));
        }
        break;
      case QueryEvent::Kind::kSummary:
        rows->summary = std::move(event.summary);
        done(std::move(*rows));
        return;
      case QueryEvent::Kind::kError:
        done(std::move(event.error));
        return;
    }
    Pull(std::move(stream), std::move(rows), std::move(done));
  });
}

boost::json::value Parse(const std::string& cell) {
  boost::system::error_code error;
  boost::json::value value = boost::json::parse(cell, error);
  return error ? boost::json::value(nullptr) : value;
}

std::string Text(const std::string& cell) {
  boost::json::value value = Parse(cell);
  if (value.is_string()) {
    return std::string(value.as_string());
  }
  return value.is_null() ? "" : cell;
}

bool Flag(const std::string& cell) {
  boost::json::value value = Parse(cell);
  if (value.is_bool()) {
    return value.as_bool();
  }
  if (value.is_string()) {
    return value.as_string() == "1" || value.as_string() == "t" || value.as_string() == "true";
  }
  return value.is_number() && value.to_number<double>() != 0;
}

std::vector<std::string> Names(const std::string& cell) {
  boost::json::value value = Parse(cell);
  if (value.is_string()) {
    value = Parse(std::string(value.as_string()));
  }
  std::vector<std::string> names;
  if (value.is_array()) {
    for (const auto& item : value.as_array()) {
      names.push_back(item.is_string() ? std::string(item.as_string()) : "");
    }
  }
  return names;
}

using Key = std::pair<std::string, std::string>;

}  // namespace

const SchemaRelation* Schema::Find(const std::string& schema, const std::string& name) const {
  for (const auto& relation : relations) {
    if (relation.schema == schema && relation.name == name) {
      return &relation;
    }
  }
  return nullptr;
}

void CollectRows(std::shared_ptr<QueryStream> stream,
                 std::function<void(Result<CollectedRows>)> done) {
  Pull(std::move(stream), std::make_shared<CollectedRows>(), std::move(done));
}

Result<Schema> BuildSchema(const std::vector<CollectedRows>& results) {
  constexpr std::size_t kWidths[] = {1, 3, 7, 5, 7};
  if (results.size() != 5) {
    return InternalError("schema queries incomplete");
  }
  for (std::size_t i = 0; i < 5; ++i) {
    for (const auto& row : results[i].rows) {
      if (row.size() != kWidths[i]) {
        return InternalError("schema query returned an unexpected shape");
      }
    }
  }
  Schema schema;
  for (const auto& row : results[0].rows) {
    schema.schemas.push_back(Text(row[0]));
  }
  std::map<Key, SchemaRelation> relations;
  for (const auto& row : results[1].rows) {
    SchemaRelation& relation = relations[{Text(row[0]), Text(row[1])}];
    relation.schema = Text(row[0]);
    relation.name = Text(row[1]);
    relation.view = Flag(row[2]);
  }
  for (const auto& row : results[2].rows) {
    auto it = relations.find({Text(row[0]), Text(row[1])});
    if (it != relations.end()) {
      SchemaColumn column{Text(row[2]), Text(row[3]), Flag(row[4]), std::nullopt, Flag(row[6])};
      if (!Parse(row[5]).is_null()) {
        column.default_value = Text(row[5]);
      }
      it->second.columns.push_back(std::move(column));
    }
  }
  for (const auto& row : results[3].rows) {
    auto it = relations.find({Text(row[0]), Text(row[1])});
    if (it != relations.end()) {
      it->second.indexes.push_back({Text(row[2]), Flag(row[3]), Names(row[4])});
    }
  }
  for (const auto& row : results[4].rows) {
    auto it = relations.find({Text(row[0]), Text(row[1])});
    if (it != relations.end()) {
      it->second.foreign_keys.push_back(
          {Text(row[2]), Names(row[3]), Text(row[4]), Text(row[5]), Names(row[6])});
    }
  }
  std::sort(schema.schemas.begin(), schema.schemas.end());
  for (auto& [key, relation] : relations) {
    schema.relations.push_back(std::move(relation));
  }
  return schema;
}

void RunSchemaQueries(Connection& connection, SchemaQueries queries,
                      std::function<void(Result<Schema>)> done) {
  struct State {
    Connection* connection;
    std::vector<std::string> sql;
    std::vector<CollectedRows> results;
    std::function<void(Result<Schema>)> done;
  };
  auto state = std::make_shared<State>();
  state->connection = &connection;
  state->sql = {std::move(queries.schemas), std::move(queries.relations),
                std::move(queries.columns), std::move(queries.indexes),
                std::move(queries.foreign_keys)};
  state->done = std::move(done);
  // Each step starts the next one from the completion of the previous.
  auto step = std::make_shared<std::function<void()>>();
  *step = [state, step] {
    if (state->results.size() == state->sql.size()) {
      state->done(BuildSchema(state->results));
      *step = nullptr;  // breaks the cycle
      return;
    }
    CollectRows(state->connection->Query({.sql = state->sql[state->results.size()]}),
                [state, step](Result<CollectedRows> rows) {
                  if (!rows.ok()) {
                    state->done(rows.status());
                    *step = nullptr;
                    return;
                  }
                  state->results.push_back(std::move(rows).value());
                  (*step)();
                });
  };
  (*step)();
}

}  // namespace howler::dbmanager
