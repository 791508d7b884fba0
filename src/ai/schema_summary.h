// SummarizeSchema: a database's schema as prompt text within a token budget, the tables
// most relevant to the request first.
//
// Contract:
// - One line per table or view: `schema.name: col type [pk] [not null], ...`, then its
//   foreign keys `; fk (a, b) -> schema.table (c, d)`. Only names and types: no default
//   expressions (they may hold values), no rows, nothing else of the database.
// - Relevance: a table named in `focus` (the question or the SQL, compared
//   case-insensitively, also without a trailing "s") scores 100, each of its columns named
//   there 1 more; a table one foreign key away from a named table scores 10. Higher scores
//   come first, then schema and name order.
// - Lines are added while the text stays within `token_budget` tokens, estimated as
//   EstimateTokens (4 bytes a token); tables left out are counted in a last line
//   `-- N more tables not shown`.
// Pure; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "dbmanager/schema.h"

namespace howler::ai {

struct SchemaSummary {
  std::string text;
  int tables_shown = 0;
  int tables_total = 0;
};

SchemaSummary SummarizeSchema(const dbmanager::Schema& schema, std::string_view focus,
                              std::int64_t token_budget);

// The tokens a text costs, estimated: its bytes / 4, rounded up.
std::int64_t EstimateTokens(std::string_view text);

}  // namespace howler::ai
