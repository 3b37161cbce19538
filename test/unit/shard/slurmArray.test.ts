// The real thing: a single-node Slurm cluster runs a 4-task array job of `atlas` on the sample model, each task
// finding its shard from SLURM_ARRAY_TASK_ID/COUNT alone, and `merge` of the four must be byte for byte the
// one-machine run. Every daemon is stopped in the finally, whatever happened.
// unit-runner: exclusive — the cluster's node offers every core, and its array tasks run side by side on them.
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

/** One CLI run without blocking (it overlaps the array job): the same entry the batch tasks use. */
function cliRun(args: string[]): Promise<{ status: number | null; output: string }> {
  const child = spawn('/bin/sh', ['-c', [cliCommand(), ...args.map((a) => `'${a}'`)].join(' ')], { cwd: repoRoot });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  return new Promise((resolve) => child.on('close', (status) => resolve({ status, output })));
}

test('a 4-task Slurm array job of atlas, merged, is byte for byte the one-machine run', { timeout: 300_000 }, async () => {
  const started = Date.now();
  const work = mkdtempSync(join(tmpdir(), 'layer-lens-slurm-run-'));
  const images = join(work, 'digits');
  writeDigits(images, 24);
  const model = join(sampleModelDir, 'model.json');
  // Four layers, so the four tasks get one 32-unit group each; few steps: the test is about the sharding.
  // (topk's sharding by images is checked in one process by topkShard.test.ts.)
  const atlas = ['atlas', '--model', model, '--images', images, '--layers', 'conv1,pool1,conv2,pool2', '--units', '2', '--steps', '4', '--seeds', '1', '--diversity', '0', '--k', '3'];
  let cluster: SlurmCluster | undefined;
  try {
    cluster = await startSlurmCluster();
    const up = Date.now();
    const [job, one] = await Promise.all([
      arrayJob(cluster, work, 'atlas', [...atlas, '--out', join(work, 'shards')]),
      cliRun([...atlas, '--out', join(work, 'one')]),
    ]);
    const jobs = Date.now();
    assert.equal(job.status, 0, `sbatch --wait: ${job.output}\n${job.logs}\n${cluster.logs()}`);
    for (let i = 1; i <= 4; i++) assert.match(job.logs, new RegExp(`shard-${i}-of-4: shard ${i} of 4, 2 units`), `task ${i - 1} found its shard from Slurm's variables alone`);
    assert.equal(one.status, 0, one.output);
    const merged = runCli(['merge', '--out', join(work, 'merged'), join(work, 'shards')]);
    assert.equal(merged.status, 0, merged.stderr);
    assert.match(merged.stdout, /4 shards merged, 4 layers, 8 units/);
    const files = assertSameTree(join(work, 'one'), join(work, 'merged'), 'atlas');
    assert.ok(files.includes('index.html') && files.includes('atlas.json') && files.filter((f) => f.endsWith('unit.json')).length === 8, files.join(' '));
    console.log(`slurm: cluster up in ${((up - started) / 1000).toFixed(1)} s, array job and one-machine run ${((jobs - up) / 1000).toFixed(1)} s, merge ${((Date.now() - jobs) / 1000).toFixed(1)} s`);
  } finally {
    await cluster?.stop();
    rmSync(work, { recursive: true, force: true });
  }
  // This run's own daemons and tasks (their command lines name its folders): a daemon left by another run, say
  // one killed mid-test, is not this test's leftover.
  const mine = [cluster?.dir, work].filter((d): d is string => d !== undefined).join('|');
  const left = spawnSync('pgrep', ['-f', mine], { encoding: 'utf8' });
  assert.equal(left.stdout.trim(), '', 'no Slurm or munge daemon of this test, nor a task of its job, is left running');
});
