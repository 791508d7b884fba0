#include "dbmanager/postgres/pg_values.h"

#include "common/crypto.h"
#include "dbmanager/cells.h"

namespace howler::dbmanager {
namespace {

// Built-in type OIDs (pg_type.dat).
enum : unsigned {
  kBool = 16,
  kBytea = 17,
  kName = 19,
  kInt8 = 20,
  kInt2 = 21,
  kInt4 = 23,
  kText = 25,
  kOid = 26,
  kJson = 114,
  kFloat4 = 700,
  kFloat8 = 701,
  kBpchar = 1042,
  kVarchar = 1043,
  kDate = 1082,
  kTime = 1083,
  kTimestamp = 1114,
  kTimestampTz = 1184,
  kInterval = 1186,
  kNumeric = 1700,
  kUuid = 2950,
  kJsonb = 3802,
};

struct TypeInfo {
  unsigned oid;
  const char* name;
  unsigned element;  // for arrays, the element's OID; else 0
};

constexpr TypeInfo kTypes[] = {
    {kBool, "bool", 0},
    {kBytea, "bytea", 0},
    {kName, "name", 0},
    {kInt8, "int8", 0},
    {kInt2, "int2", 0},
    {kInt4, "int4", 0},
    {kText, "text", 0},
    {kOid, "oid", 0},
    {kJson, "json", 0},
    {kFloat4, "float4", 0},
    {kFloat8, "float8", 0},
    {kBpchar, "bpchar", 0},
    {kVarchar, "varchar", 0},
    {kDate, "date", 0},
    {kTime, "time", 0},
    {kTimestamp, "timestamp", 0},
    {kTimestampTz, "timestamptz", 0},
    {kInterval, "interval", 0},
    {kNumeric, "numeric", 0},
    {kUuid, "uuid", 0},
    {kJsonb, "jsonb", 0},
    {1266, "timetz", 0},
    {869, "inet", 0},
    {650, "cidr", 0},
    {829, "macaddr", 0},
    {1560, "bit", 0},
    {1562, "varbit", 0},
    {790, "money", 0},
    {142, "xml", 0},
    {1000, "_bool", kBool},
    {1001, "_bytea", kBytea},
    {1003, "_name", kName},
    {1005, "_int2", kInt2},
    {1007, "_int4", kInt4},
    {1009, "_text", kText},
    {1014, "_bpchar", kBpchar},
    {1015, "_varchar", kVarchar},
    {1016, "_int8", kInt8},
    {1021, "_float4", kFloat4},
    {1022, "_float8", kFloat8},
    {1028, "_oid", kOid},
    {1115, "_timestamp", kTimestamp},
    {1182, "_date", kDate},
    {1183, "_time", kTime},
    {1185, "_timestamptz", kTimestampTz},
    {1187, "_interval", kInterval},
    {1231, "_numeric", kNumeric},
    {199, "_json", kJson},
    {2951, "_uuid", kUuid},
    {3807, "_jsonb", kJsonb},
};

const TypeInfo* Find(unsigned oid) {
  for (const TypeInfo& info : kTypes) {
    if (info.oid == oid) {
      return &info;
    }
  }
  return nullptr;
}

std::string ScalarCell(unsigned oid, std::string_view text) {
  switch (oid) {
    case kBool:
      return BoolCell(text == "t");
    case kInt2:
    case kInt4:
    case kOid:
    case kFloat4:
    case kFloat8:
      return NumberCell(text);
    case kBytea: {
      if (text.size() >= 2 && text[0] == '\\' && text[1] == 'x') {
        auto bytes = HexDecode(text.substr(2));
        if (bytes.ok()) {
          return BytesCell(*bytes);
        }
      }
      return StringCell(text);
    }
    case kJson:
    case kJsonb:
      return JsonCell(text);
    case kTimestamp:
    case kTimestampTz:
      return TimestampCell(text);
    default:  // int8, numeric (exact), text kinds, dates, intervals...
      return StringCell(text);
  }
}

// Reads the array literal at `pos` ("{...}") into a JSON array of element cells.
// Returns false when the text is not a well-formed array literal.
bool ParseArray(std::string_view text, std::size_t& pos, unsigned element, std::string& out) {
  if (pos >= text.size() || text[pos] != '{') {
    return false;
  }
  ++pos;
  out += '[';
  bool first = true;
  if (pos < text.size() && text[pos] == '}') {
    ++pos;
    out += ']';
    return true;
  }
  while (pos < text.size()) {
    if (!first) {
      out += ',';
    }
    first = false;
    if (text[pos] == '{') {
      if (!ParseArray(text, pos, element, out)) {
        return false;
      }
    } else if (text[pos] == '"') {
      std::string value;
      ++pos;
      while (pos < text.size() && text[pos] != '"') {
        if (text[pos] == '\\' && pos + 1 < text.size()) {
          ++pos;
        }
        value += text[pos++];
      }
      if (pos >= text.size()) {
        return false;
      }
      ++pos;  // closing quote
      out += ScalarCell(element, value);
    } else {
      const std::size_t start = pos;
      while (pos < text.size() && text[pos] != ',' && text[pos] != '}') {
        ++pos;
      }
      std::string_view value = text.substr(start, pos - start);
      out += value == "NULL" ? std::string(kNullCell) : ScalarCell(element, value);
    }
    if (pos >= text.size()) {
      return false;
    }
    if (text[pos] == '}') {
      ++pos;
      out += ']';
      return true;
    }
    if (text[pos] != ',') {
      return false;
    }
    ++pos;
  }
  return false;
}

}  // namespace

std::string PgCell(unsigned oid, std::string_view text) {
  const TypeInfo* info = Find(oid);
  if (info != nullptr && info->element != 0) {
    std::string out;
    std::size_t pos = 0;
    if (ParseArray(text, pos, info->element, out) && pos == text.size()) {
      return out;
    }
    return StringCell(text);  // bounds-decorated or unusual literals: their text
  }
  return ScalarCell(oid, text);
}

std::string PgTypeName(unsigned oid) {
  const TypeInfo* info = Find(oid);
  return info != nullptr ? info->name : "oid " + std::to_string(oid);
}

}  // namespace howler::dbmanager
