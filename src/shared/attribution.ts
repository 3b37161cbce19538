// Attribution ("why did it predict that") across rooms: which method, which target, and the map it yields.
// Maps cross the engine → host → webview boundaries as Float32Array, never as JSON number lists.
import type { InputSpec } from './model';

export type AttributionMethod =
  | 'saliency'
  | 'gradxinput'
  | 'smoothgrad'
  | 'ig'
  | 'gradcam'
  | 'gradcampp'
  | 'guided-gradcam'
  | 'occlusion';

/**
 * Bounds the core holds an attribution request to (src/core/attribution/explain.ts), and the CLI its options: IG
 * steps and SmoothGrad samples are passes, the batch is how many run at once, the noise a fraction of the range.
 */
export const ATTRIBUTION_LIMITS = { steps: 4096, samples: 4096, batchSize: 256, noise: 10, seed: 2 ** 32 - 1 } as const;

export const ATTRIBUTION_METHODS: readonly AttributionMethod[] = [
  'gradcam',
  'gradcampp',
  'saliency',
  'gradxinput',
  'smoothgrad',
  'ig',
  'guided-gradcam',
  'occlusion',
];

/** Each method's name as the panel, the report and the CLI show it. */
export const ATTRIBUTION_METHOD_NAMES: Readonly<Record<AttributionMethod, string>> = {
  gradcam: 'Grad-CAM',
  gradcampp: 'Grad-CAM++',
  saliency: 'Saliency',
  gradxinput: 'Gradient × input',
  smoothgrad: 'SmoothGrad',
  ig: 'Integrated Gradients',
  'guided-gradcam': 'Guided Grad-CAM',
  occlusion: 'Occlusion',
};

/** The methods that run many passes: the panel shows progress and offers cancel for them. */
export const COSTLY_ATTRIBUTION_METHODS: readonly AttributionMethod[] = ['smoothgrad', 'ig', 'occlusion'];

/**
 * What is explained. A class of a classifier's output (its logit, or its softmax probability), or any unit
 * of any layer: the mean of one channel over its map, or one neuron at (y, x) of that channel.
 */
export type AttributionTarget =
  | { kind: 'class'; classIndex: number; score?: 'logit' | 'probability' }
  | { kind: 'unit'; layerId: string; channel: number; y?: number; x?: number };

export type IgBaseline = 'black' | 'blurred' | 'noise';

export interface AttributionOptions {
  method: AttributionMethod;
  target: AttributionTarget;
  /** Grad-CAM family: the spatial layer whose maps are weighted; the last one before global pooling when absent. */
  camLayerId?: string;
  /** Integrated Gradients: interpolation steps (default 32). */
  steps?: number;
  /** SmoothGrad: noisy samples (default 25). */
  samples?: number;
  /** SmoothGrad: noise σ as a fraction of the input's value range (default 0.15). */
  noise?: number;
  /** Integrated Gradients: the baseline (default black). */
  baseline?: IgBaseline;
  /** Occlusion: window side and stride in input pixels (defaults 16 and 8). */
  window?: number;
  stride?: number;
  /** Passes run together in one batch (IG steps, SmoothGrad samples, occlusion windows); the engine sizes it. */
  batchSize?: number;
  /** Seed of SmoothGrad's and the noise baseline's random numbers, so a run can be repeated. */
  seed?: number;
}

export interface AttributionMap {
  method: AttributionMethod;
  /** The model's input resolution: the map is `height` × `width`, row-major, raw (before display normalization). */
  height: number;
  width: number;
  data: Float32Array;
  /** The target as the user reads it: "class 281 tabby cat (logit)", "inception4a · unit 11 (channel mean)". */
  targetLabel: string;
  /** The layer a Grad-CAM-family map came from. */
  camLayerId?: string;
  /**
   * Integrated Gradients only: sum of attributions, f(x) − f(baseline), and the relative gap between them
   * (|sum − Δf| / |Δf|), reported with the map.
   */
  completeness?: { sum: number; delta: number; gap: number };
  /** Forward + backward passes the method ran (one for saliency, steps for IG, …) and the wall time. */
  passes: number;
  ms: number;
}

/** Engine request: explain one image for one target with one method. */
export interface AttributionParams {
  modelPath: string;
  imagePath: string;
  options: AttributionOptions;
  /** Same meaning as the feature maps request's: overrides of the model's input spec. */
  inputSettings?: Partial<InputSpec>;
}

export interface AttributionProgress {
  done: number;
  total: number;
  message?: string;
}
