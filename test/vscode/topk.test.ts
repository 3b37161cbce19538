// "Find Top Images…" in a real VS Code: 60 real MNIST digits in a workspace folder, ranked for every channel of
// the sample's conv2; rows start with the channel's actmax picture when one was computed; the panel draws only
// the rows in view, the same request again comes from the cache, and a run cancelled by closing the panel shows
// no error and keeps nothing.
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CanvasSnapshot } from '../../src/host/api';
import { api, sampleModelPath, waitFor, waitForSnapshot, workspaceDir, writeDigitPngs } from './helpers';

const SMALL = 60;
/** The conv2 unit maximized before the search (the actmax suite runs the same, so it may come from its cache). */
const MAXIMIZED = 3;
/** A conv2 unit no suite maximizes. */
const NEVER_MAXIMIZED = 0;
/** A conv2 unit maximized only while the panel is open (no other suite maximizes it). */
const LATE = 1;
// Big enough that ranking it takes over a second here, so closing the panel 300 ms in lands mid-run.
const BIG = 1500;

function findTopImages(folder: string, k = 4): Thenable<unknown> {
  return vscode.commands.executeCommand('layerLens.findTopImages', { modelPath: sampleModelPath(), layerId: 'conv2', folder, k });
}

/** Where the k thumbnails of a row start: after the label and, when any channel has one, the actmax tile. */
function thumbX(snap: CanvasSnapshot): number {
  const m = snap.meta as Record<string, number>;
  return m.labelWidth! + (m.actmaxColumn ? m.tile! + m.split! : 0);
}

/** The RGB colors (as 0xRRGGBB) of one square tile of the snapshot. */
function tileColors(snap: CanvasSnapshot, x0: number, y0: number, side: number): Set<number> {
  assert.ok(x0 + side <= snap.width && y0 + side <= snap.height, `tile at (${x0}, ${y0}) of ${side} px is outside the ${snap.width}×${snap.height} canvas`);
  const colors = new Set<number>();
  for (let y = y0; y < y0 + side; y++) {
    for (let x = x0; x < x0 + side; x++) {
      const o = (y * snap.width + x) * 4;
      colors.add((snap.rgba[o]! << 16) | (snap.rgba[o + 1]! << 8) | snap.rgba[o + 2]!);
    }
  }
  return colors;
}

/** Fraction of a square tile's pixels that are exactly `rgb` (0xRRGGBB). */
function share(snap: CanvasSnapshot, x0: number, y0: number, side: number, rgb: number): number {
  let n = 0;
  for (let y = y0; y < y0 + side; y++) {
    for (let x = x0; x < x0 + side; x++) {
      const o = (y * snap.width + x) * 4;
      if (((snap.rgba[o]! << 16) | (snap.rgba[o + 1]! << 8) | snap.rgba[o + 2]!) === rgb) n++;
    }
  }
  return n / (side * side);
}

/** The square under an actmax tile without a picture (its "run actmax" button is drawn over it): the theme's, as the panel names it. */
const emptyTile = (snap: CanvasSnapshot): number => snap.meta.emptyTile as number;

function topkAction(action: { kind: string; row?: number; rows?: number }): Thenable<boolean> {
  return vscode.commands.executeCommand<boolean>('layerLens.test.topkAction', action);
}

/** Gray of every pixel of one square tile of the snapshot, as [dark, bright] counts. */
function tileContrast(snap: CanvasSnapshot, x0: number, y0: number, side: number): { dark: number; bright: number } {
  let dark = 0;
  let bright = 0;
  for (let y = y0; y < y0 + side; y++) {
    for (let x = x0; x < x0 + side; x++) {
      const o = (y * snap.width + x) * 4;
      const [r, g, b] = [snap.rgba[o]!, snap.rgba[o + 1]!, snap.rgba[o + 2]!];
      // Bright means white (a digit stroke), not the yellow outline of the unit's field.
      if (Math.min(r, g, b) > 200) bright++;
      if (Math.max(r, g, b) < 40) dark++;
    }
  }
  return { dark, bright };
}

/** "(x, y)" of the first pixel where two RGBA buffers differ, or undefined. */
function firstDifference(a: Uint8Array, b: Uint8Array, width: number): string | undefined {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i]) return `(${Math.floor(i / 4) % width}, ${Math.floor(i / 4 / width)})`;
  }
  return undefined;
}

suite('Find Top Images', () => {
  let root: string;
  let small: string;
  let big: string;
  let first: CanvasSnapshot;

  suiteSetup(async function () {
    this.timeout(90_000);
    await api();
    await vscode.commands.executeCommand('layerLens.maximizeActivation', { modelPath: sampleModelPath(), layerId: 'conv2', units: String(MAXIMIZED), preset: 'lucid', steps: 48, seed: 1, run: true });
    await waitForSnapshot('actmax', `conv2 unit ${MAXIMIZED} maximized`, (s) => s.meta.unit === MAXIMIZED && s.meta.step === 48 && s.meta.running === 0, 60_000);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    root = mkdtempSync(path.join(workspaceDir(), 'topk-'));
    small = path.join(root, 'small');
    big = path.join(root, 'big');
    writeDigitPngs(small, SMALL);
    writeDigitPngs(big, BIG);
    await findTopImages(small);
    // The actmax pictures follow the result in a second message: wait for the column they add.
    first = await waitForSnapshot('topk', 'the conv2 rows of the small folder with their actmax column', (s) => (s.meta.rowsDrawn as number) > 0 && (s.meta.actmaxPictures as number) > 0);
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    rmSync(root, { recursive: true, force: true });
  });

  test('ranks the 60 digits for the 32 channels of conv2', () => {
    const m = first.meta;
    assert.equal(m.layerId, 'conv2');
    assert.equal(m.channels, 32);
    assert.equal(m.k, 4);
    assert.equal(m.images, SMALL);
    assert.equal(m.skipped, 0);
    assert.equal(m.fromCache, 0, 'the first run came from the cache');
  });

  test('draws only the rows in view', () => {
    const m = first.meta;
    const rowsDrawn = m.rowsDrawn as number;
    const rowHeight = m.rowHeight as number;
    assert.equal(m.firstRow, 0);
    assert.ok(rowsDrawn > 0 && rowsDrawn < 32, `${rowsDrawn} rows drawn of 32`);
    assert.equal(first.height < 32 * rowHeight - (m.gap as number), true, `the canvas (${first.height} px) is as tall as all rows`);
    assert.equal(rowsDrawn, Math.min(32, Math.ceil(first.height / rowHeight)), `${rowsDrawn} rows drawn in ${first.height} px of ${rowHeight} px rows`);
  });

  test('by keyboard the pictures are one Tab stop in the real webview, cells made only for the rows in view, each named', () => {
    const m = first.meta;
    assert.equal(m.tabStops, 1);
    assert.match(String(m.currentTileName), /^channel \d+, (activation maximization picture|no activation maximization picture yet: Enter runs it)$/);
    // A row: its actmax cell, 4 images, 4 crops; the rows drawn and one more above and below.
    assert.ok((m.tileElements as number) > 0 && (m.tileElements as number) <= ((m.rowsDrawn as number) + 2) * 9, `${m.tileElements} cells for ${m.rowsDrawn} rows in view`);
  });

  test('the first thumbnail shows a digit', () => {
    const m = first.meta;
    const tile = m.tile as number;
    const x0 = thumbX(first);
    assert.ok(x0 + tile <= first.width && tile <= first.height, `tile at ${x0} of ${tile} px outside ${first.width}×${first.height}`);
    const { dark, bright } = tileContrast(first, x0, 0, tile);
    assert.ok(bright > tile, `only ${bright} white pixels in the first thumbnail`);
    assert.ok(dark > tile * tile * 0.3, `only ${dark} dark pixels in the first thumbnail`);
  });

  test('a maximized channel starts its row with its actmax picture, the others with a "run actmax" button', () => {
    const m = first.meta as Record<string, number>;
    assert.equal(first.meta.sort, 'index');
    const x = m.labelWidth!;
    const picture = tileColors(first, x, MAXIMIZED * m.rowHeight!, m.tile!);
    assert.ok(picture.size > 10, `channel ${MAXIMIZED}'s actmax tile has only ${picture.size} colors`);
    assert.ok(share(first, x, MAXIMIZED * m.rowHeight!, m.tile!, emptyTile(first)) < 0.2, `channel ${MAXIMIZED}'s actmax tile is mostly empty`);
    const empty = share(first, x, NEVER_MAXIMIZED * m.rowHeight!, m.tile!, emptyTile(first));
    assert.ok(empty > 0.5, `channel ${NEVER_MAXIMIZED} was never maximized, yet only ${(empty * 100).toFixed(0)} % of its actmax tile is the empty square`);
    // The button is drawn on it: a play mark (and, on large tiles, its words) in the foreground colour.
    assert.ok(tileColors(first, x, NEVER_MAXIMIZED * m.rowHeight!, m.tile!).size > 1, 'the empty actmax tile has no button on it');
  });

  test('the grid fits the panel\'s width, under headings that name the actmax column', () => {
    const m = first.meta as Record<string, number>;
    assert.ok(m.layoutWidth! <= m.viewWidth!, `a ${m.layoutWidth} px row in a ${m.viewWidth} px panel: the crops are cut off`);
    assert.equal(first.width, m.layoutWidth, 'the canvas is as wide as a row');
    const headings = String(first.meta.columns).split('|');
    assert.equal(headings[0], `actmax@${m.labelWidth}px`);
    assert.match(headings[1]!, /^top 4 images/);
    assert.match(headings[2]!, /^crops/);
  });

  test('dead channels (max 0 over the folder) are counted and listed last', async function () {
    this.timeout(30_000);
    // The same search through the engine (from its cache): the best value of every channel, counted here.
    const lens = await api();
    const run = await lens.engineRequest('topk.find', { modelPath: sampleModelPath(), layerId: 'conv2', folder: small, k: 4, cacheDir: path.join(lens.storageDir(), 'topk') });
    const dead = run.result.top.flatMap((entries, c) => ((entries[0]?.value ?? 0) <= 0 ? [c] : []));
    assert.equal(first.meta.dead, dead.length, `dead channels: ${dead.join(', ') || 'none'}`);
    const shown = String(first.meta.order).split(',').map(Number);
    const live = 32 - dead.length;
    shown.slice(0, Math.min(shown.length, live)).forEach((c) => assert.ok(!dead.includes(c), `dead channel ${c} is listed among the first ${live}`));
  });

  test('the hover line follows the grid when it scrolls under a still mouse', async function () {
    this.timeout(30_000);
    const order = String(first.meta.order).split(',').map(Number);
    assert.equal(await topkAction({ kind: 'hoverThumb', row: 0 }), true, 'no Top Images result to hover');
    const hovered = await waitForSnapshot('topk', 'the hover line on row 0', (s) => String(s.meta.hover).startsWith(`channel ${order[0]} · #1 · `));
    assert.equal(hovered.meta.scrollTop, 0);
    await topkAction({ kind: 'scrollRows', rows: 3 });
    // The scroll event (which moves the hover line) comes a frame after scrollTop changes: wait for the line itself.
    const scrolled = await waitForSnapshot('topk', `the hover line on channel ${order[3]} after scrolling 3 rows`, (s) => (s.meta.scrollTop as number) > 0 && String(s.meta.hover).startsWith(`channel ${order[3]} · #1 · `), 10_000);
    assert.ok((scrolled.meta.scrollTop as number) > 0);
  });

  test('the same request again comes from the cache', async function () {
    this.timeout(60_000);
    await findTopImages(small);
    const again = await waitForSnapshot('topk', 'the cached rows', (s) => s.meta.fromCache === 1 && (s.meta.rowsDrawn as number) > 0 && (s.meta.actmaxPictures as number) > 0);
    assert.equal(again.meta.images, SMALL);
    assert.equal(again.meta.order, first.meta.order);
    // The canvas is as tall as the view, which the summary line above it can change: compare the rows both show.
    assert.equal(again.width, first.width);
    const height = Math.min(first.height, again.height);
    assert.ok(height >= (first.meta.tile as number), `a canvas of ${height} px shows no whole row`);
    const bytes = height * first.width * 4;
    const diff = firstDifference(again.rgba.subarray(0, bytes), first.rgba.subarray(0, bytes), first.width);
    assert.equal(diff, undefined, `the cached rows are drawn differently from ${diff} (canvases ${first.width}×${first.height} and ${again.width}×${again.height})`);
  });

  test('an actmax run that finishes beside the open panel fills that channel\'s actmax tile at once', async function () {
    this.timeout(90_000);
    const before = await waitForSnapshot('topk', 'the rows before', (s) => (s.meta.rowsDrawn as number) > 0 && (s.meta.actmaxPictures as number) > 0);
    const m = before.meta as Record<string, number>;
    assert.ok(share(before, m.labelWidth!, LATE * m.rowHeight!, m.tile!, emptyTile(before)) > 0.5, `channel ${LATE} already has an actmax picture`);
    // A second editor group, so that the Top Images panel stays visible while the actmax panel runs.
    await vscode.commands.executeCommand('workbench.action.newGroupRight');
    await vscode.commands.executeCommand('layerLens.maximizeActivation', { modelPath: sampleModelPath(), layerId: 'conv2', units: String(LATE), preset: 'trial1-naive', steps: 16, seed: 2, run: true });
    await waitForSnapshot('actmax', `conv2 unit ${LATE} maximized`, (s) => s.meta.unit === LATE && s.meta.step === 16 && s.meta.running === 0, 60_000);
    const after = await waitForSnapshot('topk', `channel ${LATE}'s actmax tile to fill`, (s) => {
      const a = s.meta as Record<string, number>;
      return (s.meta.rowsDrawn as number) > LATE && share(s, a.labelWidth!, LATE * a.rowHeight!, a.tile!, emptyTile(s)) < 0.2;
    });
    assert.equal(after.meta.fromCache, before.meta.fromCache, 'the top images were searched again');
  });

  test('a click on an empty actmax tile runs activation maximization of that channel', async function () {
    this.timeout(60_000);
    const order = String((await waitForSnapshot('topk', 'the rows', (s) => (s.meta.rowsDrawn as number) > 0)).meta.order).split(',').map(Number);
    // The scroll test moved the grid: bring row 0 back, then click the actmax tile of a channel nobody maximized.
    await topkAction({ kind: 'scrollRows', rows: -100 });
    const row = order.findIndex((c) => c !== MAXIMIZED && c !== LATE);
    const channel = order[row]!;
    assert.equal(await topkAction({ kind: 'clickActmax', row }), true);
    await waitForSnapshot('actmax', `an actmax run of conv2 unit ${channel}`, (s) => s.meta.unit === channel && String(s.meta.crumbs).includes('conv2'), 30_000);
  });

  test('closing the panel cancels a run quietly, and it keeps nothing', async function () {
    this.timeout(90_000);
    const lens = await api();
    const before = lens.shownMessages().length;
    const running = findTopImages(big);
    await new Promise((r) => setTimeout(r, 300));
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await running;
    await waitFor('the top images panel to close', async () => (await lens.panelSnapshot('topk')) === undefined, 10_000);
    assert.deepEqual(lens.shownMessages().slice(before), [], 'cancelling showed a message');
    // The next request works, and runs from scratch: a finished run would have been cached.
    const t = Date.now();
    await findTopImages(big);
    const ms = Date.now() - t;
    const next = await waitForSnapshot('topk', 'the rows of the big folder', (s) => (s.meta.rowsDrawn as number) > 0 && s.meta.images === BIG);
    assert.equal(next.meta.fromCache, 0, `the cancelled run left a result in the cache (or finished within 300 ms: a full run took ${ms} ms)`);
    assert.deepEqual(lens.shownMessages().slice(before), []);
  });
});
