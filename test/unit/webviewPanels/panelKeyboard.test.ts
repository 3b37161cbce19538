// What a keyboard user can do in the panels' real webview code (Chromium, fake host, the scenes of panelScenes.ts):
// reach a control with Tab, use it with Enter or Space, and see where the focus is in the theme's focus colour.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { closeBrowser, openPanel, type PanelPage, type Posted } from '../webviewBridge/panelPage';
import { SCENES } from './panelScenes';
import { applyThemeScript, DARK } from './themes';

let panel: PanelPage;

before(async () => {
  panel = await openPanel('featureMaps');
  await panel.page.evaluate(applyThemeScript(DARK));
  await SCENES.featureMaps(panel);
});

after(async () => {
  await panel?.close();
  await closeBrowser();
});

const explains = async (): Promise<Posted[]> => (await panel.posted()).filter((p) => p.type === 'explain');

test('Feature Maps: Tab reaches a top prediction, Enter and Space explain its class, the focus shows in the theme colour', async () => {
  assert.deepEqual(await explains(), []);
  // Tab from the first prediction lands on the second, as a keyboard user moves down the list.
  await panel.page.focus('#predictions li');
  await panel.page.keyboard.press('Tab');
  const focused = await panel.page.evaluate(`(() => {
    const el = document.activeElement;
    const style = getComputedStyle(el);
    return { text: el.textContent, role: el.getAttribute('role'), label: el.getAttribute('aria-label'), outline: style.outlineStyle + ' ' + style.outlineColor };
  })()`) as { text: string; role: string | null; label: string | null; outline: string };
  assert.match(focused.text, /^Labrador retriever/);
  assert.equal(focused.role, 'button');
  assert.equal(focused.label, 'Explain Labrador retriever (20.0%)');
  assert.equal(focused.outline, 'solid rgb(0, 120, 212)', 'the focus outline is the theme\'s focusBorder');
  await panel.page.keyboard.press('Enter');
  await panel.waitForPosted((p) => p.type === 'explain', 'explain after Enter');
  const afterEnter = await explains();
  assert.ok(afterEnter.length > 0);
  assert.ok(afterEnter.every((p) => (p.options as { target?: { classIndex?: number } }).target?.classIndex === 208), `explained ${JSON.stringify(afterEnter.map((p) => p.options))}`);
  await panel.page.keyboard.press(' ');
  await panel.page.waitForFunction(`window.fakeHost.posted.filter((p) => p.type === 'explain').length > ${afterEnter.length}`);
  assert.deepEqual(panel.errors, []);
});
