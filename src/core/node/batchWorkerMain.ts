// Node-only: the body of the top-k decode worker (nodeBatchWorker.ts starts it). It receives a batch's file bytes,
// decodes and preprocesses them with the very functions the in-thread path uses (prepareBatch), and sends the
// input buffer back transferred, not copied. Bundled as dist/topkWorker.js; from source it runs through tsx.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parentPort } from 'node:worker_threads';
import { useWebpWasmFromDisk, WEBP_WASM_FILE } from './nodeWebpWasm';
import type { InputSpec } from '../../shared/model';
import { prepareBatch, type PreparedBatch, type ReadResult } from '../topk/topkBatch';

export interface BatchRequest {
  id: number;
  spec: InputSpec;
  reads: ReadResult[];
}

export type BatchReply = { id: number; batch: PreparedBatch } | { id: number; error: string };

if (parentPort) {
  const port = parentPort;
  useWebpWasmFromDisk(typeof __dirname === 'string' && existsSync(join(__dirname, WEBP_WASM_FILE)) ? __dirname : undefined);
  port.on('message', (req: BatchRequest) => {
    prepareBatch(req.reads, req.spec).then(
      (batch) => {
        // A subarray (skipped files) would transfer its whole buffer: send a compact copy then.
        const values = batch.values.byteLength === batch.values.buffer.byteLength ? batch.values : batch.values.slice();
        port.postMessage({ id: req.id, batch: { ...batch, values } } satisfies BatchReply, [values.buffer as ArrayBuffer]);
      },
      (e: unknown) => port.postMessage({ id: req.id, error: e instanceof Error ? e.message : String(e) } satisfies BatchReply),
    );
  });
}
