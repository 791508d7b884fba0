#include "sync/desktop_rules.h"

#include <gtest/gtest.h>

namespace howler::sync {
namespace {

constexpr std::string_view kOld = R"({"name":"old"})";
constexpr std::string_view kNew = R"({"name":"new"})";

DesktopEdit Edit(std::string_view data, std::int64_t at, ItemType type = ItemType::kSavedQuery) {
  static std::string hash;
  hash = DesktopDataHash(data);
  return {type, data, hash, at};
}

TEST(DesktopRulesTest, NewItemIsVersionOne) {
  DesktopDecided d = DecideDesktopEdit(Edit(kNew, 5), std::nullopt, std::nullopt);
  EXPECT_EQ(d.decision, DesktopDecision::kApply);
  EXPECT_EQ(d.new_version, 1);
}

TEST(DesktopRulesTest, SameDataIsUnchangedWhateverTheVersions) {
  StoredEdit stored{7, false, kNew, 100};
  EXPECT_EQ(DecideDesktopEdit(Edit(kNew, 1), std::nullopt, stored).decision,
            DesktopDecision::kUnchanged);
  EXPECT_EQ(DecideDesktopEdit(Edit(kNew, 1), DeviceView{2, "x"}, stored).decision,
            DesktopDecision::kUnchanged);
}

TEST(DesktopRulesTest, ResendOfTheDevicesLastUploadChangesNothing) {
  // The device uploaded kOld; another device wrote v3 since. The re-send is no conflict.
  const std::string old_hash = DesktopDataHash(kOld);
  StoredEdit stored{3, false, kNew, 500};
  DesktopDecided d = DecideDesktopEdit(Edit(kOld, 900), DeviceView{2, old_hash}, stored);
  EXPECT_EQ(d.decision, DesktopDecision::kResent);
}

TEST(DesktopRulesTest, EditOfTheSeenVersionApplies) {
  StoredEdit stored{3, false, kOld, 500};
  DesktopDecided d = DecideDesktopEdit(Edit(kNew, 100), DeviceView{3, "other"}, stored);
  EXPECT_EQ(d.decision, DesktopDecision::kApply);  // its time does not matter
  EXPECT_EQ(d.new_version, 4);
}

TEST(DesktopRulesTest, ConcurrentEditsAreDecidedByEditTime) {
  StoredEdit stored{3, false, kOld, 500};
  DesktopDecided newer = DecideDesktopEdit(Edit(kNew, 501), DeviceView{2, "h"}, stored);
  EXPECT_EQ(newer.decision, DesktopDecision::kConflictApplied);
  EXPECT_EQ(newer.new_version, 4);
  EXPECT_EQ(DecideDesktopEdit(Edit(kNew, 499), DeviceView{2, "h"}, stored).decision,
            DesktopDecision::kConflictKept);
  EXPECT_EQ(DecideDesktopEdit(Edit(kNew, 500), DeviceView{2, "h"}, stored).decision,
            DesktopDecision::kConflictKept)
      << "a tie keeps the stored edit";
  EXPECT_EQ(DecideDesktopEdit(Edit(kNew, 501), std::nullopt, stored).decision,
            DesktopDecision::kConflictApplied)
      << "a device that never saw the item edits concurrently";
}

TEST(DesktopRulesTest, EditAfterADeleteElsewhereIsAConflict) {
  StoredEdit tombstone{4, true, kOld, 500};
  EXPECT_EQ(DecideDesktopEdit(Edit(kOld, 600), DeviceView{3, "h"}, tombstone).decision,
            DesktopDecision::kConflictApplied)
      << "same data as the tombstone's last data is still an edit of a deleted item";
  EXPECT_EQ(DecideDesktopEdit(Edit(kNew, 400), DeviceView{3, "h"}, tombstone).decision,
            DesktopDecision::kConflictKept);
}

TEST(DesktopRulesTest, HistoryIsAppendOnly) {
  StoredEdit stored{1, false, kOld, 500};
  EXPECT_EQ(
      DecideDesktopEdit(Edit(kNew, 900, ItemType::kQueryHistory), std::nullopt, stored).decision,
      DesktopDecision::kUnchanged);
}

TEST(DesktopRulesTest, HashIsStableAndDistinguishesData) {
  EXPECT_EQ(DesktopDataHash(kOld), DesktopDataHash(std::string(kOld)));
  EXPECT_NE(DesktopDataHash(kOld), DesktopDataHash(kNew));
  EXPECT_EQ(DesktopDataHash(kOld).size(), 32u);
}

}  // namespace
}  // namespace howler::sync
