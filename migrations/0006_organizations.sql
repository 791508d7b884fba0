-- 0006_organizations: teams (API.md "Organizations").
--
-- An organization has one owner (owner_id, also a member with role 'owner'); a soft delete
-- sets deleted_at and hides it everywhere. Every read is keyed by the organization and
-- checked against the caller's membership in the same query.
CREATE TABLE organizations (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  owner_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  max_members INTEGER NOT NULL DEFAULT 10,
  settings TEXT NOT NULL DEFAULT '{}',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  deleted_at INTEGER
);
CREATE INDEX idx_organizations_owner ON organizations (owner_id, deleted_at);

-- Memberships: role is 'owner', 'admin' or 'member'; one row per (organization, user).
CREATE TABLE organization_members (
  id TEXT PRIMARY KEY,
  organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  role TEXT NOT NULL,
  invited_by TEXT,
  joined_at INTEGER NOT NULL,
  UNIQUE (organization_id, user_id)
);
CREATE INDEX idx_organization_members_user ON organization_members (user_id);

-- Email invitations. The token is stored only as its hex SHA-256 (token_hash, unique);
-- email is lower-cased. An invitation is open while accepted_at, declined_at and revoked_at
-- are NULL and expires_at lies ahead; accepting is one conditional update that succeeds once.
CREATE TABLE organization_invitations (
  id TEXT PRIMARY KEY,
  organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  email TEXT NOT NULL,
  role TEXT NOT NULL,
  invited_by TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  expires_at INTEGER NOT NULL,
  accepted_at INTEGER,
  declined_at INTEGER,
  revoked_at INTEGER,
  created_at INTEGER NOT NULL
);
CREATE INDEX idx_organization_invitations_org ON organization_invitations (organization_id);
CREATE INDEX idx_organization_invitations_email ON organization_invitations (email);

-- The audit log of each organization: membership, role, invitation and sharing changes.
-- details is a JSON object without secrets. Newest first by (created_at, id).
CREATE TABLE organization_audit_logs (
  id TEXT PRIMARY KEY,
  organization_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  action TEXT NOT NULL,
  resource_type TEXT NOT NULL,
  resource_id TEXT,
  ip_address TEXT NOT NULL DEFAULT '',
  user_agent TEXT NOT NULL DEFAULT '',
  details TEXT NOT NULL DEFAULT '{}',
  created_at INTEGER NOT NULL
);
CREATE INDEX idx_organization_audit_logs_org ON organization_audit_logs (organization_id, created_at);
