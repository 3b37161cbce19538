// Activation maximization DTOs: what the host, the webview and the CLI send to the core and get back.
// Plain data only; images are RGBA typed arrays, histories Float32Arrays.
import type { InputSpec } from './model';

/**
 * How the optimized image is represented, by kind, with the name a settings form shows. The kinds are this table's
 * keys; src/core/actmax/param.ts has one factory per kind (the compiler asks for it).
 */
export const ACTMAX_PARAMS = {
  /** One free value per pixel and channel, squashed by a sigmoid into 0..1. */
  pixel: 'Pixels',
  /** A 1/f-scaled spectrum, inverse-DFT'd, color-decorrelated, sigmoid (Lucid's default image). */
  fourier: 'Fourier',
  /** Only the spectrum's phase is optimized; the magnitude is a fixed natural-image (1/f) spectrum (MACO). */
  maco: 'MACO',
} as const;
export type ActmaxParamKind = keyof typeof ACTMAX_PARAMS;
export const ACTMAX_PARAM_KINDS = Object.keys(ACTMAX_PARAMS) as ActmaxParamKind[];

/**
 * Bounds every caller of activation maximization is held to (the engine's request check and the CLI's options), so
 * nothing the UI sends is refused and nothing can allocate or run without bound.
 */
export const ACTMAX_LIMITS = {
  /** Units of one request: the panel's cap for a single run; the atlas sends 8 at a time. */
  units: 64,
  steps: 100_000,
  size: [8, 1024],
  /** Pixels of one step's batch (units × side²): 64 units at 512 px, or 16 at 1024 px. */
  batchPixels: 64 * 512 * 512,
  seed: 2 ** 32 - 1,
  lr: [1e-9, 100],
  penaltyWeight: 1e6,
} as const;

export const ACTMAX_PRESETS = [
  'trial1-naive',
  'trial2-rescale',
  'trial3-rms',
  'trial4-l2',
  'trial5-rescale-l2',
  'trial6-scharr',
  'lucid',
  'maco',
] as const;
export type ActmaxPresetName = (typeof ACTMAX_PRESETS)[number];
export const DEFAULT_ACTMAX_PRESET: ActmaxPresetName = 'lucid';

/** One random, seeded, differentiable transform applied to the image before the model sees it. */
export type ActmaxTransformSpec =
  /** Constant border of `pixels` on every side (value in 0..1, default 0.5). */
  | { kind: 'pad'; pixels: number; value?: number }
  /** Random crop that removes `pixels` rows and columns: a shift of 0..pixels. */
  | { kind: 'jitter'; pixels: number }
  /** Bilinear resize by one factor drawn from the list. */
  | { kind: 'scale'; factors: number[] }
  /** Bilinear rotation about the center by one angle (degrees) drawn from the list. */
  | { kind: 'rotate'; degrees: number[] };

/**
 * Penalties on the image (0..1), by kind, with the name a settings form shows. Each is a per-image mean, so weights
 * do not depend on image size. A penalty is an objective term (`{ kind: 'penalty' }`), so it combines with weights
 * inside a `sum` like any other; a preset's or request's weights become terms of −weight. Adding a penalty is one
 * entry here and its function in src/core/actmax/regularizers.ts (the compiler asks for it); forms, request
 * validation and presets read the kinds from this table.
 */
export const ACTMAX_PENALTIES = {
  /** mean |pixel − 0.5| */
  l1: 'L1',
  /** mean (pixel − 0.5)² (trial 4) */
  l2: 'L2',
  /** mean |neighbour difference|, x and y */
  totalVariation: 'Total variation',
  /** RMS of the Scharr x/y image gradients (trial 6) */
  scharr: 'Scharr RMS',
  /** mean (pixel − blur(pixel))², the blur held constant (pulls the image toward its own 3×3 blur) */
  blur: 'Blur',
  /** mean pixel: pulls the image toward black (light-on-black data such as MNIST) */
  dark: 'Dark',
} as const;
export type ActmaxPenaltyKind = keyof typeof ACTMAX_PENALTIES;
/** In table order, which is also the order penalty terms are added to a run's objective. */
export const ACTMAX_PENALTY_KINDS = Object.keys(ACTMAX_PENALTIES) as ActmaxPenaltyKind[];

/** Penalty weights by kind; absent or 0 = off. */
export type ActmaxRegularizerWeights = Partial<Record<ActmaxPenaltyKind, number>>;

/**
 * What is maximized. Leaves that take a layer use the request's `layerId` when theirs is absent, and those that
 * take a unit use the batch item's unit (request.units[i]) when theirs is absent. Every objective is evaluated per
 * batch item; the run maximizes the sum over the batch.
 */
export type ActmaxObjectiveSpec =
  /** Mean of one channel over all positions (or the value itself on a [N, C] layer). */
  | { kind: 'channel'; layerId?: string; unit?: number }
  /** Root mean square of one channel over all positions (trial 3). */
  | { kind: 'channelRms'; layerId?: string; unit?: number }
  /** One channel at one position; default the center. */
  | { kind: 'neuron'; layerId?: string; unit?: number; x?: number; y?: number }
  /** Mean square of the whole layer (DeepDream). */
  | { kind: 'layerL2'; layerId?: string }
  /** A class logit before softmax; layer defaults to the model's logits layer, class to the batch item's unit. */
  | { kind: 'classLogit'; layerId?: string; classIndex?: number }
  /** Mean over positions of the dot product with `vector` (length = channels), times cosine^cossimPower. */
  | { kind: 'direction'; layerId?: string; vector: number[]; cossimPower?: number }
  /** Negative similarity of this item's Gram matrix to the other items' (Lucid's diversity); 0 for a batch of one. */
  | { kind: 'diversity'; layerId?: string }
  /** A penalty of the image itself, not of a layer: a cost, so a sum gives it a negative weight. */
  | { kind: 'penalty'; penalty: ActmaxPenaltyKind }
  | { kind: 'negative'; of: ActmaxObjectiveSpec }
  | { kind: 'sum'; terms: { weight: number; objective: ActmaxObjectiveSpec }[] };

/** Optimize at a small size first, then upscale: `count` sizes, each `scale` times the previous, the last the full size. */
export interface ActmaxOctaves {
  count: number;
  scale: number;
}

/** Everything a preset sets; any of it can be overridden by the request. */
export interface ActmaxOverrides {
  steps?: number;
  /** Square image side in pixels; default the model's input size. */
  size?: number;
  seed?: number;
  lr?: number;
  param?: ActmaxParamKind;
  /** Color decorrelation (3-channel images only). */
  decorrelate?: boolean;
  /** Exponent of the 1/f spectrum scaling (fourier, maco). */
  decayPower?: number;
  transforms?: ActmaxTransformSpec[];
  /** Merged over the preset's weights. */
  regularizers?: ActmaxRegularizerWeights;
  octaves?: ActmaxOctaves;
  /** Steps at the start that use Lucid's redirected ReLU gradient. */
  reluRedirectSteps?: number;
  /** A frame is emitted every this many steps. */
  frameEvery?: number;
}

export interface ActmaxRequest {
  layerId: string;
  /** One unit (channel, or class for classLogit) per batch item; all are optimized together. */
  units: number[];
  /** Default: the preset's (channel mean; channel RMS for trial3-rms; class logit when layerId is the logits layer). */
  objective?: ActmaxObjectiveSpec;
  preset?: ActmaxPresetName;
  overrides?: ActmaxOverrides;
  /** How 0..255 pixels become model input; default from the model's input shape (scale 1/255, mean 0, std 1). */
  inputSpec?: InputSpec;
}

/** The settings a run actually used, after preset and overrides. */
export interface ActmaxSettings {
  preset: ActmaxPresetName;
  layerId: string;
  units: number[];
  objective: ActmaxObjectiveSpec;
  param: ActmaxParamKind;
  decorrelate: boolean;
  decayPower: number;
  height: number;
  width: number;
  channels: 1 | 3;
  steps: number;
  lr: number;
  seed: number;
  transforms: ActmaxTransformSpec[];
  /** Every kind, 0 = off. */
  regularizers: Record<ActmaxPenaltyKind, number>;
  octaves: ActmaxOctaves;
  reluRedirectSteps: number;
  frameEvery: number;
}

/** A snapshot while the run goes on. */
export interface ActmaxFrame {
  step: number;
  totalSteps: number;
  /** RGBA, width × height × 4, one per unit. */
  images: Uint8ClampedArray[];
  width: number;
  height: number;
  /** Objective value per unit at this step. */
  objective: number[];
}

export interface ActmaxResult {
  /** RGBA, width × height × 4, one per unit. */
  images: Uint8ClampedArray[];
  width: number;
  height: number;
  /** Objective value per step, one array per unit. */
  objectiveHistory: Float32Array[];
  msPerStep: number;
  settings: ActmaxSettings;
}
