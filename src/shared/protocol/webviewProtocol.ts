// Messages between the host and a panel's webview. Every panel speaks the common part; each panel adds its own.
import type { KernelMode, KernelNormalization, KernelsResult } from '../kernelsProtocol';

/** Common: the handshake, snapshots for tests, export, errors. */
export type CommonToWebview =
  | { type: 'loading'; message: string }
  | { type: 'error'; message: string }
  /** `part` names another canvas than the panel's main one (e.g. 'explain'), for panels that have several. */
  | { type: 'requestSnapshot'; requestId: number; part?: string }
  /** Tests only: double-click the unit tile at this index of the grid in view order, as a user would. */
  | { type: 'testOpenUnit'; index: number };

export type CommonFromWebview =
  | { type: 'ready' }
  | { type: 'snapshot'; requestId: number; width: number; height: number; rgba: Uint8Array; meta: Record<string, number | string> }
  | { type: 'exportPng'; png: Uint8Array; suggestedName: string }
  /**
   * A unit's tile was double-clicked: open the Unit panel for that unit of the model the tile was drawn for
   * (`modelPath`; the panel's model when absent), which the host accepts only if it sent that model to this webview.
   */
  | { type: 'openUnit'; layerId: string; unit: number; modelPath?: string };

export interface ConvLayerChoice {
  id: string;
  label: string;
  kernelShape: number[];
  /** The kernel as the model's framework stores it, e.g. `64×3×7×7` (OIHW) for ONNX, `7×7×3×64` (HWIO) for TF.js. */
  kernelText: string;
}

/** Everything the kernels panel needs to redraw itself after a reload. */
export interface KernelsPanelState {
  modelPath: string;
  modelName: string;
  layerId: string;
  mode: KernelMode;
  normalize: KernelNormalization;
  sortByL2: boolean;
}

export type KernelsToWebview =
  | CommonToWebview
  | { type: 'init'; state: KernelsPanelState; layers: ConvLayerChoice[]; backend: string }
  | { type: 'kernels'; result: KernelsResult }
  /** Tests only: move the mouse over the first cell of the grid, as a user would. */
  | { type: 'hoverFirstCell' };

export type KernelsFromWebview =
  | CommonFromWebview
  | { type: 'setOptions'; layerId: string; mode: KernelMode; normalize: KernelNormalization; sortByL2: boolean };
