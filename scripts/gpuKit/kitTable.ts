// The one table a GPU run ends with: Layer Lens on webgpu | Layer Lens on the CPU path | PyTorch (CUDA), joined
// on the rows' keys (README-interface.md), each target said MET or NOT MET, with the parity checks and what
// `auto` chose. Also the merged rows.json. Reads whatever phase files exist: a phase that timed out is a gap.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KeyedRow } from '../../bench/backendRowTypes';
import { GRADCAM_TARGET, IG_TARGET } from '../../bench/benchBackendAttribution';
import type { BenchPhase, ParityPhase, PeerFile, ProbePhase } from './kitTypes';

const ACTMAX_TARGET = 8;

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

export function writeTable(work: string, out: string, peerPath = join(work, 'peer.json')): string {
  const probe = readJson<ProbePhase>(join(work, 'probe.json'));
  const parity = readJson<ParityPhase>(join(work, 'parity.json'));
  const gpu = readJson<BenchPhase>(join(work, 'bench-webgpu.json'));
  const cpu = readJson<BenchPhase>(join(work, 'bench-cpu.json'));
  const peer = readJson<PeerFile>(peerPath);
  const machine = existsSync(join(work, 'machine.txt')) ? readFileSync(join(work, 'machine.txt'), 'utf8').trim() : '';
  const lines: string[] = ['# Layer Lens GPU check', ''];
  if (machine) lines.push(...machine.split('\n').map((l) => `    ${l}`), '');

  lines.push('## Adapter and backend choice', '');
  lines.push(`- probe: ${probe ? JSON.stringify(probe.probe) : 'NOT RUN'}`);
  for (const s of probe?.selection ?? []) lines.push(`- \`${s.preference}\` → ${s.detail} (tried ${s.attempts})`);
  const auto = probe?.selection.find((s) => s.preference === 'auto');
  const probed = probe?.probe as { ok?: boolean; adapter?: { software?: boolean } } | undefined;
  const hardware = probed?.ok === true && probed.adapter?.software === false;
  lines.push(`- \`auto\` never picks a software adapter: ${verdict(auto ? auto.adapter?.software !== true : undefined)}`);
  lines.push(`- \`auto\` picks the hardware GPU: ${hardware ? verdict(auto ? auto.active === 'webgpu' && auto.adapter?.software === false : undefined) : 'n/a (Dawn found no hardware adapter)'}`, '');

  lines.push(`## Parity on ${parity?.adapter ?? 'webgpu'}${parity?.software ? ' (software)' : ''}${parity?.failure ? ` — ${parity.failure}` : ''}`, '');
  lines.push('| check | n | worst | limit | verdict | what |', '| --- | --- | --- | --- | --- | --- |');
  for (const c of parity?.checks ?? []) lines.push(`| ${c.kind} | ${c.count} | ${c.worst === null ? '—' : c.worst.toExponential(1)} | ${c.limit} | ${c.kind === 'fixtureSkipped' ? 'NOT RUN' : verdict(c.met)} | ${c.note} |`);
  if (!parity) lines.push('| (parity) | — | — | — | NOT RUN | |');
  lines.push('');

  const head = (b: BenchPhase | undefined, name: string) => `${name}: ${b ? `${b.label}${b.failure ? ` (${b.failure})` : ''}` : 'NOT RUN'}`;
  const peerName = peer ? `PyTorch: ${peer.device ?? ''} ${peer.name ?? ''}, torch ${peer.torch ?? '?'}${peer.precision ? `, ${peer.precision}` : ''}`.replace(/\s+/g, ' ').trim() : 'PyTorch: NOT RUN';
  lines.push('## Speed', '', `- ${head(gpu, 'Layer Lens webgpu')}`, `- ${head(cpu, 'Layer Lens CPU')}${cpu ? ` — ${cpu.detail}` : ''}`, `- ${peerName}`, '');
  lines.push('| row | unit | Layer Lens webgpu | Layer Lens CPU | PyTorch | webgpu vs CPU | webgpu vs PyTorch |', '| --- | --- | --- | --- | --- | --- | --- |');
  for (const { key, what } of ROWS) {
    const unit = [gpu, cpu, peer].map((s) => s?.rows.find((r) => r.key === key)?.unit).find((u) => u) ?? '';
    const [g, c, p] = [gpu, cpu, peer].map((s) => value(s?.rows, key));
    lines.push(`| ${what} | ${unit} | ${fmt(g)} | ${fmt(c)} | ${fmt(p)} | ${faster(g, c, unit)} | ${faster(g, p, unit)} |`);
  }
  lines.push('');

  lines.push('## Targets (webgpu)', '', '| target | webgpu | CPU | PyTorch | verdict |', '| --- | --- | --- | --- | --- |');
  const ratio = (rows: KeyedRow[] | undefined, a: string, b: string): number | undefined => {
    const [x, y] = [value(rows, a), value(rows, b)];
    return x !== undefined && y !== undefined && y > 0 ? x / y : undefined;
  };
  const targets: { what: string; a: string; b: string; limit: number }[] = [
    { what: `Grad-CAM at inception4e ≤ ${GRADCAM_TARGET}× forward + backward`, a: 'gradcam.inception4e', b: 'forwardBackward', limit: GRADCAM_TARGET },
    { what: `Integrated Gradients 32 steps (batches of 8) ≤ ${IG_TARGET}× 1 step`, a: 'ig.32', b: 'ig.1', limit: IG_TARGET },
    { what: `Integrated Gradients 32 steps (one batch) ≤ ${IG_TARGET}× 1 step`, a: 'ig.32.batch32', b: 'ig.1', limit: IG_TARGET },
    { what: `actmax N units at once ≤ ${ACTMAX_TARGET}× 1 unit`, a: 'actmax.N', b: 'actmax.1', limit: ACTMAX_TARGET },
  ];
  for (const t of targets) {
    const [g, c, p] = [gpu, cpu, peer].map((s) => ratio(s?.rows, t.a, t.b));
    const x = (v: number | undefined) => (v === undefined ? '—' : `${v.toFixed(2)}×`);
    lines.push(`| ${t.what} | ${x(g)} | ${x(c)} | ${x(p)} | ${verdict(g === undefined ? undefined : g <= t.limit)} |`);
  }
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
  const text = `${lines.join('\n')}\n`;
  writeFileSync(join(out, 'table.md'), text);
  writeFileSync(join(out, 'rows.json'), `${JSON.stringify({ probe, parity, webgpu: gpu, cpu, peer }, null, 2)}\n`);
  return text;
}
