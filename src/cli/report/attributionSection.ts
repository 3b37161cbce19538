// The report's attribution section: for the first sample images, which pixels made the model give its top class.
// The first image gets every method, so the report shows them all side by side; the next gets Grad-CAM (where in
// the last spatial layer) and gradient saliency (which input pixels), one forward + backward pass each. The
// costly methods run with small budgets here (IG 16 steps, SmoothGrad 16 samples, occlusion on a 7 × 7 grid of
// windows): the report illustrates them, the panel and `layer-lens attribute` take any budget. On a model where
// one forward + backward is slow they would cost minutes per report, so they run only when their estimate (from
// the faster of the saliency and gradient × input passes) fits COSTLY_BUDGET_MS, and otherwise a note names the
// command that runs them.
import { basename } from 'node:path';
import type * as tf from '@tensorflow/tfjs-core';
import { computeActivations, predictionLayerId, topPredictions } from '../../core/activations';
import { explain } from '../../core/attribution';
import { loadModelInput } from '../../core/node/imageFiles';
import { toDisplayRgba } from '../../core/preprocess';
import { ATTRIBUTION_METHOD_NAMES, ATTRIBUTION_METHODS, type AttributionMap, type AttributionMethod, type AttributionOptions } from '../../shared/attribution';
import { ATTRIBUTION_COLORMAP, attributionRange, blendAttribution, colourBarRgba, formatAttributionValue } from '../../shared/attributionOverlay';
import type { InputSpec } from '../../shared/model';
import { fileSafe } from '../outputFiles';
import { escapeHtml, figure } from './html';
import { failureReason } from './partFailure';
import type { ReportContext, ReportSection } from './reportTypes';
import { writePng } from './reportPicture';

/** Sample images explained: the section shows the idea, the panel and `layer-lens attribute` do the rest. */
export const ATTRIBUTION_IMAGES = 2;
/** Every method for the first image; these two for the others. */
export const REPORT_ATTRIBUTION_METHODS: readonly AttributionMethod[] = ['gradcam', 'saliency'];
export const REPORT_FIRST_IMAGE_METHODS: readonly AttributionMethod[] = ATTRIBUTION_METHODS;
const METHOD_NAMES = ATTRIBUTION_METHOD_NAMES;
const REPORT_STEPS = 16;
const REPORT_SAMPLES = 16;
/** Occlusion windows per side: 7 × 7 windows of forward passes only, whatever the input's size. */
const OCCLUSION_GRID = 7;
const COSTLY: readonly AttributionMethod[] = ['smoothgrad', 'ig', 'occlusion'];
/** Forward + backward passes of the three costly methods: IG's steps + 2, SmoothGrad's samples, ~50 forwards ≈ 17. */
const COSTLY_PASSES = REPORT_STEPS + 2 + REPORT_SAMPLES + Math.ceil(((OCCLUSION_GRID + 1) ** 2) / 3);
/** The most the costly methods may add to a report: the sample digit model needs ~0.2 s, an ImageNet CNN minutes. */
export const COSTLY_BUDGET_MS = 5000;
const OPACITY = 0.6;

/** The section with the costly methods' time budget; tests pass their own to check both sides of it. */
export function attributionSectionWith(costlyBudgetMs: number): ReportSection {
  return (ctx) => section(ctx, costlyBudgetMs);
}

export const attributionSection: ReportSection = attributionSectionWith(COSTLY_BUDGET_MS);

async function section(ctx: ReportContext, costlyBudgetMs: number): Promise<string> {
  const title = '<h2>Attribution</h2>';
  const predictId = predictionLayerId(ctx.model.info);
  if (!predictId) return `<section>${title}<p class="note">The model has no class output to explain.</p></section>`;
  // A segmentation or detection head has no top class: the section says how to explain one of its units instead.
  const predictShape = ctx.model.info.layers.find((l) => l.id === predictId)?.outputShape;
  if (predictShape && predictShape.length > 0 && (predictShape.length !== 2 || (predictShape[1] !== null && predictShape[1] < 2))) {
    return `<section>${title}<p class="note">The model's output ${escapeHtml(predictId)} is not a vector of classes, so there is no top class to explain; the Explain section in VS Code and <code>layer-lens attribute --layer L --unit U</code> explain any unit of any layer.</p></section>`;
  }
  if (ctx.images.length === 0) return `<section>${title}<p class="note">No sample images: pass --samples DIR.</p></section>`;
  const blocks: string[] = [];
  let shown = 0;
  for (const imagePath of ctx.images) {
    if (shown === ATTRIBUTION_IMAGES) break;
    let loaded: { input: tf.Tensor4D; spec: InputSpec };
    try {
      loaded = await loadModelInput(ctx.model, imagePath, ctx.inputSettings);
    } catch (e) {
      // The feature maps section names the image it passed over; here it is only left out.
      ctx.skipImage(imagePath, failureReason(e, ctx.backend));
      continue;
    }
    shown++;
    try {
      const methods = shown === 1 ? REPORT_FIRST_IMAGE_METHODS : REPORT_ATTRIBUTION_METHODS;
      blocks.push(await ctx.part(`Attribution of ${basename(imagePath)}`, () => imageBlock(ctx, imagePath, loaded.input, loaded.spec, predictId, methods, costlyBudgetMs)));
    } finally {
      loaded.input.dispose();
    }
  }
  const note = `<p class="note">Why the model gave its top class: Grad-CAM weights the last spatial layer's maps by the class's gradient (Grad-CAM++ by its positive parts; guided Grad-CAM multiplies it by guided backpropagation); saliency is the gradient's size at each input pixel, gradient × input its product with the pixel, SmoothGrad its mean over ${REPORT_SAMPLES} noisy copies; Integrated Gradients sums gradients along ${REPORT_STEPS} steps from a black image; occlusion is the drop in the class's score when a window of the image is blacked out. The first image shows every method, the others Grad-CAM and saliency. Colours (${ATTRIBUTION_COLORMAP}) span each map's own range, given under it.</p>`;
  return `<section>${title}${note}\n${blocks.join('\n')}</section>`;
}

async function imageBlock(ctx: ReportContext, imagePath: string, input: tf.Tensor4D, spec: InputSpec, predictId: string, methods: readonly AttributionMethod[], costlyBudgetMs: number): Promise<string> {
  const [logits] = await computeActivations(ctx.model, input, [predictId]);
  const [top] = topPredictions(logits!.data, spec.labels, 1);
  if (!top) return `<h3>${escapeHtml(basename(imagePath))}</h3><p class="note">No prediction to explain.</p>`;
  const display = await toDisplayRgba(input, spec);
  const stem = fileSafe(basename(imagePath).replace(/\.[^.]+$/, ''));
  const figures: string[] = [];
  /** One forward + backward, as the saliency and gradient × input maps measured it; undefined until then. */
  let passMs: number | undefined;
  const leftOut: AttributionMethod[] = [];
  // Each method is its own part: one that fails becomes a notice beside the other's picture.
  for (const method of methods) {
    const name = METHOD_NAMES[method];
    if (COSTLY.includes(method) && (passMs === undefined || passMs * COSTLY_PASSES > costlyBudgetMs)) {
      leftOut.push(method);
      continue;
    }
    figures.push(await ctx.part(`${name} of ${basename(imagePath)}`, async () => {
      const map = await explain(ctx.model, input, reportOptions(method, top.classIndex, input), { labels: spec.labels, inputSpec: spec });
      // The fastest one-pass input gradient: the first one (saliency) also pays the backend's warm-up, which made
      // GoogLeNet's estimate 9259 ms a pass (~518 s) when gradient × input, right after it, took 446 ms.
      if (method === 'saliency' || method === 'gradxinput') passMs = Math.min(passMs ?? Infinity, map.ms / map.passes);
      const file = `attribution-${stem}-${method}.png`;
      const picture = overlayWithBar(display, map);
      await writePng(ctx.outDir, file, picture.rgba, picture.width, picture.height);
      const range = attributionRange(map.data, ATTRIBUTION_COLORMAP);
      const layer = map.camLayerId ? ` at ${map.camLayerId}` : '';
      const gap = map.completeness ? `, completeness gap ${(map.completeness.gap * 100).toFixed(1)} %` : '';
      const caption = `${name}${layer}: ${formatAttributionValue(range.min)} to ${formatAttributionValue(range.max)} (${map.passes} ${map.passes === 1 ? 'pass' : 'passes'}, ${map.ms.toFixed(0)} ms${gap})`;
      return figure(file, caption, Math.max(112, Math.min(224, picture.width)));
    }));
  }
  if (leftOut.length > 0) {
    const cost = passMs === undefined ? 'the saliency map, which measures their cost, failed' : `one forward + backward takes ${passMs.toFixed(0)} ms here, so they would add ~${((passMs * COSTLY_PASSES) / 1000).toFixed(0)} s`;
    figures.push(`<p class="note">${leftOut.map((m) => METHOD_NAMES[m]).join(', ')} left out: ${cost}; <code>layer-lens attribute --method ${leftOut[0]}</code> runs them on this image.</p>`);
  }
  ctx.log(`attribution ${basename(imagePath)}`);
  return `<h3>${escapeHtml(basename(imagePath))}: ${escapeHtml(top.label)} ${(top.probability * 100).toFixed(1)}%</h3>\n${figures.join('\n')}`;
}

/** The report's small budgets for the costly methods; the cheap ones take the core's defaults. */
function reportOptions(method: AttributionMethod, classIndex: number, input: tf.Tensor4D): AttributionOptions {
  const options: AttributionOptions = { method, target: { kind: 'class', classIndex } };
  if (method === 'ig') options.steps = REPORT_STEPS;
  if (method === 'smoothgrad') options.samples = REPORT_SAMPLES;
  if (method === 'occlusion') {
    const side = Math.min(input.shape[1], input.shape[2]);
    options.window = Math.max(1, Math.round(side / OCCLUSION_GRID));
    options.stride = options.window;
  }
  return options;
}

/** The map over the input at the input's resolution, a gap, and the colour bar (low left, high right) under it. */
export function overlayWithBar(display: { width: number; height: number; data: Uint8Array | Uint8ClampedArray }, map: AttributionMap): { width: number; height: number; rgba: Uint8ClampedArray } {
  const overlay = blendAttribution({ width: display.width, height: display.height, rgba: display.data }, map, ATTRIBUTION_COLORMAP, OPACITY);
  const { width, height } = map;
  const gap = Math.max(1, Math.round(height / 28));
  const barRows = Math.max(2, Math.round(height / 10));
  const rgba = new Uint8ClampedArray(width * (height + gap + barRows) * 4).fill(255);
  rgba.set(overlay, 0);
  rgba.set(colourBarRgba(ATTRIBUTION_COLORMAP, width, barRows), width * (height + gap) * 4);
  return { width, height: height + gap + barRows, rgba };
}
