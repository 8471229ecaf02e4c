// Saves a chart as a PNG file: the drawing on a white card with a title, through canvas.toBlob.

const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';
const PADDING = 20;
const HEADER = 52;

/** A new canvas holding `source` (already drawn at `scale` pixels per CSS pixel) under a title. */
export function withTitle(
  source: HTMLCanvasElement,
  scale: number,
  title: string,
  subtitle: string,
): HTMLCanvasElement {
  const width = source.width / scale + PADDING * 2;
  const height = source.height / scale + PADDING * 2 + HEADER;
  const canvas = document.createElement("canvas");
  canvas.width = Math.round(width * scale);
  canvas.height = Math.round(height * scale);
  const ctx = canvas.getContext("2d");
  if (!ctx) return source;
  ctx.scale(scale, scale);
  ctx.fillStyle = "#ffffff";
  ctx.fillRect(0, 0, width, height);
  ctx.fillStyle = "#18181b";
  ctx.font = `600 15px ${FONT}`;
  ctx.textBaseline = "alphabetic";
  ctx.fillText(title, PADDING, PADDING + 14);
  ctx.fillStyle = "#71717a";
  ctx.font = `12px ${FONT}`;
  ctx.fillText(subtitle, PADDING, PADDING + 34);
  ctx.drawImage(source, PADDING, PADDING + HEADER, source.width / scale, source.height / scale);
  return canvas;
}

/** Starts a download of `canvas` as `fileName`; resolves once the browser has the file. */
export function downloadPng(canvas: HTMLCanvasElement, fileName: string): Promise<void> {
  return new Promise((resolve, reject) => {
    canvas.toBlob((blob) => {
      if (!blob) {
        reject(new Error("The browser could not make a PNG of this chart."));
        return;
      }
      const url = URL.createObjectURL(blob);
      const link = document.createElement("a");
      link.href = url;
      link.download = fileName;
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      resolve();
    }, "image/png");
  });
}

/** "active-users-math-mentor-7d.png": safe characters only. */
export function pngFileName(...parts: string[]): string {
  return `${parts.map((part) => part.replace(/[^A-Za-z0-9_-]+/g, "_")).join("-")}.png`;
}

export { FONT as CHART_FONT };
