// The panels' thin progress bars (Maximize Activation's live view and atlas, the Unit page) as a screen reader sees
// them: a named progressbar whose value is the percentage its width shows.

export function nameProgressBar(bar: HTMLElement, name: string): void {
  bar.setAttribute('role', 'progressbar');
  bar.setAttribute('aria-label', name);
  bar.setAttribute('aria-valuemin', '0');
  bar.setAttribute('aria-valuemax', '100');
}

/**
 * `fraction` from 0 to 1: the value of `bar` and the width of `fill` (the bar itself, or the strip inside it); undefined
 * when how far is not known (no value; the width is left to the caller's animation).
 */
export function setProgress(bar: HTMLElement, fraction: number | undefined, fill: HTMLElement = bar): void {
  if (fraction === undefined) {
    bar.removeAttribute('aria-valuenow');
    return;
  }
  const percent = Math.round(100 * Math.min(1, Math.max(0, fraction)));
  fill.style.width = `${percent}%`;
  bar.setAttribute('aria-valuenow', String(percent));
}
