// How an image becomes the model's input: defaults from the model's input shape, overridden by the model's
// sidecar `<model>.layerlens.json`, overridden in turn by settings. Pure: the sidecar arrives already read.
import { LayerLensError } from '../../shared/errors';
import type { InputSpec, ModelInfo } from '../../shared/model';
import {
  defaultResizeSize,
  isNormalizationName,
  NORMALIZATION_NAMES,
  NORMALIZATIONS,
  RESIZE_MODES,
  sameNormalization,
  type PreprocessOrigin,
  type PreprocessSource,
} from '../../shared/preprocessing';
import { classCountOf, imagenetLabelsFor } from '../labels/imagenetLabels';
import { imagenetPreprocessing, isImagenetStyle } from './imagenetDefaults';

/** A sidecar as read from disk: its file name (for messages), its parsed JSON and the lines of its labels file. */
export interface SidecarFile {
  fileName: string;
  json: unknown;
  /** Class names read from the file that `labelsFile` names, when it names one. */
  fileLabels?: string[];
}

const INPUT_KEYS = ['height', 'width', 'channels', 'channelOrder', 'resize', 'resizeSize', 'normalize', 'scale', 'mean', 'std'] as const;
/** The fields a named normalization sets. */
const NORMALIZATION_KEYS = ['scale', 'mean', 'std', 'channelOrder'] as const;
const TOP_KEYS = new Set(['input', 'labels', 'labelsFile', '$schema', 'description']);

/**
 * Resolves the input spec of a model. Precedence: settings > a size the model was opened at on request >
 * sidecar > defaults inferred from `info.inputShape` (NHWC [N, H, W, C]) and `info.assumedInputSize`: stretch
 * resize, RGB order, pixels scaled to [0, 1] (scale 1/255, mean 0, std 1; 0..255 for an integer input) —
 * or, for an ImageNet-style PyTorch classifier (see isImagenetStyle), torchvision's shorter-side resize, center
 * crop and ImageNet mean/std. Resize and normalization are each taken whole from the first place that sets them
 * (a sidecar's mean never mixes with a default std). A 1000-way (or 1001-way) classifier without labels gets
 * ImageNet's class names. `origin` records where each came from.
 * Invalid values throw `badArgument` naming the sidecar file (or the setting) and the field.
 */
export function resolveInputSpec(info: ModelInfo, sidecar?: SidecarFile, settings?: Partial<InputSpec>): InputSpec {
  const modelFile = lastSegment(info.path) || info.name;
  const fromFile = sidecar ? parseSidecar(sidecar) : {};
  const fromSettings = settings ? validateInput(settings, 'the layerLens input settings', '', false) : {};
  const shape = info.inputShape;
  const fixed = (i: number): number | undefined => {
    const v = shape.length === 4 ? shape[i] : undefined;
    return typeof v === 'number' && v > 0 ? v : undefined;
  };
  const assumed = info.assumedInputSize;
  const requested = assumed?.source === 'option' ? { height: assumed.height, width: assumed.width } : {};
  const sized: Partial<InputSpec> = { height: fixed(1) ?? assumed?.height, width: fixed(2) ?? assumed?.width, channels: channelsOf(fixed(3)), ...fromFile, ...requested, ...fromSettings };
  const imagenet = isImagenetStyle(info, sized) ? imagenetPreprocessing(sized.height as number) : undefined;
  const resizeFrom = sourceOf(fromSettings, fromFile, ['resize', 'resizeSize'], imagenet);
  const normalizeFrom = sourceOf(fromSettings, fromFile, ['normalize', ...NORMALIZATION_KEYS], imagenet);
  const layer = (from: PreprocessSource): Partial<InputSpec> => (from === 'settings' ? fromSettings : from === 'sidecar' ? fromFile : from === 'imagenet' ? (imagenet ?? {}) : {});
  const plain: Partial<InputSpec> = {
    channelOrder: 'rgb',
    resize: 'stretch',
    // An integer input takes raw pixels (detectors that cast 0..255 themselves).
    scale: info.inputDtype ? 1 : 1 / 255,
    mean: [0],
    std: [1],
  };
  const merged: Partial<InputSpec> = {
    ...sized,
    ...plain,
    ...pick(layer(normalizeFrom), ['normalize', ...NORMALIZATION_KEYS]),
    ...pick(layer(resizeFrom), ['resize', 'resizeSize']),
  };
  const sidecarName = sidecar?.fileName ?? `${stripExtension(modelFile)}.layerlens.json`;
  const { height, width, channels } = merged;
  if (height === undefined || width === undefined || channels === undefined) {
    throw new LayerLensError(
      'unresolvedShape',
      `${modelFile} has no fixed input ${height === undefined || width === undefined ? 'size' : 'channel count'} (shape [${shape.map((d) => d ?? '?').join(', ')}]); set input.height, input.width and input.channels in ${sidecarName}.`,
    );
  }
  for (const [i, name, value] of [[1, 'height', height], [2, 'width', width], [3, 'channels', channels]] as const) {
    const modelValue = fixed(i);
    if (modelValue !== undefined && modelValue !== value) {
      throw new LayerLensError('badArgument', `${sidecarName} sets input.${name} to ${value} but ${modelFile} takes ${modelValue}.`);
    }
  }
  const mean = merged.mean ?? [0];
  const std = merged.std ?? [1];
  for (const [name, list] of [['mean', mean], ['std', std]] as const) {
    if (list.length !== 1 && list.length !== channels) {
      throw new LayerLensError('badArgument', `${sidecarName} gives input.${name} ${list.length} values but the model has ${channels} channels.`);
    }
  }
  const origin: PreprocessOrigin = { resize: resizeFrom, normalize: normalizeFrom };
  const spec: InputSpec = {
    height,
    width,
    channels,
    channelOrder: merged.channelOrder ?? 'rgb',
    resize: merged.resize ?? 'stretch',
    scale: merged.scale ?? 1 / 255,
    mean,
    std,
    origin,
  };
  if (spec.resize === 'shorterSideCenterCrop') spec.resizeSize = merged.resizeSize ?? defaultResizeSize(height, width);
  if (merged.normalize) spec.normalize = merged.normalize;
  const labels = fromSettings.labels ?? fromFile.labels;
  if (labels) {
    spec.labels = labels;
    origin.labels = fromSettings.labels ? 'settings' : 'sidecar';
  } else {
    const names = imagenetLabelsFor(classCountOf(info));
    if (names) {
      spec.labels = names;
      origin.labels = 'imagenet';
    }
  }
  return spec;
}

/** The first place that sets any of `keys`: settings, then the sidecar, then ImageNet's recipe when it applies. */
function sourceOf(settings: Partial<InputSpec>, sidecar: Partial<InputSpec>, keys: readonly (keyof InputSpec)[], imagenet: Partial<InputSpec> | undefined): PreprocessSource {
  if (keys.some((k) => settings[k] !== undefined)) return 'settings';
  if (keys.some((k) => sidecar[k] !== undefined)) return 'sidecar';
  return imagenet ? 'imagenet' : 'default';
}

function pick(from: Partial<InputSpec>, keys: readonly (keyof InputSpec)[]): Partial<InputSpec> {
  const out: Record<string, unknown> = {};
  for (const k of keys) if (from[k] !== undefined) out[k] = from[k];
  return out as Partial<InputSpec>;
}

/** Validates a sidecar's JSON and returns what it sets (labels from `labels` or from its labels file). */
export function parseSidecar(sidecar: SidecarFile): Partial<InputSpec> {
  const where = sidecar.fileName;
  const json = sidecar.json;
  if (!isRecord(json)) throw new LayerLensError('badArgument', `${where} must hold a JSON object with an "input" entry.`);
  for (const key of Object.keys(json)) {
    if (!TOP_KEYS.has(key)) {
      throw new LayerLensError('badArgument', `${where} has an unknown entry "${key}" (expected input, labels or labelsFile).`);
    }
  }
  const out: Partial<InputSpec> = json.input === undefined ? {} : validateInput(json.input, where, 'input.', true);
  if (json.labels !== undefined && json.labelsFile !== undefined) {
    throw new LayerLensError('badArgument', `${where} gives both labels and labelsFile; keep one.`);
  }
  if (json.labels !== undefined) out.labels = stringList(json.labels, where, 'labels');
  if (json.labelsFile !== undefined) {
    if (typeof json.labelsFile !== 'string' || json.labelsFile === '') {
      throw new LayerLensError('badArgument', `In ${where}, labelsFile must be a file name next to the model.`);
    }
    if (!sidecar.fileLabels) throw new LayerLensError('notFound', `${json.labelsFile}, named by ${where}, was not read.`);
    out.labels = sidecar.fileLabels;
  }
  return out;
}

function validateInput(value: unknown, where: string, prefix: string, strict: boolean): Partial<InputSpec> {
  if (!isRecord(value)) throw new LayerLensError('badArgument', `In ${where}, ${prefix || 'the value'} must be an object.`);
  const out: Partial<InputSpec> = {};
  const bad = (field: string, what: string): LayerLensError =>
    new LayerLensError('badArgument', `In ${where}, ${prefix}${field} must be ${what}.`);
  for (const key of Object.keys(value)) {
    if (!(INPUT_KEYS as readonly string[]).includes(key) && !(key === 'labels' && !strict)) {
      throw new LayerLensError('badArgument', `In ${where}, ${prefix}${key} is not a known input field (expected ${INPUT_KEYS.join(', ')}).`);
    }
  }
  for (const dim of ['height', 'width'] as const) {
    const v = value[dim];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 8192) throw bad(dim, 'a whole number of pixels from 1 to 8192');
    out[dim] = v;
  }
  if (value.channels !== undefined) {
    const c = channelsOf(value.channels);
    if (c === undefined) throw bad('channels', '1, 3 or 4');
    out.channels = c;
  }
  if (value.channelOrder !== undefined) {
    const o = typeof value.channelOrder === 'string' ? value.channelOrder.toLowerCase() : '';
    if (o !== 'rgb' && o !== 'bgr') throw bad('channelOrder', '"rgb" or "bgr"');
    out.channelOrder = o;
  }
  if (value.resize !== undefined) {
    const r = value.resize;
    if (typeof r !== 'string' || !(RESIZE_MODES as readonly string[]).includes(r)) throw bad('resize', `one of ${quoted(RESIZE_MODES)}`);
    out.resize = r as InputSpec['resize'];
  }
  if (value.resizeSize !== undefined) {
    const v = value.resizeSize;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 16384) throw bad('resizeSize', 'a whole number of pixels from 1 to 16384');
    if (strict && out.resize !== 'shorterSideCenterCrop') {
      throw new LayerLensError('badArgument', `In ${where}, ${prefix}resizeSize applies only with ${prefix}resize "shorterSideCenterCrop".`);
    }
    out.resizeSize = v;
  }
  if (value.scale !== undefined) {
    if (typeof value.scale !== 'number' || !Number.isFinite(value.scale) || value.scale === 0) throw bad('scale', 'a non-zero number');
    out.scale = value.scale;
  }
  if (value.mean !== undefined) out.mean = numberList(value.mean, () => bad('mean', 'a number or a list of numbers'), false);
  if (value.std !== undefined) out.std = numberList(value.std, () => bad('std', 'a positive number or a list of them'), true);
  if (!strict && value.labels !== undefined) out.labels = stringList(value.labels, where, 'labels');
  if (value.normalize !== undefined) {
    const name = value.normalize;
    if (!isNormalizationName(name)) throw bad('normalize', `one of ${quoted(NORMALIZATION_NAMES)}`);
    const named = NORMALIZATIONS[name];
    // A field given beside the name must say the same thing (a one-value list stands for every channel).
    for (const key of NORMALIZATION_KEYS) {
      if (out[key] === undefined) continue;
      const probe = { ...named, [key]: out[key] };
      if (!sameNormalization(named, probe)) {
        throw new LayerLensError(
          'badArgument',
          `In ${where}, ${prefix}normalize "${name}" sets ${prefix}${key} to ${JSON.stringify(named[key])}, but ${prefix}${key} gives ${JSON.stringify(out[key])}; keep one.`,
        );
      }
    }
    Object.assign(out, { ...named, normalize: name });
  }
  return out;
}

function quoted(names: readonly string[]): string {
  return names.map((n) => `"${n}"`).join(', ');
}

function numberList(v: unknown, bad: () => LayerLensError, positive: boolean): number[] {
  const list = typeof v === 'number' ? [v] : v;
  if (!Array.isArray(list) || list.length === 0) throw bad();
  for (const x of list) {
    if (typeof x !== 'number' || !Number.isFinite(x) || (positive && x <= 0)) throw bad();
  }
  return list as number[];
}

function stringList(v: unknown, where: string, field: string): string[] {
  if (!Array.isArray(v) || !v.every((s) => typeof s === 'string')) {
    throw new LayerLensError('badArgument', `In ${where}, ${field} must be a list of class names.`);
  }
  return v as string[];
}

/** Splits a labels file: one class per line; blank lines at the end are dropped, inner ones kept (ids stay aligned). */
export function parseLabelsText(text: string): string[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/).map((l) => l.trim());
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

function channelsOf(v: unknown): 1 | 3 | 4 | undefined {
  return v === 1 || v === 3 || v === 4 ? v : undefined;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function lastSegment(path: string): string {
  const parts = path.split(/[\\/]/);
  return parts[parts.length - 1] ?? path;
}

function stripExtension(name: string): string {
  const i = name.lastIndexOf('.');
  return i > 0 ? name.slice(0, i) : name;
}
