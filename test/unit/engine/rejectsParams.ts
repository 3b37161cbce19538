// The assertion both params suites share: validateParams refuses with one badArgument sentence matching `pattern`.
import assert from 'node:assert/strict';
import { LayerLensError } from '../../../src/shared/errors';
import { validateParams } from '../../../src/engine/validateParams';

export function rejects(method: unknown, params: unknown, pattern: RegExp): void {
  assert.throws(() => validateParams(method, params), (e: unknown) => {
    assert.ok(e instanceof LayerLensError, String(e));
    assert.equal(e.code, 'badArgument');
    assert.match(e.message, pattern);
    // One sentence.
    assert.equal(e.message.match(/\.(\s|$)/g)?.length, 1, e.message);
    return true;
  });
}
