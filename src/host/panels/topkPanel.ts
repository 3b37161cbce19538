// "Find Top Images…": one panel per window showing, for every channel of a layer, the images of a folder that
// activate it most, with the crop around the strongest position. The host runs the engine method under a
// cancellable progress notification (progress also shown in the panel) and keeps the result, so a webview that
// reloads (hidden tab, window reload) is redrawn without running the model again.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { toErrorPayload } from '../../shared/errors';
import { modelDisplayName } from '../../shared/modelDisplayName';
import {
  TOPK_SORTS,
  type TopkFindParams,
  type TopkFindResult,
  type TopkFromWebview,
  type TopkPanelState,
  type TopkTestAction,
  type TopkToWebview,
} from '../../shared/topkProtocol';
import { inputSizeMemory } from '../models/inputSizeMemory';
import type { EngineService } from '../engine/engineService';
import { LatestRequest } from '../engine/supersede';
import { withEngineProgress } from '../engine/withEngineProgress';
import type { ModelRegistry } from '../models/modelRegistry';
import { actmaxImagesFor } from '../topk/actmaxLookup';
import { onUnitsRecorded } from '../actmax/unitsRecorded';
import { TopkProgressTracker } from '../topk/progressReport';
import { checkedSize, clampK, followRememberedSize, parseTopkState, sizeParam, stateForRun, type TopkRunTarget } from '../topk/topkState';
import { PanelBase, type PanelDeps } from './panelBase';
import { createPanelWebview, currentPanel } from './panelKinds';

export interface TopkDeps extends PanelDeps {
  engine: EngineService;
  registry: ModelRegistry;
  /** The extension's global storage folder: the top-k cache is its `topk` subfolder. */
  storageDir: string;
}

export class TopkPanel extends PanelBase<TopkToWebview, TopkFromWebview> {
  private run: TopkFindResult | undefined;
  /** Files of the result: the only ones the webview may ask to open. */
  private files = new Set<string>();
  /** The run under way: a newer one supersedes (and cancels) it; closing the panel cancels it. */
  private readonly runs = new LatestRequest();
  private computing: Promise<void> | undefined;
  /** The last status line of a run under way, sent again when the webview (re)loads mid-run. */
  private status: TopkToWebview | undefined;
  /** What each topk.find the panel sent asked for (the cache folder left out): tests check the size it carried. */
  readonly sentRequests: Omit<TopkFindParams, 'cacheDir'>[] = [];

  private constructor(
    panel: vscode.WebviewPanel,
    private readonly tdeps: TopkDeps,
    private state: TopkPanelState,
  ) {
    super(panel, tdeps, 'topk');
    this.disposables.push(
      {
        dispose: () => {
          this.runs.cancel();
        },
      },
      // An actmax run of this layer that finishes while the panel is open fills its actmax column right away.
      onUnitsRecorded((e) => {
        if (this.run && e.modelPath === path.resolve(this.state.modelPath) && e.layerIds.includes(this.state.layerId)) this.sendActmax(this.run);
      }),
      // A size chosen for this model in another panel: the field shows it, and results at another size say so and
      // offer to run again. Never a run of its own: a search can take minutes.
      {
        dispose: inputSizeMemory.onDidChange((modelPath, size) => {
          const next = followRememberedSize(this.state, modelPath, size);
          if (!next) return;
          this.state = next;
          this.sendModelSize();
        }),
      },
    );
    this.updateTitle();
  }

  /** Opens the panel (or reuses the open one) and finds the top images of `folder` for the layer. */
  static createOrShow(deps: TopkDeps, target: TopkRunTarget): TopkPanel {
    const state = stateForRun(target, currentPanel('topk')?.state, inputSizeMemory.get(target.modelPath));
    const existing = currentPanel('topk');
    if (existing) {
      existing.state = state;
      existing.setRun(undefined);
      existing.updateTitle();
      existing.panel.reveal();
      existing.post({ type: 'init', state, backend: existing.backend() });
      void existing.compute();
      return existing;
    }
    const panel = createPanelWebview('topk', deps.extensionUri);
    const created = new TopkPanel(panel, deps, state);
    // Start at once: the webview's "ready" finds the run under way and waits for it.
    void created.compute();
    return created;
  }

  /** After a window reload: the saved state names the run; the on-disk cache makes it instant when nothing changed. */
  static revive(panel: vscode.WebviewPanel, deps: TopkDeps, saved: unknown): TopkPanel {
    const state = parseTopkState(saved) ?? { modelPath: deps.registry.activePath, modelName: '', layerId: '', folder: '', k: clampK(undefined), sort: 'index', deadLast: true };
    // The size this model was last run at in any panel wins; a size saved only here is remembered for the others.
    const remembered = inputSizeMemory.get(state.modelPath);
    if (remembered) state.inputSize = remembered;
    else if (state.inputSize) inputSizeMemory.set(state.modelPath, state.inputSize);
    const revived = new TopkPanel(panel, deps, state);
    return revived;
  }

  /** Tests: a mouse move, scroll or click in the webview's grid (see TopkTestAction); false without a result. */
  testAction(action: TopkTestAction): boolean {
    if (!this.run) return false;
    this.post({ type: 'testAction', action });
    return true;
  }

  get result(): TopkFindResult | undefined {
    return this.run;
  }

  /** Settles when the current run (if any) has finished, failed or been cancelled. */
  whenIdle(): Promise<void> {
    return this.computing ?? Promise.resolve();
  }

  protected async onReady(): Promise<void> {
    this.post({ type: 'init', state: this.state, backend: this.backend() });
    if (this.run) {
      this.sendRun(this.run);
      return;
    }
    if (this.computing) {
      if (this.status) this.post(this.status);
      return;
    }
    if (!this.state.layerId || !this.state.folder) {
      this.post({ type: 'error', message: 'Nothing to show yet: right-click a layer in the Layers view and choose "Find Top Images…".' });
      return;
    }
    await this.compute();
  }

  protected async onMessage(msg: TopkFromWebview): Promise<void> {
    switch (msg.type) {
      case 'setSort':
        if (TOPK_SORTS.includes(msg.sort)) this.state = { ...this.state, sort: msg.sort };
        return;
      case 'setDeadLast':
        if (typeof msg.deadLast === 'boolean') this.state = { ...this.state, deadLast: msg.deadLast };
        return;
      case 'setInputSize': {
        // A size typed here, or Run again at the size chosen in another panel: checked again, remembered for the
        // model (every panel starts from it), then run.
        const size = checkedSize(msg.size);
        if (typeof size === 'string') {
          this.post({ type: 'error', message: size });
          return;
        }
        this.state = { ...this.state, inputSize: size };
        inputSizeMemory.set(this.state.modelPath, size);
        this.setRun(undefined);
        await this.compute();
        return;
      }
      case 'openFile':
        // Only files of the result: the webview never names an arbitrary path for the host to open.
        if (typeof msg.file === 'string' && this.files.has(msg.file)) await vscode.commands.executeCommand('vscode.open', vscode.Uri.file(msg.file));
        return;
      case 'showFeatureMaps':
        if (typeof msg.file === 'string' && this.files.has(msg.file)) {
          await vscode.commands.executeCommand('layerLens.showFeatureMaps', { modelPath: this.state.modelPath, imagePath: msg.file, layerId: this.state.layerId });
        }
        return;
      case 'runActmax':
        // The empty actmax tile of a channel: the actmax panel runs it; its end fills the tile (onUnitsRecorded).
        if (this.run && Number.isInteger(msg.channel) && msg.channel >= 0 && msg.channel < this.run.result.channels) {
          await vscode.commands.executeCommand('layerLens.maximizeActivation', {
            modelPath: this.state.modelPath, layerId: this.state.layerId, units: String(msg.channel), run: true,
          });
        }
        return;
      case 'pickFolder': {
        const folder = await pickImageFolder(this.state.folder ? vscode.Uri.file(this.state.folder) : undefined);
        if (folder) TopkPanel.createOrShow(this.tdeps, { ...this.state, folder });
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

  private backend(): string {
    return this.tdeps.engine.currentStatus?.detail ?? '';
  }

  private updateTitle(): void {
    const { layerId, folder } = this.state;
    this.panel.title = layerId ? `Top Images: ${layerId}${folder ? ` in ${path.basename(folder)}` : ''}` : 'Top Images';
  }

  private setStatus(msg: TopkToWebview): void {
    this.status = msg;
    this.post(msg);
  }

  private setRun(run: TopkFindResult | undefined): void {
    this.run = run;
    this.files = new Set(run ? run.result.top.flatMap((entries) => entries.map((e) => e.file)) : []);
  }

  private sendRun(run: TopkFindResult): void {
    this.post({ type: 'result', result: run });
    this.sendModelSize();
    this.sendActmax(run);
  }

  /** The size the model runs at now (the webview compares it with its result's): from the host, never a stale copy. */
  private sendModelSize(): void {
    const size = this.state.inputSize;
    this.post({ type: 'modelSize', ...(size ? { size } : {}) });
  }

  private sendActmax(run: TopkFindResult): void {
    const context = { storageDir: this.tdeps.storageDir };
    void actmaxImagesFor(context, this.state.modelPath, this.state.layerId, run.result.channels).then((images) => {
      if (images.length > 0 && this.run === run) this.post({ type: 'actmax', images });
    });
  }

  /** Runs topk.find under a cancellable notification; a newer run supersedes (and cancels) an older one. */
  private compute(): Promise<void> {
    const { modelPath, layerId, folder, k } = this.state;
    const cacheDir = path.join(this.tdeps.storageDir, 'topk');
    const title = `Top images of ${layerId} in ${path.basename(folder)}`;
    this.setStatus({ type: 'loading', message: `${title}: listing the folder…` });
    const tracker = new TopkProgressTracker();
    const params = { modelPath, layerId, folder, k, cacheDir, ...sizeParam(this.state) };
    this.sentRequests.push({ modelPath, layerId, folder, k, ...sizeParam(this.state) });
    const work = this.runs.run((signal) => withEngineProgress({ title, signal }, (runSignal, report) =>
      this.tdeps.engine.request('topk.find', params, {
        signal: runSignal,
        onProgress: (p) => {
          tracker.next(p);
          report(tracker.percent / 100, p.message);
          if (!signal.aborted) this.setStatus({ type: 'loading', message: `${title}: ${p.message}` });
        },
      })));
    const done = work.then(
      (outcome) => {
        // A newer run took over: this one's result belongs to no one.
        if (outcome.stale) return;
        const run = outcome.value;
        this.state = { ...this.state, modelName: modelNameOf(this.state.modelPath) };
        this.setRun(run);
        this.updateTitle();
        this.sendRun(run);
        for (const f of run.pictures.failed) this.tdeps.messages.log('warn', f.reason);
      },
      (err: unknown) => {
        const { code, message } = toErrorPayload(err);
        if (code === 'cancelled') {
          this.post({ type: 'info', message: `Cancelled: no result was kept for ${layerId}. Run "Find Top Images…" again to start over.` });
          this.tdeps.messages.log('info', message);
          return;
        }
        this.post({ type: 'error', message });
        this.tdeps.messages.error(err);
      },
    );
    const settled = done.finally(() => {
      if (this.computing !== settled) return;
      this.computing = undefined;
      this.status = undefined;
    });
    this.computing = settled;
    return settled;
  }
}

export async function pickImageFolder(defaultUri?: vscode.Uri): Promise<string | undefined> {
  const picked = await vscode.window.showOpenDialog({
    canSelectFiles: false,
    canSelectFolders: true,
    canSelectMany: false,
    defaultUri,
    openLabel: 'Find Top Images',
    title: 'Folder of images to search (subfolders included)',
  });
  return picked?.[0]?.fsPath;
}

function modelNameOf(modelPath: string): string {
  return modelDisplayName(modelPath);
}
