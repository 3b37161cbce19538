// The input shape a .pt is converted at, as typed in VS Code's input box: NCHW numbers with any usual separator,
// or one sentence that says what is wrong.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_INPUT_SHAPE, initialShapeText, parseInputShape } from '../../../src/host/pytorch/inputShape';

function problemOf(text: string): string {
  const parsed = parseInputShape(text);
  assert.equal(parsed.ok, false, `${text} was accepted`);
  return parsed.ok ? '' : parsed.problem;
}

test('commas, x, × and spaces all separate the four numbers', () => {
  for (const text of ['1,3,224,224', ' 1, 3, 224, 224 ', '1x3x224x224', '1×3×224×224', '1 3 224 224', '1 x 3 x 224 x 224']) {
    assert.deepEqual(parseInputShape(text), { ok: true, shape: [1, 3, 224, 224] }, text);
  }
  assert.deepEqual(parseInputShape('2,1,28,28'), { ok: true, shape: [2, 1, 28, 28] });
});

test('a wrong shape gets one sentence naming the problem', () => {
  assert.match(problemOf(''), /four numbers N,C,H,W/);
  assert.match(problemOf('1,3,224'), /needs four numbers N,C,H,W .* not 3\./);
  assert.match(problemOf('1,3,224,224,1'), /not 5\./);
  assert.match(problemOf('1,3,-224,224'), /is not a list of whole numbers/);
  assert.match(problemOf('1,3,22.4,224'), /is not a list of whole numbers/);
  assert.match(problemOf('1,three,224,224'), /"1,three,224,224" is not a list/);
  assert.match(problemOf('1,0,224,224'), /at least 1 \(C is 0\)/);
  assert.match(problemOf('1,3,100000,224'), /H is 100000; each number .* at most 4096/);
  assert.match(problemOf('64,64,4096,4096'), /holds 68,719,476,736 values, more than the 67,108,864/);
  for (const text of ['', '1,3', '1,3,0,1', 'a,b,c,d']) assert.equal(problemOf(text).match(/\.(\s|$)/g)?.length, 1, problemOf(text));
});

test('the box is pre-filled with the file\'s own shape when usable, else 1,3,224,224', () => {
  assert.equal(initialShapeText([1, 1, 28, 28]), '1,1,28,28');
  assert.equal(initialShapeText(undefined), DEFAULT_INPUT_SHAPE.join(','));
  assert.equal(initialShapeText([1, 3, 224]), '1,3,224,224');
  assert.equal(initialShapeText([1, 0, 28, 28]), '1,3,224,224');
});
