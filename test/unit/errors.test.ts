import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LayerLensError, toErrorPayload } from '../../src/shared/errors';
import { jsonProblem, oneLine, quoteName } from '../../src/shared/userText';

test('toErrorPayload keeps a LayerLensError code and sentence', () => {
  const payload = toErrorPayload(new LayerLensError('notJson', 'model.json is not JSON.'));
  assert.deepEqual(payload, { code: 'notJson', message: 'model.json is not JSON.' });
});

test('toErrorPayload marks foreign errors internal', () => {
  assert.equal(toErrorPayload(new TypeError('boom')).code, 'internal');
});

test('a name from a hostile file cannot break a message into lines or flood it', () => {
  const err = new LayerLensError('unsupportedOp', "m.onnx uses the op 'Evil\nOp\n    at x (y.js:1:1)'.");
  assert.equal(err.message, "m.onnx uses the op 'Evil\\nOp\\n    at x (y.js:1:1)'.");
  assert.equal(oneLine('a\u0000b\u2028c\td'), 'a\\u0000b\\u2028c\\td');
  const long = quoteName('a'.repeat(5000), 40);
  assert.ok(long.length < 70, long);
  assert.match(long, /^a+…a+ \(5000 characters\)$/);
  assert.equal(quoteName('conv1'), 'conv1');
});

test('JSON that does not parse is described in our words, with where it went wrong', () => {
  const why = (text: string): string => {
    try {
      JSON.parse(text);
    } catch (e) {
      return jsonProblem(text, e);
    }
    throw new Error('parsed');
  };
  assert.equal(why(''), 'it is empty');
  assert.equal(why('  \n'), 'it is empty');
  assert.equal(why('{"a": [1, 2'), 'it stops at character 11 before the JSON is complete');
  assert.equal(why('{"a": "b'), 'it stops at character 8 before the JSON is complete');
  // V8 gives a position for some mistakes only; where it does, the line and column are ours.
  assert.match(why('{\n  "a": x}'), /^(it has something unexpected at line 2, column 8|it is not well-formed JSON)$/);
  assert.equal(why('{\n  "a": [1 2]}'), 'it has something unexpected at line 2, column 11');
  for (const text of ['', '{"a": [1, 2', '{\n  "a": x}', '\u0000\u00ff garbage']) {
    assert.doesNotMatch(why(text), /JSON at position|Unexpected token|Unexpected end/);
  }
});
