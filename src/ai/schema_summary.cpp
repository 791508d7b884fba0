#include "ai/schema_summary.h"

#include <algorithm>
#include <set>
#include <vector>

namespace howler::ai {
namespace {

using dbmanager::SchemaRelation;

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// The words of `focus` (letters, digits, '_' and UTF-8), lower-cased, each also without a
// trailing "s".
std::set<std::string> Words(std::string_view focus) {
  std::set<std::string> words;
  std::string word;
  auto flush = [&] {
    if (word.empty()) return;
    word = Lower(word);
    if (word.size() > 1 && word.back() == 's') words.insert(word.substr(0, word.size() - 1));
    words.insert(std::move(word));
    word.clear();
  };
  for (char c : focus) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '_' || u >= 0x80) {
      word.push_back(c);
    } else {
      flush();
    }
  }
  flush();
  return words;
}

bool Named(const std::set<std::string>& words, std::string_view name) {
  std::string n = Lower(name);
  if (words.count(n) > 0) return true;
  return n.size() > 1 && n.back() == 's' && words.count(n.substr(0, n.size() - 1)) > 0;
}

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) {
    if (!out.empty()) out += ", ";
    out += item;
  }
  return out;
}

std::string Line(const SchemaRelation& r) {
  std::string line = r.schema.empty() ? r.name : r.schema + "." + r.name;
  line += r.view ? " (view): " : ": ";
  for (std::size_t i = 0; i < r.columns.size(); ++i) {
    const auto& c = r.columns[i];
    if (i > 0) line += ", ";
    line += c.name + " " + c.type;
    if (c.primary_key) line += " pk";
    if (!c.nullable && !c.primary_key) line += " not null";
  }
  for (const auto& fk : r.foreign_keys) {
    line += "; fk (" + Join(fk.columns) + ") -> ";
    line += (fk.ref_schema.empty() ? "" : fk.ref_schema + ".") + fk.ref_table;
    line += " (" + Join(fk.ref_columns) + ")";
  }
  return line + "\n";
}

std::vector<int> Scores(const dbmanager::Schema& schema, const std::set<std::string>& words) {
  const auto& rels = schema.relations;
  std::vector<int> score(rels.size(), 0);
  std::set<std::string> named;  // lower-cased names of the tables named in the focus
  for (std::size_t i = 0; i < rels.size(); ++i) {
    if (!Named(words, rels[i].name)) continue;
    score[i] = 100;
    named.insert(Lower(rels[i].name));
    for (const auto& c : rels[i].columns) score[i] += Named(words, c.name) ? 1 : 0;
  }
  for (std::size_t i = 0; i < rels.size(); ++i) {
    if (score[i] >= 100) continue;
    bool neighbour = false;
    for (const auto& fk : rels[i].foreign_keys) neighbour |= named.count(Lower(fk.ref_table)) > 0;
    for (std::size_t j = 0; j < rels.size() && !neighbour; ++j) {
      if (score[j] < 100) continue;
      for (const auto& fk : rels[j].foreign_keys) {
        neighbour |= Lower(fk.ref_table) == Lower(rels[i].name);
      }
    }
    if (neighbour) score[i] = 10;
  }
  return score;
}

}  // namespace

std::int64_t EstimateTokens(std::string_view text) {
  return static_cast<std::int64_t>((text.size() + 3) / 4);
}

SchemaSummary SummarizeSchema(const dbmanager::Schema& schema, std::string_view focus,
                              std::int64_t token_budget) {
  const auto& rels = schema.relations;
  const std::vector<int> score = Scores(schema, Words(focus));
  std::vector<std::size_t> order(rels.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return score[a] > score[b]; });
  SchemaSummary out;
  out.tables_total = static_cast<int>(rels.size());
  const std::int64_t budget_bytes = std::max<std::int64_t>(0, token_budget) * 4;
  constexpr std::int64_t kTailBytes = 40;  // room for the "more tables" line
  for (std::size_t i : order) {
    const std::string line = Line(rels[i]);
    if (static_cast<std::int64_t>(out.text.size() + line.size()) + kTailBytes > budget_bytes) break;
    out.text += line;
    ++out.tables_shown;
  }
  if (out.tables_shown < out.tables_total) {
    out.text +=
        "-- " + std::to_string(out.tables_total - out.tables_shown) + " more tables not shown\n";
  }
  return out;
}

}  // namespace howler::ai
