// A model that runs at Layer Lens's default size because neither the model, the caller nor the sidecar fixes one
// is run on an image at the image's own size instead, kept within MAX_SIDE and rounded to a multiple of STEP
// (encoder–decoder nets concatenate maps downsampled 5 times: other sizes would not line up).
import type { InputSpec, ModelInfo } from '../../shared/model';

const MAX_SIDE = 512;
const STEP = 32;

/**
 * The settings to resolve a model's spec with for one image: `settings` with the image's size added when the
 * model's size is only the default and the settings set none; `settings` unchanged otherwise.
 */
export function withImageSize(
  info: ModelInfo,
  image: { width: number; height: number },
  settings?: Partial<InputSpec>,
): Partial<InputSpec> | undefined {
  if (info.assumedInputSize?.source !== 'default') return settings;
  if (settings?.height !== undefined || settings?.width !== undefined) return settings;
  if (!(image.width > 0 && image.height > 0)) return settings;
  const shrink = Math.min(1, MAX_SIDE / Math.max(image.width, image.height));
  const fit = (side: number): number => Math.max(STEP, Math.round((side * shrink) / STEP) * STEP);
  return { ...settings, height: fit(image.height), width: fit(image.width) };
}

/** Why a model without a fixed input size ran at `spec`'s size, for the feature maps caption; undefined for a fixed size. */
export function inputSizeNote(info: ModelInfo, spec: { height: number; width: number }): string | undefined {
  const assumed = info.assumedInputSize;
  if (!assumed) return undefined;
  const same = assumed.height === spec.height && assumed.width === spec.width;
  const why = !same
    ? assumed.source === 'default' ? 'the image' : 'the input settings'
    : assumed.source === 'option' ? 'the size asked for' : assumed.source === 'sidecar' ? 'the sidecar' : "Layer Lens's default";
  return `the model does not fix its input size; this one comes from ${why}`;
}
