// The side column's fixed parts: the input as the model saw it and the top predictions of a classifier.
import type { FeatureMapsOpenResult } from '../../../src/shared/featureMapsProtocol';

export function renderInput(root: HTMLElement, summary: FeatureMapsOpenResult): void {
  const { width, height, rgba } = summary.input;
  const c = document.createElement('canvas');
  c.id = 'inputCanvas';
  c.className = 'fm-input';
  c.width = width;
  c.height = height;
  c.getContext('2d')!.putImageData(new ImageData(new Uint8ClampedArray(rgba), width, height), 0, 0);
  const caption = document.createElement('p');
  caption.className = 'fm-caption';
  const original = summary.imageWidth !== width || summary.imageHeight !== height ? ` (from ${summary.imageWidth} × ${summary.imageHeight})` : '';
  const sizeNote = summary.inputSizeNote ? ` (${summary.inputSizeNote})` : '';
  caption.textContent = `${summary.imageName}: ${width} × ${height} input${original}${sizeNote}, forward pass ${summary.forwardMs.toFixed(0)} ms`;
  root.replaceChildren(c, caption);
}

/** The top predictions; a click on a row calls `onPick` with its class (the Explain section explains it). */
export function renderPredictions(root: HTMLElement, summary: FeatureMapsOpenResult, onPick?: (classIndex: number) => void): void {
  if (summary.predictions.length === 0) {
    root.hidden = true;
    root.replaceChildren();
    return;
  }
  const title = document.createElement('h3');
  title.textContent = 'Top predictions';
  const list = document.createElement('ol');
  list.id = 'predictions';
  for (const p of summary.predictions) {
    const li = document.createElement('li');
    const bar = document.createElement('span');
    bar.className = 'fm-bar';
    bar.style.width = `${Math.max(1, Math.round(p.probability * 100))}%`;
    const label = document.createElement('span');
    label.className = 'fm-label';
    label.textContent = `${p.label} — ${(p.probability * 100).toFixed(1)}%`;
    label.title = `class ${p.classIndex}, score ${p.score.toFixed(4)}`;
    li.append(label, bar);
    if (onPick) {
      // A row explains its class: by click, and by Enter or Space once Tab reaches it (it was mouse-only).
      li.tabIndex = 0;
      li.setAttribute('role', 'button');
      li.setAttribute('aria-label', `Explain ${p.label} (${(p.probability * 100).toFixed(1)}%)`);
      li.addEventListener('click', () => onPick(p.classIndex));
      li.addEventListener('keydown', (e) => {
        if (e.key !== 'Enter' && e.key !== ' ') return;
        e.preventDefault();
        onPick(p.classIndex);
      });
    }
    list.append(li);
  }
  root.replaceChildren(title, list);
  root.hidden = false;
}
