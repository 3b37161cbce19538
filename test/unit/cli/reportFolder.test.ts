// Where `layer-lens report` writes: never into a folder of the user's, never leaving images without an index in
// --out (the report is staged beside it and moved into place complete), and Ctrl-C leaves --out as it was.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useBackend } from '../../helpers/backend';
import { repoRoot } from '../../helpers/paths';
import { runCli } from '../../helpers/runCli';
import { seededMnistCnn, tempFolder } from '../topk/topkFixtures';
import { readReport, writeGrayImages } from './reportFixtures';

/** A fast report: one conv layer, one image, two steps. */
const QUICK = ['--layers', '1', '--images', '1', '--steps', '2'];

function snapshot(dir: string): Record<string, string> {
  return Object.fromEntries(readdirSync(dir).sort().map((f) => [f, readFileSync(join(dir, f)).toString('base64')]));
}

let model = '';
let samples = '';
async function fixtures(): Promise<{ model: string; samples: string }> {
  if (!model) {
    await useBackend('cpu');
    model = await seededMnistCnn();
    samples = tempFolder('layer-lens-report-samples-');
    writeGrayImages(samples, 3, 28);
  }
  return { model, samples };
}

test('a folder holding other files, or a file, is refused with one sentence and left untouched', async () => {
  const { model, samples } = await fixtures();
  const out = tempFolder();
  writeFileSync(join(out, 'notes.txt'), 'mine');
  writeFileSync(join(out, 'kernels-conv1.png'), 'looks like ours but is not alone');
  const before = snapshot(out);
  const run = runCli(['report', '--model', model, '--out', out, '--samples', samples, ...QUICK]);
  assert.equal(run.status, 2, run.stderr);
  assert.equal(run.stderr.trim().split('\n').length, 1, run.stderr);
  assert.ok(run.stderr.includes(out) && run.stderr.includes('notes.txt'), run.stderr);
  assert.deepEqual(snapshot(out), before);

  const file = join(tempFolder(), 'report.html');
  writeFileSync(file, 'x');
  const onFile = runCli(['report', '--model', model, '--out', file, '--samples', samples, ...QUICK]);
  assert.equal(onFile.status, 2, onFile.stderr);
  assert.match(onFile.stderr, /is a file, not a folder/);
  assert.equal(readFileSync(file, 'utf8'), 'x');
});

test('an empty folder takes a report, and a previous report is replaced whole; nothing is left beside it', async () => {
  const { model, samples } = await fixtures();
  const parent = tempFolder();
  const out = join(parent, 'report');
  mkdirSync(out);
  const first = runCli(['report', '--model', model, '--out', out, '--samples', samples, '--layers', 'conv1', '--images', '1', '--steps', '2']);
  assert.equal(first.status, 0, first.stderr);
  assert.ok(readReport(out).pngs.includes('kernels-conv1.png'));
  const second = runCli(['report', '--model', model, '--out', out, '--samples', samples, ...QUICK]);
  assert.equal(second.status, 0, second.stderr);
  const report = readReport(out);
  assert.ok(!report.pngs.includes('kernels-conv1.png'), 'files of the previous report are gone');
  assert.deepEqual(report.pngs, [...new Set(report.images)].sort());
  assert.deepEqual(readdirSync(parent), ['report']);
});

const started = new Set<ReturnType<typeof spawn>>();
// A test that fails halfway must not leave a 100000-step report running on the machine.
after(() => {
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

/** Starts a long report and resolves when its staging folder beside `out` holds an image. */
function startLongReport(out: string, model: string, samples: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'src/cli/main.ts'), 'report', '--model', model, '--out', out, '--samples', samples, '--steps', '100000'], { cwd: repoRoot });
  started.add(child);
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? -1 : null))));
  const parent = join(out, '..');
  const staging = async (): Promise<string> => {
    for (let i = 0; i < 1200; i++) {
      const dir = readdirSync(parent).find((f) => f.includes('layer-lens-partial'));
      // The last sample's feature maps are the last thing drawn before activation maximization starts.
      if (dir && readdirSync(join(parent, dir)).some((f) => f.endsWith('.png')) && stderr.includes('feature maps img-2.png')) {
        await new Promise((r) => setTimeout(r, 1500));
        return join(parent, dir);
      }
      if (child.exitCode !== null) throw new Error(`the report ended early: ${stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    child.kill('SIGKILL');
    throw new Error(`no staged image after 120 s: ${stderr}`);
  };
  return { child, exited, staging, stderr: () => stderr };
}

/** Resolves when `parent` holds exactly `names`, or fails after 10 s saying what it holds. */
async function settlesTo(parent: string, names: string[]): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (JSON.stringify(readdirSync(parent).sort()) === JSON.stringify(names)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.deepEqual(readdirSync(parent).sort(), names);
}

// The timeout is only a guard against a run that never ends after its signal.
test('Ctrl-C in the middle of actmax ends the run at once, leaves --out as it was and removes what was staged', { timeout: 900_000 }, async () => {
  const { model, samples } = await fixtures();
  const parent = tempFolder();
  const out = join(parent, 'report');
  const previous = runCli(['report', '--model', model, '--out', out, '--samples', samples, ...QUICK]);
  assert.equal(previous.status, 0, previous.stderr);
  const before = snapshot(out);

  const run = startLongReport(out, model, samples);
  await run.staging();
  run.child.kill('SIGINT');
  await run.exited;
  // At once: ended by the signal itself (no handler of ours ran first, which would end it with an exit code), in
  // the middle of its 100000 steps.
  assert.equal(run.child.signalCode, 'SIGINT', `Ctrl-C lost its default effect: the run ended with code ${run.child.exitCode}`);
  assert.deepEqual(snapshot(out), before, 'the previous report is untouched');
  await settlesTo(parent, ['report']);

  // Without a previous report, nothing is left at all, after SIGTERM or SIGKILL alike.
  for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
    const fresh = join(tempFolder(), 'report');
    const second = startLongReport(fresh, model, samples);
    const staged = await second.staging();
    assert.ok(existsSync(join(staged, 'index.html')), 'the staged images always have an index beside them');
    assert.match(readFileSync(join(staged, 'index.html'), 'utf8'), /the run stopped before this section/);
    second.child.kill(signal);
    await second.exited;
    assert.ok(!existsSync(fresh), '--out never holds a partial report');
    await settlesTo(join(fresh, '..'), []);
  }
});

test('a staging folder that a dead run left beside --out is removed by the next run', async () => {
  const { model, samples } = await fixtures();
  const parent = tempFolder();
  const out = join(parent, 'report');
  // pid 2^22 + 1 is above Linux's pid_max default: no process has it.
  const leftover = join(parent, `.report.layer-lens-partial-${2 ** 22 + 1}`);
  mkdirSync(leftover);
  writeFileSync(join(leftover, 'kernels-conv1.png'), 'x');
  const other = join(parent, '.report.layer-lens-partial-notapid');
  mkdirSync(other);
  const next = runCli(['report', '--model', model, '--out', out, '--samples', samples, ...QUICK]);
  assert.equal(next.status, 0, next.stderr);
  assert.ok(statSync(join(out, 'index.html')).isFile());
  assert.deepEqual(readdirSync(parent).sort(), ['.report.layer-lens-partial-notapid', 'report'], 'only the dead run\'s folder was removed');
});
