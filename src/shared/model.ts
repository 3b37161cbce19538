// DTOs that describe a loaded model. Plain data: they cross the engine/host/webview boundaries.
import type { NormalizationName, PreprocessOrigin } from './preprocessing';

/** What file format the model came from. */
export type ModelFormat = 'layers' | 'graph' | 'onnx';

/** Coarse layer families: drive icons, context menus and which features apply. */
export type LayerKind =
  | 'input'
  | 'conv'
  | 'depthwiseConv'
  | 'dense'
  | 'pool'
  | 'norm'
  | 'activation'
  | 'merge'
  | 'reshape'
  | 'dropout'
  | 'module'
  | 'other';

export interface LayerInfo {
  /** Stable address used by every request: Layers layer name, Graph node name, ONNX dotted module path. */
  id: string;
  /** Short display name (the last segment of the id for nested modules). */
  name: string;
  /** Framework class or op type: `Conv2D`, `Conv`, `Module`, ... */
  className: string;
  kind: LayerKind;
  /** Output shape in the core's canonical layout: NHWC for images, [N, C] for vectors; null = unknown/batch. */
  outputShape: (number | null)[];
  paramCount: number;
  /** Conv kernel shape in canonical HWIO order [kh, kw, inChannels, outChannels] (depthwise: [kh, kw, C, multiplier]). */
  kernelShape?: number[];
  /** Id of the enclosing module (ONNX name scopes, Graph name scopes); absent at top level. */
  parent?: string;
  /** A note the UI should show, e.g. "BatchNorm folded into this conv by the exporter". */
  note?: string;
}

export interface ModelInfo {
  /** Absolute path of the file the model was loaded from. */
  path: string;
  name: string;
  format: ModelFormat;
  /** Input shape in canonical NHWC, batch first (null batch). */
  inputShape: (number | null)[];
  /** The layout the model's own framework uses: activations written to disk follow it (NCHW for ONNX). */
  nativeLayout: 'NHWC' | 'NCHW';
  /**
   * The size the model was probed and runs at when its input does not fix one (`inputShape` keeps the nulls):
   * from the `inputSize` load option, the sidecar's input.height/width, or a default. Absent for fixed sizes.
   */
  assumedInputSize?: AssumedInputSize;
  /** Element type the model's input takes; absent means float32. Pixels are rounded to it at the model's boundary. */
  inputDtype?: 'int32' | 'uint8';
  /** Layers and modules, in topological order. */
  layers: LayerInfo[];
  /** Ids (in `layers`) of the model's outputs. */
  outputIds: string[];
  /** Id of the layer whose output are the class logits before any softmax, when the model is a classifier. */
  logitsId?: string;
  /** Number of parameters in the whole model. */
  paramCount: number;
  warnings: string[];
}

/** Where an assumed input size came from: the caller's option, the model's sidecar, or Layer Lens's default. */
export type InputSizeSource = 'option' | 'sidecar' | 'default';

export interface AssumedInputSize {
  height: number;
  width: number;
  source: InputSizeSource;
}

/** A tensor that crosses a boundary: typed array, never a JSON number list. */
export interface TensorPayload {
  shape: number[];
  data: Float32Array;
}

/** How an image becomes the model's input. Read from `<model>.layerlens.json` or settings; defaults come from the input shape. */
export interface InputSpec {
  height: number;
  width: number;
  channels: 1 | 3 | 4;
  channelOrder: 'rgb' | 'bgr';
  /**
   * How the decoded image is fitted to height × width. shorterSideCenterCrop is torchvision's Resize(resizeSize)
   * then CenterCrop (antialiased bilinear, as PIL resizes).
   */
  resize: 'stretch' | 'centerCrop' | 'shorterSideCenterCrop' | 'pad';
  /** shorterSideCenterCrop: the shorter side before the crop; default min(height, width) · 256 / 224. */
  resizeSize?: number;
  /** The named normalization scale/mean/std/channelOrder came from, when they came from one. */
  normalize?: NormalizationName;
  /** Where resize, normalization and labels came from: the panel and the CLI say what they applied. */
  origin?: PreprocessOrigin;
  /** pixel' = (pixel * scale - mean) / std, with pixel in 0..255. */
  scale: number;
  mean: number[];
  std: number[];
  /** Class names, index = class id. */
  labels?: string[];
}
