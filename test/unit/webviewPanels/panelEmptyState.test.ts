// Each panel's real webview code (Chromium, fake host) before anything is drawn in it: as the page mounts and
// after its init, nothing the script hid shows (a class's display beat the hidden attribute before), and no empty
// frame stands where a picture will come.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { closeBrowser, openPanel } from '../webviewBridge/panelPage';
import { initOnly, type PanelName } from './panelScenes';

const PANELS: PanelName[] = ['kernels', 'featureMaps', 'actmax', 'topk', 'unit'];

after(async () => {
  await closeBrowser();
});

/** Elements with the hidden attribute that still take room on the page. */
const SHOWN_HIDDEN = `[...document.querySelectorAll('#app [hidden]')].filter((el) => el.getClientRects().length > 0).map((el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + '.' + el.className)`;

for (const name of PANELS) {
  test(`${name}: nothing hidden shows, as the page mounts and after init`, async () => {
    const panel = await openPanel(name);
    try {
      assert.deepEqual(await panel.page.evaluate(SHOWN_HIDDEN), [], 'as the page mounts');
      await panel.send(initOnly(name));
      assert.deepEqual(await panel.page.evaluate(SHOWN_HIDDEN), [], 'after init');
      if (name === 'actmax') {
        assert.equal(await panel.page.evaluate(`getComputedStyle(document.getElementById('amMain')).visibility`), 'hidden', 'the picture\'s empty frame before a run');
      }
      assert.deepEqual(panel.errors, []);
    } finally {
      await panel.close();
    }
  });
}
