// "Visualize Kernels": one panel showing a conv layer's filters; the webview asks for another layer or other
// options, the engine computes the tiles, the webview draws them.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { toErrorPayload } from '../../shared/errors';
import type { KernelMode, KernelNormalization } from '../../shared/kernelsProtocol';
import type { ModelInfo } from '../../shared/model';
import { displayKernelShape } from '../../shared/shapeText';
import type { ConvLayerChoice, KernelsFromWebview, KernelsPanelState, KernelsToWebview } from '../../shared/protocol/webviewProtocol';
import { modelDisplayName } from '../../shared/modelDisplayName';
import type { EngineService } from '../engine/engineService';
import { LatestRequest } from '../engine/supersede';
import type { ModelRegistry } from '../models/modelRegistry';
import { PanelBase, type PanelDeps } from './panelBase';
import { createPanelWebview, currentPanel } from './panelKinds';

export interface KernelsDeps extends PanelDeps {
  engine: EngineService;
  registry: ModelRegistry;
}

const MODES: readonly KernelMode[] = ['auto', 'rgb', 'perChannel', 'mean'];
const NORMALIZATIONS: readonly KernelNormalization[] = ['filter', 'layer'];

export class KernelsPanel extends PanelBase<KernelsToWebview, KernelsFromWebview> {
  /** A newer request (another layer or option) cancels the one under way and drops its answer. */
  private readonly requests = new LatestRequest();

  private constructor(
    panel: vscode.WebviewPanel,
    private readonly kdeps: KernelsDeps,
    private state: KernelsPanelState,
  ) {
    super(panel, kdeps, 'kernels');
    this.disposables.push({ dispose: () => this.requests.cancel() });
  }

  static createOrShow(deps: KernelsDeps, modelPath: string, layerId: string): KernelsPanel {
    const existing = currentPanel('kernels');
    if (existing) {
      existing.state = { ...existing.state, modelPath, layerId, modelName: modelDisplayName(modelPath) };
      existing.showAgain();
      return existing;
    }
    return new KernelsPanel(createPanelWebview('kernels', deps.extensionUri), deps, defaultState(modelPath, layerId));
  }

  /** Re-creates the panel after a window reload from the state the webview saved. */
  static revive(panel: vscode.WebviewPanel, deps: KernelsDeps, saved: unknown): KernelsPanel {
    const state = parseState(saved) ?? defaultState(deps.registry.activePath, '');
    return new KernelsPanel(panel, deps, state);
  }

  protected async onReady(): Promise<void> {
    const info = await this.kdeps.registry.info(this.state.modelPath).catch((err: unknown) => {
      this.post({ type: 'error', message: toErrorPayload(err).message });
      return undefined;
    });
    if (!info) return;
    const layers = convLayers(info);
    if (!layers.some((l) => l.id === this.state.layerId)) this.state.layerId = layers[0]?.id ?? '';
    this.state.modelName = modelDisplayName(this.state.modelPath);
    this.panel.title = `Kernels: ${this.state.modelName} › ${this.state.layerId}`;
    const backend = this.kdeps.engine.currentStatus?.detail ?? '';
    this.post({ type: 'init', state: this.state, layers, backend });
    await this.compute();
  }

  protected async onMessage(msg: KernelsFromWebview): Promise<void> {
    if (msg.type !== 'setOptions') return;
    if (typeof msg.layerId !== 'string' || !MODES.includes(msg.mode) || !NORMALIZATIONS.includes(msg.normalize)) return;
    this.state = { ...this.state, layerId: msg.layerId, mode: msg.mode, normalize: msg.normalize, sortByL2: msg.sortByL2 === true };
    this.panel.title = `Kernels: ${this.state.modelName} › ${this.state.layerId}`;
    await this.compute();
  }

  /** Tests only: the webview moves a synthetic mouse over the first cell, through its real mousemove handler. */
  hoverFirstCell(): boolean {
    this.post({ type: 'hoverFirstCell' });
    return true;
  }

  protected exportDir(): string {
    return path.dirname(this.state.modelPath);
  }

  get modelPath(): string {
    return this.state.modelPath;
  }

  private async compute(): Promise<void> {
    if (!this.state.layerId) {
      this.post({ type: 'error', message: `${path.basename(this.state.modelPath)} has no convolution layer with kernels to draw.` });
      return;
    }
    this.post({ type: 'loading', message: `Computing kernels of ${this.state.layerId}…` });
    try {
      const { modelPath, layerId, mode, normalize } = this.state;
      const outcome = await this.requests.run((signal) => this.kdeps.engine.request('kernels', { modelPath, layerId, mode, normalize }, { signal }));
      if (!outcome.stale) this.post({ type: 'kernels', result: outcome.value });
    } catch (err) {
      if (toErrorPayload(err).code === 'cancelled') return;
      const message = toErrorPayload(err).message;
      this.post({ type: 'error', message });
      this.kdeps.messages.error(err);
    }
  }
}

export function convLayers(info: ModelInfo): ConvLayerChoice[] {
  return info.layers
    .filter((l) => l.kernelShape && (l.kind === 'conv' || l.kind === 'depthwiseConv'))
    .map((l) => ({ id: l.id, label: l.id, kernelShape: l.kernelShape!, kernelText: displayKernelShape(l.kernelShape!, info.nativeLayout, l.kind) }));
}

function defaultState(modelPath: string, layerId: string): KernelsPanelState {
  return { modelPath, modelName: modelDisplayName(modelPath), layerId, mode: 'auto', normalize: 'filter', sortByL2: false };
}

function parseState(saved: unknown): KernelsPanelState | undefined {
  if (typeof saved !== 'object' || saved === null) return undefined;
  const s = saved as Partial<KernelsPanelState>;
  if (typeof s.modelPath !== 'string' || typeof s.layerId !== 'string') return undefined;
  return {
    modelPath: s.modelPath,
    modelName: modelDisplayName(s.modelPath),
    layerId: s.layerId,
    mode: MODES.includes(s.mode as KernelMode) ? (s.mode as KernelMode) : 'auto',
    normalize: NORMALIZATIONS.includes(s.normalize as KernelNormalization) ? (s.normalize as KernelNormalization) : 'filter',
    sortByL2: s.sortByL2 === true,
  };
}
