// A uPlot time-series chart: made once, fed new data as it arrives (setData, no re-creation), and sized to
// its container's width (ResizeObserver), so it fits a phone as well as a desktop.
import { createEffect, onCleanup, onMount } from "solid-js";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

export interface ChartSeries {
  label: string;
  color: string;
}

export function TimeChart(props: {
  title: string;
  testId: string;
  series: ChartSeries[];
  /** x in seconds since the epoch, then one array per series (null: no value there). */
  data: () => [number[], ...(number | null)[][]];
  height?: number;
}) {
  let box!: HTMLDivElement;
  let chart: uPlot | undefined;
  onMount(() => {
    const options: uPlot.Options = {
      width: Math.max(200, box.clientWidth),
      height: props.height ?? 180,
      series: [{}, ...props.series.map((s) => ({ label: s.label, stroke: s.color, width: 2, spanGaps: false }))],
      axes: [{}, { size: 50 }],
      scales: { y: { range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] } },
      legend: { live: false },
    };
    chart = new uPlot(options, props.data() as uPlot.AlignedData, box);
    const resize = new ResizeObserver(() =>
      chart?.setSize({ width: Math.max(200, box.clientWidth), height: options.height }),
    );
    resize.observe(box);
    onCleanup(() => {
      resize.disconnect();
      chart?.destroy();
    });
  });
  createEffect(() => {
    const data = props.data();
    chart?.setData(data as uPlot.AlignedData);
  });
  return (
    <section class="card chart">
      <h3>{props.title}</h3>
      <div ref={box} data-testid={props.testId} />
    </section>
  );
}
