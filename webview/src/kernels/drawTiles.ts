// Draws grid rows onto a canvas from the tiles' RGBA bytes. Only rows in [firstRow, lastRow) are drawn, so a
// layer with thousands of filters costs what is visible.
import type { KernelsResult } from '../../../src/shared/kernelsProtocol';
import { tileIndexAt, type GridLayout } from './gridLayout';

export function drawRows(
  ctx: CanvasRenderingContext2D,
  result: KernelsResult,
  layout: GridLayout,
  firstRow: number,
  lastRow: number,
  offsetY: number,
): void {
  const { tileWidth: tw, tileHeight: th } = result;
  const tileBytes = tw * th * 4;
  const scaled = ctx.createImageData(layout.cellWidth, layout.cellHeight);
  for (let row = firstRow; row < Math.min(lastRow, layout.rows); row++) {
    for (let col = 0; col < layout.cols; col++) {
      const tile = tileIndexAt(layout, result, row, col);
      if (tile === undefined) break;
      const src = result.tiles.subarray(tile * tileBytes, (tile + 1) * tileBytes);
      upscaleNearest(src, tw, th, layout.scale, scaled.data);
      ctx.putImageData(scaled, col * (layout.cellWidth + layout.gap), row * (layout.cellHeight + layout.gap) - offsetY);
    }
  }
}

function upscaleNearest(src: Uint8ClampedArray, w: number, h: number, scale: number, dst: Uint8ClampedArray): void {
  const dw = w * scale;
  for (let y = 0; y < h * scale; y++) {
    const sy = Math.floor(y / scale);
    for (let x = 0; x < dw; x++) {
      const s = (sy * w + Math.floor(x / scale)) * 4;
      const d = (y * dw + x) * 4;
      dst[d] = src[s];
      dst[d + 1] = src[s + 1];
      dst[d + 2] = src[s + 2];
      dst[d + 3] = src[s + 3];
    }
  }
}
