// The workspace's settings: name and icon, who may create channels, what guests may start, how long
// messages are kept (and a purge on demand). Default channels, push switches and file limits have their own
// pages; this one shows where they stand and links there. A shorter retention and a purge ask first and say
// how many messages will go.
import { createRoute, Link } from "@tanstack/solid-router";
import { createSignal, For, Show } from "solid-js";
import { ErrorText, Field } from "web/shared";
import { createAction } from "../components/action";
import { ConfirmDialog, type ConfirmRequest } from "../components/confirm";
import { Time } from "../components/time";
import type { SettingsEdit, WorkspaceSettings } from "../lib/api";
import { useStores } from "../store";
import { authedRoute } from "./authed";
import "./settings.css";

const mb = (bytes: number) => `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;
const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? "" : "s"}`;

function WorkspaceForm(props: { settings: WorkspaceSettings }) {
  const { settings } = useStores();
  const action = createAction();
  const [saved, setSaved] = createSignal(false);
  const [name, setName] = createSignal(props.settings.name);
  const [icon, setIcon] = createSignal(props.settings.icon);
  const [creators, setCreators] = createSignal(props.settings.channelCreators);
  const [guestDms, setGuestDms] = createSignal(props.settings.guestsCanStartDms);
  async function save(e: SubmitEvent) {
    e.preventDefault();
    setSaved(false);
    const edit: SettingsEdit = {};
    if (name() !== props.settings.name) edit.name = name();
    if (icon() !== props.settings.icon) edit.icon = icon();
    if (creators() !== props.settings.channelCreators) edit.channelCreators = creators();
    if (guestDms() !== props.settings.guestsCanStartDms) edit.guestsCanStartDms = guestDms();
    if (Object.keys(edit).length === 0) return setSaved(true);
    if (await action.run(() => settings.save(edit).then(() => true))) setSaved(true);
  }
  return (
    <form class="card settings-form" onSubmit={save} onInput={() => setSaved(false)}>
      <h3>Workspace</h3>
      <div class="workspace-identity">
        <span class="workspace-icon" aria-hidden="true" data-testid="workspace-icon">
          {icon() || name().trim().charAt(0).toUpperCase() || "?"}
        </span>
        <Field label="Name" name="name" required maxLength={60} value={name()} onValue={setName} />
        <Field
          label="Icon"
          name="icon"
          maxLength={32}
          value={icon()}
          onValue={setIcon}
          hint="An emoji or up to two letters; empty shows the name's first letter"
        />
      </div>
      <fieldset>
        <legend>Who may create channels</legend>
        <label class="check">
          <input
            type="radio"
            name="channelCreators"
            checked={creators() === "members"}
            onChange={() => setCreators("members")}
          />
          Every member (guests never do)
        </label>
        <label class="check">
          <input
            type="radio"
            name="channelCreators"
            checked={creators() === "admins"}
            onChange={() => setCreators("admins")}
          />
          Workspace admins only
        </label>
      </fieldset>
      <fieldset>
        <legend>Guests</legend>
        <label class="check">
          <input type="checkbox" checked={guestDms()} onChange={(e) => setGuestDms(e.currentTarget.checked)} />
          Guests may start direct messages and group chats with the people of their channels
        </label>
        <p class="muted">
          Either way, guests join no channel themselves, see only the people of their channels, and answer in
          conversations others start.
        </p>
      </fieldset>
      <ErrorText error={action.error()} />
      <div class="actions">
        <button type="submit" class="primary" disabled={action.pending()}>
          Save
        </button>
        <Show when={saved()}>
          <span class="muted" role="status">
            Saved: every node uses it now.
          </span>
        </Show>
      </div>
    </form>
  );
}

function RetentionCard(props: { ask: (request: ConfirmRequest) => void }) {
  const { settings } = useStores();
  const action = createAction();
  const [notice, setNotice] = createSignal("");
  const current = () => settings.settings()?.retentionDays ?? null;
  const [keepAll, setKeepAll] = createSignal(current() === null);
  const [days, setDays] = createSignal(String(current() ?? 365));
  const expired = () => settings.retention()?.expiredMessages ?? 0;
  function save(e: SubmitEvent) {
    e.preventDefault();
    setNotice("");
    const next = keepAll() ? null : Number(days());
    const shorter = next !== null && (current() === null || next < (current() as number));
    const apply = () =>
      action.run(async () => {
        await settings.save({ retentionDays: next });
        setNotice(next === null ? "Messages are kept for ever." : `Messages are kept ${plural(next, "day")}.`);
      });
    if (!shorter) return void apply();
    props.ask({
      title: `Keep messages ${plural(next, "day")}?`,
      body: () => (
        <p>
          From the next run (hourly, or “Delete now”), every message older than {plural(next, "day")} is deleted for
          everyone, with its files, reactions and threads’ replies of that age. This cannot be undone. The audit log
          records each run and how many messages it deleted.
        </p>
      ),
      confirmLabel: `Keep ${plural(next, "day")}`,
      onConfirm: apply,
    });
  }
  function purge() {
    const retention = settings.retention();
    if (!retention?.cutoff) return;
    props.ask({
      title: `Delete ${plural(expired(), "message")} now?`,
      body: () => (
        <p>
          Deletes the {plural(expired(), "message")} created before <Time iso={retention.cutoff} /> (older than{" "}
          {plural(retention.retentionDays ?? 0, "day")}) for everyone, with their files. This cannot be undone; the
          audit log records how many went.
        </p>
      ),
      confirmLabel: "Delete now",
      onConfirm: () =>
        action.run(async () => {
          const purged = await settings.purge();
          setNotice(
            purged
              ? `Deleted ${plural(purged.messages, "message")} and ${plural(purged.files, "file")}.`
              : "A purge was under way already; it deletes the same messages.",
          );
        }),
    });
  }
  return (
    <section class="card settings-form">
      <h3>Message retention</h3>
      <form onSubmit={save}>
        <label class="check">
          <input type="radio" name="retention" checked={keepAll()} onChange={() => setKeepAll(true)} />
          Keep messages for ever
        </label>
        <label class="check">
          <input type="radio" name="retention" checked={!keepAll()} onChange={() => setKeepAll(false)} />
          Delete messages older than
          <input
            type="number"
            name="retentionDays"
            aria-label="Days to keep messages"
            min={1}
            max={36500}
            required={!keepAll()}
            disabled={keepAll()}
            value={days()}
            onInput={(e) => setDays(e.currentTarget.value)}
          />
          days
        </label>
        <div class="actions">
          <button type="submit" disabled={action.pending()}>
            Save retention
          </button>
        </div>
      </form>
      <Show when={settings.retention()?.cutoff}>
        <p data-testid="retention-due">
          {plural(expired(), "message")} {expired() === 1 ? "is" : "are"} older than the retention and will go in the
          next run.{" "}
          <button type="button" class="danger" disabled={action.pending() || expired() === 0} onClick={purge}>
            Delete now
          </button>
        </p>
      </Show>
      <ErrorText error={action.error()} />
      <Show when={notice()}>
        <p class="notice" role="status" data-testid="retention-notice">
          {notice()}
        </p>
      </Show>
    </section>
  );
}

/** The file limits are set on the Files page (routes/files.tsx); here, where they stand. */
function UploadLimits() {
  const { settings } = useStores();
  return (
    <section class="card">
      <h3>Uploads</h3>
      <Show when={settings.files()}>
        {(f) => (
          <p data-testid="upload-limits">
            Up to {mb(f().maxBytes)} a file; {mb(f().usedBytes)} of {mb(f().quotaBytes)} used.
          </p>
        )}
      </Show>
      <Link to="/files">Change them on the Files page</Link>
    </section>
  );
}

function Settings() {
  const { settings } = useStores();
  const [request, setRequest] = createSignal<ConfirmRequest | null>(null);
  return (
    <>
      <header class="page-head">
        <h2>Settings</h2>
        <span class="muted">Changes are audited</span>
      </header>
      <Show when={settings.settings()}>{(s) => <WorkspaceForm settings={s()} />}</Show>
      <RetentionCard ask={setRequest} />
      <div class="cards">
        <section class="card">
          <h3>Default channels</h3>
          <p class="muted">New accounts join these when they first get in.</p>
          <ul class="plain" data-testid="default-channels">
            <For each={settings.settings()?.defaultChannels} fallback={<li class="muted">None</li>}>
              {(channel) => <li>#{channel.name}</li>}
            </For>
          </ul>
          <Link to="/channels">Choose them on the Channels page</Link>
        </section>
        <UploadLimits />
        <section class="card">
          <h3>Push notifications</h3>
          <Show when={settings.push()}>
            {(p) => (
              <p data-testid="push-summary">
                Pushes {p().enabled ? "on" : "off"}, previews {p().previews ? "shown" : "hidden"}.
              </p>
            )}
          </Show>
          <Link to="/push">Change them on the Push page</Link>
        </section>
      </div>
      <ConfirmDialog request={request()} onClose={() => setRequest(null)} />
    </>
  );
}

export const settingsRoute = createRoute({
  getParentRoute: () => authedRoute,
  path: "/settings",
  loader: ({ context }) => context.stores.settings.load(),
  component: Settings,
});
