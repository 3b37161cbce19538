// `layer-lens attribute`: why the model gave its output for one image, as a raw H × W map (.npy) and an overlay
// (.png) per method, through the same core as the Feature Maps panel's Explain section.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { topPredictions } from '../../core/activations';
import { explain } from '../../core/attribution';
import { encodePng } from '../../core/image/encodePng';
import { writeNpy } from '../../core/io/npy';
import type { LoadedModel } from '../../core/model/loadedModel';
import { loadModelInput } from '../../core/node/imageFiles';
import { toDisplayRgba } from '../../core/preprocess';
import { ATTRIBUTION_LIMITS, ATTRIBUTION_METHODS, type AttributionMap, type AttributionMethod, type AttributionTarget, type IgBaseline } from '../../shared/attribution';
import { applyColormap, COLORMAP_NAMES, isDiverging, symmetricRange, type ColormapName } from '../../shared/colormap';
import { LayerLensError } from '../../shared/errors';
import type { InputSpec } from '../../shared/model';
import { decimal, integer, oneOf, parse, required } from '../cliArgs';
import { inputSizeOf } from '../inputSizeOption';
import { imageModelOptions, openCliModel } from '../cliModel';
import { checkOutFolder, writeFileAtomic } from '../outputFiles';
import { preprocessHelp, preprocessSettingsOf, preprocessUsage } from '../preprocessOption';
import * as tf from '@tensorflow/tfjs-core';

export const attributeUsage =
  `layer-lens attribute --model M --input IMAGE --method ${ATTRIBUTION_METHODS.join('|')}[,…] [--class K | --layer L --unit U [--y Y --x X]] [--cam-layer L] [--steps N] [--samples N] [--input-size H,W] ${preprocessUsage} --out DIR [--json]`;

export const attributeHelp = `Usage: ${attributeUsage}

Writes DIR/<method>.npy (float32, H×W at the model's input size: the raw map before any display scaling) and
DIR/<method>.png (the map over the image the model saw). Methods (several: --method gradcam,ig):
  gradcam, gradcampp  Grad-CAM / Grad-CAM++ at --cam-layer (default: the last spatial layer before pooling; for a
                      unit of a spatial layer, that layer),
                      upsampled bilinearly as torch's interpolate(align_corners=False)
  saliency            max over channels of |gradient|        gradxinput  Σ over channels of input × gradient
  smoothgrad          saliency averaged over --samples noisy copies (--noise σ as a fraction of the input range)
  ig                  Integrated Gradients, --steps, --baseline black|blurred|noise; prints the completeness gap
  guided-gradcam      guided backprop × Grad-CAM                occlusion   --window, --stride (pixels), black patch
Target (default: the top class):
  --class K          a class index or label; --score probability explains its softmax probability, not its logit
  --layer L --unit U a unit (channel) of any layer: its mean over the map, or the neuron at --y Y --x X
Other:
  --batch N          passes run together (IG steps, SmoothGrad samples, occlusion windows; default 8)
  --seed N           SmoothGrad's and the noise baseline's random numbers (default 0)
  --colormap NAME    ${COLORMAP_NAMES.join(', ')} for the overlay (default inferno; rdbu for signed maps)
  --opacity A        the overlay's opacity, 0..1 (default 0.6)
  --input-size H,W   the size a model whose input size is not fixed runs at
${preprocessHelp}`;

const BASELINES: readonly IgBaseline[] = ['black', 'blurred', 'noise'];

/** The methods that read each tuning option (explain.ts): given for none of the chosen methods, it would change nothing. */
const OPTION_METHODS: Record<string, readonly AttributionMethod[]> = {
  'cam-layer': ['gradcam', 'gradcampp', 'guided-gradcam'],
  steps: ['ig'],
  baseline: ['ig'],
  samples: ['smoothgrad'],
  noise: ['smoothgrad'],
  window: ['occlusion'],
  stride: ['occlusion'],
  batch: ['ig', 'smoothgrad', 'occlusion'],
  seed: ['smoothgrad', 'ig'],
};

/** `--steps 64 --method gradcam` ran without a word about the 64: refused, naming the methods that use it. */
function refuseUnusedOptions(values: Record<string, unknown>, methods: readonly AttributionMethod[]): void {
  for (const [name, users] of Object.entries(OPTION_METHODS)) {
    if (values[name] !== undefined && !methods.some((m) => users.includes(m))) {
      const method = `--method ${methods.join(',')}`;
      throw new LayerLensError('badArgument', users.length === 1 ? `--${name} is read by ${users[0]} only, which ${method} does not include.` : `--${name} is read by ${users.join(', ')} only, and ${method} includes none of them.`);
    }
  }
  if (values.score !== undefined && values.layer !== undefined) throw new LayerLensError('badArgument', '--score chooses the class score (logit or probability); a --layer --unit target has none.');
}

/** The smaller side --input-size gives, which bounds --window and --stride before the model loads. */
function inputSide(values: Record<string, unknown>): number | undefined {
  const size = inputSizeOf(values).inputSize;
  return size ? Math.min(size[0], size[1]) : undefined;
}

/**
 * What only the model tells, named by option once it has loaded and before any pass: the occlusion window and
 * stride within the input, the class index among the classes, the unit among the layer's channels, the neuron
 * inside its map. (The core's own
 * sentences say "The occlusion window" or "Unit 99", not which option to change.)
 */
function checkAgainstModel(model: LoadedModel, input: tf.Tensor4D, options: { window?: number; stride?: number }, target: AttributionTarget | undefined, classArg: string | undefined): void {
  const [, height, width] = input.shape;
  const side = Math.min(height, width);
  for (const name of ['window', 'stride'] as const) {
    const v = options[name];
    if (v !== undefined && v > side) throw new LayerLensError('badArgument', `--${name} ${v} is more than the side of ${model.info.name}'s ${height}×${width} input: it must be from 1 to ${side} pixels.`);
  }
  if (classArg !== undefined && /^\d+$/.test(classArg)) {
    const logits = model.info.layers.find((l) => l.id === (model.info.logitsId ?? model.info.outputIds[0]))?.outputShape;
    const classes = logits?.length === 2 ? logits[1] : undefined;
    if (typeof classes === 'number' && Number(classArg) >= classes) throw new LayerLensError('badArgument', `--class ${classArg} is not one of ${model.info.name}'s ${classes} classes (0 to ${classes - 1}).`);
  }
  if (target?.kind !== 'unit') return;
  const shape = model.info.layers.find((l) => l.id === target.layerId)?.outputShape;
  if (!shape) return; // the core names the unknown layer
  const channels = shape[shape.length - 1];
  if (typeof channels === 'number' && target.channel >= channels) {
    throw new LayerLensError('badArgument', `--unit ${target.channel} is not one of ${target.layerId}'s ${channels} units (0 to ${channels - 1}).`);
  }
  if (target.y === undefined || target.x === undefined || shape.length !== 4) return;
  const [, h, w] = shape;
  for (const [name, v, size] of [['y', target.y, h], ['x', target.x, w]] as const) {
    if (typeof size === 'number' && v >= size) throw new LayerLensError('badArgument', `--${name} ${v} is outside ${target.layerId}'s ${h}×${w} map (${name} from 0 to ${size - 1}).`);
  }
}

function methodsOf(value: string): AttributionMethod[] {
  const methods = value.split(',').map((m) => m.trim()).filter((m) => m !== '');
  for (const m of methods) {
    if (!(ATTRIBUTION_METHODS as readonly string[]).includes(m)) throw new LayerLensError('badArgument', `--method must be one of ${ATTRIBUTION_METHODS.join(', ')}, not ${m}.`);
  }
  if (methods.length === 0) throw new LayerLensError('badArgument', '--method is required.');
  return [...new Set(methods)] as AttributionMethod[];
}

/** --class as an index, or a label of the model's classes (exact, then case-insensitive). */
function classIndexOf(value: string, spec: InputSpec): number {
  if (/^\d+$/.test(value)) return Number(value);
  const labels = spec.labels ?? [];
  let k = labels.indexOf(value);
  if (k < 0) k = labels.findIndex((l) => l.toLowerCase() === value.toLowerCase());
  if (k < 0) throw new LayerLensError('badArgument', `--class ${value} is neither a class index nor one of the model's ${labels.length ? 'labels' : 'labels (it has none)'}.`);
  return k;
}

async function topClass(model: LoadedModel, input: tf.Tensor4D, spec: InputSpec): Promise<number> {
  const id = model.info.logitsId ?? model.info.outputIds[0];
  const out = tf.tidy(() => model.forward(input, [id])[0]);
  // Asynchronous: on --backend webgpu the logits have no synchronous read.
  const logits = (await out.data()) as Float32Array;
  out.dispose();
  return topPredictions(logits, spec.labels, 1)[0]?.classIndex ?? 0;
}

/** The map over the image: the colormap at `opacity` over what the model saw. */
function overlay(map: AttributionMap, background: Uint8ClampedArray, colormap: ColormapName, opacity: number): Uint8Array {
  let min = Infinity;
  let max = -Infinity;
  for (const v of map.data) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const range = isDiverging(colormap) ? symmetricRange({ min, max }) : { min: Math.min(0, min), max };
  const colours = applyColormap(map.data, colormap, range);
  const out = new Uint8Array(colours.length);
  for (let i = 0; i < colours.length; i += 4) {
    for (let c = 0; c < 3; c++) out[i + c] = Math.round((1 - opacity) * background[i + c] + opacity * colours[i + c]);
    out[i + 3] = 255;
  }
  return out;
}

const SIGNED: readonly AttributionMethod[] = ['gradxinput', 'ig', 'occlusion'];

export async function attributeCommand(argv: string[]): Promise<void> {
  const values = parse(argv, {
    model: { type: 'string' },
    input: { type: 'string' },
    method: { type: 'string' },
    class: { type: 'string' },
    score: { type: 'string' },
    layer: { type: 'string' },
    unit: { type: 'string' },
    y: { type: 'string' },
    x: { type: 'string' },
    'cam-layer': { type: 'string' },
    steps: { type: 'string' },
    samples: { type: 'string' },
    noise: { type: 'string' },
    baseline: { type: 'string' },
    window: { type: 'string' },
    stride: { type: 'string' },
    batch: { type: 'string' },
    seed: { type: 'string' },
    colormap: { type: 'string' },
    opacity: { type: 'string' },
    out: { type: 'string' },
    json: { type: 'boolean' },
    ...imageModelOptions,
  });
  // Every argument is checked before the model loads.
  const modelPath = required(values, 'model');
  const inputPath = required(values, 'input');
  const methods = methodsOf(required(values, 'method'));
  const outDir = required(values, 'out');
  checkOutFolder(outDir);
  if (!existsSync(inputPath)) throw new LayerLensError('notFound', `--input ${inputPath} does not exist.`);
  // Said before the model loads, and as what it is: "x.npy is not a PNG, JPEG…" read as if the array were damaged.
  if (inputPath.toLowerCase().endsWith('.npy')) throw new LayerLensError('badArgument', `--input ${inputPath} is a .npy array; attribute explains an image (PNG, JPEG, WebP, GIF or BMP), drawn under its maps.`);
  if (values.class !== undefined && values.layer !== undefined) throw new LayerLensError('badArgument', 'Give --class or --layer with --unit, not both.');
  if ((values.layer === undefined) !== (values.unit === undefined)) throw new LayerLensError('badArgument', '--layer and --unit go together: the unit (channel) of that layer to explain.');
  if ((values.y === undefined) !== (values.x === undefined) || (values.y !== undefined && values.layer === undefined)) {
    throw new LayerLensError('badArgument', '--y and --x go together, with --layer and --unit: the neuron of that unit to explain.');
  }
  refuseUnusedOptions(values, methods);
  const score = oneOf(values.score, 'score', ['logit', 'probability'] as const, 'logit');
  const baseline = oneOf(values.baseline, 'baseline', BASELINES, 'black');
  const colormapFlag = values.colormap === undefined ? undefined : oneOf(values.colormap, 'colormap', COLORMAP_NAMES, 'inferno');
  const opacity = decimal(values.opacity, 'opacity', 0, 1) ?? 0.6;
  // The core's bounds (src/shared/attribution.ts), said by name before the model loads.
  const count = (name: string, max: number | undefined) => (values[name] === undefined ? undefined : integer(values[name], name, 0, 1, max));
  const options = {
    camLayerId: values['cam-layer'] as string | undefined,
    steps: count('steps', ATTRIBUTION_LIMITS.steps),
    samples: count('samples', ATTRIBUTION_LIMITS.samples),
    noise: decimal(values.noise, 'noise', 0, ATTRIBUTION_LIMITS.noise),
    baseline,
    // Bounded by the input's side, which is known here only from --input-size; else checked once the model loads.
    window: count('window', inputSide(values)),
    stride: count('stride', inputSide(values)),
    batchSize: count('batch', ATTRIBUTION_LIMITS.batchSize),
    seed: values.seed === undefined ? undefined : integer(values.seed, 'seed', 0, 0, ATTRIBUTION_LIMITS.seed),
  };
  const unitTarget: AttributionTarget | undefined =
    values.layer !== undefined
      ? { kind: 'unit', layerId: values.layer as string, channel: integer(values.unit, 'unit', 0), ...(values.y !== undefined ? { y: integer(values.y, 'y', 0), x: integer(values.x, 'x', 0) } : {}) }
      : undefined;
  // A class index is digits; anything else is a label, looked up once the model loads. A number that is not an
  // index (-1, 2.5, 1e1, 0x10) is no label either: said now.
  if (typeof values.class === 'string' && Number.isFinite(Number(values.class)) && !/^\d+$/.test(values.class)) {
    throw new LayerLensError('badArgument', `--class must be a class index (an integer >= 0) or a label, not ${values.class}.`);
  }
  const settings = preprocessSettingsOf(values);

  const model = await openCliModel(values, modelPath);
  const { input, spec } = await loadModelInput(model, inputPath, settings);
  try {
    checkAgainstModel(model, input, options, unitTarget, values.class as string | undefined);
    const target: AttributionTarget = unitTarget ?? {
      kind: 'class',
      classIndex: values.class !== undefined ? classIndexOf(values.class as string, spec) : await topClass(model, input, spec),
      score,
    };
    const background = (await toDisplayRgba(input, spec)).data;
    const written: { method: AttributionMethod; npy: string; png: string; target: string; camLayer?: string; completeness?: AttributionMap['completeness']; passes: number; ms: number }[] = [];
    for (const method of methods) {
      const map = await explain(model, input, { method, target, ...options }, { labels: spec.labels, inputSpec: spec });
      const npy = join(outDir, `${method}.npy`);
      const png = join(outDir, `${method}.png`);
      writeFileAtomic(npy, writeNpy([map.height, map.width], map.data));
      const colormap = colormapFlag ?? (SIGNED.includes(method) ? 'rdbu' : 'inferno');
      writeFileAtomic(png, encodePng(overlay(map, background, colormap, opacity), map.width, map.height));
      written.push({ method, npy, png, target: map.targetLabel, camLayer: map.camLayerId, completeness: map.completeness, passes: map.passes, ms: Math.round(map.ms) });
      if (!values.json) {
        const cam = map.camLayerId ? ` at ${map.camLayerId}` : '';
        const gap = map.completeness ? `; completeness: Σ ${map.completeness.sum.toPrecision(5)} vs f(x) − f(baseline) ${map.completeness.delta.toPrecision(5)}, gap ${(map.completeness.gap * 100).toFixed(2)} %` : '';
        process.stdout.write(`${method}${cam} for ${map.targetLabel}: ${npy}, ${png} [${map.height}×${map.width}] (${map.passes} ${map.passes === 1 ? 'pass' : 'passes'}, ${Math.round(map.ms)} ms${gap})\n`);
      }
    }
    if (values.json) process.stdout.write(`${JSON.stringify({ model: model.info.path, input: inputPath, maps: written }, null, 2)}\n`);
  } finally {
    input.dispose();
    model.dispose();
  }
}
