#include "ai/prompt.h"

#include "ai/sql_access.h"
#include "sync/history_sanitizer.h"
#include "sync/sql_dialect.h"

namespace howler::ai {
namespace {

std::string DialectLabel(const std::string& dialect) {
  const sync::SqlDialect d = sync::DialectFromConnectionType(dialect);
  return d == sync::SqlDialect::kUnknown ? "SQL (dialect not stated)"
                                         : std::string(sync::DialectName(d));
}

std::string Masked(const AiRequest& r, const std::string& text) {
  if (r.include_literals) return text;
  return sync::SanitizeHistoryQuery(text, sync::DialectFromConnectionType(r.dialect));
}

std::string Instructions(AiTask task) {
  switch (task) {
    case AiTask::kGenerate:
      return "Write one SQL query that answers the user's question.";
    case AiTask::kFix:
      return "The user's SQL failed with the error shown. Write the corrected SQL and say in "
             "one or two sentences what was wrong.";
    case AiTask::kExplain:
      return "Explain what the user's SQL does, step by step, in plain language. Add SQL only "
             "when you suggest a better version.";
  }
  return {};
}

std::string Trim(std::string_view s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  const auto e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

}  // namespace

std::string_view TaskName(AiTask task) {
  switch (task) {
    case AiTask::kGenerate:
      return "generate";
    case AiTask::kFix:
      return "fix";
    case AiTask::kExplain:
      return "explain";
  }
  return "generate";
}

std::string PromptFocus(const AiRequest& request) {
  return request.question + "\n" + Masked(request, request.sql);
}

std::vector<ChatMessage> BuildPrompt(const AiRequest& r, const std::string& schema_summary) {
  std::string system = "You are an SQL assistant inside a database client. The database is " +
                       DialectLabel(r.dialect) + ". " + Instructions(r.task) +
                       " Put SQL in a fenced code block marked sql; keep prose short. Use only "
                       "tables and columns the schema lists; `?` in the user's SQL stands for a "
                       "value that was left out.\n\n";
  system += schema_summary.empty() ? "No schema is available.\n"
                                   : "Schema (most relevant tables first):\n" + schema_summary;
  std::string user;
  if (r.task == AiTask::kGenerate) {
    user = r.question;
  } else {
    user = "```sql\n" + Masked(r, r.sql) + "\n```\n";
    if (r.task == AiTask::kFix) user += "The database answered: " + Masked(r, r.error) + "\n";
    if (!r.question.empty()) user += r.question + "\n";
  }
  return {{"system", std::move(system)}, {"user", std::move(user)}};
}

AiAnswer SplitAnswer(std::string text, const std::string& dialect) {
  AiAnswer a;
  std::string prose;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t open = text.find("```", pos);
    if (open == std::string::npos) break;
    const std::size_t line_end = text.find('\n', open);
    if (line_end == std::string::npos) break;
    const std::size_t close = text.find("```", line_end + 1);
    prose += text.substr(pos, open - pos);
    const std::string code = Trim(text.substr(
        line_end + 1, (close == std::string::npos ? text.size() : close) - (line_end + 1)));
    if (!code.empty()) a.sql += (a.sql.empty() ? "" : "\n\n") + code;
    pos = close == std::string::npos ? text.size() : close + 3;
  }
  if (pos < text.size()) prose += text.substr(pos);
  a.prose = Trim(prose);
  if (!a.sql.empty()) a.read_only = ReadsOnly(a.sql, sync::DialectFromConnectionType(dialect));
  a.text = std::move(text);
  return a;
}

}  // namespace howler::ai
