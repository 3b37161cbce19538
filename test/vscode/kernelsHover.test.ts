// The kernels panel's hover line names the numbers of the filter under the mouse; after the panel switches to
// another layer, those numbers belong to a layer no longer shown and must go.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { api, sampleModelPath, waitFor, waitForSnapshot } from './helpers';

function showKernels(layerId: string): Thenable<unknown> {
  return vscode.commands.executeCommand('layerLens.visualizeKernels', { modelPath: sampleModelPath(), layerId });
}

suite('Visualize Kernels: hover after switching layer', () => {
  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('a new layer clears the previous layer\'s hover numbers', async function () {
    this.timeout(90_000);
    const lens = await api();
    await showKernels('conv1');
    await waitForSnapshot('kernels', 'the conv1 kernels', (s) => s.meta.layerId === 'conv1', 60_000);
    const hovered = await waitFor('the hover line to show conv1 filter numbers', async () => {
      assert.ok(lens.hoverFirstKernel(), 'no kernels panel is open');
      const s = await lens.panelSnapshot('kernels');
      return typeof s?.meta.hover === 'string' && s.meta.hover.startsWith('filter ') ? s.meta.hover : undefined;
    });
    assert.match(hovered, /^filter \d+ — min -?\d/);

    await showKernels('conv2');
    const snap = await waitForSnapshot('kernels', 'the panel to switch to conv2', (s) => s.meta.layerId === 'conv2');
    assert.equal(snap.meta.hover, 'Hover a filter for its numbers; click it to zoom; double-click: unit page.', `conv2 is shown but the hover line still reads "${String(snap.meta.hover)}"`);
  });
});
