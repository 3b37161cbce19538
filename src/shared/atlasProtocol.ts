// The atlas across rooms: the engine method `atlas.run` (the work of `layer-lens atlas`, run in the engine's
// long-job lane for VS Code's Build Atlas command), its defaults and bounds, shared by the CLI, the engine and
// the host so the three cannot drift.
import type { ActmaxPresetName } from './actmax';

/** What an atlas uses when not told: the CLI's flags and the engine's params default to the same. */
export const ATLAS_DEFAULTS = {
  preset: 'lucid' as ActmaxPresetName,
  steps: 256,
  /** Actmax images per unit (seeds 0 .. seeds−1). */
  seeds: 2,
  /** Images of each unit's diversity batch. */
  diversity: 4,
  /** Dataset examples per unit when an images folder is given. */
  k: 5,
};

/** Bounds the engine holds `atlas.run` to: 10^6 steps would run for days, a layer list longer than any model is a bug. */
export const ATLAS_LIMITS = {
  steps: [1, 4096],
  /** Units per actmax batch when one is asked for (the backend's is 8 on a CPU, up to 32 on a GPU). */
  batch: [1, 256],
  units: [1, 1 << 20],
  layers: 10_000,
} as const;

/** Engine method `atlas.run`: an atlas site written into `outDir`, resuming the units a previous run finished. */
export interface AtlasRunParams {
  modelPath: string;
  /** A new or empty folder, or one holding an atlas of this model and these settings (resumed). */
  outDir: string;
  /** Dataset folder: top images with receptive-field crops, statistics and the quality badge's q. */
  imagesDir?: string;
  /** Layer ids (default: every conv / module output). */
  layers?: string[];
  /** The first N units of each layer, or all (default). */
  units?: 'all' | number;
  steps?: number;
  preset?: ActmaxPresetName;
  /** [height, width] for a model without a fixed input size (the size chosen for it in a panel); else its own. */
  inputSize?: [number, number];
  /** Units optimized at once; default: the atlas's own when resuming one, else the backend's (8 on a CPU, 32 on a GPU). */
  batch?: number;
}

/** Units written so far (including ones a previous run left) of `total`; `phase` says what runs now. */
export interface AtlasRunProgress {
  done: number;
  total: number;
  phase: string;
  /** Share (0..1) of this run's units computed, counting the current batch's actmax steps: the clock for an ETA. */
  share?: number;
  /** Units optimized at once (known once the run has chosen it). */
  batch?: number;
}

export interface AtlasRunResult {
  /** The site's index.html (absolute). */
  indexPath: string;
  /** Units computed by this run. */
  computed: number;
  /** Units a previous run had finished, left as they were. */
  skipped: number;
  /** Units of the work list on disk now, and in all. */
  written: number;
  total: number;
  /**
   * True when the run was cancelled: the finished units are kept (and the site shows them), and running again
   * computes only the rest.
   */
  stopped: boolean;
  /** Units optimized at once. */
  batch: number;
}
