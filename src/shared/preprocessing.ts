// The named preprocessing recipes users know from their frameworks, as plain data, and the one line that says what
// was applied. Shared: the sidecar parser, the CLI, the engine's checks and the feature-maps webview all use it.
import type { InputSpec } from './model';

/**
 * Normalizations by the name frameworks give them. torchvision/torch: ToTensor() then Normalize(ImageNet mean,
 * std) (Keras imagenet_utils mode "torch" is the same); caffe: Keras mode "caffe" (RGB→BGR, 0..255 minus the
 * ImageNet BGR mean); tf and inception: x / 127.5 − 1, to [−1, 1] (Keras mode "tf", Inception's preprocessing);
 * none: ToTensor() alone, [0, 1]; raw: 0..255 as decoded.
 */
export type NormalizationName = 'torchvision' | 'torch' | 'caffe' | 'tf' | 'inception' | 'none' | 'raw';

export const NORMALIZATION_NAMES: readonly NormalizationName[] = ['torchvision', 'torch', 'caffe', 'tf', 'inception', 'none', 'raw'];

export type NormalizationFields = Pick<InputSpec, 'scale' | 'mean' | 'std' | 'channelOrder'>;

const IMAGENET_MEAN = [0.485, 0.456, 0.406];
const IMAGENET_STD = [0.229, 0.224, 0.225];

/** What each name expands to in the input spec: pixel' = (pixel · scale − mean) / std, pixel in 0..255. */
export const NORMALIZATIONS: Readonly<Record<NormalizationName, NormalizationFields>> = {
  torchvision: { scale: 1 / 255, mean: IMAGENET_MEAN, std: IMAGENET_STD, channelOrder: 'rgb' },
  torch: { scale: 1 / 255, mean: IMAGENET_MEAN, std: IMAGENET_STD, channelOrder: 'rgb' },
  caffe: { scale: 1, mean: [103.939, 116.779, 123.68], std: [1], channelOrder: 'bgr' },
  tf: { scale: 1 / 127.5, mean: [1], std: [1], channelOrder: 'rgb' },
  inception: { scale: 1 / 127.5, mean: [1], std: [1], channelOrder: 'rgb' },
  none: { scale: 1 / 255, mean: [0], std: [1], channelOrder: 'rgb' },
  raw: { scale: 1, mean: [0], std: [1], channelOrder: 'rgb' },
};

const NORMALIZATION_TEXT: Readonly<Record<NormalizationName, string>> = {
  torchvision: 'torchvision mean/std',
  torch: 'Keras "torch" (torchvision mean/std)',
  caffe: 'Keras "caffe" (BGR, ImageNet mean subtracted)',
  tf: 'Keras "tf" ([−1, 1])',
  inception: 'Inception [−1, 1]',
  none: 'pixels to [0, 1]',
  raw: 'pixels 0..255 as decoded',
};

export type ResizeMode = InputSpec['resize'];

export const RESIZE_MODES: readonly ResizeMode[] = ['stretch', 'centerCrop', 'shorterSideCenterCrop', 'pad'];

/** torchvision's ImageNet recipe: Resize(256) then CenterCrop(224), so the shorter side is the crop · 256/224. */
export function defaultResizeSize(height: number, width: number): number {
  return Math.round((Math.min(height, width) * 256) / 224);
}

/** Where a part of the preprocessing came from, for the line that says what was applied. */
export type PreprocessSource = 'settings' | 'sidecar' | 'imagenet' | 'default';

export interface PreprocessOrigin {
  resize: PreprocessSource;
  normalize: PreprocessSource;
  /** Where the class names came from; absent when there are none. */
  labels?: 'sidecar' | 'settings' | 'imagenet';
}

export function isNormalizationName(v: unknown): v is NormalizationName {
  return typeof v === 'string' && (NORMALIZATION_NAMES as readonly string[]).includes(v);
}

/** The name whose numbers `spec` uses (the one it was given first), or undefined for a custom normalization. */
export function normalizationOf(spec: Pick<InputSpec, 'normalize' | 'scale' | 'mean' | 'std' | 'channelOrder' | 'channels'>): NormalizationName | undefined {
  if (spec.normalize && sameNormalization(NORMALIZATIONS[spec.normalize], spec)) return spec.normalize;
  return NORMALIZATION_NAMES.find((name) => sameNormalization(NORMALIZATIONS[name], spec));
}

/** Whether two normalizations give the same numbers (a one-value mean or std stands for every channel). */
export function sameNormalization(a: NormalizationFields, b: NormalizationFields): boolean {
  const near = (x: number, y: number): boolean => Math.abs(x - y) <= 1e-6 * Math.max(Math.abs(x), Math.abs(y)) || x === y;
  const list = (x: readonly number[], y: readonly number[]): boolean => {
    const n = Math.max(x.length, y.length);
    return (x.length === 1 || y.length === 1 || x.length === y.length) && Array.from({ length: n }, (_, i) => near(x[x.length === 1 ? 0 : i]!, y[y.length === 1 ? 0 : i]!)).every(Boolean);
  };
  return near(a.scale, b.scale) && list(a.mean, b.mean) && list(a.std, b.std) && (a.channelOrder === b.channelOrder || a.channelOrder === undefined);
}

/** "resize shorter side to 256, center crop 224" and the like. */
export function describeResize(spec: Pick<InputSpec, 'resize' | 'height' | 'width' | 'resizeSize'>): string {
  const size = spec.height === spec.width ? `${spec.height}` : `${spec.height}×${spec.width}`;
  switch (spec.resize) {
    case 'shorterSideCenterCrop':
      return `resize shorter side to ${spec.resizeSize ?? defaultResizeSize(spec.height, spec.width)}, center crop ${size}`;
    case 'centerCrop':
      return `scale to cover ${size}, center crop`;
    case 'pad':
      return `scale to fit ${size}, pad with black`;
    default:
      return `squash to ${size}`;
  }
}

/** "torchvision mean/std", or the numbers of a normalization without a name. */
export function describeNormalization(spec: Pick<InputSpec, 'normalize' | 'scale' | 'mean' | 'std' | 'channelOrder' | 'channels'>): string {
  const name = normalizationOf(spec);
  if (name) return NORMALIZATION_TEXT[name];
  const num = (x: number): string => String(Number(x.toPrecision(4)));
  const scale = spec.scale === 1 ? '' : Math.abs(1 / spec.scale - Math.round(1 / spec.scale)) < 1e-6 ? ` /${num(1 / spec.scale)}` : ` ×${num(spec.scale)}`;
  return `${spec.channelOrder === 'bgr' ? 'BGR, ' : ''}pixel${scale}, mean [${spec.mean.map(num).join(', ')}], std [${spec.std.map(num).join(', ')}]`;
}

const SOURCE_TEXT: Readonly<Record<PreprocessSource, string>> = {
  settings: 'as chosen',
  sidecar: 'from the sidecar',
  imagenet: 'default for ImageNet models',
  default: "Layer Lens's default",
};

/**
 * The line that says what was applied: "resize shorter side to 256, center crop 224 · torchvision mean/std ·
 * default for ImageNet models". Where resize and normalization came from different places, each says its own.
 */
export function describePreprocessing(spec: InputSpec): string {
  const origin = spec.origin;
  const resize = describeResize(spec);
  const normalize = describeNormalization(spec);
  if (!origin) return `${resize} · ${normalize}`;
  if (origin.resize === origin.normalize) return `${resize} · ${normalize} · ${SOURCE_TEXT[origin.resize]}`;
  return `${resize} (${SOURCE_TEXT[origin.resize]}) · ${normalize} (${SOURCE_TEXT[origin.normalize]})`;
}

/** "ImageNet class names" and the like, for listings; undefined when the model has no class names. */
export function describeLabels(spec: InputSpec): string | undefined {
  if (!spec.labels || spec.labels.length === 0) return undefined;
  const from = spec.origin?.labels;
  if (from === 'imagenet') return `ImageNet class names (${spec.labels.length}; none given by a sidecar)`;
  return `${spec.labels.length} class names${from === 'sidecar' ? ' from the sidecar' : ''}`;
}
