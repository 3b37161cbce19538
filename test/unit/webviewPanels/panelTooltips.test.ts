// Lists and tooltips that say something: in the panels' real webview code (Chromium, fake host, panelScenes.ts), a
// list's tooltip follows what is picked in it and says what that is, and a list always shows a choice.
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

test('Maximize Activation: the Advanced Image list shows "Preset" when the preset decides the image, and sends no param', async () => {
  // The fold opened as a user opens it, then what the list's face says.
  await panel.page.click('details.am-advanced summary');
  await panel.page.waitForFunction(`document.getElementById('param').shadowRoot.querySelector('.select-face .text')?.textContent === 'Preset'`, undefined, { timeout: 2000 }).catch(() => undefined);
  const shown = await panel.page.evaluate(`(() => { const el = document.getElementById('param'); return { index: el.selectedIndex, face: el.shadowRoot.querySelector('.select-face .text')?.textContent ?? null }; })()`) as { index: number; face: string | null };
  assert.equal(shown.index, 0, 'the first choice, "Preset", is selected');
  assert.equal(shown.face, 'Preset', 'the list\'s face names the choice');
  await panel.send({ type: 'requestSnapshot', requestId: 99 });
  const states = (await panel.posted()).filter((p) => p.type === 'setState');
  const settings = (states.at(-1)?.state as { settings?: Record<string, unknown> } | undefined)?.settings;
  assert.ok(settings && !('param' in settings), `the settings carry no param: ${JSON.stringify(settings)}`);
});
