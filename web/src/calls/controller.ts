// One call on this page (mediasoup-demo's RoomClient shape): owns the mediasoup-client Device, the send
// and receive transports, the producers and consumers, and speaks the call.* frames through the one
// socket. It writes what there is to show into the call's store; components only read it and call here.
import type { CallEvent, CallJoined, ClientRequestType, RequestOf, RequestResults } from "api/client";
import type { Device, types } from "mediasoup-client";
import { produce as mutate, reconcile } from "solid-js/store";
import { SocketError } from "../lib/socket";
import { CAMERA_ENCODINGS, getScreen, getTrack, layerForHeight, SCREEN_ENCODINGS } from "./media";
import { type CallStore, type EndReason, emptyCall, type Received } from "./state";

export type CallRequest = <T extends ClientRequestType>(
  type: T,
  fields: Omit<RequestOf<T>, "id" | "type">,
) => Promise<RequestResults[T]>;

type Source = "mic" | "camera" | "screen";
/** What a tile reports: is it on screen, and how tall. */
type View = { visible: boolean; height: number };

export class CallController {
  private send?: types.Transport;
  private recv?: types.Transport;
  private readonly producers = new Map<Source, types.Producer>();
  private readonly consumers = new Map<string, types.Consumer>();
  /** Consumers this page paused because their tile is hidden, and the layer each was last asked for. */
  private readonly hidden = new Set<string>();
  private readonly layers = new Map<string, number>();
  private channelId: string | null = null;
  /** Each join is a generation: work of an earlier one that finishes late is dropped. */
  private generation = 0;

  constructor(
    private readonly request: CallRequest,
    readonly store: CallStore,
  ) {}

  get state() {
    return this.store[0];
  }
  private get set() {
    return this.store[1];
  }

  /**
   * Joins (or with `start`, starts) the channel's call with the tracks chosen before joining; a missing
   * track means joining without it (listen and watch).
   */
  async join(
    channelId: string,
    start: boolean,
    local: { mic: MediaStreamTrack | null; camera: MediaStreamTrack | null; micOn: boolean; cameraOn: boolean },
  ) {
    const generation = ++this.generation;
    this.channelId = channelId;
    this.closeMedia();
    // Tracks of a call this page was in before (another channel) that the new one does not reuse.
    for (const t of [this.state.local.mic, this.state.local.camera, this.state.local.screen])
      if (t && t !== local.mic && t !== local.camera) t.stop();
    this.set(
      reconcile({
        ...emptyCall(),
        phase: this.state.phase === "reconnecting" ? "reconnecting" : "joining",
        channelId,
        local: {
          ...emptyCall().local,
          ...local,
          micOn: local.micOn && !!local.mic,
          cameraOn: local.cameraOn && !!local.camera,
        },
      }),
    );
    try {
      const joined = await this.request(start ? "call.start" : "call.join", { channelId });
      if (generation !== this.generation) return;
      await this.setUp(joined, generation);
    } catch (error) {
      if (generation !== this.generation) return;
      this.closeMedia();
      const code = error instanceof SocketError ? error.code : "";
      if (code === "disconnected") {
        this.set("phase", "reconnecting");
        return;
      }
      this.finish(code === "no_call" && this.state.phase === "reconnecting" ? "missed" : "failed", messageOf(error));
    }
  }

  private async setUp(joined: CallJoined, generation: number) {
    const live = () => generation === this.generation;
    this.set(
      mutate((s) => {
        s.callId = joined.callId;
        s.peerId = joined.peerId;
        s.peers = Object.fromEntries([...joined.peers, joined.self].map((p) => [p.peerId, p]));
      }),
    );
    // mediasoup-client (~60 KB gzipped) is loaded with the first call, not with the chat's first paint.
    const { Device } = await import("mediasoup-client");
    const device = new Device();
    await device.load({ routerRtpCapabilities: joined.routerRtpCapabilities as types.RtpCapabilities });
    await this.request("call.setRtpCapabilities", { rtpCapabilities: device.rtpCapabilities as never });
    // Muted before anything is produced: the SFU starts those producers paused, so nothing leaks.
    const { local } = this.state;
    if (!local.micOn) await this.request("call.setMuted", { source: "mic", muted: true });
    if (!local.cameraOn) await this.request("call.setMuted", { source: "camera", muted: true });
    this.send = await this.transport(device, "send");
    this.recv = await this.transport(device, "recv");
    if (!live()) return;
    for (const peer of joined.peers) for (const p of peer.producers) void this.consume(p.producerId, generation);
    if (local.mic) await this.produce("mic", local.mic, !local.micOn);
    if (local.camera && local.cameraOn) await this.produce("camera", local.camera, false);
    if (live())
      this.set(
        mutate((s) => {
          s.phase = "live";
          s.error = null;
        }),
      );
  }

  private async transport(device: Device, direction: "send" | "recv") {
    const info = await this.request("call.createTransport", { direction });
    const options = {
      id: info.transportId,
      iceParameters: info.iceParameters as types.IceParameters,
      iceCandidates: info.iceCandidates as types.IceCandidate[],
      dtlsParameters: info.dtlsParameters as types.DtlsParameters,
    };
    const transport = direction === "send" ? device.createSendTransport(options) : device.createRecvTransport(options);
    transport.on("connect", ({ dtlsParameters }, done, fail) => {
      this.request("call.connectTransport", {
        transportId: transport.id,
        dtlsParameters: dtlsParameters as never,
      }).then(() => done(), fail);
    });
    transport.on("produce", ({ kind, rtpParameters, appData }, done, fail) => {
      const { source, paused } = appData as { source: Source; paused: boolean };
      this.request("call.produce", {
        transportId: transport.id,
        kind,
        source,
        rtpParameters: rtpParameters as never,
        paused,
      }).then(({ producerId }) => done({ id: producerId }), fail);
    });
    return transport;
  }

  private async produce(source: Source, track: MediaStreamTrack, paused: boolean) {
    if (!this.send) return;
    const producer = await this.send.produce({
      track,
      stopTracks: false,
      zeroRtpOnPause: true,
      ...(source === "camera" ? { encodings: CAMERA_ENCODINGS } : {}),
      ...(source === "screen" ? { encodings: SCREEN_ENCODINGS } : {}),
      ...(source === "mic" ? { codecOptions: { opusDtx: true, opusFec: true } } : {}),
      appData: { source, paused },
    });
    if (paused) producer.pause();
    this.producers.set(source, producer);
    return producer;
  }

  private async consume(producerId: string, generation = this.generation) {
    const recv = this.recv;
    if (!recv || generation !== this.generation) return;
    try {
      const info = await this.request("call.consume", { transportId: recv.id, producerId });
      const consumer = await recv.consume({
        id: info.consumerId,
        producerId,
        kind: info.kind,
        rtpParameters: info.rtpParameters as types.RtpParameters,
      });
      if (generation !== this.generation) return consumer.close();
      this.consumers.set(consumer.id, consumer);
      const received: Received = {
        consumerId: consumer.id,
        peerId: info.peerId,
        kind: info.kind,
        source: info.source,
        track: consumer.track,
        simulcast: info.type === "simulcast",
        producerPaused: info.producerPaused,
      };
      this.set("received", consumer.id, received);
      await this.request("call.resumeConsumer", { consumerId: consumer.id });
    } catch (error) {
      // The producer went away meanwhile (its sender left or stopped): nothing to show.
      if (generation === this.generation && !(error instanceof SocketError && error.code === "not_found"))
        this.set("error", messageOf(error));
    }
  }

  private dropConsumer(consumerId: string) {
    this.consumers.get(consumerId)?.close();
    this.consumers.delete(consumerId);
    this.hidden.delete(consumerId);
    this.layers.delete(consumerId);
    this.set(
      "received",
      mutate((r) => void delete r[consumerId]),
    );
  }

  /** A callEvent for this page's call. */
  onEvent(callId: string, event: CallEvent) {
    if (callId !== this.state.callId) return;
    switch (event.type) {
      case "peerJoined":
      case "peerUpdated":
        this.set("peers", event.peer.peerId, event.peer);
        return;
      case "peerLeft":
        if (event.peerId === this.state.peerId) return this.selfLeft(event.reason);
        for (const r of Object.values(this.state.received))
          if (r.peerId === event.peerId) this.dropConsumer(r.consumerId);
        this.set(
          "peers",
          mutate((p) => void delete p[event.peerId]),
        );
        return;
      case "newProducer":
        void this.consume(event.producer.producerId);
        return;
      case "producerClosed":
        for (const c of this.consumers.values()) if (c.producerId === event.producerId) this.dropConsumer(c.id);
        return;
      case "consumerClosed":
        this.dropConsumer(event.consumerId);
        return;
      case "consumerPaused":
      case "consumerResumed":
        if (this.state.received[event.consumerId])
          this.set("received", event.consumerId, "producerPaused", event.type === "consumerPaused");
        return;
      case "activeSpeaker":
        this.set("activeSpeaker", event.peerId);
        return;
      case "callEnded":
        this.finish(event.reason, null, event.durationMs);
        return;
      default:
        return;
    }
  }

  /** The SFU says this page's participant is out of the call. */
  private selfLeft(reason: string) {
    if (reason === "removed") return this.finish("removed", null);
    if (reason === "callEnded") return;
    // Dropped (frozen, or its link lost): come back in as a new participant with the same tracks.
    void this.rejoin();
  }

  /** The chat socket went away: the server took this participant out; show it and wait for the socket. */
  socketLost() {
    if (this.state.phase !== "live" && this.state.phase !== "joining") return;
    this.generation++;
    this.closeMedia();
    this.set("phase", "reconnecting");
  }

  /** The chat socket is back (any API node): join the call again with the tracks held. */
  socketBack() {
    if (this.state.phase === "reconnecting") void this.rejoin();
  }

  private async rejoin() {
    const { channelId } = this;
    if (!channelId) return;
    this.set("phase", "reconnecting");
    const { mic, camera, micOn, cameraOn } = this.state.local;
    await this.join(channelId, false, { mic, camera, micOn, cameraOn });
  }

  async setMic(on: boolean) {
    let producer = this.producers.get("mic");
    if (on && !this.state.local.mic) {
      const track = await this.tryTrack("audio");
      if (!track) return;
      this.set("local", "mic", track);
    }
    await this.request("call.setMuted", { source: "mic", muted: !on });
    if (on && !producer && this.state.local.mic) producer = await this.produce("mic", this.state.local.mic, false);
    if (on) producer?.resume();
    else producer?.pause();
    this.set("local", "micOn", on);
  }

  async setCamera(on: boolean) {
    const producer = this.producers.get("camera");
    if (!on) {
      producer?.pause();
      this.state.local.camera?.stop();
      this.set("local", { camera: null, cameraOn: false });
      await this.request("call.setMuted", { source: "camera", muted: true });
      return;
    }
    const track = await this.tryTrack("video");
    if (!track) return;
    this.set("local", { camera: track, cameraOn: true });
    await this.request("call.setMuted", { source: "camera", muted: false });
    if (producer) {
      await producer.replaceTrack({ track });
      producer.resume();
    } else await this.produce("camera", track, false);
  }

  private async tryTrack(kind: "audio" | "video") {
    try {
      return await getTrack(kind, null);
    } catch (error) {
      this.set("error", `The ${kind === "audio" ? "microphone" : "camera"} could not be started: ${messageOf(error)}`);
      return null;
    }
  }

  async shareScreen() {
    const track = await getScreen().catch((e: unknown) => {
      this.set("error", `The screen could not be shared: ${messageOf(e)}`);
      return null;
    });
    if (!track) return;
    track.addEventListener("ended", () => void this.stopScreen());
    this.set("local", "screen", track);
    await this.produce("screen", track, false).catch((e: unknown) => {
      track.stop();
      this.set("local", "screen", null);
      this.set("error", messageOf(e));
    });
  }

  async stopScreen() {
    const producer = this.producers.get("screen");
    this.producers.delete("screen");
    producer?.close();
    this.state.local.screen?.stop();
    this.set("local", "screen", null);
    if (producer && this.state.phase === "live") await this.request("call.stopScreenShare", {}).catch(() => {});
  }

  async raiseHand(raised: boolean) {
    const { peer } = await this.request("call.raiseHand", { raised });
    this.set("local", "hand", raised);
    this.set("peers", peer.peerId, peer);
  }

  /** A tile says whether it is on screen and how tall: hidden video is paused, shown video gets its layer. */
  async setView(consumerId: string, view: View) {
    const received = this.state.received[consumerId];
    if (received?.kind !== "video" || this.state.phase !== "live") return;
    try {
      if (!view.visible && !this.hidden.has(consumerId)) {
        this.hidden.add(consumerId);
        await this.request("call.pauseConsumer", { consumerId });
        return;
      }
      if (view.visible && this.hidden.delete(consumerId)) await this.request("call.resumeConsumer", { consumerId });
      const layer = layerForHeight(view.height);
      if (view.visible && received.simulcast && this.layers.get(consumerId) !== layer) {
        this.layers.set(consumerId, layer);
        await this.request("call.setPreferredLayers", { consumerId, spatialLayer: layer });
      }
    } catch {
      // The consumer closed meanwhile; its tile is going away too.
    }
  }

  /** Leaves the call (the page's choice); the tracks are stopped. */
  async leave() {
    this.generation++;
    const inCall = this.state.phase === "live" || this.state.phase === "joining";
    // The frame goes first, so the others hear of it as soon as can be; the page is cleared meanwhile.
    const left = inCall ? this.request("call.leave", {}).catch(() => {}) : Promise.resolve();
    this.closeMedia();
    this.stopTracks();
    this.set(reconcile(emptyCall()));
    this.channelId = null;
    await left;
  }

  /** Workspace admins: ends the call for everyone, or takes one person out. */
  async endForAll() {
    if (this.channelId) await this.request("call.end", { channelId: this.channelId });
  }
  async remove(userId: string) {
    if (this.channelId) await this.request("call.removeParticipant", { channelId: this.channelId, userId });
  }

  /** The end screen's "Start again": a new call in the same channel with the same devices. */
  async startAgain() {
    const { channelId } = this;
    if (!channelId) return;
    const { mic, camera, micOn, cameraOn } = this.state.local;
    await this.join(channelId, true, {
      mic: mic?.readyState === "live" ? mic : await getTrack("audio", null).catch(() => null),
      camera: camera?.readyState === "live" ? camera : null,
      micOn,
      cameraOn: cameraOn && camera?.readyState === "live",
    });
  }

  private finish(reason: EndReason, error: string | null, durationMs?: number) {
    this.generation++;
    this.closeMedia();
    this.set(
      mutate((s) => {
        s.phase = "ended";
        s.ended = { reason, ...(durationMs === undefined ? {} : { durationMs }) };
        s.error = error;
        s.received = {};
      }),
    );
  }

  /** Closes transports, producers and consumers (not the local tracks: a rejoin reuses them). */
  private closeMedia() {
    for (const p of this.producers.values()) p.close();
    this.producers.clear();
    for (const c of this.consumers.values()) c.close();
    this.consumers.clear();
    this.hidden.clear();
    this.layers.clear();
    this.send?.close();
    this.recv?.close();
    this.send = undefined;
    this.recv = undefined;
    if (this.state.phase !== "idle") this.set("received", reconcile({}));
  }

  stopTracks() {
    const { mic, camera, screen } = this.state.local;
    for (const t of [mic, camera, screen]) t?.stop();
  }
}

function messageOf(error: unknown) {
  return error instanceof Error ? error.message : String(error);
}
