// The real thing: a single-node Slurm cluster runs a 4-task array job of the CLI on the sample model, each task
// finding its shard from SLURM_ARRAY_TASK_ID/COUNT alone, and `merge` of the four must be byte for byte the
// one-machine run. Every daemon is stopped in the finally, whatever happened.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { repoRoot, sampleModelDir } from '../../helpers/paths';
import { runCli } from '../../helpers/runCli';
import { writeDigits } from '../topk/topkFixtures';
import { startSlurmCluster } from './slurmCluster';

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

test('a 4-task Slurm array job of topk, merged, is byte for byte the one-machine run', { timeout: 240_000 }, async () => {
  const work = mkdtempSync(join(tmpdir(), 'layer-lens-slurm-run-'));
  const images = join(work, 'digits');
  writeDigits(images, 40);
  const model = join(sampleModelDir, 'model.json');
  // --batch 8: 40 images are 5 batches, so all four tasks get work (shards hold whole batches).
  const args = ['topk', '--model', model, '--layer', 'conv2', '--images', images, '--k', '5', '--batch', '8'];
  const cluster = await startSlurmCluster();
  try {
    const shards = join(work, 'shards');
    const task = [cliCommand(), ...args.map((a) => `'${a}'`), '--out', `'${shards}'`].join(' ');
    const submitted = Date.now();
    const job = spawnSync('/usr/bin/sbatch', ['--wait', '--array=0-3', '--job-name=layer-lens-topk', `--output=${join(work, 'task-%a.log')}`, `--chdir=${repoRoot}`, '--wrap', task], {
      env: cluster.env, encoding: 'utf8', timeout: 150_000,
    });
    const logs = [0, 1, 2, 3].map((i) => join(work, `task-${i}.log`)).filter(existsSync).map((f) => readFileSync(f, 'utf8')).join('\n');
    assert.equal(job.status, 0, `sbatch --wait: ${job.stderr}${job.error?.message ?? ''}\n${logs}\n${cluster.logs()}`);
    const jobSeconds = (Date.now() - submitted) / 1000;
    for (let i = 1; i <= 4; i++) assert.match(logs, new RegExp(`shard-${i}-of-4: shard ${i} of 4, \\d+ images`), logs);
    const one = runCli([...args, '--out', join(work, 'one')]);
    assert.equal(one.status, 0, one.stderr);
    const merged = runCli(['merge', '--out', join(work, 'merged'), shards]);
    assert.equal(merged.status, 0, merged.stderr);
    assert.match(merged.stdout, /4 shards merged, 32 channels, 40 images, 0 skipped/);
    const files = filesBelow(join(work, 'one'));
    assert.equal(files.length, 33, 'topk.json and 32 channel rows');
    assert.deepEqual(filesBelow(join(work, 'merged')), files);
    for (const f of files) assert.ok(readFileSync(join(work, 'one', f)).equals(readFileSync(join(work, 'merged', f))), `${f} differs between the merge and the one-machine run`);
    console.log(`slurm array job: ${jobSeconds.toFixed(1)} s for 4 tasks`);
  } finally {
    await cluster.stop();
    rmSync(work, { recursive: true, force: true });
  }
  const left = spawnSync('pgrep', ['-f', 'layer-lens-slurm-'], { encoding: 'utf8' });
  assert.equal(left.stdout.trim(), '', 'no Slurm or munge daemon of this test is left running');
});
