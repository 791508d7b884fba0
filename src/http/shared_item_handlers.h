// The client's /api/connections and /api/queries (API.md "Connections and queries") over
// orgs::SharedItems, in its wrapper {"success", "data", "message"} and field names
// (database_type, database_name, ssl_enabled; title, sql_content). A password sent with a
// connection is dropped before anything is stored; answers carry `password_required`.
#pragma once

#include "http/router.h"
#include "orgs/shared_items.h"

namespace howler::http {

void AddSharedItemRoutes(Router& router, orgs::SharedItems& items);

}  // namespace howler::http
