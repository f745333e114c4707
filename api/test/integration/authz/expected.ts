// The expected outcome of every cell of the authorization matrix (matrix.test.ts says how to read it).
// Columns: owner, admin, member, guest, signed out; in each, the caller is a member of the private channel
// the request is about, not a member of it, or an outsider to a DM between two others.
//
// The rules these rows spell out (README, SECURITY.md): anyone signed in manages their own account; only
// owners and admins use /admin; members read and post in their channels, nobody else reads a private
// channel or a DM, workspace admins included (they manage a private channel they are not in, but never add
// anyone to it, and they moderate only what they can read); guests cannot create channels or invite;
// the channel's admins and workspace admins rename, archive and remove; outsiders learn nothing (403/404).

export type Cell = "y" | "-" | "n";

//                                                   owner admin member guest out
const SIGNED_IN = "yyy yyy yyy yyy ---";
const ADMINS = "yyy yyy --- --- ---";
const PUBLIC = "yyy yyy yyy yyy yyy";
const TOKEN_GATED = "nnn nnn nnn nnn nnn";
const MEMBERS = "y-- y-- y-- y-- ---";
const NOT_GUESTS = "yyy yyy yyy --- ---";
/** Workspace admins manage any channel but hear a DM is one (409); no one else but the channel's admins. */
const MANAGERS = "yyn yyn --- --- ---";

export const EXPECTED_ROUTES: Record<string, string> = {
  "POST /auth/login": PUBLIC,
  "POST /auth/logout": PUBLIC,
  "POST /auth/set-password": TOKEN_GATED,
  "POST /auth/link-status": PUBLIC,
  "POST /auth/accept-invite": TOKEN_GATED,
  "GET /me": SIGNED_IN,
  "PATCH /me": SIGNED_IN,
  "POST /me/password": SIGNED_IN,
  "GET /me/sessions": SIGNED_IN,
  "DELETE /me/sessions/{id}": SIGNED_IN,
  "POST /me/sessions/revoke-others": SIGNED_IN,
  "POST /me/sessions/revoke-all": SIGNED_IN,

  "GET /admin/users": ADMINS,
  "POST /admin/users": ADMINS,
  "GET /admin/users/{id}": ADMINS,
  "PATCH /admin/users/{id}": ADMINS,
  "PUT /admin/users/{id}/role": ADMINS,
  "POST /admin/users/{id}/deactivate": ADMINS,
  "POST /admin/users/{id}/reactivate": ADMINS,
  "POST /admin/users/{id}/ban": ADMINS,
  "POST /admin/users/{id}/unban": ADMINS,
  "POST /admin/users/{id}/sign-out": ADMINS,
  "POST /admin/users/{id}/reset-link": ADMINS,
  "POST /admin/invites": ADMINS,
  "GET /admin/invites": ADMINS,
  "POST /admin/invites/{id}/revoke": ADMINS,
  "GET /admin/audit/actions": ADMINS,
  "GET /admin/audit": ADMINS,
  "GET /admin/audit/export.csv": ADMINS,
  "GET /admin/stats": ADMINS,
  "GET /admin/push": ADMINS,
  "PUT /admin/push": ADMINS,
  "GET /admin/push/stats": ADMINS,
  "GET /admin/settings": ADMINS,
  "PATCH /admin/settings": ADMINS,
  "GET /admin/settings/retention": ADMINS,
  "POST /admin/settings/retention/run": ADMINS,
  "GET /admin/channels": ADMINS,
  // Admins add no one to a private channel they are not in, and hear nothing of a DM's members.
  "POST /admin/channels/{id}/members": "y-n y-n --- --- ---",
  "GET /admin/channels/{id}/members": MANAGERS,
  "PUT /admin/channels/{id}/default": MANAGERS,
  "DELETE /admin/channels/{id}/members/{userId}": MANAGERS,
  // Moderation where they can read only.
  "DELETE /admin/channels/{id}/messages/{messageId}": "y-- y-- --- --- ---",
  "PATCH /admin/channels/{id}": MANAGERS,
  "POST /admin/channels/{id}/archive": MANAGERS,
  "POST /admin/channels/{id}/unarchive": MANAGERS,

  "GET /channels": SIGNED_IN,
  "POST /channels": NOT_GUESTS,
  "GET /channels/browse": NOT_GUESTS,
  "GET /channels/{id}": MEMBERS,
  "PATCH /channels/{id}": MANAGERS,
  "POST /channels/{id}/archive": MANAGERS,
  "POST /channels/{id}/unarchive": MANAGERS,
  // A private channel: its members are in already (joining again is a no-op); no one else may join, and
  // guests join nothing themselves.
  "POST /channels/{id}/join": "y-- y-- y-- --- ---",
  "POST /channels/{id}/leave": MEMBERS,
  "GET /channels/{id}/members": MEMBERS,
  // The channel's admins and workspace admins who are members add people to a private channel.
  "POST /channels/{id}/members": "y-n y-n --- --- ---",
  "DELETE /channels/{id}/members/{userId}": MANAGERS,
  "PATCH /channels/{id}/preferences": MEMBERS,
  "POST /channels/{id}/read": MEMBERS,
  "GET /channels/{id}/messages": MEMBERS,
  "GET /channels/{id}/events": MEMBERS,
  "GET /channels/{id}/pins": MEMBERS,
  "POST /channels/{id}/pins": MEMBERS,
  "DELETE /channels/{id}/pins/{messageId}": MEMBERS,
  // A guest may message only people they share a channel with.
  "POST /dms": "yyy yyy yyy y-- ---",
  "GET /messages/{id}/thread": MEMBERS,
  "GET /search": MEMBERS,
  "GET /calls/{channelId}/timeline": MEMBERS,

  "POST /admin/users/bulk": ADMINS,
  "GET /admin/users/{id}/messages": ADMINS,
  "GET /admin/users/{id}/channels": ADMINS,
  "GET /admin/users/{id}/sessions": ADMINS,
  "DELETE /admin/users/{id}/sessions/{sessionId}": ADMINS,
  // What admins may read: members' private channels only, never a DM they are not in.
  "GET /admin/channels/{id}/messages": "y-- y-- --- --- ---",
  "GET /admin/files/usage": ADMINS,
  "PATCH /admin/files/settings": ADMINS,
  "GET /admin/files": ADMINS,
  "DELETE /admin/files/{id}": ADMINS,

  "POST /files": MEMBERS,
  "GET /files": MEMBERS,
  "GET /files/limits": SIGNED_IN,
  // My own picture; someone's picture for whoever may see them (as GET /people/{id}).
  "POST /files/avatar": SIGNED_IN,
  "GET /files/avatars/{userId}/{key}": "yyy yyy yyy y-- ---",
  "GET /files/{id}": MEMBERS,
  "GET /files/{id}/thumb": MEMBERS,
  "GET /files/{id}/preview": MEMBERS,
  // Another's unsent upload: no one takes it back but its uploader.
  "DELETE /files/{id}": "--- --- --- --- ---",

  // Guests see only the people of their channels (presence of the others is left out, not refused).
  "GET /people": SIGNED_IN,
  "POST /people/presence": SIGNED_IN,
  "GET /people/{id}": "yyy yyy yyy y-- ---",
  "GET /threads": SIGNED_IN,

  "GET /notifications/config": SIGNED_IN,
  "GET /notifications/settings": SIGNED_IN,
  "PUT /notifications/settings": SIGNED_IN,
  "GET /notifications/devices": SIGNED_IN,
  "POST /notifications/devices": SIGNED_IN,
  "DELETE /notifications/devices/{id}": SIGNED_IN,
};

/** Calls on a server without a media server: `calls_unavailable` before anything else, whoever asks. */
const CALLS_OFF = "nnn nnn nnn nnn ---";
/** Media frames act on the socket's own call; there is none here, whoever asks. */
const IN_CALL = "nnn nnn nnn nnn ---";

export const EXPECTED_FRAMES: Record<string, string> = {
  ping: SIGNED_IN,
  // Positions for channels the caller may not read are answered in `denied`, never replayed.
  resume: SIGNED_IN,
  sendMessage: MEMBERS,
  // Their own message when a member; someone else's otherwise.
  editMessage: MEMBERS,
  // Someone else's message: the channel's admins, and workspace admins where they can read.
  deleteMessage: "y-- y-- --- --- ---",
  toggleReaction: MEMBERS,
  markRead: MEMBERS,
  typing: MEMBERS,
  setPresence: SIGNED_IN,
  "call.start": CALLS_OFF,
  "call.join": CALLS_OFF,
  "call.leave": SIGNED_IN,
  "call.list": SIGNED_IN,
  "call.status": SIGNED_IN,
  "call.getRouterCapabilities": IN_CALL,
  "call.setRtpCapabilities": IN_CALL,
  "call.createTransport": IN_CALL,
  "call.connectTransport": IN_CALL,
  "call.produce": IN_CALL,
  "call.closeProducer": IN_CALL,
  "call.consume": IN_CALL,
  "call.resumeConsumer": IN_CALL,
  "call.pauseConsumer": IN_CALL,
  "call.setPreferredLayers": IN_CALL,
  "call.setMuted": IN_CALL,
  "call.stopScreenShare": IN_CALL,
  "call.raiseHand": IN_CALL,
  "call.getStats": IN_CALL,
  "call.getParticipants": CALLS_OFF,
  "call.end": CALLS_OFF,
  "call.removeParticipant": CALLS_OFF,
  "notify.setFocus": MEMBERS,
  "admin.subscribeOps": ADMINS,
  "admin.unsubscribeOps": ADMINS,
  "admin.replayDeadLetters": ADMINS,
};
