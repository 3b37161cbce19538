// The atlas site for a keyboard and a screen reader, in Chromium from file://, on a synthetic atlas folder
// (atlasA11yFixture.ts: rendered by the real renderAtlasSite, no model run): each page's language, title, landmarks,
// skip link and headings; each unit tile said once, with its layer, index, activation and badge, its picture adding
// no second name (read from Chromium's accessibility tree); the Tab order, the focus ring and the arrow keys of the
// grid; the sort control's state and the status line that says what it did; names of links that stand alone; the
// badge's meaning on the page, not only in its hover line; text contrast of at least 4.5:1 computed from the
// computed colours; nothing that moves; and the page without JavaScript.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { renderAtlasSite } from '../../../src/core/node/atlas/renderAtlasSite';
import { tempFolder } from '../topk/topkFixtures';
import { FIRST, FIRST_UNITS, NOT_COMPUTED, NO_PICTURE, SECOND, SECOND_SLUG, WEAK, writeSyntheticAtlas } from './atlasA11yFixture';
import { FOCUSED, MOTION, PAGE_FACTS, TEXT_COLOURS, contrast, parseColour, spokenTiles, textContrast, type AXNode, type Focused } from './atlasA11yProbes';

const site = tempFolder('layer-lens-atlas-a11y-');
writeSyntheticAtlas(site);

interface AtlasUnitJson {
  unit: number;
  actmax: unknown[];
  quality: { activation: number; top1: number | null; ratio: number | null; robustRatio: number | null };
}
interface AtlasJson {
  model: { name: string };
  layers: { id: string; page: string; units: AtlasUnitJson[]; missing: number[] }[];
}
let atlas: AtlasJson | undefined;
async function rendered(): Promise<AtlasJson> {
  if (!atlas) {
    await renderAtlasSite(site);
    atlas = JSON.parse(readFileSync(join(site, 'atlas.json'), 'utf8')) as AtlasJson;
  }
  return atlas;
}

let browser: Browser | undefined;
async function openPage(file: string, options: { javaScript?: boolean; width?: number } = {}): Promise<Page> {
  await rendered();
  if (!browser) {
    const CHROMIUM = '/usr/bin/chromium';
    if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: install Debian's chromium package (apt-get install chromium)`);
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  }
  // 600 px: the grid's 12 tiles lie in three rows of four (checked where it matters).
  const context = await browser.newContext({ viewport: { width: options.width ?? 600, height: 800 }, javaScriptEnabled: options.javaScript ?? true });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`file://${join(site, file)}`);
  assert.deepEqual(errors, [], `${file}: script errors`);
  return page;
}
after(async () => {
  await browser?.close();
});

const LAYER = `layer/${FIRST}.html`;
const PAGES = ['index.html', LAYER, `layer/${SECOND_SLUG}.html`, `unit/${FIRST}/${WEAK}.html`, `unit/${SECOND_SLUG}/0.html`];

interface PageFacts {
  lang: string;
  title: string;
  mains: number;
  mainId: string | null;
  firstControl: { text: string; href: string | null; skip: boolean } | null;
  navs: (string | null)[];
  current: string[];
  headings: [number, string][];
  outside: string[];
  links: { name: string; href: string }[];
  images: { alt: string | null; link: string | null; caption: string | null }[];
  badgeHelp: string[];
  mainText: string;
}
async function facts(file: string): Promise<PageFacts> {
  const page = await openPage(file);
  try {
    return (await page.evaluate(PAGE_FACTS)) as PageFacts;
  } finally {
    await page.context().close();
  }
}

test('every page has a language, a title of its own, one main landmark, headings in order, and a skip link past its breadcrumb', async () => {
  const titles = new Set<string>();
  for (const file of PAGES) {
    const f = await facts(file);
    assert.equal(f.lang, 'en', file);
    assert.ok(!titles.has(f.title), `${file}: the title "${f.title}" is another page's too`);
    titles.add(f.title);
    assert.match(f.title, /Atlas of tiny <net>$/, `${file}: the title names the atlas`);
    assert.equal(f.mains, 1, `${file}: one main landmark`);
    assert.deepEqual(f.outside, [], `${file}: text outside the landmarks`);
    assert.equal(f.headings.filter(([level]) => level === 1).length, 1, `${file}: one h1`);
    assert.equal(f.headings[0]![0], 1, `${file}: the first heading is the h1`);
    for (let i = 1; i < f.headings.length; i++) assert.ok(f.headings[i]![0] <= f.headings[i - 1]![0] + 1, `${file}: heading ${f.headings[i]![1]} skips a level`);
    if (file === 'index.html') {
      assert.deepEqual(f.navs, [], 'the index has no breadcrumb to skip');
      continue;
    }
    assert.deepEqual(f.navs, ['Breadcrumb'], `${file}: one named navigation landmark`);
    assert.equal(f.current.length, 1, `${file}: the breadcrumb marks the current page`);
    assert.deepEqual(f.firstControl, { text: 'Skip to the content', href: `#${f.mainId}`, skip: true }, `${file}: the first control skips to the main content`);
  }
});

test('each unit tile is said once, naming its unit, layer, activation and badge; its picture adds no second name', async () => {
  const json = await rendered();
  for (const layer of json.layers) {
    const page = await openPage(layer.page);
    try {
      const cdp = await page.context().newCDPSession(page);
      const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as { nodes: AXNode[] };
      const { root } = await cdp.send('DOM.getDocument');
      const backendId = async (nodeId: number): Promise<number> => (await cdp.send('DOM.describeNode', { nodeId })).node.backendNodeId;
      const gridId = await backendId((await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector: '#grid' })).nodeId);
      const { nodeIds } = await cdp.send('DOM.querySelectorAll', { nodeId: root.nodeId, selector: '#grid > *' });
      const tiles = spokenTiles(nodes, await Promise.all(nodeIds.map(backendId)));
      const count = layer.id === FIRST ? FIRST_UNITS : 2;
      assert.equal(tiles.length, count, `${layer.id}: one tile per unit`);
      const spoken = new Set<string>();
      tiles.forEach((tile, u) => {
        const what = `${layer.id} tile ${u}: "${tile.spoken}"`;
        assert.ok(!spoken.has(tile.spoken), `${what} is said like another tile`);
        spoken.add(tile.spoken);
        assert.equal(tile.spoken.match(new RegExp(`\\bunit ${u}\\b`, 'g'))?.length, 1, `${what} names its unit once`);
        assert.deepEqual(tile.namedImages, [], `${what}: its picture is named (${tile.namedImages.join(', ')}), a second name for the unit`);
        const record = layer.units.find((r) => r.unit === u);
        if (!record) {
          assert.ok(layer.missing.includes(u));
          assert.match(tile.spoken, /not computed/, what);
          return;
        }
        assert.ok(tile.spoken.includes(layer.id), `${what} names its layer`);
        assert.ok(tile.spoken.includes(`activation ${Number(record.quality.activation.toPrecision(3))}`), `${what} says its activation`);
        const q = record.quality.top1 !== null ? `q ${record.quality.ratio!.toFixed(2)}, ` : '';
        assert.ok(tile.spoken.includes(`${q}r ${record.quality.robustRatio!.toFixed(2)}`), `${what} says its badge`);
        assert.equal(/\bq\b/.test(tile.spoken), record.quality.top1 !== null, `${what}: q only where there is a dataset top-1`);
        assert.equal(/\blow\b/.test(tile.spoken), record.quality.robustRatio! < 0.5, `${what} says whether the badge is weak`);
        assert.equal(/no image/.test(tile.spoken), record.actmax.length === 0, `${what} says when there is no picture`);
      });
      // A list (its size said on entry), named by the heading above it.
      const list = nodes.find((n) => n.backendDOMNodeId === gridId)!;
      assert.deepEqual([list.role?.value, list.name?.value], ['list', 'Units'], `${layer.id}: the grid is a list named Units`);
    } finally {
      await page.context().close();
    }
  }
  assert.ok(json.layers[0]!.missing.includes(NOT_COMPUTED));
  assert.equal(json.layers[0]!.units.find((u) => u.unit === NO_PICTURE)!.actmax.length, 0);
});

/** Presses Tab from where the focus is until it leaves the page; what each stop was. */
async function tabStops(page: Page, max = 40): Promise<Focused[]> {
  const stops: Focused[] = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const f = (await page.evaluate(FOCUSED)) as Focused | null;
    if (!f || (stops.length && f.name === stops[0]!.name && f.tag === stops[0]!.tag)) break;
    stops.push(f);
  }
  return stops;
}

function assertFocusRing(f: Focused, where: string): void {
  assert.ok(f.focusVisible, `${where}: ${f.name} does not match :focus-visible`);
  assert.ok(f.inView, `${where}: ${f.name} is focused out of view`);
  assert.notEqual(f.outlineStyle, 'none', `${where}: ${f.name} shows no focus ring`);
  assert.ok(f.outlineWidth >= 2, `${where}: ${f.name}'s focus ring is ${f.outlineWidth} px`);
  assert.ok(contrast(parseColour(f.outlineColor), [255, 255, 255, 1]) >= 3, `${where}: ${f.name}'s focus ring ${f.outlineColor} has under 3:1 against the page`);
}

test('Tab visits the skip link, the breadcrumb, the sort buttons and one unit of the grid, each with a visible focus ring', async () => {
  const json = await rendered();
  const tileName = (u: number): string => `unit ${u} of ${FIRST}: activation ${Number(json.layers[0]!.units.find((r) => r.unit === u)!.quality.activation.toPrecision(3))}`;
  const page = await openPage(LAYER);
  try {
    const stops = await tabStops(page);
    stops.forEach((f) => assertFocusRing(f, LAYER));
    assert.deepEqual(stops.slice(0, 5).map((f) => f.name), ['Skip to the content', 'Atlas of tiny <net>', 'index', 'activation', 'quality (r)']);
    assert.equal(stops.length, 6, `one Tab stop for the whole grid: ${stops.map((f) => f.name).join(' | ')}`);
    assert.equal(stops[5]!.index, 0);
    assert.ok(stops[5]!.name.startsWith(tileName(0)), stops[5]!.name);

    // The skip link lands past the breadcrumb: the next Tab is the first control of the main content.
    await page.reload();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    assert.equal(((await page.evaluate(FOCUSED)) as Focused).name, 'index');
    const unitStops = await (async () => {
      const p = await openPage(`unit/${SECOND_SLUG}/0.html`);
      try {
        return await tabStops(p);
      } finally {
        await p.context().close();
      }
    })();
    unitStops.forEach((f) => assertFocusRing(f, 'unit page'));
    assert.deepEqual(unitStops.map((f) => f.name), ['Skip to the content', 'Atlas of tiny <net>', `layer ${SECOND}`, `${FIRST} unit 3`]);
  } finally {
    await page.context().close();
  }
});

test('in the grid the arrow keys, Home, End and Page Down move between units by rows, and Tab comes back to the last one', async () => {
  const page = await openPage(LAYER);
  try {
    const perRow = await page.evaluate("(() => { const t = Array.from(document.querySelectorAll('#grid > li')); return t.filter((e) => e.offsetTop === t[0].offsetTop).length; })()");
    assert.equal(perRow, 4, 'the test expects rows of four tiles');
    await page.focus('#grid a');
    const at = async (key: string): Promise<number> => {
      await page.keyboard.press(key);
      const f = (await page.evaluate(FOCUSED)) as Focused;
      assertFocusRing(f, key);
      return f.index as number;
    };
    // Rows: 0–3, 4–7, 8–11 with 10 not computed (no link), so it is stepped over.
    const moves: [string, number][] = [['ArrowRight', 1], ['ArrowDown', 5], ['End', 7], ['ArrowDown', 11], ['ArrowLeft', 9], ['Home', 8], ['ArrowUp', 4], ['Control+End', 11], ['Control+Home', 0], ['ArrowLeft', 0], ['PageDown', 8], ['ArrowRight', 9]];
    for (const [key, index] of moves) assert.equal(await at(key), index, `${key} moves to unit ${index}`);
    assert.equal(await page.evaluate("document.querySelectorAll('#grid a[tabindex=\"0\"]').length"), 1, 'one tile in the Tab order');
    await page.keyboard.press('Shift+Tab');
    assert.equal(((await page.evaluate(FOCUSED)) as Focused).name, 'quality (r)');
    await page.keyboard.press('Tab');
    assert.equal(((await page.evaluate(FOCUSED)) as Focused).index, 9, 'Tab returns to the unit left last');
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`unit/${FIRST}/9\\.html$`));
  } finally {
    await page.context().close();
  }
});

test('the sort control is a labelled group of toggle buttons, and a status line says what a sort did', async () => {
  const json = await rendered();
  const units = json.layers[0]!.units;
  const top = [...units].sort((a, b) => b.quality.activation - a.quality.activation || a.unit - b.unit)[0]!.unit;
  const page = await openPage(LAYER);
  try {
    const cdp = await page.context().newCDPSession(page);
    const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as { nodes: AXNode[] };
    const group = nodes.find((n) => !n.ignored && n.role?.value === 'group' && n.name?.value === 'Sort the units by');
    assert.ok(group, 'a group named "Sort the units by"');
    const status = nodes.find((n) => !n.ignored && n.role?.value === 'status');
    assert.ok(status, 'a status region for the sort result, there from the start');
    const pressed = "Array.from(document.querySelectorAll('button[data-sort]')).map((b) => b.textContent + ':' + b.getAttribute('aria-pressed'))";
    assert.deepEqual(await page.evaluate(pressed), ['index:true', 'activation:false', 'quality (r):false']);
    assert.equal(await page.evaluate("document.getElementById('sort-status').textContent"), '');
    await page.focus('button[data-sort="activation"]');
    await page.keyboard.press('Enter');
    assert.deepEqual(await page.evaluate(pressed), ['index:false', 'activation:true', 'quality (r):false']);
    assert.equal(await page.evaluate("document.getElementById('sort-status').textContent"), `Sorted by activation, highest first: unit ${top} first.`);
    // The first unit of the new order is the one Tab reaches.
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    assert.equal(((await page.evaluate(FOCUSED)) as Focused).index, top);
    await page.click('button[data-sort="index"]');
    assert.equal(await page.evaluate("document.getElementById('sort-status').textContent"), 'Sorted by index: unit 0 first.');
  } finally {
    await page.context().close();
  }
});

test('links name their target out of context, pictures have alt text that repeats neither link nor caption, and the badge is explained on the page', async () => {
  for (const file of PAGES) {
    const f = await facts(file);
    const byName = new Map<string, string>();
    for (const link of f.links) {
      assert.ok(!/^(here|more|link|#?\d+|unit \d+)$/i.test(link.name.trim()), `${file}: the link "${link.name}" says nothing alone`);
      const seen = byName.get(link.name);
      assert.ok(seen === undefined || seen === link.href, `${file}: "${link.name}" leads to ${seen} and ${link.href}`);
      byName.set(link.name, link.href);
      const unit = /(?:^|\/)(\d+)\.html$/.exec(link.href);
      if (unit && /unit\/|^\.\.\/[^/]+\/\d+\.html$/.test(link.href)) {
        assert.match(link.name, new RegExp(`\\bunit ${unit[1]}\\b`), `${file}: a link to unit ${unit[1]} says so`);
        assert.ok(link.name.includes(FIRST) || link.name.includes(SECOND), `${file}: "${link.name}" names its layer`);
      }
    }
    for (const img of f.images) {
      assert.notEqual(img.alt, null, `${file}: a picture has no alt`);
      assert.ok(!/[<>]/.test(img.alt!), `${file}: markup in an alt: ${img.alt}`);
      if (img.link !== null) assert.equal(img.alt, '', `${file}: a picture in the link "${img.link}" names it again ("${img.alt}")`);
      else assert.ok(img.alt!.length > 0, `${file}: a picture outside a link with an empty alt`);
      if (img.caption) assert.ok(!img.caption.includes(img.alt!) && !img.alt!.includes(img.caption), `${file}: alt "${img.alt}" repeats the caption "${img.caption}"`);
    }
    for (const help of new Set(f.badgeHelp)) assert.ok(f.mainText.includes(help), `${file}: the badge's explanation is only in its hover line: ${help}`);
  }
});

test('text has at least 4.5:1 contrast with what it is drawn on, and nothing moves', async () => {
  const low: string[] = [];
  let checked = 0;
  for (const file of PAGES) {
    const page = await openPage(file);
    try {
      if (file === LAYER) await page.click('button[data-sort="activation"]'); // the status line has text, a button is on
      if (file !== 'index.html') await page.focus('a.skip'); // the skip link shows while focused
      const texts = (await page.evaluate(TEXT_COLOURS)) as { text: string; cls: string; fg: string; bgs: string[] }[];
      for (const t of texts) {
        const ratio = textContrast(t.fg, t.bgs);
        checked++;
        if (ratio < 4.5) low.push(`${file}: "${t.text}" (${t.cls || 'no class'}) ${t.fg} on ${t.bgs.find((b) => parseColour(b)[3] > 0) ?? 'white'}: ${ratio.toFixed(2)}:1`);
      }
      assert.deepEqual(await page.evaluate(MOTION), [], `${file}: something moves`);
    } finally {
      await page.context().close();
    }
  }
  assert.ok(checked > 100, `only ${checked} pieces of text checked`);
  assert.deepEqual(low, []);
});

test('without JavaScript the grid is a list of links in index order, every one in the Tab order, and no dead sort buttons', async () => {
  const page = await openPage(LAYER, { javaScript: false });
  try {
    const visibleButtons = await page.evaluate("Array.from(document.querySelectorAll('button')).filter((b) => b.getClientRects().length > 0).length");
    assert.equal(visibleButtons, 0);
    const stops = await tabStops(page);
    const tiles = stops.filter((f) => f.index !== null).map((f) => f.index);
    assert.deepEqual(tiles, Array.from({ length: FIRST_UNITS }, (_, u) => u).filter((u) => u !== NOT_COMPUTED));
  } finally {
    await page.context().close();
  }
});

test('rendering the same folder again writes the same bytes', async () => {
  await rendered();
  const files = readdirSync(site, { recursive: true, withFileTypes: true }).filter((e) => e.isFile() && /\.(html|json)$/.test(e.name)).map((e) => relative(site, join(e.parentPath, e.name))).sort();
  const before = files.map((f) => readFileSync(join(site, f)));
  await renderAtlasSite(site);
  files.forEach((f, i) => assert.ok(readFileSync(join(site, f)).equals(before[i]!), `${f} changed`));
});
