// What one unit's folder holds (units/<layer>/<unit>/unit.json) and the site's model summary
// (atlas-manifest.json). Both are written by the compute phase and are all the site renderer reads, so a site
// merged from shards renders exactly like one computed in a single run. Plain data: no timings, no absolute paths.

/** Marks an atlas folder, so that a later run knows it may write into it. */
export const ATLAS_GENERATOR = 'Layer Lens atlas';

export interface AtlasSettings {
  preset: string;
  steps: number;
  /** Actmax images per unit, seeds 0 .. seeds−1; seed 0 is the one the layer grid shows. */
  seeds: number;
  /** Images of the diversity batch per unit (0: none). */
  diversity: number;
  /**
   * Units optimized together in one actmax batch (atlasBatch.ts): it changes their pixels, so a resumed run and
   * every shard must use the atlas's.
   */
  batch: number;
  /** Dataset examples per unit (0 when no images were given). */
  k: number;
  /** How many images the dataset folder holds (0: no --images). */
  images: number;
  /** Side of the actmax images, px. */
  size: [number, number];
}

export interface AtlasLayerSummary {
  id: string;
  slug: string;
  className: string;
  kind: string;
  outputShape: (number | null)[];
  channels: number;
  /** Units of this layer in the work list: 0 .. units−1. */
  units: number;
}

export interface AtlasManifest {
  generator: typeof ATLAS_GENERATOR;
  model: { name: string; format: string; inputShape: (number | null)[]; paramCount: number; layerCount: number };
  settings: AtlasSettings;
  layers: AtlasLayerSummary[];
}

/** Quality of the seed-0 image: its unit's maximum over positions, plain and under random transforms. */
export interface UnitQuality {
  activation: number;
  /** Mean over `draws` random jitter/scale/rotation views of the image. */
  transformed: number;
  draws: number;
  /** The dataset's top-1 image's activation (same statistic), when top-k ran. */
  top1: number | null;
}

export interface UnitRecord {
  layerId: string;
  unit: number;
  /** One image per seed, files relative to the unit's folder. */
  actmax: { file: string; seed: number; activation: number }[];
  diversity: string[];
  quality: UnitQuality;
  /** One picture: the top images as the model sees them (field outlined), then their crops. */
  topPicture: string | null;
  /** Paths relative to the images folder, '/'-separated. */
  top: { file: string; value: number; x: number; y: number }[];
  /** Over every dataset image: mean of the spatial mean, largest max, share of images where the unit fires (> 0). */
  stats: { mean: number; max: number; firing: number; images: number } | null;
  kernel: string | null;
  /** The input channels with the largest kernel weights (L2 over the window) into this unit, and the layer they come from. */
  inputs: { layerId: string | null; units: { unit: number; weight: number }[] } | null;
}

/** 6 significant digits: stable text in the JSON, and enough for a badge. */
export function round6(v: number): number {
  return Number.isFinite(v) ? Number(v.toPrecision(6)) : 0;
}
