// The engine as the rest of the host sees it: started with the user's backend settings, re-initialised when
// they change, restarted after a crash; every call's status and failures reach the status bar and the user.
import * as vscode from 'vscode';
import type { BackendPreference, BackendStatus } from '../../shared/backend';
import type { EngineMethod, ParamsOf, ResultOf } from '../../shared/protocol/engineProtocol';
import type { UserMessages } from '../userMessages';
import { EngineClient, type RequestOptions } from './engineClient';
import { chooseEngineNode, type EngineNodeChoice } from './engineNode';
import { NativeCrashGuard } from './nativeCrashGuard';

export type RequestMiddleware = <M extends EngineMethod>(
  method: M,
  params: ParamsOf<M>,
  send: (params: ParamsOf<M>) => Promise<ResultOf<M>>,
) => Promise<ResultOf<M>>;

export class EngineService implements vscode.Disposable {
  private readonly client: EngineClient;
  private status: BackendStatus | undefined;
  private readonly statusEmitter = new vscode.EventEmitter<BackendStatus>();
  readonly onDidChangeStatus = this.statusEmitter.event;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly crashGuard = new NativeCrashGuard();
  private middleware: RequestMiddleware | undefined;
  /** The Node the running engine was started with, chosen again at every start from the settings. */
  private engineNode: EngineNodeChoice | undefined;

  constructor(enginePath: string, private readonly messages: UserMessages) {
    this.client = new EngineClient({
      enginePath,
      execPath: () => {
        this.engineNode = chooseEngineNode({
          wantGpu: ['auto', 'webgpu'].includes(readBackendSettings().backend),
          nodePath: userValueOnly(vscode.workspace.getConfiguration('layerLens'), 'nodePath'),
          electron: process.versions.electron,
          hostVersion: process.version,
          pathEnv: process.env.PATH,
        });
        if (this.engineNode.webgpuUnavailable) messages.log('info', this.engineNode.summary);
        return this.engineNode.execPath;
      },
      log: (level, message) => messages.log(level, message),
      onExit: (_code, signal) => {
        const sentence = this.crashGuard.noteExit(signal, this.status);
        if (sentence) messages.warn(sentence);
      },
      onStart: async (client) => {
        const settings = readBackendSettings();
        const off = this.crashGuard.reason;
        const status = await client.request('init', off ? { ...settings, nativeKernels: false, nativeKernelsOffReason: off } : settings);
        this.status = { ...status, engineNode: this.engineNode?.summary };
        if (status.notHonoured) messages.log('warn', status.notHonoured);
        for (const a of this.status.attempts.filter((x) => !x.ok)) messages.log('info', `Backend ${a.backend} skipped: ${a.reason}`);
        this.statusEmitter.fire(this.status);
      },
    });
    this.disposables.push(
      this.statusEmitter,
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (['backend', 'nativeBackendPath', 'nodePath', 'wasmThreads', 'nativeKernels'].some((k) => e.affectsConfiguration(`layerLens.${k}`))) void this.reinit();
      }),
    );
  }

  get currentStatus(): BackendStatus | undefined {
    return this.status;
  }

  request<M extends EngineMethod>(method: M, params: ParamsOf<M>, options?: RequestOptions<M>): Promise<ResultOf<M>> {
    const send = (sent: ParamsOf<M>) => this.client.request(method, sent, options);
    return this.middleware ? this.middleware(method, params, send) : send(params);
  }

  /** A step every request passes through before the engine sees it (a converted .pt's path becomes its ONNX). */
  use(middleware: RequestMiddleware): void {
    this.middleware = middleware;
  }

  async backendStatus(): Promise<BackendStatus> {
    if (!this.status || !this.client.running) await this.client.request('memory', {});
    return this.status!;
  }

  get pid(): number | undefined {
    return this.client.pid;
  }

  /** The user's restart: also tries the native kernels again after a crash turned them off. */
  restart(): void {
    this.crashGuard.reset();
    this.client.restart();
  }

  /** A backend can be switched only at start (a native binding cannot be unloaded): restart with the new settings. */
  private async reinit(): Promise<void> {
    // An engine that never started starts with the new settings when first needed.
    if (!this.client.running) return;
    this.client.restart();
    try {
      await this.backendStatus();
    } catch (e) {
      this.messages.error(e);
    }
  }

  dispose(): void {
    this.client.dispose();
    for (const d of this.disposables) d.dispose();
  }
}

function readBackendSettings(): { backend: BackendPreference; nativeBackendPath?: string; wasmThreads: number; nativeKernels: boolean } {
  const config = vscode.workspace.getConfiguration('layerLens');
  const backend = config.get<BackendPreference>('backend', 'auto');
  const nativeBackendPath = userValueOnly(config, 'nativeBackendPath');
  const wasmThreads = config.get<number>('wasmThreads', 0);
  return {
    backend: ['auto', 'webgpu', 'tensorflow', 'wasm', 'cpu'].includes(backend) ? backend : 'auto',
    nativeBackendPath,
    wasmThreads: Number.isInteger(wasmThreads) && wasmThreads >= 0 ? wasmThreads : 0,
    nativeKernels: config.get<boolean>('nativeKernels', true) !== false,
  };
}

/**
 * A setting that names code the engine runs: only a value the user set counts. The setting's `machine` scope
 * already keeps VS Code from applying a workspace's value; this also drops one should the scope ever be lost.
 */
function userValueOnly(config: vscode.WorkspaceConfiguration, key: string): string | undefined {
  const value = config.get<string>(key) || undefined;
  const where = config.inspect<string>(key);
  const fromWorkspace = value !== undefined && (value === where?.workspaceValue || value === where?.workspaceFolderValue);
  return fromWorkspace && value !== where?.globalValue ? undefined : value;
}
