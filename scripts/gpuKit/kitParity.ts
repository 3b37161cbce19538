// The parity phase: test/unit/webgpu/parityChild.ts (the checks behind webgpuParity.test.ts) run in a child of
// this bundle, its RESULT lines judged by the limits that suite asserts: every fixture module and output vs
// PyTorch ≤ 1e-4, input gradients at three depths vs cpu ≤ 1e-4 and never zeros, 8 actmax steps' objective
// within 1e-3 of cpu, the 8 attribution methods vs cpu ≤ 1e-4. Every fixture runs (a GPU has the time).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runSelf } from './kitChild';
import type { ParityCheck, ParityPhase } from './kitTypes';

interface Result {
  kind: string;
  name: string;
  err?: number;
  zero?: boolean;
  refZero?: boolean;
  software?: boolean;
  sums?: number;
  method?: string;
  ms?: number;
  tensors?: number;
  bytes?: number;
  gpuBytes?: number;
  gpuAllocated?: number;
}

/**
 * The limit per kind of check, as webgpuParity.test.ts asserts it, what it compares and how many checks the run
 * makes (fewer, e.g. a run cut short, is NOT MET; fixtures: every model in the folder's index.json).
 */
const LIMITS: Record<string, { limit: number; what: string; expected?: number }> = {
  fixture: { limit: 1e-4, what: 'every ONNX fixture, listed modules and output vs PyTorch (relative L2)' },
  gradient: { limit: 1e-4, what: 'GoogLeNet input gradient at conv1, inception3a, inception4a vs cpu, never zeros', expected: 3 },
  actmax: { limit: 1e-3, what: '8 actmax steps per parameterization, objective vs cpu (relative)', expected: 3 },
  attribution: { limit: 1e-4, what: 'the 8 attribution methods (MNIST) + Grad-CAM, saliency, IG (GoogLeNet) vs cpu, never zeros', expected: 11 },
  poolTies: { limit: 1e-6, what: 'max pooling gradient where windows tie vs cpu', expected: 1 },
  rotation: { limit: 1e-5, what: 'large-image rotation and its gradient vs cpu', expected: 1 },
  topk: { limit: 1e-5, what: 'top-k images and values vs cpu', expected: 1 },
  folding: { limit: 1e-5, what: 'constants folded by ONNX and GraphModel vs cpu', expected: 2 },
  display: { limit: 1, what: 'the displayed picture vs cpu (pixels apart)', expected: 1 },
};

export function judge(results: Result[], fixtureCount: number): ParityCheck[] {
  const checks: ParityCheck[] = [];
  for (const [kind, { limit, what, expected = fixtureCount }] of Object.entries(LIMITS)) {
    const rs = results.filter((r) => r.kind === kind);
    const errs = rs.map((r) => Math.max(r.err ?? Infinity, r.sums ?? 0));
    const worst = errs.reduce((a, b) => Math.max(a, b), 0);
    const zeros = rs.filter((r) => r.zero === true || r.refZero === true).map((r) => r.name);
    const at = rs[errs.indexOf(worst)]?.name ?? '';
    const met = rs.length >= expected && worst <= limit && zeros.length === 0;
    const ran = rs.length < expected ? `; ${rs.length} of ${expected} ran` : '';
    checks.push({ kind, count: rs.length, worst: rs.length && Number.isFinite(worst) ? worst : null, limit, met, note: `${what}${at ? `; worst at ${at}` : ''}${ran}${zeros.length ? `; all zeros: ${zeros.join(', ')}` : ''}` });
  }
  const memory = results.find((r) => r.kind === 'memory');
  if (memory) {
    const kept = [memory.tensors, memory.bytes, memory.gpuBytes, memory.gpuAllocated];
    checks.push({ kind: 'memory', count: 1, worst: Math.max(...kept.map((v) => Math.abs(v ?? Infinity))), limit: 0, met: kept.every((v) => v === 0), note: `${memory.name}: tensors, bytes, GPU bytes and GPU bytes allocated kept` });
  }
  const skipped = results.filter((r) => r.kind === 'fixtureSkipped').map((r) => r.name);
  if (skipped.length) checks.push({ kind: 'fixtureSkipped', count: skipped.length, worst: null, limit: 0, met: false, note: `not run: ${skipped.join(', ')}` });
  return checks;
}

function countFixtures(dir: string): number {
  try {
    return Object.keys((JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as { models: object }).models).length;
  } catch {
    return 1;
  }
}

/** `save` gets the phase so far after every check, so a run killed from outside still leaves its checks. */
export async function parityPhase(fixturesDir: string, limitMs: number, save: (phase: ParityPhase) => void): Promise<ParityPhase> {
  const t0 = Date.now();
  const results: Result[] = [];
  const fixtureCount = countFixtures(fixturesDir);
  const phase = (failure?: string): ParityPhase => {
    const adapter = results.find((r) => r.kind === 'adapter');
    return {
      phase: 'parity', checks: judge(results, fixtureCount), ms: Date.now() - t0,
      ...(adapter ? { adapter: adapter.name, software: adapter.software === true } : {}),
      ...(failure ? { failure } : {}),
    };
  };
  const env = { ...process.env, LAYER_LENS_FIXTURES_DIR: fixturesDir, LAYER_LENS_WEBGPU_ALL_FIXTURES: '1' };
  save(phase('no check finished (stopped before the first)'));
  const run = await runSelf(['--parity-child'], env, limitMs, (line) => {
    if (!line.startsWith('RESULT ')) return;
    let r: Result;
    try {
      r = JSON.parse(line.slice(7)) as Result;
    } catch {
      return; // a line cut by a kill
    }
    results.push(r);
    const cost = r.ms !== undefined ? ` (${r.ms} ms)` : '';
    process.stdout.write(`parity ${r.kind}: ${r.name}${r.err !== undefined ? `: ${r.err.toPrecision(2)}` : ''}${cost}\n`);
    save(phase(r.kind === 'timing' && r.name === 'total' ? undefined : 'cut short before the end of the run'));
  });
  const crash = results.find((r) => r.kind === 'crash');
  const failure = crash ? `crashed: ${crash.name}` : run.timedOut ? `stopped after ${Math.round(limitMs / 1000)} s` : run.code !== 0 ? `exit ${run.code}: ${run.stderr.trim().split('\n').slice(-3).join(' ')}` : undefined;
  const done = phase(failure);
  save(done);
  return done;
}
