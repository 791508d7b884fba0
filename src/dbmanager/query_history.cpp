#include "dbmanager/query_history.h"

#include "common/ids.h"
#include "common/time_format.h"

namespace howler::dbmanager {
namespace {

// The names the history sanitizer reads the dialect from.
std::string_view ConnectionType(EngineKind engine) {
  switch (engine) {
    case EngineKind::kPostgres:
      return "postgres";
    case EngineKind::kMariadb:
      return "mysql";
    case EngineKind::kLibsql:
      return "sqlite";
  }
  return "unknown";
}

sync::JsonValue ItemData(const HistoryEntry& entry) {
  sync::JsonValue data = sync::JsonValue::Object();
  data.Set("query", sync::JsonValue::String(entry.sql));
  data.Set("connection_type", sync::JsonValue::String(std::string(ConnectionType(entry.engine))));
  if (!entry.connection_id.empty()) {
    data.Set("connection_id", sync::JsonValue::String(entry.connection_id));
  }
  data.Set("execution_time_ms",
           sync::JsonValue::Number(std::to_string(entry.execution_time.count())));
  data.Set("row_count", sync::JsonValue::Number(std::to_string(entry.row_count)));
  if (entry.error) {
    data.Set("error", sync::JsonValue::String(*entry.error));
  }
  data.Set("executed_at", sync::JsonValue::String(FormatRfc3339(entry.executed_at)));
  data.Set("privacy_mode", sync::JsonValue::Bool(false));
  data.Set("source", sync::JsonValue::String("server"));
  return data;
}

}  // namespace

Result<std::string> QueryHistoryRecorder::Record(const std::string& user_id,
                                                 const HistoryEntry& entry) {
  const TimePoint now = clock_.Now();
  sync::ChangeInput change;
  change.change_id = NewUuidV7(now);
  change.item_type = "query_history";
  change.item_id = NewUuidV7(now);
  change.action = "create";
  change.data = ItemData(entry);
  const std::string item_id = change.item_id;
  HOWLER_ASSIGN_OR_RETURN(auto uploaded,
                          sync_.Upload(user_id, {std::string(kDeviceId), {std::move(change)}, 0}));
  if (uploaded.results.size() != 1 || uploaded.results[0].status != sync::OutcomeStatus::kApplied) {
    return InternalError("query history not recorded: " + (uploaded.results.empty()
                                                               ? std::string("no outcome")
                                                               : uploaded.results[0].reason));
  }
  return item_id;
}

}  // namespace howler::dbmanager
