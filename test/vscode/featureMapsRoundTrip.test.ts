// Feature Maps draws an image after one engine request: featureMaps.open answers with the values of the layer the
// panel shows, so no featureMaps.layer follows it; only another layer picked afterwards costs one more request.
import * as assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { api, sampleModelPath, waitForSnapshot } from './helpers';

function sampleDigit(index: number): string {
  const dir = path.join(path.dirname(sampleModelPath()), 'samples');
  const png = readdirSync(dir).filter((f) => f.endsWith('.png')).sort()[index];
  assert.ok(png, `no sample digit PNG number ${index} in ${dir}`);
  return path.join(dir, png);
}

suite('Feature Maps: one round trip', () => {
  test('an image is drawn after one featureMaps.open and no featureMaps.layer; another layer costs one featureMaps.layer', async function () {
    this.timeout(90_000);
    const lens = await api();
    const image = sampleDigit(7);
    const before = lens.featureMapsEngineRequests();
    await vscode.commands.executeCommand('layerLens.showFeatureMaps', { modelPath: sampleModelPath(), imagePath: image, layerId: 'pool1' });
    const pool1 = await waitForSnapshot('featureMaps', 'pool1 of the digit drawn', (s) => s.meta.imageName === path.basename(image) && s.meta.layerId === 'pool1' && s.meta.mapWidth === 13, 60_000);
    assert.equal(pool1.meta.channels, 16);
    const opened = lens.featureMapsEngineRequests();
    assert.equal(opened.open - before.open, 1, `the image took ${opened.open - before.open} featureMaps.open requests`);
    assert.equal(opened.layer - before.layer, 0, 'the shown layer was fetched with a second request instead of coming with featureMaps.open');

    await vscode.commands.executeCommand('layerLens.showFeatureMaps', { modelPath: sampleModelPath(), layerId: 'conv1' });
    await waitForSnapshot('featureMaps', 'conv1 of the same digit', (s) => s.meta.imageName === path.basename(image) && s.meta.layerId === 'conv1' && s.meta.mapWidth === 26, 60_000);
    const picked = lens.featureMapsEngineRequests();
    assert.equal(picked.open - opened.open, 0, 'picking a layer ran the model again');
    assert.equal(picked.layer - opened.layer, 1, `picking conv1 took ${picked.layer - opened.layer} featureMaps.layer requests`);
  });
});
