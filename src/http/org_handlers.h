// The Organizations operations of API.md (/api/organizations*, /api/invitations*) over
// orgs::OrgService, in the shapes the desktop client reads (a bare object with the named
// key: {"organizations": [...]}, {"organization": {...}}, {"invitation": {...}}, ...).
// Their policy is declared in api/operations.h and applied by the pipeline first.
#pragma once

#include "http/router.h"
#include "http/sync_handlers.h"
#include "orgs/org_service.h"

namespace howler::http {

void AddOrgRoutes(Router& router, orgs::OrgService& service);

// The sync operations' organization spaces over OrgService::SyncSpace.
SpaceResolver OrgSpaceResolver(orgs::OrgService& service);

}  // namespace howler::http
