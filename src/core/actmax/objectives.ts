// Objectives (Lucid's objectives.py): every objective maps the layer outputs and the image of a batch to one value
// per batch item ([N]); sums, weights and negation combine them elementwise, and the run maximizes the batch sum.
// Penalties on the image are leaves like any other, so "objective − λ·penalty" is one weighted sum.
// Each leaf kind is one entry of LEAVES. Units are selected with a one-hot mask rather than gather/strided slices,
// whose gradients are missing or slow on some backends (docs/tfjs-facts.md).
import * as tf from '@tensorflow/tfjs-core';
import { ACTMAX_PENALTY_KINDS, type ActmaxObjectiveSpec, type ActmaxRegularizerWeights } from '../../shared/actmax';
import { LayerLensError } from '../../shared/errors';
import { PENALTIES } from './regularizers';

export interface ObjectiveContext {
  /** The request's layer: the default for leaves without their own. */
  layerId: string;
  /** One unit per batch item: the default for leaves without their own. */
  units: readonly number[];
  /** The model's logits layer, the default for classLogit. */
  logitsId?: string;
}

type Leaf = Exclude<ActmaxObjectiveSpec, { kind: 'negative' } | { kind: 'sum' }>;
type LayerLeaf = Exclude<Leaf, { kind: 'penalty' }>;

/** What a leaf reads: its layer's output (layer leaves) and the image in 0..1 (penalties). */
interface LeafInput {
  act: tf.Tensor;
  layerId: string;
  image: tf.Tensor4D;
  ctx: ObjectiveContext;
}
type LeafFn<K extends Leaf['kind']> = (spec: Extract<Leaf, { kind: K }>, input: LeafInput) => tf.Tensor1D;

/** Leaf kind → its value per batch item. A new objective is one union member in src/shared/actmax.ts and one entry here. */
const LEAVES: { [K in Leaf['kind']]: LeafFn<K> } = {
  channel: (spec, { act, layerId, ctx }) => select(spatialMean(act), unitMask(spec.unit, ctx, act, layerId)),
  channelRms: (spec, { act, layerId, ctx }) => select(channelRootMeanSquare(act), unitMask(spec.unit, ctx, act, layerId)),
  classLogit: (spec, { act, layerId, ctx }) => select(spatialMean(act), unitMask(spec.classIndex, ctx, act, layerId)),
  neuron: (spec, { act, layerId, ctx }) => select(atPosition(act, spec.x, spec.y, layerId), unitMask(spec.unit, ctx, act, layerId)),
  layerL2: (_spec, { act }) => layerMeanSquare(tf.reshape(act, [act.shape[0], -1]) as tf.Tensor2D),
  direction: (spec, { act, layerId }) => direction(act, spec.vector, spec.cossimPower ?? 0, layerId),
  diversity: (_spec, { act }) => diversity(act),
  penalty: (spec, { image }) => PENALTIES[spec.penalty](image),
};

export function leafLayer(spec: LayerLeaf, ctx: ObjectiveContext): string {
  if (spec.kind === 'classLogit') {
    const id = spec.layerId ?? ctx.logitsId;
    if (!id) throw new LayerLensError('badArgument', 'The model names no logits layer, so a class-logit objective needs a layerId.');
    return id;
  }
  return spec.layerId ?? ctx.layerId;
}

/** Every layer the objective reads, without duplicates, in first-use order. */
export function objectiveLayers(spec: ActmaxObjectiveSpec, ctx: ObjectiveContext): string[] {
  const out = new Set<string>();
  const walk = (s: ActmaxObjectiveSpec): void => {
    if (s.kind === 'negative') walk(s.of);
    else if (s.kind === 'sum') s.terms.forEach((t) => walk(t.objective));
    else if (s.kind !== 'penalty') out.add(leafLayer(s, ctx));
  };
  walk(spec);
  return [...out];
}

/**
 * The penalty terms of a preset's or request's weights, in table order: Σ −weight · penalty, or null when every
 * weight is 0. A run maximizes its objective plus this.
 */
export function penaltyObjective(weights: ActmaxRegularizerWeights): ActmaxObjectiveSpec | null {
  const terms = ACTMAX_PENALTY_KINDS.filter((kind) => (weights[kind] ?? 0) !== 0).map((kind) => ({
    weight: -(weights[kind] as number),
    objective: { kind: 'penalty', penalty: kind } as const,
  }));
  return terms.length === 0 ? null : { kind: 'sum', terms };
}

/**
 * Per-item values [N] of `spec`, given the outputs of `objectiveLayers` by id and, for penalties, the image
 * [N, H, W, C] in 0..1.
 */
export function evaluateObjective(
  spec: ActmaxObjectiveSpec,
  acts: ReadonlyMap<string, tf.Tensor>,
  ctx: ObjectiveContext,
  image?: tf.Tensor4D,
): tf.Tensor1D {
  return tf.tidy(() => {
    if (spec.kind === 'negative') return tf.neg(evaluateObjective(spec.of, acts, ctx, image));
    if (spec.kind === 'sum') {
      if (spec.terms.length === 0) throw new LayerLensError('badArgument', 'A sum objective needs at least one term.');
      return tf.addN(spec.terms.map((t) => tf.mul(evaluateObjective(t.objective, acts, ctx, image), t.weight))) as tf.Tensor1D;
    }
    if (spec.kind === 'penalty') {
      if (!image) throw new LayerLensError('badArgument', `A ${spec.penalty} penalty needs the image, and none was given.`);
      return evaluateLeaf(spec, { act: image, layerId: '', image, ctx });
    }
    const layerId = leafLayer(spec, ctx);
    const act = acts.get(layerId);
    if (!act) throw new LayerLensError('unknownLayer', `Layer ${layerId} was not computed for the objective.`);
    return evaluateLeaf(spec, { act, layerId, image: image as tf.Tensor4D, ctx });
  });
}

function evaluateLeaf(spec: Leaf, input: LeafInput): tf.Tensor1D {
  return (LEAVES[spec.kind] as LeafFn<Leaf['kind']>)(spec as never, input);
}

/** [N, ..., C] → [N, C]: mean over every axis between batch and channels. */
function spatialMean(act: tf.Tensor): tf.Tensor2D {
  if (act.rank === 2) return act as tf.Tensor2D;
  const axes = Array.from({ length: act.rank - 2 }, (_, i) => i + 1);
  return tf.mean(act, axes) as tf.Tensor2D;
}

// Dead starts. A unit whose ReLU output is 0 everywhere (typical from a grey start) moves only if the objective's
// gradient there is non-zero: the ReLU redirect (reluRedirect.ts) then passes it down, and the render loop keeps
// the redirect on while an objective value is exactly 0. The channel mean's gradient, 1/count per position, is
// never 0. A square-based objective's is 2x/count = 0 at x = 0 (and the smooth sqrt(mean x² + ε) gave 2x/… = 0
// as well, so a dead unit stayed at √ε = 1e-6 with a blank image). Every objective escapes the same way: where
// its activation is 0 everywhere, its gradient is the mean's. For the RMS this is exact, not a patch: sqrt(mean x²)
// is a norm scaled by 1/√count, whose subgradients at 0 are the vectors of length ≤ 1/√count — the mean's gradient
// (1/count at each of count positions) is one of them. Values are exactly 0 there, with no ε.

/** Per item and channel: 1 where some value is non-zero, else 0 ([N, C], from the non-negative `rms`). */
function aliveMask(rms: tf.Tensor): tf.Tensor {
  return tf.step(rms);
}

/** [N, ..., C] → [N, C]: sqrt(mean over positions of x²); where a channel is all 0, the mean's gradient. */
const channelRootMeanSquare = tf.customGrad((...args) => {
  const act = args[0] as tf.Tensor;
  const save = args[1] as tf.GradSaveFunc;
  const rms = tf.sqrt(spatialMean(tf.square(act)));
  save([act, rms]);
  return {
    value: rms,
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [x, r] = saved;
      const count = x.size / (x.shape[0] * x.shape[x.rank - 1]);
      const alive = aliveMask(r);
      // alive: x / (count·rms); dead: 1/count. (rms + 1 − alive) keeps the division finite where rms is 0.
      const perX = tf.div(alive, tf.mul(tf.add(r, tf.sub(1, alive)), count));
      const perOne = tf.div(tf.sub(1, alive), count);
      const broadcast = (t: tf.Tensor) => tf.reshape(t, [x.shape[0], ...new Array<number>(x.rank - 2).fill(1), x.shape[x.rank - 1]]);
      return tf.mul(broadcast(dy), tf.add(tf.mul(x, broadcast(perX)), broadcast(perOne)));
    },
  };
}) as (act: tf.Tensor) => tf.Tensor2D;

/** [N, K] → [N]: mean of x² per item; where an item is all 0, the mean's gradient. */
const layerMeanSquare = tf.customGrad((...args) => {
  const act = args[0] as tf.Tensor2D;
  const save = args[1] as tf.GradSaveFunc;
  const value = tf.mean(tf.square(act), 1);
  save([act, value]);
  return {
    value,
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [x, v] = saved;
      const count = x.shape[1] as number;
      const alive = aliveMask(v);
      const perItem = (t: tf.Tensor) => tf.reshape(t, [x.shape[0], 1]);
      const grad = tf.add(tf.mul(x, perItem(tf.mul(alive, 2 / count))), perItem(tf.div(tf.sub(1, alive), count)));
      return tf.mul(perItem(dy), grad);
    },
  };
}) as (act: tf.Tensor2D) => tf.Tensor1D;

function unitMask(fixed: number | undefined, ctx: ObjectiveContext, act: tf.Tensor, layerId: string): tf.Tensor2D {
  const n = act.shape[0];
  const channels = act.shape[act.rank - 1];
  const mask = new Float32Array(n * channels);
  for (let i = 0; i < n; i++) {
    const unit = fixed ?? ctx.units[i];
    if (!Number.isInteger(unit) || unit < 0 || unit >= channels) {
      throw new LayerLensError('badArgument', `Unit ${unit} is out of range for layer ${layerId}, which has ${channels} channels.`);
    }
    mask[i * channels + unit] = 1;
  }
  return tf.tensor2d(mask, [n, channels]);
}

function select(values: tf.Tensor2D, mask: tf.Tensor2D): tf.Tensor1D {
  return tf.sum(tf.mul(values, mask), 1) as tf.Tensor1D;
}

/** [N, H, W, C] at (x, y), default the center (Lucid's neuron); other ranks are taken as is. */
function atPosition(act: tf.Tensor, x: number | undefined, y: number | undefined, layerId: string): tf.Tensor2D {
  if (act.rank !== 4) return spatialMean(act);
  const [n, h, w, c] = act.shape;
  const px = x ?? Math.floor(w / 2);
  const py = y ?? Math.floor(h / 2);
  if (!Number.isInteger(px) || !Number.isInteger(py) || px < 0 || py < 0 || px >= w || py >= h) {
    throw new LayerLensError('badArgument', `Position (${px}, ${py}) is outside layer ${layerId}, which is ${w}×${h}.`);
  }
  return tf.reshape(tf.slice(act, [0, py, px, 0], [n, 1, 1, c]), [n, c]);
}

/** Mean over positions of act·v, times max(0.1, cos)^power as in Lucid's direction objectives. */
function direction(act: tf.Tensor, vector: readonly number[], power: number, layerId: string): tf.Tensor1D {
  const n = act.shape[0];
  const channels = act.shape[act.rank - 1];
  if (vector.length !== channels) {
    throw new LayerLensError('badArgument', `The direction has ${vector.length} values but layer ${layerId} has ${channels} channels.`);
  }
  const flat = tf.reshape(act, [n, -1, channels]);
  const v = tf.tensor1d(Float32Array.from(vector));
  const dot = tf.sum(tf.mul(flat, v), 2);
  if (power === 0) return tf.mean(dot, 1) as tf.Tensor1D;
  const cos = tf.div(dot, tf.add(tf.mul(tf.norm(flat, 'euclidean', 2), tf.norm(v)), 1e-6));
  return tf.mean(tf.mul(dot, tf.pow(tf.maximum(cos, 0.1), power)), 1) as tf.Tensor1D;
}

/** Item i: −(1/N) Σ_{j≠i} <G_i, G_j> of L2-normalized Gram matrices; the batch sum is Lucid's diversity. */
function diversity(act: tf.Tensor): tf.Tensor1D {
  const n = act.shape[0];
  const channels = act.shape[act.rank - 1];
  if (n < 2) return tf.zeros([n]) as tf.Tensor1D;
  const flat = tf.reshape(act, [n, -1, channels]) as tf.Tensor3D;
  const grams = tf.reshape(tf.matMul(flat, flat, true, false), [n, channels * channels]) as tf.Tensor2D;
  const normed = tf.div(grams, tf.add(tf.norm(grams, 'euclidean', 1, true), 1e-10)) as tf.Tensor2D;
  const sims = tf.matMul(normed, normed, false, true);
  const offDiagonal = tf.sub(tf.sum(sims, 1), tf.sum(tf.mul(sims, tf.eye(n)), 1));
  return tf.div(tf.neg(offDiagonal), n) as tf.Tensor1D;
}
