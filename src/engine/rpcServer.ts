// The engine's side of the RPC: one handler per method, an AbortController per request, progress relayed.
// Every request is acknowledged (`accepted`) as soon as it is read, and its params are validated before anything
// else (validateParams.ts). A request may then have a `prepare` step that runs concurrently with the queue (the
// model-load check, which runs on a worker thread); after it, the scheduler runs it in its lane (scheduler.ts):
// short requests one at a time, pre-empting a long top-k or actmax job at its next yield point. A cancel aborts
// the running handler's signal, or drops a request before it starts (at once, even behind a long job).
import { setYieldGate } from '../core/abort';
import { LayerLensError, toErrorPayload } from '../shared/errors';
import type { EngineMethod, EngineToHost, ParamsOf, ProgressOf, ResultOf } from '../shared/protocol/engineProtocol';
import { failureContext } from './failureContext';
import { Scheduler } from './scheduler';
import { validateParams } from './validateParams';

export interface HandlerContext<M extends EngineMethod> {
  signal: AbortSignal;
  progress(p: ProgressOf<M>): void;
}

export type Handler<M extends EngineMethod> = (params: ParamsOf<M>, ctx: HandlerContext<M>) => Promise<ResultOf<M>>;
export type HandlerTable = { [M in EngineMethod]: Handler<M> };

/**
 * Work a request needs done before it may join the handler queue, run concurrently with the queue; e.g. making sure
 * that the model it names loads in bounded time, so that a model that never finishes loading blocks only itself.
 */
export type PrepareStep = (method: EngineMethod, params: unknown, signal: AbortSignal) => Promise<void> | undefined;

export class RpcServer {
  private readonly controllers = new Map<number, AbortController>();

  constructor(
    private readonly handlers: HandlerTable,
    private readonly send: (msg: EngineToHost) => void,
    private readonly prepare?: PrepareStep,
    private readonly scheduler = new Scheduler(),
  ) {
    // The long loops of core yield here: a long job parks while short requests run.
    setYieldGate(() => this.scheduler.yieldPoint());
  }

  /** One message from the host; anything malformed is logged and dropped (there is no id to answer). */
  receive(msg: unknown): void {
    if (typeof msg !== 'object' || msg === null) return this.log('a message that is not an object');
    const { type, id, method, params } = msg as { type?: unknown; id?: unknown; method?: unknown; params?: unknown };
    if (typeof id !== 'number' || !Number.isSafeInteger(id)) return this.log(`a ${String(type).slice(0, 40)} message without a numeric id`);
    if (type === 'cancel') {
      this.controllers.get(id)?.abort();
      return;
    }
    if (type !== 'request') return this.log(`a message of unknown type ${String(type).slice(0, 40)}`);
    this.send({ type: 'accepted', id });
    if (this.controllers.has(id)) return this.fail(id, String(method), new LayerLensError('badArgument', `Request ${id} is already running.`));
    try {
      validateParams(method, params);
    } catch (err) {
      return this.fail(id, String(method), err);
    }
    const controller = new AbortController();
    this.controllers.set(id, controller);
    const enqueue = () => {
      this.scheduler.run(method, controller.signal, () => this.run(id, method, params, controller)).catch((err: unknown) => {
        // Dropped while it waited for its lane: it never reached run(), which answers and forgets every other.
        this.controllers.delete(id);
        this.fail(id, method, err, params);
      });
    };
    const failed = (err: unknown) => {
      this.controllers.delete(id);
      this.fail(id, method, err, params);
    };
    let prepared: Promise<void> | undefined;
    try {
      prepared = this.prepare?.(method, params, controller.signal);
    } catch (err) {
      return failed(err);
    }
    if (!prepared) return enqueue();
    prepared.then(enqueue, failed);
  }

  private async run(id: number, method: EngineMethod, params: unknown, controller: AbortController): Promise<void> {
    try {
      if (controller.signal.aborted) throw new LayerLensError('cancelled', 'The request was cancelled.');
      // validateParams let only own properties of its table through; the handler table has the same keys.
      const handler = (Object.prototype.hasOwnProperty.call(this.handlers, method) ? this.handlers[method] : undefined) as
        | Handler<EngineMethod>
        | undefined;
      if (!handler) throw new LayerLensError('badArgument', `The engine has no method named ${method}.`);
      const ctx: HandlerContext<EngineMethod> = {
        signal: controller.signal,
        progress: (progress) => this.send({ type: 'progress', id, progress }),
      };
      const result = await handler(params as ParamsOf<EngineMethod>, ctx);
      this.send({ type: 'response', id, result });
    } catch (err) {
      this.fail(id, method, err, params);
    } finally {
      this.controllers.delete(id);
    }
  }

  private fail(id: number, method: string, err: unknown, params?: unknown): void {
    // An error that is not ours reaches the user as a sentence naming the work and the file; its raw text is logged.
    const error = toErrorPayload(err, failureContext(method, params));
    if (error.code === 'internal') this.send({ type: 'log', level: 'error', message: `${method}: ${err instanceof Error ? err.stack : error.message}` });
    this.send({ type: 'error', id, error });
  }

  private log(what: string): void {
    this.send({ type: 'log', level: 'warn', message: `The engine ignored ${what}.` });
  }
}
