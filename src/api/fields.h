// Checks of text fields against their declared limits (operation.h), the same rules and
// messages on both transports (API.md "Conventions"). Pure functions; any thread.
#pragma once

#include <string_view>

#include "api/operation.h"
#include "common/status.h"

namespace howler::api {

// "<field> is required" when a required field is empty, "<field> is too long" beyond the
// limit; OK otherwise.
Status CheckField(const FieldLimit& limit, std::string_view value);

// CheckField with the operation's declaration of `field`.
Status CheckField(const Operation& operation, std::string_view field, std::string_view value);

}  // namespace howler::api
