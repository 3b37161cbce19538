// Before activation maximization starts: can the gradient reach the input from every objective layer? One forward
// pass at batch 1 is recorded on TF.js's gradient tape; the nodes on the path input → layer are checked for a
// registered gradient (the very test TF.js's backprop makes, so the verdict matches what a run would meet); then one
// backward pass is the final guard (a gradient that needs a kernel the backend lacks, a gradient that throws).
// A failure becomes one sentence naming the layer, the op and what still works. The verdict is kept per model,
// layers, size and backend, so a second run on the same layer pays nothing.
import * as tf from '@tensorflow/tfjs-core';
import { getFilteredNodesXToY, type TapeNode } from '@tensorflow/tfjs-core/dist/tape';
import { LayerLensError } from '../../shared/errors';
import { knownCause } from '../../shared/foreignErrors';
import type { InputSpec } from '../../shared/model';
import { quoteName } from '../../shared/userText';
import type { LoadedModel } from '../model/loadedModel';
import { disposeFlipCache, withFastConvGrad, type FlipCache } from './fastConvGrad';
import { toModelInput } from './modelInput';
import { fitToSize } from './transforms';

/** The image the run optimizes (full size, 0..1) and how it becomes the model's input. */
export interface GradientProbe {
  height: number;
  width: number;
  channels: number;
  spec: InputSpec;
  /** The model's fixed input size, when it has one: the image is fitted to it as the run does. */
  fixed: [number, number] | null;
}

/** Why the gradient cannot flow: the op (TF.js kernel name) and which of the path's nodes of that kernel it is. */
interface Blocked {
  kind: 'noGradient' | 'backward' | 'noPath';
  kernel: string;
  occurrence: number;
  cause?: unknown;
}

const WHAT_WORKS = 'feature maps and top-k work';

/** Thrown inside the recorded pass to stop it before TF.js's own backprop runs. */
class Stop {
  constructor(readonly blocked: Blocked | null, readonly layer?: string) {}
}

const verdicts = new WeakMap<LoadedModel, Map<string, string | null>>();

/** Throws one LayerLensError sentence when activation maximization cannot pass from `layerIds` back to the input. */
export function checkGradientPath(model: LoadedModel, layerIds: readonly string[], probe: GradientProbe): void {
  // An objective of the image alone (penalties) passes no layer.
  if (layerIds.length === 0) return;
  const key = [tf.getBackend(), probe.height, probe.width, probe.channels, probe.fixed?.join('x') ?? '', probe.spec.channels, probe.spec.channelOrder, ...layerIds].join('|');
  let known = verdicts.get(model);
  if (!known) verdicts.set(model, (known = new Map()));
  if (!known.has(key)) known.set(key, probeGradient(model, layerIds, probe));
  const refusal = known.get(key);
  if (refusal) throw new LayerLensError('unsupportedOp', refusal);
}

function modelInput(image: tf.Tensor4D, probe: GradientProbe): tf.Tensor4D {
  const fitted = probe.fixed ? fitToSize(image, probe.fixed[0], probe.fixed[1]) : image;
  return toModelInput(fitted, probe.spec);
}

/** One scalar that every output of the objective layers leads to. */
function sumOf(outputs: tf.Tensor[]): tf.Scalar {
  return tf.addN(outputs.map((t) => tf.sum(t.dtype === 'float32' ? t : tf.cast(t, 'float32')))) as tf.Scalar;
}

/** For each node on the path, which of the path's nodes of its kernel it is (a forward records them in the same order). */
function occurrences(path: TapeNode[]): Map<number, number> {
  const seen = new Map<string, number>();
  const result = new Map<number, number>();
  for (const n of path) {
    const k = seen.get(n.kernelName) ?? 0;
    result.set(n.id, k);
    seen.set(n.kernelName, k + 1);
  }
  return result;
}

/** The refusal sentence, or null when the gradient flows. Forward failures are thrown (they are not about gradients). */
function probeGradient(model: LoadedModel, layerIds: readonly string[], probe: GradientProbe): string | null {
  const engine = tf.engine();
  const flips: FlipCache = new Map();
  const image = tf.fill([1, probe.height, probe.width, probe.channels], 0.5) as tf.Tensor4D;
  let blocked: Blocked | null = null;
  let forwardDone = false;
  let recorded: TapeNode[] = [];
  // The recorded forward pass: stops before TF.js's backprop when the tape already tells that it would fail.
  const forward = (): tf.Scalar => {
    const y = sumOf(model.forward(modelInput(image, probe), layerIds));
    forwardDone = true;
    const tape = (recorded = engine.state.activeTape);
    const path = getFilteredNodesXToY(tape, [image], y);
    if (path.length === 0) throw new Stop({ kind: 'noPath', kernel: '', occurrence: 0 });
    const onPath = occurrences(path);
    const missing = path.find((n) => n.gradient == null);
    if (missing) throw new Stop({ kind: 'noGradient', kernel: missing.kernelName, occurrence: onPath.get(missing.id) ?? 0 });
    // TF.js copies these nodes when it filters the tape after this function returns: a wrapped gradient tells
    // which node's backward step failed.
    for (const node of tape) {
      const occurrence = onPath.get(node.id);
      if (occurrence === undefined || !node.gradient) continue;
      node.gradient = tagged(node.gradient, (cause) => (blocked ??= { kind: 'backward', kernel: node.kernelName, occurrence, cause }));
    }
    return y;
  };
  try {
    // The run's own Conv2D gradient, so the probe takes the kernels the run will take. In a tidy: TF.js's result y
    // escapes every scope of its own when the backward pass throws.
    withFastConvGrad(flips, () => tf.tidy(() => void engine.gradients(forward, [image])));
    return null;
  } catch (e) {
    if (e instanceof Stop) blocked = e.blocked;
    else if (!forwardDone) throw forwardFailure(model, layerIds, e);
    else blocked ??= afterBackward(e);
    if (!blocked) return null;
    return refusal(model, blocked, layerOf(model, layerIds, probe, image, blocked));
  } finally {
    releaseTape(recorded);
    image.dispose();
    disposeFlipCache(flips);
  }
}

/**
 * TF.js keeps copies of the tensors each taped op saved for its gradient, and frees them only after a backward pass
 * that succeeds: a pass stopped here or failed in backprop would leak them.
 */
function releaseTape(tape: TapeNode[]): void {
  if (tf.engine().state.gradientDepth > 0) return;
  for (const node of tape) for (const t of node.saved ?? []) t.dispose();
}

/** `gradient` whose input-gradient functions report the first error they throw to `onError`. */
function tagged(gradient: NonNullable<TapeNode['gradient']>, onError: (cause: unknown) => void): NonNullable<TapeNode['gradient']> {
  const guard = <T>(f: () => T): T => {
    try {
      return f();
    } catch (e) {
      onError(e);
      throw e;
    }
  };
  return (dys) => {
    const grads = guard(() => gradient(dys));
    return Object.fromEntries(Object.entries(grads).map(([input, g]) => [input, () => guard(g)]));
  };
}

/** A backward failure TF.js raised outside a node's own gradient (its dtype and shape checks name the op). */
function afterBackward(e: unknown): Blocked {
  const text = e instanceof Error ? e.message : String(e);
  const kernel = /(?:for op|found for) ([\w.]+)/.exec(text)?.[1] ?? '';
  return { kind: 'backward', kernel, occurrence: -1, cause: e };
}

function forwardFailure(model: LoadedModel, layerIds: readonly string[], e: unknown): LayerLensError {
  if (e instanceof LayerLensError) return e;
  const cause = knownCause(e);
  const target = quoteName(layerIds[layerIds.length - 1] ?? '');
  return new LayerLensError(
    /no kernel|cannot run the op|asynchronously/.test(cause) ? 'unsupportedOp' : 'internal',
    `Activation maximization cannot start on ${quoteName(model.info.path, 200)}: running the model up to layer "${target}" failed${cause ? `: ${cause}` : ''}.`,
  );
}

function refusal(model: LoadedModel, blocked: Blocked, layer: string): string {
  const where = `layer "${quoteName(layer)}" of ${quoteName(model.info.path, 200)}`;
  const op = quoteName(blocked.kernel || 'unknown', 60);
  if (blocked.kind === 'noPath') return `Activation maximization cannot optimize ${where}: its values do not depend on the image (a shape or a constant); pick a layer that does.`;
  if (blocked.kind === 'noGradient') return `Activation maximization cannot pass through ${where} (op ${op}, which has no gradient in TensorFlow.js); ${WHAT_WORKS}.`;
  const backend = tf.getBackend();
  const text = blocked.cause instanceof Error ? blocked.cause.message : String(blocked.cause);
  const lacking = /Kernel '([\w.]+)' not registered for backend '(\w+)'/.exec(text);
  if (lacking) {
    const [, kernel, on] = lacking as unknown as [string, string, string];
    const elsewhere = on !== 'cpu' && tf.getKernel(kernel, 'cpu') ? '; the cpu backend has it' : '';
    return `Activation maximization cannot pass through ${where} on the ${on} backend (the gradient of op ${op} needs the kernel ${kernel}, which ${on} lacks${elsewhere}); ${WHAT_WORKS}.`;
  }
  const cause = knownCause(blocked.cause);
  return `Activation maximization cannot pass through ${where} (the gradient of op ${op} failed on the ${backend} backend${cause ? `: ${cause}` : ''}); ${WHAT_WORKS}.`;
}

/**
 * The layer a blocked node belongs to: the first listed layer (layers are in topological order; a leaf before the
 * module holding it) whose output depends on the node. Found by a second forward pass, only when refusing, that asks
 * for every layer up to the objective; the objective layer when that cannot tell.
 */
function layerOf(model: LoadedModel, layerIds: readonly string[], probe: GradientProbe, image: tf.Tensor4D, blocked: Blocked): string {
  const fallback = layerIds[layerIds.length - 1] ?? '';
  if (blocked.kind === 'noPath' || !blocked.kernel) return fallback;
  const layers = model.info.layers;
  const deepest = Math.max(...layerIds.map((id) => layers.findIndex((l) => l.id === id)));
  const candidates = layers.slice(0, deepest + 1);
  const engine = tf.engine();
  let recorded: TapeNode[] = [];
  try {
    engine.gradients(() => {
      const outs = model.forward(modelInput(image, probe), [...layerIds, ...candidates.map((l) => l.id)]);
      const tape = (recorded = engine.state.activeTape);
      const path = getFilteredNodesXToY(tape, [image], sumOf(outs.slice(0, layerIds.length)));
      const same = path.filter((n) => n.kernelName === blocked.kernel);
      const node = blocked.occurrence < 0 ? same[same.length - 1] : same[blocked.occurrence];
      if (!node) throw new Stop(null);
      const reached = descendants(tape, node);
      const hits = candidates.filter((_, i) => reached.has((outs[layerIds.length + i] as tf.Tensor).id));
      throw new Stop(null, (hits.find((l) => l.kind !== 'module') ?? hits[0])?.id);
    }, [image]);
  } catch (e) {
    if (e instanceof Stop && e.layer) return e.layer;
  } finally {
    releaseTape(recorded);
  }
  return fallback;
}

/** Ids of the tensors computed from `node`'s outputs, its own included (the tape is in execution order). */
function descendants(tape: TapeNode[], node: TapeNode): Set<number> {
  const ids = new Set(node.outputs.map((t) => t.id));
  const from = tape.findIndex((n) => n.id === node.id);
  for (let i = from + 1; i < tape.length; i++) {
    const n = tape[i] as TapeNode;
    if (Object.values(n.inputs).some((t) => t && ids.has(t.id))) for (const t of n.outputs) ids.add(t.id);
  }
  return ids;
}
