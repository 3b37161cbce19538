// Draws grid rows onto a canvas from the tiles' RGBA bytes. Only rows in [firstRow, lastRow) are drawn, so a
// layer with thousands of filters costs what is visible. With `marks`, the gaps between tiles are drawn in the
// theme's gap colour and each filter's first tile carries its number.
import type { KernelsResult } from '../../../src/shared/kernelsProtocol';
import { drawTileNumber, fillCellGap, tileTheme } from '../lib/tileMarks';
import { tileIndexAt, type GridLayout } from './gridLayout';

export function drawRows(
  ctx: CanvasRenderingContext2D,
  result: KernelsResult,
  layout: GridLayout,
  firstRow: number,
  lastRow: number,
  offsetY: number,
  marks = true,
): void {
  const { tileWidth: tw, tileHeight: th } = result;
  const theme = marks ? tileTheme() : undefined;
  const tileBytes = tw * th * 4;
  const scaled = ctx.createImageData(layout.cellWidth, layout.cellHeight);
  for (let row = firstRow; row < Math.min(lastRow, layout.rows); row++) {
    for (let col = 0; col < layout.cols; col++) {
      const tile = tileIndexAt(layout, result, row, col);
      if (tile === undefined) break;
      const src = result.tiles.subarray(tile * tileBytes, (tile + 1) * tileBytes);
      upscaleNearest(src, tw, th, layout.scale, scaled.data);
      const x = col * (layout.cellWidth + layout.gap);
      const y = row * (layout.cellHeight + layout.gap) - offsetY;
      if (theme) fillCellGap(ctx, x, y, layout.cellWidth, layout.cellHeight, layout.gap, theme);
      ctx.putImageData(scaled, x, y);
      // A row per filter (one tile per input channel): the number on its first tile only.
      if (theme && (result.tilesPerFilter === 1 || col === 0)) drawTileNumber(ctx, x, y, Math.floor(tile / result.tilesPerFilter), layout.cellWidth, layout.cellHeight, theme);
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
