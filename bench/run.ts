// `npm run bench`: prints numbers, asserts nothing. Each section runs on each backend in turn, set up as the
// engine sets it up (its default wasm threads, the native kernels when built).
// Usage: npm run bench [-- --backend wasm|cpu] [-- --only forward,actmax,topk]
//        LAYER_LENS_NATIVE_KERNELS=0 times TF.js's own kernels instead.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { startNodeBackend } from '../src/core/node/startNodeBackend';
import { benchActmax } from './benchActmax';
import { benchFixturesDir } from './benchFixtures';
import { benchForward } from './benchForward';
import { benchTopk } from './benchTopk';

const sections: Record<string, (backend: string, fixtures: string, sample: string | undefined) => Promise<void>> = {
  forward: benchForward,
  actmax: benchActmax,
  topk: benchTopk,
};

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { backend: { type: 'string', multiple: true }, only: { type: 'string' } } });
  const root = join(__dirname, '..');
  const fixtures = benchFixturesDir(root);
  const sample = join(root, 'models/mnist-cnn/model.json');
  const backends = values.backend ?? ['wasm', 'cpu'];
  const only = values.only?.split(',');
  process.stdout.write(`Layer Lens bench — ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}\n`);
  for (const backend of backends) {
    const status = await startNodeBackend(backend as 'wasm' | 'cpu');
    process.stdout.write(`\n== backend ${status.detail}${status.kernels && !status.detail.includes(status.kernels) ? ` [${status.kernels}]` : ''}\n`);
    for (const [name, run] of Object.entries(sections)) {
      if (only && !only.includes(name)) continue;
      await run(backend, fixtures, existsSync(sample) ? sample : undefined);
    }
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`bench: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
