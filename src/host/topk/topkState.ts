// The Top Images panel's identity and choices as the host keeps them: a saved state checked field by field, the
// panel's state for a new run (the size remembered for the model wins), what a typed size becomes, the state once
// another panel of the model chose a size, and the engine params for the size. No vscode here: unit-tested in Node.
import * as path from 'node:path';
import { modelDisplayName } from '../../shared/modelDisplayName';
import { checkInputSize, type InputSize } from '../../shared/inputSize';
import { TOPK_DEFAULT_K, TOPK_MAX_K, TOPK_SORTS, type TopkFindParams, type TopkPanelState, type TopkSort } from '../../shared/topkProtocol';

/** What a command names; the panel adds the rest (display name, sort, dead channels, size). */
export type TopkRunTarget = Pick<TopkPanelState, 'modelPath' | 'layerId' | 'folder' | 'k'>;

export function clampK(k: number | undefined): number {
  if (k === undefined || !Number.isFinite(k)) return TOPK_DEFAULT_K;
  return Math.max(1, Math.min(TOPK_MAX_K, Math.round(k)));
}

/**
 * The state of a run of `target`: how the open panel sorts (if any) carries over, and the size is the one
 * remembered for the model (every panel starts from it), else none (the model's sidecar size or the default).
 */
export function stateForRun(target: TopkRunTarget, previous: TopkPanelState | undefined, remembered: InputSize | undefined): TopkPanelState {
  return {
    modelPath: target.modelPath,
    modelName: modelDisplayName(target.modelPath),
    layerId: target.layerId,
    folder: target.folder,
    k: clampK(target.k),
    sort: previous?.sort ?? 'index',
    deadLast: previous?.deadLast ?? true,
    ...(remembered ? { inputSize: { height: remembered.height, width: remembered.width } } : {}),
  };
}

/** Saved state from the webview, checked field by field before use. */
export function parseTopkState(saved: unknown): TopkPanelState | undefined {
  if (typeof saved !== 'object' || saved === null) return undefined;
  const s = saved as Partial<Record<keyof TopkPanelState, unknown>>;
  if (typeof s.modelPath !== 'string' || s.modelPath === '' || typeof s.layerId !== 'string' || typeof s.folder !== 'string') return undefined;
  const size = checkedSize(s.inputSize);
  return {
    modelPath: s.modelPath,
    modelName: modelDisplayName(s.modelPath),
    layerId: s.layerId,
    folder: s.folder,
    k: clampK(typeof s.k === 'number' ? s.k : undefined),
    sort: TOPK_SORTS.includes(s.sort as TopkSort) ? (s.sort as TopkSort) : 'index',
    deadLast: s.deadLast !== false,
    ...(typeof size === 'object' ? { inputSize: size } : {}),
  };
}

/** A size from the webview as a size, or the one sentence that refuses it (never trusted: checked again here). */
export function checkedSize(raw: unknown): InputSize | string {
  const size = (typeof raw === 'object' && raw !== null ? raw : {}) as Partial<Record<keyof InputSize, unknown>>;
  const problem = checkInputSize(size.height, size.width);
  return problem ?? { height: size.height as number, width: size.width as number };
}

/** The topk.find param for the panel's size: none lets the engine run at the sidecar's size or the default. */
export function sizeParam(state: TopkPanelState): Pick<TopkFindParams, 'inputSize'> {
  return state.inputSize ? { inputSize: [state.inputSize.height, state.inputSize.width] } : {};
}

/**
 * The panel's state once the size remembered for `modelPath` became `size` (chosen in another panel of the model),
 * or undefined when that leaves the panel as it is: another model, or the size it already has (its own choice).
 */
export function followRememberedSize(state: TopkPanelState, modelPath: string, size: InputSize | undefined): TopkPanelState | undefined {
  if (path.resolve(modelPath) !== path.resolve(state.modelPath)) return undefined;
  if (state.inputSize?.height === size?.height && state.inputSize?.width === size?.width) return undefined;
  const { inputSize: _old, ...rest } = state;
  return size ? { ...rest, inputSize: { height: size.height, width: size.width } } : rest;
}
