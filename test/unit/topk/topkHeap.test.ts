import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TopkHeap } from '../../../src/core/topk/topkHeap';

test('the heap keeps the k best of a stream, ties to the earlier item, NaN last', () => {
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (const k of [1, 3, 10, 50]) {
    const items = Array.from({ length: 200 }, (_, order) => ({ value: Math.round(rand() * 40) / 4, order }));
    items[5]!.value = NaN;
    const heap = new TopkHeap<{ value: number; order: number }>(k);
    for (const it of items) heap.push(it);
    const expected = items
      .filter((i) => !Number.isNaN(i.value))
      .sort((a, b) => b.value - a.value || a.order - b.order)
      .slice(0, k);
    assert.deepEqual(heap.sorted(), expected);
  }
  const tiny = new TopkHeap<{ value: number; order: number }>(2);
  tiny.push({ value: NaN, order: 0 });
  tiny.push({ value: 3, order: 1 });
  assert.equal(tiny.accepts(-1e30, 2), true, 'a full heap still drops its NaN first');
  tiny.push({ value: -1e30, order: 2 });
  assert.equal(tiny.accepts(-1e30, 3), false, 'a tie goes to the earlier item');
});
