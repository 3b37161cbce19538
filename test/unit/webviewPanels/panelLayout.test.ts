// Every panel's real webview code in Chromium behind the fake host, in a full, typical state (panelScenes.ts), at a
// narrow (360 px) and a wide (1400 px) width, in a dark and a light VS Code theme, looked at once (before) and then
// checked rule by rule: what a user would call broken at a glance. With LL_PANEL_SHOTS=<folder> every case is also
// saved there as a PNG, to look at.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { closeBrowser, openPanel, type PanelPage } from '../webviewBridge/panelPage';
import { panelFile, SCENES, type PanelName } from './panelScenes';
import { applyThemeScript, DARK, LIGHT } from './themes';

const SHOTS = process.env.LL_PANEL_SHOTS;
const WIDTHS = [360, 1400];
const HEIGHT = 800;
const PANELS = Object.keys(SCENES) as PanelName[];
/** Panels whose body is its own scroll box (a grid, the Unit page): the page fits the panel's height. */
const FILL_PAGE: PanelName[] = ['kernels', 'featureMaps', 'actmaxAtlas', 'topk', 'unit'];
/** The least a grid may get of a panel's width and height (what a side column or a tall toolbar leaves it). */
const MIN_GRID = 200;

/** What one panel shows at one width in one theme. */
interface PageFacts {
  where: string;
  scrollWidth: number;
  clientWidth: number;
  /** Elements that stick out of the page on the right: "tag#id.class (right edge)". */
  sticking: string[];
  /** Boxes other than the grids' scrollers that scroll sideways: "tag#id (scrollWidth > clientWidth)". */
  sidewaysBoxes: string[];
  /** Buttons whose face has a symbol (−, +, ◀) and no aria-label. */
  unnamedButtons: string[];
  scrollHeight: number;
  clientHeight: number;
  /** Pictures (canvases) shown at another aspect ratio than their pixels': "canvas#id 32×32 shown 320×404". */
  stretched: string[];
  /** Lists and fields with no accessible name (no label property, no aria-label). */
  unnamedFields: string[];
  /** Lines the backend's name takes in the header. */
  backendLines: number;
  /** Top Images: the grey (0-255) of the first row's empty actmax tile, near its corner. */
  emptyTileGrey?: number;
  /** The grid's scroll box (grid panels only), in px. */
  gridWidth?: number;
  gridHeight?: number;
  /** The grid's scroll box's bottom edge, in px from the top of the panel. */
  gridBottom?: number;
}

/** A string, not a function: tsx adds helpers to functions that the page lacks. */
const FACTS = `(() => {
  const root = document.documentElement;
  const describe = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (typeof el.className === 'string' && el.className ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
  const sticking = [];
  const sidewaysBoxes = [];
  for (const el of document.querySelectorAll('#app *')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || el.closest('[hidden]')) continue;
    if (!el.closest('.scroller') && r.right > root.clientWidth + 0.5) sticking.push(describe(el) + ' (' + Math.round(r.right) + ')');
    const overflowX = getComputedStyle(el).overflowX;
    if ((overflowX === 'auto' || overflowX === 'scroll') && !el.classList.contains('scroller') && el.scrollWidth > el.clientWidth + 1) {
      sidewaysBoxes.push(describe(el) + ' (' + el.scrollWidth + ' > ' + el.clientWidth + ')');
    }
  }
  const unnamedButtons = [...document.querySelectorAll('vscode-button')]
    .filter((b) => /[^\\p{L}\\p{N}\\s.…'’()-]/u.test(b.textContent ?? '') && !b.getAttribute('aria-label'))
    .map((b) => describe(b) + ' "' + b.textContent + '"');
  const stretched = [...document.querySelectorAll('#app canvas')]
    .filter((c) => c.clientWidth > 0 && c.clientHeight > 0 && c.width > 1 && c.height > 1 && !c.closest('[hidden]'))
    .filter((c) => Math.abs(c.clientWidth / c.clientHeight - c.width / c.height) > 0.05 * (c.width / c.height))
    .map((c) => describe(c) + ' ' + c.width + '×' + c.height + ' shown ' + c.clientWidth + '×' + c.clientHeight);
  const unnamedFields = [...document.querySelectorAll('#app vscode-single-select, #app vscode-textfield')]
    .filter((f) => !f.closest('[hidden]') && !f.label && !f.getAttribute('aria-label'))
    .map(describe);
  const backend = document.getElementById('backend');
  const backendLines = Math.round(backend.getBoundingClientRect().height / (parseFloat(getComputedStyle(backend).fontSize) * 1.2));
  const grid = document.getElementById('scroller') ?? document.getElementById('atlasScroller');
  const heading = document.querySelector('#columns span');
  const gridCanvas = document.getElementById('grid');
  let emptyTileGrey;
  if (heading && gridCanvas) {
    const [r, g, b] = gridCanvas.getContext('2d').getImageData(parseFloat(heading.style.left) + 3, 3, 1, 1).data;
    emptyTileGrey = Math.round((r + g + b) / 3);
  }
  return {
    scrollWidth: root.scrollWidth, clientWidth: root.clientWidth, sticking: sticking.slice(0, 8), sidewaysBoxes, unnamedButtons,
    scrollHeight: root.scrollHeight, clientHeight: root.clientHeight, stretched, backendLines, unnamedFields,
    ...(emptyTileGrey === undefined ? {} : { emptyTileGrey }),
    ...(grid ? { gridWidth: grid.clientWidth, gridHeight: grid.clientHeight, gridBottom: grid.getBoundingClientRect().bottom } : {}),
  };
})()`;

const facts = new Map<PanelName, PageFacts[]>();
const pageErrors = new Map<PanelName, string[]>();

async function look(panel: PanelPage, name: PanelName): Promise<PageFacts[]> {
  const out: PageFacts[] = [];
  for (const theme of [DARK, LIGHT]) {
    await panel.page.evaluate(applyThemeScript(theme));
    for (const width of WIDTHS) {
      await panel.page.setViewportSize({ width, height: HEIGHT });
      // The grids relayout on a ResizeObserver: two frames, then what a user sees.
      await panel.page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
      if (SHOTS) {
        mkdirSync(SHOTS, { recursive: true });
        await panel.page.screenshot({ path: join(SHOTS, `${name}-${width}-${theme.name}.png`), fullPage: true });
      }
      out.push({ where: `${name} at ${width} px, ${theme.name}`, ...((await panel.page.evaluate(FACTS)) as Omit<PageFacts, 'where'>) });
    }
  }
  return out;
}

before(async () => {
  for (const name of PANELS) {
    const panel = await openPanel(panelFile(name));
    try {
      await SCENES[name](panel);
      facts.set(name, await look(panel, name));
      pageErrors.set(name, panel.errors);
    } finally {
      await panel.close();
    }
  }
});

after(async () => {
  await closeBrowser();
});

const each = (name: PanelName, problem: (f: PageFacts) => string | undefined): string[] =>
  (facts.get(name) ?? []).map(problem).filter((p): p is string => p !== undefined);

for (const name of PANELS) {
  test(`${name}: drawn without an error in the page`, () => {
    assert.ok(facts.has(name), `${name} was not drawn`);
    assert.deepEqual(pageErrors.get(name), []);
  });

  test(`${name}: the page never scrolls sideways (a wide grid scrolls in its own box)`, () => {
    assert.deepEqual(each(name, (f) => (f.scrollWidth > f.clientWidth ? `${f.where}: ${f.scrollWidth} > ${f.clientWidth} px: ${f.sticking.join(', ')}` : undefined)), []);
  });

  test(`${name}: no box but a grid's scroller scrolls sideways (text wraps, pictures fit)`, () => {
    assert.deepEqual(each(name, (f) => (f.sidewaysBoxes.length ? `${f.where}: ${f.sidewaysBoxes.join(', ')}` : undefined)), []);
  });

  if (FILL_PAGE.includes(name)) {
    test(`${name}: the page fits the panel's height (its body scrolls, not the page as well)`, () => {
      assert.deepEqual(each(name, (f) => (f.scrollHeight > f.clientHeight ? `${f.where}: ${f.scrollHeight} > ${f.clientHeight} px` : undefined)), []);
    });
  }

  if (name !== 'actmax' && name !== 'unit') {
    test(`${name}: the grid keeps at least ${MIN_GRID} px of width and height at every width`, () => {
      assert.deepEqual(each(name, (f) => ((f.gridWidth ?? 0) < MIN_GRID || (f.gridHeight ?? 0) < MIN_GRID ? `${f.where}: grid ${f.gridWidth} × ${f.gridHeight} px` : undefined)), []);
    });
  }

  test(`${name}: every picture is shown at its own aspect ratio`, () => {
    assert.deepEqual(each(name, (f) => (f.stretched.length ? `${f.where}: ${f.stretched.join(', ')}` : undefined)), []);
  });

  if (name === 'actmaxAtlas') {
    test('actmaxAtlas: the atlas box reaches the panel\'s bottom edge, whatever the header and toolbar take', () => {
      // Within the body's 4 px bottom padding: the old "100vh less 190 px" ran 171 px past the bottom at 360 px,
      // where the toolbar wraps (the page scrolled as well as the grid), and ended 6 px short at 1400 px.
      assert.deepEqual(each(name, (f) => {
        const gap = f.clientHeight - (f.gridBottom ?? 0);
        return gap >= 0 && gap <= 5 ? undefined : `${f.where}: the grid ends ${Math.round(f.gridBottom ?? 0)} px down a ${f.clientHeight} px panel`;
      }), []);
    });
  }

  if (name === 'topk') {
    test('topk: an actmax tile without a picture is a faint square of the theme (light in a light theme, dark in a dark one)', () => {
      assert.deepEqual(each(name, (f) => {
        const grey = f.emptyTileGrey ?? -1;
        const fits = f.where.endsWith('light') ? grey > 180 : grey >= 0 && grey < 80;
        return fits ? undefined : `${f.where}: grey ${grey}`;
      }), []);
    });
  }

  test(`${name}: the backend's name stays on one line beside or under the breadcrumb`, () => {
    assert.deepEqual(each(name, (f) => (f.backendLines > 1 ? `${f.where}: ${f.backendLines} lines` : undefined)), []);
  });

  test(`${name}: every list and field has an accessible name (its label's words)`, () => {
    assert.deepEqual(each(name, (f) => (f.unnamedFields.length ? `${f.where}: ${f.unnamedFields.join(', ')}` : undefined)), []);
  });

  test(`${name}: buttons with a symbol on their face have an aria-label`, () => {
    assert.deepEqual(each(name, (f) => (f.unnamedButtons.length ? `${f.where}: ${f.unnamedButtons.join(', ')}` : undefined)), []);
  });
}
