// sync::SqlLexer (sync/sql_lexer.h) under every dialect's options and the default
// reading: never fails, and the tokens' texts concatenated are exactly the input.
#include <cstdint>

#include "fuzz/fuzz_check.h"
#include "sync/sql_dialect.h"
#include "sync/sql_lexer.h"

namespace {

void CheckCovers(std::string_view sql, const howler::sync::LexOptions& options) {
  std::size_t pos = 0;
  for (const auto& token : howler::sync::LexSql(sql, options)) {
    FUZZ_CHECK(!token.text.empty());
    FUZZ_CHECK(token.text.data() == sql.data() + pos);
    pos += token.text.size();
  }
  FUZZ_CHECK(pos == sql.size());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view sql = howler::fuzz::AsText(data, size);
  CheckCovers(sql, {});
  for (const auto dialect : howler::sync::kKnownDialects) {
    CheckCovers(sql, howler::sync::LexOptionsFor(dialect));
  }
  return 0;
}
