// The host's side of the engine RPC: starts the child process lazily, restarts it after a crash on the next
// request, turns cancellation into a cancel message and, if the engine stays silent long after it, into a kill.
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

/** A cancel the engine had not answered yet when its caller was told (the engine's own answer is the plain one). */
export const ENGINE_STILL_BUSY = 'The request was cancelled (the engine was still finishing its current step).';

export interface EngineClientOptions {
  enginePath: string;
  /** The Node binary to start the engine with, asked at every start; undefined: the extension host's own. */
  execPath?: () => string | undefined;
  /** Called after every (re)start, before the first request is sent: the host replays `init` here. */
  onStart: (client: EngineClient) => Promise<void>;
  log: (level: 'info' | 'warn' | 'error', message: string) => void;
  /** How long a cancelled request may go unanswered before its caller is told it was cancelled anyway. */
  answerCancelWithinMs?: number;
  /** How long the engine may say nothing at all after a cancel before it is taken for hung and killed. */
  hungAfterCancelMs?: number;
  /** Called when an engine process ends, with its exit code or the signal that ended it. */
  onExit?: (code: number | null, signal: NodeJS.Signals | null) => void;
}

export class EngineClient {
  private child: ChildProcess | undefined;
  private starting: Promise<void> | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  /** When each engine process last sent anything: a message means its event loop turned. */
  private readonly heardAt = new WeakMap<ChildProcess, number>();
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
    child.on('message', (msg: EngineToHost) => {
      this.heardAt.set(child, Date.now());
      this.receive(msg);
    });
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
    const cancelledAt = Date.now();
    if (child.connected) child.send({ type: 'cancel', id } satisfies HostToEngine, () => undefined);
    // A TF.js call blocks the engine's event loop, so the engine reads the cancel only when the op running ends.
    // The caller is not kept waiting for that: it hears "cancelled" within a few seconds whatever the engine does.
    const answer = setTimeout(() => {
      const p = this.pending.get(id);
      if (!p || p.child !== child) return;
      this.pending.delete(id);
      p.reject(new LayerLensError('cancelled', ENGINE_STILL_BUSY));
    }, this.options.answerCancelWithinMs ?? 3000);
    answer.unref?.();
    // Other panels' work runs in the same engine, and one step of a big model at 32 units blocks it for far longer
    // than that (InceptionV3 → Mixed_6a at 299 px: ~50 s a step on 2 loaded cores): the engine is killed only when
    // it has sent nothing at all for two minutes since the cancel — any message means its loop turned, and a
    // turned loop has read the cancel. Until then later requests wait in its queue; none is lost.
    const hungAfterMs = this.options.hungAfterCancelMs ?? 120_000;
    const hung = setTimeout(() => {
      if (this.child !== child || (this.heardAt.get(child) ?? 0) > cancelledAt) return;
      this.options.log('warn', `Layer Lens engine: nothing heard for ${Math.round(hungAfterMs / 1000)} s after a cancel; it is restarted.`);
      this.restart();
    }, hungAfterMs);
    hung.unref?.();
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
