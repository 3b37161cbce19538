// Event-loop health of the extension host while the engine works: forks the built engine (dist/engine.js)
// through the host's own EngineClient, runs an actmax on the MNIST sample model, and samples how late a 5 ms
// interval timer fires in this process (the host's side: IPC decoding of progress frames lands here).
// Run alone: npx tsx bench/peer/eventLoopStall.ts [steps]
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { EngineClient } from '../../src/host/engine/engineClient';

export interface StallResult {
  maxLateMs: number;
  p99LateMs: number;
  samples: number;
  steps: number;
  runMs: number;
}

const TICK_MS = 5;

export async function measureStall(enginePath: string, modelPath: string, steps: number, backend: 'wasm' | 'cpu' = 'wasm'): Promise<StallResult> {
  const client = new EngineClient({
    enginePath,
    onStart: async (c) => void (await c.request('init', { backend })),
    log: () => undefined,
  });
  try {
    await client.request('loadModel', { path: modelPath });
    const late: number[] = [];
    let expected = performance.now() + TICK_MS;
    const timer = setInterval(() => {
      const now = performance.now();
      late.push(Math.max(0, now - expected));
      expected = now + TICK_MS;
    }, TICK_MS);
    const t0 = performance.now();
    try {
      await client.request('actmax', { modelPath, request: { layerId: 'conv2', units: [0], overrides: { steps } } }, { onProgress: () => undefined });
    } finally {
      clearInterval(timer);
    }
    const runMs = performance.now() - t0;
    const sorted = [...late].sort((a, b) => a - b);
    return { maxLateMs: sorted[sorted.length - 1] ?? 0, p99LateMs: sorted[Math.floor(sorted.length * 0.99)] ?? 0, samples: late.length, steps, runMs };
  } finally {
    client.dispose();
  }
}

if (require.main === module) {
  const root = join(__dirname, '../..');
  const steps = Number(process.argv[2] ?? 512);
  measureStall(join(root, 'dist/engine.js'), join(root, 'models/mnist-cnn/model.json'), steps)
    .then((r) => process.stdout.write(`${JSON.stringify(r)}\n`))
    .catch((e: unknown) => {
      process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
      process.exit(1);
    });
}
