// The thin progress bars of the live view and the atlas, as a screen reader sees them: a named progressbar whose
// value is the percentage its width shows.

export function nameProgressBar(bar: HTMLElement, name: string): void {
  bar.setAttribute('role', 'progressbar');
  bar.setAttribute('aria-label', name);
  bar.setAttribute('aria-valuemin', '0');
  bar.setAttribute('aria-valuemax', '100');
}

/** `fraction` from 0 to 1: the bar's width and its value. */
export function setProgress(bar: HTMLElement, fraction: number): void {
  const percent = Math.round(100 * Math.min(1, Math.max(0, fraction)));
  bar.style.width = `${percent}%`;
  bar.setAttribute('aria-valuenow', String(percent));
}
