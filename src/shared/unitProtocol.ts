// The Unit panel across rooms: the engine method that computes one unit's page (the atlas unit page's content:
// actmax at several seeds and a diversity batch, the quality badge, dataset examples, kernel, strongest inputs,
// channel statistics) into a cache folder, and the messages between the host and the Unit panel's webview.
// Pictures cross both boundaries as PNG bytes (the files of the unit's folder), never as JSON number lists.
import { ACTMAX_PRESETS, type ActmaxPresetName } from './actmax';
import type { InputSpec } from './model';
import type { CommonFromWebview, CommonToWebview } from './protocol/webviewProtocol';
import type { RgbaImage } from './rgbaImage';

/** How a unit's page is computed; part of its cache key. */
export interface UnitPageSettings {
  preset: ActmaxPresetName;
  steps: number;
  /** Feature visualizations at seeds 0 .. seeds−1. */
  seeds: number;
  /** Images of the diversity batch (0: none; 1 is refused: diversity needs two images to push apart). */
  diversity: number;
  /** Dataset examples shown when a Top Images folder is known for the model. */
  k: number;
}

export const UNIT_PAGE_DEFAULTS: UnitPageSettings = { preset: 'lucid', steps: 256, seeds: 2, diversity: 4, k: 5 };

/** Bounds the host and the engine both hold a page's settings to. */
export const UNIT_PAGE_LIMITS = {
  steps: [1, 4096],
  seeds: [1, 8],
  diversity: [0, 16],
  k: [1, 25],
} as const satisfies Record<string, readonly [number, number]>;

/** What the Unit panel's header chooses; steps and diversity come from VS Code's settings (`layerLens.unitPage.*`). */
export type UnitPanelSettings = Pick<UnitPageSettings, 'preset' | 'seeds' | 'k'>;

export const UNIT_PANEL_DEFAULTS: UnitPanelSettings = { preset: UNIT_PAGE_DEFAULTS.preset, seeds: UNIT_PAGE_DEFAULTS.seeds, k: UNIT_PAGE_DEFAULTS.k };

/** The header's fields as a user names them, for the sentence that refuses a value. */
const PANEL_FIELD_NAMES = { seeds: 'Seeds', k: 'Top k' } as const;

/**
 * The panel's settings from what its header holds (text as typed, or a saved state), or the one sentence that
 * says which field is wrong and what it takes: the webview refuses before anything is sent, the host before a
 * saved or posted value is used.
 */
export function parseUnitPanelSettings(raw: { preset: unknown; seeds: unknown; k: unknown }): UnitPanelSettings | string {
  if (typeof raw.preset !== 'string' || !(ACTMAX_PRESETS as readonly string[]).includes(raw.preset)) {
    return `Preset must be one of ${ACTMAX_PRESETS.join(', ')}, not ${JSON.stringify(raw.preset ?? '')}.`;
  }
  const whole = (key: 'seeds' | 'k'): number | string => {
    const [lo, hi] = UNIT_PAGE_LIMITS[key];
    const value = raw[key];
    const n = typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
    if (typeof n === 'number' && Number.isInteger(n) && n >= lo && n <= hi) return n;
    return `${PANEL_FIELD_NAMES[key]} must be a whole number from ${lo} to ${hi}, not ${typeof value === 'string' ? JSON.stringify(value.trim()) : String(value)}.`;
  };
  const seeds = whole('seeds');
  if (typeof seeds === 'string') return seeds;
  const k = whole('k');
  if (typeof k === 'string') return k;
  return { preset: raw.preset as ActmaxPresetName, seeds, k };
}

/** Engine method `unit.page`: one unit's folder written under `outDir` (units/<layer>/<unit>/), its record returned. */
export interface UnitPageParams {
  modelPath: string;
  layerId: string;
  unit: number;
  /** The cache folder for this model and these settings (the host's key); the unit's folder is made inside. */
  outDir: string;
  settings: UnitPageSettings;
  /** The folder of the model's last Top Images run: dataset examples, statistics and the badge's q. */
  imagesDir?: string;
  /** Over the sidecar's input settings (e.g. the size chosen for a model without a fixed one). */
  inputSettings?: Partial<InputSpec>;
}

export interface UnitPageProgress {
  message: string;
  /** 0..1 when the engine can tell how far it is. */
  fraction?: number;
}

/**
 * What the unit's unit.json holds: the same shape as the atlas's UnitRecord (src/core/atlas/atlasTypes.ts); the
 * engine hands the core's record over as this type, so the compiler catches a drift between the two.
 */
export interface UnitPageRecord {
  layerId: string;
  unit: number;
  actmax: { file: string; seed: number; activation: number }[];
  diversity: string[];
  quality: { activation: number; transformed: number; draws: number; top1: number | null };
  topPicture: string | null;
  top: { file: string; value: number; x: number; y: number }[];
  stats: { mean: number; max: number; firing: number; images: number } | null;
  kernel: string | null;
  inputs: { layerId: string | null; units: { unit: number; weight: number }[] } | null;
}

export interface UnitPageResult {
  record: UnitPageRecord;
  /** The unit's folder (the record's files are relative to it). */
  unitDir: string;
  /** Images in the dataset folder (0: none was used). */
  images: number;
  /** Why the dataset part is missing though a folder was given (it vanished, holds no image), else absent. */
  datasetNote?: string;
}

/**
 * A badge's ratio: activation / reference, or null when the reference cannot carry one (no dataset top-1, a unit
 * that never fires).
 */
export function badgeRatio(activation: number, reference: number | null): number | null {
  return reference === null || !(reference > 0) || !Number.isFinite(activation) ? null : activation / reference;
}

/** Below this r a badge is weak: the image excites its unit far less once it is moved a little. */
export const BADGE_WEAK_BELOW = 0.5;

/**
 * The badge of a unit's seed-0 image, wherever it is shown (the Unit panel, the atlas site): q against the
 * dataset's top-1 (null without one), r under random views, whether it is weak, and its text.
 */
export function unitBadge(record: Pick<UnitPageRecord, 'quality'>): { q: number | null; r: number | null; weak: boolean; text: string; help: string } {
  const { activation, transformed, top1 } = record.quality;
  const q = top1 !== null ? badgeRatio(activation, top1) : null;
  const r = top1 !== null ? badgeRatio(transformed, top1) : badgeRatio(transformed, activation);
  const show = (v: number | null): string => (v === null ? '–' : `${v.toFixed(2)}×`);
  return {
    q,
    r,
    weak: r === null || r < BADGE_WEAK_BELOW,
    text: top1 !== null ? `q ${show(q)} · r ${show(r)}` : `r ${show(r)}`,
    help: badgeHelp(top1 !== null, 'panel'),
  };
}

const LOW_R = 'a low r means it excites the unit only in one exact alignment';
const R_UNDER_VIEWS = 'random jitter, scale and rotation';

/** The badge's meaning when the unit has a dataset top-1 to compare with: q and r. */
export const BADGE_HELP = `q: this image's activation (max over positions) as a share of the dataset's top-1 image; r: the same under ${R_UNDER_VIEWS} — ${LOW_R}.`;

/** How a weak badge looks, in words: colour is not the only sign of it. */
export const BADGE_WEAK_HELP = `The badge is red and outlined when r is below ${BADGE_WEAK_BELOW}.`;

/**
 * The badge's meaning, the one text for every place it is shown. Without a dataset top-1 only r is shown, and the
 * text ends with how to get q there: a folder for Find Top Images in the panel, an images folder for the atlas.
 */
export function badgeHelp(withData: boolean, place: 'panel' | 'atlas'): string {
  if (withData) return BADGE_HELP;
  const getQ = place === 'panel' ? 'run Find Top Images on a folder for q' : 'an atlas built with an images folder adds q';
  return `r: this image's activation under ${R_UNDER_VIEWS} as a share of its own — ${LOW_R} (${getQ}, the share of the dataset's top-1).`;
}

// ---- Host ↔ webview -------------------------------------------------------------------------------------------

/** What the panel shows; saved by the webview so a window reload reopens the same unit with the same settings. */
export interface UnitPanelState {
  modelPath: string;
  modelName: string;
  layerId: string;
  unit: number;
  settings: UnitPanelSettings;
}

/** One file of the unit's folder. */
export interface UnitPicture {
  file: string;
  png: Uint8Array;
}

export interface UnitPageView {
  record: UnitPageRecord;
  pictures: UnitPicture[];
  settings: UnitPageSettings;
  /** The dataset folder the examples come from, or null. */
  imagesDir: string | null;
  images: number;
  datasetNote?: string;
  /** Answered from the on-disk cache, without the engine. */
  fromCache: boolean;
  /** Units of the layer (the unit picker's range). */
  layerUnits: number;
}

/** The unit's picture from an earlier Maximize Activation run, shown while its page is computed. */
export type UnitPreview = RgbaImage;

/** Tests only: what to type into the header's fields (as text, the way a user types), then change them. */
export interface UnitSettingsInput {
  preset?: string;
  seeds?: string;
  k?: string;
}

export type UnitToWebview =
  | CommonToWebview
  | { type: 'init'; state: UnitPanelState; backend: string }
  | { type: 'progress'; message: string; fraction?: number }
  | { type: 'preview'; image: UnitPreview }
  | { type: 'page'; view: UnitPageView }
  /** The run was cancelled: the panel says so and offers to compute again. */
  | { type: 'cancelled'; message: string }
  /** Tests only: press the panel's Cancel button, as a user would. */
  | { type: 'testCancel' }
  /** Tests only: type into the header's settings fields and change them, as a user would. */
  | { type: 'testSettings'; input: UnitSettingsInput };

export type UnitFromWebview =
  | CommonFromWebview
  | { type: 'cancel' }
  | { type: 'compute' }
  /** Another unit of the same layer, typed in the unit field. */
  | { type: 'showUnit'; unit: number }
  /** The header's settings changed (checked in the webview first): the page with them. */
  | { type: 'settings'; settings: UnitPanelSettings };
