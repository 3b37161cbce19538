// Top Images beside another editor: in half of the window a row at its natural tile size (MNIST's 28 px digits
// enlarged to about 84 px: label, actmax tile, 4 images, 4 crops) is wider than the panel, so the crops at its end
// were cut off. The rows must shrink to fit the panel (down to 32 px tiles, past which the grid scrolls sideways).
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { sampleModelPath, waitForSnapshot, workspaceDir, writeDigitPngs } from './helpers';

const IMAGES = 12;
/** The smallest tile the panel shrinks to before it scrolls sideways (webview/src/topk/rowLayout.ts MIN_TILE). */
const MIN_TILE = 32;

suite('Scenario: Top Images in half the window', () => {
  let folder: string;

  suiteSetup(async function () {
    this.timeout(90_000);
    folder = mkdtempSync(path.join(workspaceDir(), 'topk-narrow-'));
    writeDigitPngs(folder, IMAGES);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('workbench.action.editorLayoutTwoColumns');
    await vscode.commands.executeCommand('workbench.action.focusSecondEditorGroup');
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('workbench.action.editorLayoutSingle');
    rmSync(folder, { recursive: true, force: true });
  });

  test('each row fits the panel\'s width, crops included', async function () {
    this.timeout(90_000);
    await vscode.commands.executeCommand('layerLens.findTopImages', { modelPath: sampleModelPath(), layerId: 'conv2', folder, k: 4 });
    const snap = await waitForSnapshot('topk', `the conv2 rows of ${IMAGES} digits`, (s) => s.meta.images === IMAGES && (s.meta.rowsDrawn as number) > 0, 60_000);
    const m = snap.meta as Record<string, number>;
    // Half of a 1400 px window: room for 32 px tiles or more, so nothing needs to scroll sideways.
    assert.ok(m.viewWidth! < 800, `the panel is ${m.viewWidth} px wide: not beside another editor`);
    assert.ok(m.layoutWidth! <= m.viewWidth!, `a ${m.layoutWidth} px row (${m.tile} px tiles) in a ${m.viewWidth} px panel: the crops are cut off`);
    assert.ok(m.tile! >= MIN_TILE, `tiles of ${m.tile} px, below the ${MIN_TILE} px the rows shrink to`);
    assert.equal(snap.width, m.layoutWidth, 'the canvas is not as wide as a row');
  });
});
