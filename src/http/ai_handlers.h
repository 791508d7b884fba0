// The AI assistant's operations (API.md "AI assistant") over ai::AiAssistant. Their policy
// (a session, the per-user budget, setup on a worker) is declared in api/operations.h.
// generate, fix and explain answer as server-sent events when the request's Accept names
// text/event-stream (`delta` events in order, then one `answer` or `error` event; a client
// that hangs up aborts the provider request at once), otherwise with one JSON answer when
// the provider's answer is complete (through the Responder: no thread waits for it).
#pragma once

#include "ai/ai_assistant.h"
#include "http/router.h"

namespace howler::http {

void AddAiRoutes(Router& router, ai::AiAssistant& assistant);

}  // namespace howler::http
