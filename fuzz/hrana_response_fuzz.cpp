// Hrana pipeline responses (storage/libsql/hrana_pipeline.h, exact_json.h): a response
// body from the remote database, however malformed or truncated, is decoded or refused
// with a Status, never a crash. The first byte picks how many results are expected.
#include <cstdint>

#include "fuzz/fuzz_check.h"
#include "storage/libsql/exact_json.h"
#include "storage/libsql/hrana_pipeline.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t expected = 1 + data[0] % 4;
  const std::string_view body = howler::fuzz::AsText(data + 1, size - 1);
  (void)howler::storage::ParseJsonExact(body);
  const auto results = howler::storage::ParsePipelineResponse(body, expected);
  if (!results.ok()) return 0;
  FUZZ_CHECK(results->size() >= expected);
  for (const auto& result : *results) {
    if (!result.ok()) {
      FUZZ_CHECK(!result.status().ok());
      continue;
    }
    if (const auto rows = howler::storage::DecodeExecuteResponse(*result); rows.ok()) {
      for (const auto& row : rows->rows) FUZZ_CHECK(row.size() == rows->columns.size());
    }
    (void)howler::storage::DecodeAtomicBatchResponse(*result, expected);
  }
  return 0;
}
