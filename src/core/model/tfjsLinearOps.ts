// A Keras Conv2D / DepthwiseConv2D / Dense as one op on weights held as constant tensors, with the cheap input
// gradient of the ONNX importer's convs (src/core/onnx/convKernels.ts): the weights are closed over, never inputs
// of a taped op, so a gradient step reads no weight variable and computes no filter gradient, and a plain conv
// adds its bias inside the conv kernel (one pass over the output instead of two). The result is the layer's
// output before its activation.
import * as tf from '@tensorflow/tfjs-core';
import { convWithFlippedGrad, depthwiseGradFilter, flipHwio, type ConvGeom } from '../onnx/convKernels';
import type { LinearConfig } from './tfjsLayerEval';

export interface LinearOp {
  /** The layer's pre-activation output for x. */
  run(x: tf.Tensor): tf.Tensor;
  /** Frees the tensors the op made (the weights it was given when `owned`, the flipped gradient kernels). */
  dispose(): void;
}

/** [top, left, bottom, right] padding of a Keras 'same'/'valid' conv over an H × W input. */
function kerasPads(config: LinearConfig, kh: number, kw: number, H: number, W: number): [number, number, number, number] {
  if (config.padding === 'valid') return [0, 0, 0, 0];
  const along = (size: number, k: number, s: number, d: number): [number, number] => {
    const total = Math.max(0, (Math.ceil(size / s) - 1) * s + (k - 1) * d + 1 - size);
    return [Math.floor(total / 2), total - Math.floor(total / 2)];
  };
  const [top, bottom] = along(H, kh, config.strides[0], config.dilation[0]);
  const [left, right] = along(W, kw, config.strides[1], config.dilation[1]);
  return [top, left, bottom, right];
}

/**
 * The op for a layer with this config, kernel (HWIO / [kh, kw, C, M] / [in, out]) and bias; null for a case the
 * conv gradient does not take (strides and dilations both above 1), which keeps the layer-by-layer path.
 * `owned`: the op disposes kernel and bias with itself (folded weights); otherwise they belong to the layer.
 */
export function linearOp(config: LinearConfig, kernel: tf.Tensor, bias: tf.Tensor1D | undefined, owned: boolean): LinearOp | null {
  const strided = config.strides.some((s) => s > 1);
  const dilated = config.dilation.some((d) => d > 1);
  if (config.className !== 'Dense' && strided && dilated) return null;
  const made: tf.Tensor[] = owned ? [kernel, ...(bias ? [bias] : [])] : [];
  const dispose = (): void => tf.dispose(made.splice(0));
  if (config.className === 'Dense') return { run: (x) => dense(x, kernel as tf.Tensor2D, bias), dispose };

  const depthwise = config.className === 'DepthwiseConv2D';
  const w = kernel as tf.Tensor4D;
  let flip: tf.Tensor4D | undefined;
  const wFlip = (): tf.Tensor4D => {
    if (!flip) {
      // Made during a gradient, inside its tidy scope: kept, or that scope would dispose it.
      flip = tf.keep(depthwise ? tf.tidy(() => depthwiseGradFilter(w)) : flipHwio(w));
      made.push(flip);
    }
    return flip;
  };
  // The explicit padding depends on the input's size, which a model without a fixed size learns at run time.
  const bySize = new Map<string, (x: tf.Tensor4D) => tf.Tensor4D>();
  return {
    run(x) {
      const [, H, W] = x.shape as number[];
      const key = `${H}x${W}`;
      let conv = bySize.get(key);
      if (!conv) {
        const geom: ConvGeom = { strides: config.strides, dilations: config.dilation, pads: kerasPads(config, w.shape[0], w.shape[1], H as number, W as number) };
        conv = convWithFlippedGrad(w, wFlip, depthwise, geom, depthwise ? undefined : bias);
        bySize.set(key, conv);
      }
      const y = conv(x as tf.Tensor4D);
      return depthwise && bias ? tf.add(y, bias) : y;
    },
    dispose,
  };
}

/** x · W + b over the last axis (Keras applies Dense to the last axis of higher-rank inputs); gradient x only. */
function dense(x: tf.Tensor, w: tf.Tensor2D, bias: tf.Tensor1D | undefined): tf.Tensor {
  const inner = x.shape[x.rank - 1] as number;
  const lead = x.shape.slice(0, -1);
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const x2 = tf.reshape(args[0] as tf.Tensor, [-1, inner]) as tf.Tensor2D;
    const y = tf.fused.matMul({ a: x2, b: w, bias });
    return {
      value: tf.reshape(y, [...lead, w.shape[1]]),
      gradFunc: (dy: tf.Tensor) => tf.reshape(tf.matMul(tf.reshape(dy, [-1, w.shape[1]]), w, false, true), x.shape),
    };
  });
  return op(x);
}
