// Cursor: the opaque download position over a user's server-assigned change sequence
// (API.md, Sync: GET /download; PROTOCOLS.md section 4: never a clock).
//
// `seq` is the sequence number of the last change the client has seen; 0 means "before
// every change". The text form is base64url without padding (18 characters) of
// [version 0x01][seq, 8 bytes big-endian][first 4 bytes of SHA-256 over the 9 bytes before].
// The checksum catches truncated, mistyped or corrupted cursors; it is not a secret, and a
// crafted cursor only moves the caller within their own changes.
// The text carries no ordering: compare decoded cursors, never their strings.
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"

namespace howler::sync {

struct Cursor {
  std::int64_t seq = 0;

  friend bool operator==(const Cursor& a, const Cursor& b) { return a.seq == b.seq; }
  friend bool operator<(const Cursor& a, const Cursor& b) { return a.seq < b.seq; }
};

// Requires cursor.seq >= 0 (asserted).
std::string EncodeCursor(const Cursor& cursor);

// INVALID_ARGUMENT "invalid cursor" for anything EncodeCursor did not produce: bad
// base64url, padding, wrong length or version, checksum mismatch, negative sequence.
Result<Cursor> DecodeCursor(std::string_view text);

}  // namespace howler::sync
