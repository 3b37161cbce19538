// Drawing an attribution map: over the input the model saw (the map has the input's resolution, so one map
// value per input pixel), through a colormap at an opacity, and the colour bar that says which value each
// colour stands for. Pure canvas work, no host messages.
import type { AttributionMap } from '../../../../src/shared/attribution';
import { attributionRange, blendAttribution, colourBarRgba, formatAttributionValue } from '../../../../src/shared/attributionOverlay';
import type { ColormapName, ValueRange } from '../../../../src/shared/colormap';

/** The smallest side an overlay is drawn at: a 28 × 28 digit is scaled up, never a 224 × 224 photo down. */
const MIN_SIDE = 128;

export const formatValue = formatAttributionValue;

/** Draws `map` over `input` (the panel's display input) into `canvas`, scaled up to at least MIN_SIDE. */
export function drawOverlay(
  canvas: HTMLCanvasElement,
  input: { width: number; height: number; rgba: Uint8ClampedArray },
  map: AttributionMap,
  colormap: ColormapName,
  opacity: number,
): ValueRange {
  const range = attributionRange(map.data, colormap);
  const { width, height } = map;
  const small = document.createElement('canvas');
  small.width = width;
  small.height = height;
  small.getContext('2d')!.putImageData(new ImageData(blendAttribution(input, map, colormap, opacity, range), width, height), 0, 0);
  const scale = Math.max(1, Math.ceil(MIN_SIDE / Math.max(width, height)));
  canvas.width = width * scale;
  canvas.height = height * scale;
  const ctx = canvas.getContext('2d')!;
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(small, 0, 0, canvas.width, canvas.height);
  return range;
}

/** A horizontal bar of the colormap from low (left) to high (right). */
export function drawColourBar(canvas: HTMLCanvasElement, colormap: ColormapName, width = 128, height = 10): void {
  canvas.width = width;
  canvas.height = height;
  canvas.getContext('2d')!.putImageData(new ImageData(colourBarRgba(colormap, width, height), width, height), 0, 0);
}

/** The overlay with its colour bar and range under it, as one canvas for Export PNG. */
export function composeForExport(overlay: HTMLCanvasElement, colormap: ColormapName, range: ValueRange, caption: string): HTMLCanvasElement {
  const out = document.createElement('canvas');
  const barHeight = 12;
  const textHeight = 16;
  out.width = Math.max(overlay.width, 160);
  out.height = overlay.height + 4 + barHeight + textHeight * 2;
  const ctx = out.getContext('2d')!;
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.drawImage(overlay, 0, 0);
  const bar = document.createElement('canvas');
  drawColourBar(bar, colormap, out.width, barHeight);
  ctx.drawImage(bar, 0, overlay.height + 4);
  ctx.fillStyle = '#000000';
  ctx.font = '11px sans-serif';
  const y = overlay.height + 4 + barHeight + 12;
  ctx.textAlign = 'left';
  ctx.fillText(formatValue(range.min), 0, y);
  ctx.textAlign = 'right';
  ctx.fillText(formatValue(range.max), out.width, y);
  ctx.textAlign = 'left';
  ctx.fillText(caption, 0, y + textHeight, out.width);
  return out;
}
