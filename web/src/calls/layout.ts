// What the call shows, worked out from its state: the tiles (a camera tile per person, a screen tile per
// share), which one is large in the speaker layout, and how many grid columns fit best.
import type { CallState } from "./state";
import type { TileModel } from "./tile";

export function tilesOf(state: CallState): TileModel[] {
  const peers = Object.values(state.peers).sort((a, b) => a.joinedAt.localeCompare(b.joinedAt));
  const received = Object.values(state.received);
  const tiles: TileModel[] = [];
  const screens: TileModel[] = [];
  for (const peer of peers) {
    const local = peer.peerId === state.peerId;
    const stream = (source: "camera" | "screen") =>
      received.find((r) => r.peerId === peer.peerId && r.source === source && r.kind === "video");
    const camera = stream("camera");
    const base = {
      peerId: peer.peerId,
      userId: peer.userId,
      local,
      micMuted: local ? !state.local.micOn : peer.muted.mic,
      handRaised: local ? state.local.hand : peer.handRaised,
      speaking: state.activeSpeaker === peer.peerId && !(local ? !state.local.micOn : peer.muted.mic),
    };
    const cameraTrack = local
      ? state.local.cameraOn
        ? state.local.camera
        : null
      : camera && !camera.producerPaused && !peer.muted.camera
        ? camera.track
        : null;
    tiles.push({
      ...base,
      key: `${peer.peerId}:camera`,
      name: local ? `${peer.displayName} (you)` : peer.displayName,
      source: "camera",
      track: cameraTrack,
      consumerId: local ? null : (camera?.consumerId ?? null),
    });
    const screen = local ? null : stream("screen");
    const screenTrack = local ? state.local.screen : (screen?.track ?? null);
    if (screenTrack) {
      screens.push({
        ...base,
        key: `${peer.peerId}:screen`,
        name: `${peer.displayName}'s screen`,
        source: "screen",
        track: screenTrack,
        consumerId: screen?.consumerId ?? null,
        speaking: false,
      });
    }
  }
  return [...screens, ...tiles];
}

/** The speaker layout's large tile: a screen share first, else who speaks (not yourself), else the first other. */
export function mainTile(tiles: TileModel[]): TileModel | undefined {
  return (
    tiles.find((t) => t.source === "screen") ??
    tiles.find((t) => t.speaking && !t.local) ??
    tiles.find((t) => !t.local) ??
    tiles[0]
  );
}

/** Columns for `n` 16:9 tiles in a `width` × `height` box: the count that makes each tile largest. */
export function gridColumns(n: number, width: number, height: number): number {
  if (n <= 1 || width <= 0 || height <= 0) return 1;
  let best = 1;
  let bestWidth = 0;
  for (let cols = 1; cols <= n; cols++) {
    const rows = Math.ceil(n / cols);
    const tileWidth = Math.min(width / cols, (height / rows) * (16 / 9));
    if (tileWidth > bestWidth + 0.5) {
      best = cols;
      bestWidth = tileWidth;
    }
  }
  return best;
}
