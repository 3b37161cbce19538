// Draws grid rows of channel maps onto a canvas. Only rows in [firstRow, lastRow) are coloured and drawn, so a
// 2048-channel layer costs what is visible. Each map is coloured at its own size, then scaled by drawImage
// (pixelated when enlarged, smoothed when reduced).
import type { ChannelStats } from '../../../src/shared/activations';
import type { ColormapName } from '../../../src/shared/colormap';
import type { FeatureMapNormalize } from '../../../src/shared/featureMapsProtocol';
import { channelRange } from './channelOrder';
import { cellOrigin, type MapLayout } from './mapLayout';
import { channelRgba, type MapGeometry } from './mapPixels';
import { drawTileNumber, fillCellGap, tileTheme } from '../lib/tileMarks';

export interface MapsView {
  data: Float32Array;
  geometry: MapGeometry;
  stats: ChannelStats;
  order: Int32Array;
  colormap: ColormapName;
  normalize: FeatureMapNormalize;
}

/** A canvas holding one map at its own size, reused for every cell. */
export class MapScratch {
  readonly canvas = document.createElement('canvas');
  private image: ImageData | undefined;

  /** Colours `channel` into the scratch canvas and returns it. */
  paint(view: MapsView, channel: number): HTMLCanvasElement {
    const { width, height } = view.geometry;
    if (!this.image || this.image.width !== width || this.image.height !== height) {
      this.canvas.width = width;
      this.canvas.height = height;
      this.image = new ImageData(width, height);
    }
    channelRgba(view.data, view.geometry, channel, view.colormap, channelRange(view.stats, channel, view.normalize), this.image.data);
    this.canvas.getContext('2d')!.putImageData(this.image, 0, 0);
    return this.canvas;
  }
}

export function drawMapRows(
  ctx: CanvasRenderingContext2D,
  view: MapsView,
  layout: MapLayout,
  firstRow: number,
  lastRow: number,
  offsetY: number,
  scratch: MapScratch,
  highlight = -1,
): void {
  const theme = tileTheme();
  const end = Math.min(layout.count, Math.min(lastRow, layout.rows) * layout.cols);
  for (let p = firstRow * layout.cols; p < end; p++) {
    const channel = view.order[p];
    const { x, y } = cellOrigin(layout, p);
    // The gap in the theme's colour first, so tiles stay apart on any theme and colormap.
    fillCellGap(ctx, x, y - offsetY, layout.cellWidth, layout.cellHeight, layout.gap, theme);
    ctx.imageSmoothingEnabled = layout.scale < 1;
    ctx.drawImage(scratch.paint(view, channel), 0, 0, view.geometry.width, view.geometry.height, x, y - offsetY, layout.cellWidth, layout.cellHeight);
    drawTileNumber(ctx, x, y - offsetY, channel, layout.cellWidth, layout.cellHeight, theme);
    if (channel === highlight) {
      ctx.strokeStyle = getComputedStyle(document.body).getPropertyValue('--vscode-focusBorder') || '#007fd4';
      ctx.lineWidth = 2;
      ctx.strokeRect(x + 1, y - offsetY + 1, layout.cellWidth - 2, layout.cellHeight - 2);
    }
  }
}
