#include "dbmanager/mariadb/maria_values.h"

#include "dbmanager/cells.h"

namespace howler::dbmanager {
namespace {

constexpr unsigned kBinaryCharset = 63;

bool IsJsonFormat(const MYSQL_FIELD& field) {
  MARIADB_CONST_STRING format{};
  return mariadb_field_attr(&format, &field, MARIADB_FIELD_ATTR_FORMAT_NAME) == 0 &&
         std::string_view(format.str, format.length) == "json";
}

}  // namespace

std::string MariaCell(const MYSQL_FIELD& field, std::string_view text) {
  switch (field.type) {
    case MYSQL_TYPE_NULL:
      return std::string(kNullCell);
    case MYSQL_TYPE_TINY:
    case MYSQL_TYPE_SHORT:
    case MYSQL_TYPE_INT24:
    case MYSQL_TYPE_LONG:
    case MYSQL_TYPE_YEAR:
    case MYSQL_TYPE_FLOAT:
    case MYSQL_TYPE_DOUBLE:
      return NumberCell(text);
    case MYSQL_TYPE_DATE:
    case MYSQL_TYPE_NEWDATE:
    case MYSQL_TYPE_TIME:
    case MYSQL_TYPE_TIME2:
    case MYSQL_TYPE_LONGLONG:
    case MYSQL_TYPE_DECIMAL:
    case MYSQL_TYPE_NEWDECIMAL:
      return StringCell(text);
    case MYSQL_TYPE_DATETIME:
    case MYSQL_TYPE_DATETIME2:
      return TimestampCell(text);
    case MYSQL_TYPE_TIMESTAMP:
    case MYSQL_TYPE_TIMESTAMP2:
      return TimestampCell(std::string(text) + "+00");
    case MYSQL_TYPE_JSON:
      return JsonCell(text);
    case MYSQL_TYPE_BIT:
    case MYSQL_TYPE_GEOMETRY:
      return BytesCell(text);
    default:
      if (IsJsonFormat(field)) {
        return JsonCell(text);
      }
      return field.charsetnr == kBinaryCharset ? BytesCell(text) : StringCell(text);
  }
}

std::string MariaTypeName(const MYSQL_FIELD& field) {
  if (IsJsonFormat(field)) {
    return "JSON";
  }
  const bool binary = field.charsetnr == kBinaryCharset;
  switch (field.type) {
    case MYSQL_TYPE_NULL:
      return "NULL";
    case MYSQL_TYPE_TINY:
      return "TINYINT";
    case MYSQL_TYPE_SHORT:
      return "SMALLINT";
    case MYSQL_TYPE_INT24:
      return "MEDIUMINT";
    case MYSQL_TYPE_LONG:
      return "INT";
    case MYSQL_TYPE_LONGLONG:
      return "BIGINT";
    case MYSQL_TYPE_YEAR:
      return "YEAR";
    case MYSQL_TYPE_FLOAT:
      return "FLOAT";
    case MYSQL_TYPE_DOUBLE:
      return "DOUBLE";
    case MYSQL_TYPE_DECIMAL:
    case MYSQL_TYPE_NEWDECIMAL:
      return "DECIMAL";
    case MYSQL_TYPE_DATE:
    case MYSQL_TYPE_NEWDATE:
      return "DATE";
    case MYSQL_TYPE_TIME:
    case MYSQL_TYPE_TIME2:
      return "TIME";
    case MYSQL_TYPE_DATETIME:
    case MYSQL_TYPE_DATETIME2:
      return "DATETIME";
    case MYSQL_TYPE_TIMESTAMP:
    case MYSQL_TYPE_TIMESTAMP2:
      return "TIMESTAMP";
    case MYSQL_TYPE_JSON:
      return "JSON";
    case MYSQL_TYPE_BIT:
      return "BIT";
    case MYSQL_TYPE_ENUM:
      return "ENUM";
    case MYSQL_TYPE_SET:
      return "SET";
    case MYSQL_TYPE_GEOMETRY:
      return "GEOMETRY";
    case MYSQL_TYPE_TINY_BLOB:
    case MYSQL_TYPE_MEDIUM_BLOB:
    case MYSQL_TYPE_LONG_BLOB:
    case MYSQL_TYPE_BLOB:
      return binary ? "BLOB" : "TEXT";
    case MYSQL_TYPE_VARCHAR:
    case MYSQL_TYPE_VAR_STRING:
      return binary ? "VARBINARY" : "VARCHAR";
    case MYSQL_TYPE_STRING:
      return binary ? "BINARY" : "CHAR";
    default:
      return "UNKNOWN";
  }
}

}  // namespace howler::dbmanager
