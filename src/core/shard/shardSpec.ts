// Which slice of a job this process runs: from `--shard i/n`, or from the array-job variables a scheduler sets
// (Slurm, Kubernetes Indexed Jobs, AWS Batch array jobs), so one batch script serves every task unchanged.
// Plain logic over a string map: the CLI passes process.env, tests pass their own.
import { LayerLensError } from '../../shared/errors';

export interface ShardSpec {
  /** 0-based: shard `index` of `count`. (`--shard` counts from 1, as Jest and Playwright do: `--shard 1/4` is index 0.) */
  index: number;
  count: number;
  source: 'flag' | 'slurm' | 'kubernetes' | 'aws-batch';
}

/**
 * The variable that carries the number of shards where the scheduler does not set one: Kubernetes gives a pod its
 * JOB_COMPLETION_INDEX but not the Job's completions, and AWS Batch gives AWS_BATCH_JOB_ARRAY_INDEX but not the
 * array size. docs/kubernetes-atlas.yaml sets it next to `completions`.
 */
export const SHARD_COUNT_VARIABLE = 'LAYER_LENS_SHARD_COUNT';

type Env = Readonly<Record<string, string | undefined>>;

/**
 * The shard to run, or null for the whole job. `flag` is `--shard i/n` (1 ≤ i ≤ n) and wins over the environment;
 * `countFlag` is `--shards n`, the count when a scheduler gives only the index. A variable that is set but
 * malformed is an error (a silent whole-job run on every task would do the work n times and race on the output).
 */
export function resolveShard(flag: string | undefined, env: Env, countFlag?: string): ShardSpec | null {
  if (flag !== undefined) return fromFlag(flag);
  if (has(env.SLURM_ARRAY_TASK_ID)) return fromSlurm(env);
  if (has(env.JOB_COMPLETION_INDEX)) {
    return checked(whole(env.JOB_COMPLETION_INDEX, 'JOB_COMPLETION_INDEX'), countOf(env, countFlag, 'JOB_COMPLETION_INDEX'), 'kubernetes');
  }
  if (has(env.AWS_BATCH_JOB_ARRAY_INDEX)) {
    const size = has(env.AWS_BATCH_JOB_ARRAY_SIZE) ? whole(env.AWS_BATCH_JOB_ARRAY_SIZE, 'AWS_BATCH_JOB_ARRAY_SIZE') : countOf(env, countFlag, 'AWS_BATCH_JOB_ARRAY_INDEX');
    return checked(whole(env.AWS_BATCH_JOB_ARRAY_INDEX, 'AWS_BATCH_JOB_ARRAY_INDEX'), size, 'aws-batch');
  }
  if (countFlag !== undefined) throw new LayerLensError('badArgument', `--shards ${countFlag} needs --shard i/n or an array job's index (SLURM_ARRAY_TASK_ID, JOB_COMPLETION_INDEX or AWS_BATCH_JOB_ARRAY_INDEX).`);
  return null;
}

function fromFlag(flag: string): ShardSpec {
  const m = /^(\d+)\/(\d+)$/.exec(flag);
  if (!m) throw new LayerLensError('badArgument', `--shard must be i/n (shard i of n, counting from 1), not "${flag}".`);
  const i = Number(m[1]);
  const n = Number(m[2]);
  if (!Number.isSafeInteger(n) || n < 1 || i < 1 || i > n) throw new LayerLensError('badArgument', `--shard ${flag}: shards are numbered 1 to n (n ≥ 1), so i/n needs 1 ≤ i ≤ n.`);
  return { index: i - 1, count: n, source: 'flag' };
}

/**
 * `--array=MIN-MAX[:STEP]` numbers tasks MIN, MIN+STEP, …; SLURM_ARRAY_TASK_COUNT is how many. A list with gaps
 * (`--array=1,5,9`) has no step that maps task ids to 0…n−1, so it is refused with the way out.
 */
function fromSlurm(env: Env): ShardSpec {
  const id = whole(env.SLURM_ARRAY_TASK_ID, 'SLURM_ARRAY_TASK_ID');
  if (!has(env.SLURM_ARRAY_TASK_COUNT)) throw new LayerLensError('badArgument', `SLURM_ARRAY_TASK_ID is ${id} but SLURM_ARRAY_TASK_COUNT is not set; pass --shard i/n.`);
  const count = whole(env.SLURM_ARRAY_TASK_COUNT, 'SLURM_ARRAY_TASK_COUNT');
  const min = has(env.SLURM_ARRAY_TASK_MIN) ? whole(env.SLURM_ARRAY_TASK_MIN, 'SLURM_ARRAY_TASK_MIN') : 0;
  const step = has(env.SLURM_ARRAY_TASK_STEP) ? whole(env.SLURM_ARRAY_TASK_STEP, 'SLURM_ARRAY_TASK_STEP') : 1;
  const offset = id - min;
  if (step < 1 || offset < 0 || offset % step !== 0 || offset / step >= count) {
    throw new LayerLensError('badArgument', `Slurm array task ${id} is not one of ${count} evenly spaced tasks from ${min} (step ${step}); use --array=0-${count - 1} or pass --shard i/n.`);
  }
  return checked(offset / step, count, 'slurm');
}

function countOf(env: Env, countFlag: string | undefined, indexVariable: string): number {
  if (countFlag !== undefined) return whole(countFlag, '--shards');
  if (has(env[SHARD_COUNT_VARIABLE])) return whole(env[SHARD_COUNT_VARIABLE], SHARD_COUNT_VARIABLE);
  throw new LayerLensError('badArgument', `${indexVariable} is set but the number of shards is not: set ${SHARD_COUNT_VARIABLE} or pass --shards n.`);
}

function checked(index: number, count: number, source: ShardSpec['source']): ShardSpec {
  if (count < 1 || index >= count) throw new LayerLensError('badArgument', `Shard index ${index} is not below the number of shards, ${count} (from ${source}).`);
  return { index, count, source };
}

function has(value: string | undefined): value is string {
  return value !== undefined && value.trim() !== '';
}

/** Digits only: Number() read "1e1" as 10 and "0x10" as 16. */
function whole(value: string | undefined, name: string): number {
  const n = value !== undefined && /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n)) throw new LayerLensError('badArgument', `${name} must be a whole number, not "${value ?? ''}".`);
  return n;
}

/**
 * The items of one shard: the list cut into groups of `groupSize` consecutive items (a batch: a shard's batches
 * are then exactly the one-machine run's batches, so nothing depends on which items shared a pass), and the groups
 * dealt out in contiguous runs as even as whole groups allow. `start` is the first item's index in `items`.
 */
export function shardSlice<T>(items: readonly T[], spec: Pick<ShardSpec, 'index' | 'count'>, groupSize = 1): { start: number; items: T[] } {
  const size = Math.max(1, Math.floor(groupSize));
  const groups = Math.ceil(items.length / size);
  const firstGroup = Math.floor((spec.index * groups) / spec.count);
  const endGroup = Math.floor(((spec.index + 1) * groups) / spec.count);
  const start = Math.min(items.length, firstGroup * size);
  return { start, items: items.slice(start, Math.min(items.length, endGroup * size)) };
}

/** The folder name of one shard's output under --out: `shard-2-of-4` (counting from 1, as --shard does). */
export function shardFolderName(spec: Pick<ShardSpec, 'index' | 'count'>): string {
  return `shard-${spec.index + 1}-of-${spec.count}`;
}
