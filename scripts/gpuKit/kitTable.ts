// The one table a GPU run ends with: Layer Lens on webgpu | Layer Lens on the CPU path | PyTorch (CUDA), joined
// on the rows' keys (README-interface.md), each target said MET or NOT MET, with the parity checks and what
// `auto` chose. Also the merged rows.json. Reads whatever phase files exist: a phase that timed out is a gap.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KeyedRow } from '../../bench/backendRowTypes';
import { targetLines } from './kitTargets';
import { writeJsonAtomic, type BenchPhase, type ParityPhase, type PeerFile, type ProbePhase } from './kitTypes';

interface Compare {
  same: boolean;
  differ: number;
  summary: string;
  lines: string[];
}

const ROWS: { key: string; what: string }[] = [
  { key: 'featureMaps.all', what: 'feature maps, every module, one pass' },
  { key: 'topk.imagesPerSecond', what: 'top-9 at inception4a, decode on a worker' },
  { key: 'actmax.1', what: 'actmax Lucid step, inception4a, 1 unit' },
  { key: 'actmax.N', what: 'actmax Lucid step, inception4a, N units at once' },
  { key: 'forwardBackward', what: 'forward + backward to the input' },
  { key: 'gradcam.inception4e', what: 'Grad-CAM at inception4e' },
  { key: 'ig.1', what: 'Integrated Gradients, 1 step' },
  { key: 'ig.32', what: 'Integrated Gradients, 32 steps batched 8' },
  { key: 'ig.32.batch32', what: 'Integrated Gradients, 32 steps in one batch' },
  { key: 'smoothgrad.25', what: 'SmoothGrad, 25 samples batched 8' },
  { key: 'occlusion', what: 'occlusion, 49 windows batched 8' },
  { key: 'atlas.inception4a', what: 'atlas inception4a, 512 units × 128 steps' },
];

function readJson<T>(path: string): T | undefined {
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

function fmt(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  return v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toPrecision(3);
}

function value(rows: KeyedRow[] | undefined, key: string): number | undefined {
  const v = rows?.find((r) => r.key === key)?.value;
  return v === null || v === undefined ? undefined : v;
}

/** How many times faster `a` is than `b` (for img/s the larger is faster). */
function faster(a: number | undefined, b: number | undefined, unit: string): string {
  if (a === undefined || b === undefined || a <= 0 || b <= 0) return '—';
  const r = unit === 'img/s' ? a / b : b / a;
  return `${r >= 0.1 ? r.toFixed(2) : r.toPrecision(2)}×`;
}

function verdict(met: boolean | undefined): string {
  return met === undefined ? 'NOT RUN' : met ? 'MET' : 'NOT MET';
}

function text(path: string): string {
  return existsSync(path) ? readFileSync(path, 'utf8').trim() : '';
}

/** The GPU as each side names it (nvidia-smi, Dawn's adapter, torch): the table never assumes which card ran. */
function gpuLine(machine: string, probe: ProbePhase | undefined, peer: PeerFile | undefined): string {
  const smi = machine.split('\n').filter((l) => l.startsWith('GPU: ')).map((l) => l.slice(5)).join('; ') || 'not asked';
  const p = probe?.probe as { ok?: boolean; reason?: string; adapter?: { vendor?: string; architecture?: string; device?: string; description?: string; software?: boolean } } | undefined;
  const a = p?.adapter;
  const adapter = !p ? 'not probed' : p.ok && a ? `${[a.vendor, a.architecture].filter(Boolean).join(' ')}${a.description ? ` "${a.description}"` : a.device ? ` "${a.device}"` : ''}${a.software ? ' (software)' : ''}` : `none (${p.reason ?? '?'})`;
  const torch = peer?.device === 'cuda' && peer.name ? peer.name : peer?.failure ? 'no CUDA device' : '—';
  return `**GPU**: nvidia-smi: ${smi} · WebGPU adapter: ${adapter} · torch: ${torch}`;
}

export function writeTable(work: string, out: string, peerPath = join(work, 'peer.json')): string {
  const probe = readJson<ProbePhase>(join(work, 'probe.json'));
  const parity = readJson<ParityPhase>(join(work, 'parity.json'));
  const gpu = readJson<BenchPhase>(join(work, 'bench-webgpu.json'));
  const cpu = readJson<BenchPhase>(join(work, 'bench-cpu.json'));
  const peer = readJson<PeerFile>(peerPath);
  const machine = existsSync(join(work, 'machine.txt')) ? readFileSync(join(work, 'machine.txt'), 'utf8').trim() : '';
  const vulkan = text(join(work, 'vulkan.txt'));
  const compare = readJson<Compare>(join(work, 'compare.json'));
  const timeline = text(join(work, 'timeline.txt'));
  const lines: string[] = ['# Layer Lens GPU check', '', gpuLine(machine, probe, peer), ''];
  if (machine) lines.push(...machine.split('\n').map((l) => `    ${l}`), '');
  if (vulkan) lines.push(...vulkan.split('\n').map((l) => `    ${l}`), '');

  lines.push('## Adapter and backend choice', '');
  lines.push(`- probe: ${probe ? JSON.stringify(probe.probe) : 'NOT RUN'}`);
  for (const s of probe?.selection ?? []) lines.push(`- \`${s.preference}\` → ${s.detail} (tried ${s.attempts})`);
  const auto = probe?.selection.find((s) => s.preference === 'auto');
  const probed = probe?.probe as { ok?: boolean; adapter?: { software?: boolean } } | undefined;
  const hardware = probed?.ok === true && probed.adapter?.software === false;
  lines.push(`- \`auto\` never picks a software adapter: ${verdict(auto ? auto.adapter?.software !== true : undefined)}`);
  lines.push(`- \`auto\` picks the hardware GPU: ${hardware ? verdict(auto ? auto.active === 'webgpu' && auto.adapter?.software === false : undefined) : 'n/a (Dawn found no hardware adapter)'}`, '');

  lines.push('## Fixtures made here vs the repo\'s (compareIndex.py)', '');
  if (!compare) lines.push('NOT RUN (no fixtures made here, or a kit without reference/: log.txt says which)', '');
  else {
    lines.push(`${compare.same ? 'SAME' : `DIFFERENT (${compare.differ})`}: ${compare.summary}`, '');
    // Only what differs: a same fixture is one of many equal lines.
    const differing = compare.lines.filter((l) => !/: same /.test(l));
    if (differing.length) lines.push(...differing.map((l) => `- ${l}`), '');
  }

  lines.push(`## Parity on ${parity?.adapter ?? 'webgpu'}${parity?.software ? ' (software)' : ''}${parity?.failure ? ` — ${parity.failure}` : ''}`, '');
  lines.push('| check | n | worst | limit | verdict | what |', '| --- | --- | --- | --- | --- | --- |');
  for (const c of parity?.checks ?? []) lines.push(`| ${c.kind} | ${c.count} | ${c.worst === null ? '—' : c.worst.toExponential(1)} | ${c.limit} | ${c.kind === 'fixtureSkipped' ? 'NOT RUN' : verdict(c.met)} | ${c.note} |`);
  if (!parity) lines.push('| (parity) | — | — | — | NOT RUN | |');
  lines.push('');

  const head = (b: BenchPhase | undefined, name: string) => `${name}: ${b ? `${b.label}${b.failure ? ` (${b.failure})` : ''}` : 'NOT RUN'}`;
  const peerName = peer?.failure ? `PyTorch: NOT RUN (${peer.failure})` : peer ? `PyTorch: ${peer.device ?? ''} ${peer.name ?? ''}, torch ${peer.torch ?? '?'}${peer.precision ? `, ${peer.precision}` : ''}`.replace(/\s+/g, ' ').trim() : 'PyTorch: NOT RUN';
  lines.push('## Speed', '', `- ${head(gpu, 'Layer Lens webgpu')}`, `- ${head(cpu, 'Layer Lens CPU')}${cpu ? ` — ${cpu.detail}` : ''}`, `- ${peerName}`, '');
  lines.push('| row | unit | Layer Lens webgpu | Layer Lens CPU | PyTorch | webgpu vs CPU | webgpu vs PyTorch |', '| --- | --- | --- | --- | --- | --- | --- |');
  for (const { key, what } of ROWS) {
    const unit = [gpu, cpu, peer].map((s) => s?.rows.find((r) => r.key === key)?.unit).find((u) => u) ?? '';
    const [g, c, p] = [gpu, cpu, peer].map((s) => value(s?.rows, key));
    lines.push(`| ${what} | ${unit} | ${fmt(g)} | ${fmt(c)} | ${fmt(p)} | ${faster(g, c, unit)} | ${faster(g, p, unit)} |`);
  }
  lines.push('');

  lines.push('## Targets (webgpu)', '', ...targetLines(gpu, cpu, peer));
  const atlasNote = gpu?.rows.find((r) => r.key === 'atlas.inception4a')?.note;
  if (atlasNote) lines.push('', `Atlas (webgpu): ${atlasNote}`);
  else if (value(gpu?.rows, 'actmax.N') !== undefined) {
    // Cut short (its phase's limit): the batched step gives what 16 batches of 128 steps would take.
    const step = value(gpu?.rows, 'actmax.N')!;
    lines.push('', `Atlas (webgpu): not measured; 16 batches × 128 steps at the ${gpu?.rows.find((r) => r.key === 'actmax.N')?.note ?? ''} step (${step.toFixed(1)} ms) ≈ ${((16 * 128 * step) / 1000).toFixed(0)} s`);
  }
  const sides: [string, { rows: KeyedRow[] } | undefined][] = [['webgpu', gpu], ['cpu', cpu], ['pytorch', peer]];
  // webgpu's atlas note is shown above.
  const notes = sides.flatMap(([name, s]) => (s?.rows ?? []).filter((r) => r.note && !(name === 'webgpu' && r.key === 'atlas.inception4a')).map((r) => `${name} ${r.key}: ${r.note}`));
  if (notes.length) lines.push('', '<details><summary>sizes per row</summary>', '', ...notes.map((n) => `- ${n}`), '', '</details>');
  if (timeline) lines.push('', '## Phases (seconds, how each ended)', '', '```', timeline, '```');
  const table = `${lines.join('\n')}\n`;
  // Rewritten after every phase: whole files only, so a run killed meanwhile leaves the last complete table.
  writeFileSync(join(out, 'table.md.tmp'), table);
  renameSync(join(out, 'table.md.tmp'), join(out, 'table.md'));
  writeJsonAtomic(join(out, 'rows.json'), { probe, parity, webgpu: gpu, cpu, peer, compare });
  return table;
}
