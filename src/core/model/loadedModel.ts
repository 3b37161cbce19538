import type * as tf from '@tensorflow/tfjs-core';
import type { ModelInfo } from '../../shared/model';

/**
 * A model the core can run, whatever file it came from (TF.js Layers, TF.js Graph, ONNX).
 *
 * Layout contract: the core works in NHWC. `forward` takes an NHWC float input, already preprocessed,
 * and returns NHWC (4-D) or [N, C] (2-D) tensors; adapters of NCHW frameworks convert once at their
 * boundary. Everything `forward` does is TF.js ops, so `tf.grad` flows from any returned tensor back
 * to the input (activation maximization depends on it).
 */
export interface LoadedModel {
  readonly info: ModelInfo;
  /**
   * Outputs of the requested layers (ids from `info.layers`) for `input`, in the same order.
   * Computes no further than the deepest requested layer where the format allows.
   * The caller owns the returned tensors (wrap in tf.tidy or dispose them).
   */
  forward(input: tf.Tensor4D, layerIds: readonly string[]): tf.Tensor[];
  /** Conv weights of a layer in HWIO [kh, kw, in, out], or null when the layer has no conv kernel. Caller disposes. */
  kernel(layerId: string): tf.Tensor4D | null;
  dispose(): void;
}

/** Progress of a long call: `done` of `total` units of work, with an optional line for the user. */
export interface Progress {
  done: number;
  total: number;
  message?: string;
}

/** What every long core call accepts. */
export interface LongCallOptions {
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
}
