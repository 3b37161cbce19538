// --shard i/n [--shards N]: which part of a job this process computes, on the commands that split over machines.
// Without the flag, an array job's variables (Slurm, Kubernetes, AWS Batch) decide (see resolveShard).
import type { ShardSpec } from '../core/shard/shardSpec';
import { resolveShard } from '../core/shard/shardSpec';
import type { Options } from './cliArgs';

export const shardOption: Options = {
  shard: { type: 'string' },
  shards: { type: 'string' },
};

export const shardUsage = '[--shard i/n [--shards N]]';

/** The shard the command line or the array job's environment asks for; null for a whole run. */
export function shardOf(values: Record<string, unknown>): ShardSpec | null {
  return resolveShard(values.shard as string | undefined, process.env, values.shards as string | undefined);
}
