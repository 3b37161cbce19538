// Where one Lucid step's time goes: tf.profile of two actmax steps on GoogLeNet (the bench fixtures) at N units, kernel
// time summed by op, then by op and input shapes. Nested kernels count twice (a custom gradient's scope, "unnamed
// scope", holds the kernels it runs), so the sum exceeds the wall time. Prints numbers, asserts nothing.
// Usage: npx tsx bench/profileStep.ts [units=32] [layer=inception4a]
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { renderActmax } from '../src/core/actmax';
import { loadModel } from '../src/core/node/loadModelFile';
import { startNodeBackend } from '../src/core/node/startNodeBackend';
import { IMAGENET } from './benchAtlas';
import { benchFixturesDir } from './benchFixtures';

interface Sum { ms: number; calls: number }

function add(sums: Map<string, Sum>, key: string, ms: number): void {
  const sum = sums.get(key) ?? { ms: 0, calls: 0 };
  sum.ms += ms;
  sum.calls++;
  sums.set(key, sum);
}

function largest(sums: Map<string, Sum>, count: number): [string, Sum][] {
  return [...sums.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, count);
}

async function main(): Promise<void> {
  const units = Array.from({ length: Number(process.argv[2] ?? 32) }, (_, i) => i);
  const layerId = process.argv[3] ?? 'inception4a';
  const status = await startNodeBackend('wasm');
  const model = await loadModel(join(benchFixturesDir(join(__dirname, '..')), 'googlenet.onnx'));
  const request = { layerId, units, preset: 'lucid' as const, inputSpec: IMAGENET };
  await renderActmax(model, { ...request, overrides: { steps: 1 } });
  const t0 = Date.now();
  const info = await tf.profile(async () => {
    await renderActmax(model, { ...request, overrides: { steps: 2 } });
  });
  const wall = Date.now() - t0;
  const byOp = new Map<string, Sum>();
  const byShape = new Map<string, Sum>();
  for (const kernel of info.kernels) {
    const ms = typeof kernel.kernelTimeMs === 'number' ? kernel.kernelTimeMs : 0;
    add(byOp, kernel.name, ms);
    add(byShape, `${kernel.name} ${kernel.inputShapes.map((s) => JSON.stringify(s)).join(' ')}`, ms);
  }
  const total = [...byOp.values()].reduce((s, r) => s + r.ms, 0);
  process.stdout.write(`${status.detail}\n${model.info.name} → ${layerId}, ${units.length} units: wall ${wall} ms for 2 steps (profiled), kernel sum ${total.toFixed(0)} ms\n\nby op:\n`);
  for (const [name, s] of largest(byOp, 30)) process.stdout.write(`${name.padEnd(28)} ${s.ms.toFixed(1).padStart(9)} ms ${String(s.calls).padStart(5)} calls ${((100 * s.ms) / total).toFixed(1).padStart(5)} %\n`);
  process.stdout.write('\nby op and input shapes:\n');
  for (const [key, s] of largest(byShape, 40)) process.stdout.write(`${s.ms.toFixed(1).padStart(9)} ms ${String(s.calls).padStart(4)} × ${key.slice(0, 140)}\n`);
  model.dispose();
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
