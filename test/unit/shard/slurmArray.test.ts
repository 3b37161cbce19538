// The real thing: a single-node Slurm cluster runs 4-task array jobs of the CLI on the sample model (`atlas` by
// units, `topk` by images), each task finding its shard from SLURM_ARRAY_TASK_ID/COUNT alone, and `merge` of the
// four must be byte for byte the one-machine run. Every daemon is stopped in the finally, whatever happened.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { repoRoot, sampleModelDir } from '../../helpers/paths';
import { runCli } from '../../helpers/runCli';
import { writeDigits } from '../topk/topkFixtures';
import { startSlurmCluster, type SlurmCluster } from './slurmCluster';

/** Every file below `dir`, relative, sorted. */
function filesBelow(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else out.push(relative(dir, join(d, e.name)));
    }
  };
  walk(dir);
  return out.sort();
}

function newestBelow(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce((m, e) => Math.max(m, e.isDirectory() ? newestBelow(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs), 0);
}

/** The CLI as a batch task starts it: the bundle (fast start) when it is current, else the source through tsx. */
function cliCommand(): string {
  const bundle = join(repoRoot, 'dist/cli.js');
  const fresh = existsSync(bundle) && statSync(bundle).mtimeMs >= newestBelow(join(repoRoot, 'src'));
  return fresh ? `'${process.execPath}' '${bundle}'` : `'${process.execPath}' --import tsx '${join(repoRoot, 'src/cli/main.ts')}'`;
}

/** `sbatch --wait --array=0-3` of one CLI command; resolves with its exit status and the four tasks' logs. */
function arrayJob(cluster: SlurmCluster, work: string, name: string, args: string[]): Promise<{ status: number | null; output: string; logs: string }> {
  const task = [cliCommand(), ...args.map((a) => `'${a}'`)].join(' ');
  const log = (i: number): string => join(work, `${name}-${i}.log`);
  const child = spawn('/usr/bin/sbatch', ['--wait', '--array=0-3', `--job-name=layer-lens-${name}`, `--output=${join(work, `${name}-%a.log`)}`, `--chdir=${repoRoot}`, '--wrap', task], { env: cluster.env });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const timer = setTimeout(() => child.kill(), 150_000);
  return new Promise((resolve) => {
    child.on('close', (status) => {
      clearTimeout(timer);
      const logs = [0, 1, 2, 3].map(log).filter((f) => existsSync(f)).map((f) => readFileSync(f, 'utf8')).join('\n');
      resolve({ status, output, logs });
    });
  });
}

function assertSameTree(one: string, merged: string, what: string): string[] {
  const files = filesBelow(one);
  assert.deepEqual(filesBelow(merged), files, `${what}: the merged output has other files`);
  for (const f of files) assert.ok(readFileSync(join(one, f)).equals(readFileSync(join(merged, f))), `${what}: ${f} differs between the merge and the one-machine run`);
  return files;
}

test('4-task Slurm array jobs of atlas and topk, merged, are byte for byte the one-machine runs', { timeout: 300_000 }, async () => {
  const started = Date.now();
  const work = mkdtempSync(join(tmpdir(), 'layer-lens-slurm-run-'));
  const images = join(work, 'digits');
  writeDigits(images, 40);
  const model = join(sampleModelDir, 'model.json');
  // Four layers, so the four tasks get one 32-unit group each; few steps: the test is about the sharding.
  const atlas = ['atlas', '--model', model, '--images', images, '--layers', 'conv1,pool1,conv2,pool2', '--units', '2', '--steps', '4', '--seeds', '1', '--diversity', '0', '--k', '3'];
  // --batch 8: 40 images are 5 batches, so all four tasks get images (shards hold whole batches).
  const topk = ['topk', '--model', model, '--layer', 'conv2', '--images', images, '--k', '5', '--batch', '8'];
  let cluster: SlurmCluster | undefined;
  try {
    cluster = await startSlurmCluster();
    const up = Date.now();
    const [atlasJob, topkJob] = await Promise.all([
      arrayJob(cluster, work, 'atlas', [...atlas, '--out', join(work, 'atlas-shards')]),
      arrayJob(cluster, work, 'topk', [...topk, '--out', join(work, 'topk-shards')]),
    ]);
    const jobs = Date.now();
    for (const [name, job] of [['atlas', atlasJob], ['topk', topkJob]] as const) {
      assert.equal(job.status, 0, `sbatch --wait (${name}): ${job.output}\n${job.logs}\n${cluster.logs()}`);
      for (let i = 1; i <= 4; i++) assert.match(job.logs, new RegExp(`shard-${i}-of-4: shard ${i} of 4, [1-9]\\d* (units|images)`), `${name}: task ${i - 1} found its shard from Slurm's variables and had work`);
    }
    for (const [name, args] of [['atlas', atlas], ['topk', topk]] as const) {
      const one = runCli([...args, '--out', join(work, `${name}-one`)]);
      assert.equal(one.status, 0, one.stderr);
      const merged = runCli(['merge', '--out', join(work, `${name}-merged`), join(work, `${name}-shards`)]);
      assert.equal(merged.status, 0, merged.stderr);
      assert.match(merged.stdout, /4 shards merged/);
      const files = assertSameTree(join(work, `${name}-one`), join(work, `${name}-merged`), name);
      if (name === 'topk') assert.equal(files.length, 33, 'topk.json and 32 channel rows');
      else assert.ok(files.includes('index.html') && files.includes('atlas.json') && files.filter((f) => f.endsWith('unit.json')).length === 8, files.join(' '));
    }
    console.log(`slurm: cluster up in ${((up - started) / 1000).toFixed(1)} s, array jobs ${((jobs - up) / 1000).toFixed(1)} s, one-machine runs and merges ${((Date.now() - jobs) / 1000).toFixed(1)} s`);
  } finally {
    await cluster?.stop();
    rmSync(work, { recursive: true, force: true });
  }
  const left = spawnSync('pgrep', ['-f', 'layer-lens-slurm-'], { encoding: 'utf8' });
  assert.equal(left.stdout.trim(), '', 'no Slurm or munge daemon of this test is left running');
});
