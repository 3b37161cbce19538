// "Show Feature Maps" on a sample digit draws conv1's 16 maps (26×26 after a valid 3×3 conv of 28×28) on the
// panel's canvas and lists top predictions.
import * as assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CanvasSnapshot } from '../../src/host/api';
import { api, sampleModelPath, waitFor } from './helpers';

function sampleDigit(): string {
  const dir = path.join(path.dirname(sampleModelPath()), 'samples');
  const png = readdirSync(dir).filter((f) => f.endsWith('.png')).sort()[0];
  assert.ok(png, `no sample digit PNG in ${dir}`);
  return path.join(dir, png);
}

suite('Show Feature Maps', () => {
  let snap: CanvasSnapshot;

  suiteSetup(async function () {
    this.timeout(90_000);
    const lens = await api();
    const imagePath = sampleDigit();
    await vscode.commands.executeCommand('layerLens.showFeatureMaps', { modelPath: sampleModelPath(), imagePath, layerId: 'conv1' });
    let last = 'no feature maps panel';
    snap = await waitFor(
      'a feature maps canvas for conv1',
      async () => {
        const s = await lens.panelSnapshot('featureMaps');
        if (s) last = `a ${s.width}×${s.height} canvas with meta ${JSON.stringify(s.meta)}`;
        return s && s.meta.layerId === 'conv1' && s;
      },
      60_000,
    ).catch((err: Error) => {
      throw new Error(`${err.message} Last seen: ${last}; messages: ${JSON.stringify(lens.shownMessages())}`);
    });
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('shows 16 maps of 26×26', () => {
    assert.equal(snap.meta.channels, 16);
    assert.equal(snap.meta.mapWidth, 26);
    assert.equal(snap.meta.mapHeight, 26);
  });

  test('the canvas is drawn, not blank', () => {
    assert.equal(snap.rgba.length, snap.width * snap.height * 4);
    const values = new Set<number>();
    let opaque = 0;
    for (let i = 0; i < snap.rgba.length; i += 4) {
      if (snap.rgba[i + 3] === 0) continue;
      opaque++;
      values.add((snap.rgba[i]! << 16) | (snap.rgba[i + 1]! << 8) | snap.rgba[i + 2]!);
    }
    assert.ok(opaque > 16 * 26 * 26, `only ${opaque} opaque pixels`);
    assert.ok(values.size > 16, `only ${values.size} distinct colors`);
  });

  test('lists top predictions', () => {
    assert.equal(typeof snap.meta.predictions, 'string');
    assert.ok(String(snap.meta.predictions).length > 0, 'no predictions');
  });
});
