import { basename, join } from 'node:path';
import { computeActivations, predictionLayerId, topPredictions } from '../../core/activations';
import { encodePng } from '../../core/image/encodePng';
import { loadModelInput } from '../../core/node/imageFiles';
import { toDisplayRgba } from '../../core/preprocess';
import { channelPictures } from '../../core/render/channelMaps';
import { composeImageGrid } from '../../core/render/imageGrid';
import { fileSafe, writeFileAtomic } from '../outputFiles';
import { escapeHtml, figure } from './html';
import type { ReportSection } from './reportTypes';

/** How many sample images the report shows feature maps for. */
const IMAGES = 4;

export const featureMapsSection: ReportSection = async ({ model, outDir, images, log }) => {
  const layers = model.info.layers.filter((l) => l.kind !== 'input' && l.outputShape.length === 4);
  const predictId = predictionLayerId(model.info);
  if (images.length === 0) return '<section><h2>Feature maps</h2><p class="note">No sample images: pass --images DIR.</p></section>';
  const blocks: string[] = [];
  for (const imagePath of images.slice(0, IMAGES)) {
    const { input, spec } = await loadModelInput(model, imagePath);
    try {
      const ids = [...layers.map((l) => l.id), ...(predictId ? [predictId] : [])];
      const acts = await computeActivations(model, input, ids);
      const stem = fileSafe(basename(imagePath).replace(/\.[^.]+$/, ''));
      const display = toDisplayRgba(input, spec);
      const inputFile = `maps-${stem}-input.png`;
      writeFileAtomic(join(outDir, inputFile), encodePng(display.data, display.width, display.height));
      const figures = [figure(inputFile, `input ${basename(imagePath)}`, 112)];
      for (const act of acts.filter((a) => a.shape.length === 4)) {
        const grid = composeImageGrid(channelPictures(act, 'viridis', 64), { scale: act.shape[1] < 20 ? 4 : 2, gap: 2, background: [40, 40, 40, 255] });
        const file = `maps-${stem}-${fileSafe(act.layerId)}.png`;
        writeFileAtomic(join(outDir, file), encodePng(grid.rgba, grid.width, grid.height));
        figures.push(figure(file, `${act.layerId}: ${act.shape.slice(1).join('×')}`));
      }
      const logits = predictId ? acts.find((a) => a.layerId === predictId) : undefined;
      const preds = logits ? topPredictions(logits.data, spec.labels, 5) : [];
      const predText = preds.map((p) => `${escapeHtml(p.label)} ${(p.probability * 100).toFixed(1)}%`).join(', ');
      blocks.push(`<h3>${escapeHtml(basename(imagePath))}</h3>${preds.length ? `<p>Top predictions: ${predText}</p>` : ''}\n${figures.join('\n')}`);
      log(`feature maps ${basename(imagePath)}`);
    } finally {
      input.dispose();
    }
  }
  return `<section><h2>Feature maps</h2><p class="note">Every layer from one forward pass; each channel coloured (viridis) over its own range.</p>\n${blocks.join('\n')}</section>`;
};
