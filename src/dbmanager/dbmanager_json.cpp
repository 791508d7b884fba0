#include "dbmanager/dbmanager_json.h"

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>

#include "common/time_format.h"

namespace howler::dbmanager {
namespace json = boost::json;
namespace {

json::array Strings(const std::vector<std::string>& v) {
  json::array a;
  for (const auto& s : v) a.emplace_back(s);
  return a;
}

json::object RelationJson(const SchemaRelation& r) {
  json::array columns, indexes, fks;
  for (const auto& c : r.columns) {
    json::object o{{"name", c.name},
                   {"type", c.type},
                   {"nullable", c.nullable},
                   {"primary_key", c.primary_key}};
    o["default"] = c.default_value ? json::value(*c.default_value) : json::value(nullptr);
    columns.emplace_back(std::move(o));
  }
  for (const auto& i : r.indexes) {
    indexes.emplace_back(
        json::object{{"name", i.name}, {"unique", i.unique}, {"columns", Strings(i.columns)}});
  }
  for (const auto& f : r.foreign_keys) {
    fks.emplace_back(json::object{{"name", f.name},
                                  {"columns", Strings(f.columns)},
                                  {"ref_schema", f.ref_schema},
                                  {"ref_table", f.ref_table},
                                  {"ref_columns", Strings(f.ref_columns)}});
  }
  return {{"schema", r.schema}, {"name", r.name},     {"view", r.view},
          {"columns", columns}, {"indexes", indexes}, {"foreign_keys", fks}};
}

// Cells are JSON texts already (query_stream.h): written as they are.
void AppendRow(std::string& out, const CellRow& row) {
  out += '[';
  for (std::size_t c = 0; c < row.size(); ++c) {
    if (c > 0) out += ',';
    out += row[c];
  }
  out += ']';
}

}  // namespace

json::object SessionJson(const SessionInfo& s) {
  return {{"id", s.id},
          {"type", std::string(EngineName(s.engine))},
          {"host", s.host},
          {"port", s.port},
          {"database", s.database},
          {"username", s.username},
          {"read_only", s.read_only},
          {"opened_at", FormatRfc3339(s.opened_at)},
          {"last_used_at", FormatRfc3339(s.last_used_at)}};
}

json::object SchemaJson(const Schema& schema) {
  json::array relations;
  for (const auto& r : schema.relations) relations.emplace_back(RelationJson(r));
  return {{"schemas", Strings(schema.schemas)}, {"relations", relations}};
}

std::string ColumnsLine(const std::vector<Column>& columns) {
  json::array a;
  for (const auto& c : columns) a.emplace_back(json::object{{"name", c.name}, {"type", c.type}});
  return json::serialize(json::object{{"columns", a}}) + "\n";
}

std::string RowsLine(const std::vector<CellRow>& rows) {
  std::string out = "{\"rows\":[";
  for (std::size_t r = 0; r < rows.size(); ++r) {
    if (r > 0) out += ',';
    AppendRow(out, rows[r]);
  }
  return out + "]}\n";
}

std::string RowJson(const CellRow& row) {
  std::string out;
  AppendRow(out, row);
  return out;
}

std::string SummaryLine(const QuerySummary& s) {
  json::object o{{"rows", s.rows},
                 {"bytes", s.bytes},
                 {"duration_ms", static_cast<double>(s.duration.count()) / 1000.0},
                 {"truncated", s.truncated},
                 {"notices", Strings(s.notices)}};
  o["affected_rows"] = s.affected_rows ? json::value(*s.affected_rows) : json::value(nullptr);
  return json::serialize(json::object{{"summary", o}}) + "\n";
}

}  // namespace howler::dbmanager
