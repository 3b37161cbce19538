// `npm run bench`: prints numbers, asserts nothing. Each section runs on each backend in turn, set up as the
// engine sets it up (its default wasm threads, the native kernels when built).
// Usage: npm run bench [-- --backend wasm|cpu] [-- --only forward,actmax,topk,atlas,attribution]
//        npm run bench -- --backends cpu,wasm,webgpu --only backends [--images 2000 --units 32 --steps 8] [--json FILE]
//          (the rows compared across backends: bench/benchBackendRows.ts; webgpu on a software adapter is labelled so)
//        LAYER_LENS_NATIVE_KERNELS=0 times TF.js's own kernels instead.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { startNodeBackend } from '../src/core/node/startNodeBackend';
import type { BackendPreference } from '../src/shared/backend';
import { benchActmax } from './benchActmax';
import { benchAtlas } from './benchAtlas';
import { benchAttribution } from './benchAttribution';
import { benchBackendRows, rowLabel, type BackendRowSizes } from './benchBackendRows';
import { benchFixturesDir } from './benchFixtures';
import { benchForward } from './benchForward';
import { benchTopk } from './benchTopk';
import { printedRows } from './timing';

type Section = (backend: string, fixtures: string, sample: string | undefined) => Promise<void>;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      backend: { type: 'string', multiple: true }, backends: { type: 'string' }, only: { type: 'string' },
      images: { type: 'string' }, units: { type: 'string' }, steps: { type: 'string' }, json: { type: 'string' },
    },
  });
  const root = join(__dirname, '..');
  const fixtures = benchFixturesDir(root);
  const sample = join(root, 'models/mnist-cnn/model.json');
  const listed = [...(values.backend ?? []), ...(values.backends?.split(',').filter(Boolean) ?? [])];
  const backends = listed.length > 0 ? listed : ['wasm', 'cpu'];
  const sizes: BackendRowSizes = { images: Number(values.images ?? 2000), units: Number(values.units ?? 32), steps: Number(values.steps ?? 8) };
  const sections: Record<string, Section> = {
    forward: benchForward,
    actmax: benchActmax,
    topk: benchTopk,
    atlas: benchAtlas,
    attribution: benchAttribution,
    // The atlas row runs all 512 units × 128 steps on a hardware GPU only (an estimate elsewhere).
    backends: (label, dir) => benchBackendRows(label, dir, { ...sizes, atlas: /^webgpu \((?!.*software)/.test(label) ? 'full' : 'estimate' }, root),
  };
  // The cross-backend rows run when asked for: at 2,000 images and 32 units they take long on a CPU.
  const only = values.only?.split(',') ?? ['forward', 'actmax', 'topk', 'atlas', 'attribution'];
  process.stdout.write(`Layer Lens bench — ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}\n`);
  for (const backend of backends) {
    const status = await startNodeBackend(backend as BackendPreference);
    // A backend that could not start gets no rows: wasm's numbers must never appear under webgpu's name.
    if (status.notHonoured) {
      process.stdout.write(`\n== backend ${backend}: not run. ${status.notHonoured}\n`);
      printedRows.push({ label: `[${backend}] not run`, value: status.notHonoured });
      continue;
    }
    process.stdout.write(`\n== backend ${status.detail}${status.kernels && !status.detail.includes(status.kernels) ? ` [${status.kernels}]` : ''}\n`);
    for (const [name, run] of Object.entries(sections)) {
      if (!only.includes(name)) continue;
      // The older sections key their sizes on the plain backend name ('cpu' runs fewer steps).
      await run(name === 'backends' ? rowLabel(status) : status.active, fixtures, existsSync(sample) ? sample : undefined);
    }
  }
  if (values.json) writeFileSync(values.json, `${JSON.stringify({ cpus: cpus().length, cpu: cpus()[0]?.model, node: process.version, rows: printedRows }, null, 2)}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`bench: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
