// The report's own options: which layers, how many actmax steps, which and how many sample images. Checked before
// the model loads where the flag alone tells (one sentence each), and against the model's layers once it has.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { ModelInfo } from '../../shared/model';
import { LayerLensError } from '../../shared/errors';
import { ACTMAX_LIMITS } from '../../shared/actmax';
import { integer } from '../cliArgs';

/** Steps per actmax image by default: enough for a clear picture on a small model, short enough for a demo. */
export const DEFAULT_STEPS = 256;

export type LayerChoice = { ids: string[] } | { count: number };

export interface ReportChoices {
  layers?: LayerChoice;
  steps: number;
  /** Use the first N images of the folder (all by default). */
  imageCount?: number;
  /** Folder of sample images; undefined: the model's samples/ folder. */
  samplesDir?: string;
}

const IMAGE_EXT = /\.(png|jpe?g|webp|gif|bmp)$/i;

export function parseReportChoices(values: Record<string, unknown>): ReportChoices {
  // renderActmax's bound, as for `layer-lens actmax` (src/shared/actmax.ts).
  const steps = integer(values.steps, 'steps', DEFAULT_STEPS, 1, ACTMAX_LIMITS.steps);
  const layers = parseLayers(values.layers);
  let imageCount: number | undefined;
  let samplesDir = typeof values.samples === 'string' ? values.samples : undefined;
  const images = values.images;
  // A number as typed (not " 3" or "+3", refused by integer()) is a count; anything else names the folder.
  if (typeof images === 'string' && /^\s*[+-]?\d+\s*$/.test(images)) {
    imageCount = integer(images, 'images', 0, 1);
  } else if (typeof images === 'string') {
    // `--images DIR`, as topk spells it, names the folder.
    if (samplesDir !== undefined) throw new LayerLensError('badArgument', '--images names a folder and so does --samples: give the folder once, and a number to --images.');
    samplesDir = images;
  }
  if (samplesDir === '') throw new LayerLensError('badArgument', '--samples needs a folder.');
  return { steps, layers, imageCount, samplesDir: samplesDir === undefined ? undefined : resolve(samplesDir) };
}

function parseLayers(value: unknown): LayerChoice | undefined {
  if (value === undefined) return undefined;
  const text = String(value).trim();
  if (/^[+-]?\d+$/.test(text)) return { count: integer(String(value), 'layers', 0, 1) };
  const ids = text.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (ids.length === 0) throw new LayerLensError('badArgument', '--layers must be a comma-separated list of layer ids or a number of conv layers.');
  return { ids };
}

/**
 * Layer ids in model order, or undefined when the user chose none (each section keeps its default). A count above
 * the model's conv layers draws them all and says so through `note`.
 */
export function resolveLayers(choice: LayerChoice | undefined, info: ModelInfo, modelPath: string, note: (message: string) => void = () => undefined): string[] | undefined {
  if (!choice) return undefined;
  if ('count' in choice) {
    const convs = info.layers.filter((l) => l.kernelShape && (l.kind === 'conv' || l.kind === 'depthwiseConv'));
    if (convs.length === 0) throw new LayerLensError('badArgument', `--layers ${choice.count} asks for conv layers, and ${modelPath} has none; name layers instead.`);
    if (choice.count > convs.length) note(`--layers ${choice.count} is more than the ${convs.length} conv layer${convs.length === 1 ? '' : 's'} of ${info.name}: drawing ${convs.length === 1 ? "it" : convs.length === 2 ? "both" : `all ${convs.length}`}.`);
    return spread(convs.length, choice.count).map((i) => convs[i].id);
  }
  const known = new Set(info.layers.map((l) => l.id));
  const unknown = choice.ids.filter((id) => !known.has(id));
  if (unknown.length > 0) {
    throw new LayerLensError('unknownLayer', `--layers names ${unknown.map((id) => `"${id}"`).join(', ')}, which ${modelPath} does not have (layer-lens layers --model M lists its layers).`);
  }
  const picked = new Set(choice.ids);
  return info.layers.filter((l) => picked.has(l.id)).map((l) => l.id);
}

/** `count` indices spread evenly over 0..n-1, the last always among them (the deepest layer tells the most). */
export function spread(n: number, count: number): number[] {
  if (count >= n) return Array.from({ length: n }, (_, i) => i);
  if (count === 1) return [n - 1];
  return Array.from({ length: count }, (_, i) => Math.round((i * (n - 1)) / (count - 1)));
}

/**
 * The sample images, sorted by name, the first `imageCount` of them. A missing folder, or a --samples folder without
 * an image, is one sentence; an --images count above the images there uses them all and says so through `note`.
 */
export function listSampleImages(choices: ReportChoices, modelPath: string, note: (message: string) => void = () => undefined): string[] {
  const dir = choices.samplesDir ?? join(dirname(modelPath), 'samples');
  if (!existsSync(dir)) {
    if (choices.samplesDir !== undefined) throw new LayerLensError('notFound', `The image folder ${dir} does not exist.`);
    return [];
  }
  if (!statSync(dir).isDirectory()) throw new LayerLensError('badArgument', `${dir} is a file; --samples needs a folder of images.`);
  const all = readdirSync(dir).filter((f) => IMAGE_EXT.test(f)).sort().map((f) => join(dir, f));
  // The model's own samples/ may be empty (the sections say there are no images); a folder the user named may not.
  if (all.length === 0 && choices.samplesDir !== undefined) throw new LayerLensError('notFound', `${dir} holds no PNG, JPEG, WebP, GIF or BMP image.`);
  if (choices.imageCount !== undefined && choices.imageCount > all.length && all.length > 0) {
    note(`--images ${choices.imageCount} is more than the ${all.length} image${all.length === 1 ? '' : 's'} in ${dir}: using ${all.length === 1 ? 'it' : `all ${all.length}`}.`);
  }
  return choices.imageCount === undefined ? all : all.slice(0, choices.imageCount);
}
