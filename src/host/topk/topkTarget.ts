// Arguments of "Find Top Images…" as VS Code and tests pass them: a layer node of the Layers view, a folder Uri
// (Explorer), nothing (palette), or { modelPath, layerId, folder, k } (tests, other commands).
import * as vscode from 'vscode';
import type { LayerInfo, LayerKind, ModelInfo } from '../../shared/model';
import { parseLayerTarget } from '../commands/commandArgs';
import { clampK } from './topkState';

export { clampK };

export interface TopkTarget {
  modelPath?: string;
  layerId?: string;
  folder?: string;
  k?: number;
}

/** Layers whose channels have a spatial position to crop around (the menu's `when` clause lists the same kinds). */
export const TOPK_LAYER_KINDS: readonly LayerKind[] = ['conv', 'depthwiseConv', 'module', 'activation', 'pool', 'norm', 'merge'];

export function parseTopkTarget(arg: unknown): TopkTarget {
  if (arg instanceof vscode.Uri) return { folder: arg.fsPath };
  const layer = parseLayerTarget(arg);
  const extra = typeof arg === 'object' && arg !== null ? (arg as { folder?: unknown; k?: unknown }) : {};
  return {
    modelPath: layer.modelPath,
    layerId: layer.layerId,
    folder: typeof extra.folder === 'string' ? extra.folder : undefined,
    k: typeof extra.k === 'number' && Number.isFinite(extra.k) ? clampK(extra.k) : undefined,
  };
}

export function topkLayers(info: ModelInfo): LayerInfo[] {
  return info.layers.filter((l) => TOPK_LAYER_KINDS.includes(l.kind));
}
