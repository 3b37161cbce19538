// The Build Atlas notification's line and bar from the engine's progress: "12 / 48 units · ETA 30 s". The ETA comes
// from the per-step share the engine sends during actmax (units finish a whole batch at a time, too coarse a clock),
// measured from the first share seen, so model loading and the top-k pass do not skew it. No vscode here: unit-tested
// in Node.
import type { AtlasRunProgress } from '../../shared/atlasProtocol';

export interface AtlasProgressLine {
  /** How much of the whole atlas is on disk (0..1), counting the running batch's steps; undefined: unknown yet. */
  fraction: number | undefined;
  message: string;
}

export class AtlasProgressText {
  /** Units on disk before this run: they take no time, so the ETA and bar count only the rest. */
  private base: number | undefined;
  private first: { at: number; share: number } | undefined;

  constructor(private readonly now: () => number = Date.now) {}

  update(p: AtlasRunProgress): AtlasProgressLine {
    this.base ??= p.done;
    const units = `${p.done} / ${p.total} units`;
    // A share means actmax runs (its phase may still name the finished dataset pass).
    if (p.share === undefined) {
      const fraction = p.total > 0 ? p.done / p.total : undefined;
      if (p.phase.startsWith('top-k: ')) return { fraction, message: `${units} · dataset ${p.phase.slice('top-k: '.length)}` };
      if (p.phase.startsWith('site: ')) return { fraction, message: `${units} · writing the site: ${p.phase.slice('site: '.length)}` };
      if (p.phase.startsWith('listing: ')) return { fraction, message: `${units} · listing the dataset: ${Number(p.phase.slice('listing: '.length).split(' ')[0]).toLocaleString('en-US')} images so far` };
      if (p.phase === 'starting') return { fraction, message: `${units} · starting${p.batch ? `, ${p.batch} units at a time` : ''}` };
      return { fraction, message: units };
    }
    const left = p.total - this.base;
    const fraction = p.total > 0 ? (this.base + p.share * left) / p.total : undefined;
    const t = this.now();
    if (!this.first) this.first = { at: t, share: p.share };
    const gained = p.share - this.first.share;
    if (gained <= 0 || t <= this.first.at) return { fraction, message: units };
    const etaMs = ((t - this.first.at) * (1 - p.share)) / gained;
    return { fraction, message: `${units} · ETA ${formatEta(etaMs / 1000)}` };
  }
}

/** "30 s", "4 min 10 s", "2 h 5 min": as precise as a user needs to decide whether to wait. */
export function formatEta(seconds: number): string {
  const s = Math.max(1, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}
