import { join } from 'node:path';
import { encodePng } from '../../core/image/encodePng';
import { composeKernelGrid } from '../../core/kernels/kernelGrid';
import { computeKernelTiles } from '../../core/kernels/kernelTiles';
import { fileSafe, writeFileAtomic } from '../outputFiles';
import { figure } from './html';
import type { ReportSection } from './reportTypes';

export const kernelsSection: ReportSection = async ({ model, outDir, log }) => {
  const convs = model.info.layers.filter((l) => l.kernelShape && (l.kind === 'conv' || l.kind === 'depthwiseConv'));
  const figures: string[] = [];
  for (const layer of convs) {
    const tiles = await computeKernelTiles(model, layer.id, { mode: 'auto', normalize: 'filter' });
    const scale = Math.max(1, Math.round(24 / Math.max(tiles.tileWidth, tiles.tileHeight)));
    const grid = composeKernelGrid(tiles, { scale, gap: 3, background: [255, 255, 255, 255] });
    const file = `kernels-${fileSafe(layer.id)}.png`;
    writeFileAtomic(join(outDir, file), encodePng(grid.rgba, grid.width, grid.height));
    figures.push(figure(file, `${layer.id}: ${tiles.count} tiles, kernel ${tiles.kernelShape.join('×')} (${tiles.mode})`));
    log(`kernels ${layer.id}`);
  }
  const body = figures.length ? figures.join('\n') : '<p class="note">This model has no convolution layers.</p>';
  return `<section><h2>Kernels</h2><p class="note">Each tile is one filter, normalized on its own; with several input channels the tile shows their mean.</p>\n${body}</section>`;
};
