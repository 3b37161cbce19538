import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../helpers/paths';
import { resolveShard, shardFolderName, shardSlice } from '../../../src/core/shard/shardSpec';
import { LayerLensError } from '../../../src/shared/errors';

function refusal(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => e instanceof LayerLensError && e.code === 'badArgument' && pattern.test(e.message) && !/\n/.test(e.message));
}

test('--shard i/n counts from 1 and wins over the environment', () => {
  assert.deepEqual(resolveShard('1/4', {}), { index: 0, count: 4, source: 'flag' });
  assert.deepEqual(resolveShard('4/4', { SLURM_ARRAY_TASK_ID: '0', SLURM_ARRAY_TASK_COUNT: '2' }), { index: 3, count: 4, source: 'flag' });
  assert.equal(resolveShard(undefined, {}), null);
  refusal(() => resolveShard('0/4', {}), /numbered 1 to n/);
  refusal(() => resolveShard('5/4', {}), /1 ≤ i ≤ n/);
  refusal(() => resolveShard('two', {}), /--shard must be i\/n/);
  // Only digits: spaces, signs, exponents and hex were read as numbers.
  for (const odd of [' 1/2', '1 / 2', '+1/2', '1/2e0', '0x1/2', '1.0/2']) refusal(() => resolveShard(odd, {}), /--shard must be i\/n/);
  refusal(() => resolveShard(undefined, { JOB_COMPLETION_INDEX: '0' }, '1e1'), /--shards must be a whole number, not "1e1"/);
  refusal(() => resolveShard(undefined, { JOB_COMPLETION_INDEX: '0x1', LAYER_LENS_SHARD_COUNT: '4' }), /JOB_COMPLETION_INDEX must be a whole number/);
});

test('Slurm array tasks map to 0…n−1 through SLURM_ARRAY_TASK_MIN and STEP; gaps are refused', () => {
  const env = (id: number, extra: Record<string, string> = {}) => ({ SLURM_ARRAY_TASK_ID: String(id), SLURM_ARRAY_TASK_COUNT: '4', ...extra });
  assert.deepEqual([0, 1, 2, 3].map((i) => resolveShard(undefined, env(i))?.index), [0, 1, 2, 3]);
  // --array=1-4
  assert.deepEqual([1, 2, 3, 4].map((i) => resolveShard(undefined, env(i, { SLURM_ARRAY_TASK_MIN: '1', SLURM_ARRAY_TASK_MAX: '4' }))?.index), [0, 1, 2, 3]);
  // --array=10-16:2
  assert.deepEqual([10, 12, 14, 16].map((i) => resolveShard(undefined, env(i, { SLURM_ARRAY_TASK_MIN: '10', SLURM_ARRAY_TASK_STEP: '2' }))?.source), ['slurm', 'slurm', 'slurm', 'slurm']);
  assert.equal(resolveShard(undefined, env(16, { SLURM_ARRAY_TASK_MIN: '10', SLURM_ARRAY_TASK_STEP: '2' }))?.index, 3);
  // --array=1,5,9: no step maps 5 to a shard.
  refusal(() => resolveShard(undefined, { SLURM_ARRAY_TASK_ID: '9', SLURM_ARRAY_TASK_COUNT: '3', SLURM_ARRAY_TASK_MIN: '1' }), /evenly spaced/);
  refusal(() => resolveShard(undefined, { SLURM_ARRAY_TASK_ID: '2' }), /SLURM_ARRAY_TASK_COUNT is not set/);
});

test('Kubernetes and AWS Batch give the index; the count comes from LAYER_LENS_SHARD_COUNT, the array size or --shards', () => {
  assert.deepEqual(resolveShard(undefined, { JOB_COMPLETION_INDEX: '2', LAYER_LENS_SHARD_COUNT: '3' }), { index: 2, count: 3, source: 'kubernetes' });
  assert.deepEqual(resolveShard(undefined, { JOB_COMPLETION_INDEX: '0' }, '5'), { index: 0, count: 5, source: 'kubernetes' });
  refusal(() => resolveShard(undefined, { JOB_COMPLETION_INDEX: '0' }), /LAYER_LENS_SHARD_COUNT or pass --shards/);
  refusal(() => resolveShard(undefined, { JOB_COMPLETION_INDEX: '3', LAYER_LENS_SHARD_COUNT: '3' }), /not below the number of shards/);
  assert.deepEqual(resolveShard(undefined, { AWS_BATCH_JOB_ARRAY_INDEX: '7', AWS_BATCH_JOB_ARRAY_SIZE: '8' }), { index: 7, count: 8, source: 'aws-batch' });
  assert.deepEqual(resolveShard(undefined, { AWS_BATCH_JOB_ARRAY_INDEX: '1' }, '2'), { index: 1, count: 2, source: 'aws-batch' });
  refusal(() => resolveShard(undefined, { AWS_BATCH_JOB_ARRAY_INDEX: 'x', AWS_BATCH_JOB_ARRAY_SIZE: '2' }), /whole number/);
  refusal(() => resolveShard(undefined, {}, '4'), /needs --shard i\/n or an array job/);
});

test('shards hold whole groups, in contiguous runs covering every item once, and name their folders from 1', () => {
  const items = Array.from({ length: 41 }, (_, i) => i);
  for (const [count, group] of [[4, 8], [3, 1], [7, 5], [4, 64], [50, 1]] as const) {
    const slices = Array.from({ length: count }, (_, index) => shardSlice(items, { index, count }, group));
    assert.deepEqual(slices.flatMap((s) => s.items), items, `${count} shards of groups of ${group}`);
    for (const s of slices) {
      assert.equal(s.items[0] ?? s.start, s.start);
      if (s.items.length > 0) assert.equal(s.start % group, 0, 'a shard starts on a group boundary');
    }
  }
  assert.deepEqual(Array.from({ length: 4 }, (_, index) => shardSlice(items, { index, count: 4 }, 8).items.length), [8, 16, 8, 9]);
  assert.equal(shardFolderName({ index: 1, count: 4 }), 'shard-2-of-4');
});

test('items one by one: every shard holds ⌊n/count⌋ or ⌈n/count⌉ of them, in order, the same on every call', () => {
  for (const [n, count] of [[20, 3], [20, 2], [2, 4], [0, 3], [41, 7], [1, 1], [100, 100]] as const) {
    const items = Array.from({ length: n }, (_, i) => i);
    const slices = Array.from({ length: count }, (_, index) => shardSlice(items, { index, count }));
    assert.deepEqual(slices.flatMap((s) => s.items), items, `${n} items in ${count} shards`);
    for (const s of slices) assert.ok([Math.floor(n / count), Math.ceil(n / count)].includes(s.items.length), `${n} in ${count}: ${s.items.length}`);
    assert.deepEqual(Array.from({ length: count }, (_, index) => shardSlice(items, { index, count })), slices);
  }
  assert.deepEqual(Array.from({ length: 3 }, (_, index) => shardSlice(Array.from({ length: 20 }), { index, count: 3 }).items.length), [6, 7, 7]);
});

test('the Kubernetes manifest in docs gives every pod of its Indexed Job a shard, with the count equal to completions', () => {
  const yaml = readFileSync(join(repoRoot, 'docs/kubernetes-atlas.yaml'), 'utf8');
  assert.match(yaml, /completionMode: Indexed/);
  const completions = Number(/^\s*completions: (\d+)$/m.exec(yaml)?.[1]);
  const count = /- name: LAYER_LENS_SHARD_COUNT\n\s*value: "(\d+)"/.exec(yaml)?.[1];
  assert.equal(Number(count), completions);
  const specs = Array.from({ length: completions }, (_, i) => resolveShard(undefined, { JOB_COMPLETION_INDEX: String(i), LAYER_LENS_SHARD_COUNT: count }));
  assert.deepEqual(specs.map((s) => s?.index), Array.from({ length: completions }, (_, i) => i));
});
