// `layerLens.backend` picks the engine's TF.js backend, and the status bar names the one running.
import * as assert from 'node:assert/strict';
import { api, waitFor, withSetting } from './helpers';

suite('backend setting', () => {
  let restore: (() => Thenable<void>) | undefined;

  suiteTeardown(async () => {
    await restore?.();
  });

  for (const backend of ['cpu', 'wasm'] as const) {
    test(`${backend} shows in the status bar`, async function () {
      this.timeout(90_000);
      const lens = await api();
      const undo = await withSetting('layerLens', 'backend', backend);
      restore ??= undo;
      const status = await waitFor(`the engine to run ${backend}`, async () => {
        const s = await lens.backendStatus();
        return s.active === backend && s;
      }, 60_000);
      assert.equal(status.preference, backend);
      await waitFor(`the status bar to name ${backend} (now "${lens.statusBarText()}")`, () => lens.statusBarText().includes(backend));
      assert.ok(!lens.statusBarText().includes(backend === 'cpu' ? 'wasm' : 'cpu'), lens.statusBarText());
    });
  }
});
