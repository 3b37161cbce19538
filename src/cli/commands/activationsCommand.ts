import { basename, join, resolve } from 'node:path';
import type * as tf from '@tensorflow/tfjs-core';
import { computeActivations, predictionLayerId, topPredictions } from '../../core/activations';
import { loadModelInput } from '../../core/node/imageFiles';
import { readNpy, writeNpy } from '../../core/io/npy';
import type { LoadedModel } from '../../core/model/loadedModel';
import { FileRefusal, MAX_IMAGE_FILE_BYTES, readRegularFile } from '../../core/node/regularFile';
import { LayerLensError } from '../../shared/errors';
import { parse, required } from '../cliArgs';
import { imageModelOptions, openCliModel } from '../cliModel';
import { fromNativeLayout, toNativeLayout } from '../nativeLayout';
import { preprocessLine, preprocessSettingsOf, preprocessUsage } from '../preprocessOption';
import type { InputSpec } from '../../shared/model';
import type { Prediction } from '../../shared/activations';
import { checkOutFolder, fileSafe, writeFileAtomic } from '../outputFiles';

export const activationsUsage =
  `layer-lens activations --model M --input IMAGE|FILE.npy [--layer L ...] [--outputs] [--input-size H,W] ${preprocessUsage} --out DIR [--json]`;

export async function activationsCommand(argv: string[]): Promise<void> {
  const values = parse(argv, {
    model: { type: 'string' },
    input: { type: 'string' },
    layer: { type: 'string', multiple: true },
    outputs: { type: 'boolean' },
    out: { type: 'string' },
    json: { type: 'boolean' },
    ...imageModelOptions,
  });
  const settings = preprocessSettingsOf(values);
  const inputPath = required(values, 'input');
  const outDir = required(values, 'out');
  checkOutFolder(outDir);
  const model = await openCliModel(values, required(values, 'model'));
  const { input, spec } = await readInput(model, inputPath, settings);
  try {
    const requested = (values.layer as string[] | undefined) ?? model.info.layers.filter((l) => l.kind !== 'input').map((l) => l.id);
    const outputIds = values.outputs ? model.info.outputIds : [];
    const ids = [...new Set([...requested, ...outputIds])];
    // A classifier's top 5 are read from its logits, computed for them when no file asks for them.
    const predictId = spec ? predictionLayerId(model.info) : undefined;
    const acts = await computeActivations(model, input, predictId && !ids.includes(predictId) ? [...ids, predictId] : ids);
    const logits = predictId ? acts.find((a) => a.layerId === predictId) : undefined;
    const predictions: Prediction[] = logits && logits.shape.length === 2 && logits.shape[1]! > 1 ? topPredictions(logits.data.subarray(0, logits.shape[1]), spec?.labels, 5) : [];
    const written: { layer: string; file: string; shape: number[]; layout: string }[] = [];
    for (const act of acts.filter((a) => ids.includes(a.layerId))) {
      const native = toNativeLayout(model.info, act.shape, act.data);
      const names = [...(requested.includes(act.layerId) ? [act.layerId] : []), ...(outputIds.includes(act.layerId) ? [outputName(model, act.layerId)] : [])];
      for (const name of [...new Set(names)]) {
        const file = join(outDir, `${fileSafe(name)}.npy`);
        writeFileAtomic(file, writeNpy(native.shape, native.data));
        written.push({ layer: act.layerId, file, shape: native.shape, layout: native.shape.length === 4 ? model.info.nativeLayout : 'NC' });
      }
    }
    const top5 = predictions.map((p) => ({ class: p.classIndex, label: p.label, probability: p.probability }));
    if (values.json) {
      const preprocessing = spec ? { line: preprocessLine(spec).replace(/^input: /, ''), resize: spec.resize, resizeSize: spec.resizeSize, normalize: spec.normalize, origin: spec.origin } : undefined;
      // Every path absolute, as the model's is (its loader resolves it), so a script can use them from any folder.
      const files = written.map((w) => ({ ...w, file: resolve(w.file) }));
      process.stdout.write(`${JSON.stringify({ model: model.info.path, input: resolve(inputPath), files, ...(preprocessing ? { preprocessing } : {}), ...(top5.length ? { top5 } : {}) }, null, 2)}\n`);
    } else {
      for (const w of written) process.stdout.write(`${w.file}  [${w.shape.join(', ')}]\n`);
      if (spec) process.stdout.write(`${preprocessLine(spec)}\n`);
      if (top5.length) process.stdout.write(`top 5: ${top5.map((p) => `${p.label} (${p.class}) ${(p.probability * 100).toFixed(1)}%`).join(', ')}\n`);
    }
  } finally {
    input.dispose();
    model.dispose();
  }
}

/**
 * A .npy is used as is (already preprocessed, in the framework's layout: no spec); anything else is decoded as an
 * image and preprocessed per `settings`, the sidecar and the defaults.
 */
async function readInput(model: LoadedModel, path: string, settings?: Partial<InputSpec>): Promise<{ input: tf.Tensor4D; spec?: InputSpec }> {
  if (!path.toLowerCase().endsWith('.npy')) {
    const { input, spec } = await loadModelInput(model, path, settings);
    return { input, spec };
  }
  let bytes: Uint8Array;
  try {
    bytes = await readRegularFile(path, MAX_IMAGE_FILE_BYTES);
  } catch (e) {
    if (!(e instanceof FileRefusal) || e.kind === 'notFound') throw new LayerLensError('notFound', `${path} does not exist.`);
    throw new LayerLensError('badArgument', `${path} ${e.message}, so it was not read as an input array.`);
  }
  const npy = readNpy(bytes, basename(path));
  const expected = nativeInputShape(model);
  const fits = npy.shape.length === 4 && expected.every((d, i) => d === null || d === npy.shape[i]);
  if (!fits) {
    const want = expected.map((d) => d ?? 'N').join('×');
    throw new LayerLensError('badArgument', `${path} has shape ${npy.shape.join('×')}, but ${model.info.name} takes ${want} (${model.info.nativeLayout}).`);
  }
  // A NaN or infinity would flow through every layer and come out as maps of NaN with exit code 0.
  const notFinite = countNotFinite(npy.data);
  if (notFinite > 0) {
    throw new LayerLensError('badArgument', `${path} holds ${notFinite} of ${npy.data.length} values that are not finite numbers (NaN or ±infinity), so it is no input for ${model.info.name}.`);
  }
  try {
    return { input: fromNativeLayout(model.info, npy.shape, npy.data) };
  } catch (e) {
    throw new LayerLensError('badArgument', `${path} does not fit ${model.info.name}'s input: ${(e as Error).message}.`);
  }
}

/** The model's input shape in its framework's layout. */
function nativeInputShape(model: LoadedModel): (number | null)[] {
  const [n, h, w, c] = model.info.inputShape;
  return model.info.nativeLayout === 'NCHW' ? [n, c, h, w] : [n, h, w, c];
}

/** Output files are named after the output: an ONNX graph output keeps its module id, a TF.js output its layer name. */
function outputName(model: LoadedModel, id: string): string {
  return model.info.outputIds.length === 1 ? 'output' : id;
}

function countNotFinite(values: ArrayLike<number>): number {
  let count = 0;
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i]!)) count++;
  return count;
}
