// scripts/testTmp.mjs: the one temp folder of a test run. It is made under the given parent with a short name,
// every child sees it as its temp folder, it goes when the process exits (also after a failure or a signal), and
// removing refuses anything the helper did not make in this process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { makeRunTmp, removeRunTmp, RUN_TMP_MARK, RUN_TMP_PREFIX, tmpEnv } from '../../../scripts/testTmp.mjs';
import { repoRoot } from '../../helpers/paths';

const helper = join(repoRoot, 'scripts/testTmp.mjs');

function parentFolder(t: { after: (fn: () => void) => void }): string {
  const parent = mkdtempSync(join(tmpdir(), 'layer-lens-testtmp-'));
  t.after(() => rmSync(parent, { recursive: true, force: true }));
  return parent;
}

test('a run folder is made under the parent with a short marked name, and removed with all it holds but not what its links point to', (t) => {
  const parent = parentFolder(t);
  const outside = join(parent, 'outside.txt');
  writeFileSync(outside, 'keep me');
  const dir = makeRunTmp(parent);
  assert.equal(readdirSync(parent).filter((n) => n.startsWith(RUN_TMP_PREFIX)).length, 1);
  assert.match(basename(dir), /^lltmp-\w{6}$/);
  assert.match(readFileSync(join(dir, RUN_TMP_MARK), 'utf8'), /^made by .* \(pid \d+\)/);
  mkdirSync(join(dir, 'a', 'b'), { recursive: true });
  writeFileSync(join(dir, 'a', 'b', 'f.bin'), Buffer.alloc(1024));
  symlinkSync(outside, join(dir, 'a', 'link'));
  symlinkSync(parent, join(dir, 'parent-link'));

  assert.equal(removeRunTmp(dir), true);
  assert.equal(existsSync(dir), false);
  assert.equal(readFileSync(outside, 'utf8'), 'keep me');
  assert.deepEqual(readdirSync(parent), ['outside.txt']);
});

test('removing refuses a folder this process did not make, even one named like a run folder, and a second removal', (t) => {
  const parent = parentFolder(t);
  const lookalike = mkdtempSync(join(parent, RUN_TMP_PREFIX));
  writeFileSync(join(lookalike, 'data'), 'x');
  assert.throws(() => removeRunTmp(lookalike), /is not a run folder made by this process; not removing it/);
  assert.throws(() => removeRunTmp(parent), /not removing it/);
  assert.equal(readFileSync(join(lookalike, 'data'), 'utf8'), 'x');

  const dir = makeRunTmp(parent);
  assert.equal(removeRunTmp(dir), true);
  assert.throws(() => removeRunTmp(dir), /not removing it/);
});

test('tmpEnv names the folder for TMPDIR, TMP and TEMP', () => {
  assert.deepEqual(tmpEnv('/x/lltmp-abc123'), { TMPDIR: '/x/lltmp-abc123', TMP: '/x/lltmp-abc123', TEMP: '/x/lltmp-abc123' });
});

// A process that uses the run folder: prints it and the temp folder its own child sees, then ends as asked.
const script = (ending: string): string => `
  import { useRunTmp } from ${JSON.stringify(helper)};
  import { execFileSync } from 'node:child_process';
  import { writeFileSync } from 'node:fs';
  import { join } from 'node:path';
  const dir = useRunTmp({ parent: process.argv[1] });
  const seen = execFileSync(process.execPath, ['-p', 'require("os").tmpdir()'], { encoding: 'utf8' }).trim();
  writeFileSync(join(dir, 'left-by-a-test'), 'x');
  process.on('SIGTERM', () => process.exit(143));
  console.log(JSON.stringify({ dir, seen }));
  ${ending}
`;

for (const [how, ending, status] of [
  ['ends normally', '', 0],
  ['fails (exit 1)', 'process.exitCode = 1;', 1],
  ['throws', "setTimeout(() => { throw new Error('boom'); }, 10);", 1],
] as const) {
  test(`the run folder is what children see as their temp folder, and it is gone after a run that ${how}`, (t) => {
    const parent = parentFolder(t);
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script(ending), parent], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(r.status, status, r.stderr);
    const { dir, seen } = JSON.parse(r.stdout.split('\n')[0]) as { dir: string; seen: string };
    assert.equal(seen, dir);
    assert.equal(existsSync(dir), false, `${dir} is left`);
    assert.deepEqual(readdirSync(parent), []);
  });
}

test('the run folder is gone after SIGTERM when the process exits from its handler', async (t) => {
  const parent = parentFolder(t);
  const child = spawn(process.execPath, ['--input-type=module', '-e', script('setInterval(() => {}, 1000);'), parent], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve) => child.stdout.once('data', (c: Buffer) => resolve(c.toString('utf8'))));
  const { dir } = JSON.parse(line) as { dir: string };
  assert.equal(existsSync(join(dir, 'left-by-a-test')), true);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  assert.equal(await exited, 143);
  assert.equal(existsSync(dir), false, `${dir} is left`);
  assert.deepEqual(readdirSync(parent), []);
});
