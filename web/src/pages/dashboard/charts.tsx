/**
 * uPlot wrappers. uPlot draws on canvas and sizes its own nodes through the CSSOM (allowed by
 * the CSP); every chart also has its data as a table for screen readers and copy/paste.
 */
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { useEffect, useMemo, useRef } from "preact/hooks";
import { PALETTE } from "./constructs";
import { ChartExport } from "../../components/ChartExport";

function cssVar(name: string, fallback: string) {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}

function axisTheme(): Partial<uPlot.Axis> {
  const ink = cssVar("--ink-2", "#444");
  const grid = cssVar("--line", "#e3e3e3");
  return { stroke: ink, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
}

export function UPlotChart({ options, data, height = 260, label }: { options: Omit<uPlot.Options, "width" | "height">; data: uPlot.AlignedData; height?: number; label: string }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const h = window.innerWidth < 600 ? Math.round(height * 0.85) : height;
    const chart = new uPlot({ ...options, width: Math.max(240, el.clientWidth), height: h } as uPlot.Options, data, el);
    let frame = 0;
    const observer = new ResizeObserver(() => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(() => {
        const w = Math.max(240, el.clientWidth);
        if (w !== chart.width) chart.setSize({ width: w, height: h });
      });
    });
    observer.observe(el);
    return () => {
      cancelAnimationFrame(frame);
      observer.disconnect();
      chart.destroy();
    };
  }, [options, data, height]);
  return (
    <>
      <div ref={ref} class="chart" role="img" aria-label={label} />
      <ChartExport target={ref} name={label} />
    </>
  );
}

const px = (n: number) => n * (window.devicePixelRatio || 1);

/** Category axis on integer x positions 0..n-1; labels are thinned out when they would overlap. */
function categoryAxis(labels: string[]): uPlot.Axis {
  const longest = Math.max(1, ...labels.map((l) => l.length));
  return {
    ...axisTheme(),
    splits: (u) => {
      const room = Math.max(1, Math.floor((u.bbox.width / (window.devicePixelRatio || 1)) / (longest * 6.5 + 8)));
      const step = Math.max(1, Math.ceil(labels.length / room));
      return labels.map((_, i) => i).filter((i) => i % step === 0);
    },
    values: (_u, splits) => splits.map((i) => labels[i] ?? ""),
    gap: 6,
    size: 40,
  };
}

function categorySeries(labels: string[], label: string): uPlot.Series {
  return { label, value: (_u, v) => (v === null || v === undefined ? "—" : labels[v] ?? "—") };
}

/** Writes each bar's value above it. */
function barValueLabels(format: (v: number) => string): uPlot.Plugin {
  return {
    hooks: {
      draw: [
        (u) => {
          const { ctx } = u;
          ctx.save();
          ctx.font = `${px(12)}px system-ui, sans-serif`;
          ctx.fillStyle = cssVar("--ink", "#111");
          ctx.textAlign = "center";
          ctx.textBaseline = "bottom";
          const ys = u.data[1] as (number | null)[];
          ys.forEach((v, i) => {
            if (v === null || v === undefined) return;
            ctx.fillText(format(v), u.valToPos(i, "x", true), u.valToPos(v, "y", true) - px(3));
          });
          ctx.restore();
        },
      ],
    },
  };
}

/** One bar per category (five-level distribution, segment comparison). */
export function BarChart({
  categories,
  values,
  seriesLabel,
  color = PALETTE[0]!,
  yRange,
  format = (v) => v.toFixed(1),
  label,
  height,
}: {
  categories: string[];
  values: (number | null)[];
  seriesLabel: string;
  color?: string;
  yRange?: [number, number];
  format?: (v: number) => string;
  label: string;
  height?: number;
}) {
  const key = JSON.stringify([categories, values, yRange, seriesLabel, color]);
  const { options, data } = useMemo(() => {
    const options: Omit<uPlot.Options, "width" | "height"> = {
      legend: { show: false },
      cursor: { drag: { x: false, y: false }, points: { show: false } },
      scales: {
        x: { time: false, range: (_u, min, max) => [min - 0.5, max + 0.5] },
        y: { range: yRange ? () => yRange : (_u, _min, max) => [0, Math.max(1, max * 1.15)] },
      },
      axes: [categoryAxis(categories), { ...axisTheme(), size: 44 }],
      series: [
        { label: "" },
        {
          label: seriesLabel,
          fill: color,
          stroke: color,
          width: 0,
          points: { show: false },
          paths: uPlot.paths.bars!({ size: [0.6, 72] }),
        },
      ],
      plugins: [barValueLabels(format)],
    };
    const data = [categories.map((_, i) => i), values] as uPlot.AlignedData;
    return { options, data };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  return <UPlotChart options={options} data={data} label={label} height={height} />;
}

export type LineSeries = { label: string; values: (number | null)[]; scale?: "y" | "nps"; show?: boolean; color?: string; dash?: boolean };

export function LineChart({ categories, series, label, npsLabel, xLabel, yLabel }: { categories: string[]; series: LineSeries[]; label: string; npsLabel?: string; xLabel: string; yLabel?: string }) {
  const key = JSON.stringify([categories, series]);
  const { options, data } = useMemo(() => {
    const hasNps = series.some((s) => s.scale === "nps");
    const options: Omit<uPlot.Options, "width" | "height"> = {
      cursor: { drag: { x: false, y: false } },
      // Not live: the legend names the series; values belong to the data table (a live legend reads "—" until hovered).
      legend: { live: false },
      scales: {
        x: { time: false, range: (_u, min, max) => [min - 0.3, max + 0.3] },
        y: { range: (_u, min, max) => [Math.max(0, Math.floor((min - 5) / 5) * 5), Math.min(100, Math.ceil((max + 5) / 5) * 5)] },
        ...(hasNps ? { nps: { range: () => [-100, 100] as [number, number] } } : {}),
      },
      axes: [
        categoryAxis(categories),
        { ...axisTheme(), size: yLabel ? 62 : 44, label: yLabel, labelSize: 18 },
        ...(hasNps ? [{ ...axisTheme(), scale: "nps", side: 1, grid: { show: false }, size: 48, label: npsLabel, labelSize: 18 } as uPlot.Axis] : []),
      ],
      series: [
        categorySeries(categories, xLabel),
        ...series.map((s, i) => ({
          label: s.label,
          scale: s.scale ?? "y",
          show: s.show ?? true,
          stroke: s.color ?? PALETTE[i % PALETTE.length],
          width: 2,
          dash: s.dash ? [6, 4] : undefined,
          points: { show: true, size: 6 },
          value: (_u: uPlot, v: number | null) => (v === null || v === undefined ? "—" : v.toFixed(1)),
        })),
      ],
    };
    const data = [categories.map((_, i) => i), ...series.map((s) => s.values)] as uPlot.AlignedData;
    return { options, data };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, xLabel, yLabel]);
  return <UPlotChart options={options} data={data} label={label} height={280} />;
}

export type ScatterPoint = { label: string; x: number; y: number };

/** Importance (x) vs performance (y), quadrants split at the means; points labelled on the canvas. */
export function PriorityChart({ points, label, xLabel, yLabel }: { points: ScatterPoint[]; label: string; xLabel: string; yLabel: string }) {
  const key = JSON.stringify(points);
  const { options, data } = useMemo(() => {
    const sorted = [...points].sort((a, b) => a.x - b.x);
    const xs = sorted.map((p) => p.x);
    const ys = sorted.map((p) => p.y);
    const meanX = xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
    const meanY = ys.reduce((a, b) => a + b, 0) / Math.max(1, ys.length);
    const maxX = Math.max(0.1, ...xs.map(Math.abs));
    const options: Omit<uPlot.Options, "width" | "height"> = {
      legend: { show: false },
      cursor: { drag: { x: false, y: false }, points: { size: 14 } },
      scales: {
        x: { time: false, range: () => [Math.min(0, ...xs) - maxX * 0.08, maxX * 1.2] },
        y: { range: () => [Math.max(0, Math.floor(Math.min(...ys) / 10) * 10 - 10), Math.min(100, Math.ceil(Math.max(...ys) / 10) * 10 + 10)] },
      },
      axes: [
        { ...axisTheme(), label: xLabel, labelSize: 20, values: (_u, splits) => splits.map((v) => v.toFixed(2)) },
        { ...axisTheme(), label: yLabel, labelSize: 20, size: 48 },
      ],
      series: [
        { label: xLabel },
        {
          label: yLabel,
          stroke: PALETTE[0],
          fill: PALETTE[0],
          paths: () => null,
          points: { show: true, size: 12, fill: PALETTE[0], stroke: "#fff", width: 2 },
        },
      ],
      hooks: {
        draw: [
          (u) => {
            const { ctx } = u;
            ctx.save();
            // quadrant guides at the means
            ctx.strokeStyle = cssVar("--ink-3", "#888");
            ctx.setLineDash([px(4), px(4)]);
            ctx.lineWidth = px(1);
            const gx = u.valToPos(meanX, "x", true);
            const gy = u.valToPos(meanY, "y", true);
            ctx.beginPath();
            ctx.moveTo(gx, u.bbox.top);
            ctx.lineTo(gx, u.bbox.top + u.bbox.height);
            ctx.moveTo(u.bbox.left, gy);
            ctx.lineTo(u.bbox.left + u.bbox.width, gy);
            ctx.stroke();
            ctx.setLineDash([]);
            ctx.font = `${px(12)}px system-ui, sans-serif`;
            ctx.fillStyle = cssVar("--ink", "#111");
            ctx.textBaseline = "bottom";
            sorted.forEach((p) => {
              const x = u.valToPos(p.x, "x", true);
              const y = u.valToPos(p.y, "y", true);
              const right = x + px(8) + ctx.measureText(p.label).width < u.bbox.left + u.bbox.width;
              ctx.textAlign = right ? "left" : "right";
              ctx.fillText(p.label, right ? x + px(8) : x - px(8), y - px(4));
            });
            ctx.restore();
          },
        ],
      },
    };
    return { options, data: [xs, ys] as uPlot.AlignedData };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, xLabel, yLabel]);
  return <UPlotChart options={options} data={data} label={label} height={320} />;
}
