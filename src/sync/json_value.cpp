#include "sync/json_value.h"

#include <cassert>
#include <cstdint>

#include "common/json_text.h"
#include "common/utf8.h"

namespace howler::sync {

JsonValue JsonValue::Bool(bool b) {
  JsonValue v;
  v.kind_ = Kind::kBool;
  v.bool_ = b;
  return v;
}

JsonValue JsonValue::Number(std::string text) {
  JsonValue v;
  v.kind_ = Kind::kNumber;
  v.text_ = std::move(text);
  assert(!v.text_.empty());
  return v;
}

JsonValue JsonValue::String(std::string s) {
  JsonValue v;
  v.kind_ = Kind::kString;
  v.text_ = std::move(s);
  return v;
}

JsonValue JsonValue::Array() {
  JsonValue v;
  v.kind_ = Kind::kArray;
  return v;
}

JsonValue JsonValue::Object() {
  JsonValue v;
  v.kind_ = Kind::kObject;
  return v;
}

const JsonValue* JsonValue::Find(std::string_view key) const {
  for (const Member& m : members_) {
    if (m.key == key) return &m.value;
  }
  return nullptr;
}

JsonValue* JsonValue::Find(std::string_view key) {
  for (Member& m : members_) {
    if (m.key == key) return &m.value;
  }
  return nullptr;
}

void JsonValue::Set(std::string key, JsonValue value) {
  assert(kind_ == Kind::kObject);
  if (JsonValue* existing = Find(key)) {
    *existing = std::move(value);
    return;
  }
  members_.push_back(Member{std::move(key), std::move(value)});
}

bool JsonValue::Erase(std::string_view key) {
  for (auto it = members_.begin(); it != members_.end(); ++it) {
    if (it->key == key) {
      members_.erase(it);
      return true;
    }
  }
  return false;
}

bool operator==(const JsonValue& a, const JsonValue& b) {
  if (a.kind_ != b.kind_) return false;
  switch (a.kind_) {
    case JsonValue::Kind::kNull:
      return true;
    case JsonValue::Kind::kBool:
      return a.bool_ == b.bool_;
    case JsonValue::Kind::kNumber:
    case JsonValue::Kind::kString:
      return a.text_ == b.text_;
    case JsonValue::Kind::kArray:
      return a.items_ == b.items_;
    case JsonValue::Kind::kObject:
      return a.members_ == b.members_;
  }
  return false;
}

void AppendJson(std::string& out, const JsonValue& value) {
  switch (value.kind()) {
    case JsonValue::Kind::kNull:
      out += "null";
      return;
    case JsonValue::Kind::kBool:
      out += value.bool_value() ? "true" : "false";
      return;
    case JsonValue::Kind::kNumber:
      out += value.text();
      return;
    case JsonValue::Kind::kString:
      AppendJsonString(out, value.text());
      return;
    case JsonValue::Kind::kArray: {
      out.push_back('[');
      bool first = true;
      for (const JsonValue& item : value.items()) {
        if (!first) out.push_back(',');
        first = false;
        AppendJson(out, item);
      }
      out.push_back(']');
      return;
    }
    case JsonValue::Kind::kObject: {
      out.push_back('{');
      bool first = true;
      for (const JsonValue::Member& m : value.members()) {
        if (!first) out.push_back(',');
        first = false;
        AppendJsonString(out, m.key);
        out.push_back(':');
        AppendJson(out, m.value);
      }
      out.push_back('}');
      return;
    }
  }
}

std::string SerializeJson(const JsonValue& value) {
  std::string out;
  AppendJson(out, value);
  return out;
}

namespace {

// Recursive-descent parser over one text; each method consumes what it names.
class Parser {
 public:
  Parser(std::string_view text, int max_depth) : s_(text), max_depth_(max_depth) {}

  Result<JsonValue> ParseDocument() {
    SkipSpace();
    HOWLER_ASSIGN_OR_RETURN(JsonValue value, ParseValue(0));
    SkipSpace();
    if (pos_ != s_.size()) return Error("unexpected text after the value");
    return value;
  }

 private:
  static Status Error(std::string_view what) {
    return InvalidArgumentError("invalid JSON: " + std::string(what));
  }

  void SkipSpace() {
    while (pos_ < s_.size() &&
           (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r')) {
      ++pos_;
    }
  }

  bool Consume(std::string_view word) {
    if (s_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }

  Result<JsonValue> ParseValue(int depth) {
    if (pos_ >= s_.size()) return Error("unexpected end");
    char c = s_[pos_];
    if (c == '{' || c == '[') {
      if (depth >= max_depth_) return Error("nested too deeply");
      return c == '{' ? ParseObject(depth + 1) : ParseArray(depth + 1);
    }
    if (c == '"') {
      HOWLER_ASSIGN_OR_RETURN(std::string s, ParseString());
      return JsonValue::String(std::move(s));
    }
    if (Consume("true")) return JsonValue::Bool(true);
    if (Consume("false")) return JsonValue::Bool(false);
    if (Consume("null")) return JsonValue();
    return ParseNumber();
  }

  Result<JsonValue> ParseObject(int depth) {
    ++pos_;  // '{'
    JsonValue object = JsonValue::Object();
    SkipSpace();
    if (Consume("}")) return object;
    while (true) {
      SkipSpace();
      if (pos_ >= s_.size() || s_[pos_] != '"') return Error("expected a member name");
      HOWLER_ASSIGN_OR_RETURN(std::string key, ParseString());
      SkipSpace();
      if (!Consume(":")) return Error("expected ':'");
      SkipSpace();
      HOWLER_ASSIGN_OR_RETURN(JsonValue value, ParseValue(depth));
      object.Set(std::move(key), std::move(value));
      SkipSpace();
      if (Consume("}")) return object;
      if (!Consume(",")) return Error("expected ',' or '}'");
    }
  }

  Result<JsonValue> ParseArray(int depth) {
    ++pos_;  // '['
    JsonValue array = JsonValue::Array();
    SkipSpace();
    if (Consume("]")) return array;
    while (true) {
      SkipSpace();
      HOWLER_ASSIGN_OR_RETURN(JsonValue value, ParseValue(depth));
      array.items().push_back(std::move(value));
      SkipSpace();
      if (Consume("]")) return array;
      if (!Consume(",")) return Error("expected ',' or ']'");
    }
  }

  bool Digits() {
    std::size_t start = pos_;
    while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') ++pos_;
    return pos_ > start;
  }

  Result<JsonValue> ParseNumber() {
    std::size_t start = pos_;
    Consume("-");
    if (Consume("0")) {
      // no leading zeros
    } else if (pos_ >= s_.size() || s_[pos_] < '1' || s_[pos_] > '9' || !Digits()) {
      return Error("unexpected character");
    }
    if (Consume(".") && !Digits()) return Error("bad number");
    if (pos_ < s_.size() && (s_[pos_] == 'e' || s_[pos_] == 'E')) {
      ++pos_;
      if (!Consume("+")) Consume("-");
      if (!Digits()) return Error("bad number");
    }
    return JsonValue::Number(std::string(s_.substr(start, pos_ - start)));
  }

  Result<std::uint32_t> ParseHex4() {
    if (pos_ + 4 > s_.size()) return Error("bad \\u escape");
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i) {
      char c = s_[pos_++];
      v <<= 4;
      if (c >= '0' && c <= '9')
        v |= c - '0';
      else if (c >= 'a' && c <= 'f')
        v |= c - 'a' + 10;
      else if (c >= 'A' && c <= 'F')
        v |= c - 'A' + 10;
      else
        return Error("bad \\u escape");
    }
    return v;
  }

  static void AppendUtf8(std::string& out, std::uint32_t cp) {
    if (cp < 0x80) {
      out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }

  Result<std::uint32_t> ParseEscapedCodePoint() {
    HOWLER_ASSIGN_OR_RETURN(std::uint32_t cp, ParseHex4());
    if (cp >= 0xDC00 && cp <= 0xDFFF) return Error("lone surrogate");
    if (cp < 0xD800 || cp > 0xDBFF) return cp;
    if (!Consume("\\u")) return Error("lone surrogate");
    HOWLER_ASSIGN_OR_RETURN(std::uint32_t low, ParseHex4());
    if (low < 0xDC00 || low > 0xDFFF) return Error("lone surrogate");
    return 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
  }

  Result<std::string> ParseString() {
    ++pos_;  // '"'
    std::string out;
    while (true) {
      if (pos_ >= s_.size()) return Error("unterminated string");
      char c = s_[pos_++];
      if (c == '"') return out;
      if (static_cast<unsigned char>(c) < 0x20) return Error("control character in string");
      if (c != '\\') {
        out.push_back(c);
        continue;
      }
      if (pos_ >= s_.size()) return Error("unterminated string");
      char e = s_[pos_++];
      switch (e) {
        case '"':
          out.push_back('"');
          break;
        case '\\':
          out.push_back('\\');
          break;
        case '/':
          out.push_back('/');
          break;
        case 'b':
          out.push_back('\b');
          break;
        case 'f':
          out.push_back('\f');
          break;
        case 'n':
          out.push_back('\n');
          break;
        case 'r':
          out.push_back('\r');
          break;
        case 't':
          out.push_back('\t');
          break;
        case 'u': {
          HOWLER_ASSIGN_OR_RETURN(std::uint32_t cp, ParseEscapedCodePoint());
          AppendUtf8(out, cp);
          break;
        }
        default:
          return Error("bad escape");
      }
    }
  }

  std::string_view s_;
  std::size_t pos_ = 0;
  int max_depth_;
};

}  // namespace

Result<JsonValue> ParseJson(std::string_view text, int max_depth) {
  if (!IsValidUtf8(text)) return InvalidArgumentError("JSON text is not valid UTF-8");
  return Parser(text, max_depth).ParseDocument();
}

}  // namespace howler::sync
