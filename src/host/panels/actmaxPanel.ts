// "Maximize Activation…" and "Visualize Layer": a panel per model with a live view (units of a layer optimized as
// one batch, frames as they come) and an atlas view (every channel, batch after batch). Runs are cached on disk, a
// newer run cancels an older one, and a cancellable notification mirrors the panel's progress. Each panel owns its
// model, layer, units and settings: a request for another model opens that model's panel, and settings the user
// chose for one model never carry into another (which starts from the default preset). After a window reload a
// panel shows its last result again from the cache, without running anything.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ActmaxRequest } from '../../shared/actmax';
import type { ActmaxFromWebview, ActmaxInputSizeInfo, ActmaxLayerChoice, ActmaxPanelState, ActmaxToWebview, ActmaxUiSettings, ActmaxView } from '../../shared/actmaxProtocol';
import { objectiveForLayer } from '../../shared/actmaxProtocol';
import { LayerLensError, toErrorPayload } from '../../shared/errors';
import { checkInputSize, type InputSize } from '../../shared/inputSize';
import { modelDisplayName } from '../../shared/modelDisplayName';
import type { ModelInfo } from '../../shared/model';
import { ActmaxRunner, type RunSink } from '../actmax/actmaxRunner';
import { actmaxLayers, buildActmaxRequest, DEFAULT_UI_SETTINGS, parsePanelState, parseUiSettings, parseUnits, unitCount } from '../actmax/requestBuilder';
import { ActmaxResultCache } from '../actmax/resultCache';
import type { EngineService } from '../engine/engineService';
import { LatestRequest } from '../engine/supersede';
import { withEngineProgress } from '../engine/withEngineProgress';
import { inputSizeMemory } from '../models/inputSizeMemory';
import type { ModelRegistry } from '../models/modelRegistry';
import type { ActmaxPanelIdentity } from '../api';
import { PanelBase, type PanelDeps } from './panelBase';
import { createPanelWebview } from './panelKinds';

export interface ActmaxDeps extends PanelDeps {
  engine: EngineService;
  registry: ModelRegistry;
  /** Where finished runs are kept (the extension's global storage); no cache when absent. */
  actmaxCacheDir?: string;
}

/** What a command may ask for besides model and layer (tests and scripts pass these). */
export interface ActmaxOpenOptions {
  view: ActmaxView;
  /** Settings over the panel's current ones (units as text, e.g. "3" or "0-7"). */
  settings?: Partial<ActmaxUiSettings>;
  /** Start at once (the atlas always does). */
  run?: boolean;
}

export class ActmaxPanel extends PanelBase<ActmaxToWebview, ActmaxFromWebview> {
  /** The open panel of each model. */
  private static readonly byModel = new Map<string, ActmaxPanel>();
  /** Settings the user chose for a model, kept after its panel closes; a model not here starts from the defaults. */
  private static readonly chosenSettings = new Map<string, ActmaxUiSettings>();

  private readonly runner: ActmaxRunner;
  private runSeq = 0;
  /** The run under way: a newer one supersedes (and cancels) it, Cancel and closing the panel stop it. */
  private readonly runs = new LatestRequest();
  private pendingRun = false;
  /** How the run under way began: a webview that loads again mid-run gets it, so the run's frames reach it. */
  private runStartedMessage: ActmaxToWebview | undefined;
  /** The atlas under way: posts its start and the cells of its finished batches (from the cache) again. */
  private replayAtlas: { runId: number; replay: () => Promise<number> } | undefined;
  /** Revived after a reload: the first ready shows the cached result of the saved settings, even while idle. */
  private restoreFromCache = false;

  private constructor(
    panel: vscode.WebviewPanel,
    private readonly adeps: ActmaxDeps,
    private state: ActmaxPanelState,
  ) {
    super(panel, adeps, 'actmax');
    const cache = adeps.actmaxCacheDir ? new ActmaxResultCache(adeps.actmaxCacheDir) : undefined;
    this.runner = new ActmaxRunner(adeps.engine, cache);
    ActmaxPanel.byModel.set(state.modelPath, this);
    // A size chosen for this model in another panel: the field shows it and the next run uses it.
    const stopSizes = inputSizeMemory.onDidChange((modelPath, size) => {
      const own = this.state.inputSize;
      if (modelPath !== this.state.modelPath || (own?.height === size?.height && own?.width === size?.width)) return;
      const { inputSize: _old, ...rest } = this.state;
      this.state = size ? { ...rest, inputSize: size } : rest;
      if (!this.runs.running) void this.onReady();
    });
    this.disposables.push({ dispose: stopSizes });
    this.disposables.push({
      dispose: () => {
        this.runs.cancel();
        if (ActmaxPanel.byModel.get(this.state.modelPath) === this) ActmaxPanel.byModel.delete(this.state.modelPath);
      },
    });
    this.updateTitle();
  }

  static createOrShow(deps: ActmaxDeps, modelPath: string, layerId: string, options: ActmaxOpenOptions): ActmaxPanel {
    const existing = ActmaxPanel.byModel.get(modelPath);
    const base = existing?.state.settings ?? ActmaxPanel.chosenSettings.get(modelPath) ?? DEFAULT_UI_SETTINGS;
    const given = options.settings ?? {};
    const settings = parseUiSettings({ ...base, ...given, regularizers: { ...base.regularizers, ...(given.regularizers ?? {}) } });
    // Settings passed with the command (a script, a test) are chosen for this model like the panel's own.
    if (Object.keys(given).length > 0) ActmaxPanel.chosenSettings.set(modelPath, settings);
    // The size chosen for this model in any panel (absent: its sidecar's or the default).
    const inputSize = inputSizeMemory.get(modelPath);
    const state: ActmaxPanelState = { modelPath, modelName: modelDisplayName(modelPath), layerId, view: options.view, settings, ...(inputSize ? { inputSize } : {}) };
    if (existing) {
      existing.state = state;
      existing.pendingRun = options.run === true || options.view === 'atlas';
      existing.restoreFromCache = false;
      existing.updateTitle();
      existing.showAgain();
      return existing;
    }
    const created = new ActmaxPanel(createPanelWebview('actmax', deps.extensionUri), deps, state);
    created.pendingRun = options.run === true || options.view === 'atlas';
    return created;
  }

  /**
   * Re-creates the panel after a window reload from the state the webview saved. It shows what the cache holds for
   * those settings (the atlas's finished batches, the single run's picture); nothing runs until asked.
   */
  static revive(panel: vscode.WebviewPanel, deps: ActmaxDeps, saved: unknown): ActmaxPanel {
    const state = parsePanelState(saved) ?? defaultState(deps.registry.activePath, '');
    const remembered = inputSizeMemory.get(state.modelPath);
    if (remembered) state.inputSize = remembered;
    else if (state.inputSize) inputSizeMemory.set(state.modelPath, state.inputSize);
    const revived = new ActmaxPanel(panel, deps, { ...state, modelName: modelDisplayName(state.modelPath) });
    revived.restoreFromCache = true;
    return revived;
  }

  /** The open panel of a model, if any. */
  static forModel(modelPath: string): ActmaxPanel | undefined {
    return ActmaxPanel.byModel.get(modelPath);
  }

  /** The state a window reload hands back to revive() (the webview saves the same with setState). */
  get savedState(): ActmaxPanelState {
    return this.state;
  }

  protected async onReady(): Promise<void> {
    const info = await this.modelInfo();
    if (!info) return;
    const layers = actmaxLayers(info);
    // A size applies only to a model that does not fix its own (a saved state may outlive a model's edit).
    if (!info.assumedInputSize && this.state.inputSize) this.state = { ...this.state, inputSize: undefined };
    if (!layers.some((l) => l.id === this.state.layerId)) this.state = { ...this.state, layerId: layers[layers.length - 1]?.id ?? '' };
    const objective = objectiveForLayer(this.state.settings.objective, this.state.layerId, info.logitsId);
    this.state = { ...this.state, settings: { ...this.state.settings, objective } };
    this.updateTitle();
    const logits = info.logitsId ? layers.find((l) => l.id === info.logitsId) : undefined;
    this.post({
      type: 'init',
      state: this.state,
      layers,
      ...(info.logitsId ? { logitsId: info.logitsId } : {}),
      ...(logits ? { classCount: logits.channels } : {}),
      backend: this.adeps.engine.currentStatus?.detail ?? '',
      ...this.sizeInfo(info),
    });
    if (this.pendingRun) {
      this.pendingRun = false;
      this.restoreFromCache = false;
      await this.start(this.state.view);
    } else if (this.runs.running && this.runStartedMessage) {
      // A webview that loads again mid-atlas lost the cells drawn before: its finished batches are in the cache
      // (each is stored before it is posted), so they are sent again with the run's start.
      const atlas = this.replayAtlas;
      if (atlas && this.runStartedMessage.type === 'atlasStarted' && this.runStartedMessage.runId === atlas.runId) await atlas.replay();
      else this.post(this.runStartedMessage);
    } else if (this.restoreFromCache || !this.runs.running) {
      // A webview that loads again (after a reload, or shown again after it was hidden: its context is not kept)
      // starts empty: show the cached result of the panel's settings.
      this.restoreFromCache = false;
      await this.showCached(info, layers);
    }
  }

  protected async onMessage(msg: ActmaxFromWebview): Promise<void> {
    switch (msg.type) {
      case 'cancel':
        this.runs.cancel();
        return;
      case 'setState':
      case 'run':
      case 'atlas': {
        const next = parsePanelState(msg.state);
        // The webview may change settings, layer and view, never which model file is read.
        if (!next || next.modelPath !== this.state.modelPath) return;
        // The input size is the host's: it changes only through setInputSize.
        const { inputSize: _ignored, ...rest } = next;
        this.state = { ...rest, modelName: this.state.modelName, ...(this.state.inputSize ? { inputSize: this.state.inputSize } : {}) };
        ActmaxPanel.chosenSettings.set(this.state.modelPath, this.state.settings);
        this.updateTitle();
        if (msg.type !== 'setState') await this.start(msg.type === 'atlas' ? 'atlas' : 'single');
        return;
      }
      case 'setInputSize':
        await this.setInputSize(msg.size);
        return;
    }
  }

  protected exportDir(): string {
    return path.dirname(this.state.modelPath);
  }

  get modelPath(): string {
    return this.state.modelPath;
  }

  /** The layer, view and preset the panel holds (the test API reads them). */
  get identity(): ActmaxPanelIdentity {
    const { modelPath, modelName, layerId, view, settings } = this.state;
    return { modelPath, modelName, layerId, view, preset: settings.preset, title: this.panel.title };
  }

  /** Every open actmax panel. */
  static all(): ActmaxPanel[] {
    return [...ActmaxPanel.byModel.values()];
  }

  /**
   * Tests only: what a window reload does to a model's panel — the webview goes away, and a new one is revived from
   * the state it saved (a real reload would end the extension host the tests run in).
   */
  static async reloadForTest(deps: ActmaxDeps, modelPath: string): Promise<boolean> {
    const old = ActmaxPanel.byModel.get(modelPath);
    if (!old) return false;
    const saved = JSON.parse(JSON.stringify(old.state)) as unknown;
    old.dispose();
    ActmaxPanel.revive(createPanelWebview('actmax', deps.extensionUri), deps, saved);
    return true;
  }

  /** Tests: types `text` into the panel's input size field and applies it, as the user would. */
  typeInputSize(text: string): void {
    this.post({ type: 'typeInputSize', text });
  }

  /** A size typed in the panel: checked, remembered for the model (other panels and the tree follow), then run. */
  private async setInputSize(raw: Partial<InputSize> | undefined): Promise<void> {
    const problem = checkInputSize(raw?.height, raw?.width);
    if (problem) {
      this.post({ type: 'error', message: problem });
      return;
    }
    const size = { height: raw!.height!, width: raw!.width! };
    this.state = { ...this.state, inputSize: size };
    inputSizeMemory.set(this.state.modelPath, size);
    await this.onReady();
    await this.start(this.state.view);
  }

  /** For a model that does not fix its input size: the size its runs use and why; nothing for a fixed size. */
  private sizeInfo(info: ModelInfo): { inputSize?: ActmaxInputSizeInfo } {
    const assumed = info.assumedInputSize;
    if (!assumed) return {};
    const chosen = this.state.inputSize;
    if (chosen) return { inputSize: { ...chosen, source: 'chosen' } };
    return { inputSize: { height: assumed.height, width: assumed.width, source: assumed.source === 'sidecar' ? 'sidecar' : assumed.source === 'option' ? 'chosen' : 'default' } };
  }

  private updateTitle(): void {
    const { layerId, view } = this.state;
    this.panel.title = `${view === 'atlas' ? 'Layer Atlas' : 'Actmax'}: ${this.state.modelName}${layerId ? ` › ${layerId}` : ''}`;
  }

  private async modelInfo(): Promise<ModelInfo | undefined> {
    return this.adeps.registry.info(this.state.modelPath).catch((err: unknown) => {
      this.post({ type: 'error', message: toErrorPayload(err).message });
      return undefined;
    });
  }

  /** Cancels what runs, then runs the panel's settings: the units (single) or every channel (atlas). */
  private async start(view: ActmaxView): Promise<void> {
    const runId = ++this.runSeq;
    this.state = { ...this.state, view };
    this.updateTitle();
    const { modelPath, layerId, settings } = this.state;
    try {
      const outcome = await this.runs.run(async (signal) => {
        const info = await this.modelInfo();
        if (!info) return false;
        const layer = actmaxLayers(info).find((l) => l.id === layerId);
        if (!layer) throw new LayerLensError('unknownLayer', `${this.state.modelName} has no layer "${layerId}" whose channels can be maximized.`);
        if (view === 'atlas') {
          const cachedCells: RunSink = { post: (m) => this.post(m) };
          const size = this.sizeOption();
          this.replayAtlas = { runId, replay: () => this.runner.runAtlas(runId, modelPath, layerId, layer.channels, settings, signal, cachedCells, { cacheOnly: true, ...size }) };
          await this.withNotification(`Visualizing ${this.state.modelName} › ${layerId}`, signal, (sink, runSignal) =>
            this.runner.runAtlas(runId, modelPath, layerId, layer.channels, settings, runSignal, sink, this.sizeOption()));
        } else {
          const request = this.requestFor(info, layer, settings);
          await this.withNotification(`Maximizing ${this.state.modelName} › ${layerId} › ${request.units.join(', ')}`, signal, (sink, runSignal) =>
            this.runner.runSingle(runId, modelPath, request, runSignal, sink, this.state.inputSize));
        }
        return true;
      });
      // A newer run took over: this one's end belongs to no one.
      if (outcome.stale || !outcome.value) return;
      this.post({ type: 'runEnded', runId, status: 'done' });
    } catch (err) {
      const { code, message } = toErrorPayload(err);
      if (code === 'cancelled') {
        this.post({ type: 'runEnded', runId, status: 'cancelled', message: 'Cancelled.' });
        return;
      }
      this.post({ type: 'runEnded', runId, status: 'error', message });
      // A typo in the units box is the panel's business; anything else is also shown as a notification.
      if (code !== 'badArgument') this.adeps.messages.error(err);
    }
  }

  /** The saved settings' result from the cache, drawn as a finished run; the engine is not asked. */
  private async showCached(info: ModelInfo, layers: ActmaxLayerChoice[]): Promise<void> {
    const { modelPath, layerId, settings, view } = this.state;
    const layer = layers.find((l) => l.id === layerId);
    if (!layer) return;
    const runId = ++this.runSeq;
    const sink: RunSink = { post: (m) => this.post(m) };
    try {
      if (view === 'atlas') {
        const done = await this.runner.runAtlas(runId, modelPath, layerId, layer.channels, settings, new AbortController().signal, sink, { cacheOnly: true, ...this.sizeOption() });
        if (done < layer.channels) {
          this.post({ type: 'runEnded', runId, status: 'cancelled', message: 'restored from the cache; Visualize Layer renders the rest' });
          return;
        }
      } else if (!(await this.runner.cachedSingle(runId, modelPath, this.requestFor(info, layer, settings), sink, this.state.inputSize))) {
        return;
      }
      this.post({ type: 'runEnded', runId, status: 'done' });
    } catch {
      // Settings the cache cannot answer (e.g. units that no longer parse) leave the panel as a fresh one.
    }
  }

  private sizeOption(): { inputSize?: InputSize } {
    return this.state.inputSize ? { inputSize: this.state.inputSize } : {};
  }

  private requestFor(info: ModelInfo, layer: ActmaxLayerChoice, settings: ActmaxUiSettings): ActmaxRequest {
    if (settings.objective === 'classLogit' && !info.logitsId) {
      throw new LayerLensError('badArgument', `${this.state.modelName} has no class logits layer, so the class logit objective does not apply.`);
    }
    const classes = info.logitsId ? actmaxLayers(info).find((l) => l.id === info.logitsId)?.channels : undefined;
    const units = parseUnits(settings.units, unitCount(layer, settings.objective, classes));
    const objective = objectiveForLayer(settings.objective, layer.id, info.logitsId);
    return buildActmaxRequest(layer.id, units, { ...settings, objective });
  }

  /** A cancellable notification that mirrors the panel's progress; cancelling it cancels the run. */
  private withNotification<T>(title: string, signal: AbortSignal, work: (sink: RunSink, signal: AbortSignal) => Promise<T>): Promise<T> {
    return withEngineProgress({ title, signal }, (runSignal, report) =>
      work({
        post: (m) => {
          if (m.type === 'runStarted' || m.type === 'atlasStarted') this.runStartedMessage = m;
          this.post(m);
        },
        progress: (fraction, message) => report(fraction, message),
      }, runSignal));
  }
}

function defaultState(modelPath: string, layerId: string): ActmaxPanelState {
  return { modelPath, modelName: modelDisplayName(modelPath), layerId, view: 'single', settings: { ...DEFAULT_UI_SETTINGS } };
}
