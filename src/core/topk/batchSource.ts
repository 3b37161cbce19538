// Where findTopImages gets its prepared batches from. The default works in this thread: the files of the next
// batch are read while the current one is decoded and run, so disk waits overlap compute. A Node adapter may plug
// in a source that decodes on another thread (src/core/node/nodeBatchWorker.ts); every source delivers the same batches in
// the same order, with the same skip reasons.
import type { InputSpec } from '../../shared/model';
import { prepareBatch, readBatch, type PreparedBatch } from './topkBatch';

export interface BatchSource {
  /** The next batch, in file order; called once per batch of `batchSize` files (the last may be shorter). */
  next(): Promise<PreparedBatch>;
  /** Stops any work ahead (a cancelled or failed run); safe to call more than once. */
  close(): void;
}

export type BatchSourceFactory = (files: readonly { path: string; read(): Promise<Uint8Array> }[], spec: InputSpec, batchSize: number) => BatchSource;

export const inThreadBatches: BatchSourceFactory = (files, spec, batchSize) => {
  let start = 0;
  let reading = files.length > 0 ? readBatch(files, 0, batchSize) : undefined;
  return {
    async next() {
      if (!reading) throw new RangeError(`No batch is left after file ${start} of ${files.length}.`);
      const reads = await reading;
      start += batchSize;
      reading = start < files.length ? readBatch(files, start, batchSize) : undefined;
      return prepareBatch(reads, spec);
    },
    close() {
      // Reads already started finish on their own; their results are dropped.
      reading?.catch(() => undefined);
      reading = undefined;
    },
  };
};
