// Canvas drawing for the actmax panel: RGBA images at integer scale (pixels stay sharp) and the objective curve.
import type { CurveGeometry } from './curve';

const scratch = document.createElement('canvas');

/** Draws width × height RGBA at (x, y), scaled; nearest neighbour so a 28 px MNIST image stays readable. */
export function drawRgba(ctx: CanvasRenderingContext2D, rgba: Uint8ClampedArray, width: number, height: number, x: number, y: number, scale: number): void {
  if (scale === 1) {
    ctx.putImageData(new ImageData(new Uint8ClampedArray(rgba), width, height), x, y);
    return;
  }
  scratch.width = width;
  scratch.height = height;
  scratch.getContext('2d')!.putImageData(new ImageData(new Uint8ClampedArray(rgba), width, height), 0, 0);
  ctx.imageSmoothingEnabled = scale < 1;
  ctx.drawImage(scratch, x, y, width * scale, height * scale);
}

/** A canvas holding one RGBA image at its own size. */
export function imageCanvas(rgba: Uint8ClampedArray, width: number, height: number): HTMLCanvasElement {
  const c = document.createElement('canvas');
  c.width = width;
  c.height = height;
  if (width > 0 && height > 0) c.getContext('2d')!.putImageData(new ImageData(new Uint8ClampedArray(rgba), width, height), 0, 0);
  return c;
}

const COLORS = ['#4e9af1', '#f1a34e', '#5ec27a', '#d665c6', '#e5d54a', '#48c9c9', '#e0605a', '#9a8cf0'];

/** The objective per step, one line per unit, with the min and max written at the left. */
export function drawCurve(canvas: HTMLCanvasElement, geometry: CurveGeometry, highlight: number): void {
  const ctx = canvas.getContext('2d')!;
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  const style = getComputedStyle(document.body);
  ctx.strokeStyle = style.getPropertyValue('--vscode-panel-border') || '#444';
  ctx.strokeRect(0.5, 0.5, canvas.width - 1, canvas.height - 1);
  geometry.lines.forEach((pts, i) => {
    if (pts.length === 0) return;
    ctx.beginPath();
    ctx.lineWidth = i === highlight ? 2 : 1;
    ctx.strokeStyle = COLORS[i % COLORS.length];
    ctx.globalAlpha = i === highlight || geometry.lines.length === 1 ? 1 : 0.5;
    pts.forEach(([x, y], k) => (k === 0 ? ctx.moveTo(x, y) : ctx.lineTo(x, y)));
    ctx.stroke();
  });
  ctx.globalAlpha = 1;
  ctx.fillStyle = style.getPropertyValue('--vscode-foreground') || '#ccc';
  ctx.font = '10px sans-serif';
  if (geometry.lines.some((l) => l.length > 0)) {
    ctx.fillText(formatValue(geometry.max), 4, 11);
    ctx.fillText(formatValue(geometry.min), 4, canvas.height - 3);
  }
}

export function formatValue(v: number): string {
  return Math.abs(v) >= 1000 || (Math.abs(v) < 0.01 && v !== 0) ? v.toExponential(2) : v.toFixed(3);
}
