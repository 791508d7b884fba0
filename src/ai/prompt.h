// BuildPrompt: the chat messages of one request: a system message with the rules, the
// dialect and the schema summary, and a user message with the request.
//
// Contract: the messages carry only the request's own text and the schema summary's names
// and types. Unless `include_literals`, the SQL and the error text go through the
// project's literal masking (sync::SanitizeHistoryQuery for the dialect: string and
// numeric literals become `?`, comments are dropped), so no value of the user's data
// reaches the provider. Pure; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "ai/ai_request.h"
#include "ai/chat_json.h"

namespace howler::ai {

// `schema_summary` is SummarizeSchema's text, or empty when no schema is known.
std::vector<ChatMessage> BuildPrompt(const AiRequest& request, const std::string& schema_summary);

// The text the summary's relevance is judged by: the question, and the SQL (masked).
std::string PromptFocus(const AiRequest& request);

// Splits the model's text into SQL (the contents of its ``` fenced blocks, joined by a
// blank line) and prose (the text outside them, trimmed), and classifies the SQL.
AiAnswer SplitAnswer(std::string text, const std::string& dialect);

}  // namespace howler::ai
