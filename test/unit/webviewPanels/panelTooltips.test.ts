// Tooltips that say something: in the panels' real webview code (Chromium, fake host, panelScenes.ts), a list's
// tooltip follows what is picked in it and says what that is, not only the name already shown.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { closeBrowser, openPanel, type PanelPage } from '../webviewBridge/panelPage';
import { SCENES } from './panelScenes';

let panel: PanelPage;

before(async () => {
  panel = await openPanel('actmax');
  await SCENES.actmax(panel);
});

after(async () => {
  await panel?.close();
  await closeBrowser();
});

const layerTitle = (): Promise<string> => panel.page.evaluate(`document.getElementById('layer').title`) as Promise<string>;

test('Maximize Activation: the Layer list\'s tooltip says what the picked layer is, and follows a new pick', async () => {
  assert.equal(await layerTitle(), 'layer4.1.conv2: conv · 512 units');
  // A pick as the list reports one: its value, then change.
  await panel.page.evaluate(`(() => { const el = document.getElementById('layer'); el.value = 'fc'; el.dispatchEvent(new Event('change')); })()`);
  await panel.waitForPosted((p) => p.type === 'setState' && (p.state as { layerId?: string }).layerId === 'fc', 'setState with layer fc');
  assert.equal(await layerTitle(), 'fc: dense · 1000 units');
  assert.deepEqual(panel.errors, []);
});
