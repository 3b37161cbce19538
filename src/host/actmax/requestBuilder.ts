// The actmax panel's settings (edited in the webview, so untrusted) → a validated ActmaxRequest. No vscode here:
// unit tests run it in plain Node.
import { ACTMAX_PARAM_KINDS, ACTMAX_PENALTY_KINDS, ACTMAX_PRESETS, DEFAULT_ACTMAX_PRESET } from '../../shared/actmax';
import type { ActmaxObjectiveSpec, ActmaxOverrides, ActmaxParamKind, ActmaxPresetName, ActmaxRequest } from '../../shared/actmax';
import {
  ACTMAX_OBJECTIVE_CHOICES,
  type ActmaxLayerChoice,
  type ActmaxObjectiveChoice,
  type ActmaxPanelState,
  type ActmaxUiSettings,
  type ActmaxView,
} from '../../shared/actmaxProtocol';
import { LayerLensError } from '../../shared/errors';
import { checkInputSize, type InputSize } from '../../shared/inputSize';
import type { LayerKind, ModelInfo } from '../../shared/model';

/** Layer kinds whose output has channels worth maximizing (the context menu offers the same). */
export const ACTMAX_LAYER_KINDS: readonly LayerKind[] = ['conv', 'depthwiseConv', 'dense', 'module', 'activation', 'pool', 'norm', 'merge'];
/** More units than this in one run would make one huge batch; the atlas splits a layer into batches instead. */
export const MAX_UNITS_PER_RUN = 64;
/** Units optimized together in one atlas batch. */
export const ATLAS_BATCH = 8;

export const DEFAULT_UI_SETTINGS: ActmaxUiSettings = {
  units: '0',
  objective: 'channel',
  preset: DEFAULT_ACTMAX_PRESET,
  seed: 0,
  regularizers: {},
  frameEvery: 8,
};

/** Layers of a model that actmax can target, with their channel count (the last dimension of the output). */
export function actmaxLayers(info: ModelInfo): ActmaxLayerChoice[] {
  return info.layers
    .filter((l) => ACTMAX_LAYER_KINDS.includes(l.kind))
    .map((l): ActmaxLayerChoice => ({ id: l.id, kind: l.kind, channels: l.outputShape[l.outputShape.length - 1] ?? 0 }))
    .filter((l) => l.channels > 0);
}

/** "0, 3, 8-11" → [0, 3, 8, 9, 10, 11], each checked against the channel count; duplicates dropped, order kept. */
export function parseUnits(text: string, channels: number): number[] {
  const units: number[] = [];
  const parts = text.split(/[\s,;]+/).filter((p) => p !== '');
  if (parts.length === 0) bad('Enter one or more units, e.g. "0" or "0, 3, 8-11".');
  for (const part of parts) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!m) bad(`"${part}" is not a unit number or a range like 8-11.`);
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    if (to < from) bad(`The range "${part}" runs backwards.`);
    if (to >= channels) bad(`Unit ${to} does not exist: this layer has units 0 to ${channels - 1}.`);
    for (let u = from; u <= to; u++) {
      if (!units.includes(u)) units.push(u);
      if (units.length > MAX_UNITS_PER_RUN) bad(`At most ${MAX_UNITS_PER_RUN} units run together; use "Visualize Layer" for a whole layer.`);
    }
  }
  return units;
}

export function objectiveSpec(choice: ActmaxObjectiveChoice): ActmaxObjectiveSpec {
  switch (choice) {
    case 'negChannel':
      return { kind: 'negative', of: { kind: 'channel' } };
    case 'classLogit':
      return { kind: 'classLogit' };
    default:
      return { kind: choice };
  }
}

/** Settings + layer + units → the request the engine runs. Only the values the user set become overrides. */
export function buildActmaxRequest(layerId: string, units: number[], s: ActmaxUiSettings): ActmaxRequest {
  const overrides: ActmaxOverrides = { seed: s.seed, frameEvery: s.frameEvery };
  if (s.steps !== undefined) overrides.steps = s.steps;
  if (s.size !== undefined) overrides.size = s.size;
  if (s.lr !== undefined) overrides.lr = s.lr;
  if (s.param !== undefined) overrides.param = s.param;
  if (s.decayPower !== undefined) overrides.decayPower = s.decayPower;
  const regs = Object.entries(s.regularizers).filter(([, v]) => v !== undefined);
  if (regs.length > 0) overrides.regularizers = Object.fromEntries(regs);
  return { layerId, units: [...units], objective: objectiveSpec(s.objective), preset: s.preset, overrides };
}

/** How many units the units box may name: channels of the layer, or classes for the class logit objective. */
export function unitCount(layer: ActmaxLayerChoice, objective: ActmaxObjectiveChoice, classCount: number | undefined): number {
  return objective === 'classLogit' && classCount ? classCount : layer.channels;
}

/** Consecutive batches of `size` units covering 0..channels-1 (the atlas's runs, and its cache keys). */
export function atlasBatches(channels: number, size = ATLAS_BATCH): number[][] {
  const batches: number[][] = [];
  for (let start = 0; start < channels; start += size) {
    batches.push(Array.from({ length: Math.min(size, channels - start) }, (_, i) => start + i));
  }
  return batches;
}

/** A webview's settings, checked field by field; whatever is missing or malformed takes its default. */
export function parseUiSettings(raw: unknown): ActmaxUiSettings {
  const s = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const regsRaw = (typeof s.regularizers === 'object' && s.regularizers !== null ? s.regularizers : {}) as Record<string, unknown>;
  const regularizers: ActmaxUiSettings['regularizers'] = {};
  for (const k of ACTMAX_PENALTY_KINDS) {
    const v = num(regsRaw[k], 0, 1e6);
    if (v !== undefined) regularizers[k] = v;
  }
  const param = ACTMAX_PARAM_KINDS.includes(s.param as ActmaxParamKind) ? (s.param as ActmaxParamKind) : undefined;
  const steps = int(s.steps, 1, 100000);
  const size = int(s.size, 8, 1024);
  const lr = num(s.lr, 1e-6, 100);
  const decayPower = num(s.decayPower, 0, 8);
  return {
    units: typeof s.units === 'string' ? s.units.slice(0, 2000) : DEFAULT_UI_SETTINGS.units,
    objective: ACTMAX_OBJECTIVE_CHOICES.includes(s.objective as ActmaxObjectiveChoice) ? (s.objective as ActmaxObjectiveChoice) : 'channel',
    preset: (ACTMAX_PRESETS as readonly string[]).includes(s.preset as string) ? (s.preset as ActmaxPresetName) : DEFAULT_ACTMAX_PRESET,
    ...(steps !== undefined ? { steps } : {}),
    ...(size !== undefined ? { size } : {}),
    seed: int(s.seed, 0, 2 ** 31 - 1) ?? 0,
    ...(lr !== undefined ? { lr } : {}),
    ...(param ? { param } : {}),
    ...(decayPower !== undefined ? { decayPower } : {}),
    regularizers,
    frameEvery: int(s.frameEvery, 1, 10000) ?? DEFAULT_UI_SETTINGS.frameEvery,
  };
}

/** A saved or posted panel state, checked; undefined when it names no model. */
export function parsePanelState(raw: unknown): ActmaxPanelState | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const s = raw as Record<string, unknown>;
  if (typeof s.modelPath !== 'string' || s.modelPath === '') return undefined;
  const view: ActmaxView = s.view === 'atlas' ? 'atlas' : 'single';
  const inputSize = parseInputSizeField(s.inputSize);
  return {
    modelPath: s.modelPath,
    modelName: typeof s.modelName === 'string' ? s.modelName : s.modelPath,
    layerId: typeof s.layerId === 'string' ? s.layerId : '',
    view,
    settings: parseUiSettings(s.settings),
    ...(inputSize ? { inputSize } : {}),
  };
}

/** A saved or posted input size, checked; undefined when it is not one Layer Lens runs a model at. */
export function parseInputSizeField(raw: unknown): InputSize | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const { height, width } = raw as Record<string, unknown>;
  return checkInputSize(height, width) === undefined ? { height: height as number, width: width as number } : undefined;
}

function num(v: unknown, lo: number, hi: number): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) && v >= lo && v <= hi ? v : undefined;
}

function int(v: unknown, lo: number, hi: number): number | undefined {
  const n = num(v, lo, hi);
  return n !== undefined && Number.isInteger(n) ? n : undefined;
}

function bad(sentence: string): never {
  throw new LayerLensError('badArgument', sentence);
}
