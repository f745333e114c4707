// Live operations: the cluster as it is now and over the last 15 minutes, pushed over the dashboard's
// socket every second (store/live.ts). Nothing here polls.
import { createRoute } from "@tanstack/solid-router";
import { createSignal, For, onCleanup, onMount, Show } from "solid-js";
import { ErrorText } from "web/shared";
import { NodesTable, ServicesList, SfuTable } from "../components/ops-tables";
import { TimeChart } from "../components/time-chart";
import { useStores } from "../store";
import { authedRoute } from "./authed";

const fmt = (value: number | null | undefined, unit = "") => (value == null ? "–" : `${value}${unit}`);

function DeadLetters(props: { count: number | null }) {
  const { live } = useStores();
  const [busy, setBusy] = createSignal(false);
  const [result, setResult] = createSignal("");
  async function replay() {
    setBusy(true);
    setResult("");
    try {
      const replayed = await live.replayDeadLetters();
      setResult(`Replayed ${replayed}. Any that fail again come back here.`);
    } catch (e) {
      setResult(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  }
  return (
    <section class="card stat">
      <h3>Dead letters waiting</h3>
      <p class="big" data-testid="live-dead-letters">
        {fmt(props.count)}
      </p>
      <button type="button" onClick={replay} disabled={busy() || !props.count}>
        {busy() ? "Replaying…" : "Replay"}
      </button>
      <Show when={result()}>
        <p class="muted" role="status" data-testid="replay-result">
          {result()}
        </p>
      </Show>
    </section>
  );
}

function Live() {
  const { live } = useStores();
  onMount(() => live.start());
  onCleanup(() => live.stop());
  const last = () => live.points().at(-1);
  const xs = () => live.points().map((p) => p.t / 1000);
  return (
    <>
      <header class="page-head">
        <h2>Live operations</h2>
        <span class="muted" data-testid="live-status">
          {live.status() === "online" ? "Live" : live.status() === "connecting" ? "Connecting…" : "Reconnecting…"}
        </span>
      </header>
      <ErrorText error={live.error()} />
      <Show when={live.snapshot()} fallback={<p class="muted">Waiting for the first sample…</p>}>
        {(snap) => (
          <>
            <div class="cards stats">
              <section class="card stat">
                <h3>Users online</h3>
                <p class="big" data-testid="live-online">
                  {snap().onlineUsers}
                </p>
              </section>
              <section class="card stat">
                <h3>Messages/s</h3>
                <p class="big" data-testid="live-rate">
                  {fmt(last()?.messagesPerSecond)}
                </p>
              </section>
              <section class="card stat">
                <h3>Send → delivered</h3>
                <p class="big" data-testid="live-latency">
                  {fmt(last()?.latencyP50Ms, " ms")} <span class="muted">p50</span>
                </p>
                <p class="muted">p99 {fmt(last()?.latencyP99Ms, " ms")}</p>
              </section>
              <section class="card stat">
                <h3>Persister lag</h3>
                <p class="big" data-testid="live-lag">
                  {fmt(snap().persister.totalLag)}
                </p>
                <p class="muted">{snap().persister.error ?? "events not yet stored"}</p>
              </section>
              <DeadLetters count={snap().persister.deadLetters} />
            </div>
            <NodesTable nodes={snap().nodes} />
            <div class="charts">
              <TimeChart
                title="Messages per second (15 min)"
                testId="chart-rate"
                series={[{ label: "msgs/s", color: "#2f5fd0" }]}
                data={() => [xs(), live.points().map((p) => p.messagesPerSecond)]}
              />
              <TimeChart
                title="Send → delivered latency (ms)"
                testId="chart-latency"
                series={[
                  { label: "p50", color: "#2e8b57" },
                  { label: "p99", color: "#c0362c" },
                ]}
                data={() => [xs(), live.points().map((p) => p.latencyP50Ms), live.points().map((p) => p.latencyP99Ms)]}
              />
              <TimeChart
                title="Persister lag (events)"
                testId="chart-lag"
                series={[{ label: "lag", color: "#b7791f" }]}
                data={() => [xs(), live.points().map((p) => p.persisterLag)]}
              />
            </div>
            <Show when={snap().persister.partitions}>
              {(partitions) => (
                <section class="card">
                  <h3>Persister lag per partition</h3>
                  <ul class="partitions">
                    <For each={partitions()}>
                      {(p) => (
                        <li data-testid="ops-partition" classList={{ behind: p.lag > 0 }}>
                          <span class="muted">#{p.partition}</span> {p.lag}
                        </li>
                      )}
                    </For>
                  </ul>
                </section>
              )}
            </Show>
            <div class="cards two">
              <SfuTable sfus={snap().sfus} />
              <ServicesList services={snap().services} />
            </div>
          </>
        )}
      </Show>
    </>
  );
}

export const liveRoute = createRoute({
  getParentRoute: () => authedRoute,
  path: "/live",
  component: Live,
});
