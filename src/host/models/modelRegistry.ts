// Which models Layer Lens knows (the shipped sample, models found in the workspace, models opened by hand),
// which one is active (remembered per workspace), and their layer lists as the engine reports them.
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LayerLensError, toErrorPayload, type ErrorCode } from '../../shared/errors';
import type { ModelInfo } from '../../shared/model';
import { modelDisplayName } from '../../shared/modelDisplayName';
import type { EngineService } from '../engine/engineService';
import { cannotOpenReason } from './cannotOpen';
import { inputSizeMemory } from './inputSizeMemory';

export interface ModelEntry {
  path: string;
  label: string;
  source: 'sample' | 'workspace' | 'opened';
}

/** `cannotOpen`: a format Layer Lens does not read (told by its bytes, no engine asked); else a load that failed. */
export type ModelLoadState = { kind: 'loaded'; info: ModelInfo } | { kind: 'failed'; message: string; code: ErrorCode; cannotOpen?: boolean };

const ACTIVE_KEY = 'layerLens.activeModel';
const OPENED_KEY = 'layerLens.openedModels';
// Formats Layer Lens opens, and those it names with their conversion command (shown as "cannot open").
const MODEL_GLOB = '**/{model.json,*.onnx,*.keras,*.h5,*.hdf5,*.pt,*.pth,*.tflite,*.safetensors,*.pb,*.caffemodel,*.mlmodel,*.pdmodel,*.gguf}';
// Installed packages hold model-like files of their own (a virtualenv's test data): they are not the user's models.
const SCAN_EXCLUDE = '**/{node_modules,.git,.venv,venv,site-packages,__pycache__}/**';

export class ModelRegistry implements vscode.Disposable {
  private workspaceModels: string[] = [];
  private firstScan: Promise<void> | undefined;
  private readonly loads = new Map<string, Promise<ModelLoadState>>();
  /** The last known state of each model, for the tree's icons (a failed one shows its error before it is expanded). */
  private readonly settled = new Map<string, ModelLoadState>();
  private readonly changeEmitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changeEmitter.event;
  private readonly disposables: vscode.Disposable[] = [this.changeEmitter];

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly engine: EngineService,
  ) {
    const watcher = vscode.workspace.createFileSystemWatcher(MODEL_GLOB);
    const changed = (uri: vscode.Uri) => {
      this.loads.delete(uri.fsPath);
      this.settled.delete(uri.fsPath);
      void this.scanWorkspace();
    };
    watcher.onDidCreate(changed);
    watcher.onDidChange(changed);
    watcher.onDidDelete((uri) => {
      void this.forgetOpened(uri.fsPath);
      changed(uri);
    });
    this.disposables.push(watcher);
    // A size chosen in a panel for a model without a fixed one: the tree lists its shapes at that size.
    const stopSizes = inputSizeMemory.onDidChange((modelPath) => {
      this.loads.delete(modelPath);
      this.changeEmitter.fire();
    });
    this.disposables.push({ dispose: stopSizes });
    // Opened by hand, maybe outside the workspace (the watcher above does not see those): one watcher each.
    for (const p of this.context.workspaceState.get<string[]>(OPENED_KEY, [])) this.watchOpened(p);
  }

  /** A model file opened by hand leaves the list when it is deleted. */
  private watchOpened(modelPath: string): void {
    const dir = vscode.Uri.file(path.dirname(modelPath));
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(dir, path.basename(modelPath)), true, true, false);
    watcher.onDidDelete(() => void this.forgetOpened(modelPath));
    this.disposables.push(watcher);
  }

  /** Drops a deleted model from the models opened by hand (and its load state); the tree redraws without it. */
  private async forgetOpened(modelPath: string): Promise<void> {
    this.loads.delete(modelPath);
    this.settled.delete(modelPath);
    const opened = this.context.workspaceState.get<string[]>(OPENED_KEY, []);
    if (opened.includes(modelPath)) await this.context.workspaceState.update(OPENED_KEY, opened.filter((p) => p !== modelPath));
    this.changeEmitter.fire();
  }

  get samplePath(): string {
    return path.join(this.context.extensionPath, 'models', 'mnist-cnn', 'model.json');
  }

  async scanWorkspace(): Promise<void> {
    const uris = await vscode.workspace.findFiles(MODEL_GLOB, SCAN_EXCLUDE, 200);
    this.workspaceModels = uris.map((u) => u.fsPath).sort();
    this.changeEmitter.fire();
    // Files of formats Layer Lens cannot open show so at once: their first bytes are read here, the engine is not asked.
    void Promise.all(this.workspaceModels.map((p) => this.checkCannotOpen(p)));
  }

  /**
   * The workspace's first scan, started at the first need (the Layers view showing, a model picker), never at
   * activation: a window that does not use Layer Lens pays nothing for it.
   */
  whenScanned(): Promise<void> {
    return (this.firstScan ??= this.scanWorkspace());
  }

  entries(): ModelEntry[] {
    void this.whenScanned();
    const seen = new Set<string>();
    const out: ModelEntry[] = [];
    const add = (p: string, source: ModelEntry['source']) => {
      if (seen.has(p)) return;
      seen.add(p);
      out.push({ path: p, label: this.labelFor(p, source), source });
    };
    add(this.samplePath, 'sample');
    for (const p of this.workspaceModels) add(p, 'workspace');
    // A file deleted while no watcher saw it (or before its event came) is not listed either.
    for (const p of this.context.workspaceState.get<string[]>(OPENED_KEY, [])) if (existsSync(p)) add(p, 'opened');
    return out;
  }

  /** The active model; a model whose load failed is never it (the sample stands in). */
  get activePath(): string {
    const stored = this.context.workspaceState.get<string>(ACTIVE_KEY);
    return stored && this.settled.get(stored)?.kind !== 'failed' && existsSync(stored) ? stored : this.samplePath;
  }

  /**
   * Makes a model the active one once it has loaded. A model that cannot be opened or fails to load stays
   * listed (the tree shows its error) and the active model stays as it was; its sentence is thrown.
   */
  async setActive(modelPath: string): Promise<void> {
    await this.remember(modelPath);
    const state = await this.load(modelPath);
    if (state.kind === 'failed') throw new LayerLensError(state.code, state.message);
    await this.context.workspaceState.update(ACTIVE_KEY, modelPath);
    this.changeEmitter.fire();
  }

  /**
   * Lists a model the user works with in a panel even when no workspace scan or file event has found it (a file
   * outside the workspace, or one made a moment ago): the tree shows every model a panel shows.
   */
  private async remember(modelPath: string): Promise<void> {
    if (this.entries().some((e) => e.path === modelPath)) return;
    const opened = this.context.workspaceState.get<string[]>(OPENED_KEY, []);
    if (opened.includes(modelPath)) return;
    await this.context.workspaceState.update(OPENED_KEY, [...opened, modelPath]);
    this.watchOpened(modelPath);
    this.changeEmitter.fire();
  }

  /** The last known state of a model (undefined until it was checked or loaded), without loading it. */
  stateOf(modelPath: string): ModelLoadState | undefined {
    return this.settled.get(modelPath);
  }

  /** The engine's description of a model; a failure is kept as a state so the tree can show it. */
  load(modelPath: string): Promise<ModelLoadState> {
    let pending = this.loads.get(modelPath);
    if (!pending) {
      pending = cannotOpenReason(modelPath).then((reason) =>
        reason !== undefined
          ? cannotOpen(reason)
          : this.engine.request('loadModel', listingParams(modelPath)).then(
            (info): ModelLoadState => ({ kind: 'loaded', info }),
            (err: unknown): ModelLoadState => {
              // Forget failures so that a fixed file loads next time.
              setTimeout(() => this.loads.delete(modelPath), 0);
              const { code, message } = toErrorPayload(err);
              return { kind: 'failed', message, code };
            },
          ),
      ).then((state) => this.settle(modelPath, state));
      this.loads.set(modelPath, pending);
    }
    return pending;
  }

  /** Records a model's state; the tree redraws when it changed (a model that failed shows its error icon). */
  private settle(modelPath: string, state: ModelLoadState): ModelLoadState {
    const before = this.settled.get(modelPath);
    this.settled.set(modelPath, state);
    const same = before?.kind === state.kind && (state.kind === 'loaded' || (before.kind === 'failed' && before.message === state.message));
    if (!same) this.changeEmitter.fire();
    return state;
  }

  private async checkCannotOpen(modelPath: string): Promise<void> {
    if (this.loads.has(modelPath)) return;
    const reason = await cannotOpenReason(modelPath);
    if (reason !== undefined && !this.loads.has(modelPath)) this.loads.set(modelPath, Promise.resolve(this.settle(modelPath, cannotOpen(reason))));
  }

  /** Loads a model or throws its error: for commands that need the model's layers. */
  async info(modelPath: string): Promise<ModelInfo> {
    const state = await this.load(modelPath);
    // Our own error again (not a plain Error), so every caller shows its sentence as it is.
    if (state.kind === 'failed') throw new LayerLensError(state.code, state.message);
    await this.remember(modelPath);
    return state.info;
  }

  refresh(): void {
    this.loads.clear();
    this.settled.clear();
    void this.scanWorkspace();
  }

  private labelFor(p: string, _source: ModelEntry['source']): string {
    // The name every panel, pick and message uses for this model.
    return modelDisplayName(p);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

/** The engine's listing request: at the size chosen for the model, when one was. */
function listingParams(modelPath: string): { path: string; inputSize?: [number, number] } {
  const size = inputSizeMemory.get(modelPath);
  return size ? { path: modelPath, inputSize: [size.height, size.width] } : { path: modelPath };
}

function cannotOpen(message: string): ModelLoadState {
  return { kind: 'failed', message, code: 'notAModel', cannotOpen: true };
}
