/**
 * Export a chart as a file (issue 17): PNG for every chart (uPlot draws on canvas, axes included), and
 * SVG for the charts that are SVG (path diagram, Kano chart) — serialized with the computed styles inlined,
 * so the file stands alone. Canvas charts are not offered as SVG: a bitmap wrapped in SVG is not one.
 */
import type { RefObject } from "preact";
import { useI18n } from "../lib/i18n";

/** Presentation properties copied from the page's CSS into the exported SVG. */
const SVG_STYLE_PROPERTIES = ["fill", "fill-opacity", "stroke", "stroke-width", "stroke-dasharray", "stroke-opacity", "opacity", "font-family", "font-size", "font-weight", "text-anchor", "dominant-baseline"];

function fileName(name: string, extension: string): string {
  const base = name.normalize("NFKC").replace(/[\\/:*?"<>|\u0000-\u001f]+/g, " ").trim().slice(0, 80) || "chart";
  return `${base}.${extension}`;
}

function download(blob: Blob, filename: string) {
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The SVG as a standalone document: namespaces, size, title and the computed styles of every element. */
export function standaloneSvg(svg: SVGSVGElement, title: string): string {
  const clone = svg.cloneNode(true) as SVGSVGElement;
  const originals = [svg, ...svg.querySelectorAll("*")];
  const copies = [clone, ...clone.querySelectorAll("*")];
  originals.forEach((original, index) => {
    const computed = getComputedStyle(original);
    const style = SVG_STYLE_PROPERTIES.map((property) => `${property}:${computed.getPropertyValue(property)}`).join(";");
    copies[index]!.setAttribute("style", style);
  });
  const box = svg.viewBox.baseVal;
  clone.setAttribute("xmlns", "http://www.w3.org/2000/svg");
  clone.setAttribute("width", String(box?.width || svg.clientWidth));
  clone.setAttribute("height", String(box?.height || svg.clientHeight));
  if (!clone.querySelector("title")) {
    const titleElement = document.createElementNS("http://www.w3.org/2000/svg", "title");
    titleElement.textContent = title;
    clone.insertBefore(titleElement, clone.firstChild);
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(clone)}`;
}

async function svgToPng(svgText: string, width: number, height: number): Promise<Blob> {
  const image = new Image();
  // A data: URL (allowed by the CSP's img-src), never inserted into the page.
  image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svgText)}`;
  await image.decode();
  const scale = 2;
  const canvas = document.createElement("canvas");
  canvas.width = Math.round(width * scale);
  canvas.height = Math.round(height * scale);
  const context = canvas.getContext("2d")!;
  context.fillStyle = "#ffffff";
  context.fillRect(0, 0, canvas.width, canvas.height);
  context.drawImage(image, 0, 0, canvas.width, canvas.height);
  return canvasBlob(canvas);
}

function canvasBlob(canvas: HTMLCanvasElement): Promise<Blob> {
  return new Promise((resolve, reject) => canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error("PNG encoding failed"))), "image/png"));
}

/** A canvas on white (uPlot's canvas is transparent, which most viewers show as black). */
async function canvasPng(source: HTMLCanvasElement): Promise<Blob> {
  const canvas = document.createElement("canvas");
  canvas.width = source.width;
  canvas.height = source.height;
  const context = canvas.getContext("2d")!;
  context.fillStyle = "#ffffff";
  context.fillRect(0, 0, canvas.width, canvas.height);
  context.drawImage(source, 0, 0);
  return canvasBlob(canvas);
}

/** `vector`: the chart is an SVG (offer SVG as well as PNG). */
export function ChartExport({ target, name, vector = false }: { target: RefObject<Element | null>; name: string; vector?: boolean }) {
  const { t } = useI18n();
  const svg = () => (target.current instanceof SVGSVGElement ? target.current : target.current?.querySelector("svg")) ?? null;
  const canvas = () => target.current?.querySelector("canvas") ?? null;

  async function png() {
    const vector = svg();
    if (vector) {
      const box = vector.viewBox.baseVal;
      download(await svgToPng(standaloneSvg(vector, name), box?.width || vector.clientWidth, box?.height || vector.clientHeight), fileName(name, "png"));
      return;
    }
    const bitmap = canvas();
    if (bitmap) download(await canvasPng(bitmap), fileName(name, "png"));
  }

  function svgFile() {
    const vector = svg();
    if (vector) download(new Blob([standaloneSvg(vector, name)], { type: "image/svg+xml" }), fileName(name, "svg"));
  }

  return (
    <div class="chart-export no-print" role="group" aria-label={t("chart.export", { name })}>
      <button type="button" class="btn btn-small" onClick={() => void png()}>
        {t("chart.png")}
      </button>
      {vector && (
        <button type="button" class="btn btn-small" onClick={svgFile}>
          {t("chart.svg")}
        </button>
      )}
    </div>
  );
}
