// "Show Feature Maps": one panel showing what every layer of a model produces for one image. The host asks the
// engine for one forward pass (summary: display input, per-layer stats, top 5, and the shown layer's values), then
// for another layer's values whenever the webview picks a layer it does not have yet.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { toErrorPayload } from '../../shared/errors';
import { checkInputSize, type InputSize } from '../../shared/inputSize';
import { inputSizeMemory } from '../models/inputSizeMemory';
import { COLORMAP_NAMES, type ColormapName } from '../../shared/colormap';
import type { InputSpec } from '../../shared/model';
import { isNormalizationName, RESIZE_MODES } from '../../shared/preprocessing';
import { modelDisplayName } from '../../shared/modelDisplayName';
import {
  FEATURE_MAP_NORMALIZATIONS,
  FEATURE_MAP_SORTS,
  type FeatureMapNormalize,
  type FeatureMapSort,
  type FeatureMapsFromWebview,
  type FeatureMapsPanelState,
  type FeatureMapsToWebview,
  type ExplainTestAction,
  type PreprocessChoice,
} from '../../shared/featureMapsProtocol';
import type { EngineService } from '../engine/engineService';
import { LatestRequest } from '../engine/supersede';
import { ExplainController } from '../featureMaps/explainController';
import { pickImageUri } from '../images/activeImage';
import type { ModelRegistry } from '../models/modelRegistry';
import { PanelBase, type PanelDeps } from './panelBase';
import { createPanelWebview, currentPanel } from './panelKinds';

export interface FeatureMapsDeps extends PanelDeps {
  engine: EngineService;
  registry: ModelRegistry;
}

export class FeatureMapsPanel extends PanelBase<FeatureMapsToWebview, FeatureMapsFromWebview> {
  /** The forward pass of the image shown: another image, model or setting supersedes (and cancels) it. */
  private readonly opens = new LatestRequest();
  /** The Explain section's requests and kept maps. */
  readonly explainer: ExplainController;
  /** Engine requests for maps so far (tests: an image costs one `open`, each other layer one `layer`). */
  readonly engineRequests = { open: 0, layer: 0 };

  private constructor(
    panel: vscode.WebviewPanel,
    private readonly fdeps: FeatureMapsDeps,
    private state: FeatureMapsPanelState,
  ) {
    super(panel, fdeps, 'featureMaps');
    this.explainer = new ExplainController(fdeps.engine, (msg) => this.post(msg), (err) => fdeps.messages.error(err));
    this.disposables.push({
      dispose: () => {
        this.opens.cancel();
        this.explainer.cancelAll();
      },
    });
    this.updateTitle();
  }

  /** Opens the panel (or reuses the open one) on a model and an image; `layerId` picks the layer shown first. */
  static createOrShow(deps: FeatureMapsDeps, modelPath: string, imagePath: string, layerId?: string): FeatureMapsPanel {
    const existing = currentPanel('featureMaps');
    if (existing) {
      existing.state = {
        ...existing.state,
        modelPath,
        modelName: modelNameOf(modelPath),
        imagePath,
        imageName: path.basename(imagePath),
        layerId: layerId ?? existing.state.layerId,
        channel: -1,
        // A size asked for belongs to its model: another model runs at its own until the user changes it.
        inputSize: inputSizeMemory.get(modelPath) ?? (modelPath === existing.state.modelPath ? existing.state.inputSize : undefined),
        preprocessing: modelPath === existing.state.modelPath ? existing.state.preprocessing : undefined,
      };
      existing.showAgain();
      return existing;
    }
    const panel = createPanelWebview('featureMaps', deps.extensionUri);
    // A size chosen for this model in any panel is where it starts.
    const remembered = inputSizeMemory.get(modelPath);
    return new FeatureMapsPanel(panel, deps, { ...defaultState(modelPath, imagePath, layerId ?? ''), ...(remembered ? { inputSize: remembered } : {}) });
  }

  /** Re-creates the panel after a window reload from the state the webview saved (image, layer, options). */
  static revive(panel: vscode.WebviewPanel, deps: FeatureMapsDeps, saved: unknown): FeatureMapsPanel {
    const state = parseState(saved) ?? defaultState(deps.registry.activePath, '', '');
    // The size this model was last run at in any panel wins; a size saved only here is remembered for the others.
    const remembered = inputSizeMemory.get(state.modelPath);
    if (remembered) state.inputSize = remembered;
    else if (state.inputSize) inputSizeMemory.set(state.modelPath, state.inputSize);
    return new FeatureMapsPanel(panel, deps, state);
  }

  get modelPath(): string {
    return this.state.modelPath;
  }

  get imagePath(): string {
    return this.state.imagePath;
  }

  get layerId(): string {
    return this.state.layerId;
  }

  /** Tests only: types `text` into the panel's input size field and applies it. */
  typeInputSize(text: string): void {
    this.post({ type: 'typeInputSize', text });
  }

  /** Tests only: picks `choice` in the panel's Resize and Normalize selects. */
  choosePreprocessing(choice: PreprocessChoice): void {
    this.post({ type: 'choosePreprocessing', choice });
  }

  /** Tests only: acts in the Explain section as a user would (runs a method, cancels, clicks a top-5 row). */
  explainTest(action: ExplainTestAction): void {
    this.post({ type: 'explainTest', action });
  }

  /** Tests only: clicks the slot's Export PNG and writes the PNG to `path` instead of beside the model. */
  exportExplainForTest(slot: 0 | 1, path: string): void {
    this.exportPathForTest = path;
    this.explainTest({ kind: 'export', slot });
  }

  /** A click on a layer in the Layers view: switch to it (and to its model, when it is another one). */
  showLayer(layerId: string, modelPath?: string): void {
    if (modelPath && modelPath !== this.state.modelPath) {
      FeatureMapsPanel.createOrShow(this.fdeps, modelPath, this.state.imagePath, layerId);
      return;
    }
    this.state = { ...this.state, layerId, channel: -1 };
    this.updateTitle();
    this.post({ type: 'showLayer', layerId });
  }

  protected async onReady(): Promise<void> {
    this.updateTitle();
    const backend = this.fdeps.engine.currentStatus?.detail ?? '';
    this.post({ type: 'init', state: this.state, backend });
    await this.open();
  }

  protected async onMessage(msg: FeatureMapsFromWebview): Promise<void> {
    switch (msg.type) {
      case 'explain':
        await this.explainer.explain({ modelPath: this.state.modelPath, imagePath: this.state.imagePath, ...this.sizeSettings() }, msg.slot, msg.requestId, msg.options);
        return;
      case 'cancelExplain':
        this.explainer.cancel(msg.slot);
        return;
      case 'requestLayer':
        if (typeof msg.layerId === 'string') await this.sendLayer(msg.layerId);
        return;
      case 'setState': {
        const next = parseState(msg.state);
        // The webview may change how it draws and which layer it shows, never which files are read.
        if (!next || next.modelPath !== this.state.modelPath || next.imagePath !== this.state.imagePath) return;
        this.state = { ...next, inputSize: this.state.inputSize, preprocessing: this.state.preprocessing };
        this.updateTitle();
        return;
      }
      case 'setInputSize': {
        const size = msg.size as Partial<InputSize> | undefined;
        const problem = checkInputSize(size?.height, size?.width);
        if (problem) {
          this.post({ type: 'error', message: problem });
          return;
        }
        this.state = { ...this.state, inputSize: { height: size!.height!, width: size!.width! } };
        inputSizeMemory.set(this.state.modelPath, this.state.inputSize);
        await this.open();
        return;
      }
      case 'setPreprocessing': {
        this.state = { ...this.state, preprocessing: parsePreprocessChoice(msg.choice) };
        await this.open();
        return;
      }
      case 'pickImage': {
        const uri = await pickImageUri(this.state.imagePath ? vscode.Uri.file(path.dirname(this.state.imagePath)) : undefined);
        if (uri) FeatureMapsPanel.createOrShow(this.fdeps, this.state.modelPath, uri.fsPath);
        return;
      }
    }
  }

  protected exportDir(): string {
    return path.dirname(this.state.modelPath);
  }

  private updateTitle(): void {
    const { imageName, layerId } = this.state;
    this.panel.title = imageName ? `Feature Maps: ${imageName}${layerId ? ` › ${layerId}` : ''}` : 'Feature Maps';
  }

  /**
   * One forward pass in the engine, answered with the shown layer's values too (one round trip); a newer open
   * (another image) supersedes and cancels an older one.
   */
  private async open(): Promise<void> {
    if (!this.state.imagePath) {
      this.post({ type: 'error', message: 'No image yet: choose one with "Choose Image…", or right-click an image in the Explorer.' });
      return;
    }
    this.explainer.cancelAll();
    const { modelPath, imagePath, layerId } = this.state;
    this.post({ type: 'clear' });
    this.post({ type: 'loading', message: `Running ${this.state.modelName} on ${this.state.imageName}…` });
    try {
      this.engineRequests.open++;
      const outcome = await this.opens.run((signal) =>
        this.fdeps.engine.request('featureMaps.open', { modelPath, imagePath, ...(layerId ? { layerId } : {}), ...this.sizeSettings() }, {
          signal,
          onProgress: (p) => {
            if (!signal.aborted) this.post({ type: 'loading', message: `Reading layer ${p.done} of ${p.total}${p.message ? ` (${p.message})` : ''}…` });
          },
        }));
      if (outcome.stale) return;
      // The one display name, not the engine's own name for the model (they differ for a .onnx).
      this.post({ type: 'summary', result: { ...outcome.value, modelName: this.state.modelName } });
    } catch (err) {
      if (toErrorPayload(err).code === 'cancelled') return;
      this.post({ type: 'error', message: toErrorPayload(err).message });
      this.fdeps.messages.error(err);
    }
  }

  /** The engine's inputSettings for the size, resize and normalization the user asked for; none lets the engine choose. */
  private sizeSettings(): { inputSettings?: Partial<InputSpec> } {
    const size = this.state.inputSize;
    const settings: Partial<InputSpec> = { ...(size ? { height: size.height, width: size.width } : {}), ...this.state.preprocessing };
    return Object.keys(settings).length > 0 ? { inputSettings: settings } : {};
  }

  /** Another layer of the pass shown: it belongs to that pass, so a newer open cancels it and drops its values. */
  private async sendLayer(layerId: string): Promise<void> {
    const { modelPath, imagePath } = this.state;
    const signal = this.opens.signal;
    try {
      this.engineRequests.layer++;
      const result = await this.fdeps.engine.request('featureMaps.layer', { modelPath, imagePath, layerId, ...this.sizeSettings() }, { signal });
      if (!signal?.aborted) this.post({ type: 'layer', result });
    } catch (err) {
      if (signal?.aborted) return;
      this.post({ type: 'error', message: toErrorPayload(err).message });
      this.fdeps.messages.error(err);
    }
  }
}

function modelNameOf(modelPath: string): string {
  return modelDisplayName(modelPath);
}

function defaultState(modelPath: string, imagePath: string, layerId: string): FeatureMapsPanelState {
  return {
    modelPath,
    modelName: modelNameOf(modelPath),
    imagePath,
    imageName: imagePath ? path.basename(imagePath) : '',
    layerId,
    colormap: 'viridis',
    sort: 'index',
    normalize: 'channel',
    opacity: 0.6,
    channel: -1,
  };
}

/** Every message and saved state from the webview is checked before use. */
export function parseState(saved: unknown): FeatureMapsPanelState | undefined {
  if (typeof saved !== 'object' || saved === null) return undefined;
  const s = saved as Partial<Record<keyof FeatureMapsPanelState, unknown>>;
  if (typeof s.modelPath !== 'string' || typeof s.imagePath !== 'string' || s.modelPath === '') return undefined;
  const num = (v: unknown, lo: number, hi: number, fallback: number): number =>
    typeof v === 'number' && Number.isFinite(v) ? Math.max(lo, Math.min(hi, v)) : fallback;
  return {
    modelPath: s.modelPath,
    modelName: modelNameOf(s.modelPath),
    imagePath: s.imagePath,
    imageName: path.basename(s.imagePath),
    layerId: typeof s.layerId === 'string' ? s.layerId : '',
    colormap: COLORMAP_NAMES.includes(s.colormap as ColormapName) ? (s.colormap as ColormapName) : 'viridis',
    sort: FEATURE_MAP_SORTS.includes(s.sort as FeatureMapSort) ? (s.sort as FeatureMapSort) : 'index',
    normalize: FEATURE_MAP_NORMALIZATIONS.includes(s.normalize as FeatureMapNormalize) ? (s.normalize as FeatureMapNormalize) : 'channel',
    opacity: num(s.opacity, 0, 1, 0.6),
    channel: Math.round(num(s.channel, -1, 1e6, -1)),
    ...(s.inputSize && checkInputSize((s.inputSize as Partial<InputSize>).height, (s.inputSize as Partial<InputSize>).width) === undefined
      ? { inputSize: { height: (s.inputSize as InputSize).height, width: (s.inputSize as InputSize).width } }
      : {}),
    ...(parsePreprocessChoice(s.preprocessing) ? { preprocessing: parsePreprocessChoice(s.preprocessing) } : {}),
  };
}

/** The resize and normalization picked in the webview, keeping only known names; undefined when none is. */
function parsePreprocessChoice(value: unknown): PreprocessChoice | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { resize, normalize } = value as Record<string, unknown>;
  const choice: PreprocessChoice = {};
  if ((RESIZE_MODES as readonly unknown[]).includes(resize)) choice.resize = resize as PreprocessChoice['resize'];
  if (isNormalizationName(normalize)) choice.normalize = normalize;
  return Object.keys(choice).length > 0 ? choice : undefined;
}
