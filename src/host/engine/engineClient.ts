// The host's side of the engine RPC: starts the child process lazily, restarts it after a crash on the next
// request, turns cancellation into a cancel message and, if the engine does not stop in time, into a kill.
// A request that an engine never read (sent in the moment between its death and its exit event) is sent once
// more to the next engine; one that it read fails with the crash, since the request may be what killed it.
import { fork, type ChildProcess } from 'node:child_process';
import { LayerLensError } from '../../shared/errors';
import type { EngineMethod, EngineToHost, HostToEngine, ParamsOf, ProgressOf, ResultOf } from '../../shared/protocol/engineProtocol';

export interface RequestOptions<M extends EngineMethod> {
  signal?: AbortSignal;
  onProgress?: (p: ProgressOf<M>) => void;
}

interface Pending {
  /** The process the request went to: only its exit fails the request. */
  child: ChildProcess;
  method: EngineMethod;
  params: unknown;
  options: RequestOptions<EngineMethod>;
  /** The engine said it read the request. */
  accepted: boolean;
  /** This is already the second attempt. */
  retried: boolean;
  resolve(value: unknown): void;
  reject(err: Error): void;
}

export interface EngineClientOptions {
  enginePath: string;
  /** The Node binary to start the engine with, asked at every start; undefined: the extension host's own. */
  execPath?: () => string | undefined;
  /** Called after every (re)start, before the first request is sent: the host replays `init` here. */
  onStart: (client: EngineClient) => Promise<void>;
  log: (level: 'info' | 'warn' | 'error', message: string) => void;
  /** How long a cancelled request may keep running before the engine is killed. */
  killAfterCancelMs?: number;
  /** Called when an engine process ends, with its exit code or the signal that ended it. */
  onExit?: (code: number | null, signal: NodeJS.Signals | null) => void;
}

export class EngineClient {
  private child: ChildProcess | undefined;
  private starting: Promise<void> | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private disposed = false;

  constructor(private readonly options: EngineClientOptions) {}

  get pid(): number | undefined {
    return this.running ? this.child?.pid : undefined;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null;
  }

  async request<M extends EngineMethod>(method: M, params: ParamsOf<M>, options: RequestOptions<M> = {}): Promise<ResultOf<M>> {
    return this.attempt(method, params, options, false);
  }

  private async attempt<M extends EngineMethod>(method: M, params: ParamsOf<M>, options: RequestOptions<M>, retried: boolean): Promise<ResultOf<M>> {
    if (method !== 'init') await this.ensureStarted();
    else if (!this.child) this.spawn();
    return this.send(method, params, options, retried);
  }

  /** Kills the engine; the next request starts a fresh one. */
  restart(): void {
    const child = this.child;
    // Forget it at once, so that the next request starts a fresh engine instead of writing to a dying one.
    this.child = undefined;
    child?.kill('SIGKILL');
  }

  dispose(): void {
    this.disposed = true;
    this.child?.kill('SIGKILL');
  }

  private ensureStarted(): Promise<void> {
    if (this.child && !this.starting) return Promise.resolve();
    if (!this.starting) {
      this.spawn();
      // An engine whose start failed (its init refused) is not left running uninitialised, where every later
      // request would fail on TF.js's own error: it is stopped, and the next request starts and inits a new one.
      this.starting = this.options
        .onStart(this)
        .catch((e: unknown) => {
          this.restart();
          throw e;
        })
        .finally(() => (this.starting = undefined));
    }
    return this.starting;
  }

  private spawn(): void {
    if (this.disposed) throw new LayerLensError('engineCrashed', 'Layer Lens is shutting down.');
    // 'advanced' serialization is structured clone: Float32Array and Uint8ClampedArray arrive intact.
    const execPath = this.options.execPath?.();
    const child = fork(this.options.enginePath, [], { serialization: 'advanced', stdio: ['ignore', 'pipe', 'pipe', 'ipc'], ...(execPath ? { execPath } : {}) });
    this.child = child;
    child.stdout?.on('data', (d: Buffer) => this.options.log('info', d.toString().trimEnd()));
    child.stderr?.on('data', (d: Buffer) => this.options.log('warn', d.toString().trimEnd()));
    child.on('message', (msg: EngineToHost) => this.receive(msg));
    // A send to an engine that is exiting fails with EPIPE; the 'exit' handler rejects what is pending.
    child.on('error', (err) => this.options.log('warn', `Layer Lens engine: ${err.message}`));
    child.on('exit', (code, signal) => {
      if (this.child === child) this.child = undefined;
      const why = signal ? `was stopped (${signal})` : `exited with code ${code}`;
      if (!this.disposed) this.options.log('warn', `Layer Lens engine ${why}.`);
      if (!this.disposed) this.options.onExit?.(code, signal);
      for (const [id, p] of this.pending) {
        if (p.child !== child) continue;
        this.pending.delete(id);
        if (!this.retry(p)) p.reject(new LayerLensError('engineCrashed', `The Layer Lens engine ${why}; the next request starts a new one.`));
      }
    });
  }

  private send<M extends EngineMethod>(method: M, params: ParamsOf<M>, options: RequestOptions<M>, retried: boolean): Promise<ResultOf<M>> {
    const child = this.child;
    if (!child) {
      // The engine was forgotten (killed, restarted) after this request waited for it: the next one takes it.
      if (!retried && method !== 'init' && !this.disposed) return this.attempt(method, params, options, true);
      return Promise.reject(new LayerLensError('engineCrashed', 'The Layer Lens engine is not running.'));
    }
    const id = this.nextId++;
    return new Promise<ResultOf<M>>((resolve, reject) => {
      if (options.signal?.aborted) {
        reject(new LayerLensError('cancelled', 'The request was cancelled.'));
        return;
      }
      const pending: Pending = {
        child,
        method,
        params,
        options: options as RequestOptions<EngineMethod>,
        accepted: false,
        retried,
        resolve: resolve as (v: unknown) => void,
        reject,
      };
      this.pending.set(id, pending);
      options.signal?.addEventListener('abort', () => this.cancel(id, child), { once: true });
      const msg = { type: 'request', id, method, params } as HostToEngine;
      const failed = (why: string) => {
        if (!this.pending.delete(id)) return;
        // The engine is dead or dying: forget it, so that the retry (or the next request) starts a new one.
        if (this.child === child) this.child = undefined;
        child.kill('SIGKILL');
        if (!this.retry(pending)) {
          reject(new LayerLensError('engineCrashed', `The Layer Lens engine could not take the request (${why}); the next request starts a new one.`));
        }
      };
      if (!child.connected) {
        failed('it is shutting down');
        return;
      }
      child.send(msg, (err) => err && failed(err.message));
    });
  }

  /** Sends a request the dead engine never read to the next engine, once; false when it may not be retried. */
  private retry(p: Pending): boolean {
    if (p.accepted || p.retried || p.method === 'init' || this.disposed) return false;
    this.options.log('info', `Layer Lens engine: ${p.method} is sent again to a new engine (the last one ended before reading it).`);
    this.attempt(p.method as 'memory', p.params as ParamsOf<'memory'>, p.options as RequestOptions<'memory'>, true).then(p.resolve, p.reject);
    return true;
  }

  private cancel(id: number, child: ChildProcess): void {
    if (!this.pending.has(id)) return;
    if (child.connected) child.send({ type: 'cancel', id } satisfies HostToEngine, () => undefined);
    // A TF.js call blocks the engine's event loop; if it does not answer the cancel in time, kill it.
    const timer = setTimeout(() => {
      const p = this.pending.get(id);
      if (!p || this.child !== child) return;
      this.pending.delete(id);
      p.reject(new LayerLensError('cancelled', 'The request was cancelled.'));
      child.kill('SIGKILL');
    }, this.options.killAfterCancelMs ?? 3000);
    timer.unref?.();
  }

  private receive(msg: EngineToHost): void {
    switch (msg.type) {
      case 'ready':
        return;
      case 'accepted': {
        const p = this.pending.get(msg.id);
        if (p) p.accepted = true;
        return;
      }
      case 'log':
        this.options.log(msg.level, msg.message);
        return;
      case 'progress':
        this.pending.get(msg.id)?.options.onProgress?.(msg.progress as never);
        return;
      case 'response': {
        const p = this.pending.get(msg.id);
        this.pending.delete(msg.id);
        p?.resolve(msg.result);
        return;
      }
      case 'error': {
        const p = this.pending.get(msg.id);
        this.pending.delete(msg.id);
        p?.reject(new LayerLensError(msg.error.code, msg.error.message));
        return;
      }
    }
  }
}
