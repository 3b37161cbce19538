// The Maximize Activation panel as built (dist/webview/actmax.js and .css) in headless Chromium, given the init
// message the host sends for a GoogLeNet layer: the Layer and Preset selects show their whole label (a layer id, a
// preset name) with no ellipsis, the explanation being each option's description; the hint lines read in the UI font,
// not the editor's monospace one. Both were cut or monospace before ("inception4a · module · 512 un…",
// "lucid · Lucid — Fourier, decorrelated,…"). Skipped (with the reason) where no Chromium is installed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import type { ActmaxToWebview } from '../../../src/shared/actmaxProtocol';
import { panelDocument } from '../../../src/host/panels/panelDocument';
import { DEFAULT_UI_SETTINGS } from '../../../src/host/actmax/requestBuilder';
import { NONCE, ORIGIN, openBuiltPanel, skip, useChromium } from './builtPanelPage';

/** Font names the page would get from VS Code's theme variables; distinct so the computed font tells which applies. */
const UI_FONT = 'UiFontForTest';
const EDITOR_FONT = 'MonoFontForTest';

const INIT = `window.acquireVsCodeApi = () => ({ postMessage: () => {}, getState: () => undefined, setState: () => {} });`;

/** VS Code's theme variables (set on <html> once the page has parsed, as VS Code does), then the host's init. */
function themeAndInit({ fonts, msg }: { fonts: { ui: string; editor: string }; msg: ActmaxToWebview }): void {
  const g = globalThis as unknown as { document: { documentElement: { style: { setProperty(k: string, v: string): void } } }; postMessage(m: unknown, o: string): void };
  g.document.documentElement.style.setProperty('--vscode-font-family', `${fonts.ui}, sans-serif`);
  g.document.documentElement.style.setProperty('--vscode-editor-font-family', `${fonts.editor}, monospace`);
  g.document.documentElement.style.setProperty('--vscode-font-size', '13px');
  g.postMessage(msg, '*');
}

/** GoogLeNet's Inception block, as the host lists it. */
const init: ActmaxToWebview = {
  type: 'init',
  state: {
    modelPath: '/models/googlenet.onnx',
    modelName: 'googlenet.onnx',
    layerId: 'inception4a',
    view: 'single',
    settings: { ...DEFAULT_UI_SETTINGS, preset: 'lucid' },
  },
  layers: [
    { id: 'conv1', kind: 'conv', channels: 64 },
    { id: 'inception4a', kind: 'module', channels: 512 },
    { id: 'inception4e', kind: 'module', channels: 832 },
  ],
  backend: 'wasm',
};

useChromium();

async function openActmax(): Promise<Page> {
  // A panel beside another editor: about half of a laptop screen.
  const html = panelDocument({ cspSource: ORIGIN, nonce: NONCE, scriptUri: `${ORIGIN}/actmax.js`, styleUri: `${ORIGIN}/actmax.css`, title: 'actmax' });
  const page = await openBuiltPanel(html, { width: 700, height: 800 }, INIT);
  await page.waitForSelector('#preset', { state: 'attached' });
  await page.evaluate(themeAndInit, { fonts: { ui: UI_FONT, editor: EDITOR_FONT }, msg: init });
  return page;
}

interface FaceText {
  text: string;
  scrollWidth: number;
  clientWidth: number;
}

/**
 * The text a select shows on its face (in its shadow root: a span, or the input of a combobox) and whether it
 * overflows its box (an ellipsis, or text scrolled out of the input).
 */
async function faceOf(page: Page, id: string): Promise<FaceText> {
  const read = (sel: string): FaceText | undefined => {
    type Face = { textContent: string | null; value?: string; scrollWidth: number; clientWidth: number };
    const el = (globalThis as unknown as { document: { querySelector(s: string): { shadowRoot: { querySelector(s: string): Face | null } | null } | null } }).document.querySelector(sel);
    const face = el?.shadowRoot?.querySelector('.select-face .text') ?? el?.shadowRoot?.querySelector('.combobox-input');
    const text = (face?.value ?? face?.textContent ?? '').trim();
    return face && text !== '' ? { text, scrollWidth: face.scrollWidth, clientWidth: face.clientWidth } : undefined;
  };
  await page.waitForFunction(read, `#${id}`).catch(() => undefined);
  const face = await page.evaluate(read, `#${id}`);
  assert.ok(face, `the ${id} select shows nothing`);
  return face;
}

test('the Layer and Preset selects show their whole label, the explanation in the option\'s description', { skip }, async () => {
  const page = await openActmax();
  try {
    const layer = await faceOf(page, 'layer');
    assert.ok(layer.scrollWidth <= layer.clientWidth, `the Layer label is cut: ${layer.scrollWidth} px of text in ${layer.clientWidth} px`);
    assert.equal(layer.text, 'inception4a', `the Layer select shows "${layer.text}"`);
    const preset = await faceOf(page, 'preset');
    assert.ok(preset.scrollWidth <= preset.clientWidth, `the Preset label is cut: ${preset.scrollWidth} px of text in ${preset.clientWidth} px`);
    assert.equal(preset.text, 'lucid', `the Preset select shows "${preset.text}"`);
    // What the short labels leave out is still there, as the options' descriptions.
    const descriptions = await page.evaluate(() => {
      const d = (globalThis as unknown as { document: { querySelectorAll(s: string): Iterable<{ value: string; description: string }> } }).document;
      return Object.fromEntries([...d.querySelectorAll('#layer vscode-option, #preset vscode-option')].map((o) => [o.value, o.description ?? '']));
    });
    assert.equal(descriptions.inception4a, 'module · 512 units');
    assert.match(String(descriptions.lucid), /Fourier/);
  } finally {
    await page.context().close();
  }
});

test('hint lines read in the UI font, not the editor\'s monospace one', { skip }, async () => {
  const page = await openActmax();
  try {
    await page.waitForSelector('#amCaption', { state: 'attached' });
    const fonts = await page.evaluate(() => {
      const g = globalThis as unknown as {
        document: { querySelectorAll(s: string): Iterable<{ id: string; className: string }> };
        getComputedStyle(e: unknown): { fontFamily: string };
      };
      return [...g.document.querySelectorAll('.am-caption, .hover')].map((e) => ({ what: e.id || e.className, font: g.getComputedStyle(e).fontFamily }));
    });
    assert.ok(fonts.length >= 2, `hint lines found: ${JSON.stringify(fonts)}`);
    for (const { what, font } of fonts) {
      assert.ok(font.includes(UI_FONT) && !font.includes(EDITOR_FONT), `${what} is set in "${font}"`);
    }
  } finally {
    await page.context().close();
  }
});
