// Every slice, made once and handed out two ways: the Provider for components, the router context for
// route loaders.
import { createContext, type JSX, useContext } from "solid-js";
import { createAuditStore } from "./audit";
import { createChannelsStore } from "./channels";
import { createFilesStore } from "./files";
import { createInvitesStore } from "./invites";
import { createLiveStore } from "./live";
import { createModerationStore } from "./moderation";
import { createPushStore } from "./push";
import { createSessionStore } from "./session";
import { createSettingsStore } from "./settings";
import { createStatsStore } from "./stats";
import { createUserPageStore } from "./user-page";
import { createUsersStore } from "./users";

export function createStores() {
  return {
    session: createSessionStore(),
    users: createUsersStore(),
    invites: createInvitesStore(),
    channels: createChannelsStore(),
    audit: createAuditStore(),
    stats: createStatsStore(),
    push: createPushStore(),
    files: createFilesStore(),
    moderation: createModerationStore(),
    userPage: createUserPageStore(),
    live: createLiveStore(),
    settings: createSettingsStore(),
  };
}
export type Stores = ReturnType<typeof createStores>;

const StoresContext = createContext<Stores>();

export function StoresProvider(props: { stores: Stores; children: JSX.Element }) {
  return <StoresContext.Provider value={props.stores}>{props.children}</StoresContext.Provider>;
}

export function useStores(): Stores {
  const stores = useContext(StoresContext);
  if (!stores) throw new Error("useStores outside StoresProvider");
  return stores;
}
