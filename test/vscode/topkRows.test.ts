// The rows of the Top Images panel: a toolbar toggle un-sorts the dead channels (listed last by default, in channel
// order when toggled), the choice stays with the panel for its next search; a double-click on a row's thumbnail
// asks for that channel's Unit page. The model is the any-size conv with one filter made all negative, so on
// images (pixels ≥ 0) its channel is dead and the others are live.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { OPEN_UNIT_COMMAND } from '../../src/host/panels/panelBase';
import { api, waitFor, waitForSnapshot } from './helpers';
import { findTopImages, topkAction, topkSuite } from './topkSuite';

const DEAD = 1;
const K = 2;

suite('Top Images: dead channels toggle and the unit page', () => {
  const fx = topkSuite({ prefix: 'topk-rows-', images: 10, k: K, graph: { deadFilters: [DEAD] } });

  test('by default the dead channel is listed last, and the summary says so', async function () {
    this.timeout(45_000);
    const snap = await waitForSnapshot('topk', 'the rows', (s) => (s.meta.rowsDrawn as number) > 0, 40_000);
    assert.equal(snap.meta.dead, 1);
    assert.equal(snap.meta.deadLast, 1);
    assert.equal(snap.meta.order, '0,2,3,1');
    assert.ok(String(snap.meta.summary).includes('1 dead (max 0 over the folder, listed last)'), `summary: ${snap.meta.summary}`);
  });

  test('the toggle puts every channel in channel order, and the next search keeps it', async function () {
    this.timeout(45_000);
    assert.equal(await topkAction({ kind: 'toggleDeadLast' }), true);
    const toggled = await waitForSnapshot('topk', 'the rows in channel order', (s) => s.meta.order === '0,1,2,3', 10_000);
    assert.equal(toggled.meta.deadLast, 0);
    assert.ok(String(toggled.meta.summary).includes('1 dead (max 0 over the folder, in channel order)'), `summary: ${toggled.meta.summary}`);
    // The host keeps the choice: the panel's next search (from the cache) shows the same order.
    await findTopImages(fx.modelPath, fx.digits, K);
    const again = await waitForSnapshot('topk', 'the next search', (s) => s.meta.fromCache === 1 && (s.meta.rowsDrawn as number) > 0, 30_000);
    assert.equal(again.meta.order, '0,1,2,3');
    assert.equal(again.meta.deadLast, 0);
    assert.equal(await topkAction({ kind: 'toggleDeadLast' }), true);
    await waitForSnapshot('topk', 'the dead channel last again', (s) => s.meta.order === '0,2,3,1' && s.meta.deadLast === 1, 10_000);
  });

  test('the hover hint names the double-click, and a double-click on a row\'s thumbnail asks for that channel\'s unit page', async function () {
    this.timeout(45_000);
    const lens = await api();
    const snap = await waitForSnapshot('topk', 'the rows', (s) => (s.meta.rowsDrawn as number) > 0);
    assert.ok(String(snap.meta.hint).includes('double-click: unit page'), `hint: ${snap.meta.hint}`);
    const row = 3;
    const channel = Number(String(snap.meta.order).split(',')[row]);
    if ((await vscode.commands.getCommands(true)).includes(OPEN_UNIT_COMMAND)) {
      // The Unit panel exists: the double-click opens it.
      const before = unitTabs();
      assert.equal(lens.openUnitFromPanel('topk', row), true);
      await waitFor('a Unit panel to open', () => unitTabs() > before, 30_000);
      return;
    }
    // No Unit panel in this build yet: what the webview asked for reaches the command, recorded here.
    const asked: unknown[] = [];
    const recorder = vscode.commands.registerCommand(OPEN_UNIT_COMMAND, (arg: unknown) => void asked.push(arg));
    try {
      assert.equal(lens.openUnitFromPanel('topk', row), true);
      const got = await waitFor('the openUnit request', () => asked[0], 10_000);
      assert.deepEqual(got, { modelPath: fx.modelPath, layerId: 'conv', unit: channel });
    } finally {
      recorder.dispose();
    }
  });
});

/** Open editor tabs that are Unit panels. */
function unitTabs(): number {
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.includes('layerLens.unit')).length;
}
