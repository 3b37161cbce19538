// `atlas` sharded by units: each shard computes whole actmax groups of the full work list (a group split between
// shards would be computed twice) into OUT/shard-i-of-n/units/; the merge copies every shard's units into the
// site and renders it from disk, which is what a one-machine run does after its last unit.
import { cpSync, existsSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { atlasGroups, type AtlasItem } from '../../core/atlas/workList';
import { modelIdentityOfFile } from '../../core/node/modelIdentityFile';
import { listImageFiles } from '../../core/node/nodeTopk';
import { MANIFEST_FORMAT, type ShardManifest } from '../../core/shard/manifest';
import { shardSlice, type ShardSpec } from '../../core/shard/shardSpec';
import { LayerLensError } from '../../shared/errors';
import { MANIFEST_FILE as ATLAS_MANIFEST_FILE } from '../../core/node/atlas/atlasManifest';
import { renderAtlasSite, type AtlasSiteSummary } from '../../core/node/atlas/renderAtlasSite';
import { writeFileAtomic } from '../outputFiles';
import { openShard, sha256Hex, type ShardFolder } from './shardFolders';

export interface AtlasShardRequest {
  outDir: string;
  shard: ShardSpec;
  modelPath: string;
  imagesDir?: string;
  /** The full work list (every shard's). */
  work: readonly AtlasItem[];
  /** Units per actmax batch: shards hold whole batches, so it is part of the shard manifest too. */
  batch: number;
  /** Every setting that changes a unit's files (steps, seeds, preset, k, the input spec, …). */
  settings: Record<string, unknown>;
}

/** This shard's folder and units; `done` when a finished shard of the same run is there already (skip it). */
export async function openAtlasShard(req: AtlasShardRequest): Promise<{ dir: string; done: boolean; items: AtlasItem[] }> {
  const images = req.imagesDir ? listImageFiles(req.imagesDir).map((f) => relative(req.imagesDir as string, f.path).split(sep).join('/')) : [];
  const manifest: ShardManifest = {
    format: MANIFEST_FORMAT,
    kind: 'atlas',
    modelHash: await modelIdentityOfFile(req.modelPath),
    images,
    settings: req.settings,
    workListHash: sha256Hex(JSON.stringify(req.work)),
    workItems: req.work.length,
    groupSize: req.batch,
    shardCount: req.shard.count,
    shard: req.shard.index,
  };
  const { dir, done } = openShard(req.outDir, req.shard, manifest);
  const groups = shardSlice(atlasGroups(req.work, req.batch), req.shard).items;
  return { dir, done, items: groups.flatMap((g) => g.units.map((unit) => ({ layerId: g.layerId, unit }))) };
}

/**
 * The site one machine would have written: every shard's units/ copied into `siteDir` (each unit's folder comes
 * from exactly one shard), the atlas manifest they all share, then the pages rendered from those files.
 */
export function mergeAtlasShards(shards: readonly ShardFolder[], siteDir: string): Promise<AtlasSiteSummary> {
  const manifests = shards.map((s) => {
    const file = join(s.dir, ATLAS_MANIFEST_FILE);
    if (!existsSync(file)) throw new LayerLensError('notFound', `${s.dir} has no ${ATLAS_MANIFEST_FILE}: it is not a finished atlas shard.`);
    return readFileSync(file, 'utf8');
  });
  const odd = manifests.findIndex((m) => m !== manifests[0]);
  if (odd > 0) throw new LayerLensError('badArgument', `${shards[odd]?.dir} has another ${ATLAS_MANIFEST_FILE} than ${shards[0]?.dir}: they are not shards of one atlas.`);
  const siteManifest = join(siteDir, ATLAS_MANIFEST_FILE);
  if (existsSync(siteManifest) && readFileSync(siteManifest, 'utf8') !== manifests[0]) {
    throw new LayerLensError('badArgument', `${siteDir} holds another atlas: choose another --out or delete that folder.`);
  }
  writeFileAtomic(siteManifest, manifests[0] as string);
  for (const s of shards) {
    const units = join(s.dir, 'units');
    if (existsSync(units)) cpSync(units, join(siteDir, 'units'), { recursive: true });
  }
  return renderAtlasSite(siteDir);
}
