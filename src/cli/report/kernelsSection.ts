import { composeKernelGrid } from '../../core/kernels/kernelGrid';
import { computeKernelTiles } from '../../core/kernels/kernelTiles';
import { displayKernelShape } from '../../shared/shapeText';
import { fileSafe } from '../outputFiles';
import { writePng } from './reportPicture';
import { figure } from './html';
import type { ReportSection } from './reportTypes';

/** Every conv layer's filters (or those of the --layers that have any), one figure each. */
export const kernelsSection: ReportSection = async (ctx) => {
  const { model, outDir, log } = ctx;
  const picked = ctx.layers ? new Set(ctx.layers) : undefined;
  const convs = model.info.layers.filter((l) => l.kernelShape && (l.kind === 'conv' || l.kind === 'depthwiseConv') && (!picked || picked.has(l.id)));
  const figures: string[] = [];
  for (const layer of convs) {
    figures.push(
      await ctx.part(`Kernels of ${layer.id}`, async () => {
        const tiles = await computeKernelTiles(model, layer.id, { mode: 'auto', normalize: 'filter' });
        const scale = Math.max(1, Math.round(24 / Math.max(tiles.tileWidth, tiles.tileHeight)));
        const grid = composeKernelGrid(tiles, { scale, gap: 3, background: [255, 255, 255, 255] });
        const file = `kernels-${fileSafe(layer.id)}.png`;
        await writePng(outDir, file, grid.rgba, grid.width, grid.height);
        log(`kernels ${layer.id}`);
        // "(mean)" of one input channel read as if channels had been averaged: the tile is that channel's weights.
        const single = tiles.mode === 'mean' && layer.kind === 'conv' && tiles.kernelShape[2] === 1;
        return figure(file, `${layer.id}: ${tiles.count} tiles, kernel ${displayKernelShape(tiles.kernelShape, model.info.nativeLayout, layer.kind)}${single ? '' : ` (${tiles.mode})`}`);
      }),
    );
  }
  const none = picked ? 'None of the chosen layers is a convolution.' : 'This model has no convolution layers.';
  const body = figures.length ? figures.join('\n') : `<p class="note">${none}</p>`;
  return `<section><h2>Kernels</h2><p class="note">Each tile is one filter, normalized on its own; with several input channels the tile shows their mean.</p>\n${body}</section>`;
};
