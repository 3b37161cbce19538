// Node-only adapter: a BatchSource that decodes and preprocesses on a worker thread while this thread runs the
// model. Files are still read here (through each TopkFile's own `read`, so errors and injected readers behave as
// in-thread); their bytes go to the worker, which answers with the batch's input buffer. Requests run two batches
// ahead: the reads for batch i + 2 complete while batch i's results are handled, so the worker decodes batch
// i + 1 during batch i's forward pass.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { BatchSource, BatchSourceFactory } from '../topk/batchSource';
import type { BatchReply, BatchRequest } from './batchWorkerMain';
import { readBatch, type PreparedBatch } from '../topk/topkBatch';

const BUNDLED_WORKER = 'topkWorker.js';
const AHEAD = 2;

/**
 * The worker-backed source, or undefined where no worker script can be found (the caller then keeps the in-thread
 * default). Bundles look for dist/topkWorker.js beside themselves; from source the worker runs batchWorkerMain.ts
 * through tsx.
 */
export function workerBatches(dir: string | undefined = typeof __dirname === 'string' ? __dirname : undefined): BatchSourceFactory | undefined {
  const start = workerStarter(dir);
  if (!start) return undefined;
  // One worker for every run of this factory, started on first use (startup costs ~0.1–0.5 s) and replaced when
  // it dies. It holds the process open only while a batch is in it: an idle worker must not keep Node alive, and
  // a busy one must (else the process could exit while awaiting its reply).
  let worker: Worker | undefined;
  let nextId = 0;
  const pending = new Map<number, { resolve: (b: PreparedBatch) => void; reject: (e: Error) => void }>();
  const live = (): Worker => {
    if (worker) return worker;
    const w = start();
    const fail = (e: Error): void => {
      if (worker === w) worker = undefined;
      for (const p of pending.values()) p.reject(e);
      pending.clear();
    };
    w.on('message', (reply: BatchReply) => {
      const p = pending.get(reply.id);
      pending.delete(reply.id);
      if (pending.size === 0) w.unref();
      if (!p) return;
      if ('error' in reply) p.reject(new Error(reply.error));
      else p.resolve(reply.batch);
    });
    w.on('error', fail);
    w.on('exit', (code) => fail(new Error(`The top-k decode worker stopped (exit code ${code}).`)));
    // After the listeners: adding a 'message' listener refs the worker's port again.
    w.unref();
    return (worker = w);
  };
  return (files, spec, batchSize) => {
    const batches = Math.ceil(files.length / batchSize);
    const replies = new Map<number, Promise<PreparedBatch>>();
    const mine = new Set<number>();
    let closed = false;
    const request = (index: number): void => {
      if (index >= batches || replies.has(index)) return;
      const id = nextId++;
      const reply = new Promise<PreparedBatch>((resolve, reject) => {
        readBatch(files, index * batchSize, batchSize).then((reads) => {
          if (closed) return reject(new Error('closed'));
          const w = live();
          pending.set(id, { resolve, reject });
          mine.add(id);
          w.ref();
          const transfer = reads.flatMap((r) => ('bytes' in r ? [(r.bytes = copy(r.bytes)).buffer as ArrayBuffer] : []));
          w.postMessage({ id, spec, reads } satisfies BatchRequest, transfer);
        }, reject);
      });
      reply.catch(() => undefined);
      replies.set(index, reply);
    };
    let next = 0;
    const source: BatchSource = {
      async next() {
        if (next >= batches) throw new RangeError(`No batch is left after batch ${next} of ${batches}.`);
        for (let i = next; i <= next + AHEAD; i++) request(i);
        const batch = await (replies.get(next) as Promise<PreparedBatch>);
        replies.delete(next++);
        return batch;
      },
      close() {
        // Batches still in the worker finish there and are dropped; the worker stays for the next run.
        closed = true;
        for (const id of mine) pending.delete(id);
        if (pending.size === 0) worker?.unref();
        replies.clear();
      },
    };
    return source;
  };
}

/** A Buffer from readFile may share a pooled ArrayBuffer: transfer a private copy, never the pool. */
function copy(bytes: Uint8Array): Uint8Array {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
}

function workerStarter(dir: string | undefined): (() => Worker) | undefined {
  if (dir && existsSync(join(dir, BUNDLED_WORKER))) {
    const script = join(dir, BUNDLED_WORKER);
    return () => new Worker(script);
  }
  const source = join(__dirname, 'batchWorkerMain.ts');
  if (!existsSync(source)) return undefined;
  let tsx: string;
  try {
    tsx = require.resolve('tsx/cjs');
  } catch {
    return undefined;
  }
  // Node cannot start a .ts worker by itself: register tsx inside the worker first.
  const bootstrap = `require(${JSON.stringify(tsx)}); require(${JSON.stringify(source)});`;
  return () => new Worker(bootstrap, { eval: true });
}
