// The bench phase: one backend started as the engine starts it, then bench/benchBackendRows.ts's rows, the
// phase's JSON rewritten after every row so a run stopped at its time limit still leaves the rows it finished.
import { benchBackendRows, rowLabel, type BackendRowSizes } from '../../bench/benchBackendRows';
import { startNodeBackend } from '../../src/core/node/startNodeBackend';
import type { BackendPreference } from '../../src/shared/backend';
import { writeJsonAtomic, type BenchPhase } from './kitTypes';

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
  // What the table shows if starting the backend never ends (a driver that hangs): overwritten once it starts.
  writeJsonAtomic(o.json, { phase: 'bench', side: 'layer-lens', backend: o.backend, label: o.backend, detail: '', rows: [], failure: `${o.backend} did not finish starting (stopped at the phase's limit)` } satisfies BenchPhase);
  const status = await startNodeBackend(o.backend);
  const label = rowLabel(status);
  const out: BenchPhase = { phase: 'bench', side: 'layer-lens', backend: o.backend, label, detail: `${status.detail}${status.kernels ? ` [${status.kernels}]` : ''}`, rows: [] };
  if (status.adapter) out.software = status.adapter.software;
  const save = () => writeJsonAtomic(o.json, out);
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
