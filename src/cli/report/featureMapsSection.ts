import { basename } from 'node:path';
import type * as tf from '@tensorflow/tfjs-core';
import { computeActivations, predictionLayerId, topPredictions } from '../../core/activations';
import { loadModelInput } from '../../core/node/imageFiles';
import { toDisplayRgba } from '../../core/preprocess';
import { channelPictures } from '../../core/render/channelMaps';
import { composeImageGrid } from '../../core/render/imageGrid';
import type { InputSpec } from '../../shared/model';
import { displayShape } from '../../shared/shapeText';
import { fileSafe } from '../outputFiles';
import { preprocessLine } from '../preprocessOption';
import { escapeHtml, figure } from './html';
import { failureReason } from './partFailure';
import type { ReportContext, ReportSection } from './reportTypes';
import { writePicture, writePng } from './reportPicture';

/** How many sample images the report shows feature maps for. */
const IMAGES = 4;
/** Channels drawn per layer: a 2048-channel grid would be a picture nobody reads. */
export const MAX_CHANNELS = 64;

/** A layer's figure caption; when the grid holds only the first MAX_CHANNELS channels, it says so. */
export function mapsCaption(layerId: string, shape: string, channels: number): string {
  const subset = channels > MAX_CHANNELS ? ` · showing ${MAX_CHANNELS} of ${channels} channels (0–${MAX_CHANNELS - 1})` : '';
  return `${layerId}: ${shape}${subset}`;
}

export const featureMapsSection: ReportSection = async (ctx) => {
  const { model, images } = ctx;
  const picked = ctx.layers ? new Set(ctx.layers) : undefined;
  const layers = model.info.layers.filter((l) => l.kind !== 'input' && l.outputShape.length === 4 && (!picked || picked.has(l.id)));
  const title = '<h2>Feature maps</h2>';
  if (images.length === 0) return `<section>${title}<p class="note">No sample images: pass --samples DIR.</p></section>`;
  if (layers.length === 0) return `<section>${title}<p class="note">None of the chosen layers has a spatial output.</p></section>`;
  const blocks: string[] = [];
  const skipped: string[] = [];
  let shown = 0;
  // A sample that cannot be read is passed over (and named): the next one takes its place.
  for (const imagePath of images) {
    if (shown === IMAGES) break;
    let loaded: { input: tf.Tensor4D; spec: InputSpec };
    try {
      loaded = await loadModelInput(model, imagePath, ctx.inputSettings);
    } catch (e) {
      const reason = failureReason(e, ctx.backend);
      skipped.push(reason);
      ctx.skipImage(imagePath, reason);
      continue;
    }
    shown++;
    const { input, spec } = loaded;
    try {
      blocks.push(await ctx.part(`Feature maps of ${basename(imagePath)}`, () => imageBlock(ctx, imagePath, input, spec, layers.map((l) => l.id))));
    } finally {
      input.dispose();
    }
  }
  const skippedNote = skipped.length ? `<p class="notice">Skipped ${skipped.length} image${skipped.length > 1 ? 's' : ''}: ${skipped.map(escapeHtml).join(' ')}</p>\n` : '';
  return `<section>${title}<p class="note">Every layer from one forward pass; each channel coloured (viridis) over its own range.</p>\n${skippedNote}${blocks.join('\n')}</section>`;
};

async function imageBlock(ctx: ReportContext, imagePath: string, input: tf.Tensor4D, spec: InputSpec, layerIds: string[]): Promise<string> {
  const { model, outDir } = ctx;
  const predictId = predictionLayerId(model.info);
  const ids = [...layerIds, ...(predictId && !layerIds.includes(predictId) ? [predictId] : [])];
  const acts = await computeActivations(model, input, ids);
  const stem = fileSafe(basename(imagePath).replace(/\.[^.]+$/, ''));
  const display = await toDisplayRgba(input, spec);
  const inputFile = `maps-${stem}-input.png`;
  await writePng(outDir, inputFile, display.data, display.width, display.height);
  // Shown at 112 px beside the maps, stored as the model sees it (224 px for ImageNet models): the picture opens it.
  const figures = [figure(inputFile, `input ${basename(imagePath)}`, 112, { href: display.width > 112 ? inputFile : undefined })];
  for (const act of acts.filter((a) => a.shape.length === 4 && layerIds.includes(a.layerId))) {
    // One stored pixel a value, drawn `scale` times larger by the page (pixelated): the file used to hold each value
    // as scale × scale pixels, which added nothing and made GoogLeNet's conv1 grid 1806 px wide and 1.4 MB.
    const scale = act.shape[1] < 20 ? 4 : 2;
    const grid = composeImageGrid(channelPictures(act, 'viridis', MAX_CHANNELS), { scale: 1, gap: 1, background: [40, 40, 40, 255] });
    const file = `maps-${stem}-${fileSafe(act.layerId)}.png`;
    const pic = await writePicture(outDir, file, grid, true, 'lz77');
    const shown = pic.href ? pic : { width: grid.width * scale, height: grid.height * scale };
    figures.push(figure(file, mapsCaption(act.layerId, displayShape(act.shape, model.info.nativeLayout, { batch: 'omit' }), act.shape[3] ?? 0), shown.width, { height: shown.height, href: pic.href }));
  }
  const logits = predictId ? acts.find((a) => a.layerId === predictId) : undefined;
  const preds = logits ? topPredictions(logits.data, spec.labels, 5) : [];
  const predText = preds.map((p) => `${escapeHtml(p.label)} ${(p.probability * 100).toFixed(1)}%`).join(', ');
  ctx.log(`feature maps ${basename(imagePath)}`);
  return `<h3>${escapeHtml(basename(imagePath))}</h3><p class="note">${escapeHtml(preprocessLine(spec))}</p>${preds.length ? `<p>Top predictions: ${predText}</p>` : ''}\n${figures.join('\n')}`;
}
