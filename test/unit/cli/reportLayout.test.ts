// The report in a real browser: a picture wider than the page's column (GoogLeNet's conv1 maps, 64 tiles of
// 112 px = 1806 px) is scaled into the column instead of running off the right edge of the page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodePng } from '../../../src/core/image/encodePng';
import { figure, page } from '../../../src/cli/report/html';
import { tempFolder } from '../topk/topkFixtures';

test('a feature-map grid wider than the column fits the page, keeping its aspect ratio', async () => {
  const dir = tempFolder('layer-lens-report-layout-');
  const rgba = new Uint8ClampedArray(1806 * 903 * 4).fill(200);
  writeFileSync(join(dir, 'wide.png'), encodePng(rgba, 1806, 903));
  writeFileSync(join(dir, 'index.html'), page('layout', `<section><h2>Feature maps</h2>${figure('wide.png', 'conv1.conv: 64×112×112')}${figure('wide.png', 'input', 112)}</section>`));
  const CHROMIUM = '/usr/bin/chromium';
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: install Debian's chromium package (apt-get install chromium)`);
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  try {
    const tab = await (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
    await tab.goto(`file://${join(dir, 'index.html')}`);
    await tab.waitForFunction('Array.from(document.images).every((i) => i.complete && i.naturalWidth > 0)');
    // Strings, not functions: tsx adds a __name helper to functions, which the page lacks.
    const [scrollWidth, viewport] = (await tab.evaluate('[document.documentElement.scrollWidth, window.innerWidth]')) as [number, number];
    assert.ok(scrollWidth <= viewport, `the page scrolls sideways: ${scrollWidth} px wide in a ${viewport} px window`);
    const [wide, small] = (await tab.evaluate('Array.from(document.images).map((i) => [i.getBoundingClientRect().width, i.getBoundingClientRect().height])')) as [number, number][];
    assert.ok(wide[0] <= 1100, `the wide grid is drawn ${wide[0]} px wide, past the 1100 px column`);
    assert.ok(Math.abs(wide[0] / wide[1] - 2) < 0.02, `aspect ${wide[0]}×${wide[1]}, not 2:1`);
    assert.equal(Math.round(small[0]), 112 + 2, 'a picture given a width keeps it (plus its border)');
  } finally {
    await browser.close();
  }
});
