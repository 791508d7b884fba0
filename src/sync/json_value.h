// JsonValue: the item-data tree that sync works on, so that sync needs no JSON library
// (DESIGN.md section 2). Transports convert their parsed bodies into it; sync serializes
// it to the text it stores, and parses text it stored earlier.
//
// - Objects keep their members in insertion order (what the client sent), and a key
//   appears once: Set() replaces, and ParseJson keeps the last of repeated keys.
// - Numbers keep their JSON text ("1", "-2.5e3"), so no value is altered on the way
//   through; Number() requires valid JSON number text (asserted).
// - Strings are UTF-8 as given.
// A value type; not synchronized (one thread at a time per value).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"

namespace howler::sync {

class JsonValue {
 public:
  enum class Kind { kNull, kBool, kNumber, kString, kArray, kObject };
  struct Member;

  JsonValue() = default;  // null
  static JsonValue Bool(bool b);
  static JsonValue Number(std::string text);
  static JsonValue String(std::string s);
  static JsonValue Array();
  static JsonValue Object();

  Kind kind() const { return kind_; }
  bool is_object() const { return kind_ == Kind::kObject; }
  bool is_string() const { return kind_ == Kind::kString; }
  bool bool_value() const { return bool_; }
  // The string value, or the number's text.
  const std::string& text() const { return text_; }
  std::string& mutable_text() { return text_; }

  std::vector<JsonValue>& items() { return items_; }
  const std::vector<JsonValue>& items() const { return items_; }
  std::vector<Member>& members() { return members_; }
  const std::vector<Member>& members() const { return members_; }

  // Object access; Find returns null when absent or when this is not an object.
  const JsonValue* Find(std::string_view key) const;
  JsonValue* Find(std::string_view key);
  // Replaces the member's value, or appends it. Requires an object.
  void Set(std::string key, JsonValue value);
  // Removes the member; whether it was present.
  bool Erase(std::string_view key);

  friend bool operator==(const JsonValue& a, const JsonValue& b);

 private:
  Kind kind_ = Kind::kNull;
  bool bool_ = false;
  std::string text_;
  std::vector<JsonValue> items_;
  std::vector<Member> members_;
};

struct JsonValue::Member {
  std::string key;
  JsonValue value;
  friend bool operator==(const Member& a, const Member& b) = default;
};

// Compact JSON text (no spaces), members in order.
std::string SerializeJson(const JsonValue& value);
void AppendJson(std::string& out, const JsonValue& value);

// Parses one JSON text (RFC 8259; surrounding whitespace allowed). INVALID_ARGUMENT for
// malformed text, text that is not valid UTF-8, trailing bytes, invalid escapes (lone
// surrogates among them) or nesting deeper than `max_depth`.
Result<JsonValue> ParseJson(std::string_view text, int max_depth = 64);

}  // namespace howler::sync
