// The activation-maximization feature across rooms: what the host asks the engine for (one run, frames as
// progress) and the messages between the host and the actmax webview (live run, layer atlas, cancel, export).
// Images are RGBA Uint8ClampedArrays and histories Float32Arrays: binary across both boundaries.
import type { ActmaxFrame, ActmaxParamKind, ActmaxPresetName, ActmaxRegularizerWeights, ActmaxRequest, ActmaxResult } from './actmax';
import type { InputSize } from './inputSize';
import type { InputSpec } from './model';
import type { CommonFromWebview, CommonToWebview } from './protocol/webviewProtocol';

/** Engine method `actmax`: one run of the core's renderActmax on a model file; frames arrive as progress. */
export interface ActmaxParams {
  modelPath: string;
  /** inputSpec is filled in by the engine from the model's sidecar (and inputSettings) when absent. */
  request: ActmaxRequest;
  inputSettings?: Partial<InputSpec>;
}

/** The seed's trial names, shown next to each preset in the picker. */
export const ACTMAX_PRESET_LABELS: Record<ActmaxPresetName, string> = {
  'trial1-naive': 'Trial 1 — naive: raw pixels, Adam',
  'trial2-rescale': 'Trial 2 — rescale: start small, upscale ×1.2',
  'trial3-rms': 'Trial 3 — channel RMS objective',
  'trial4-l2': 'Trial 4 — L2 pixel penalty',
  'trial5-rescale-l2': 'Trial 5 — rescale + L2',
  'trial6-scharr': 'Trial 6 — rescale + L2 + Scharr gradient RMS',
  lucid: 'Lucid — Fourier, decorrelated, jitter/scale/rotate',
  maco: 'MACO — phase only, natural spectrum',
};

/** What the objective picker offers; `negChannel` is the negative of the channel mean (what turns a unit off). */
export const ACTMAX_OBJECTIVE_CHOICES = ['channel', 'channelRms', 'neuron', 'layerL2', 'classLogit', 'negChannel'] as const;
export type ActmaxObjectiveChoice = (typeof ACTMAX_OBJECTIVE_CHOICES)[number];
export const ACTMAX_OBJECTIVE_LABELS: Record<ActmaxObjectiveChoice, string> = {
  channel: 'Channel mean',
  channelRms: 'Channel RMS',
  neuron: 'Neuron (center)',
  layerL2: 'Whole layer L2 (DeepDream)',
  classLogit: 'Class logit',
  negChannel: 'Negative channel mean',
};

/**
 * On the logits layer a channel mean is the logit itself, so the panel shows and runs it as the class logit
 * (the core then applies what it does for class images, e.g. the dark background of small greyscale models).
 * The other way round, the class logit belongs to the logits layer only: on any other layer (one picked after it,
 * or named by Visualize Layer) the units are that layer's channels again, so the objective is their mean.
 */
export function objectiveForLayer(objective: ActmaxObjectiveChoice, layerId: string, logitsId: string | undefined): ActmaxObjectiveChoice {
  const onLogits = logitsId !== undefined && layerId === logitsId;
  if (objective === 'channel' && onLogits) return 'classLogit';
  if (objective === 'classLogit' && !onLogits) return 'channel';
  return objective;
}

/**
 * The panel's settings as the webview edits them; the host turns them into an ActmaxRequest (and validates them:
 * everything from the webview is untrusted). Empty strings / undefined mean "the preset's value".
 */
export interface ActmaxUiSettings {
  /** Units as typed: "0", "0, 3, 8-11". */
  units: string;
  objective: ActmaxObjectiveChoice;
  preset: ActmaxPresetName;
  steps?: number;
  size?: number;
  seed: number;
  lr?: number;
  param?: ActmaxParamKind;
  decayPower?: number;
  regularizers: ActmaxRegularizerWeights;
  frameEvery: number;
}

export type ActmaxView = 'single' | 'atlas';

/** Everything the actmax panel needs to redraw itself after a window reload. */
export interface ActmaxPanelState {
  modelPath: string;
  modelName: string;
  layerId: string;
  view: ActmaxView;
  settings: ActmaxUiSettings;
  /** The size chosen for a model that does not fix its input size; absent: its sidecar's size or the default. */
  inputSize?: InputSize;
}

/** Where the size an any-size model runs at came from: typed in a panel, the model's sidecar, or Layer Lens's default. */
export type ActmaxInputSizeSource = 'chosen' | 'sidecar' | 'default';

/** The size a model that does not fix its input size runs at, and why (the panel shows both). */
export interface ActmaxInputSizeInfo extends InputSize {
  source: ActmaxInputSizeSource;
}

/** A layer the panel can optimize: its id and how many channels (units) its output has. */
export interface ActmaxLayerChoice {
  id: string;
  kind: string;
  channels: number;
}

export type ActmaxToWebview =
  | CommonToWebview
  | {
    type: 'init';
    state: ActmaxPanelState;
    layers: ActmaxLayerChoice[];
    /** Id of the logits layer (class logit objective), when the model is a classifier. */
    logitsId?: string;
    classCount?: number;
    backend: string;
    /** Present only for a model that does not fix its input size: the size its runs use. */
    inputSize?: ActmaxInputSizeInfo;
  }
  /** Tests: type `text` into the input size field and apply it. */
  | { type: 'typeInputSize'; text: string }
  /** A single run began (or was found in the cache: a result follows at once). */
  | { type: 'runStarted'; runId: number; layerId: string; units: number[]; totalSteps: number }
  | { type: 'frame'; runId: number; frame: ActmaxFrame }
  | { type: 'result'; runId: number; result: ActmaxResult; cached: boolean }
  /** An atlas began: `channels` cells, computed `batch` at a time. */
  | { type: 'atlasStarted'; runId: number; layerId: string; channels: number; batch: number }
  /** One batch of atlas cells is done (from the engine or the cache). */
  | {
    type: 'atlasCells';
    runId: number;
    units: number[];
    images: Uint8ClampedArray[];
    width: number;
    height: number;
    /** Final objective value per unit. */
    objective: number[];
    cached: boolean;
    done: number;
    total: number;
  }
  /** Progress inside the running atlas batch (steps of that batch). */
  | { type: 'atlasProgress'; runId: number; step: number; totalSteps: number; done: number; total: number }
  | { type: 'runEnded'; runId: number; status: 'done' | 'cancelled' | 'error'; message?: string };

export type ActmaxFromWebview =
  | CommonFromWebview
  /** Run the units in `state.settings` on `state.layerId` (single view). */
  | { type: 'run'; state: ActmaxPanelState }
  /** Every channel of `state.layerId` (atlas view). */
  | { type: 'atlas'; state: ActmaxPanelState }
  | { type: 'cancel' }
  /** Run the model at another input size (one that does not fix its own); the host checks it. */
  | { type: 'setInputSize'; size: InputSize }
  /** Settings or view changed without running: the host keeps them (title, revive). */
  | { type: 'setState'; state: ActmaxPanelState };
