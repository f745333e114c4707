// "Profile": my name, picture (a URL until file uploads exist), status (emoji and text) and time zone; my
// password; my signed-in sessions (sign one out, or every one, this one too).
import { createSignal, For, Show } from "solid-js";
import { createAction } from "../shared/action";
import { Avatar } from "../shared/avatar";
import { ErrorText } from "../shared/error-text";
import { Field } from "../shared/field";
import { api, read } from "../shared/http";
import { useStore } from "../store";
import type { Me } from "../store/session";
import { Modal } from "./modal";
import { SessionsPanel } from "./sessions-panel";

type Tab = "profile" | "password" | "sessions";
const TABS: { tab: Tab; label: string }[] = [
  { tab: "profile", label: "Profile" },
  { tab: "password", label: "Password" },
  { tab: "sessions", label: "Sessions" },
];

export function ProfileDialog(props: { onClose: () => void; onSignedOut: () => void; tab?: Tab }) {
  const [tab, setTab] = createSignal<Tab>(props.tab ?? "profile");
  return (
    <Modal title="Your account" onClose={props.onClose}>
      <div class="tabs" role="tablist">
        <For each={TABS}>
          {(t) => (
            <button type="button" role="tab" aria-selected={tab() === t.tab} onClick={() => setTab(t.tab)}>
              {t.label}
            </button>
          )}
        </For>
      </div>
      <Show when={tab() === "profile"}>
        <ProfileForm onDone={props.onClose} />
      </Show>
      <Show when={tab() === "password"}>
        <PasswordForm />
      </Show>
      <Show when={tab() === "sessions"}>
        <SessionsPanel onSignedOut={props.onSignedOut} />
      </Show>
    </Modal>
  );
}

const zones = (): string[] => {
  const supported = (Intl as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.("timeZone");
  return supported && supported.length > 0 ? supported : ["UTC"];
};

function ProfileForm(props: { onDone: () => void }) {
  const store = useStore();
  const me = store.session.user() as Me;
  const [name, setName] = createSignal(me.displayName);
  // The picture: an uploaded one (our own URL) or a link typed here; only a changed link is saved.
  const [avatar, setAvatar] = createSignal(me.avatarUrl ?? "");
  const [link, setLink] = createSignal(isUploaded(me.avatarUrl) ? "" : (me.avatarUrl ?? ""));
  const [linkChanged, setLinkChanged] = createSignal(false);
  const picture = createAction();
  const [emoji, setEmoji] = createSignal(me.statusEmoji ?? "");
  const [status, setStatus] = createSignal(me.statusText ?? "");
  const [zone, setZone] = createSignal(me.timeZone);
  const browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const action = createAction();

  async function save(e: SubmitEvent) {
    e.preventDefault();
    const saved = await action.run(async () => {
      const json = {
        displayName: name().trim(),
        ...(linkChanged() ? { avatarUrl: link().trim() || null } : {}),
        statusEmoji: emoji().trim() || null,
        statusText: status().trim() || null,
        timeZone: zone(),
      };
      return (await read<{ user: Me }>(await api.api.me.$patch({ json }))).user;
    });
    if (!saved) return;
    store.session.setUser(saved);
    store.presence.learn([saved]);
    props.onDone();
  }

  /** Uploads the picked image through the files capability; it is my avatar as soon as it is stored. */
  async function upload(file: File) {
    const saved = await picture.run(async () => {
      const res = await fetch("/api/files/avatar", {
        method: "POST",
        headers: { "content-type": "application/octet-stream" },
        body: file,
      });
      return (await read<{ avatarUrl: string }>(res)).avatarUrl;
    });
    if (saved) adopt(saved);
  }

  async function removePicture() {
    const user = await picture.run(
      async () => (await read<{ user: Me }>(await api.api.me.$patch({ json: { avatarUrl: null } }))).user,
    );
    if (user) adopt(null);
  }

  function adopt(avatarUrl: string | null) {
    const user = { ...(store.session.user() as Me), avatarUrl };
    store.session.setUser(user);
    store.presence.learn([user]);
    setAvatar(avatarUrl ?? "");
    setLink("");
    setLinkChanged(false);
  }

  return (
    <form class="p-form" onSubmit={save} data-testid="profile-form">
      <div class="profile-preview">
        <Avatar id={me.id} name={name() || me.displayName} url={avatar() || null} size={56} />
        <div>
          <strong>{name()}</strong>
          <div class="muted small">
            {emoji()} {status()}
          </div>
        </div>
      </div>
      <Field label="Display name" value={name()} required maxLength={64} onValue={setName} />
      <div class="picture-actions">
        <label class="p-button secondary file-pick">
          {picture.pending() ? "Uploading…" : "Upload a picture"}
          <input
            type="file"
            accept="image/png,image/jpeg,image/gif,image/webp,image/avif"
            aria-label="Upload a picture"
            disabled={picture.pending()}
            onChange={(e) => {
              const file = e.currentTarget.files?.[0];
              e.currentTarget.value = "";
              if (file) void upload(file);
            }}
          />
        </label>
        <Show when={avatar()}>
          <button type="button" class="link small" onClick={() => void removePicture()} disabled={picture.pending()}>
            Remove picture
          </button>
        </Show>
      </div>
      <ErrorText error={picture.error()} testId="picture-error" />
      <Field
        label="Picture (URL)"
        type="url"
        value={link()}
        placeholder="https://…"
        hint="Or a link to an image elsewhere."
        onValue={(v) => {
          setLink(v);
          setLinkChanged(true);
          setAvatar(v);
        }}
      />
      <div class="status-fields">
        <Field label="Status emoji" value={emoji()} placeholder="🌴" maxLength={64} onValue={setEmoji} />
        <Field label="Status" value={status()} placeholder="On holiday" maxLength={100} onValue={setStatus} />
      </div>
      <div class="p-field">
        <label class="p-label" for="profile-zone">
          Time zone
        </label>
        <select id="profile-zone" value={zone()} onChange={(e) => setZone(e.currentTarget.value)}>
          <For each={[...new Set([zone(), ...zones()])]}>{(z) => <option value={z}>{z}</option>}</For>
        </select>
        <Show when={browserZone && browserZone !== zone()}>
          <button type="button" class="link small" onClick={() => setZone(browserZone)}>
            Use this device's zone ({browserZone})
          </button>
        </Show>
      </div>
      <ErrorText error={action.error()} testId="profile-error" />
      <button type="submit" class="p-button primary" disabled={action.pending()}>
        {action.pending() ? "Saving…" : "Save profile"}
      </button>
    </form>
  );
}

function PasswordForm() {
  const [current, setCurrent] = createSignal("");
  const [next, setNext] = createSignal("");
  const [again, setAgain] = createSignal("");
  const [done, setDone] = createSignal(false);
  const action = createAction();

  async function change(e: SubmitEvent) {
    e.preventDefault();
    setDone(false);
    if (next() !== again()) return action.setError("The new passwords differ.");
    const ok = await action.run(async () => {
      await read(await api.api.me.password.$post({ json: { currentPassword: current(), newPassword: next() } }));
      return true;
    });
    if (ok) {
      setDone(true);
      (e.target as HTMLFormElement).reset();
    }
  }

  return (
    <form class="p-form" onSubmit={change} data-testid="password-form">
      <Field label="Current password" type="password" autocomplete="current-password" required onValue={setCurrent} />
      <Field
        label="New password"
        type="password"
        autocomplete="new-password"
        required
        minLength={12}
        hint="At least 12 characters. Your other sessions will be signed out."
        onValue={setNext}
      />
      <Field label="New password again" type="password" autocomplete="new-password" required onValue={setAgain} />
      <ErrorText error={action.error()} testId="password-error" />
      <Show when={done()}>
        <p class="ok" role="status">
          Password changed. Your other sessions were signed out.
        </p>
      </Show>
      <button type="submit" class="p-button primary" disabled={action.pending()}>
        Change password
      </button>
    </form>
  );
}

/** A picture uploaded here (served by our API) rather than a link to one elsewhere. */
const isUploaded = (url: string | null | undefined) => Boolean(url?.startsWith("/api/files/avatars/"));
