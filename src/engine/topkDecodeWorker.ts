// Whether the engine decodes top-k images on a worker thread while the model runs. Only where cores are to
// spare: on 2 cores the forward pass already uses both, and the worker measured within noise (+2%,
// interleaved medians), so it stays off there. LAYER_LENS_TOPK_WORKER=1 / 0 forces it on / off (tests).
import { cpus } from 'node:os';
import { dirname } from 'node:path';
import type { BatchSourceFactory } from '../core/topk/batchSource';
import { workerBatches } from '../core/node/nodeBatchWorker';

let factory: BatchSourceFactory | undefined | null = null;

/** The worker-backed batch source (one worker per engine), or undefined for the in-thread default. */
export function topkDecodeWorker(): BatchSourceFactory | undefined {
  if (factory === null) {
    const forced = process.env.LAYER_LENS_TOPK_WORKER;
    const wanted = forced === '1' || (forced !== '0' && cpus().length > 2);
    factory = wanted ? workerBatches(dirname(__filename)) : undefined;
  }
  return factory;
}
