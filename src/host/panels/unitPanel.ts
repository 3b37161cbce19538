// "Open Unit": one panel with everything about one unit of a model — the atlas unit page's content (actmax at several
// seeds and a diversity batch with the quality badge, dataset examples with receptive-field crops when a Top Images
// run is known for the model, the kernel of a first layer, the strongest inputs from the previous layer, statistics).
// One panel, reused: opening another unit (from any panel's double-click, or a strongest input's link in this one)
// replaces its content, as a detail view does, instead of piling up a tab per unit; the breadcrumb says which unit.
// A page comes from the on-disk cache when computed before, else from the engine with progress and Cancel.
// The header chooses the actmax preset, the number of seeds and the dataset examples' k: the panel keeps them in
// its saved state (a reload keeps them), and a new panel starts from the last ones used in the workspace.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LayerLensError, toErrorPayload } from '../../shared/errors';
import type { ModelInfo } from '../../shared/model';
import { modelDisplayName } from '../../shared/modelDisplayName';
import type { UnitFromWebview, UnitPageView, UnitPanelState, UnitSettingsInput, UnitToWebview } from '../../shared/unitProtocol';
import type { EngineService } from '../engine/engineService';
import { LatestRequest } from '../engine/supersede';
import { withEngineProgress } from '../engine/withEngineProgress';
import { inputSizeMemory } from '../models/inputSizeMemory';
import type { ModelRegistry } from '../models/modelRegistry';
import type { TopkFolderMemory } from '../unit/topkFolders';
import type { UnitPages, UnitTarget } from '../unit/unitPages';
import { unitPageSettings } from '../unit/unitSettings';
import { checkPanelSettings, panelSettingsIn, type UnitSettingsMemory } from '../unit/unitSettingsMemory';
import { PanelBase, type PanelDeps } from './panelBase';
import { createPanelWebview, currentPanel } from './panelKinds';

export interface UnitDeps extends PanelDeps {
  engine: EngineService;
  registry: ModelRegistry;
  pages: UnitPages;
  topkFolders: TopkFolderMemory;
  /** The header's last settings in the workspace. */
  unitSettings: UnitSettingsMemory;
}

export class UnitPanel extends PanelBase<UnitToWebview, UnitFromWebview> {
  /** The page being made: a newer unit supersedes it, Cancel stops it. */
  private readonly latest = new LatestRequest();
  /** The page being made now: its unit, the progress and preview messages sent so far (the latest of each), its end. */
  private making: { key: string; shown: UnitToWebview[]; done: Promise<void> } | undefined;
  /** The page being made now; before the webview's first 'ready', the first page. */
  private idle: Promise<void>;
  private firstShown: (() => void) | undefined;

  private constructor(
    panel: vscode.WebviewPanel,
    private readonly udeps: UnitDeps,
    private state: UnitPanelState,
  ) {
    super(panel, udeps, 'unit');
    this.idle = new Promise((resolve) => (this.firstShown = resolve));
    this.setTitle();
    this.disposables.push({
      dispose: () => {
        this.latest.cancel();
        this.firstShown?.();
      },
    });
  }

  /** Shows the unit in the open panel (or a new one) and fills it; resolves when the page is drawn or failed. */
  static createOrShow(deps: UnitDeps, target: UnitTarget): UnitPanel {
    const existing = currentPanel('unit');
    const state: UnitPanelState = { ...target, modelName: modelDisplayName(target.modelPath), settings: existing?.state.settings ?? deps.unitSettings.get() };
    if (existing) {
      existing.state = state;
      existing.setTitle();
      existing.showAgain();
      return existing;
    }
    return new UnitPanel(createPanelWebview('unit', deps.extensionUri), deps, state);
  }

  /** Re-creates the panel after a window reload from the unit and settings the webview saved (from the cache when it can). */
  static revive(panel: vscode.WebviewPanel, deps: UnitDeps, saved: unknown): UnitPanel {
    const s = (typeof saved === 'object' && saved !== null ? saved : {}) as Partial<UnitPanelState>;
    const valid = typeof s.modelPath === 'string' && typeof s.layerId === 'string' && Number.isInteger(s.unit) && (s.unit as number) >= 0;
    const settings = panelSettingsIn(s.settings) ?? deps.unitSettings.get();
    const state: UnitPanelState = valid
      ? { modelPath: s.modelPath!, layerId: s.layerId!, unit: s.unit!, modelName: modelDisplayName(s.modelPath!), settings }
      : { modelPath: deps.registry.activePath, layerId: '', unit: 0, modelName: modelDisplayName(deps.registry.activePath), settings };
    return new UnitPanel(panel, deps, state);
  }

  get modelPath(): string {
    return this.state.modelPath;
  }

  get target(): UnitTarget {
    return { modelPath: this.state.modelPath, layerId: this.state.layerId, unit: this.state.unit };
  }

  /** Resolves once the page being made now is drawn, failed or cancelled (tests await it). */
  whenIdle(): Promise<void> {
    return this.idle;
  }

  /** Tests only: the webview presses its Cancel button (the run in progress stops). */
  cancelForTest(): void {
    this.post({ type: 'testCancel' });
  }

  /**
   * Tests only: a window reload — the state the webview saved is read back from it, the panel closed and revived
   * from that state; false when no Unit panel is open or its webview does not answer.
   */
  static async reloadForTest(deps: UnitDeps): Promise<boolean> {
    const old = currentPanel('unit');
    const saved = (await old?.requestSnapshot())?.meta.savedState;
    if (!old || typeof saved !== 'string') return false;
    old.dispose();
    UnitPanel.revive(createPanelWebview('unit', deps.extensionUri), deps, JSON.parse(saved) as unknown);
    return true;
  }

  /** Tests only: the webview types into its header's settings fields and changes them, as a user would. */
  typeSettingsForTest(input: UnitSettingsInput): void {
    this.post({ type: 'testSettings', input });
  }

  protected exportDir(): string {
    return path.dirname(this.state.modelPath);
  }

  protected async onReady(): Promise<void> {
    this.post({ type: 'init', state: this.state, backend: this.udeps.engine.currentStatus?.detail ?? '' });
    // A webview that reloads (a hidden panel shown again) while its unit's page is being made gets what it showed
    // again and waits for the same run, instead of cancelling it and starting over.
    const key = this.makingKey();
    if (this.making?.key === key) {
      for (const msg of this.making.shown) this.post(msg);
      return this.making.done;
    }
    const shown = this.show(false);
    this.idle = shown;
    await shown;
    this.firstShown?.();
    this.firstShown = undefined;
  }

  protected async onMessage(msg: UnitFromWebview): Promise<void> {
    switch (msg.type) {
      case 'cancel':
        this.latest.cancel();
        return;
      case 'compute':
        if (this.making) return;
        this.idle = this.show(true);
        return this.idle;
      case 'showUnit':
        if (!Number.isInteger(msg.unit) || msg.unit < 0) return;
        this.state = { ...this.state, unit: msg.unit };
        return this.onReady();
      case 'settings': {
        // The webview checked them; a posted message is checked again before it reaches the engine or the cache key.
        const settings = checkPanelSettings(msg.settings);
        if (typeof settings === 'string') return this.post({ type: 'error', message: settings });
        this.state = { ...this.state, settings };
        await this.udeps.unitSettings.set(settings);
        return this.onReady();
      }
      default:
    }
  }

  /** What the page being made is of: the unit and the header's settings (other settings are another page). */
  private makingKey(): string {
    const { modelPath, layerId, unit, settings } = this.state;
    return JSON.stringify([modelPath, layerId, unit, settings.preset, settings.seeds, settings.k]);
  }

  private setTitle(): void {
    this.panel.title = this.state.layerId ? `Unit: ${this.state.layerId} ${this.state.unit}` : 'Unit';
  }

  /** The page from the cache, or (`compute`, or nothing cached) from the engine; a newer request supersedes this one. */
  private async show(compute: boolean): Promise<void> {
    const target = this.target;
    let finish!: () => void;
    const making = { key: this.makingKey(), shown: [] as UnitToWebview[], done: new Promise<void>((resolve) => (finish = resolve)) };
    this.making = making;
    try {
      // Current until a newer page supersedes it (a Cancel keeps it current, so that it can say it stopped).
      const settings = this.state.settings;
      await this.latest.run((signal) => this.make(target, settings, compute, () => this.latest.signal === signal, making.shown, signal));
    } catch (err) {
      // make() has already told the webview; a cancelled page is no failure of the panel.
      if (toErrorPayload(err).code !== 'cancelled') throw err;
    } finally {
      if (this.making === making) this.making = undefined;
      finish();
    }
  }

  private async make(target: UnitTarget, settings: UnitPanelState['settings'], compute: boolean, current: () => boolean, shown: UnitToWebview[], signal: AbortSignal): Promise<void> {
    /** Posts a message and keeps it (one per type) for a webview that reloads meanwhile. */
    const show = (msg: UnitToWebview): void => {
      const at = shown.findIndex((m) => m.type === msg.type);
      if (at >= 0) shown.splice(at, 1);
      shown.push(msg);
      this.post(msg);
    };
    try {
      if (!target.layerId) throw new LayerLensError('badArgument', 'No unit to show: open one from a panel (double-click a tile) or with "Layer Lens: Open Unit…".');
      const info = await this.udeps.registry.info(target.modelPath);
      const layerUnits = unitsOf(info, target.layerId);
      if (target.unit >= layerUnits) throw new LayerLensError('badArgument', `${target.layerId} of ${this.state.modelName} has ${layerUnits} units (0–${layerUnits - 1}); there is no unit ${target.unit}.`);
      const imagesDir = await this.udeps.topkFolders.folderFor(target.modelPath);
      const size = info.assumedInputSize ? inputSizeMemory.get(target.modelPath) : undefined;
      const source = { settings: unitPageSettings(settings), imagesDir, layerUnits, ...(size ? { inputSettings: { height: size.height, width: size.width } } : {}) };
      const cached = compute ? undefined : await this.udeps.pages.cached(target, source);
      if (!current()) return;
      if (cached) return this.post({ type: 'page', view: cached });
      // What the caches already hold while the rest is computed: the unit's picture from Maximize Activation.
      void this.udeps.pages.preview(target).then((image) => image && current() && show({ type: 'preview', image }), () => undefined);
      const view = await this.computeWithProgress(target, source, current, show, signal);
      if (current()) this.post({ type: 'page', view });
    } catch (err) {
      if (!current()) return;
      const payload = toErrorPayload(err);
      if (payload.code === 'cancelled') return this.post({ type: 'cancelled', message: `Stopped: ${target.layerId} unit ${target.unit} was not finished. Compute it again when you want it.` });
      this.post({ type: 'error', message: payload.message });
      this.udeps.messages.error(err);
    }
  }

  private async computeWithProgress(target: UnitTarget, source: Parameters<UnitPages['compute']>[1], current: () => boolean, show: (msg: UnitToWebview) => void, signal: AbortSignal): Promise<UnitPageView> {
    const title = `Unit ${target.layerId} ${target.unit} of ${this.state.modelName}`;
    show({ type: 'progress', message: `Computing ${target.layerId} unit ${target.unit}…`, fraction: 0 });
    return withEngineProgress({ title, signal }, (engineSignal, report) =>
      this.udeps.pages.compute(target, source, {
        signal: engineSignal,
        onProgress: (p) => {
          report(p.fraction, p.message);
          if (current()) show({ type: 'progress', message: p.message, ...(p.fraction !== undefined ? { fraction: p.fraction } : {}) });
        },
      }),
    );
  }
}


/** Units of a layer: its channel count (last dimension of its output), or 0 when it has none to show. */
export function unitsOf(info: ModelInfo, layerId: string): number {
  const layer = info.layers.find((l) => l.id === layerId);
  if (!layer) throw new LayerLensError('unknownLayer', `${info.name} has no layer "${layerId}".`);
  const c = layer.outputShape[layer.outputShape.length - 1];
  if (layer.kind === 'input' || typeof c !== 'number' || c <= 0) throw new LayerLensError('badArgument', `${layerId} of ${info.name} has no units to show.`);
  return c;
}
