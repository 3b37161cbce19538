// Every built panel under the exact HTML and Content-Security-Policy the host serves (src/host/panels/panelDocument.ts),
// in headless Chromium: the policy has no 'unsafe-inline', nothing the page does is refused by it, the panel's one
// stylesheet applies, and the @vscode-elements controls get their shadow styles. A page with an inline <style> under
// the same policy is refused, so the listener does see violations. Skipped (with the reason) where no Chromium is installed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { panelCsp, panelDocument } from '../../../src/host/panels/panelDocument';
import { NONCE, ORIGIN, openBuiltPanel, skip, useChromium } from './builtPanelPage';

/** What a panel page recorded (the project's Node tsconfig has no DOM types). */
interface PageProbe {
  violations: string[];
}

/** Runs before any page script, outside the page's policy: the webview API stand-in and the violation log. */
const INIT = `
  window.violations = [];
  document.addEventListener('securitypolicyviolation', (e) => window.violations.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline')));
  window.acquireVsCodeApi = () => ({ postMessage: () => {}, getState: () => undefined, setState: () => {} });`;

useChromium();

/** Opens `html` at ORIGIN/index.html; every other ORIGIN/<file> is dist/webview/<file>. */
const openPage = (html: string): Promise<Page> => openBuiltPanel(html, { width: 1200, height: 800 }, INIT);

const violations = (page: Page): Promise<string[]> => page.evaluate(() => (globalThis as unknown as PageProbe).violations);

test('the panel policy allows styles only from the webview origin, never inline', () => {
  const csp = panelCsp('https://file+.vscode-resource.vscode-cdn.net', 'abc');
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
  assert.match(csp, /(^|; )default-src 'none'(;|$)/);
  assert.match(csp, /(^|; )style-src https:\/\/file\+\.vscode-resource\.vscode-cdn\.net(;|$)/);
  assert.match(csp, /(^|; )script-src 'nonce-abc'(;|$)/);
});

/** A selector only that panel's stylesheet has (besides the shared webview/src/lib/panel.css). */
const ownRule: Record<string, string | undefined> = { kernels: undefined, featureMaps: '.fm-side', actmax: '.am-live', topk: '.tk-canvas' };

for (const panel of Object.keys(ownRule)) {
  test(`the ${panel} panel renders styled under the policy, with nothing refused`, { skip }, async () => {
    const html = panelDocument({ cspSource: ORIGIN, nonce: NONCE, scriptUri: `${ORIGIN}/${panel}.js`, styleUri: `${ORIGIN}/${panel}.css`, title: panel });
    const page = await openPage(html);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.waitForSelector('.toolbar vscode-single-select, .toolbar vscode-button, .toolbar vscode-textfield', { state: 'attached' });
    const seen = await page.evaluate((own) => {
      const d = (globalThis as unknown as { document: { querySelector(s: string): unknown; styleSheets: Iterable<{ cssRules: Iterable<{ selectorText?: string }> }> } }).document;
      const style = (globalThis as unknown as { getComputedStyle(e: unknown): { display: string } }).getComputedStyle;
      const rules = [...d.styleSheets].flatMap((s) => [...s.cssRules].map((r) => r.selectorText ?? ''));
      const control = d.querySelector('.toolbar vscode-single-select, .toolbar vscode-button, .toolbar vscode-textfield') as { shadowRoot: { adoptedStyleSheets: { cssRules: unknown[] }[] } | null };
      const sheets = control.shadowRoot?.adoptedStyleSheets ?? [];
      return {
        toolbarDisplay: style(d.querySelector('.toolbar')).display,
        ownRule: own === null || rules.some((r) => r.split(',').map((x) => x.trim()).includes(own)),
        shadowRules: sheets.reduce((n, s) => n + s.cssRules.length, 0),
      };
    }, ownRule[panel] ?? null);
    // Let any late style or script load report its violation before reading the log.
    await page.waitForTimeout(200);
    assert.deepEqual(await violations(page), [], 'the policy refused something the panel needs');
    assert.deepEqual(errors, []);
    assert.equal(seen.toolbarDisplay, 'flex', `dist/webview/${panel}.css did not apply (webview/src/lib/panel.css makes .toolbar a flex row)`);
    assert.ok(seen.ownRule, `dist/webview/${panel}.css lacks its own rule ${ownRule[panel]}`);
    assert.ok(seen.shadowRules > 0, 'the toolbar control has no shadow styles');
    await page.context().close();
  });
}

test('under the same policy an inline <style> and a style="" attribute are refused', { skip }, async () => {
  const html = panelDocument({ cspSource: ORIGIN, nonce: NONCE, scriptUri: `${ORIGIN}/none.js`, styleUri: `${ORIGIN}/kernels.css`, title: 'control' })
    .replace('</head>', '<style>body { color: red; }</style></head>')
    .replace('<div id="app">', '<div id="app" style="color: red">');
  const page = await openPage(html);
  await page.waitForTimeout(200);
  const refused = await violations(page);
  assert.equal(refused.filter((v) => v.startsWith('style-src')).length, 2, `expected two refused inline styles, got ${JSON.stringify(refused)}`);
  await page.context().close();
});
