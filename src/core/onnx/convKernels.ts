// Conv forward passes whose input gradient is another forward conv with the flipped kernel (or, when the native
// kernels are installed, their Conv2DBackpropInput).
// Why: on wasm the depthwise input gradient kernel is missing, neither backend has a gradient for dilated
// convs, and the flipped-kernel forward conv is faster than Conv2DBackpropInput (docs/tfjs-facts.md). Weights are
// constants captured by the closure, so no filter gradient is ever requested.
import * as tf from '@tensorflow/tfjs-core';
import { pointwiseInputGrad, spreadForInputGrad } from '../gradients/convInputGrad';
import { nativeKernelsInstalled } from '../native/installNativeKernels';

export interface ConvGeom {
  strides: [number, number];
  dilations: [number, number];
  /** Explicit padding [top, left, bottom, right]. */
  pads: [number, number, number, number];
}

type Conv = (x: tf.Tensor4D) => tf.Tensor4D;

/**
 * Builds y = conv(x, w) (+ bias). `w` is HWIO for a plain conv, [kh, kw, C, M] for a depthwise one.
 * `wFlip` gives the kernel for the input gradient (made on first use, so inference never pays for it): HWIO of the flipped, transposed kernel (plain conv, or a
 * depthwise conv with M > 1 expanded to a dense one), or the spatially flipped depthwise kernel when M == 1.
 */
export function convWithFlippedGrad(w: tf.Tensor4D, wFlip: () => tf.Tensor4D, depthwise: boolean, g: ConvGeom, bias?: tf.Tensor1D): Conv {
  if (depthwise && bias) throw new Error('a depthwise conv adds its bias after the conv');
  const [kh, kw] = w.shape;
  const explicit: [[number, number], [number, number], [number, number], [number, number]] = [
    [0, 0], [g.pads[0], g.pads[2]], [g.pads[1], g.pads[3]], [0, 0],
  ];
  // A plain conv's bias rides in the conv kernel (one pass over the output instead of two); it is a constant,
  // so the gradient below is the same with or without it. (fused.depthwiseConv2d takes no explicit padding.)
  const forward: Conv = (x) =>
    depthwise
      ? tf.depthwiseConv2d(x, w, g.strides, explicit, 'NHWC', g.dilations)
      : tf.fused.conv2d({ x, filter: w, strides: g.strides, pad: explicit, dilations: g.dilations, bias });
  const gradDepthwise = depthwise && w.shape[3] === 1;
  const f = (x: tf.Tensor) => {
    const x4 = x as tf.Tensor4D;
    const [, H, W] = x4.shape;
    return {
      value: forward(x4),
      gradFunc: (dy: tf.Tensor) => {
        // The native Conv2DBackpropInput works on dy as it is: no zero-spread for strides, and no thin matrix
        // product for few input channels (RGB). Otherwise the flipped-kernel conv below is the faster of the two
        // (native kernels, GoogLeNet's 3×3 at 56 px: 4.5 vs 5.3 ms; 1×1 at 28 px: 0.31 vs 0.48 ms).
        const thin = x4.shape[3] < 32;
        const strided = g.strides[0] > 1 || g.strides[1] > 1;
        if (!depthwise && g.dilations[0] === 1 && g.dilations[1] === 1 && (thin || strided) && nativeKernelsInstalled()) {
          return tf.conv2dTranspose(dy as tf.Tensor4D, w, x4.shape, g.strides, explicit);
        }
        // The native depthwise input gradient reads dy as it is (no zero-spread, no flipped kernel), any dilation.
        if (depthwise && nativeKernelsInstalled()) {
          const attrs = { strides: g.strides, pad: explicit, dilations: g.dilations, inputShape: x4.shape };
          return tf.engine().runKernel('DepthwiseConv2dNativeBackpropInput', { dy, filter: w }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor4D;
        }
        const geometry = { strides: g.strides, dilations: g.dilations, top: g.pads[0], left: g.pads[1] };
        // With the native kernels a 1×1 conv's input gradient is one product dy · Wᵀ, which reads the kernel as it
        // is (no flipped copy) and ran faster (nsfwjs MobileNetV2: 353 vs 432 ms per gradient). TF.js wasm's matMul
        // with a transposed right-hand side ran 2.3× slower than the flipped conv, so without them the flip stays.
        if (!depthwise && kh === 1 && kw === 1 && nativeKernelsInstalled()) return pointwiseInputGrad(dy as tf.Tensor4D, H, W, w, geometry);
        const { d, pad } = spreadForInputGrad(dy as tf.Tensor4D, H, W, kh, kw, geometry);
        return gradDepthwise
          ? tf.depthwiseConv2d(d, wFlip(), 1, pad, 'NHWC', g.dilations)
          : tf.conv2d(d, wFlip(), 1, pad, 'NHWC', g.dilations);
      },
    };
  };
  return tf.customGrad(f as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as Conv;
}

/** OIHW (ONNX) to HWIO (TF.js), for output channels [o0, o0 + count). */
export function oihwToHwio(data: Float32Array | Int32Array, shape: number[], o0: number, count: number): tf.Tensor4D {
  const [, I, kh, kw] = shape;
  const out = new Float32Array(kh * kw * I * count);
  for (let o = 0; o < count; o++) {
    for (let i = 0; i < I; i++) {
      for (let y = 0; y < kh; y++) {
        for (let x = 0; x < kw; x++) {
          out[((y * kw + x) * I + i) * count + o] = data[(((o0 + o) * I + i) * kh + y) * kw + x];
        }
      }
    }
  }
  return tf.tensor4d(out, [kh, kw, I, count]);
}

/** Depthwise ONNX weights [C*M, 1, kh, kw] to TF.js [kh, kw, C, M]. */
export function depthwiseFilter(data: Float32Array | Int32Array, shape: number[], C: number): tf.Tensor4D {
  const [O, , kh, kw] = shape;
  const M = O / C;
  const out = new Float32Array(kh * kw * C * M);
  for (let c = 0; c < C; c++) {
    for (let m = 0; m < M; m++) {
      for (let y = 0; y < kh; y++) {
        for (let x = 0; x < kw; x++) out[((y * kw + x) * C + c) * M + m] = data[((c * M + m) * kh + y) * kw + x];
      }
    }
  }
  return tf.tensor4d(out, [kh, kw, C, M]);
}

/** Gradient kernel of a depthwise conv: flipped [kh,kw,C,1] when M == 1, else a dense HWIO [kh,kw,C*M,C]. */
export function depthwiseGradFilter(f: tf.Tensor4D): tf.Tensor4D {
  const [kh, kw, C, M] = f.shape;
  if (M === 1) return tf.reverse(f, [0, 1]);
  // Safe on every backend: `f` is the filter depthwiseFilter made from the file's numbers in JavaScript, whose values
  // a GPU backend keeps in CPU memory (cpuCopies.ts), never a value the GPU computed.
  const src = f.dataSync();
  const out = new Float32Array(kh * kw * C * M * C);
  for (let y = 0; y < kh; y++) {
    for (let x = 0; x < kw; x++) {
      for (let c = 0; c < C; c++) {
        for (let m = 0; m < M; m++) {
          const v = src[(((kh - 1 - y) * kw + (kw - 1 - x)) * C + c) * M + m];
          out[((y * kw + x) * C * M + c * M + m) * C + c] = v;
        }
      }
    }
  }
  return tf.tensor4d(out, [kh, kw, C * M, C]);
}
