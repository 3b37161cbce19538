// The engine's side of the RPC: one handler per method, an AbortController per request, progress relayed.
// Handlers run one at a time in arrival order (TF.js is single-threaded here anyway); a cancel aborts the
// running handler's signal, or drops a queued request before it starts.
import { LayerLensError, toErrorPayload } from '../shared/errors';
import type { EngineMethod, EngineToHost, HostToEngine, ParamsOf, ProgressOf, ResultOf } from '../shared/protocol/engineProtocol';

export interface HandlerContext<M extends EngineMethod> {
  signal: AbortSignal;
  progress(p: ProgressOf<M>): void;
}

export type Handler<M extends EngineMethod> = (params: ParamsOf<M>, ctx: HandlerContext<M>) => Promise<ResultOf<M>>;
export type HandlerTable = { [M in EngineMethod]: Handler<M> };

export class RpcServer {
  private readonly controllers = new Map<number, AbortController>();
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly handlers: HandlerTable,
    private readonly send: (msg: EngineToHost) => void,
  ) {}

  receive(msg: HostToEngine): void {
    if (msg.type === 'cancel') {
      this.controllers.get(msg.id)?.abort();
      return;
    }
    const controller = new AbortController();
    this.controllers.set(msg.id, controller);
    this.queue = this.queue.then(() => this.run(msg.id, msg.method, msg.params, controller));
  }

  private async run(id: number, method: EngineMethod, params: unknown, controller: AbortController): Promise<void> {
    try {
      if (controller.signal.aborted) throw new LayerLensError('cancelled', 'The request was cancelled.');
      const handler = this.handlers[method] as unknown as Handler<EngineMethod> | undefined;
      if (!handler) throw new LayerLensError('badArgument', `The engine has no method named ${method}.`);
      const ctx: HandlerContext<EngineMethod> = {
        signal: controller.signal,
        progress: (progress) => this.send({ type: 'progress', id, progress }),
      };
      const result = await handler(params as ParamsOf<EngineMethod>, ctx);
      this.send({ type: 'response', id, result });
    } catch (err) {
      const error = toErrorPayload(err);
      if (error.code === 'internal') this.send({ type: 'log', level: 'error', message: `${method}: ${err instanceof Error ? err.stack : error.message}` });
      this.send({ type: 'error', id, error });
    } finally {
      this.controllers.delete(id);
    }
  }
}
