// "Maximize Activation…" and "Visualize Layer": one panel with a live view (units of a layer optimized as one
// batch, frames as they come) and an atlas view (every channel, batch after batch). Runs are cached on disk, a
// newer run cancels an older one, and a cancellable notification mirrors the panel's progress.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ActmaxRequest } from '../../shared/actmax';
import type { ActmaxFromWebview, ActmaxLayerChoice, ActmaxPanelState, ActmaxToWebview, ActmaxUiSettings, ActmaxView } from '../../shared/actmaxProtocol';
import { objectiveForLayer } from '../../shared/actmaxProtocol';
import { LayerLensError, toErrorPayload } from '../../shared/errors';
import type { ModelInfo } from '../../shared/model';
import { ActmaxRunner, type RunSink } from '../actmax/actmaxRunner';
import { actmaxLayers, buildActmaxRequest, DEFAULT_UI_SETTINGS, parsePanelState, parseUiSettings, parseUnits, unitCount } from '../actmax/requestBuilder';
import { ActmaxResultCache } from '../actmax/resultCache';
import type { EngineService } from '../engine/engineService';
import type { ModelRegistry } from '../models/modelRegistry';
import { PanelBase, type PanelDeps } from './panelBase';
import { webviewOptions } from './webviewHtml';

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
  static readonly viewType = 'layerLens.actmax';
  static current: ActmaxPanel | undefined;

  private readonly runner: ActmaxRunner;
  private runSeq = 0;
  private abort: AbortController | undefined;
  private pendingRun = false;

  private constructor(
    panel: vscode.WebviewPanel,
    private readonly adeps: ActmaxDeps,
    private state: ActmaxPanelState,
  ) {
    super(panel, adeps, 'actmax');
    const cache = adeps.actmaxCacheDir ? new ActmaxResultCache(adeps.actmaxCacheDir) : undefined;
    this.runner = new ActmaxRunner(adeps.engine, cache);
    ActmaxPanel.current = this;
    this.disposables.push({
      dispose: () => {
        this.abort?.abort();
        if (ActmaxPanel.current === this) ActmaxPanel.current = undefined;
      },
    });
    this.updateTitle();
  }

  static createOrShow(deps: ActmaxDeps, modelPath: string, layerId: string, options: ActmaxOpenOptions): ActmaxPanel {
    const base = ActmaxPanel.current?.state ?? defaultState(modelPath, layerId);
    const settings = parseUiSettings({ ...base.settings, ...(options.settings ?? {}), regularizers: { ...base.settings.regularizers, ...(options.settings?.regularizers ?? {}) } });
    const state: ActmaxPanelState = { ...base, modelPath, modelName: modelNameOf(modelPath), layerId, view: options.view, settings };
    const existing = ActmaxPanel.current;
    if (existing) {
      existing.state = state;
      existing.pendingRun = options.run === true || options.view === 'atlas';
      existing.updateTitle();
      existing.panel.reveal();
      void existing.onReady();
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(ActmaxPanel.viewType, 'Activation Maximization', vscode.ViewColumn.Active, webviewOptions(deps.extensionUri));
    const created = new ActmaxPanel(panel, deps, state);
    created.pendingRun = options.run === true || options.view === 'atlas';
    return created;
  }

  /** Re-creates the panel after a window reload from the state the webview saved; nothing runs until asked. */
  static revive(panel: vscode.WebviewPanel, deps: ActmaxDeps, saved: unknown): ActmaxPanel {
    panel.webview.options = webviewOptions(deps.extensionUri);
    return new ActmaxPanel(panel, deps, parsePanelState(saved) ?? defaultState(deps.registry.activePath, ''));
  }

  protected async onReady(): Promise<void> {
    const info = await this.modelInfo();
    if (!info) return;
    const layers = actmaxLayers(info);
    if (!layers.some((l) => l.id === this.state.layerId)) this.state = { ...this.state, layerId: layers[layers.length - 1]?.id ?? '' };
    const objective = objectiveForLayer(this.state.settings.objective, this.state.layerId, info.logitsId);
    this.state = { ...this.state, modelName: info.name, settings: { ...this.state.settings, objective } };
    this.updateTitle();
    const logits = info.logitsId ? layers.find((l) => l.id === info.logitsId) : undefined;
    this.post({
      type: 'init',
      state: this.state,
      layers,
      ...(info.logitsId ? { logitsId: info.logitsId } : {}),
      ...(logits ? { classCount: logits.channels } : {}),
      backend: this.adeps.engine.currentStatus?.detail ?? '',
    });
    if (this.pendingRun) {
      this.pendingRun = false;
      await this.start(this.state.view);
    }
  }

  protected async onMessage(msg: ActmaxFromWebview): Promise<void> {
    switch (msg.type) {
      case 'cancel':
        this.abort?.abort();
        return;
      case 'setState':
      case 'run':
      case 'atlas': {
        const next = parsePanelState(msg.state);
        // The webview may change settings, layer and view, never which model file is read.
        if (!next || next.modelPath !== this.state.modelPath) return;
        this.state = { ...next, modelName: this.state.modelName };
        this.updateTitle();
        if (msg.type !== 'setState') await this.start(msg.type === 'atlas' ? 'atlas' : 'single');
        return;
      }
    }
  }

  protected exportDir(): string {
    return path.dirname(this.state.modelPath);
  }

  get modelPath(): string {
    return this.state.modelPath;
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
    this.abort?.abort();
    const runId = ++this.runSeq;
    const abort = (this.abort = new AbortController());
    this.state = { ...this.state, view };
    this.updateTitle();
    const { modelPath, layerId, settings } = this.state;
    try {
      const info = await this.modelInfo();
      if (!info) return;
      const layer = actmaxLayers(info).find((l) => l.id === layerId);
      if (!layer) throw new LayerLensError('unknownLayer', `${info.name} has no layer "${layerId}" whose channels can be maximized.`);
      if (view === 'atlas') {
        await this.withNotification(`Visualizing ${info.name} › ${layerId}`, abort, (sink) =>
          this.runner.runAtlas(runId, modelPath, layerId, layer.channels, settings, abort.signal, sink));
      } else {
        const request = this.requestFor(info, layer, settings);
        await this.withNotification(`Maximizing ${info.name} › ${layerId} › ${request.units.join(', ')}`, abort, (sink) =>
          this.runner.runSingle(runId, modelPath, request, abort.signal, sink));
      }
      if (abort.signal.aborted) throw new LayerLensError('cancelled', 'Cancelled.');
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
    } finally {
      if (this.abort === abort) this.abort = undefined;
    }
  }

  private requestFor(info: ModelInfo, layer: ActmaxLayerChoice, settings: ActmaxUiSettings): ActmaxRequest {
    if (settings.objective === 'classLogit' && !info.logitsId) {
      throw new LayerLensError('badArgument', `${info.name} has no class logits layer, so the class logit objective does not apply.`);
    }
    const classes = info.logitsId ? actmaxLayers(info).find((l) => l.id === info.logitsId)?.channels : undefined;
    const units = parseUnits(settings.units, unitCount(layer, settings.objective, classes));
    const objective = objectiveForLayer(settings.objective, layer.id, info.logitsId);
    return buildActmaxRequest(layer.id, units, { ...settings, objective });
  }

  /** A cancellable notification that mirrors the panel's progress; cancelling it cancels the run. */
  private withNotification<T>(title: string, abort: AbortController, work: (sink: RunSink) => Promise<T>): Thenable<T> {
    return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
      const sub = token.onCancellationRequested(() => abort.abort());
      let reported = 0;
      const sink: RunSink = {
        post: (m) => this.post(m),
        progress: (fraction, message) => {
          const pct = Math.max(0, Math.min(100, fraction * 100));
          progress.report({ increment: Math.max(0, pct - reported), message });
          reported = Math.max(reported, pct);
        },
      };
      try {
        return await work(sink);
      } finally {
        sub.dispose();
      }
    });
  }
}

function modelNameOf(modelPath: string): string {
  const base = path.basename(modelPath);
  return base === 'model.json' ? path.basename(path.dirname(modelPath)) : base;
}

function defaultState(modelPath: string, layerId: string): ActmaxPanelState {
  return { modelPath, modelName: modelNameOf(modelPath), layerId, view: 'single', settings: { ...DEFAULT_UI_SETTINGS } };
}
