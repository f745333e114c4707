// The invites slice: the list, creating one (its link is shown once) and revoking.
import { gateway, type Invite, type Role } from "../lib/api";
import { createPagedList } from "./paged";

export function createInvitesStore() {
  const list = createPagedList<Invite>(async (cursor) => {
    const page = await gateway.listInvites(cursor);
    return { items: page.invites, nextCursor: page.nextCursor };
  });
  return {
    list,
    async create(input: { role: Role; maxUses: number; expiresInHours: number }) {
      const { invite, link } = await gateway.createInvite(input);
      list.upsert(invite);
      return link;
    },
    async revoke(id: string) {
      list.upsert((await gateway.revokeInvite(id)).invite);
    },
  };
}
export type InvitesStore = ReturnType<typeof createInvitesStore>;
