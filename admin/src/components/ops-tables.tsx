// The live view's tables: API nodes (red once a heartbeat is overdue), SFUs, backing services, partitions.
import type { OpsNode, OpsSnapshot, ServiceHealth } from "api/client";
import { For, Show } from "solid-js";

const mb = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s ago`;

function Dot(props: { ok: boolean; label: string }) {
  return <span class={props.ok ? "dot ok" : "dot down"} role="img" aria-label={props.label} />;
}

export function NodesTable(props: { nodes: OpsNode[] }) {
  return (
    <section class="card">
      <h3>API nodes</h3>
      <div class="table-scroll">
        <table class="ops-table">
          <thead>
            <tr>
              <th>Node</th>
              <th>Sockets</th>
              <th>CPU</th>
              <th>Memory</th>
              <th>Msgs/s</th>
              <th>Last heartbeat</th>
            </tr>
          </thead>
          <tbody>
            <For each={props.nodes}>
              {(node) => (
                <tr
                  data-testid="ops-node"
                  data-node={node.nodeId}
                  data-state={node.down ? "down" : "up"}
                  classList={{ down: node.down }}
                >
                  <td>
                    <Dot ok={!node.down} label={node.down ? "down" : "up"} /> {node.nodeId}
                  </td>
                  <td>{node.sockets}</td>
                  <td>{node.cpuPercent.toFixed(1)}%</td>
                  <td>{mb(node.rssBytes)}</td>
                  <td>{node.messagesPerSecond}</td>
                  <td>{node.down ? `down: ${seconds(node.ageMs)}` : seconds(node.ageMs)}</td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </div>
    </section>
  );
}

export function SfuTable(props: { sfus: OpsSnapshot["sfus"] }) {
  return (
    <section class="card">
      <h3>Media servers (SFU)</h3>
      <Show when={props.sfus.length > 0} fallback={<p class="muted">Calls are off: no SFU is configured.</p>}>
        <div class="table-scroll">
          <table class="ops-table">
            <thead>
              <tr>
                <th>SFU</th>
                <th>Workers</th>
                <th>Calls</th>
                <th>Participants</th>
                <th>Consumers</th>
              </tr>
            </thead>
            <tbody>
              <For each={props.sfus}>
                {(sfu) => (
                  <tr data-testid="ops-sfu" classList={{ down: !sfu.up }}>
                    <td>
                      <Dot ok={sfu.up} label={sfu.up ? "up" : "down"} /> {sfu.nodeId ?? sfu.url}
                    </td>
                    <td>{sfu.workers ?? "–"}</td>
                    <td>{sfu.calls ?? "–"}</td>
                    <td>{sfu.participants ?? "–"}</td>
                    <td>{sfu.consumers ?? "–"}</td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        </div>
      </Show>
    </section>
  );
}

export function ServicesList(props: { services: OpsSnapshot["services"] }) {
  const entries = (): [string, ServiceHealth][] => [
    ["PostgreSQL", props.services.postgres],
    ["Redis", props.services.redis],
    ["Kafka", props.services.kafka],
  ];
  return (
    <section class="card">
      <h3>Services</h3>
      <ul class="services">
        <For each={entries()}>
          {([name, health]) => (
            <li data-testid="ops-service" data-ok={String(health.ok)}>
              <Dot ok={health.ok} label={health.ok ? "healthy" : "failing"} /> {name}
              <span class="muted">
                {health.kind === "embedded" ? " (embedded)" : ""}
                {health.ok ? ` ${health.latencyMs ?? 0} ms` : ` ${health.error ?? "failing"}`}
              </span>
            </li>
          )}
        </For>
      </ul>
    </section>
  );
}
