// Which models Layer Lens knows (the shipped sample, models found in the workspace, models opened by hand),
// which one is active (remembered per workspace), and their layer lists as the engine reports them.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LayerLensError, toErrorPayload, type ErrorCode } from '../../shared/errors';
import type { ModelInfo } from '../../shared/model';
import { modelDisplayName } from '../../shared/modelDisplayName';
import type { EngineService } from '../engine/engineService';

export interface ModelEntry {
  path: string;
  label: string;
  source: 'sample' | 'workspace' | 'opened';
}

export type ModelLoadState = { kind: 'loaded'; info: ModelInfo } | { kind: 'failed'; message: string; code: ErrorCode };

const ACTIVE_KEY = 'layerLens.activeModel';
const OPENED_KEY = 'layerLens.openedModels';
const MODEL_GLOB = '**/{model.json,*.onnx,*.keras,*.h5,*.hdf5}';

export class ModelRegistry implements vscode.Disposable {
  private workspaceModels: string[] = [];
  private readonly loads = new Map<string, Promise<ModelLoadState>>();
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
      void this.scanWorkspace();
    };
    watcher.onDidCreate(changed);
    watcher.onDidChange(changed);
    watcher.onDidDelete(changed);
    this.disposables.push(watcher);
  }

  get samplePath(): string {
    return path.join(this.context.extensionPath, 'models', 'mnist-cnn', 'model.json');
  }

  async scanWorkspace(): Promise<void> {
    const uris = await vscode.workspace.findFiles(MODEL_GLOB, '**/node_modules/**', 200);
    this.workspaceModels = uris.map((u) => u.fsPath).sort();
    this.changeEmitter.fire();
  }

  entries(): ModelEntry[] {
    const seen = new Set<string>();
    const out: ModelEntry[] = [];
    const add = (p: string, source: ModelEntry['source']) => {
      if (seen.has(p)) return;
      seen.add(p);
      out.push({ path: p, label: this.labelFor(p, source), source });
    };
    add(this.samplePath, 'sample');
    for (const p of this.workspaceModels) add(p, 'workspace');
    for (const p of this.context.workspaceState.get<string[]>(OPENED_KEY, [])) add(p, 'opened');
    return out;
  }

  get activePath(): string {
    return this.context.workspaceState.get<string>(ACTIVE_KEY) ?? this.samplePath;
  }

  async setActive(modelPath: string): Promise<void> {
    const known = this.entries().some((e) => e.path === modelPath);
    if (!known) {
      const opened = this.context.workspaceState.get<string[]>(OPENED_KEY, []);
      await this.context.workspaceState.update(OPENED_KEY, [...opened, modelPath]);
    }
    await this.context.workspaceState.update(ACTIVE_KEY, modelPath);
    this.changeEmitter.fire();
  }

  /** The engine's description of a model; a failure is kept as a state so the tree can show it. */
  load(modelPath: string): Promise<ModelLoadState> {
    let pending = this.loads.get(modelPath);
    if (!pending) {
      pending = this.engine.request('loadModel', { path: modelPath }).then(
        (info): ModelLoadState => ({ kind: 'loaded', info }),
        (err: unknown): ModelLoadState => {
          // Forget failures so that a fixed file loads next time.
          setTimeout(() => this.loads.delete(modelPath), 0);
          const { code, message } = toErrorPayload(err);
          return { kind: 'failed', message, code };
        },
      );
      this.loads.set(modelPath, pending);
    }
    return pending;
  }

  /** Loads a model or throws its error: for commands that need the model's layers. */
  async info(modelPath: string): Promise<ModelInfo> {
    const state = await this.load(modelPath);
    // Our own error again (not a plain Error), so every caller shows its sentence as it is.
    if (state.kind === 'failed') throw new LayerLensError(state.code, state.message);
    return state.info;
  }

  refresh(): void {
    this.loads.clear();
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
