#include "ai/schema_summary.h"

#include <gtest/gtest.h>

namespace howler::ai {
namespace {

using dbmanager::Schema;
using dbmanager::SchemaRelation;

SchemaRelation Table(std::string name, std::vector<std::string> columns) {
  SchemaRelation r;
  r.schema = "public";
  r.name = std::move(name);
  for (auto& c : columns) r.columns.push_back({c, "text", true, std::nullopt, c == "id"});
  return r;
}

Schema Shop() {
  Schema s;
  s.schemas = {"public"};
  s.relations.push_back(Table("audit_log", {"id", "what"}));
  s.relations.push_back(Table("customers", {"id", "email"}));
  auto orders = Table("orders", {"id", "customer_id", "total"});
  orders.foreign_keys.push_back({"fk", {"customer_id"}, "public", "customers", {"id"}});
  orders.columns[2].nullable = false;
  orders.columns[2].default_value = "'secret default'";
  s.relations.push_back(orders);
  s.relations.push_back(Table("zebras", {"id"}));
  return s;
}

TEST(SchemaSummaryTest, NamedTablesAndTheirNeighboursComeFirst) {
  const SchemaSummary s = SummarizeSchema(Shop(), "total of each order last month", 10000);
  EXPECT_EQ(s.tables_shown, 4);
  EXPECT_EQ(s.tables_total, 4);
  const auto orders = s.text.find("public.orders:");
  const auto customers = s.text.find("public.customers:");
  const auto audit = s.text.find("public.audit_log:");
  ASSERT_NE(orders, std::string::npos);
  EXPECT_LT(orders, customers);  // named ("order" for orders), then its foreign-key neighbour
  EXPECT_LT(customers, audit);
  EXPECT_NE(s.text.find("total text not null"), std::string::npos);
  EXPECT_NE(s.text.find("id text pk"), std::string::npos);
  EXPECT_NE(s.text.find("fk (customer_id) -> public.customers (id)"), std::string::npos);
  EXPECT_EQ(s.text.find("secret default"), std::string::npos);  // defaults are never sent
  EXPECT_EQ(s.text.find("more tables"), std::string::npos);
}

TEST(SchemaSummaryTest, StaysWithinTheTokenBudget) {
  Schema big;
  for (int i = 0; i < 200; ++i) {
    big.relations.push_back(Table("table_" + std::to_string(i), {"id", "a", "b", "c"}));
  }
  const SchemaSummary s = SummarizeSchema(big, "rows of table_150", 200);
  EXPECT_LE(EstimateTokens(s.text), 200);
  EXPECT_GT(s.tables_shown, 0);
  EXPECT_LT(s.tables_shown, 200);
  EXPECT_EQ(s.text.rfind("public.table_150:", 0), 0u);  // the named table first
  EXPECT_NE(s.text.find("-- " + std::to_string(200 - s.tables_shown) + " more tables not shown"),
            std::string::npos);
}

TEST(SchemaSummaryTest, ZeroBudgetShowsNoTable) {
  const SchemaSummary s = SummarizeSchema(Shop(), "orders", 0);
  EXPECT_EQ(s.tables_shown, 0);
  EXPECT_EQ(s.text, "-- 4 more tables not shown\n");
}

TEST(SchemaSummaryTest, EstimatesFourBytesAToken) {
  EXPECT_EQ(EstimateTokens(""), 0);
  EXPECT_EQ(EstimateTokens("abcd"), 1);
  EXPECT_EQ(EstimateTokens("abcde"), 2);
}

}  // namespace
}  // namespace howler::ai
