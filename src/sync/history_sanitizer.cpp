#include "sync/history_sanitizer.h"

#include <algorithm>
#include <optional>

namespace howler::sync {
namespace {

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}

// The bytes SqlLexer lets continue a name: ASCII letters and digits, `_`, `$`, `#`, UTF-8.
bool IsNameByte(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || IsDigit(c) || c == '_' || c == '$' ||
         c == '#' || static_cast<unsigned char>(c) >= 0x80;
}

// The readings of `sql` for `dialect` that lex it differently, in first-seen order.
std::vector<LexOptions> DistinctReadings(std::string_view sql, SqlDialect dialect) {
  std::vector<LexOptions> distinct;
  for (const LexOptions& reading : PlausibleReadings(dialect)) {
    const LexOptions relevant = RelevantOptions(sql, reading);
    if (std::find(distinct.begin(), distinct.end(), relevant) == distinct.end()) {
      distinct.push_back(relevant);
    }
  }
  return distinct;
}

// A byte range [begin, end) of one reading: a token, or one delimiter of a split [bracket].
struct Piece {
  std::size_t begin = 0;
  std::size_t end = 0;
  bool literal = false;  // a literal or an open quote
  bool comment = false;
  bool code = false;  // neither of those nor whitespace
};

// A range Sweep removes: what MaskedRange says, and whether some reading sees code in it.
struct Removed {
  MaskedRange range;
  bool code = false;
};

// A [bracketed identifier] of some reading, as [begin, end).
struct Bracket {
  std::size_t begin = 0;
  std::size_t end = 0;
};

// One reading's pieces, in order. When `brackets` is given, a terminated [bracketed
// identifier] is two pieces, its `[` and its `]`, and its inside belongs to no piece of
// this reading, so that values other readings see inside (`[2, 5]` arrays) are masked
// without the brackets; such brackets are noted in `brackets`. Otherwise every token is
// one piece.
class Cursor {
 public:
  Cursor(std::string_view sql, LexOptions options, std::vector<Bracket>* brackets)
      : sql_(sql), lexer_(sql, options), brackets_(brackets) {
    Advance();
  }
  const std::optional<Piece>& next() const { return next_; }

  void Advance() {
    if (closer_) {
      next_ = Piece{*closer_, *closer_ + 1, false, false, true};
      closer_.reset();
      return;
    }
    const std::optional<Token> token = lexer_.Next();
    if (!token) {
      next_.reset();
      return;
    }
    const auto begin = static_cast<std::size_t>(token->text.data() - sql_.data());
    const std::size_t end = begin + token->text.size();
    const bool comment = token->kind == TokenKind::kComment;
    const bool literal = IsLiteral(token->kind) || (!comment && !token->terminated);
    next_ = Piece{begin, end, literal, comment,
                  !literal && !comment && token->kind != TokenKind::kWhitespace};
    if (brackets_ != nullptr && token->kind == TokenKind::kQuotedIdentifier && token->terminated &&
        token->text.size() > 2 && token->text.front() == '[') {
      brackets_->push_back({begin, end});
      next_->end = begin + 1;
      closer_ = end - 1;
    }
  }

 private:
  std::string_view sql_;
  SqlLexer lexer_;
  std::vector<Bracket>* brackets_;
  std::optional<Piece> next_;
  std::optional<std::size_t> closer_;  // the `]` of the bracket just split
};

// Consumes the pieces of `cursor` that begin before `*end`, widening `*end` to their ends
// and merging what they are into `found`. Whether `*end` grew.
bool Consume(Cursor& cursor, std::size_t* end, Piece* found) {
  bool grew = false;
  while (cursor.next() && cursor.next()->begin < *end) {
    const Piece& piece = *cursor.next();
    found->literal = found->literal || piece.literal;
    found->comment = found->comment || piece.comment;
    found->code = found->code || piece.code;
    grew = grew || piece.end > *end;
    *end = std::max(*end, piece.end);
    cursor.Advance();
  }
  return grew;
}

// The smallest ranges that no piece of any reading crosses, those that hold a literal,
// open quote or comment of some reading. A range starts at `begin` and grows over every
// piece that begins inside it until no reading's piece crosses its end. Linear: each piece
// is consumed once and each growth scans the constant number of readings.
std::vector<Removed> Sweep(std::string_view sql, const std::vector<LexOptions>& readings,
                           std::vector<Bracket>* brackets) {
  std::vector<Cursor> cursors;
  cursors.reserve(readings.size());
  for (const LexOptions& reading : readings) {
    cursors.emplace_back(sql, reading, brackets);
  }
  std::vector<Removed> ranges;
  for (std::size_t begin = 0; begin < sql.size();) {
    std::size_t end = begin + 1;
    Piece found;
    for (bool grew = true; grew;) {
      grew = false;
      for (Cursor& cursor : cursors) {
        grew = Consume(cursor, &end, &found) || grew;
      }
    }
    if (found.literal || found.comment) {
      ranges.push_back({{begin, end, found.literal}, found.code});
    }
    begin = end;
  }
  return ranges;
}

// Whether `ranges` cut a split bracket: mask one of its `[` and `]` but not the other, or
// both by different ranges. Kept text between them would then no longer be inside a
// bracketed identifier in the output.
bool CutsABracket(std::size_t size, const std::vector<Removed>& ranges,
                  const std::vector<Bracket>& brackets) {
  if (brackets.empty()) {
    return false;
  }
  std::vector<std::size_t> range_at(size, 0);  // 1 + the index of the range masking a byte
  for (std::size_t i = 0; i < ranges.size(); ++i) {
    const MaskedRange& r = ranges[i].range;
    std::fill(range_at.begin() + r.begin, range_at.begin() + r.end, i + 1);
  }
  return std::any_of(brackets.begin(), brackets.end(),
                     [&](const Bracket& b) { return range_at[b.begin] != range_at[b.end - 1]; });
}

// Where SqlLexer reads `:1` as a bind, the end of it: `:` and the name bytes after it.
std::size_t BindEnd(std::string_view sql, std::size_t colon, std::size_t limit) {
  std::size_t i = colon + 1;
  while (i < limit && IsNameByte(sql[i])) {
    ++i;
  }
  return i;
}

// Masks the `:1` binds at the start of the kept text [begin, end) when it follows a
// removed range that held a literal or code (`after_removed`): every reading saw an
// operator before them, but after a `?` or without the code they would read as a colon
// and a number. Whether the text after the gap still follows such a range.
bool MaskBindsAfterRemoved(std::string_view sql, std::size_t begin, std::size_t end,
                           bool after_removed, std::vector<MaskedRange>& out) {
  std::size_t i = begin;
  while (after_removed) {
    while (i < end && IsSpace(sql[i])) {
      ++i;
    }
    if (i == end) {
      return true;
    }
    if (sql[i] != ':' || i + 1 == end || !IsDigit(sql[i + 1])) {
      return false;
    }
    const std::size_t bind_end = BindEnd(sql, i, end);
    out.push_back({i, bind_end, true});
    i = bind_end;
  }
  return false;
}

// The ranges, such that the kept text reads as it did: a comment right after a kept `--`
// becomes `?` (MySQL reads `--#c` as two minus signs and a comment; dropped, the `--`
// could start one), and so does a `:1` bind right after a range with a literal or code.
std::vector<MaskedRange> KeepContext(std::string_view sql, const std::vector<Removed>& ranges) {
  std::vector<MaskedRange> out;
  bool after_removed = false;
  std::size_t kept_from = 0;
  for (const Removed& removed : ranges) {
    MaskedRange range = removed.range;
    after_removed = MaskBindsAfterRemoved(sql, kept_from, range.begin, after_removed, out);
    const bool after_dashes =
        range.begin >= kept_from + 2 && sql.substr(range.begin - 2, 2) == "--";
    range.literal = range.literal || after_dashes;
    out.push_back(range);
    after_removed = after_removed || range.literal || removed.code;
    kept_from = range.end;
  }
  MaskBindsAfterRemoved(sql, kept_from, sql.size(), after_removed, out);
  return out;
}

// Appends `piece`, after one space if a comment was just dropped and `piece` would
// otherwise join the text before it.
void Append(std::string& out, std::string_view piece, bool& dropped_comment) {
  if (piece.empty()) {
    return;
  }
  if (dropped_comment && !out.empty() && !IsSpace(out.back()) && !IsSpace(piece.front())) {
    out += ' ';
  }
  dropped_comment = false;
  out += piece;
}

}  // namespace

// First with bracketed identifiers split; if that cuts one, with every token whole, so
// that the kept text is whole tokens of every reading.
std::vector<MaskedRange> HistoryMaskedRanges(std::string_view sql, SqlDialect dialect) {
  const std::vector<LexOptions> readings = DistinctReadings(sql, dialect);
  std::vector<Bracket> brackets;
  std::vector<Removed> ranges = Sweep(sql, readings, &brackets);
  if (CutsABracket(sql.size(), ranges, brackets)) {
    ranges = Sweep(sql, readings, nullptr);
  }
  return KeepContext(sql, ranges);
}

std::string SanitizeHistoryQuery(std::string_view sql, SqlDialect dialect) {
  std::string out;
  out.reserve(sql.size());
  bool dropped_comment = false;
  std::size_t kept_from = 0;
  for (const MaskedRange& range : HistoryMaskedRanges(sql, dialect)) {
    Append(out, sql.substr(kept_from, range.begin - kept_from), dropped_comment);
    if (range.literal) {
      Append(out, "?", dropped_comment);
    } else {
      dropped_comment = true;
    }
    kept_from = range.end;
  }
  Append(out, sql.substr(kept_from), dropped_comment);
  return out;
}

}  // namespace howler::sync
