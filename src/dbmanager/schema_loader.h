// Helpers over Connection for results wanted whole: collecting a stream's rows, and the
// schema from five catalog queries. Thread-safety: as Connection's; `done` runs on the
// thread that delivered the last event.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/result.h"
#include "dbmanager/connection.h"
#include "dbmanager/schema.h"

namespace howler::dbmanager {

struct CollectedRows {
  std::vector<Column> columns;
  std::vector<CellRow> rows;
  QuerySummary summary;
};

// Pulls `stream` to its end; the error event's Status when it failed.
void CollectRows(std::shared_ptr<QueryStream> stream,
                 std::function<void(Result<CollectedRows>)> done);

// The SQL of the five queries, each returning these columns (text cells unless noted):
//   schemas:      name
//   relations:    schema, name, is_view (bool or 0/1)
//   columns:      schema, table, name, type, nullable (bool or 0/1), default (or NULL),
//                 primary_key (bool or 0/1), in ordinal order
//   indexes:      schema, table, name, unique (bool or 0/1), columns (JSON array, or a
//                 string holding one)
//   foreign_keys: schema, table, name, columns, ref_schema, ref_table, ref_columns
//                 (column lists as for indexes)
struct SchemaQueries {
  std::string schemas;
  std::string relations;
  std::string columns;
  std::string indexes;
  std::string foreign_keys;
};

// Runs the queries one after another on `connection` and builds the Schema.
void RunSchemaQueries(Connection& connection, SchemaQueries queries,
                      std::function<void(Result<Schema>)> done);

// Builds a Schema from the five results (for RunSchemaQueries and engines that gather
// them otherwise). INTERNAL when a result does not have the expected shape.
Result<Schema> BuildSchema(const std::vector<CollectedRows>& results);

}  // namespace howler::dbmanager
