#include "storage/sync_store.h"

#include <algorithm>
#include <bit>

namespace howler::storage {
namespace {

constexpr std::string_view kItemColumns =
    "item_type, item_id, data, sync_version, deleted, device_id, seq, created_at, updated_at, "
    "deleted_at, edited_at";
// kItemColumns and the change id that wrote the version, for the reads of writers.
constexpr std::string_view kWriterItemColumns =
    "item_type, item_id, data, sync_version, deleted, device_id, seq, created_at, updated_at, "
    "deleted_at, edited_at, change_id";
constexpr std::string_view kDeviceItemColumns =
    "item_type, item_id, held_version, seen_version, sent_hash";
constexpr std::string_view kDeviceOfferColumns =
    "item_type, item_id, held_version, seen_version, offered_at";
constexpr std::string_view kConflictColumns =
    "id, item_type, item_id, local_data, local_deleted, local_version, local_device_id, "
    "local_updated_at, remote_data, remote_deleted, remote_version, remote_device_id, "
    "remote_updated_at, detected_at, resolved_at, resolution";

// Statement shapes are kept few, so that each backend's prepared-statement cache holds
// them all whatever the batch sizes clients send: a multi-row INSERT has a power-of-two
// number of rows (at most these, well under any parameter limit), and an IN list is padded
// to a power-of-two length by repeating its last value.
constexpr std::size_t kItemRowsPerStatement = 64;
constexpr std::size_t kChangeRowsPerStatement = 128;
constexpr std::size_t kConflictRowsPerStatement = 32;

std::size_t PaddedLength(std::size_t n) {
  return n == 0 ? 0 : std::bit_ceil(n);
}

// Moves a text value out of a row that is not needed afterwards.
std::string TakeText(Value& v) {
  if (auto* s = std::get_if<std::string>(&v)) return std::move(*s);
  return AsText(v);
}

// `offset` is the index of the item_type column in `row` (kItemColumns or
// kWriterItemColumns); the row's texts are moved out.
SyncItemRecord ItemFromRow(Row& row, std::size_t offset = 0) {
  SyncItemRecord r;
  r.item_type = TakeText(row[offset + 0]);
  r.item_id = TakeText(row[offset + 1]);
  r.data = TakeText(row[offset + 2]);
  r.sync_version = AsInt(row[offset + 3]);
  r.deleted = AsInt(row[offset + 4]) != 0;
  r.device_id = TakeText(row[offset + 5]);
  r.seq = AsInt(row[offset + 6]);
  r.created_at = AsInt(row[offset + 7]);
  r.updated_at = AsInt(row[offset + 8]);
  r.deleted_at = AsOptionalInt(row[offset + 9]);
  r.edited_at = AsOptionalInt(row[offset + 10]);
  if (row.size() > offset + 11) r.change_id = TakeText(row[offset + 11]);
  return r;
}

DeviceItemRecord DeviceItemFromRow(const Row& row) {
  return {AsText(row[0]), AsText(row[1]), AsInt(row[2]), AsInt(row[3]), AsText(row[4])};
}

ConflictSide SideFromRow(const Row& row, std::size_t offset) {
  ConflictSide s;
  s.data = AsText(row[offset]);
  s.deleted = AsInt(row[offset + 1]) != 0;
  s.sync_version = AsInt(row[offset + 2]);
  s.device_id = AsText(row[offset + 3]);
  s.updated_at = AsInt(row[offset + 4]);
  return s;
}

SyncConflictRecord ConflictFromRow(const Row& row) {
  SyncConflictRecord c;
  c.id = AsText(row[0]);
  c.item_type = AsText(row[1]);
  c.item_id = AsText(row[2]);
  c.local = SideFromRow(row, 3);
  c.remote = SideFromRow(row, 8);
  c.detected_at = AsInt(row[13]);
  c.resolved_at = AsOptionalInt(row[14]);
  c.resolution = AsText(row[15]);
  return c;
}

std::string Placeholders(std::size_t columns) {
  std::string out = "(";
  for (std::size_t i = 0; i < columns; ++i) out += i == 0 ? "?" : ", ?";
  return out + ")";
}

// "INSERT ... VALUES (..), (..)" statements over `rows`, `per_statement` rows each.
template <typename T, typename Bind>
std::vector<Statement> MultiRowInsert(std::string_view head, std::string_view tail,
                                      std::size_t columns, std::span<const T> rows,
                                      std::size_t per_statement, Bind bind) {
  std::vector<Statement> out;
  const std::string row_placeholders = Placeholders(columns);
  for (std::size_t start = 0, end = 0; start < rows.size(); start = end) {
    end = start + std::bit_floor(std::min(rows.size() - start, per_statement));
    Statement s;
    s.sql = std::string(head) + " VALUES ";
    s.params.reserve((end - start) * columns);
    for (std::size_t i = start; i < end; ++i) {
      if (i != start) s.sql += ", ";
      s.sql += row_placeholders;
      bind(rows[i], s.params);
    }
    s.sql += tail;
    out.push_back(std::move(s));
  }
  return out;
}

// Appends "(?, ?, ...)" with `values` padded to a power-of-two length (see above).
void AppendInList(Statement& s, const std::vector<std::string>& values) {
  s.sql += "(";
  for (std::size_t i = 0; i < PaddedLength(values.size()); ++i) {
    s.sql += i == 0 ? "?" : ", ?";
    s.params.push_back(values[std::min(i, values.size() - 1)]);
  }
  s.sql += ")";
}

Statement SelectItems(std::string_view user_id, const std::string& type,
                      const std::vector<std::string>& ids) {
  Statement s;
  s.sql = "SELECT " + std::string(kWriterItemColumns) +
          " FROM sync_items WHERE user_id = ? AND item_type = ? AND item_id IN ";
  s.params = {std::string(user_id), type};
  AppendInList(s, ids);
  return s;
}

// The device's rows of `table` (sync_device_items or sync_device_offers) among the ids.
Statement SelectPerDevice(std::string_view table, std::string_view columns,
                          std::string_view user_id, std::string_view device_id,
                          const std::string& type, const std::vector<std::string>& ids) {
  Statement s;
  s.sql = "SELECT " + std::string(columns) + " FROM " + std::string(table) +
          " WHERE user_id = ? AND device_id = ? AND item_type = ? AND item_id IN ";
  s.params = {std::string(user_id), std::string(device_id), type};
  AppendInList(s, ids);
  return s;
}

Statement SelectDeviceItems(std::string_view user_id, std::string_view device_id,
                            const std::string& type, const std::vector<std::string>& ids) {
  return SelectPerDevice("sync_device_items", kDeviceItemColumns, user_id, device_id, type, ids);
}

Statement SelectDeviceOffers(std::string_view user_id, std::string_view device_id,
                             const std::string& type, const std::vector<std::string>& ids) {
  return SelectPerDevice("sync_device_offers", kDeviceOfferColumns, user_id, device_id, type, ids);
}

DeviceOfferRecord OfferFromRow(const Row& row) {
  return {AsText(row[0]), AsText(row[1]), AsInt(row[2]), AsInt(row[3]), AsInt(row[4])};
}

std::map<std::string, std::vector<std::string>> IdsByType(const std::vector<ItemKey>& keys) {
  std::map<std::string, std::vector<std::string>> out;
  for (const ItemKey& key : keys) out[key.item_type].push_back(key.item_id);
  return out;
}

Statement SelectChangeIds(std::string_view user_id, std::string_view device_id,
                          const std::vector<std::string>& change_ids) {
  Statement s;
  s.sql =
      "SELECT change_id, outcome FROM sync_change_ids WHERE user_id = ? AND device_id = ? AND "
      "change_id IN ";
  s.params = {std::string(user_id), std::string(device_id)};
  AppendInList(s, change_ids);
  return s;
}

}  // namespace

Result<UploadState> SyncStore::ReadUploadState(std::string_view user_id, std::string_view device_id,
                                               const std::vector<ItemKey>& keys,
                                               const std::vector<std::string>& change_ids,
                                               bool device_items) {
  const std::string user(user_id);
  std::vector<Statement> reads = {
      {"SELECT last_seq FROM sync_state WHERE user_id = ?", {user}},
      {"SELECT tier FROM users WHERE id = ?", {user}},
      {"SELECT item_type, live FROM sync_counts WHERE user_id = ?", {user}}};
  const auto ids_by_type = IdsByType(keys);
  for (const auto& [type, ids] : ids_by_type) reads.push_back(SelectItems(user_id, type, ids));
  if (!change_ids.empty()) reads.push_back(SelectChangeIds(user_id, device_id, change_ids));
  if (device_items) {
    for (const auto& [type, ids] : ids_by_type) {
      reads.push_back(SelectDeviceItems(user_id, device_id, type, ids));
      reads.push_back(SelectDeviceOffers(user_id, device_id, type, ids));
    }
  }

  HOWLER_ASSIGN_OR_RETURN(std::vector<ResultSet> sets, db_.Batch(reads));
  UploadState state;
  if (!sets[0].empty()) state.last_seq = AsInt(sets[0].rows[0][0]);
  if (!sets[1].empty()) state.tier = AsText(sets[1].rows[0][0], "free");
  for (const Row& row : sets[2].rows) state.live_counts[AsText(row[0])] = AsInt(row[1]);
  std::size_t next = 3;
  for (std::size_t i = 0; i < ids_by_type.size(); ++i, ++next) {
    for (Row& row : sets[next].rows) state.items.push_back(ItemFromRow(row));
  }
  if (!change_ids.empty()) {
    for (const Row& row : sets[next].rows) {
      state.seen_changes[AsText(row[0])] = AsText(row[1]);
    }
    ++next;
  }
  if (device_items) {
    for (std::size_t i = 0; i < ids_by_type.size(); ++i, next += 2) {
      for (const Row& row : sets[next].rows) state.device_items.push_back(DeviceItemFromRow(row));
      for (const Row& row : sets[next + 1].rows) state.device_offers.push_back(OfferFromRow(row));
    }
  }
  return state;
}

Result<std::vector<DeviceItemRecord>> SyncStore::ReadDeviceItems(std::string_view user_id,
                                                                 std::string_view device_id,
                                                                 const std::vector<ItemKey>& keys) {
  std::vector<DeviceItemRecord> out;
  if (keys.empty()) return out;
  std::vector<Statement> reads;
  for (const auto& [type, ids] : IdsByType(keys)) {
    reads.push_back(SelectDeviceItems(user_id, device_id, type, ids));
  }
  HOWLER_ASSIGN_OR_RETURN(std::vector<ResultSet> sets, db_.Batch(reads));
  for (const ResultSet& set : sets) {
    for (const Row& row : set.rows) out.push_back(DeviceItemFromRow(row));
  }
  return out;
}

Result<DesktopPosition> SyncStore::ReadDesktopPosition(std::string_view user_id,
                                                       std::string_view device_id) {
  const std::string user(user_id);
  const std::string device(device_id);
  HOWLER_ASSIGN_OR_RETURN(
      std::vector<ResultSet> sets,
      db_.Batch({{"SELECT last_download_at, last_download_seq FROM sync_metadata "
                  "WHERE user_id = ? AND device_id = ?",
                  {user, device}},
                 {"SELECT " + std::string(kDeviceOfferColumns) +
                      " FROM sync_device_offers WHERE user_id = ? AND device_id = ?",
                  {user, device}}}));
  DesktopPosition out;
  if (!sets[0].empty()) {
    out.at = AsOptionalInt(sets[0].rows[0][0]);
    out.seq = AsInt(sets[0].rows[0][1]);
  }
  for (const Row& row : sets[1].rows) out.offers.push_back(OfferFromRow(row));
  return out;
}

Result<std::int64_t> SyncStore::CountOpenConflicts(std::string_view user_id) {
  HOWLER_ASSIGN_OR_RETURN(
      ResultSet rs,
      db_.Query({"SELECT COUNT(*) FROM sync_conflicts WHERE user_id = ? AND resolved_at IS NULL",
                 {std::string(user_id)}}));
  return rs.empty() ? 0 : AsInt(rs.rows[0][0]);
}

Result<SyncPage> SyncStore::ReadPage(std::string_view user_id, std::int64_t after_seq,
                                     std::optional<std::int64_t> since, int limit) {
  // One query: the state row (kind 0) and the page (kind 1).
  Statement s;
  s.sql =
      "SELECT 0, last_seq, purged_seq, first_change_at, NULL, NULL, NULL, NULL, NULL, NULL, NULL, "
      "NULL, NULL, NULL "
      "FROM sync_state WHERE user_id = ? UNION ALL SELECT * FROM (SELECT 1, 0, 0, " +
      std::string(kItemColumns) + " FROM sync_items WHERE user_id = ? AND seq > ?";
  s.params = {std::string(user_id), std::string(user_id), after_seq};
  if (since) {
    s.sql += " AND updated_at >= ?";
    s.params.push_back(*since);
  }
  s.sql += " ORDER BY seq LIMIT ?)";
  s.params.push_back(std::int64_t{limit});
  HOWLER_ASSIGN_OR_RETURN(ResultSet rs, db_.Query(s));
  SyncPage page;
  page.items.reserve(rs.rows.size());
  for (Row& row : rs.rows) {
    if (AsInt(row[0]) == 0) {
      page.last_seq = AsInt(row[1]);
      page.purged_seq = AsInt(row[2]);
      page.first_change_at = AsOptionalInt(row[3]);
    } else {
      page.items.push_back(ItemFromRow(row, 3));
    }
  }
  auto by_seq = [](const SyncItemRecord& a, const SyncItemRecord& b) { return a.seq < b.seq; };
  if (!std::is_sorted(page.items.begin(), page.items.end(), by_seq)) {
    std::sort(page.items.begin(), page.items.end(), by_seq);
  }
  return page;
}

Result<ResolveState> SyncStore::ReadResolveState(std::string_view user_id,
                                                 std::string_view conflict_id) {
  const std::string user(user_id);
  const std::string id(conflict_id);
  std::vector<Statement> reads = {
      {"SELECT " + std::string(kConflictColumns) +
           " FROM sync_conflicts WHERE id = ? AND user_id = ?",
       {id, user}},
      {"SELECT " + std::string(kWriterItemColumns) +
           " FROM sync_items WHERE user_id = ? AND item_type = (SELECT item_type FROM "
           "sync_conflicts WHERE id = ? AND user_id = ?) AND item_id = (SELECT item_id FROM "
           "sync_conflicts WHERE id = ? AND user_id = ?)",
       {user, id, user, id, user}},
      {"SELECT last_seq FROM sync_state WHERE user_id = ?", {user}}};
  HOWLER_ASSIGN_OR_RETURN(std::vector<ResultSet> sets, db_.Batch(reads));
  ResolveState state;
  if (!sets[0].empty()) state.conflict = ConflictFromRow(sets[0].rows[0]);
  if (!sets[1].empty()) state.item = ItemFromRow(sets[1].rows[0]);
  if (!sets[2].empty()) state.last_seq = AsInt(sets[2].rows[0][0]);
  return state;
}

Result<std::vector<SyncConflictRecord>> SyncStore::ListConflicts(std::string_view user_id,
                                                                 int limit) {
  HOWLER_ASSIGN_OR_RETURN(
      ResultSet rs, db_.Query({"SELECT " + std::string(kConflictColumns) +
                                   " FROM sync_conflicts WHERE user_id = ? AND resolved_at IS NULL "
                                   "ORDER BY detected_at, id LIMIT ?",
                               {std::string(user_id), std::int64_t{limit}}}));
  std::vector<SyncConflictRecord> out;
  out.reserve(rs.rows.size());
  for (const Row& row : rs.rows) out.push_back(ConflictFromRow(row));
  return out;
}

Result<std::vector<SyncDeviceRecord>> SyncStore::ListDevices(std::string_view user_id) {
  HOWLER_ASSIGN_OR_RETURN(
      ResultSet rs,
      db_.Query({"SELECT m.device_id, m.last_upload_at, m.last_download_at, "
                 "m.last_download_seq, m.changes_uploaded, (SELECT COUNT(*) FROM sync_items i "
                 "WHERE i.user_id = m.user_id AND i.seq > m.last_download_seq) "
                 "FROM sync_metadata m WHERE m.user_id = ? ORDER BY m.device_id",
                 {std::string(user_id)}}));
  std::vector<SyncDeviceRecord> out;
  for (const Row& row : rs.rows) {
    SyncDeviceRecord d;
    d.device_id = AsText(row[0]);
    d.last_upload_at = AsOptionalInt(row[1]);
    d.last_download_at = AsOptionalInt(row[2]);
    d.last_download_seq = AsInt(row[3]);
    d.changes_uploaded = AsInt(row[4]);
    d.behind = AsInt(row[5]);
    out.push_back(std::move(d));
  }
  return out;
}

Result<std::vector<LiveStateRecord>> SyncStore::ReadLiveStates(
    std::span<const std::string> user_ids) {
  std::vector<Statement> reads;
  for (std::size_t start = 0; start < user_ids.size(); start += kLiveUsersPerStatement) {
    const auto chunk =
        user_ids.subspan(start, std::min(kLiveUsersPerStatement, user_ids.size() - start));
    Statement st{
        "SELECT s.user_id, s.last_seq, (SELECT COUNT(*) FROM sync_conflicts c "
        "WHERE c.user_id = s.user_id AND c.resolved_at IS NULL), "
        "COALESCE((SELECT i.device_id FROM sync_items i WHERE i.user_id = s.user_id "
        "AND i.seq = s.last_seq), '') FROM sync_state s WHERE s.user_id IN ",
        {}};
    const std::size_t padded = PaddedLength(chunk.size());
    st.sql += Placeholders(padded);
    for (std::size_t i = 0; i < padded; ++i)
      st.params.emplace_back(chunk[std::min(i, chunk.size() - 1)]);
    reads.push_back(std::move(st));
  }
  std::vector<ResultSet> sets;
  if (reads.size() == 1) {
    HOWLER_ASSIGN_OR_RETURN(ResultSet rs, db_.Query(reads[0]));
    sets.push_back(std::move(rs));
  } else if (!reads.empty()) {
    HOWLER_ASSIGN_OR_RETURN(sets, db_.Batch(reads));
  }
  std::vector<LiveStateRecord> out;
  for (ResultSet& rs : sets) {
    for (Row& row : rs.rows) {
      out.push_back({TakeText(row[0]), AsInt(row[1]), AsInt(row[2]), TakeText(row[3])});
    }
  }
  return out;
}

std::vector<Statement> SyncStore::GuardSequence(std::string_view user_id, std::int64_t expected,
                                                std::int64_t next, std::int64_t now) {
  const std::string user(user_id);
  return {{"INSERT INTO sync_state (user_id, last_seq, first_change_at) VALUES (?, 0, ?) "
           "ON CONFLICT (user_id) DO UPDATE SET first_change_at = "
           "COALESCE(sync_state.first_change_at, excluded.first_change_at)",
           {user, now}},
          {"UPDATE sync_state SET last_seq = CASE WHEN last_seq = ? THEN ? ELSE NULL END "
           "WHERE user_id = ?",
           {expected, next, user}}};
}

std::vector<Statement> SyncStore::UpsertItems(std::string_view user_id,
                                              std::span<const SyncItemRecord> items) {
  const std::string user(user_id);
  return MultiRowInsert(
      "INSERT INTO sync_items (user_id, item_type, item_id, data, sync_version, deleted, "
      "device_id, seq, created_at, updated_at, deleted_at, edited_at, change_id)",
      " ON CONFLICT (user_id, item_type, item_id) DO UPDATE SET data = excluded.data, "
      "sync_version = excluded.sync_version, deleted = excluded.deleted, "
      "device_id = excluded.device_id, seq = excluded.seq, updated_at = excluded.updated_at, "
      "deleted_at = excluded.deleted_at, edited_at = excluded.edited_at, "
      "change_id = excluded.change_id",
      13, items, kItemRowsPerStatement, [&](const SyncItemRecord& r, std::vector<Value>& p) {
        p.insert(p.end(), {user, r.item_type, r.item_id, r.data, r.sync_version,
                           std::int64_t{r.deleted ? 1 : 0}, r.device_id, r.seq, r.created_at,
                           r.updated_at, IntOrNull(r.deleted_at), IntOrNull(r.edited_at),
                           r.change_id.empty() ? Value(Null{}) : Value(r.change_id)});
      });
}

std::vector<Statement> SyncStore::UpsertDeviceItems(std::string_view user_id,
                                                    std::string_view device_id,
                                                    std::span<const DeviceItemRecord> records) {
  const std::string user(user_id);
  const std::string device(device_id);
  return MultiRowInsert(
      "INSERT INTO sync_device_items (user_id, device_id, item_type, item_id, held_version, "
      "seen_version, sent_hash)",
      " ON CONFLICT (user_id, device_id, item_type, item_id) DO UPDATE SET "
      "held_version = excluded.held_version, seen_version = excluded.seen_version, "
      "sent_hash = excluded.sent_hash",
      7, records, kItemRowsPerStatement, [&](const DeviceItemRecord& r, std::vector<Value>& p) {
        p.insert(p.end(), {user, device, r.item_type, r.item_id, r.held_version, r.seen_version,
                           r.sent_hash});
      });
}

namespace {

std::vector<Statement> ChangeIdRows(std::string_view user_id,
                                    std::span<const ChangeIdRecord> records, std::int64_t now,
                                    std::string_view tail) {
  const std::string user(user_id);
  return MultiRowInsert(
      "INSERT INTO sync_change_ids (user_id, device_id, change_id, outcome, created_at)", tail, 5,
      records, kChangeRowsPerStatement, [&](const ChangeIdRecord& r, std::vector<Value>& p) {
        p.insert(p.end(), {user, r.device_id, r.change_id, r.outcome, now});
      });
}

}  // namespace

std::vector<Statement> SyncStore::InsertChangeIds(std::string_view user_id,
                                                  std::span<const ChangeIdRecord> records,
                                                  std::int64_t now) {
  return ChangeIdRows(user_id, records, now, "");
}

std::vector<Statement> SyncStore::ArchiveChangeIds(std::string_view user_id,
                                                   std::span<const ChangeIdRecord> records,
                                                   std::int64_t now) {
  return ChangeIdRows(user_id, records, now,
                      " ON CONFLICT (user_id, device_id, change_id) DO NOTHING");
}

std::vector<Statement> SyncStore::InsertConflicts(std::string_view user_id,
                                                  std::span<const SyncConflictRecord> conflicts) {
  const std::string user(user_id);
  return MultiRowInsert(
      "INSERT INTO sync_conflicts (id, user_id, item_type, item_id, local_data, local_deleted, "
      "local_version, local_device_id, local_updated_at, remote_data, remote_deleted, "
      "remote_version, remote_device_id, remote_updated_at, detected_at)",
      "", 15, conflicts, kConflictRowsPerStatement,
      [&](const SyncConflictRecord& c, std::vector<Value>& p) {
        p.insert(p.end(),
                 {c.id, user, c.item_type, c.item_id, c.local.data,
                  std::int64_t{c.local.deleted ? 1 : 0}, c.local.sync_version, c.local.device_id,
                  c.local.updated_at, c.remote.data, std::int64_t{c.remote.deleted ? 1 : 0},
                  c.remote.sync_version, c.remote.device_id, c.remote.updated_at, c.detected_at});
      });
}

Statement SyncStore::AddLiveCount(std::string_view user_id, std::string_view item_type,
                                  std::int64_t delta) {
  return {
      "INSERT INTO sync_counts (user_id, item_type, live) VALUES (?, ?, ?) "
      "ON CONFLICT (user_id, item_type) DO UPDATE SET live = sync_counts.live + excluded.live",
      {std::string(user_id), std::string(item_type), delta}};
}

Statement SyncStore::RecordUpload(std::string_view user_id, std::string_view device_id,
                                  std::int64_t now, std::int64_t changes) {
  return {
      "INSERT INTO sync_metadata (user_id, device_id, last_upload_at, changes_uploaded) "
      "VALUES (?, ?, ?, ?) ON CONFLICT (user_id, device_id) DO UPDATE SET "
      "last_upload_at = excluded.last_upload_at, "
      "changes_uploaded = sync_metadata.changes_uploaded + excluded.changes_uploaded",
      {std::string(user_id), std::string(device_id), now, changes}};
}

Statement SyncStore::MarkResolved(std::string_view user_id, std::string_view conflict_id,
                                  std::int64_t now, std::string_view resolution) {
  return {
      "UPDATE sync_conflicts SET resolved_at = ?, resolution = ? "
      "WHERE id = ? AND user_id = ? AND resolved_at IS NULL",
      {now, std::string(resolution), std::string(conflict_id), std::string(user_id)}};
}

std::vector<Statement> SyncStore::ReplaceOffers(std::string_view user_id,
                                                std::string_view device_id,
                                                std::span<const DeviceOfferRecord> offers) {
  const std::string user(user_id);
  const std::string device(device_id);
  std::vector<Statement> out = {
      {"DELETE FROM sync_device_offers WHERE user_id = ? AND device_id = ?", {user, device}}};
  for (auto& s :
       MultiRowInsert("INSERT INTO sync_device_offers (user_id, device_id, item_type, item_id, "
                      "held_version, seen_version, offered_at)",
                      "", 7, offers, kItemRowsPerStatement,
                      [&](const DeviceOfferRecord&r, std::vector<Value>&p) {
                        p.insert(p.end(), {user, device, r.item_type, r.item_id, r.held_version,
                                           r.seen_version, r.offered_at});
                      })) {
    out.push_back(std::move(s));
  }
  return out;
}

Statement SyncStore::DeleteOffer(std::string_view user_id, std::string_view device_id,
                                 const ItemKey& key) {
  return {
      "DELETE FROM sync_device_offers WHERE user_id = ? AND device_id = ? AND "
      "item_type = ? AND item_id = ?",
      {std::string(user_id), std::string(device_id), key.item_type, key.item_id}};
}

Statement SyncStore::RecordDownload(const DeviceDownload& d) {
  return {
      "INSERT INTO sync_metadata (user_id, device_id, last_download_at, last_download_seq) "
      "VALUES (?, ?, ?, ?) ON CONFLICT (user_id, device_id) DO UPDATE SET "
      "last_download_at = MAX(COALESCE(sync_metadata.last_download_at, 0), "
      "excluded.last_download_at), "
      "last_download_seq = MAX(sync_metadata.last_download_seq, excluded.last_download_seq)",
      {d.user_id, d.device_id, d.at, d.seq}};
}

Status SyncStore::RecordDownloads(std::span<const DeviceDownload> downloads) {
  if (downloads.empty()) return Status::Ok();
  std::vector<Statement> writes;
  writes.reserve(downloads.size());
  for (const DeviceDownload& d : downloads) writes.push_back(RecordDownload(d));
  return db_.Batch(writes).status();
}

Status SyncStore::ForgetDevice(std::string_view user_id, std::string_view device_id) {
  const std::string user(user_id);
  std::vector<Statement> writes;
  if (device_id.empty()) {
    writes = {{"DELETE FROM sync_device_items WHERE user_id = ?", {user}},
              {"DELETE FROM sync_device_offers WHERE user_id = ?", {user}},
              {"UPDATE sync_metadata SET last_download_at = NULL, last_download_seq = 0 "
               "WHERE user_id = ?",
               {user}}};
  } else {
    const std::string device(device_id);
    writes = {
        {"DELETE FROM sync_device_items WHERE user_id = ? AND device_id = ?", {user, device}},
        {"DELETE FROM sync_device_offers WHERE user_id = ? AND device_id = ?", {user, device}},
        {"UPDATE sync_metadata SET last_download_at = NULL, last_download_seq = 0 "
         "WHERE user_id = ? AND device_id = ?",
         {user, device}}};
  }
  return db_.Batch(writes).status();
}

Status SyncStore::Purge(std::int64_t before) {
  return db_
      .Batch({{"UPDATE sync_state SET purged_seq = MAX(purged_seq, COALESCE((SELECT MAX(seq) "
               "FROM sync_items i WHERE i.user_id = sync_state.user_id AND i.deleted = 1 AND "
               "i.deleted_at < ?), 0))",
               {before}},
              {"DELETE FROM sync_items WHERE deleted = 1 AND deleted_at < ?", {before}},
              {"DELETE FROM sync_change_ids WHERE created_at < ?", {before}},
              {"DELETE FROM sync_conflicts WHERE resolved_at IS NOT NULL AND resolved_at < ?",
               {before}}})
      .status();
}

}  // namespace howler::storage
