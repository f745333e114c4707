// A channel's details, from its header: about (topic, purpose; channel admins edit them), members (with
// presence; add people, and channel admins remove them), files (search by name), pinned messages, mute (the
// same per-channel setting as the bell) and leave.
import { useNavigate } from "@tanstack/solid-router";
import { createResource, createSignal, Show } from "solid-js";
import { ChannelFiles } from "../files/channel-files";
import { createAction } from "../shared/action";
import { ErrorText } from "../shared/error-text";
import { Field } from "../shared/field";
import { api, read } from "../shared/http";
import { useStore } from "../store";
import { ChannelMembers } from "./channel-members";
import { Modal } from "./modal";
import { PinnedList } from "./pinned-list";

export type DetailsTab = "about" | "members" | "files" | "pinned";

export function ChannelDetails(props: { channelId: string; tab?: DetailsTab; onClose: () => void }) {
  const store = useStore();
  const navigate = useNavigate();
  const [tab, setTab] = createSignal<DetailsTab>(props.tab ?? "about");
  const [channel, { refetch }] = createResource(
    () => props.channelId,
    async (id) => (await read<{ channel: ChannelInfo }>(await api.api.channels[":id"].$get({ param: { id } }))).channel,
  );
  const mine = () => store.channels.byId(props.channelId);
  const conversation = () => mine()?.kind === "dm" || mine()?.kind === "group";
  const workspaceAdmin = () => ["admin", "owner"].includes(store.session.user()?.role ?? "");
  const canManage = () => !conversation() && (mine()?.role === "admin" || workspaceAdmin());
  const leaving = createAction();
  const muting = createAction();

  async function leave() {
    const ok = await leaving.run(async () => {
      await read(await api.api.channels[":id"].leave.$post({ param: { id: props.channelId } }));
      return true;
    });
    if (!ok) return;
    await store.channels.load();
    props.onClose();
    await navigate({ to: "/" });
  }

  async function toggleMute() {
    const c = mine();
    if (!c) return;
    const prefs = await muting.run(() =>
      store.notifications.setChannelPreferences(props.channelId, { muted: !c.muted }),
    );
    if (prefs) store.channels.setPreferences(props.channelId, prefs);
  }

  const title = () => (conversation() ? (mine()?.name ?? "Conversation") : `#${mine()?.name ?? channel()?.name ?? ""}`);
  return (
    <Modal title={title()} onClose={props.onClose}>
      <div class="tabs" role="tablist">
        <button type="button" role="tab" aria-selected={tab() === "about"} onClick={() => setTab("about")}>
          About
        </button>
        <button type="button" role="tab" aria-selected={tab() === "members"} onClick={() => setTab("members")}>
          Members{channel() ? ` (${channel()?.memberCount})` : ""}
        </button>
        <button type="button" role="tab" aria-selected={tab() === "files"} onClick={() => setTab("files")}>
          Files
        </button>
        <button type="button" role="tab" aria-selected={tab() === "pinned"} onClick={() => setTab("pinned")}>
          Pinned{store.pins.of(props.channelId) ? ` (${store.pins.of(props.channelId)?.length})` : ""}
        </button>
      </div>
      <Show when={tab() === "about"}>
        <Show when={channel()} fallback={<p class="muted">Loading…</p>}>
          {(c) => (
            <Show when={canManage()} fallback={<AboutView channel={c()} />}>
              <AboutForm channel={c()} onSaved={() => void refetch()} />
            </Show>
          )}
        </Show>
        <Show when={mine()}>
          {(c) => (
            <div class="details-actions">
              <button type="button" class="secondary" onClick={toggleMute} aria-pressed={c().muted}>
                {c().muted ? "Unmute" : "Mute"} {conversation() ? "conversation" : "channel"}
              </button>
              <Show when={c().kind !== "dm"}>
                <button type="button" class="p-button danger" onClick={leave} disabled={leaving.pending()}>
                  Leave {conversation() ? "conversation" : "channel"}
                </button>
              </Show>
            </div>
          )}
        </Show>
        <ErrorText error={leaving.error() || muting.error()} />
      </Show>
      <Show when={tab() === "pinned"}>
        <PinnedList channelId={props.channelId} member={Boolean(mine())} onOpened={props.onClose} />
      </Show>
      <Show when={tab() === "members"}>
        <ChannelMembers
          channelId={props.channelId}
          private={mine()?.kind === "private"}
          member={Boolean(mine())}
          canManage={canManage()}
          conversation={conversation()}
          onChanged={() => void refetch()}
        />
      </Show>
      <Show when={tab() === "files"}>
        <ChannelFiles channelId={props.channelId} />
      </Show>
    </Modal>
  );
}

export interface ChannelInfo {
  id: string;
  kind: "public" | "private" | "dm" | "group";
  name: string;
  topic: string;
  purpose: string;
  memberCount: number;
  createdAt: string;
}

function AboutView(props: { channel: ChannelInfo }) {
  return (
    <dl class="about">
      <dt>Topic</dt>
      <dd data-testid="about-topic">{props.channel.topic || <span class="muted">No topic</span>}</dd>
      <dt>Purpose</dt>
      <dd data-testid="about-purpose">{props.channel.purpose || <span class="muted">No purpose</span>}</dd>
      <dt>Created</dt>
      <dd>{new Date(props.channel.createdAt).toLocaleDateString()}</dd>
    </dl>
  );
}

function AboutForm(props: { channel: ChannelInfo; onSaved: () => void }) {
  const store = useStore();
  const [topic, setTopic] = createSignal(props.channel.topic);
  const [purpose, setPurpose] = createSignal(props.channel.purpose);
  const action = createAction();
  async function save(e: SubmitEvent) {
    e.preventDefault();
    const ok = await action.run(async () => {
      const json = { topic: topic().trim(), purpose: purpose().trim() };
      await read(await api.api.channels[":id"].$patch({ param: { id: props.channel.id }, json }));
      return true;
    });
    if (ok) {
      await store.channels.load();
      props.onSaved();
    }
  }
  return (
    <form class="p-form" onSubmit={save} data-testid="about-form">
      <Field label="Topic" value={topic()} maxLength={250} onValue={setTopic} />
      <div class="p-field">
        <label class="p-label" for="about-purpose">
          Purpose
        </label>
        <textarea
          id="about-purpose"
          rows={3}
          maxLength={250}
          value={purpose()}
          onInput={(e) => setPurpose(e.currentTarget.value)}
        />
      </div>
      <ErrorText error={action.error()} />
      <button type="submit" class="p-button primary" disabled={action.pending()}>
        Save
      </button>
    </form>
  );
}
