// The Unit panel header's settings (preset, seeds, k): the one check the webview and the host share refuses a bad
// value in one sentence naming the field; the engine refuses one out of range the same way; each setting is part
// of the cache key; and the workspace memory a new panel starts from. (The engine drawing them: unitPage.test.ts.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateParams } from '../../../src/engine/validateParams';
import { unitCacheDir, type UnitCacheKey } from '../../../src/host/unit/unitCache';
import { checkPanelSettings, panelSettingsIn, UnitSettingsMemory } from '../../../src/host/unit/unitSettingsMemory';
import type { ParamsOf } from '../../../src/shared/protocol/engineProtocol';
import { parseUnitPanelSettings, UNIT_PANEL_DEFAULTS, type UnitPageSettings } from '../../../src/shared/unitProtocol';
import { sampleModelDir } from '../../helpers/paths';

const modelPath = join(sampleModelDir, 'model.json');
const settings: UnitPageSettings = { preset: 'lucid', steps: 8, seeds: 2, diversity: 0, k: 5 };

test('the header\'s text becomes settings, and a bad value is one sentence naming its field', () => {
  assert.deepEqual(parseUnitPanelSettings({ preset: 'maco', seeds: ' 3 ', k: '25' }), { preset: 'maco', seeds: 3, k: 25 });
  assert.deepEqual(parseUnitPanelSettings({ preset: 'lucid', seeds: 8, k: 1 }), { preset: 'lucid', seeds: 8, k: 1 });
  const refused: [Record<'preset' | 'seeds' | 'k', unknown>, string][] = [
    [{ preset: 'lucid', seeds: '2', k: '0' }, 'Top k must be a whole number from 1 to 25, not "0".'],
    [{ preset: 'lucid', seeds: '2', k: '26' }, 'Top k must be a whole number from 1 to 25, not "26".'],
    [{ preset: 'lucid', seeds: '9', k: '5' }, 'Seeds must be a whole number from 1 to 8, not "9".'],
    [{ preset: 'lucid', seeds: '2.5', k: '5' }, 'Seeds must be a whole number from 1 to 8, not "2.5".'],
    [{ preset: 'lucid', seeds: '', k: '5' }, 'Seeds must be a whole number from 1 to 8, not "".'],
    [{ preset: 'lucid', seeds: 0, k: 5 }, 'Seeds must be a whole number from 1 to 8, not 0.'],
  ];
  for (const [raw, sentence] of refused) assert.equal(parseUnitPanelSettings(raw), sentence);
  assert.match(String(parseUnitPanelSettings({ preset: 'nope', seeds: '2', k: '5' })), /^Preset must be one of trial1-naive, .*lucid, maco, not "nope"\.$/);
});

test('the engine refuses seeds and k out of range in one sentence naming the field', () => {
  const good: ParamsOf<'unit.page'> = { modelPath, layerId: 'conv2', unit: 3, outDir: tmpdir(), settings: { ...settings, seeds: 8, k: 25 } };
  validateParams('unit.page', good);
  const cases: [Partial<UnitPageSettings>, RegExp][] = [
    [{ k: 0 }, /unit\.page: params\.settings\.k must be from 1 to 25 \(got 0\)\.$/],
    [{ k: 26 }, /unit\.page: params\.settings\.k must be from 1 to 25 \(got 26\)\.$/],
    [{ seeds: 9 }, /unit\.page: params\.settings\.seeds must be from 1 to 8 \(got 9\)\.$/],
    [{ seeds: 0 }, /params\.settings\.seeds/],
  ];
  for (const [change, message] of cases) {
    assert.throws(() => validateParams('unit.page', { ...good, settings: { ...good.settings, ...change } }), message, JSON.stringify(change));
  }
});

test('preset, seeds and k are each part of the cache key; the same settings are the same folder', () => {
  const key: UnitCacheKey = { modelStamp: 'stamp', settings, images: { folder: '/d', mtimeMs: 1 } };
  const dir = unitCacheDir('/root', key);
  assert.equal(unitCacheDir('/root', { ...key, settings: { k: 5, diversity: 0, seeds: 2, steps: 8, preset: 'lucid' } }), dir, 'field order does not matter');
  const others = [{ preset: 'maco' as const }, { seeds: 3 }, { k: 3 }].map((change) => unitCacheDir('/root', { ...key, settings: { ...settings, ...change } }));
  assert.equal(new Set([dir, ...others]).size, 4, 'each change is another folder');
});

test('a new panel starts from the last settings used in the workspace (the defaults before any)', async () => {
  const stored = new Map<string, unknown>();
  const store = { get: <T>(key: string) => stored.get(key) as T | undefined, update: async (key: string, value: unknown) => void stored.set(key, value) };
  const memory = new UnitSettingsMemory(store);
  assert.deepEqual(memory.get(), { preset: 'lucid', seeds: 2, k: 5 });
  assert.deepEqual(memory.get(), UNIT_PANEL_DEFAULTS);
  await memory.set({ preset: 'trial1-naive', seeds: 3, k: 3 });
  assert.deepEqual(new UnitSettingsMemory(store).get(), { preset: 'trial1-naive', seeds: 3, k: 3 }, 'another panel (or window) reads them');
  for (const key of stored.keys()) stored.set(key, { preset: 'lucid', seeds: 99, k: 3 });
  assert.deepEqual(memory.get(), UNIT_PANEL_DEFAULTS, 'a stored value out of range is not used');
  assert.equal(panelSettingsIn(undefined), undefined);
  assert.equal(panelSettingsIn({ preset: 'lucid', seeds: 2 }), undefined);
  assert.equal(checkPanelSettings({ preset: 'lucid', seeds: 2, k: 0 }), 'Top k must be a whole number from 1 to 25, not 0.', 'a posted value is refused in one sentence');
});
