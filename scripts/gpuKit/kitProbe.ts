// The probe phase: which WebGPU adapter Dawn finds (probeWebgpu, no backend registered), then what `auto` and an
// explicit `webgpu` choose when started as the engine starts them (test/unit/backend/selectionChild.ts, run in a
// child: `auto` must pick a hardware adapter and never a software one).
import { probeWebgpu } from '../../src/core/node/webgpu/webgpuBackend';
import type { BackendStatus } from '../../src/shared/backend';
import { runSelf } from './kitChild';
import type { ProbePhase } from './kitTypes';

/** `save` gets the phase so far: before the probe (a probe that hangs on the driver leaves that it did), after it. */
export async function probePhase(limitMs: number, save: (phase: ProbePhase) => void = () => {}): Promise<ProbePhase> {
  save({ phase: 'probe', probe: { ok: false, reason: 'the adapter probe did not finish (Dawn hung on the driver?)' }, selection: [] });
  const probe = await probeWebgpu();
  process.stdout.write(`probe: ${JSON.stringify(probe)}\n`);
  save({ phase: 'probe', probe, selection: [] });
  const run = await runSelf(['--selection-child'], process.env, limitMs);
  const statuses = run.stdout.split('\n').filter((l) => l.startsWith('STATUS ')).map((l) => JSON.parse(l.slice(7)) as BackendStatus);
  const selection = statuses.map((s) => ({
    preference: s.preference, active: s.active, detail: s.detail, ...(s.adapter ? { adapter: s.adapter } : {}),
    attempts: s.attempts.map((a) => (a.ok ? a.backend : `${a.backend} (skipped: ${a.reason})`)).join(', '),
  }));
  for (const s of selection) process.stdout.write(`selection: ${s.preference} → ${s.detail}; tried ${s.attempts}\n`);
  if (selection.length < 2) process.stdout.write(`selection: the child gave ${selection.length} of 2 statuses${run.timedOut ? ' (timed out)' : ''}: ${run.stderr.trim().split('\n').slice(-3).join(' ')}\n`);
  return { phase: 'probe', probe, selection };
}
