// The bench phase: one backend started as the engine starts it, then bench/benchBackendRows.ts's rows, the
// phase's JSON rewritten after every row so a run stopped at its time limit still leaves the rows it finished.
import { writeFileSync } from 'node:fs';
import { benchBackendRows, rowLabel, type BackendRowSizes } from '../../bench/benchBackendRows';
import { startNodeBackend } from '../../src/core/node/startNodeBackend';
import type { BackendPreference } from '../../src/shared/backend';
import type { BenchPhase } from './kitTypes';

export interface BenchOptions {
  backend: BackendPreference;
  fixturesDir: string;
  sizes: BackendRowSizes;
  /** Run webgpu rows on a software adapter (SwiftShader in the rehearsal); else such a run stops with a note. */
  allowSoftware: boolean;
  json: string;
  repoRoot: string;
}

export async function benchPhase(o: BenchOptions): Promise<BenchPhase> {
  const status = await startNodeBackend(o.backend);
  const label = rowLabel(status);
  const out: BenchPhase = { phase: 'bench', side: 'layer-lens', backend: o.backend, label, detail: `${status.detail}${status.kernels ? ` [${status.kernels}]` : ''}`, rows: [] };
  if (status.adapter) out.software = status.adapter.software;
  const save = () => writeFileSync(o.json, `${JSON.stringify(out, null, 2)}\n`);
  process.stdout.write(`bench: ${o.backend} → ${out.detail}\n`);
  if (status.notHonoured) out.failure = status.notHonoured;
  else if (status.adapter?.software && !o.allowSoftware) out.failure = `only a software adapter (${label}): no GPU rows (--allow-software runs them anyway)`;
  if (out.failure) {
    save();
    return out;
  }
  const atlas = o.sizes.atlas ?? (status.adapter && !status.adapter.software ? 'full' : 'estimate');
  save();
  try {
    await benchBackendRows(label, o.fixturesDir, { ...o.sizes, atlas }, o.repoRoot, (row) => {
      out.rows.push(row);
      save();
    });
  } catch (e) {
    out.failure = e instanceof Error ? e.message.split('\n')[0] : String(e);
    save();
  }
  return out;
}
