// The optimization loop (Lucid's render.py): parameterization → transforms → model → objective − penalties,
// Adam on the parameterization's variables, octaves, seeded draws, frames while it runs, cancel between steps.
import * as tf from '@tensorflow/tfjs-core';
// tfjs-core alone registers no gradients (the umbrella package does): actmax needs them all.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import './relu6Gradient';
import type { ActmaxFrame, ActmaxRequest, ActmaxResult, ActmaxSettings } from '../../shared/actmax';
import { LayerLensError } from '../../shared/errors';
import { throwIfAborted, yieldToEventLoop } from '../abort';
import type { LoadedModel, LongCallOptions } from '../model/loadedModel';
import { defaultInputSpec, fixedInputSize, toModelInput, toRgbaAsync } from './modelInput';
import { evaluateObjective, objectiveLayers, penaltyObjective, type ObjectiveContext } from './objectives';
import { createParam, type ImageParam } from './param';
import { resolveSettings } from './presets';
import { withRedirectedRelu } from './reluRedirect';
import { disposeFlipCache, withFastConvGrad, type FlipCache } from './fastConvGrad';
import { checkGradientPath } from './gradientCheck';
import { leanVariableGrads } from './leanGradients';
import { checkActmaxFits } from './memoryFit';
import { createRng } from './rng';
import { applyTransforms, fitToSize } from './transforms';

export interface ActmaxOptions extends LongCallOptions {
  onFrame?: (frame: ActmaxFrame) => void;
}

/** Yield at least this often (ms) so that a cancel message can arrive; a setTimeout costs ~1 ms. */
const YIELD_EVERY_MS = 25;

/** [H, W] of each octave, smallest first, the last the full size. */
export function octaveSizes(settings: ActmaxSettings): [number, number][] {
  const { count, scale } = settings.octaves;
  return Array.from({ length: count }, (_, k) => {
    const f = Math.pow(scale, count - 1 - k);
    return [Math.max(4, Math.round(settings.height / f)), Math.max(4, Math.round(settings.width / f))];
  });
}

/** Steps per octave: an even split, the remainder to the last. */
function octaveSteps(steps: number, count: number): number[] {
  const each = Math.floor(steps / count);
  return Array.from({ length: count }, (_, k) => (k === count - 1 ? steps - each * (count - 1) : each));
}

export async function renderActmax(model: LoadedModel, request: ActmaxRequest, options: ActmaxOptions = {}): Promise<ActmaxResult> {
  const spec = request.inputSpec ?? defaultInputSpec(model.info);
  const settings = resolveSettings(model.info, request, spec);
  const ctx: ObjectiveContext = { layerId: settings.layerId, units: settings.units, logitsId: model.info.logitsId };
  const layers = objectiveLayers(settings.objective, ctx);
  // The curve shows the objective; the run maximizes objective + Σ −weight·penalty, one weighted sum.
  const penalties = penaltyObjective(settings.regularizers);
  for (const id of layers) {
    if (!model.info.layers.some((l) => l.id === id)) throw new LayerLensError('unknownLayer', `${model.info.name} has no layer "${id}".`);
  }
  const fixed = fixedInputSize(model.info);
  // Before any allocation: a batch past the wasm heap is refused in one sentence rather than failing inside TF.js.
  const image: [number, number] = [settings.height, settings.width];
  checkActmaxFits(model, spec, { layerIds: layers, units: settings.units.length, image, modelInput: fixed ?? image, channels: settings.channels });
  // Before any long work: an op on the path back to the image that TF.js cannot differentiate is refused here.
  checkGradientPath(model, layers, { height: settings.height, width: settings.width, channels: settings.channels, spec, fixed });
  const rng = createRng(settings.seed);
  const batch = settings.units.length;
  const history = settings.units.map(() => new Float32Array(settings.steps));
  const sizes = octaveSizes(settings);
  const perOctave = octaveSteps(settings.steps, sizes.length);
  const full: [number, number] = [settings.height, settings.width];

  let param: ImageParam | null = null;
  let optimizer: tf.Optimizer | null = null;
  let step = 0;
  // A unit whose ReLU output is exactly 0 everywhere has no gradient: the redirect stays on (past its steps, and in
  // presets without it) until every unit has fired; it changes nothing for a unit that has a gradient of its own.
  let someUnitDead = false;
  const flips: FlipCache = new Map();
  let lastYield = Date.now();
  const started = performance.now();
  try {
    for (let k = 0; k < sizes.length; k++) {
      const [h, w] = sizes[k];
      const previous: ImageParam | null = param;
      const init = previous ? tf.tidy(() => tf.image.resizeBilinear(previous.image(), [h, w])) : undefined;
      param = createParam({ kind: settings.param, batch, height: h, width: w, channels: settings.channels, decorrelate: settings.decorrelate, decayPower: settings.decayPower, rng, init });
      init?.dispose();
      previous?.dispose();
      optimizer?.dispose();
      optimizer = tf.train.adam(settings.lr);
      const current = param;

      for (let s = 0; s < perOctave[k]; s++) {
        throwIfAborted(options.signal, 'Activation maximization');
        let perUnit: tf.Tensor | null = null;
        const loss = (): tf.Scalar => {
          const img = current.image();
          // Small octaves are a low-resolution parameterization of the full-size image.
          const fullImg = h === full[0] && w === full[1] ? img : tf.image.resizeBilinear(img, full);
          let x = applyTransforms(fullImg, settings.transforms, rng);
          if (fixed) x = fitToSize(x, fixed[0], fixed[1]);
          const outputs = model.forward(toModelInput(x, spec), layers);
          const acts = new Map(layers.map((id, i) => [id, outputs[i]]));
          const objective = evaluateObjective(settings.objective, acts, ctx, img);
          perUnit = tf.keep(objective);
          const total = penalties ? tf.add(objective, evaluateObjective(penalties, acts, ctx, img)) : objective;
          return tf.neg(tf.sum(total)) as tf.Scalar;
        };
        const run = () => withFastConvGrad(flips, () => leanVariableGrads(loss, current.variables));
        // Every preset, the seed's trials included: without it a dead unit's image never changes from the start.
        const redirect = step < settings.reluRedirectSteps || someUnitDead;
        let { value, grads } = redirect ? withRedirectedRelu(run) : run();
        // Dead starts whose objective is not 0 (see the dead-start escapes below): while no gradient at all reaches the
        // image, the step is taken again with the next, wider redirect. A gradient that is non-zero anywhere is
        // kept as it is, so runs that move today are unchanged.
        for (const everywhere of redirect ? [true] : [false, true]) {
          if (!(await allZero(grads))) break;
          tf.dispose([value, perUnit as tf.Tensor | null, ...Object.values(grads)].filter((t): t is tf.Tensor => t !== null));
          ({ value, grads } = withRedirectedRelu(run, everywhere));
        }
        optimizer.applyGradients(grads);
        // Asynchronous reads throughout: webgpu in Node has no synchronous one (docs/webgpu.md).
        const values = ((await (perUnit as tf.Tensor | null)?.data()) as Float32Array | undefined) ?? new Float32Array(batch);
        for (let i = 0; i < batch; i++) history[i][step] = values[i];
        someUnitDead = values.some((v) => v === 0);
        tf.dispose([value, perUnit as tf.Tensor | null, ...Object.values(grads)].filter((t): t is tf.Tensor => t !== null));
        step++;

        options.onProgress?.({ done: step, total: settings.steps });
        const last = step === settings.steps;
        if (options.onFrame && (step % settings.frameEvery === 0 || last)) {
          options.onFrame(await makeFrame(current, step, settings.steps, Array.from(values)));
        }
        if (Date.now() - lastYield >= YIELD_EVERY_MS) {
          await yieldToEventLoop();
          lastYield = Date.now();
        }
      }
    }
    const elapsed = performance.now() - started;
    const finalImages = tf.tidy(() => {
      const img = (param as ImageParam).image();
      return img.shape[1] === full[0] && img.shape[2] === full[1] ? img : tf.image.resizeBilinear(img, full);
    });
    const images = await toRgbaAsync(finalImages);
    finalImages.dispose();
    return { images, width: full[1], height: full[0], objectiveHistory: history, msPerStep: elapsed / settings.steps, settings };
  } finally {
    (param as ImageParam | null)?.dispose();
    (optimizer as tf.Optimizer | null)?.dispose();
    disposeFlipCache(flips);
  }
}

// Dead-start escapes. A unit can be dead at the start without its objective being 0, and then the objective-0 rule
// above never fires:
// - every path to it crosses a ReLU that is 0 over the whole image, and a BatchNorm after that ReLU gives the
//   objective a constant value (the zoo's DenseNet from a flat grey image, whose convs have no bias: all 16
//   channels of conv2_block1_0_bn are negative, so conv2_block1_0_relu is 0 everywhere, and conv2_block1_1_bn
//   behind it holds unit 23 of conv2_block1_1_relu at 1.20). The redirected gradient (Lucid's rule, per ReLU and
//   batch item) passes through such ReLUs.
// - the unit fires only where the image is not: an image smaller than the model's fixed input is framed in grey
//   (fitToSize), and a unit that a flat image wakes only at the model's zero-padded border gets its whole gradient
//   from the frame (nsfwjs's quantized MobileNetV2, expanded_conv_3/expand unit 103, image 128 px in 224). Lucid's
//   rule sees that ReLU's ordinary gradient as live and keeps it; the last escape redirects at every ReLU position.
/** True when every gradient is exactly 0 (a max of |g|, which cannot underflow as a sum of squares can). */
async function allZero(grads: tf.NamedTensorMap): Promise<boolean> {
  const peak = tf.tidy(() => tf.max(tf.stack(Object.values(grads).map((g) => tf.max(tf.abs(g))))));
  const zero = (await peak.data())[0] === 0;
  peak.dispose();
  return zero;
}

async function makeFrame(param: ImageParam, step: number, totalSteps: number, objective: number[]): Promise<ActmaxFrame> {
  const img = param.image();
  const [, height, width] = img.shape;
  const images = await toRgbaAsync(img);
  img.dispose();
  return { step, totalSteps, images, width, height, objective };
}
