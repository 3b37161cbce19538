// Shapes as the model's own framework prints them. The core keeps every 4-D activation NHWC and every conv kernel
// HWIO (see LayerInfo); a PyTorch user reads `1×64×112×112` and `64×3×7×7`, a Keras user `?×112×112×64` and
// `7×7×3×64`. Every place that shows a shape to a person (tree, panels, CLI, report, messages) goes through here;
// data (protocol payloads, --json, .npy files) keeps its own documented layout.
import type { LayerKind, ModelInfo } from './model';

export type NativeLayout = ModelInfo['nativeLayout'];

export interface ShapeTextOptions {
  /** 'omit' drops the batch dimension (compact labels where every shape is one image's). Default 'show'. */
  batch?: 'show' | 'omit';
}

/**
 * The dimensions of a canonical shape (NHWC for 4-D, anything else as the framework has it) in the model's
 * native order, with an unknown batch written the framework's way:
 * - NCHW (PyTorch, ONNX): `1`. PyTorch shapes are those of a real tensor, and `torchinfo.summary` prints the
 *   batch it ran (`[1, 64, 112, 112]` for the usual batch-1 input); `torch.onnx.export` fixes the batch to the
 *   example's 1 unless told otherwise, which is what Netron then shows. Layer Lens runs one image at a time too.
 * - NHWC (Keras, TF.js): `?`. Keras's `model.summary()` prints `(None, 112, 112, 64)`, TF.js's `[null,112,112,64]`
 *   and TensorFlow's own TensorShape `(?, 112, 112, 64)`: the batch is left open, and `?` is TF's short form.
 * Any other unknown dimension (an input size the model does not fix) is `?` in both, and so is a shape of one
 * unknown dimension (`[null]`: the core's mark for a shape it could not infer, not a batch).
 */
export function displayDims(shape: readonly (number | null)[], layout: NativeLayout, options: ShapeTextOptions = {}): string[] {
  // Only 4-D shapes are held NHWC by the core; other ranks already follow the model (ONNX [N, C, L] stays so).
  const native = layout === 'NCHW' && shape.length === 4 ? [shape[0], shape[3], shape[1], shape[2]] : [...shape];
  const batchOfOne = layout === 'NCHW' && native.length > 1;
  const dims = native.map((d, i) => (d !== null ? String(d) : i === 0 && batchOfOne ? '1' : '?'));
  return options.batch === 'omit' && dims.length > 1 ? dims.slice(1) : dims;
}

/** `1×64×112×112` (NCHW) or `?×112×112×64` (NHWC) for a canonical NHWC shape; vectors `1×1000` / `?×1000`. */
export function displayShape(shape: readonly (number | null)[], layout: NativeLayout, options: ShapeTextOptions = {}): string {
  return displayDims(shape, layout, options).join('×');
}

/**
 * A conv kernel, held HWIO `[kh, kw, in, out]` (depthwise `[kh, kw, C, multiplier]`), in the order its framework
 * stores the weight:
 * - NCHW: PyTorch's `conv.weight` is OIHW `[out, in / groups, kh, kw]`, so a depthwise conv of C channels is
 *   `[C × multiplier, 1, kh, kw]` (7×7 conv1 of ResNet: `64×3×7×7`).
 * - NHWC: Keras's `kernel` is HWIO and `depthwise_kernel` `[kh, kw, C, multiplier]`: the canonical order as is.
 * A transposed conv's Keras kernel `[kh, kw, out, in]` maps by the same permutation to PyTorch's `[in, out, kh, kw]`.
 */
export function displayKernelDims(kernelShape: readonly number[], layout: NativeLayout, kind?: LayerKind): number[] {
  if (layout !== 'NCHW' || kernelShape.length !== 4) return [...kernelShape];
  const [kh, kw, i, o] = kernelShape;
  return kind === 'depthwiseConv' ? [i * o, 1, kh, kw] : [o, i, kh, kw];
}

export function displayKernelShape(kernelShape: readonly number[], layout: NativeLayout, kind?: LayerKind): string {
  return displayKernelDims(kernelShape, layout, kind).join('×');
}

/** The name of the kernel order `displayKernelShape` writes: `OIHW`, `HWIO`, or `HWCM` (Keras's depthwise: channel, multiplier). */
export function kernelOrderName(kernelShape: readonly number[], layout: NativeLayout, kind?: LayerKind): string {
  if (kernelShape.length !== 4) return '';
  if (layout === 'NCHW') return 'OIHW';
  return kind === 'depthwiseConv' ? 'HWCM' : 'HWIO';
}

/** The layout a shape is shown in: `NCHW`/`NHWC` for 4-D shapes, nothing for other ranks (their order is the same in both). */
export function shapeLayoutName(shape: readonly unknown[], layout: NativeLayout): string {
  return shape.length === 4 ? layout : '';
}
