// The GPU kit's one program (bundled with Node, Dawn and the wasm files by make.mjs; run by .gpukit/run.sh on a
// machine with no Node, no npm and no network). Each phase writes its JSON into --work; --table joins them.
//   kit.js --probe --work DIR                        adapter probe + what auto and webgpu choose
//   kit.js --parity --fixtures DIR --work DIR         the webgpu parity checks (child process)
//   kit.js --bench --backend webgpu|wasm --fixtures DIR --work DIR [--images-dir DIR] [--images N] [--units N]
//          [--steps N] [--ig-steps N] [--smoothgrad N] [--atlas full|estimate|skip] [--allow-software]
//          [--rows featureMaps,topk,actmax,attribution,atlas]
//   kit.js --table --work DIR --out DIR [--peer FILE]
// --allow-software lets webgpu rows run on a software adapter (SwiftShader in the rehearsal); `auto` never does.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BACKEND_ROW_GROUPS, type BackendRowGroup } from '../../bench/benchBackendRows';
import type { BackendPreference } from '../../src/shared/backend';
import { benchPhase } from './kitBench';
import { parityPhase } from './kitParity';
import { probePhase } from './kitProbe';
import { writeTable } from './kitTable';
import { writeJsonAtomic } from './kitTypes';

const options = {
  probe: { type: 'boolean' }, parity: { type: 'boolean' }, bench: { type: 'boolean' }, table: { type: 'boolean' },
  'selection-child': { type: 'boolean' }, 'parity-child': { type: 'boolean' },
  work: { type: 'string' }, out: { type: 'string' }, peer: { type: 'string' }, fixtures: { type: 'string' },
  backend: { type: 'string' }, 'images-dir': { type: 'string' }, images: { type: 'string' }, units: { type: 'string' },
  steps: { type: 'string' }, 'ig-steps': { type: 'string' }, smoothgrad: { type: 'string' }, atlas: { type: 'string' },
  'allow-software': { type: 'boolean' }, 'limit-s': { type: 'string' }, rows: { type: 'string' },
} as const;

function need(value: string | undefined, flag: string): string {
  if (!value) throw new Error(`kit: ${flag} is required`);
  return value;
}

function count(value: string | undefined, fallback: number, flag: string): number {
  const n = Number(value ?? fallback);
  if (!Number.isInteger(n) || n < 1) throw new Error(`kit: ${flag} must be a whole number ≥ 1, not ${value}`);
  return n;
}

/** The children are the test suite's own scripts: they read their argv (parity groups: none = all) and exit. */
async function child(): Promise<boolean> {
  const which = process.argv[2];
  if (which !== '--selection-child' && which !== '--parity-child') return false;
  process.argv.splice(2);
  if (which === '--selection-child') await import('../../test/unit/backend/selectionChild');
  else await import('../../test/unit/webgpu/parityChild');
  return true;
}

async function main(): Promise<void> {
  const { values: v } = parseArgs({ options, strict: true });
  const work = need(v.work, '--work');
  mkdirSync(work, { recursive: true });
  const limitMs = count(v['limit-s'], 120, '--limit-s') * 1000;
  // Whole files only (written beside, then renamed): a phase killed at its limit mid-write leaves the last one.
  const save = (name: string, data: unknown) => writeJsonAtomic(join(work, name), data);
  if (v.probe) save('probe.json', await probePhase(limitMs, (p) => save('probe.json', p)));
  else if (v.parity) {
    const r = await parityPhase(need(v.fixtures, '--fixtures'), limitMs, (p) => save('parity.json', p));
    for (const c of r.checks) process.stdout.write(`parity ${c.kind}: ${c.met ? 'MET' : 'NOT MET'} (worst ${c.worst}, limit ${c.limit})\n`);
  } else if (v.bench) {
    const backend = need(v.backend, '--backend') as BackendPreference;
    const atlas = v.atlas as 'full' | 'estimate' | 'skip' | undefined;
    if (atlas !== undefined && !['full', 'estimate', 'skip'].includes(atlas)) throw new Error(`kit: --atlas is full, estimate or skip, not ${atlas}`);
    const rows = v.rows?.split(',').filter((r) => r !== '') as BackendRowGroup[] | undefined;
    const unknown = rows?.filter((r) => !BACKEND_ROW_GROUPS.includes(r));
    if (unknown?.length) throw new Error(`kit: --rows takes ${BACKEND_ROW_GROUPS.join(', ')}, not ${unknown.join(', ')}`);
    await benchPhase({
      backend, fixturesDir: need(v.fixtures, '--fixtures'), allowSoftware: v['allow-software'] === true, repoRoot: process.cwd(),
      json: join(work, `bench-${backend === 'webgpu' ? 'webgpu' : 'cpu'}.json`),
      sizes: {
        images: count(v.images, 2000, '--images'), units: count(v.units, 32, '--units'), steps: count(v.steps, 8, '--steps'),
        igSteps: count(v['ig-steps'], 32, '--ig-steps'), smoothgradSamples: count(v.smoothgrad, 25, '--smoothgrad'),
        ...(v['images-dir'] ? { imagesDir: v['images-dir'] } : {}), ...(atlas ? { atlas } : {}), ...(rows ? { rows } : {}),
      },
    });
  } else if (v.table) process.stdout.write(writeTable(work, need(v.out, '--out'), v.peer));
  else throw new Error('kit: say --probe, --parity, --bench or --table');
}

const fail = (e: unknown): void => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
};
child().then((isChild) => {
  if (!isChild) main().then(() => process.exit(0), fail);
}, fail);
