// The targets the GPU check decides, each said MET / NOT MET with the number measured and the target, or NOT RUN
// with why: Grad-CAM ≤ 1.5× forward + backward and IG 32 steps ≤ 8× one step (attribution), 32 actmax units ≤ 8×
// one unit (atlas), and on the GPU itself a Lucid step ≤ 10 ms for one unit and ≥ 10× the CPU path, top-k ≥ 1,000
// images/s. All on webgpu; the CPU and PyTorch columns show the same measure beside it.
import type { KeyedRow } from '../../bench/backendRowTypes';
import { GRADCAM_TARGET, IG_TARGET } from '../../bench/benchBackendAttribution';
import type { BenchPhase, PeerFile } from './kitTypes';

export const ACTMAX_TARGET = 8;
export const ACTMAX_STEP_MS = 10;
export const ACTMAX_VS_CPU = 10;
export const TOPK_IMAGES_PER_S = 1000;

type Side = { rows: KeyedRow[] } | undefined;

interface Target {
  what: string;
  /** The measure on one side (a ratio of two of its rows, or one row); undefined when a row is missing. */
  measure(side: Side, cpu: Side): number | undefined;
  /** Rows the webgpu side needs. */
  needs: string[];
  limit: number;
  /** 'max': the measure must be ≤ limit; 'min': ≥ limit. */
  bound: 'max' | 'min';
  unit: string;
}

function value(side: Side, key: string): number | undefined {
  const v = side?.rows.find((r) => r.key === key)?.value;
  return v === null || v === undefined || !Number.isFinite(v) ? undefined : v;
}

function ratio(side: Side, a: string, b: string): number | undefined {
  const [x, y] = [value(side, a), value(side, b)];
  return x !== undefined && y !== undefined && y > 0 ? x / y : undefined;
}

function speedUp(slow: number | undefined, fast: number | undefined): number | undefined {
  return slow !== undefined && fast !== undefined && fast > 0 ? slow / fast : undefined;
}

export const TARGETS: Target[] = [
  { what: 'Grad-CAM at inception4e vs forward + backward', measure: (s) => ratio(s, 'gradcam.inception4e', 'forwardBackward'), needs: ['gradcam.inception4e', 'forwardBackward'], limit: GRADCAM_TARGET, bound: 'max', unit: '×' },
  { what: 'Integrated Gradients 32 steps (batches of 8) vs 1 step', measure: (s) => ratio(s, 'ig.32', 'ig.1'), needs: ['ig.32', 'ig.1'], limit: IG_TARGET, bound: 'max', unit: '×' },
  { what: 'Integrated Gradients 32 steps (one batch) vs 1 step', measure: (s) => ratio(s, 'ig.32.batch32', 'ig.1'), needs: ['ig.32.batch32', 'ig.1'], limit: IG_TARGET, bound: 'max', unit: '×' },
  { what: 'actmax N units at once vs 1 unit (per step)', measure: (s) => ratio(s, 'actmax.N', 'actmax.1'), needs: ['actmax.N', 'actmax.1'], limit: ACTMAX_TARGET, bound: 'max', unit: '×' },
  { what: 'actmax step, 1 unit, 224 px', measure: (s) => value(s, 'actmax.1'), needs: ['actmax.1'], limit: ACTMAX_STEP_MS, bound: 'max', unit: ' ms' },
  // On the CPU column this is 1 (the CPU against itself); on PyTorch's, how much faster it is than our CPU path.
  { what: 'actmax step, 1 unit: speed-up over the CPU path', measure: (s, cpu) => speedUp(value(cpu, 'actmax.1'), value(s, 'actmax.1')), needs: ['actmax.1'], limit: ACTMAX_VS_CPU, bound: 'min', unit: '×' },
  { what: 'top-9 at inception4a over the images, decode included', measure: (s) => value(s, 'topk.imagesPerSecond'), needs: ['topk.imagesPerSecond'], limit: TOPK_IMAGES_PER_S, bound: 'min', unit: ' img/s' },
];

function shown(v: number | undefined, unit: string): string {
  if (v === undefined) return '—';
  return `${v >= 100 ? v.toFixed(0) : v.toFixed(2)}${unit}`;
}

/** Why a webgpu target has no number: the phase's own failure, else the row(s) it did not reach. */
function whyNotRun(gpu: BenchPhase | undefined, cpu: BenchPhase | undefined, t: Target): string {
  if (!gpu) return 'bench webgpu did not run';
  if (gpu.failure) return gpu.failure;
  const missing = t.needs.filter((k) => value(gpu, k) === undefined);
  if (missing.length) {
    const failed = missing.map((k) => gpu.rows.find((r) => r.key === k)?.note).find((n) => n);
    return failed ? `${missing.join(', ')}: ${failed}` : `no ${missing.join(', ')} row (its phase stopped first, or --rows left it out)`;
  }
  return cpu ? 'the CPU row is missing' : 'bench cpu did not run';
}

/** One verdict: "MET: 0.83× ≤ 1.5×", "NOT MET: 2.10× > 1.5×" or "NOT RUN: why". */
export function verdictOf(t: Target, v: number | undefined, why: () => string): string {
  if (v === undefined) return `NOT RUN: ${why()}`;
  const met = t.bound === 'max' ? v <= t.limit : v >= t.limit;
  const sign = t.bound === 'max' ? (met ? '≤' : '>') : (met ? '≥' : '<');
  return `${met ? 'MET' : 'NOT MET'}: ${shown(v, t.unit)} ${sign} ${t.limit}${t.unit}`;
}

/** The table's targets section: one row per target, webgpu's verdict with its number and the target. */
export function targetLines(gpu: BenchPhase | undefined, cpu: BenchPhase | undefined, peer: PeerFile | undefined): string[] {
  const lines = ['| target | limit | webgpu | CPU | PyTorch | verdict (webgpu) |', '| --- | --- | --- | --- | --- | --- |'];
  for (const t of TARGETS) {
    const [g, c, p] = [gpu, cpu, peer].map((s) => t.measure(s, cpu));
    const limit = `${t.bound === 'max' ? '≤' : '≥'} ${t.limit}${t.unit}`;
    const software = gpu?.software && g !== undefined ? ' (a software adapter: not a GPU number)' : '';
    lines.push(`| ${t.what} | ${limit} | ${shown(g, t.unit)} | ${shown(c, t.unit)} | ${shown(p, t.unit)} | ${verdictOf(t, g, () => whyNotRun(gpu, cpu, t))}${software} |`);
  }
  return lines;
}
