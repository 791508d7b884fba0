#include "sync/version_rules.h"

#include <gtest/gtest.h>

namespace howler::sync {
namespace {

constexpr auto kQuery = ItemType::kSavedQuery;
constexpr auto kHistory = ItemType::kQueryHistory;

StoredVersion Live(std::int64_t v, std::string_view data = "{\"a\":1}") {
  return {v, false, data};
}
StoredVersion Tombstone(std::int64_t v) {
  return {v, true, "{\"a\":1}"};
}

TEST(VersionRulesTest, CreateOfNewItemIsVersionOne) {
  Decided d = DecideChange(kQuery, Action::kCreate, 0, "{}", std::nullopt);
  EXPECT_EQ(d.decision, Decision::kApply);
  EXPECT_EQ(d.new_version, 1);
  // A base version for an item the server never had (or purged) still creates it.
  EXPECT_EQ(DecideChange(kQuery, Action::kUpdate, 7, "{}", std::nullopt).new_version, 1);
}

TEST(VersionRulesTest, MatchingBaseBumpsByExactlyOne) {
  Decided d = DecideChange(kQuery, Action::kUpdate, 3, "{\"a\":2}", Live(3));
  EXPECT_EQ(d.decision, Decision::kApply);
  EXPECT_EQ(d.new_version, 4);
}

TEST(VersionRulesTest, SameDataIsUnchangedWhateverTheBase) {
  EXPECT_EQ(DecideChange(kQuery, Action::kUpdate, 3, "{\"a\":1}", Live(3)).decision,
            Decision::kUnchanged);
  EXPECT_EQ(DecideChange(kQuery, Action::kUpdate, 1, "{\"a\":1}", Live(3)).decision,
            Decision::kUnchanged);
  EXPECT_EQ(DecideChange(kQuery, Action::kCreate, 0, "{\"a\":1}", Live(3)).decision,
            Decision::kUnchanged);
}

TEST(VersionRulesTest, StaleBaseWithDifferentDataConflicts) {
  EXPECT_EQ(DecideChange(kQuery, Action::kUpdate, 2, "{\"a\":2}", Live(3)).decision,
            Decision::kConflict);
  EXPECT_EQ(DecideChange(kQuery, Action::kCreate, 0, "{\"a\":2}", Live(1)).decision,
            Decision::kConflict);
  EXPECT_EQ(DecideChange(kQuery, Action::kUpdate, 4, "{\"a\":2}", Live(3)).decision,
            Decision::kConflict);
}

TEST(VersionRulesTest, UpdateOfTombstone) {
  Decided d = DecideChange(kQuery, Action::kUpdate, 5, "{\"a\":1}", Tombstone(5));
  EXPECT_EQ(d.decision, Decision::kApply);  // resurrects, even with the old data
  EXPECT_EQ(d.new_version, 6);
  EXPECT_EQ(DecideChange(kQuery, Action::kUpdate, 4, "{\"a\":1}", Tombstone(5)).decision,
            Decision::kConflict);
}

TEST(VersionRulesTest, Deletes) {
  EXPECT_EQ(DecideChange(kQuery, Action::kDelete, 0, "{}", std::nullopt).decision,
            Decision::kUnchanged);
  EXPECT_EQ(DecideChange(kQuery, Action::kDelete, 5, "{}", Tombstone(5)).decision,
            Decision::kUnchanged);
  Decided d = DecideChange(kQuery, Action::kDelete, 3, "{}", Live(3));
  EXPECT_EQ(d.decision, Decision::kApply);
  EXPECT_EQ(d.new_version, 4);
  EXPECT_EQ(DecideChange(kQuery, Action::kDelete, 2, "{}", Live(3)).decision, Decision::kConflict);
}

TEST(VersionRulesTest, HistoryIsAppendOnly) {
  EXPECT_EQ(DecideChange(kHistory, Action::kCreate, 0, "{}", std::nullopt).decision,
            Decision::kApply);
  EXPECT_EQ(DecideChange(kHistory, Action::kUpdate, 0, "{\"b\":1}", Live(1)).decision,
            Decision::kUnchanged);
  EXPECT_EQ(DecideChange(kHistory, Action::kCreate, 9, "{\"b\":1}", Live(1)).decision,
            Decision::kUnchanged);
  EXPECT_EQ(DecideChange(kHistory, Action::kDelete, 0, "{}", Live(1)).decision, Decision::kApply);
  EXPECT_EQ(DecideChange(kHistory, Action::kDelete, 0, "{}", Tombstone(2)).decision,
            Decision::kUnchanged);
}

TEST(VersionRulesTest, ParsesActions) {
  EXPECT_EQ(ParseAction("create"), Action::kCreate);
  EXPECT_EQ(ParseAction("update"), Action::kUpdate);
  EXPECT_EQ(ParseAction("delete"), Action::kDelete);
  EXPECT_EQ(ParseAction("Delete"), std::nullopt);
  EXPECT_EQ(ParseAction(""), std::nullopt);
}

}  // namespace
}  // namespace howler::sync
