import { basename } from 'node:path';
import { topkOfFolder } from '../../core/node/topkOfFolder';
import { channelRow, loadDisplayImages, rowLayout } from '../../core/topk/topkPictures';
import type { LayerInfo } from '../../shared/model';
import { fileSafe } from '../outputFiles';
import { escapeHtml, figure } from './html';
import type { ReportContext, ReportSection } from './reportTypes';
import { withPngWriter, writePicture } from './reportPicture';
import { MAX_IMAGE_FILE_BYTES, readRegularFile } from '../../core/node/regularFile';

const K = 5;
/** A wide last layer (1024 channels) would drown the page: the first ones tell the story. */
const MAX_CHANNELS = 64;

/** Top-5 of the report's images for every channel of the model's last conv layer (or of each of the --layers). */
export const topkSection: ReportSection = async (ctx) => {
  const title = '<h2>Dataset examples</h2>';
  const layers = topkLayers(ctx);
  if (layers.length === 0) {
    const none = ctx.layers ? 'None of the chosen layers has a spatial output.' : 'This model has no convolution layer with a spatial output.';
    return `<section>${title}<p class="note">${none}</p></section>`;
  }
  if (ctx.images.length === 0) return `<section>${title}<p class="note">No images were given (pass --samples DIR, or put some in the model's samples/ folder).</p></section>`;
  const parts: string[] = [];
  for (const layer of layers) parts.push(await ctx.part(`Dataset examples of ${layer.id}`, () => layerTopk(ctx, layer)));
  return `<section>${title}${parts.join('\n')}</section>`;
};

function topkLayers(ctx: ReportContext): LayerInfo[] {
  const { layers } = ctx.model.info;
  if (ctx.layers) {
    const picked = new Set(ctx.layers);
    return layers.filter((l) => picked.has(l.id) && l.kind !== 'input' && l.outputShape.length === 4);
  }
  const last = layers.filter((l) => l.kind === 'conv' && l.outputShape.length === 4).pop();
  return last ? [last] : [];
}

async function layerTopk(ctx: ReportContext, layer: LayerInfo): Promise<string> {
  const { model, outDir, images, log } = ctx;
  const { result, spec } = await topkOfFolder(model, { layerId: layer.id, images: { files: images }, k: K, inputSettings: ctx.inputSettings });
  for (const s of result.skipped) ctx.skipImage(s.file, s.reason);
  const pictures = await loadDisplayImages(result, (f) => readRegularFile(f, MAX_IMAGE_FILE_BYTES), spec);
  const layout = rowLayout(result, 56);
  const shown = Math.min(result.channels, MAX_CHANNELS);
  // Fewer images than K: a slot per image (4 images read "The 5 of 4 images", with an empty fifth slot a row).
  const slots = Math.max(1, Math.min(K, result.imageCount));
  const figures: string[] = [];
  // Each row deflates while the next is drawn; all are on disk before the part returns.
  await withPngWriter(async (pngs) => {
    for (let c = 0; c < shown; c++) {
      const best = result.top[c]?.[0];
      if (!best || !(best.value > 0)) {
        // A channel that never fires on these images has no top images: every image ties at its maximum, and drawing
        // the first 5 by name with a box at (0, 0) read as if those digits excited it.
        const max = best ? ` (max ${best.value.toPrecision(3)})` : '';
        figures.push(`<p class="note dead">channel ${c}: never active on these ${result.imageCount} images${max}, so it has no top images.</p>`);
        continue;
      }
      const row = channelRow(result.top[c] ?? [], slots, pictures, layout);
      const file = `topk-${fileSafe(layer.id)}-${c}.png`;
      // At the page's width: GoogLeNet's rows of 224 px images were 1812 px wide (687 kB each, 40 MB for 64 channels)
      // and shown at 1068; the images themselves are the user's own files, named in the tooltip.
      const pic = await writePicture(outDir, file, row, false, pngs);
      const names = (result.top[c] ?? []).slice(0, slots).map((e) => basename(e.file)).join(', ');
      figures.push(figure(file, `channel ${c}: max ${best.value.toPrecision(3)}`, pic.width, { height: pic.height, title: names }));
    }
  });
  log(`top-k ${layer.id}: ${result.imageCount} images in ${result.ms} ms`);
  const [fh, fw] = result.receptiveField.size;
  const field = fh !== null && fw !== null ? `${fh}×${fw} px` : 'the whole image';
  const skipped = result.skipped.length
    ? `<p class="notice">Skipped ${result.skipped.length}: ${result.skipped.map((s) => escapeHtml(s.reason)).join(' ')}</p>`
    : '';
  const more = shown < result.channels ? ` The first ${shown} of ${result.channels} channels are shown.` : '';
  const heading = ctx.layers ? `<h3>${escapeHtml(layer.id)}</h3>` : '';
  return `${heading}<p class="note">${slots < result.imageCount ? `The ${slots} of ${result.imageCount}` : `The ${result.imageCount}`} images that activate each channel of ${escapeHtml(layer.id)} most (by its maximum over positions), as the model sees them with the strongest unit's receptive field (${escapeHtml(field)}) outlined, then those crops.${more}</p>
${skipped}${figures.join('\n')}`;
}
