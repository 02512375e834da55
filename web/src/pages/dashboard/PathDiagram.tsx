/**
 * The structural model as a diagram (not a chart): constructs as boxes at the customary ACSI /
 * ECSI positions, arrows for paths labelled with coefficients, R² in the endogenous boxes.
 * Generated SVG with presentation attributes only (no style attributes: CSP).
 */
import { useDI18n } from "./messages";
import type { IndicesResponse } from "../../lib/types";
import { constructShort } from "./constructs";
import { useRef } from "preact/hooks";
import { ChartExport } from "../../components/ChartExport";

type Pos = { x: number; y: number };

const W = 1000;
const NODE_W = 176;
const NODE_H = 70;

const ACSI_LAYOUT: Record<string, Pos> = {
  expectations: { x: 110, y: 90 },
  perceived_quality: { x: 110, y: 390 },
  perceived_value: { x: 380, y: 240 },
  satisfaction: { x: 640, y: 240 },
  complaints: { x: 890, y: 90 },
  loyalty: { x: 890, y: 390 },
};
const ECSI_LAYOUT: Record<string, Pos> = {
  image: { x: 500, y: 55 },
  expectations: { x: 110, y: 160 },
  perceived_quality: { x: 110, y: 420 },
  perceived_value: { x: 380, y: 300 },
  satisfaction: { x: 640, y: 260 },
  complaints: { x: 890, y: 160 },
  loyalty: { x: 890, y: 420 },
};

function layout(names: string[]): { positions: Record<string, Pos>; height: number } {
  const base = names.includes("image") ? ECSI_LAYOUT : ACSI_LAYOUT;
  const positions: Record<string, Pos> = {};
  let height = names.includes("image") ? 480 : 460;
  const others = names.filter((n) => !(n in base));
  for (const n of names) if (base[n]) positions[n] = base[n]!;
  if (others.length) {
    const perRow = 4;
    others.forEach((n, i) => {
      const row = Math.floor(i / perRow);
      const col = i % perRow;
      positions[n] = { x: 125 + col * 250, y: height + 40 + row * 110 };
    });
    height += 40 + Math.ceil(others.length / perRow) * 110;
  }
  return { positions, height };
}

/** Where the segment from a's centre towards b leaves a's box. */
function boxExit(a: Pos, b: Pos, pad = 4): Pos {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const hw = NODE_W / 2 + pad;
  const hh = NODE_H / 2 + pad;
  const t = Math.min(dx === 0 ? Infinity : hw / Math.abs(dx), dy === 0 ? Infinity : hh / Math.abs(dy));
  return { x: a.x + dx * t, y: a.y + dy * t };
}

export function PathDiagram({ data }: { data: IndicesResponse }) {
  const chartRef = useRef<SVGSVGElement>(null);
  const i18n = useDI18n();
  const { t, num } = i18n;
  const names = data.constructs.map((c) => c.construct);
  for (const p of data.paths) {
    if (!names.includes(p.from)) names.push(p.from);
    if (!names.includes(p.to)) names.push(p.to);
  }
  const { positions, height } = layout(names);
  const byName = new Map(data.constructs.map((c) => [c.construct, c]));
  return (
    <>
    <svg ref={chartRef} class="path-diagram" viewBox={`0 0 ${W} ${height}`} role="img" aria-labelledby="path-diagram-title path-diagram-desc" data-testid="path-diagram">
      <title id="path-diagram-title">{t("dash.pathModel")}</title>
      <desc id="path-diagram-desc">
        {data.paths.map((p) => `${constructShort(i18n, p.from)} → ${constructShort(i18n, p.to)}: ${num(p.coefficient, 2)}`).join("; ")}
      </desc>
      <defs>
        <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="14" markerHeight="14" orient="auto-start-reverse">
          <path d="M 0 0 L 10 5 L 0 10 z" class="arrow-head" />
        </marker>
      </defs>
      <g class="edges">
        {data.paths.map((p) => {
          const a = positions[p.from];
          const b = positions[p.to];
          if (!a || !b) return null;
          const start = boxExit(a, b);
          const end = boxExit(b, a, 6);
          const mid = { x: (start.x + end.x) / 2, y: (start.y + end.y) / 2 };
          const ns = p.interval ? p.interval.low <= 0 && p.interval.high >= 0 : false;
          const cls = `edge${p.coefficient < 0 ? " edge-neg" : ""}${ns ? " edge-ns" : ""}`;
          return (
            <g key={`${p.from}-${p.to}`} class={cls}>
              <line x1={start.x} y1={start.y} x2={end.x} y2={end.y} stroke-width={1.5 + Math.min(5, Math.abs(p.coefficient) * 6)} marker-end="url(#arrow)" />
              <text x={mid.x} y={mid.y} dy="-4" text-anchor="middle" class="edge-label">
                {num(p.coefficient, 2)}
                {ns ? " (n.s.)" : ""}
              </text>
            </g>
          );
        })}
      </g>
      <g class="nodes">
        {names.map((name) => {
          const pos = positions[name];
          if (!pos) return null;
          const c = byName.get(name);
          return (
            <g key={name} class={`node${name === "satisfaction" ? " node-key" : ""}`} transform={`translate(${pos.x - NODE_W / 2} ${pos.y - NODE_H / 2})`}>
              <rect width={NODE_W} height={NODE_H} rx="10" />
              <text x={NODE_W / 2} y="22" text-anchor="middle" class="node-title">
                {constructShort(i18n, name)}
              </text>
              <text x={NODE_W / 2} y="42" text-anchor="middle" class="node-value">
                {c?.index !== null && c?.index !== undefined ? num(c.index, 1) : "—"}
              </text>
              {c?.rSquared !== null && c?.rSquared !== undefined && (
                <text x={NODE_W / 2} y="60" text-anchor="middle" class="node-r2">
                  R² {num(c.rSquared, 2)}
                </text>
              )}
            </g>
          );
        })}
      </g>
    </svg>
      <ChartExport target={chartRef} name={t("dash.pathModel")} vector />
    </>
  );
}
