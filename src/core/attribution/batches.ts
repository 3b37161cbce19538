// The loop shared by the many-pass methods: work in batches, and between batches check for cancel, report
// progress and yield (where the engine's scheduler may park the job while a short request runs).
import { throwIfAborted, yieldToEventLoop } from '../abort';
import type { LongCallOptions } from '../model/loadedModel';

export async function inBatches(
  total: number,
  batchSize: number,
  call: LongCallOptions | undefined,
  what: string,
  run: (start: number, count: number) => void | Promise<void>,
): Promise<void> {
  const size = Math.max(1, Math.floor(batchSize));
  call?.onProgress?.({ done: 0, total, message: what });
  for (let start = 0; start < total; start += size) {
    throwIfAborted(call?.signal, what);
    await run(start, Math.min(size, total - start));
    call?.onProgress?.({ done: Math.min(total, start + size), total, message: what });
    if (start + size < total) await yieldToEventLoop();
  }
  throwIfAborted(call?.signal, what);
}
