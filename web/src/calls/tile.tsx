// One person's camera or screen in the call. A received video tile tells the controller whether it is on
// screen and how tall it is: hidden tiles are paused at the SFU, shown ones get the layer that fits.
import { createEffect, onCleanup, Show, untrack } from "solid-js";
import { Avatar } from "../shared";
import type { CallController } from "./controller";
import { HandIcon, MicOffIcon } from "./icons";

export type TileModel = {
  key: string;
  peerId: string;
  userId: string;
  name: string;
  source: "camera" | "screen";
  track: MediaStreamTrack | null;
  /** The received stream's consumer (none for this page's own tiles). */
  consumerId: string | null;
  local: boolean;
  micMuted: boolean;
  handRaised: boolean;
  speaking: boolean;
};

export function Tile(props: { tile: TileModel; controller: CallController; large?: boolean }) {
  let box: HTMLDivElement | undefined;
  let video: HTMLVideoElement | undefined;
  createEffect(() => {
    const track = props.tile.track;
    if (video) video.srcObject = track ? new MediaStream([track]) : null;
  });

  // Per received stream: its consumer may arrive after the tile (a camera tile shows the avatar until
  // then), so this follows the tile's consumerId rather than reading it once.
  createEffect(() => {
    const consumerId = props.tile.consumerId;
    if (!box || !consumerId) return;
    let visible = true;
    let height = box.clientHeight;
    // Untracked: setView reads the call's state, which must not re-run this effect (a pause/resume race).
    const report = () => untrack(() => void props.controller.setView(consumerId, { visible, height }));
    const seen = new IntersectionObserver(([entry]) => {
      visible = entry?.isIntersecting ?? true;
      report();
    });
    const sized = new ResizeObserver(([entry]) => {
      const h = Math.round(entry?.contentRect.height ?? height);
      if (Math.abs(h - height) < 24) return;
      height = h;
      report();
    });
    seen.observe(box);
    sized.observe(box);
    report();
    onCleanup(() => {
      seen.disconnect();
      sized.disconnect();
      // Gone from the page (layout change, call minimised): nothing needs forwarding for it.
      untrack(() => void props.controller.setView(consumerId, { visible: false, height }));
    });
  });

  return (
    <div
      ref={box}
      class="tile"
      classList={{ speaking: props.tile.speaking, screen: props.tile.source === "screen", large: props.large }}
      data-testid="tile"
      data-peer-id={props.tile.peerId}
      data-user-id={props.tile.userId}
      data-source={props.tile.source}
      data-consumer-id={props.tile.consumerId ?? ""}
    >
      <Show
        when={props.tile.track}
        fallback={
          <div class="tile-off">
            <Avatar id={props.tile.userId} name={props.tile.name} size={64} />
          </div>
        }
      >
        <video
          ref={video}
          autoplay
          muted
          playsinline
          classList={{ mirror: props.tile.local && props.tile.source === "camera" }}
        />
      </Show>
      <div class="tile-label">
        <Show when={props.tile.micMuted && props.tile.source === "camera"}>
          <MicOffIcon class="tile-icon" />
          <span class="sr-only">muted</span>
        </Show>
        <span class="tile-name">{props.tile.name}</span>
        <Show when={props.tile.handRaised && props.tile.source === "camera"}>
          <HandIcon class="tile-icon hand" />
          <span class="sr-only">hand raised</span>
        </Show>
      </div>
    </div>
  );
}
