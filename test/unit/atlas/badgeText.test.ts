// The quality badge is one thing wherever it is shown: the atlas site's pages and the Unit panel (which draws
// src/shared's unitBadge) give the same text, weakness and help for the same unit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { badge, layerPage } from '../../../src/core/atlas/atlasPages';
import { unitPage } from '../../../src/core/atlas/atlasUnitPage';
import type { AtlasLayerSummary, AtlasManifest, UnitRecord } from '../../../src/core/atlas/atlasTypes';
import { escapeHtml } from '../../../src/shared/escapeHtml';
import { BADGE_HELP, BADGE_WEAK_HELP, badgeHelp, unitBadge } from '../../../src/shared/unitProtocol';

function unit(n: number, quality: UnitRecord['quality']): UnitRecord {
  return {
    layerId: 'conv1', unit: n, actmax: [{ file: 'actmax-0.png', seed: 0, activation: quality.activation }], diversity: [], quality,
    topPicture: null, top: [], stats: null, kernel: null, inputs: null,
  };
}

const CASES: UnitRecord[] = [
  unit(0, { activation: 2, transformed: 1.5, draws: 8, top1: 2.5 }), // q 0.80 · r 0.60
  unit(1, { activation: 2, transformed: 0.5, draws: 8, top1: null }), // r 0.25, weak
  unit(2, { activation: 0, transformed: 0, draws: 8, top1: 0 }), // a unit the dataset never fires: q – · r –
  unit(3, { activation: 0, transformed: 0, draws: 8, top1: null }), // r –
];

test('the atlas badge shows the Unit panel badge: the same text, weak mark and (for its place) help', () => {
  for (const r of CASES) {
    const shared = unitBadge(r);
    const html = badge(r);
    assert.ok(html.includes(`>${escapeHtml(shared.text)}<`), `unit ${r.unit}: ${html} lacks ${shared.text}`);
    assert.equal(html.includes('class="badge weak"'), shared.weak, `unit ${r.unit}`);
    assert.ok(html.includes(`title="${escapeHtml(badgeHelp(r.quality.top1 !== null, 'atlas'))}"`), `unit ${r.unit}`);
  }
  assert.deepEqual(CASES.map((r) => unitBadge(r).text), ['q 0.80× · r 0.60×', 'r 0.25×', 'q – · r –', 'r –']);
});

test('the badge help is one text: with a dataset top-1 the same everywhere, without one only how to get q differs', () => {
  assert.equal(badgeHelp(true, 'atlas'), BADGE_HELP);
  assert.equal(badgeHelp(true, 'panel'), BADGE_HELP);
  assert.equal(unitBadge(CASES[0]!).help, BADGE_HELP);
  assert.equal(unitBadge(CASES[1]!).help, badgeHelp(false, 'panel'));
  const [atlas, panel] = [badgeHelp(false, 'atlas'), badgeHelp(false, 'panel')];
  const common = (a: string, b: string): string => a.slice(0, [...a].findIndex((c, i) => c !== b[i]));
  assert.match(common(atlas, panel), /^r: this image's activation under random jitter, scale and rotation as a share of its own — a low r means it excites the unit only in one exact alignment \($/);
  assert.match(atlas, /an atlas built with an images folder adds q, the share of the dataset's top-1\)\.$/);
  assert.match(panel, /run Find Top Images on a folder for q, the share of the dataset's top-1\)\.$/);
});

test('the atlas pages write the help and the weak rule from the shared text', () => {
  const layer: AtlasLayerSummary = { id: 'conv1', slug: 'conv1', className: 'Conv2D', kind: 'conv', outputShape: [null, 26, 26, 4], channels: 4, units: 4 };
  const manifest = {
    model: { name: 'm', format: 'tfjs-layers', inputShape: [null, 28, 28, 1], paramCount: 1, layerCount: 1 },
    settings: { preset: 'lucid', steps: 1, seeds: 1, diversity: 0, k: 5, images: 3, size: [28, 28], batch: 4 },
    layers: [layer],
  } as unknown as AtlasManifest;
  const page = layerPage(manifest, layer, CASES);
  assert.ok(page.includes(`The badge: ${escapeHtml(BADGE_HELP)} ${BADGE_WEAK_HELP}</p>`));
  // The screen reader's words say q where the badge shows it.
  assert.match(page, /aria-label="unit 2 of conv1: activation 0, q not measured, r not measured \(low\)"/);
  assert.match(page, /aria-label="unit 3 of conv1: activation 0, r not measured \(low\)"/);
  const withoutData = unitPage(manifest, layer, CASES[1]!, () => false);
  assert.ok(withoutData.includes(`The badge: ${escapeHtml(badgeHelp(false, 'atlas'))} ${BADGE_WEAK_HELP}</p>`));
});
