// sync::SanitizeHistoryQuery (sync/history_sanitizer.h) for each dialect and unknown:
// the masked ranges are sorted, non-empty, disjoint and inside the text; the result is
// what the ranges say; sanitizing the result again changes nothing.
#include <cstdint>

#include "fuzz/fuzz_check.h"
#include "sync/history_sanitizer.h"
#include "sync/sql_dialect.h"

namespace {

void Check(std::string_view sql, howler::sync::SqlDialect dialect) {
  const auto ranges = howler::sync::HistoryMaskedRanges(sql, dialect);
  std::size_t previous_end = 0;
  for (const auto& r : ranges) {
    FUZZ_CHECK(r.begin < r.end);
    FUZZ_CHECK(r.end <= sql.size());
    FUZZ_CHECK(r.begin >= previous_end);
    previous_end = r.end;
  }
  const std::string once = howler::sync::SanitizeHistoryQuery(sql, dialect);
  if (ranges.empty()) FUZZ_CHECK(once == sql);
  FUZZ_CHECK(howler::sync::SanitizeHistoryQuery(once, dialect) == once);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 4096) return 0;  // the callers bound the text; keeps runs fast
  const std::string_view sql = howler::fuzz::AsText(data, size);
  Check(sql, howler::sync::SqlDialect::kUnknown);
  for (const auto dialect : howler::sync::kKnownDialects) Check(sql, dialect);
  return 0;
}
