// For each operation and frame of the authorization matrix, a request that succeeds for whoever may make it:
// it names the cell's own targets (matrix.test.ts makes them fresh for every cell) and sets up what the
// action needs first (a banned user to unban, an archived channel to unarchive, a device to remove).
import { randomUUID } from "node:crypto";
import { createSession } from "../../../src/accounts/sessions.js";
import type { Channel, Message, User } from "../../../src/generated/prisma/client.js";
import type { Db } from "../../../src/lib/prisma.js";
import { createUser } from "../../support/fixtures.js";

export interface Ctx {
  db: Db;
  /** null when signed out. */
  caller: User | null;
  token: string | undefined;
  sessionId: string | undefined;
  /** A member of the channel, author of `message`, with the password `password`. */
  author: User;
  /** Another member of the channel. */
  third: User;
  /** A member of nothing. */
  stranger: User;
  channel: Channel;
  /** By `author`. */
  message: Message;
  /** By the caller when they are a member, else `message`. */
  own: Message;
  password: string;
  /** The node under test. */
  baseUrl: string;
}

export type HttpRequest = { url: string; body?: unknown; raw?: { contentType: string; data: Uint8Array } };
type Prepare<T> = (ctx: Ctx) => T | Promise<T>;

const c = (ctx: Ctx) => `/api/channels/${ctx.channel.id}`;
const ac = (ctx: Ctx) => `/api/admin/channels/${ctx.channel.id}`;
const au = (ctx: Ctx, suffix = "") => `/api/admin/users/${ctx.stranger.id}${suffix}`;
const setState = (ctx: Ctx, state: "banned" | "deactivated") =>
  ctx.db.user.update({ where: { id: ctx.stranger.id }, data: { state, banReason: state === "banned" ? "x" : null } });
const archive = (ctx: Ctx) =>
  ctx.db.channel.update({ where: { id: ctx.channel.id }, data: { archivedAt: new Date() } });

export const ROUTE_CASES: Record<string, Prepare<HttpRequest>> = {
  "POST /auth/login": (ctx) => ({ url: "/api/auth/login", body: { email: ctx.author.email, password: ctx.password } }),
  "POST /auth/logout": () => ({ url: "/api/auth/logout" }),
  "POST /auth/set-password": () => ({
    url: "/api/auth/set-password",
    body: { token: randomUUID(), password: "a-new-password-123" },
  }),
  "POST /auth/link-status": () => ({ url: "/api/auth/link-status", body: { kind: "invite", token: randomUUID() } }),
  "POST /auth/accept-invite": () => ({
    url: "/api/auth/accept-invite",
    body: {
      token: randomUUID(),
      email: `${randomUUID()}@parley.test`,
      displayName: "Newcomer",
      password: "pw-123456789",
    },
  }),
  "GET /me": () => ({ url: "/api/me" }),
  "PATCH /me": () => ({ url: "/api/me", body: { statusText: "in the matrix" } }),
  "POST /me/password": (ctx) => ({
    url: "/api/me/password",
    body: { currentPassword: ctx.password, newPassword: "another-password-123" },
  }),
  "GET /me/sessions": () => ({ url: "/api/me/sessions" }),
  "DELETE /me/sessions/{id}": async (ctx) => {
    const other = (await createSession(ctx.db, ctx.caller?.id ?? ctx.author.id, 1)).session.id;
    return { url: `/api/me/sessions/${other}` };
  },
  "POST /me/sessions/revoke-others": () => ({ url: "/api/me/sessions/revoke-others" }),
  "POST /me/sessions/revoke-all": () => ({ url: "/api/me/sessions/revoke-all" }),

  "GET /admin/users": () => ({ url: "/api/admin/users?q=user" }),
  "POST /admin/users": () => ({
    url: "/api/admin/users",
    body: { email: `${randomUUID()}@parley.test`, displayName: "Made" },
  }),
  "GET /admin/users/{id}": (ctx) => ({ url: au(ctx) }),
  "PATCH /admin/users/{id}": (ctx) => ({ url: au(ctx), body: { displayName: "Renamed" } }),
  "PUT /admin/users/{id}/role": (ctx) => ({ url: au(ctx, "/role"), body: { role: "guest" } }),
  "POST /admin/users/{id}/deactivate": (ctx) => ({ url: au(ctx, "/deactivate"), body: {} }),
  "POST /admin/users/{id}/reactivate": async (ctx) => {
    await setState(ctx, "deactivated");
    return { url: au(ctx, "/reactivate"), body: {} };
  },
  "POST /admin/users/{id}/ban": (ctx) => ({ url: au(ctx, "/ban"), body: { reason: "spam" } }),
  "POST /admin/users/{id}/unban": async (ctx) => {
    await setState(ctx, "banned");
    return { url: au(ctx, "/unban"), body: {} };
  },
  "POST /admin/users/{id}/sign-out": (ctx) => ({ url: au(ctx, "/sign-out"), body: {} }),
  "POST /admin/users/{id}/reset-link": (ctx) => ({ url: au(ctx, "/reset-link"), body: {} }),
  "POST /admin/invites": () => ({ url: "/api/admin/invites", body: {} }),
  "GET /admin/invites": () => ({ url: "/api/admin/invites" }),
  "POST /admin/invites/{id}/revoke": async (ctx) => {
    const owner = await createUser(ctx.db, { role: "owner" });
    const invite = await ctx.db.invite.create({
      data: { tokenHash: randomUUID(), expiresAt: new Date(Date.now() + 60_000), createdById: owner.id },
    });
    return { url: `/api/admin/invites/${invite.id}/revoke`, body: {} };
  },
  "GET /admin/audit/actions": () => ({ url: "/api/admin/audit/actions" }),
  "GET /admin/audit": () => ({ url: "/api/admin/audit?limit=5" }),
  "GET /admin/audit/export.csv": () => ({ url: "/api/admin/audit/export.csv?action=user.created" }),
  "GET /admin/stats": () => ({ url: "/api/admin/stats" }),
  "GET /admin/push": () => ({ url: "/api/admin/push" }),
  "PUT /admin/push": () => ({ url: "/api/admin/push", body: { previews: true } }),
  "GET /admin/push/stats": () => ({ url: "/api/admin/push/stats" }),
  "GET /admin/settings": () => ({ url: "/api/admin/settings" }),
  "PATCH /admin/settings": () => ({ url: "/api/admin/settings", body: { guestsCanStartDms: true } }),
  "GET /admin/settings/retention": () => ({ url: "/api/admin/settings/retention" }),
  // A retention no message here is older than, so a run that gets through deletes nothing.
  "POST /admin/settings/retention/run": async (ctx) => {
    await ctx.db.workspace.updateMany({ data: { retentionDays: 36_500 } });
    return { url: "/api/admin/settings/retention/run" };
  },
  "GET /admin/channels": () => ({ url: "/api/admin/channels" }),
  "POST /admin/channels/{id}/members": (ctx) => ({ url: `${ac(ctx)}/members`, body: { userIds: [ctx.stranger.id] } }),
  "GET /admin/channels/{id}/members": (ctx) => ({ url: `${ac(ctx)}/members` }),
  "PUT /admin/channels/{id}/default": (ctx) => ({ url: `${ac(ctx)}/default`, body: { isDefault: false } }),
  "DELETE /admin/channels/{id}/members/{userId}": (ctx) => ({ url: `${ac(ctx)}/members/${ctx.third.id}` }),
  "DELETE /admin/channels/{id}/messages/{messageId}": (ctx) => ({ url: `${ac(ctx)}/messages/${ctx.message.id}` }),
  "PATCH /admin/channels/{id}": (ctx) => ({ url: ac(ctx), body: { topic: "set by an admin" } }),
  "POST /admin/channels/{id}/archive": (ctx) => ({ url: `${ac(ctx)}/archive` }),
  "POST /admin/channels/{id}/unarchive": async (ctx) => {
    await archive(ctx);
    return { url: `${ac(ctx)}/unarchive` };
  },

  "GET /channels": () => ({ url: "/api/channels" }),
  "POST /channels": () => ({ url: "/api/channels", body: { kind: "public", name: `n-${randomUUID().slice(0, 8)}` } }),
  "GET /channels/browse": () => ({ url: "/api/channels/browse" }),
  "GET /channels/{id}": (ctx) => ({ url: c(ctx) }),
  "PATCH /channels/{id}": (ctx) => ({ url: c(ctx), body: { topic: "a topic" } }),
  "POST /channels/{id}/archive": (ctx) => ({ url: `${c(ctx)}/archive` }),
  "POST /channels/{id}/unarchive": async (ctx) => {
    await archive(ctx);
    return { url: `${c(ctx)}/unarchive` };
  },
  "POST /channels/{id}/join": (ctx) => ({ url: `${c(ctx)}/join` }),
  "POST /channels/{id}/leave": (ctx) => ({ url: `${c(ctx)}/leave` }),
  "GET /channels/{id}/members": (ctx) => ({ url: `${c(ctx)}/members` }),
  "POST /channels/{id}/members": (ctx) => ({ url: `${c(ctx)}/members`, body: { userIds: [ctx.stranger.id] } }),
  "DELETE /channels/{id}/members/{userId}": (ctx) => ({ url: `${c(ctx)}/members/${ctx.third.id}` }),
  "PATCH /channels/{id}/preferences": (ctx) => ({ url: `${c(ctx)}/preferences`, body: { muted: true } }),
  "POST /channels/{id}/read": (ctx) => ({ url: `${c(ctx)}/read`, body: { seq: 1 } }),
  "GET /channels/{id}/pins": (ctx) => ({ url: `${c(ctx)}/pins` }),
  "POST /channels/{id}/pins": (ctx) => ({ url: `${c(ctx)}/pins`, body: { messageId: ctx.message.id } }),
  "DELETE /channels/{id}/pins/{messageId}": async (ctx) => {
    await ctx.db.pin.create({
      data: { messageId: ctx.message.id, channelId: ctx.channel.id, pinnedById: ctx.author.id },
    });
    return { url: `${c(ctx)}/pins/${ctx.message.id}` };
  },
  "GET /channels/{id}/messages": (ctx) => ({ url: `${c(ctx)}/messages` }),
  "GET /channels/{id}/events": (ctx) => ({ url: `${c(ctx)}/events` }),
  "POST /dms": (ctx) => ({ url: "/api/dms", body: { userIds: [ctx.author.id] } }),
  "GET /messages/{id}/thread": (ctx) => ({ url: `/api/messages/${ctx.message.id}/thread` }),
  "GET /search": (ctx) => ({ url: `/api/search?q=hello&channelId=${ctx.channel.id}` }),
  "GET /calls/{channelId}/timeline": (ctx) => ({ url: `/api/calls/${ctx.channel.id}/timeline` }),

  "POST /admin/users/bulk": (ctx) => ({
    url: "/api/admin/users/bulk",
    body: { userIds: [ctx.stranger.id], action: "sign-out" },
  }),
  "GET /admin/users/{id}/messages": (ctx) => ({ url: `/api/admin/users/${ctx.author.id}/messages` }),
  "GET /admin/users/{id}/channels": (ctx) => ({ url: au(ctx, "/channels") }),
  "GET /admin/users/{id}/sessions": (ctx) => ({ url: au(ctx, "/sessions") }),
  "DELETE /admin/users/{id}/sessions/{sessionId}": async (ctx) => {
    const { session } = await createSession(ctx.db, ctx.stranger.id, 1);
    return { url: au(ctx, `/sessions/${session.id}`), body: {} };
  },
  "GET /admin/channels/{id}/messages": (ctx) => ({ url: `${ac(ctx)}/messages` }),
  "GET /admin/files/usage": () => ({ url: "/api/admin/files/usage" }),
  "PATCH /admin/files/settings": () => ({ url: "/api/admin/files/settings", body: { maxBytes: 10_000_000 } }),
  "GET /admin/files": () => ({ url: "/api/admin/files" }),
  "DELETE /admin/files/{id}": async (ctx) => ({ url: `/api/admin/files/${await sentFile(ctx)}` }),

  "POST /files": (ctx) => ({
    url: `/api/files?channelId=${ctx.channel.id}&name=dot.png`,
    raw: { contentType: "application/octet-stream", data: PNG },
  }),
  "GET /files": (ctx) => ({ url: `/api/files?channelId=${ctx.channel.id}` }),
  "GET /files/limits": () => ({ url: "/api/files/limits" }),
  "POST /files/avatar": () => ({
    url: "/api/files/avatar",
    raw: { contentType: "application/octet-stream", data: PNG },
  }),
  "GET /files/avatars/{userId}/{key}": async (ctx) => ({ url: await authorAvatar(ctx) }),
  "GET /files/{id}": async (ctx) => ({ url: `/api/files/${await sentFile(ctx)}` }),
  "GET /files/{id}/thumb": async (ctx) => ({ url: `/api/files/${await sentFile(ctx)}/thumb` }),
  "GET /files/{id}/preview": async (ctx) => ({ url: `/api/files/${await sentFile(ctx)}/preview` }),
  // Someone else's upload that was never sent: only its uploader may take it back.
  "DELETE /files/{id}": async (ctx) => {
    const id = await sentFile(ctx);
    await ctx.db.file.update({ where: { id }, data: { messageId: null } });
    return { url: `/api/files/${id}` };
  },

  "GET /people": () => ({ url: "/api/people" }),
  "POST /people/presence": (ctx) => ({ url: "/api/people/presence", body: { userIds: [ctx.author.id] } }),
  "GET /people/{id}": (ctx) => ({ url: `/api/people/${ctx.author.id}` }),
  "GET /threads": () => ({ url: "/api/threads" }),

  "GET /notifications/config": () => ({ url: "/api/notifications/config" }),
  "GET /notifications/settings": () => ({ url: "/api/notifications/settings" }),
  "PUT /notifications/settings": () => ({ url: "/api/notifications/settings", body: { dndUntil: null } }),
  "GET /notifications/devices": () => ({ url: "/api/notifications/devices" }),
  "POST /notifications/devices": () => ({
    url: "/api/notifications/devices",
    body: { token: `t-${randomUUID()}`, platform: "web" },
  }),
  "DELETE /notifications/devices/{id}": async (ctx) => {
    if (!ctx.caller || !ctx.sessionId) return { url: `/api/notifications/devices/${randomUUID()}` };
    const device = await ctx.db.pushDevice.create({
      data: {
        userId: ctx.caller.id,
        sessionId: ctx.sessionId,
        token: `t-${randomUUID()}`,
        platform: "web",
        label: "x",
      },
    });
    return { url: `/api/notifications/devices/${device.id}` };
  },
};

/** A 1×1 PNG: an image, so the file has thumbnail and preview renditions. */
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
  "base64",
);

/** The author uploads an image to the channel through the API and sends it with their message. */
async function sentFile(ctx: Ctx): Promise<string> {
  const { token } = await createSession(ctx.db, ctx.author.id, 1);
  const res = await fetch(`${ctx.baseUrl}/api/files?channelId=${ctx.channel.id}&name=dot.png`, {
    method: "POST",
    headers: { cookie: `parley_session=${token}`, origin: ctx.baseUrl, "content-type": "application/octet-stream" },
    body: PNG,
  });
  const body = (await res.json()) as { file?: { id: string } };
  if (!body.file) throw new Error(`upload failed: ${res.status} ${JSON.stringify(body)}`);
  await ctx.db.file.update({ where: { id: body.file.id }, data: { messageId: ctx.message.id } });
  return body.file.id;
}

/** The author uploads a profile picture through the API; its URL. */
async function authorAvatar(ctx: Ctx): Promise<string> {
  const { token } = await createSession(ctx.db, ctx.author.id, 1);
  const res = await fetch(`${ctx.baseUrl}/api/files/avatar`, {
    method: "POST",
    headers: { cookie: `parley_session=${token}`, origin: ctx.baseUrl, "content-type": "application/octet-stream" },
    body: PNG,
  });
  const body = (await res.json()) as { avatarUrl?: string };
  if (!body.avatarUrl) throw new Error(`avatar upload failed: ${res.status} ${JSON.stringify(body)}`);
  return body.avatarUrl;
}

const onChannel = (ctx: Ctx) => ({ channelId: ctx.channel.id });
const mediaId = { transportId: "t1" };

export const FRAME_CASES: Record<string, Prepare<Record<string, unknown>>> = {
  ping: () => ({}),
  resume: (ctx) => ({ positions: { [ctx.channel.id]: 0 } }),
  sendMessage: (ctx) => ({ channelId: ctx.channel.id, clientId: randomUUID(), body: "hello" }),
  editMessage: (ctx) => ({ messageId: ctx.own.id, body: "edited" }),
  deleteMessage: (ctx) => ({ messageId: ctx.message.id }),
  toggleReaction: (ctx) => ({ messageId: ctx.message.id, emoji: "👍" }),
  markRead: (ctx) => ({ channelId: ctx.channel.id, seq: 1 }),
  typing: onChannel,
  setPresence: () => ({ status: "away" }),
  "call.start": onChannel,
  "call.join": onChannel,
  "call.leave": () => ({}),
  "call.list": () => ({}),
  "call.status": () => ({}),
  "call.getRouterCapabilities": () => ({}),
  "call.setRtpCapabilities": () => ({ rtpCapabilities: { codecs: [], headerExtensions: [] } }),
  "call.createTransport": () => ({ direction: "send" }),
  "call.connectTransport": () => ({
    ...mediaId,
    dtlsParameters: { role: "client", fingerprints: [{ algorithm: "sha-256", value: "AB:CD" }] },
  }),
  "call.produce": () => ({
    ...mediaId,
    kind: "audio",
    source: "mic",
    rtpParameters: { codecs: [{ mimeType: "audio/opus", clockRate: 48000, payloadType: 100 }] },
  }),
  "call.closeProducer": () => ({ producerId: "p1" }),
  "call.consume": () => ({ ...mediaId, producerId: "p1" }),
  "call.resumeConsumer": () => ({ consumerId: "c1" }),
  "call.pauseConsumer": () => ({ consumerId: "c1" }),
  "call.setPreferredLayers": () => ({ consumerId: "c1", spatialLayer: 0 }),
  "call.setMuted": () => ({ source: "mic", muted: true }),
  "call.stopScreenShare": () => ({}),
  "call.raiseHand": () => ({ raised: true }),
  "call.getStats": () => ({}),
  "call.getParticipants": onChannel,
  "call.end": onChannel,
  "call.removeParticipant": (ctx) => ({ channelId: ctx.channel.id, userId: ctx.author.id }),
  "notify.setFocus": onChannel,
  "admin.subscribeOps": () => ({}),
  "admin.unsubscribeOps": () => ({}),
  "admin.replayDeadLetters": () => ({}),
};
