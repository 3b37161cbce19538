// What is explained, as a differentiable score per batch item: a class's logit or softmax probability, the mean of
// one channel of a layer, or one neuron of it. Checked against the model before any pass runs.
import * as tf from '@tensorflow/tfjs-core';
import type { AttributionTarget } from '../../shared/attribution';
import { LayerLensError } from '../../shared/errors';
import type { LayerInfo } from '../../shared/model';
import type { LoadedModel } from '../model/loadedModel';

export interface ResolvedTarget {
  /** The layer whose output the score is read from. */
  layerId: string;
  /** [N] scores from that layer's output (NHWC or [N, C]). */
  score(output: tf.Tensor): tf.Tensor1D;
  /** "class 281 tabby (logit)", "inception4a · unit 11 (channel mean)". */
  label: string;
}

function layerOf(model: LoadedModel, id: string): LayerInfo {
  const layer = model.info.layers.find((l) => l.id === id);
  if (!layer) throw new LayerLensError('unknownLayer', `${model.info.name} has no layer "${id}".`);
  return layer;
}

function checkIndex(value: number | undefined, size: number | null | undefined, what: string, where: string): void {
  if (value === undefined) return;
  if (!Number.isInteger(value) || value < 0 || (typeof size === 'number' && value >= size)) {
    const range = typeof size === 'number' ? ` (0–${size - 1})` : '';
    throw new LayerLensError('badArgument', `${what} ${value} is not one of ${where}${range}.`);
  }
}

export function resolveTarget(model: LoadedModel, target: AttributionTarget, labels?: readonly string[]): ResolvedTarget {
  if (target.kind === 'class') {
    const layerId = model.info.logitsId ?? model.info.outputIds[0];
    if (!layerId) throw new LayerLensError('badArgument', `${model.info.name} has no output to take a class from.`);
    const shape = layerOf(model, layerId).outputShape;
    if (shape.length !== 2) throw new LayerLensError('badArgument', `${model.info.name}'s output ${layerId} is not a vector of classes, so a class cannot be explained; pick a layer and unit instead.`);
    if (typeof target.classIndex !== 'number') throw new LayerLensError('badArgument', `A class target needs a class index for ${model.info.name}.`);
    checkIndex(target.classIndex, shape[1], 'Class', `${model.info.name}'s classes`);
    const k = target.classIndex;
    const probability = target.score === 'probability';
    const name = labels?.[k];
    return {
      layerId,
      label: `class ${k}${name && name !== String(k) ? ` ${name}` : ''} (${probability ? 'probability' : 'logit'})`,
      score: (out) => {
        const scores = probability ? tf.softmax(out as tf.Tensor2D) : out;
        return tf.reshape(tf.slice(scores, [0, k], [scores.shape[0], 1]), [scores.shape[0]]);
      },
    };
  }
  const layer = layerOf(model, target.layerId);
  const shape = layer.outputShape;
  const channels = shape[shape.length - 1];
  checkIndex(target.channel, channels, 'Unit', `${target.layerId}'s units`);
  if (typeof target.channel !== 'number') throw new LayerLensError('badArgument', `A unit target needs a unit (channel) of ${target.layerId}.`);
  const c = target.channel;
  const neuron = target.y !== undefined || target.x !== undefined;
  if (neuron && shape.length !== 4) throw new LayerLensError('badArgument', `${target.layerId} has no spatial map, so a neuron at (y, x) cannot be picked; explain the whole unit.`);
  if (neuron && (target.y === undefined || target.x === undefined)) throw new LayerLensError('badArgument', `A neuron of ${target.layerId} needs both y and x.`);
  checkIndex(target.y, shape[1], 'Row', `${target.layerId}'s rows`);
  checkIndex(target.x, shape[2], 'Column', `${target.layerId}'s columns`);
  return {
    layerId: target.layerId,
    label: `${target.layerId} · unit ${c} (${neuron ? `neuron at y ${target.y}, x ${target.x}` : 'channel mean'})`,
    score: (out) => {
      const n = out.shape[0];
      if (out.rank === 2) return tf.reshape(tf.slice(out, [0, c], [n, 1]), [n]);
      if (out.rank !== 4) throw new LayerLensError('badArgument', `${target.layerId}'s output has rank ${out.rank}; only maps and vectors can be explained.`);
      const [, h, w] = out.shape;
      if (neuron) {
        const y = target.y as number;
        const x = target.x as number;
        if (y >= h || x >= w) throw new LayerLensError('badArgument', `${target.layerId}'s map is ${h}×${w} at this input size, so (y ${y}, x ${x}) is outside it.`);
        return tf.reshape(tf.slice(out, [0, y, x, c], [n, 1, 1, 1]), [n]);
      }
      return tf.mean(tf.reshape(tf.slice(out, [0, 0, 0, c], [n, h, w, 1]), [n, h * w]), 1) as tf.Tensor1D;
    },
  };
}
