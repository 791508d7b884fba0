// Schema: what a user's database holds, as the schema browser shows it. Plain data.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace howler::dbmanager {

struct SchemaColumn {
  std::string name;
  std::string type;
  bool nullable = true;
  std::optional<std::string> default_value;  // the default's expression text
  bool primary_key = false;
};

struct SchemaIndex {
  std::string name;
  bool unique = false;
  std::vector<std::string> columns;
};

struct SchemaForeignKey {
  std::string name;
  std::vector<std::string> columns;
  std::string ref_schema;
  std::string ref_table;
  std::vector<std::string> ref_columns;
};

struct SchemaRelation {
  std::string schema;
  std::string name;
  bool view = false;
  std::vector<SchemaColumn> columns;  // in ordinal order
  std::vector<SchemaIndex> indexes;
  std::vector<SchemaForeignKey> foreign_keys;
};

struct Schema {
  std::vector<std::string> schemas;       // sorted
  std::vector<SchemaRelation> relations;  // sorted by schema, then name

  const SchemaRelation* Find(const std::string& schema, const std::string& name) const;
};

}  // namespace howler::dbmanager
