// The Unit panel's page, section by section as the atlas's unit page has them: feature visualizations (one per
// seed) with the quality badge, the diversity batch, dataset examples, statistics, kernel, strongest inputs.
// Strongest inputs are links: a click opens that unit in this panel.
import { unitBadge, type UnitPageView } from '../../../src/shared/unitProtocol';
import { pictureCanvas, stitch, type DecodedPictures } from './pictures';

export interface DrawnPage {
  /** Every picture of the page, in reading order, as drawn. */
  rows: HTMLCanvasElement[][];
  /** The strongest inputs' links, in the order listed. */
  inputLinks: HTMLAnchorElement[];
  /** Facts the tests read beside the pixels. */
  meta: Record<string, number | string>;
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, className?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (className) e.className = className;
  return e;
}

function figure(canvas: HTMLCanvasElement, caption: (string | HTMLElement)[]): HTMLElement {
  const f = el('figure');
  const c = el('figcaption');
  c.append(...caption);
  f.append(canvas, c);
  return f;
}

function table(rows: [string, string][]): HTMLTableElement {
  const t = el('table', undefined, 'unit-table');
  for (const [k, v] of rows) {
    const tr = el('tr');
    tr.append(el('th', k), el('td', v));
    t.append(tr);
  }
  return t;
}

/** Fills `root` with the page; `open` is called with a strongest input's unit when its link is clicked. */
export function drawPage(root: HTMLElement, view: UnitPageView, pictures: DecodedPictures, open: (layerId: string, unit: number) => void): DrawnPage {
  const r = view.record;
  const badge = unitBadge(r);
  const side = 160;
  const rows: HTMLCanvasElement[][] = [];
  const sections: HTMLElement[] = [];

  const unitName = `${r.layerId} unit ${r.unit}`;
  const fv = el('section');
  fv.append(el('h2', 'Feature visualization'));
  const seedRow: HTMLCanvasElement[] = [];
  for (const a of r.actmax) {
    // The badge is about seed 0's image: its name says the quality in words, as the badge's colour does.
    const quality = a.seed === 0 ? `, quality ${badge.weak ? 'weak' : 'good'} (${badge.text})` : '';
    const c = pictureCanvas(pictures.get(a.file), side, `${unitName}, seed ${a.seed}, activation ${a.activation}${quality}`);
    seedRow.push(c);
    const caption: (string | HTMLElement)[] = [`seed ${a.seed}: activation ${a.activation}`];
    if (a.seed === 0) {
      // "weak" is written on the badge, not only coloured: a colour alone says nothing to a screen reader or to
      // many colour-blind readers.
      const b = el('span', badge.weak ? `weak · ${badge.text}` : badge.text, `badge${badge.weak ? ' weak' : ''}`);
      b.id = 'badge';
      b.title = badge.help;
      caption.push(' ', b);
    }
    fv.append(figure(c, caption));
  }
  rows.push(seedRow);
  const q = r.quality;
  fv.append(el('p', `Activation ${q.activation}; under ${q.draws} random views ${q.transformed}${q.top1 !== null ? `; dataset top-1 ${q.top1}` : ''}. ${badge.help}`, 'note'));
  sections.push(fv);

  if (r.diversity.length > 0) {
    const d = el('section');
    d.append(el('h2', 'Diversity batch'), el('p', `${r.diversity.length} images optimized together for this unit and pushed apart from each other (Lucid's diversity term).`, 'note'));
    const row = r.diversity.map((f, i) => pictureCanvas(pictures.get(f), side * 0.75, `${unitName}, diversity image ${i + 1} of ${r.diversity.length}`));
    row.forEach((c, i) => d.append(figure(c, [`#${i}`])));
    rows.push(row);
    sections.push(d);
  }

  const ds = el('section');
  ds.append(el('h2', 'Dataset examples'));
  if (r.topPicture && r.top.length > 0) {
    const image = pictures.get(r.topPicture);
    const c = pictureCanvas(image, image ? Math.max(image.width, image.height) : 1, `The ${r.top.length} dataset images that excite ${unitName} most, its receptive field outlined, then those crops`);
    rows.push([c]);
    ds.append(el('p', `The ${r.top.length} images of ${view.imagesDir ?? 'the folder'} that excite this unit most, as the model sees them with the unit's receptive field outlined, then those crops.`, 'note'), c);
    const t = el('table', undefined, 'unit-table');
    const head = el('tr');
    head.append(el('th', '#'), el('th', 'Image'), el('th', 'Activation'), el('th', 'At'));
    t.append(head);
    r.top.forEach((e, i) => {
      const tr = el('tr');
      tr.append(el('td', String(i + 1)), el('td', e.file), el('td', String(e.value)), el('td', `(${e.x}, ${e.y})`));
      t.append(tr);
    });
    ds.append(t);
  } else {
    ds.append(el('p', view.datasetNote ?? 'No Top Images run is known for this model: run "Find Top Images…" on a folder, then open the unit again for its dataset examples, statistics and the badge\'s q.', 'note'));
  }
  sections.push(ds);

  if (r.stats) {
    const s = el('section');
    s.append(el('h2', 'Statistics'), table([
      ['Mean activation', String(r.stats.mean)],
      ['Largest', String(r.stats.max)],
      ['Fires on', `${(r.stats.firing * 100).toFixed(1)}% of ${r.stats.images} images`],
    ]));
    sections.push(s);
  }

  if (r.kernel) {
    const k = el('section');
    const c = pictureCanvas(pictures.get(r.kernel), 96, `${unitName} kernel, filter-normalized`);
    rows.push([c]);
    k.append(el('h2', 'Kernel'), figure(c, ['weights (filter-normalized)']));
    sections.push(k);
  }

  const inputLinks: HTMLAnchorElement[] = [];
  if (r.inputs && r.inputs.units.length > 0) {
    const from = r.inputs.layerId;
    const s = el('section');
    s.append(el('h2', 'Strongest inputs'), el('p', `Units of ${from ?? 'the previous layer'} with the largest weights into this one (L2 over the kernel window)${from ? '; click one to open it here' : ''}.`, 'note'));
    const t = el('table', undefined, 'unit-table');
    const head = el('tr');
    head.append(el('th', 'Unit'), el('th', 'Weight'));
    t.append(head);
    for (const i of r.inputs.units) {
      const tr = el('tr');
      const cell = el('td');
      if (from) {
        const a = el('a', `${from} unit ${i.unit}`);
        a.href = '#';
        a.addEventListener('click', (e) => {
          e.preventDefault();
          open(from, i.unit);
        });
        inputLinks.push(a);
        cell.append(a);
      } else cell.textContent = `input ${i.unit}`;
      tr.append(cell, el('td', String(i.weight)));
      t.append(tr);
    }
    s.append(t);
    sections.push(s);
  }

  root.replaceChildren(...sections);
  const meta: Record<string, number | string> = {
    layerId: r.layerId,
    unit: r.unit,
    actmax: r.actmax.length,
    diversity: r.diversity.length,
    activation: q.activation,
    transformed: q.transformed,
    top1: q.top1 ?? '',
    badge: badge.text,
    badgeHelp: badge.help,
    q: badge.q ?? '',
    r: badge.r ?? '',
    top: r.top.length,
    kernel: r.kernel ? 1 : 0,
    statsImages: r.stats?.images ?? 0,
    inputsLayer: r.inputs?.layerId ?? '',
    inputs: (r.inputs?.units ?? []).map((i) => i.unit).join(','),
    fromCache: view.fromCache ? 1 : 0,
    preset: view.settings.preset,
    seeds: view.settings.seeds,
    k: view.settings.k,
  };
  return { rows, inputLinks, meta };
}

export { stitch };
