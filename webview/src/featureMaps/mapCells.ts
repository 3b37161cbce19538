// The Feature Maps grid as cells a keyboard and a screen reader reach (lib/gridTiles.ts): one per channel in view
// order (sorted or not), each named with its channel and its largest value.
import type { GridTilesModel } from '../lib/gridTiles';
import { shortValue } from './channelOrder';
import type { MapsView } from './drawMaps';
import { cellOrigin, type MapLayout } from './mapLayout';

export function mapCells(layerId: string, view: MapsView, l: MapLayout): GridTilesModel {
  return {
    label: `${layerId}: ${view.geometry.channels} channel maps. Enter shows a map over the image, Shift+Enter opens its unit page`,
    count: view.geometry.channels,
    cols: l.cols,
    rowPitch: l.cellHeight + l.gap,
    rect: (p) => ({ ...cellOrigin(l, p), width: l.cellWidth, height: l.cellHeight }),
    name: (p) => `${layerId} channel ${view.order[p]}, max ${shortValue(view.stats.max[view.order[p]])}`,
  };
}
