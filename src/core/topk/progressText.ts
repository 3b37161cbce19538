// The words of a top-k run's progress as the Top Images panel and its notification show them: a count while the
// folder is listed, then "ranking 300 / 2,000 · ETA 12 s". Pure: unit-tested in Node.

export function countText(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

export function listingLine(files: number): string {
  return `listing… ${countText(files)} files`;
}

/** Seconds left as "12 s" or "3 min 05 s"; empty when nothing can be said yet. */
export function etaText(done: number, total: number, elapsedMs: number): string {
  if (done <= 0 || done >= total || !(elapsedMs > 0)) return '';
  const left = Math.ceil(((total - done) * elapsedMs) / done / 1000);
  if (left < 60) return `${left} s`;
  return `${Math.floor(left / 60)} min ${String(left % 60).padStart(2, '0')} s`;
}

export function rankingLine(done: number, total: number, elapsedMs: number): string {
  const eta = etaText(done, total, elapsedMs);
  return `ranking ${countText(done)} / ${countText(total)}${eta ? ` · ETA ${eta}` : ''}`;
}
