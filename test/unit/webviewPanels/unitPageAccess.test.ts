// The Unit panel as a screen-reader and low-vision user meets it (real webview code in Chromium, fake host, the
// scene of panelScenes.ts, whose unit's image is weak): the weak badge's text against its background, as the page
// resolves the theme's colours, meets WCAG AA (4.5:1) in every built-in theme; "weak" is written, not only coloured;
// the pictures are named; a link that opens another unit leaves the focus on the page; progress is spoken.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { closeBrowser, openPanel, type PanelPage } from '../webviewBridge/panelPage';
import { SCENES } from './panelScenes';
import { applyThemeScript, DARK, DARK_PLUS, HC_DARK, HC_LIGHT, LIGHT, LIGHT_PLUS } from './themes';

let panel: PanelPage;

before(async () => {
  panel = await openPanel('unit');
  await panel.page.evaluate(applyThemeScript(DARK));
  await SCENES.unit(panel);
});

after(async () => {
  await panel?.close();
  await closeBrowser();
});

/** [r, g, b, a] (0-255, alpha 0-1) of a computed CSS colour: "rgb(…)" or "rgba(…)". */
function parseRgb(css: string): [number, number, number, number] {
  const m = /^rgba?\((\d+(?:\.\d+)?),\s*(\d+(?:\.\d+)?),\s*(\d+(?:\.\d+)?)(?:,\s*(\d*\.?\d+))?\)$/.exec(css);
  if (!m) throw new Error(`not an rgb colour: ${css}`);
  return [Number(m[1]), Number(m[2]), Number(m[3]), m[4] === undefined ? 1 : Number(m[4])];
}

/** WCAG 2's relative luminance of an sRGB colour. */
function luminance([r, g, b]: number[]): number {
  const lin = (c: number): number => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r!) + 0.7152 * lin(g!) + 0.0722 * lin(b!);
}

/** WCAG 2's contrast ratio of text over a background; a translucent colour is first laid over the one under it. */
export function contrastRatio(text: string, background: string, under: string): number {
  const over = (top: number[], bottom: number[]): number[] => top.slice(0, 3).map((c, i) => c * top[3]! + bottom[i]! * (1 - top[3]!));
  const base = parseRgb(under);
  const bg = over(parseRgb(background), base);
  const fg = over(parseRgb(text), bg);
  const [hi, lo] = [luminance(fg), luminance(bg)].sort((a, b) => b - a);
  return (hi! + 0.05) / (lo! + 0.05);
}

test('the WCAG contrast of known pairs (black on white 21, #767676 on white 4.54)', () => {
  assert.equal(contrastRatio('rgb(0, 0, 0)', 'rgb(255, 255, 255)', 'rgb(255, 255, 255)').toFixed(2), '21.00');
  assert.equal(contrastRatio('rgb(118, 118, 118)', 'rgb(255, 255, 255)', 'rgb(0, 0, 0)').toFixed(2), '4.54');
  assert.equal(contrastRatio('rgb(0, 0, 0)', 'rgba(0, 0, 0, 0)', 'rgb(255, 255, 255)').toFixed(2), '21.00');
});

test('the weak badge says "weak" and its text meets 4.5:1 in Dark+, Light+, Dark/Light Modern and both high-contrast themes', async () => {
  assert.match((await panel.page.textContent('#badge')) ?? '', /^weak · q \d+\.\d\d× · r \d+\.\d\d×$/);
  assert.equal(await panel.page.evaluate(`document.getElementById('badge').classList.contains('weak')`), true);
  const ratios: string[] = [];
  for (const theme of [DARK_PLUS, LIGHT_PLUS, DARK, LIGHT, HC_DARK, HC_LIGHT]) {
    await panel.page.evaluate(applyThemeScript(theme));
    const c = await panel.page.evaluate(`(() => {
      const b = getComputedStyle(document.getElementById('badge'));
      return { color: b.color, background: b.backgroundColor, page: getComputedStyle(document.body).backgroundColor };
    })()`) as { color: string; background: string; page: string };
    const ratio = contrastRatio(c.color, c.background, c.page);
    ratios.push(`${theme.name} ${c.color} on ${c.background}: ${ratio.toFixed(2)}`);
  }
  const low = ratios.filter((r) => Number(r.split(': ')[1]) < 4.5);
  assert.deepEqual(low, [], ratios.join('\n'));
  await panel.page.evaluate(applyThemeScript(DARK));
});

test('every picture has a name that says what it shows; seed 0\'s says its quality in words', async () => {
  const names = await panel.page.evaluate(`[...document.querySelectorAll('#page canvas')].map((c) => c.getAttribute('role') + ': ' + c.getAttribute('aria-label'))`) as string[];
  assert.equal(names.length, 8);
  assert.ok(names.every((n) => n.startsWith('img: ')), names.join('\n'));
  assert.equal(await panel.page.getByRole('img', { name: /^layer3\.1\.conv2 unit 117, seed 0, activation 14\.2, quality weak \(q \d\.\d\d× · r 0\.45×\)$/ }).count(), 1);
  assert.equal(await panel.page.getByRole('img', { name: 'layer3.1.conv2 unit 117, diversity image 4 of 4', exact: true }).count(), 1);
  assert.equal(await panel.page.getByRole('link', { name: 'layer3.1.conv1 unit 12', exact: true }).count(), 1);
});

test('a strongest input opened by keyboard: the focus stays on the page while the new unit is computed, and progress is spoken', async () => {
  await panel.page.getByRole('link', { name: 'layer3.1.conv1 unit 12', exact: true }).focus();
  await panel.page.keyboard.press('Enter');
  const open = await panel.waitForPosted((p) => p.type === 'openUnit', 'openUnit after Enter on a link');
  assert.deepEqual({ layerId: open.layerId, unit: open.unit }, { layerId: 'layer3.1.conv1', unit: 12 });
  // The host answers as it does: the new unit's state, then progress.
  const state = { modelPath: '/m.onnx', modelName: 'resnet18_imagenet_finetuned', layerId: 'layer3.1.conv1', unit: 12, settings: { preset: 'lucid', seeds: 2, k: 5 } };
  await panel.send({ type: 'init', state, backend: 'wasm' });
  const after = await panel.page.evaluate(`({ id: document.activeElement.id, label: document.activeElement.getAttribute('aria-label') })`);
  assert.deepEqual(after, { id: 'page', label: 'layer3.1.conv1 unit 12' }, 'the focus fell to the page body when the old page went');
  await panel.send({ type: 'progress', message: 'Computing layer3.1.conv1 unit 12…', fraction: 0 });
  assert.equal(await panel.page.textContent('#unitAnnouncer'), 'Computing layer3.1.conv1 unit 12…');
  await panel.send({ type: 'progress', message: 'Feature visualization: step 20 of 256', fraction: 0.1 });
  assert.equal(await panel.page.textContent('#unitAnnouncer'), 'Computing layer3.1.conv1 unit 12…', 'spoken before its quarter');
  await panel.send({ type: 'progress', message: 'Feature visualization: step 140 of 256', fraction: 0.55 });
  assert.equal(await panel.page.textContent('#unitAnnouncer'), 'Feature visualization: step 140 of 256');
  assert.equal(await panel.page.getAttribute('#progress', 'aria-valuenow'), '55');
  assert.deepEqual(panel.errors, []);
});

test('Compute again by keyboard hands the focus to Cancel while busy, and Cancel hands it back', async () => {
  await panel.send({ type: 'cancelled', message: 'Cancelled.' });
  await panel.page.focus('#compute');
  await panel.page.keyboard.press('Enter');
  await panel.waitForPosted((p) => p.type === 'compute', 'compute after Enter');
  await panel.send({ type: 'progress', message: 'Computing layer3.1.conv1 unit 12…', fraction: 0 });
  assert.equal(await panel.page.evaluate('document.activeElement.id'), 'cancel');
  await panel.send({ type: 'cancelled', message: 'Cancelled.' });
  assert.equal(await panel.page.evaluate('document.activeElement.id'), 'compute');
  assert.equal(await panel.page.textContent('#unitAnnouncer'), 'Cancelled.');
});
