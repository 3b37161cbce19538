// The input size a user types for a model without a fixed one: what the panel's field accepts, what the host
// keeps from a saved state, and what the engine takes in a feature-maps request (8 to 1024 px a side).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LayerLensError } from '../../../src/shared/errors';
import { checkInputSize, formatInputSize, parseInputSize } from '../../../src/shared/inputSize';
import { validateParams } from '../../../src/engine/validateParams';

test('the field reads H×W, HxW, H,W and one number for a square', () => {
  assert.deepEqual(parseInputSize('64×48'), { height: 64, width: 48 });
  assert.deepEqual(parseInputSize(' 64 x 48 '), { height: 64, width: 48 });
  assert.deepEqual(parseInputSize('224,224'), { height: 224, width: 224 });
  assert.deepEqual(parseInputSize('96'), { height: 96, width: 96 });
  assert.equal(formatInputSize({ height: 64, width: 48 }), '64×48');
});

test('anything else is one sentence saying what a size is', () => {
  for (const bad of ['', 'big', '64×', '64.5×64', '-8×8', '64×64×3']) {
    const r = parseInputSize(bad);
    assert.equal(typeof r, 'string', `${bad} was taken: ${JSON.stringify(r)}`);
    assert.match(r as string, /HEIGHT×WIDTH|whole pixels/);
  }
  assert.match(parseInputSize('4×4') as string, /from 8 to 1024 on each side, not 4×4\./);
  assert.match(parseInputSize('2048×64') as string, /not 2048×64\./);
  assert.equal(checkInputSize(8, 1024), undefined);
  assert.ok(checkInputSize(7, 64));
  assert.ok(checkInputSize(64, '64'));
});

function engineRefuses(params: object, pattern: RegExp): void {
  assert.throws(() => validateParams('featureMaps.open', params), (e: unknown) => {
    assert.ok(e instanceof LayerLensError, String(e));
    assert.equal(e.code, 'badArgument');
    assert.match(e.message, pattern);
    return true;
  });
}

test('the engine runs feature maps at 8 to 1024 px a side and refuses other sizes in one sentence', () => {
  const open = (inputSettings: object) => ({ modelPath: '/m/model.json', imagePath: '/i.png', inputSettings });
  validateParams('featureMaps.open', open({ height: 64, width: 48 }));
  validateParams('featureMaps.layer', { ...open({ height: 8, width: 1024 }), layerId: 'conv' });
  engineRefuses(open({ height: 4, width: 64 }), /inputSettings\.height must be from 8 to 1024/);
  engineRefuses(open({ height: 64, width: 2000 }), /inputSettings\.width must be from 8 to 1024/);
  engineRefuses(open({ height: 64.5 }), /inputSettings\.height/);
});
