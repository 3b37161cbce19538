// The unit runner's one build of dist/ (the engine and CLI tests run the bundles users run): skipped when every
// bundle is newer than every file it is made from, as right after `npm run build` in `npm test`.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;

function newestBelow(dir) {
  if (!existsSync(dir)) return 0;
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestBelow(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function oldestBundle() {
  const bundles = ['', 'webview'].flatMap((sub) => {
    const dir = join(root, 'dist', sub);
    return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.js')).map((f) => join(dir, f)) : [];
  });
  return bundles.length < 5 ? 0 : Math.min(...bundles.map((f) => statSync(f).mtimeMs));
}

/** True when dist/ holds every bundle and each is newer than the sources, esbuild.mjs and package-lock.json. */
export function distFresh() {
  const inputs = Math.max(
    newestBelow(join(root, 'src')),
    newestBelow(join(root, 'webview/src')),
    ...['esbuild.mjs', 'package-lock.json'].map((f) => (existsSync(join(root, f)) ? statSync(join(root, f)).mtimeMs : 0)),
  );
  return oldestBundle() > inputs;
}

/** `node esbuild.mjs`; throws with its last lines when the build fails. */
export function runBuild() {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [join(root, 'esbuild.mjs')], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (out += c));
    child.on('close', (code) => (code === 0 ? done() : fail(new Error(`node esbuild.mjs failed: ${out.trim().split('\n').slice(-3).join(' ')}`))));
  });
}
