// What the caller's organization role lets the page offer: the permission table of
// docs/API.md "Organizations" (the server enforces it on every call; the page only hides
// what would be refused).

export const ROLES = ['owner', 'admin', 'member'];

// Owners and admins see and answer the organization's invitations.
export function canManageInvitations(role) {
  return role === 'owner' || role === 'admin';
}

// The roles `role` may invite with (owners: admin or member; admins: member; else none).
export function inviteRoles(role) {
  if (role === 'owner') return ['member', 'admin'];
  if (role === 'admin') return ['member'];
  return [];
}

// The roles `role` may give a member now holding `target` (besides the one held); empty
// when the role cannot be changed. `owner` is offered by owners only (a transfer).
export function roleChoices(role, target) {
  if (target === 'owner') return [];
  if (role === 'owner') return ['member', 'admin', 'owner'].filter((r) => r !== target);
  if (role === 'admin') return ['member', 'admin'].filter((r) => r !== target);
  return [];
}

// Whether `role` may remove a member holding `target` (oneself leaves instead).
export function canRemove(role, target, self) {
  if (self || target === 'owner') return false;
  if (role === 'owner') return true;
  return role === 'admin' && target === 'member';
}

// Everybody but the owner may leave (the owner transfers ownership first).
export function canLeave(role) {
  return role === 'admin' || role === 'member';
}
