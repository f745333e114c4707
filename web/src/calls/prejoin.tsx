// Before joining: choose camera, microphone and speaker, see yourself, watch the microphone's level, and
// join with either off. A device that is refused or missing is said plainly; joining still works.
import { createSignal, For, onCleanup, onMount, Show } from "solid-js";
import { Modal } from "../components/modal";
import { useStore } from "../store";
import { type DeviceList, getTrack, listDevices, type MediaProblem, meterLevel, problemOf, problemText } from "./media";

export function Prejoin(props: { channelId: string }) {
  const store = useStore();
  const calls = store.calls;
  const channel = () => store.channels.byId(props.channelId);
  const running = () => calls.live(props.channelId);
  const [devices, setDevices] = createSignal<DeviceList>({ mics: [], cameras: [], speakers: [] });
  const [mic, setMic] = createSignal<MediaStreamTrack | null>(null);
  const [camera, setCamera] = createSignal<MediaStreamTrack | null>(null);
  const [micOn, setMicOn] = createSignal(true);
  const [cameraOn, setCameraOn] = createSignal(true);
  const [problems, setProblems] = createSignal<{ mic?: MediaProblem; camera?: MediaProblem }>({});
  const [level, setLevel] = createSignal(0);
  const [joining, setJoining] = createSignal(false);
  /** Until the devices have answered (a track, or a refusal), joining would go in without them. */
  const [ready, setReady] = createSignal(false);
  let stopMeter = () => {};
  let handedOver = false;

  async function open(kind: "mic" | "camera", deviceId: string | null) {
    const old = kind === "mic" ? mic() : camera();
    old?.stop();
    try {
      const track = await getTrack(kind === "mic" ? "audio" : "video", deviceId);
      if (kind === "mic") {
        setMic(track);
        stopMeter();
        stopMeter = meterLevel(track, setLevel);
      } else setCamera(track);
      setProblems((p) => ({ ...p, [kind]: undefined }));
    } catch (error) {
      if (kind === "mic") setMic(null);
      else setCamera(null);
      setProblems((p) => ({ ...p, [kind]: problemOf(error) }));
    }
  }

  onMount(async () => {
    await Promise.all([open("mic", null), open("camera", null)]);
    setReady(true);
    // With a permission granted the devices have names and ids to choose from.
    setDevices(await listDevices());
  });

  onCleanup(() => {
    stopMeter();
    if (!handedOver) for (const t of [mic(), camera()]) t?.stop();
  });

  async function toggleCamera() {
    if (cameraOn()) {
      camera()?.stop();
      setCamera(null);
      setCameraOn(false);
    } else {
      setCameraOn(true);
      await open("camera", null);
    }
  }

  async function join() {
    setJoining(true);
    handedOver = true;
    // Read before closing: this screen (and its props) goes away with it.
    const choice = { mic: mic(), camera: cameraOn() ? camera() : null, micOn: micOn(), cameraOn: cameraOn() };
    const channelId = props.channelId;
    calls.closePrejoin();
    await calls.controller.join(channelId, true, choice);
  }

  const selectedId = (track: MediaStreamTrack | null) => track?.getSettings().deviceId ?? "";

  return (
    <Modal
      title={`${running() ? "Join the call in" : "Start a call in"} ${channel()?.name ?? "…"}`}
      onClose={() => calls.closePrejoin()}
    >
      <div class="prejoin" data-testid="prejoin">
        <div class="prejoin-preview">
          <Show
            when={cameraOn() && camera()}
            fallback={<div class="preview-off">{problems().camera ? "No camera" : "Camera is off"}</div>}
          >
            {(track) => (
              <video
                class="mirror"
                autoplay
                muted
                playsinline
                ref={(el) => (el.srcObject = new MediaStream([track()]))}
              />
            )}
          </Show>
          <meter
            class="meter"
            aria-label="Microphone level"
            data-testid="mic-level"
            min={0}
            max={100}
            value={micOn() && mic() ? Math.round(level() * 100) : 0}
          />
        </div>
        <Show when={problems().mic}>
          {(p) => (
            <p class="error" role="alert">
              {problemText[p()]("microphone")}
            </p>
          )}
        </Show>
        <Show when={problems().camera}>
          {(p) => (
            <p class="error" role="alert">
              {problemText[p()]("camera")}
            </p>
          )}
        </Show>
        <div class="prejoin-toggles">
          <button type="button" aria-pressed={!micOn()} disabled={!mic()} onClick={() => setMicOn(!micOn())}>
            {micOn() ? "Mute microphone" : "Unmute microphone"}
          </button>
          <button type="button" aria-pressed={!cameraOn()} onClick={toggleCamera}>
            {cameraOn() ? "Turn camera off" : "Turn camera on"}
          </button>
        </div>
        <div class="prejoin-devices">
          <label>
            Microphone
            <select
              value={selectedId(mic())}
              disabled={devices().mics.length === 0}
              onChange={(e) => void open("mic", e.currentTarget.value)}
            >
              <For each={devices().mics} fallback={<option value="">None available</option>}>
                {(d, i) => <option value={d.deviceId}>{d.label || `Microphone ${i() + 1}`}</option>}
              </For>
            </select>
          </label>
          <label>
            Camera
            <select
              value={selectedId(camera())}
              disabled={devices().cameras.length === 0 || !cameraOn()}
              onChange={(e) => void open("camera", e.currentTarget.value)}
            >
              <For each={devices().cameras} fallback={<option value="">None available</option>}>
                {(d, i) => <option value={d.deviceId}>{d.label || `Camera ${i() + 1}`}</option>}
              </For>
            </select>
          </label>
          <label>
            Speaker
            <select
              value={calls.speaker() ?? ""}
              disabled={devices().speakers.length === 0}
              onChange={(e) => calls.setSpeaker(e.currentTarget.value || null)}
            >
              <For each={devices().speakers} fallback={<option value="">System default</option>}>
                {(d, i) => <option value={d.deviceId}>{d.label || `Speaker ${i() + 1}`}</option>}
              </For>
            </select>
          </label>
        </div>
        <Show when={running()?.participants?.length}>
          <p class="muted small">
            In the call:{" "}
            {running()
              ?.participants?.map((p) => p.displayName)
              .join(", ")}
          </p>
        </Show>
        <div class="actions">
          <button type="button" onClick={() => calls.closePrejoin()}>
            Cancel
          </button>
          <button type="button" class="primary" disabled={joining() || !ready()} onClick={join}>
            {ready() ? (running() ? "Join now" : "Start call") : "Getting devices…"}
          </button>
        </div>
      </div>
    </Modal>
  );
}
