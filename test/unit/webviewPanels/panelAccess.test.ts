// What a keyboard and screen-reader user meets in the panels' real webview code (Chromium, fake host, the scenes of
// panelScenes.ts): every control and tile is reached with Tab and the arrow keys, used with Enter or Space, shows
// its focus in the theme's focus colour and keeps it when the panel redraws; tiles and pictures are named with
// what they show; a list's tooltip (its description to a screen reader) says what is picked in it; progress and
// failures are spoken; the Unit page's weak badge is readable in every built-in theme.
// One file, one browser: each Chromium start costs npm test seconds.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { closeBrowser, openPanel, type PanelPage, type Posted } from '../webviewBridge/panelPage';
import { contrastRatio } from './contrast';
import { ATLAS, SCENES } from './panelScenes';
import { applyThemeScript, DARK, DARK_PLUS, HC_DARK, HC_LIGHT, LIGHT, LIGHT_PLUS } from './themes';
// The grid panels' cells by keyboard: their tests run on this file's browser.
import './gridTilesAccess';

let featureMaps: PanelPage;
let atlas: PanelPage;
let live: PanelPage;
let unit: PanelPage;
let lists: PanelPage;

before(async () => {
  featureMaps = await openPanel('featureMaps');
  await featureMaps.page.evaluate(applyThemeScript(DARK));
  await SCENES.featureMaps(featureMaps);
  atlas = await openPanel('actmax');
  await atlas.page.evaluate(applyThemeScript(DARK));
  await atlas.page.setViewportSize({ width: 1400, height: 800 });
  await SCENES.actmaxAtlas(atlas);
  live = await openPanel('actmax');
  await live.page.evaluate(applyThemeScript(DARK));
  await SCENES.actmax(live);
  unit = await openPanel('unit');
  await unit.page.evaluate(applyThemeScript(DARK));
  await SCENES.unit(unit);
  lists = await openPanel('actmax');
  await SCENES.actmax(lists);
});

after(async () => {
  for (const p of [featureMaps, atlas, live, unit, lists]) await p?.close();
  await closeBrowser();
});

// ---- Feature Maps: the top predictions ----

const explains = async (): Promise<Posted[]> => (await featureMaps.posted()).filter((p) => p.type === 'explain');

test('Feature Maps: Tab reaches a top prediction, Enter and Space explain its class, the focus shows in the theme colour', async () => {
  assert.deepEqual(await explains(), []);
  // Tab from the first prediction lands on the second, as a keyboard user moves down the list.
  await featureMaps.page.focus('#predictions li');
  await featureMaps.page.keyboard.press('Tab');
  const prediction = await featureMaps.page.evaluate(`(() => {
    const el = document.activeElement;
    const style = getComputedStyle(el);
    return { text: el.textContent, role: el.getAttribute('role'), label: el.getAttribute('aria-label'), outline: style.outlineStyle + ' ' + style.outlineColor };
  })()`) as { text: string; role: string | null; label: string | null; outline: string };
  assert.match(prediction.text, /^Labrador retriever/);
  assert.equal(prediction.role, 'button');
  assert.equal(prediction.label, 'Explain Labrador retriever (20.0%)');
  assert.equal(prediction.outline, 'solid rgb(0, 120, 212)', 'the focus outline is the theme\'s focusBorder');
  await featureMaps.page.keyboard.press('Enter');
  await featureMaps.waitForPosted((p) => p.type === 'explain', 'explain after Enter');
  const afterEnter = await explains();
  assert.ok(afterEnter.length > 0);
  assert.ok(afterEnter.every((p) => (p.options as { target?: { classIndex?: number } }).target?.classIndex === 208), `explained ${JSON.stringify(afterEnter.map((p) => p.options))}`);
  await featureMaps.page.keyboard.press(' ');
  await featureMaps.page.waitForFunction(`window.fakeHost.posted.filter((p) => p.type === 'explain').length > ${afterEnter.length}`);
  assert.deepEqual(featureMaps.errors, []);
});

// ---- Maximize Activation: the atlas's tiles and the live view's thumbnails ----

interface Focused {
  index: number | null;
  role: string | null;
  id: string;
  outline: string;
  selected: string | null;
}

const FOCUSED = `(() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  return { index: el.dataset && el.dataset.index !== undefined ? Number(el.dataset.index) : null, role: el.getAttribute('role'), id: el.id,
    outline: style.outlineStyle + ' ' + style.outlineWidth + ' ' + style.outlineColor, selected: el.getAttribute('aria-selected') };
})()`;

const frames = (panel: PanelPage): Promise<unknown> => panel.page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
const focused = (panel: PanelPage): Promise<Focused> => panel.page.evaluate(FOCUSED) as Promise<Focused>;
const cols = (): Promise<number> => atlas.page.evaluate(`document.querySelector('#atlasTiles [role="row"]').children.length`) as Promise<number>;

async function press(panel: PanelPage, key: string): Promise<Focused> {
  await panel.page.keyboard.press(key);
  return focused(panel);
}

test('atlas: one Tab stop for the whole grid, named tiles, arrows, Home/End and Ctrl+Home/End move the focus, shown in the theme colour', async () => {
  await frames(atlas);
  assert.equal(await atlas.page.evaluate(`document.querySelectorAll('#atlasTiles [role="gridcell"]').length`), ATLAS.channels);
  assert.equal(await atlas.page.evaluate(`document.querySelectorAll('#atlasTiles [tabindex="0"]').length`), 1, 'exactly one tile is in the Tab order');
  // From the control before the grid, one Tab lands on the first tile.
  await atlas.page.focus('#advanced summary');
  let at = await press(atlas, 'Tab');
  assert.deepEqual([at.role, at.index], ['gridcell', 0]);
  assert.equal(at.outline, 'solid 2px rgb(0, 120, 212)', "the focus ring is 2 px of the theme's focusBorder");
  // The names a screen reader reads, by the page's own accessibility tree.
  assert.ok(await atlas.page.getByRole('gridcell', { name: `${ATLAS.layerId} unit 0, objective 0.000, from the cache`, exact: true }).evaluate((el) => el === el.ownerDocument.activeElement));
  assert.equal(await atlas.page.getByRole('grid', { name: `${ATLAS.layerId}: ${ATLAS.channels} units. Enter runs a unit, Shift+Enter opens its unit page` }).count(), 1);
  assert.equal(await atlas.page.getByRole('gridcell', { name: `${ATLAS.layerId} unit 63, not yet rendered`, exact: true }).count(), 1);
  assert.equal(await atlas.page.getByRole('gridcell', { name: `${ATLAS.layerId} unit 9, objective 0.900`, exact: true }).count(), 1);

  const c = await cols();
  assert.ok(c > 2 && c < ATLAS.channels, `${c} columns at 1400 px`);
  assert.equal((await press(atlas, 'ArrowLeft')).index, 0, 'Left at the first tile stays there');
  assert.equal((await press(atlas, 'ArrowRight')).index, 1);
  assert.equal((await press(atlas, 'ArrowDown')).index, 1 + c);
  assert.equal((await press(atlas, 'End')).index, 2 * c - 1, 'End: the end of the row');
  assert.equal((await press(atlas, 'Home')).index, c, 'Home: the start of the row');
  assert.equal((await press(atlas, 'ArrowUp')).index, 0);
  assert.equal((await press(atlas, 'Control+End')).index, ATLAS.channels - 1);
  assert.equal((await press(atlas, 'ArrowRight')).index, ATLAS.channels - 1, 'Right at the last tile stays there');
  assert.equal((await press(atlas, 'Control+Home')).index, 0);
  assert.equal(await atlas.page.evaluate(`document.querySelectorAll('#atlasTiles [tabindex="0"]').length`), 1, 'still one Tab stop after moving');
  assert.deepEqual(atlas.errors, []);
});

test('atlas: the focused tile keeps the focus through a relayout; Tab leaves the grid and Shift+Tab comes back to it', async () => {
  await atlas.page.setViewportSize({ width: 1400, height: 800 });
  await frames(atlas);
  await atlas.page.focus('#atlasTiles [tabindex="0"]');
  for (let i = 0; i < 14; i++) await atlas.page.keyboard.press('ArrowRight');
  const before = await cols();
  await atlas.page.setViewportSize({ width: 700, height: 800 });
  await frames(atlas);
  assert.notEqual(await cols(), before, 'the grid did not relayout');
  assert.equal((await focused(atlas)).index, 14, 'the focus went with the relayout');
  const out = await press(atlas, 'Tab');
  assert.notEqual(out.role, 'gridcell', 'Tab stays inside the grid');
  assert.equal((await press(atlas, 'Shift+Tab')).index, 14, 'Shift+Tab comes back to the tile left');
});

test('atlas: the focus ring stands out from the panel (WCAG 1.4.11, 3:1) in Dark+, Light+, Dark/Light Modern and both high-contrast themes', async () => {
  await atlas.page.focus('#atlasTiles [tabindex="0"]');
  const ratios: string[] = [];
  for (const theme of [DARK_PLUS, LIGHT_PLUS, DARK, LIGHT, HC_DARK, HC_LIGHT]) {
    await atlas.page.evaluate(applyThemeScript(theme));
    const c = await atlas.page.evaluate(`({ ring: getComputedStyle(document.activeElement).outlineColor, page: getComputedStyle(document.body).backgroundColor, role: document.activeElement.getAttribute('role') })`) as { ring: string; page: string; role: string };
    assert.equal(c.role, 'gridcell');
    ratios.push(`${theme.name} ${c.ring} on ${c.page}: ${contrastRatio(c.ring, c.page, c.page).toFixed(2)}`);
  }
  await atlas.page.evaluate(applyThemeScript(DARK));
  assert.deepEqual(ratios.filter((r) => Number(r.split(': ')[1]) < 3), [], ratios.join('\n'));
});

test('atlas at 360 px: Ctrl+End scrolls the last tile into view and draws it; Shift+Enter opens its unit page, Enter runs it and the focus follows', async () => {
  await atlas.page.setViewportSize({ width: 360, height: 800 });
  await frames(atlas);
  await atlas.page.focus('#atlasTiles [tabindex="0"]');
  await atlas.page.keyboard.press('Control+Home');
  // Page Down: the rows that fit in the grid's box, in the same column.
  const pageRows = await atlas.page.evaluate(`Math.floor(document.getElementById('atlasScroller').clientHeight / (document.querySelector('#atlasTiles .am-tile').offsetHeight + 4))`) as number;
  const c = await cols();
  assert.ok(pageRows >= 2 && pageRows * c < ATLAS.channels, `${pageRows} rows of ${c} in view at 360 px`);
  assert.equal((await press(atlas, 'PageDown')).index, pageRows * c);
  assert.equal((await press(atlas, 'PageUp')).index, 0);
  await atlas.page.keyboard.press('Control+End');
  await frames(atlas);
  const view = await atlas.page.evaluate(`(() => {
    const s = document.getElementById('atlasScroller').getBoundingClientRect();
    const t = document.activeElement.getBoundingClientRect();
    const scroller = document.getElementById('atlasScroller');
    return { inside: t.top >= s.top - 0.5 && t.bottom <= s.bottom + 0.5, scrollTop: scroller.scrollTop, canvasTop: parseFloat(document.getElementById('atlasGrid').style.top) };
  })()`) as { inside: boolean; scrollTop: number; canvasTop: number };
  assert.ok(view.scrollTop > 0 && view.inside, `the last tile is not in view: ${JSON.stringify(view)}`);
  assert.equal(view.canvasTop, view.scrollTop, 'the canvas was not drawn at the scrolled position');
  // Half the units rendered: the live region said so once, at the half, not at every batch.
  assert.equal(await atlas.page.textContent('#atlasAnnouncer'), `${ATLAS.layerId}: 32 of ${ATLAS.channels} units rendered.`);

  await atlas.page.keyboard.press('Shift+Enter');
  const page = await atlas.waitForPosted((p) => p.type === 'openUnit', 'openUnit after Shift+Enter');
  assert.deepEqual({ layerId: page.layerId, unit: page.unit }, { layerId: ATLAS.layerId, unit: ATLAS.channels - 1 });
  assert.equal((await atlas.posted()).filter((p) => p.type === 'run').length, 0, 'Shift+Enter also ran the unit');

  await atlas.page.keyboard.press('Enter');
  const run = await atlas.waitForPosted((p) => p.type === 'run', 'run after Enter');
  const state = run.state as { view: string; settings: { units: string } };
  assert.deepEqual([state.view, state.settings.units], ['single', String(ATLAS.channels - 1)]);
  assert.equal(await atlas.page.evaluate(`document.getElementById('atlasRoot').hidden`), true);
  assert.equal((await focused(atlas)).id, 'amCaption', 'the focus went with the hidden atlas instead of following to the run');
  assert.deepEqual(atlas.errors, []);
});

test('live view: the unit thumbnails are one Tab stop; arrows move, Space and Enter show a unit large; the focus stays through a new frame', async () => {
  const units = [0, 3, 8, 9, 10, 11];
  assert.match((await live.page.textContent('#amAnnouncer')) ?? '', /^Done: layer4\.1\.conv2 units 0, 3, 8, 9, 10, 11, objective /);
  await live.page.focus('#amUnits [tabindex="0"]');
  let at = await focused(live);
  assert.deepEqual([at.role, at.index, at.selected], ['option', 0, 'true']);
  at = await press(live, 'ArrowRight');
  assert.deepEqual([at.index, at.selected], [1, 'false']);
  assert.equal(at.outline, 'solid 2px rgb(0, 120, 212)');
  at = await press(live, ' ');
  assert.deepEqual([at.index, at.selected], [1, 'true']);
  assert.equal(await live.page.getAttribute('#amMain', 'aria-label'), 'layer4.1.conv2 unit 3 at step 256 of 256');
  await live.page.keyboard.press('ArrowRight');
  at = await press(live, 'Enter');
  assert.deepEqual([at.index, at.selected], [2, 'true']);
  assert.equal(await live.page.getByRole('option', { name: /^layer4\.1\.conv2 unit 8, objective \d+\.\d{3}$/ }).getAttribute('aria-selected'), 'true');
  const side = 32;
  const image = new Uint8ClampedArray(side * side * 4).fill(200);
  await live.send({ type: 'frame', runId: 1, frame: { step: 256, totalSteps: 256, images: units.map(() => image), width: side, height: side, objective: units.map((u) => u) } });
  at = await focused(live);
  assert.deepEqual([at.role, at.index], ['option', 2], 'a new frame took the focus away from the thumbnail');
  const posted: Posted[] = await live.posted();
  assert.equal(posted.filter((p) => p.type === 'run').length, 0, 'choosing a thumbnail ran something');
  assert.deepEqual(live.errors, []);
});

test('live view by keyboard: Run hands the focus to Cancel while running and back when the run ends; the progress bar and the live region say how far; a failure is an alert', async () => {
  await live.page.focus('#run');
  await live.page.keyboard.press('Enter');
  await live.waitForPosted((p) => p.type === 'run', 'run after Enter on Run');
  await live.send({ type: 'runStarted', runId: 2, layerId: 'layer4.1.conv2', units: [3], totalSteps: 256 });
  assert.equal((await focused(live)).id, 'cancel', 'the disabled Run button dropped the focus');
  assert.equal(await live.page.textContent('#amAnnouncer'), 'Optimizing layer4.1.conv2 unit 3: 256 steps.');
  const side = 32;
  const frame = (step: number) => ({ type: 'frame', runId: 2, frame: { step, totalSteps: 256, images: [new Uint8ClampedArray(side * side * 4).fill(90)], width: side, height: side, objective: [step / 100] } });
  await live.send(frame(32));
  assert.equal(await live.page.textContent('#amAnnouncer'), 'Optimizing layer4.1.conv2 unit 3: 256 steps.', 'spoken before a quarter was reached');
  await live.send(frame(64));
  assert.equal(await live.page.textContent('#amAnnouncer'), 'Step 64 of 256.');
  assert.deepEqual(await live.page.getByRole('progressbar', { name: 'Optimization progress' }).evaluate((el) => el.getAttribute('aria-valuenow')), '25');
  await live.send({ type: 'runEnded', runId: 2, status: 'error', message: 'The engine stopped: out of memory.' });
  assert.equal((await focused(live)).id, 'run', 'the focus did not come back to Run');
  assert.equal(await live.page.textContent('#amAnnouncer'), 'The engine stopped: out of memory. (stopped at step 64)');
  assert.equal(await live.page.getByRole('alert').textContent(), 'The engine stopped: out of memory.');
  assert.deepEqual(live.errors, []);
});

// ---- The Unit page ----

test('the WCAG contrast of known pairs (black on white 21, #767676 on white 4.54)', () => {
  assert.equal(contrastRatio('rgb(0, 0, 0)', 'rgb(255, 255, 255)', 'rgb(255, 255, 255)').toFixed(2), '21.00');
  assert.equal(contrastRatio('rgb(118, 118, 118)', 'rgb(255, 255, 255)', 'rgb(0, 0, 0)').toFixed(2), '4.54');
  assert.equal(contrastRatio('rgb(0, 0, 0)', 'rgba(0, 0, 0, 0)', 'rgb(255, 255, 255)').toFixed(2), '21.00');
});

test('the weak badge says "weak" and its text meets 4.5:1 in Dark+, Light+, Dark/Light Modern and both high-contrast themes', async () => {
  assert.match((await unit.page.textContent('#badge')) ?? '', /^weak · q \d+\.\d\d× · r \d+\.\d\d×$/);
  assert.equal(await unit.page.evaluate(`document.getElementById('badge').classList.contains('weak')`), true);
  const ratios: string[] = [];
  for (const theme of [DARK_PLUS, LIGHT_PLUS, DARK, LIGHT, HC_DARK, HC_LIGHT]) {
    await unit.page.evaluate(applyThemeScript(theme));
    const c = await unit.page.evaluate(`(() => {
      const b = getComputedStyle(document.getElementById('badge'));
      return { color: b.color, background: b.backgroundColor, page: getComputedStyle(document.body).backgroundColor };
    })()`) as { color: string; background: string; page: string };
    const ratio = contrastRatio(c.color, c.background, c.page);
    ratios.push(`${theme.name} ${c.color} on ${c.background}: ${ratio.toFixed(2)}`);
  }
  const low = ratios.filter((r) => Number(r.split(': ')[1]) < 4.5);
  assert.deepEqual(low, [], ratios.join('\n'));
  await unit.page.evaluate(applyThemeScript(DARK));
});

test('every picture has a name that says what it shows; seed 0\'s says its quality in words', async () => {
  const names = await unit.page.evaluate(`[...document.querySelectorAll('#page canvas')].map((c) => c.getAttribute('role') + ': ' + c.getAttribute('aria-label'))`) as string[];
  assert.equal(names.length, 8);
  assert.ok(names.every((n) => n.startsWith('img: ')), names.join('\n'));
  assert.equal(await unit.page.getByRole('img', { name: /^layer3\.1\.conv2 unit 117, seed 0, activation 14\.2, quality weak \(q \d\.\d\d× · r 0\.45×\)$/ }).count(), 1);
  assert.equal(await unit.page.getByRole('img', { name: 'layer3.1.conv2 unit 117, diversity image 4 of 4', exact: true }).count(), 1);
  assert.equal(await unit.page.getByRole('link', { name: 'layer3.1.conv1 unit 12', exact: true }).count(), 1);
  // Headings: the breadcrumb at level 1, then the page's sections at level 2.
  assert.equal(await unit.page.getByRole('heading', { level: 1 }).textContent(), 'resnet18_imagenet_finetuned › layer3.1.conv2 › unit 117');
  assert.deepEqual(await unit.page.getByRole('heading', { level: 2 }).allTextContents(), ['Feature visualization', 'Diversity batch', 'Dataset examples', 'Statistics', 'Kernel', 'Strongest inputs']);
});

test('a strongest input opened by keyboard: the focus stays on the page while the new unit is computed, and progress is spoken', async () => {
  await unit.page.getByRole('link', { name: 'layer3.1.conv1 unit 12', exact: true }).focus();
  await unit.page.keyboard.press('Enter');
  const open = await unit.waitForPosted((p) => p.type === 'openUnit', 'openUnit after Enter on a link');
  assert.deepEqual({ layerId: open.layerId, unit: open.unit }, { layerId: 'layer3.1.conv1', unit: 12 });
  // The host answers as it does: the new unit's state, then progress.
  const state = { modelPath: '/m.onnx', modelName: 'resnet18_imagenet_finetuned', layerId: 'layer3.1.conv1', unit: 12, settings: { preset: 'lucid', seeds: 2, k: 5 } };
  await unit.send({ type: 'init', state, backend: 'wasm' });
  const after = await unit.page.evaluate(`({ id: document.activeElement.id, label: document.activeElement.getAttribute('aria-label') })`);
  assert.deepEqual(after, { id: 'page', label: 'layer3.1.conv1 unit 12' }, 'the focus fell to the page body when the old page went');
  await unit.send({ type: 'progress', message: 'Computing layer3.1.conv1 unit 12…', fraction: 0 });
  assert.equal(await unit.page.textContent('#unitAnnouncer'), 'Computing layer3.1.conv1 unit 12…');
  await unit.send({ type: 'progress', message: 'Feature visualization: step 20 of 256', fraction: 0.1 });
  assert.equal(await unit.page.textContent('#unitAnnouncer'), 'Computing layer3.1.conv1 unit 12…', 'spoken before its quarter');
  await unit.send({ type: 'progress', message: 'Feature visualization: step 140 of 256', fraction: 0.55 });
  assert.equal(await unit.page.textContent('#unitAnnouncer'), 'Feature visualization: step 140 of 256');
  assert.equal(await unit.page.getAttribute('#progress', 'aria-valuenow'), '55');
  assert.deepEqual(unit.errors, []);
});

test('Compute again by keyboard hands the focus to Cancel while busy, and Cancel hands it back', async () => {
  await unit.send({ type: 'cancelled', message: 'Cancelled.' });
  await unit.page.focus('#compute');
  await unit.page.keyboard.press('Enter');
  await unit.waitForPosted((p) => p.type === 'compute', 'compute after Enter');
  await unit.send({ type: 'progress', message: 'Computing layer3.1.conv1 unit 12…', fraction: 0 });
  assert.equal(await unit.page.evaluate('document.activeElement.id'), 'cancel');
  await unit.send({ type: 'cancelled', message: 'Cancelled.' });
  assert.equal(await unit.page.evaluate('document.activeElement.id'), 'compute');
  assert.equal(await unit.page.textContent('#unitAnnouncer'), 'Cancelled.');
});

// ---- Maximize Activation: lists and tooltips that say something ----

const layerTitle = (): Promise<string> => lists.page.evaluate(`document.getElementById('layer').title`) as Promise<string>;

test('Maximize Activation: the Layer list\'s tooltip says what the picked layer is, and follows a new pick', async () => {
  assert.equal(await layerTitle(), 'layer4.1.conv2: conv · 512 units');
  // A pick as the list reports one: its value, then change.
  await lists.page.evaluate(`(() => { const el = document.getElementById('layer'); el.value = 'fc'; el.dispatchEvent(new Event('change')); })()`);
  await lists.waitForPosted((p) => p.type === 'setState' && (p.state as { layerId?: string }).layerId === 'fc', 'setState with layer fc');
  assert.equal(await layerTitle(), 'fc: dense · 1000 units');
  assert.deepEqual(lists.errors, []);
});

test('Maximize Activation: the Advanced Image list shows "Preset" when the preset decides the image, and sends no param', async () => {
  // The fold opened as a user opens it, then what the list's face says.
  await lists.page.click('details.am-advanced summary');
  await lists.page.waitForFunction(`document.getElementById('param').shadowRoot.querySelector('.select-face .text')?.textContent === 'Preset'`, undefined, { timeout: 2000 }).catch(() => undefined);
  const shown = await lists.page.evaluate(`(() => { const el = document.getElementById('param'); return { index: el.selectedIndex, face: el.shadowRoot.querySelector('.select-face .text')?.textContent ?? null }; })()`) as { index: number; face: string | null };
  assert.equal(shown.index, 0, 'the first choice, "Preset", is selected');
  assert.equal(shown.face, 'Preset', 'the list\'s face names the choice');
  await lists.send({ type: 'requestSnapshot', requestId: 99 });
  const states = (await lists.posted()).filter((p) => p.type === 'setState');
  const settings = (states.at(-1)?.state as { settings?: Record<string, unknown> } | undefined)?.settings;
  assert.ok(settings && !('param' in settings), `the settings carry no param: ${JSON.stringify(settings)}`);
});

test('Unit page: with reduced motion asked for, the progress strip of a page of unknown length stands still', async () => {
  await unit.page.emulateMedia({ reducedMotion: 'reduce' });
  await unit.send({ type: 'progress', message: 'Computing layer3.1.conv1 unit 12…' });
  const still = await unit.page.evaluate(`getComputedStyle(document.getElementById('progressBar')).animationName`);
  await unit.page.emulateMedia({ reducedMotion: 'no-preference' });
  const moving = await unit.page.evaluate(`getComputedStyle(document.getElementById('progressBar')).animationName`);
  assert.deepEqual([still, moving], ['none', 'unit-slide']);
  await unit.send({ type: 'cancelled', message: 'Cancelled.' });
});
