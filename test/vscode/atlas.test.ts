// Build Atlas in a real VS Code: the command runs the engine's atlas.run and writes a site whose index and unit
// pages list the expected units (with dataset examples when an images folder is given); a run cancelled part-way
// keeps the units it finished, says so, and the next run on that folder computes only the rest; a folder holding
// other files is refused in one sentence; from the palette it asks for the images and the output folder, offering
// `<model>-atlas` next to the model.
import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { AtlasRunResult } from '../../src/shared/atlasProtocol';
import { api, sampleModelPath, waitFor, workspaceDir, writeDigitPngs } from './helpers';

/** What the command returns: the engine's answer, and the page opened. */
type Outcome = AtlasRunResult & { opened: string | undefined };

interface AtlasJson {
  layers: { id: string; page: string; units: { unit: number; page: string; topPicture: string | null }[]; missing: number[] }[];
}

function buildAtlas(arg: object): Thenable<Outcome | undefined> {
  return vscode.commands.executeCommand<Outcome | undefined>('layerLens.buildAtlas', arg);
}

function atlasJson(site: string): AtlasJson {
  return JSON.parse(readFileSync(path.join(site, 'atlas.json'), 'utf8')) as AtlasJson;
}

suite('Build Atlas (atlas)', () => {
  let dir: string;
  let digits: string;

  suiteSetup(async () => {
    dir = mkdtempSync(path.join(workspaceDir(), 'atlas-'));
    digits = path.join(dir, 'digits');
    writeDigitPngs(digits, 8);
    await api();
  });

  suiteTeardown(() => rmSync(dir, { recursive: true, force: true }));

  test('one layer with dataset images: the site and every unit page are written, and the site is opened', async function () {
    this.timeout(120_000);
    const lens = await api();
    const before = lens.shownMessages().length;
    const site = path.join(dir, 'site');
    const outcome = await buildAtlas({ modelPath: sampleModelPath(), outDir: site, imagesDir: digits, layers: ['conv1'], steps: 16 });
    assert.ok(outcome, `no outcome; messages: ${JSON.stringify(lens.shownMessages().slice(before))}`);
    const index = path.join(site, 'index.html');
    // The backend's batch: the sample model's units are small, so 32 at a time on a CPU backend as on a GPU.
    assert.equal(outcome.batch, 32);
    assert.deepEqual({ ...outcome, opened: undefined }, { indexPath: index, computed: 16, skipped: 0, written: 16, total: 16, stopped: false, opened: undefined, batch: outcome.batch });
    assert.equal(outcome.opened, vscode.Uri.file(index).toString());
    assert.match(readFileSync(index, 'utf8'), /href="layer\/conv1\.html"/);
    const layerPage = readFileSync(path.join(site, 'layer', 'conv1.html'), 'utf8');
    const linked = [...layerPage.matchAll(/href="\.\.\/unit\/conv1\/(\d+)\.html"/g)].map((m) => Number(m[1]));
    assert.deepEqual([...new Set(linked)].sort((a, b) => a - b), Array.from({ length: 16 }, (_, u) => u));
    const atlas = atlasJson(site);
    assert.deepEqual(atlas.layers.map((l) => [l.id, l.units.length, l.missing.length]), [['conv1', 16, 0]]);
    for (let u = 0; u < 16; u++) {
      const page = readFileSync(path.join(site, 'unit', 'conv1', `${u}.html`), 'utf8');
      assert.match(page, new RegExp(`conv1.*unit ${u}`, 's'), `unit page ${u}`);
      for (const f of ['actmax-0.png', 'actmax-1.png', 'diversity-0.png', 'top.png', 'kernel.png', 'unit.json']) assert.ok(existsSync(path.join(site, 'units', 'conv1', String(u), f)), `unit ${u}: ${f}`);
    }
    assert.ok(atlas.layers[0]!.units.every((r) => r.topPicture !== null), 'a unit has no dataset examples');
    const said = lens.shownMessages().slice(before);
    assert.deepEqual(said, [`Atlas of mnist-cnn built (16 units): ${index}`]);
  });

  test('a run cancelled part-way keeps its finished units and says so; the next run computes only the rest', async function () {
    this.timeout(240_000);
    const lens = await api();
    const before = lens.shownMessages().length;
    const site = path.join(dir, 'resumable');
    const args = { modelPath: sampleModelPath(), outDir: site, layers: ['conv1', 'conv2'], steps: 16, open: false };
    const cancel = new vscode.CancellationTokenSource();
    // Batches of 16 asked for: conv1 is one batch, written whole; cancel while conv2's first runs.
    const first = buildAtlas({ ...args, batch: 16, cancel: cancel.token });
    const firstDone = path.join(site, 'units', 'conv1', '15', 'unit.json');
    await waitFor('conv1 units on disk', () => existsSync(firstDone), 120_000);
    cancel.cancel();
    const stopped = await first;
    assert.ok(stopped, `no outcome; messages: ${JSON.stringify(lens.shownMessages().slice(before))}`);
    assert.deepEqual({ ...stopped, opened: undefined }, { indexPath: path.join(site, 'index.html'), computed: 16, skipped: 0, written: 16, total: 48, stopped: true, opened: undefined, batch: 16 });
    assert.deepEqual(lens.shownMessages().slice(before), [
      `Build Atlas stopped: 16 of 48 units of mnist-cnn are kept in ${site}; run Build Atlas again on that folder to compute the rest.`,
    ]);
    // What was kept is a site already: conv1 listed, conv2's units missing, and nothing of conv2 half-written.
    assert.deepEqual(atlasJson(site).layers.map((l) => [l.id, l.units.length, l.missing.length]), [['conv1', 16, 0], ['conv2', 0, 32]]);
    assert.ok(!existsSync(path.join(site, 'units', 'conv2')), 'a unit of the cancelled batch was left on disk');
    const keptAt = statSync(firstDone).mtimeMs;

    // No batch asked for: the resumed run uses the atlas's own (16), not the backend's.
    const second = await buildAtlas(args);
    assert.ok(second);
    assert.deepEqual({ ...second }, { indexPath: path.join(site, 'index.html'), computed: 32, skipped: 16, written: 48, total: 48, stopped: false, opened: undefined, batch: 16 });
    assert.equal(statSync(firstDone).mtimeMs, keptAt, 'a kept unit was computed again');
    assert.deepEqual(atlasJson(site).layers.map((l) => [l.id, l.units.length, l.missing.length]), [['conv1', 16, 0], ['conv2', 32, 0]]);
    assert.equal(readdirSync(path.join(site, 'unit', 'conv2')).length, 32);
    assert.equal(lens.shownMessages().at(-1), `Atlas of mnist-cnn built (32 units computed, 16 kept from the last run): ${path.join(site, 'index.html')}`);
  });

  test('a folder that holds other files and no atlas is refused in one sentence, and nothing is written there', async function () {
    this.timeout(60_000);
    const lens = await api();
    const busy = path.join(dir, 'busy');
    mkdirSync(busy);
    writeFileSync(path.join(busy, 'notes.txt'), 'mine');
    const before = lens.shownMessages().length;
    const outcome = await buildAtlas({ modelPath: sampleModelPath(), outDir: busy, layers: ['conv1'], steps: 16, open: false });
    assert.equal(outcome, undefined);
    assert.deepEqual(lens.shownMessages().slice(before), [`${busy} is not empty and holds no atlas: choose an empty folder or a previous atlas of this model.`]);
    assert.deepEqual(readdirSync(busy), ['notes.txt']);
  });

  test('from the Layers view it asks for dataset images, then the folder, offering <model>-atlas next to the model', async function () {
    this.timeout(60_000);
    const lens = await api();
    const offered = lens.offeredQuickPicks().length;
    // Only the images question is answered: the folder question is dismissed (Escape), so nothing is written.
    lens.answerQuickPicks(['No dataset images']);
    try {
      const outcome = await buildAtlas({ kind: 'model', entry: { path: sampleModelPath() } });
      assert.equal(outcome, undefined);
    } finally {
      lens.answerQuickPicks(undefined);
    }
    const picks = lens.offeredQuickPicks().slice(offered);
    assert.deepEqual(picks.map((p) => p.items.map((i) => i.label)), [['No dataset images', 'Choose folder…'], ['mnist-cnn-atlas', 'Choose folder…']]);
    assert.equal(picks[0]!.title, 'Layer Lens: Build Atlas — mnist-cnn');
    assert.equal(picks[1]!.items[0]!.description, `next to the model: ${path.join(path.dirname(sampleModelPath()), 'mnist-cnn-atlas')}`);
    assert.ok(!existsSync(path.join(path.dirname(sampleModelPath()), 'mnist-cnn-atlas')));
  });
});
