// One entry for every attribution method: check the request against the model, run the method, hand back the raw
// H × W map at the input's resolution with what it cost. The caller owns `input`.
import * as tf from '@tensorflow/tfjs-core';
import { ATTRIBUTION_LIMITS, type AttributionMap, type AttributionOptions } from '../../shared/attribution';
import { LayerLensError } from '../../shared/errors';
import type { InputSpec } from '../../shared/model';
import { throwIfAborted } from '../abort';
import type { LongCallOptions, LoadedModel } from '../model/loadedModel';
import { blackBaseline, makeBaseline } from './baselines';
import { defaultCamLayerId } from './camLayer';
import { gradCam } from './gradCam';
import { gradTimesInput, maxOverChannels, saliency, smoothGrad } from './gradientMaps';
import { guidedGradient } from './guidedBackprop';
import { integratedGradients } from './integratedGradients';
import { occlusion } from './occlusion';
import { readAll as readMap } from './readBack';
import { resolveTarget } from './target';

export interface ExplainCallOptions extends LongCallOptions {
  /** Class names (the input spec's labels) for the map's target label. */
  labels?: readonly string[];
  /** How the image became `input`: black and noise baselines are pixels put through it. Without it black is 0. */
  inputSpec?: InputSpec;
}

export const ATTRIBUTION_DEFAULTS = { steps: 32, samples: 25, noise: 0.15, window: 16, stride: 8, batchSize: 8, seed: 0 } as const;

function positiveInt(value: number | undefined, fallback: number, what: string, max: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1 || value > max) throw new LayerLensError('badArgument', `${what} must be a whole number from 1 to ${max}, not ${value}.`);
  return value;
}

function camLayerOf(model: LoadedModel, options: AttributionOptions): string {
  const id = options.camLayerId ?? defaultCamLayerId(model.info, options.target.kind === 'unit' ? options.target.layerId : undefined);
  if (!id) throw new LayerLensError('badArgument', `${model.info.name} has no layer with a spatial map, so Grad-CAM has nothing to weight.`);
  const layer = model.info.layers.find((l) => l.id === id);
  if (!layer) throw new LayerLensError('unknownLayer', `${model.info.name} has no layer "${id}".`);
  if (layer.outputShape.length !== 4) throw new LayerLensError('badArgument', `${id} has no spatial map (its output is ${layer.outputShape.map((d) => d ?? 'N').join('×')}), so Grad-CAM cannot use it.`);
  return id;
}

export async function explain(model: LoadedModel, input: tf.Tensor4D, options: AttributionOptions, call?: ExplainCallOptions): Promise<AttributionMap> {
  const started = performance.now();
  if (input.rank !== 4 || input.shape[0] !== 1) throw new LayerLensError('badArgument', `Attribution explains one image at a time; the input has shape ${input.shape.join('×')}.`);
  const target = resolveTarget(model, options.target, call?.labels);
  const steps = positiveInt(options.steps, ATTRIBUTION_DEFAULTS.steps, 'The number of steps', ATTRIBUTION_LIMITS.steps);
  const samples = positiveInt(options.samples, ATTRIBUTION_DEFAULTS.samples, 'The number of samples', ATTRIBUTION_LIMITS.samples);
  const batchSize = positiveInt(options.batchSize, ATTRIBUTION_DEFAULTS.batchSize, 'The batch size', ATTRIBUTION_LIMITS.batchSize);
  const seed = options.seed ?? ATTRIBUTION_DEFAULTS.seed;
  const noise = options.noise ?? ATTRIBUTION_DEFAULTS.noise;
  if (!(noise >= 0 && noise <= ATTRIBUTION_LIMITS.noise)) throw new LayerLensError('badArgument', `The noise level must be from 0 to ${ATTRIBUTION_LIMITS.noise} (a fraction of the input's range), not ${noise}.`);
  const [, height, width] = input.shape;
  const camLayerId = ['gradcam', 'gradcampp', 'guided-gradcam'].includes(options.method) ? camLayerOf(model, options) : undefined;
  throwIfAborted(call?.signal, 'The attribution');

  const result = (data: Float32Array, passes: number, extra: Partial<AttributionMap> = {}): AttributionMap => ({
    method: options.method,
    height,
    width,
    data,
    targetLabel: target.label,
    ...(camLayerId ? { camLayerId } : {}),
    ...extra,
    passes,
    ms: performance.now() - started,
  });

  switch (options.method) {
    case 'saliency':
      return result(await readMap(saliency(model, target, input)), 1);
    case 'gradxinput':
      return result(await readMap(gradTimesInput(model, target, input)), 1);
    case 'smoothgrad':
      return result(await readMap(await smoothGrad(model, target, input, { samples, noise, seed, batchSize }, call)), samples);
    case 'ig': {
      const baseline = makeBaseline(options.baseline ?? 'black', input, seed, call?.inputSpec);
      try {
        const { map, completeness } = await integratedGradients(model, target, input, baseline, steps, batchSize, call);
        return result(await readMap(map), steps + 2, { completeness });
      } finally {
        baseline.dispose();
      }
    }
    case 'gradcam':
    case 'gradcampp':
      return result(await gradCam(model, target, input, camLayerId as string, options.method === 'gradcampp'), 1);
    case 'guided-gradcam': {
      // Captum's GuidedGradCam: guided backprop × the upsampled Grad-CAM, per channel; the map keeps the
      // largest magnitude over channels.
      const cam = await gradCam(model, target, input, camLayerId as string, false);
      const guided = tf.tidy(() => {
        const g = guidedGradient(model, target, input);
        return maxOverChannels(tf.mul(tf.abs(g), tf.tensor4d(cam, [1, height, width, 1])));
      });
      return result(await readMap(guided), 2);
    }
    case 'occlusion': {
      // A window or stride asked for beyond the input's side is refused; the default window shrinks to a small input.
      const side = Math.min(height, width);
      const window = positiveInt(options.window, ATTRIBUTION_DEFAULTS.window, 'The occlusion window (in input pixels)', side);
      const stride = positiveInt(options.stride, ATTRIBUTION_DEFAULTS.stride, 'The occlusion stride (in input pixels)', side);
      const baseline = blackBaseline(input, call?.inputSpec);
      try {
        const { map, passes } = await occlusion(model, target, input, baseline, { window, stride, batchSize }, call);
        return result(map, passes);
      } finally {
        baseline.dispose();
      }
    }
    default:
      throw new LayerLensError('badArgument', `Unknown attribution method "${String(options.method)}".`);
  }
}
