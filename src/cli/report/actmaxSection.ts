import { renderActmax } from '../../core/actmax/render';
import { modelInputSpec } from '../../core/node/imageFiles';
import { composeImageGrid, type RgbaPicture } from '../../core/render/imageGrid';
import type { ActmaxRequest } from '../../shared/actmax';
import { LayerLensError } from '../../shared/errors';
import type { LayerInfo } from '../../shared/model';
import { fileSafe } from '../outputFiles';
import { escapeHtml, figure } from './html';
import type { ReportContext, ReportSection } from './reportTypes';
import { writePicture, type WrittenPicture } from './reportPicture';

/** Units optimized together in one batch. */
const BATCH = 16;
/** A wide layer would take an hour and drown the page: its first channels tell the story. */
const MAX_UNITS = 64;

/**
 * The seed's GoogLeNet gallery, for the report's model: every channel of its last conv layer (or of each of the
 * --layers), and every class.
 */
export const actmaxSection: ReportSection = async (ctx) => {
  const { model, steps } = ctx;
  const parts: string[] = [];
  for (const layer of actmaxLayers(ctx)) {
    const what = `Activation maximization of ${layer.id}`;
    const channels = Number(layer.outputShape[layer.outputShape.length - 1]);
    if (!(channels > 0)) {
      parts.push(`<h3>${escapeHtml(layer.id)}</h3>${ctx.fail(what, new LayerLensError('unresolvedShape', `${layer.id} has no fixed channel count, so the report cannot pick its units.`))}`);
      continue;
    }
    const units = Array.from({ length: Math.min(channels, MAX_UNITS) }, (_, i) => i);
    parts.push(
      // Not "every channel" when MAX_UNITS cut it: inception4a's 512 said so over a grid of 64.
      `<h3>${escapeHtml(layer.id)}: ${units.length < channels ? `the first ${units.length} of ${channels} channels` : 'every channel'}</h3>` +
        (await ctx.part(what, async () => {
          const file = await atlas(ctx, what, { layerId: layer.id, units, preset: 'lucid', overrides: { steps } }, `atlas-${fileSafe(layer.id)}.png`);
          const more = units.length < channels ? ` (the first ${units.length} of ${channels})` : '';
          return `${file.notices}${figure(file.picture.src, `${units.length} channels${more}, preset lucid, ${steps} steps, ${file.msPerStep.toFixed(1)} ms/step`, file.picture.width, file.picture)}`;
        })),
    );
  }
  const logitsId = model.info.logitsId;
  const logits = logitsId ? model.info.layers.find((l) => l.id === logitsId) : undefined;
  const classes = logits ? Number(logits.outputShape[logits.outputShape.length - 1]) : 0;
  if (logitsId && classes > 0 && classes <= 100) {
    const units = Array.from({ length: classes }, (_, i) => i);
    const what = `Class images of ${logitsId}`;
    parts.push(
      `<h3>Class logits ${escapeHtml(logitsId)}: one image per class</h3>` +
        (await ctx.part(what, async () => {
          const file = await atlas(ctx, what, { layerId: logitsId, units, preset: 'lucid', objective: { kind: 'classLogit', layerId: logitsId }, overrides: { steps } }, 'classes.png');
          return `${file.notices}${figure(file.picture.src, `classes 0–${classes - 1}, preset lucid, ${steps} steps`, file.picture.width, file.picture)}`;
        })),
    );
  }
  if (parts.length === 0) return '';
  return `<section><h2>Activation maximization</h2><p class="note">Images optimized to excite one unit each (Fourier parameterization, color decorrelation, Lucid's standard transforms, Adam). Reproduce one with <code>layer-lens actmax --model M --layer L --unit K</code>.</p>\n${parts.join('\n')}</section>`;
};

/** The last conv layer by default; with --layers, each chosen layer but the input. */
function actmaxLayers(ctx: ReportContext): LayerInfo[] {
  const { layers } = ctx.model.info;
  if (ctx.layers) {
    const picked = new Set(ctx.layers);
    return layers.filter((l) => picked.has(l.id) && l.kind !== 'input');
  }
  const last = layers.filter((l) => l.kind === 'conv' && l.kernelShape).pop();
  return last ? [last] : [];
}

/**
 * Units optimized together: BATCH at 224 × 224 and below, fewer for larger inputs so that a batch's activations and
 * gradients fit wasm's 4 GB memory (16 units of InceptionV3 at 299 px did not; 8 do).
 */
function unitsPerBatch(pixels: number): number {
  return Math.max(1, Math.min(BATCH, Math.floor((BATCH * 224 * 224) / pixels)));
}

/**
 * One image per unit, a batch of units at a time, as one grid. When the first batch fails the layer fails; a later
 * batch that fails leaves grey tiles and a notice, the others stay.
 */
async function atlas(ctx: ReportContext, what: string, request: ActmaxRequest, name: string): Promise<{ picture: WrittenPicture; msPerStep: number; notices: string }> {
  const inputSpec = await modelInputSpec(ctx.model, ctx.inputSettings);
  const pictures: RgbaPicture[] = [];
  const notices: string[] = [];
  let ms = 0;
  const batch = unitsPerBatch(inputSpec.height * inputSpec.width);
  for (let i = 0; i < request.units.length; i += batch) {
    const units = request.units.slice(i, i + batch);
    const span = `units ${units[0]}–${units[units.length - 1]}`;
    try {
      const result = await renderActmax(ctx.model, { ...request, units, inputSpec });
      ms = result.msPerStep;
      for (const rgba of result.images) pictures.push({ width: result.width, height: result.height, rgba });
      ctx.log(`actmax ${request.layerId} ${span}: ${result.msPerStep.toFixed(1)} ms/step`);
    } catch (e) {
      if (i === 0) throw e;
      notices.push(ctx.fail(`${what}, ${span}`, e));
      const { width, height } = pictures[0];
      for (let u = 0; u < units.length; u++) pictures.push({ width, height, rgba: new Uint8ClampedArray(width * height * 4).fill(200) });
    }
  }
  const scale = pictures[0] && pictures[0].width < 64 ? 3 : 1;
  const grid = composeImageGrid(pictures, { scale, gap: 3, columns: Math.min(pictures.length, 8), background: [255, 255, 255, 255] });
  // GoogLeNet's 64 units at 224 px: 1813 px wide, 7.5 MB, shown at 1068. The page shows the grid at its width and
  // links the whole one, whose every unit keeps its pixels.
  const picture = await writePicture(ctx.outDir, name, grid, true);
  return { picture, msPerStep: ms, notices: notices.join('\n') };
}
