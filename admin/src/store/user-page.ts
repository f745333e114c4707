// One person's page: the account, their recent messages, channels, sessions and audit trail, loaded
// together when the page opens; actions update what they change.
import { createSignal } from "solid-js";
import {
  type AuditEntry,
  gateway,
  type ModeratedMessage,
  type User,
  type UserChannel,
  type UserSession,
} from "../lib/api";
import { createPagedList } from "./paged";

export function createUserPageStore() {
  const [userId, setUserId] = createSignal<string | null>(null);
  const [user, setUser] = createSignal<User | null>(null);
  const [channels, setChannels] = createSignal<{ channels: UserChannel[]; conversations: number } | null>(null);
  const [sessions, setSessions] = createSignal<UserSession[]>([]);
  const [trail, setTrail] = createSignal<AuditEntry[]>([]);
  const messages = createPagedList<ModeratedMessage>(async (cursor) => {
    const id = userId();
    if (!id) return { items: [], nextCursor: null };
    const page = await gateway.userMessages(id, cursor);
    return { items: page.messages, nextCursor: page.nextCursor };
  });
  const loadSessions = async (id: string) => setSessions((await gateway.userSessions(id)).sessions);
  const loadTrail = async (id: string) => setTrail((await gateway.listAudit({ targetId: id, limit: "20" })).entries);
  return {
    user,
    channels,
    sessions,
    trail,
    messages,
    async open(id: string) {
      if (userId() !== id) {
        setUser(null);
        setChannels(null);
        setSessions([]);
        setTrail([]);
      }
      setUserId(id);
      const [found] = await Promise.all([
        gateway.getUser(id),
        gateway.userChannels(id).then(setChannels),
        loadSessions(id),
        loadTrail(id),
        messages.load(),
      ]);
      setUser(found.user);
    },
    async removeMessage(message: ModeratedMessage, reason: string) {
      await gateway.deleteMessage(message.channel.id, message.id, reason);
      messages.drop(message.id);
    },
    async endSession(sessionId: string, reason: string) {
      const id = userId();
      if (!id) return;
      await gateway.endSession(id, sessionId, reason);
      await Promise.all([loadSessions(id), loadTrail(id)]);
    },
  };
}
