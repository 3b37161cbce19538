// README.md and docs/*.md say what is true today: every relative link and #anchor resolves, every repository path
// they name exists, and the README's command-line block lists exactly the flags `layer-lens --help` lists.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { repoRoot } from '../../helpers/paths';
import { runCli } from '../../helpers/runCli';

const docs = ['README.md', ...readdirSync(join(repoRoot, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

/** The text outside fenced code blocks, where a `](x)` is a link and not code. */
function prose(file: string): string {
  return readFileSync(join(repoRoot, file), 'utf8').replace(/^```[\s\S]*?^```/gm, '');
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function anchorsOf(file: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const line of prose(file).split('\n')) {
    const heading = /^#{1,6}\s+(.*)$/.exec(line)?.[1];
    if (heading === undefined) continue;
    const slug = heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    anchors.add(n === 0 ? slug : `${slug}-${n}`);
  }
  return anchors;
}

test('every relative link and anchor in README.md and docs/*.md resolves', () => {
  const broken: string[] = [];
  let links = 0;
  for (const file of docs) {
    for (const [, target] of prose(file).matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target!)) continue; // https:, mailto:, command:
      links++;
      const [path, anchor] = target!.split('#') as [string, string | undefined];
      const resolved = path === '' ? join(repoRoot, file) : join(repoRoot, dirname(file), path);
      if (!existsSync(resolved)) broken.push(`${file}: ${target} (no ${relative(repoRoot, resolved)})`);
      else if (anchor && resolved.endsWith('.md') && !anchorsOf(relative(repoRoot, resolved)).has(anchor)) broken.push(`${file}: ${target} (no heading #${anchor})`);
    }
  }
  assert.deepEqual(broken, []);
  assert.ok(links >= 20, `only ${links} relative links found: the pattern no longer matches the docs`);
});

test('every repository path README.md and docs/*.md name exists', () => {
  const missing: string[] = [];
  let paths = 0;
  for (const file of docs) {
    const text = readFileSync(join(repoRoot, file), 'utf8');
    // A glob (`test/vscode/scenario*.test.ts`) is not a path.
    for (const [, path] of text.matchAll(/(?<![\w./@-])((?:src|test|scripts|bench|native|webview|docs|models|media)\/[\w./-]*\w)(?![\w*])/g)) {
      paths++;
      if (!existsSync(join(repoRoot, path!))) missing.push(`${file}: ${path}`);
    }
  }
  assert.deepEqual(missing, []);
  assert.ok(paths >= 100, `only ${paths} paths found: the pattern no longer matches the docs`);
});

/** Every `--flag` of a text, without the common ones every command takes. */
function flags(text: string): Set<string> {
  const common = new Set(['--backend', '--verbose', '--python', '--input-shape', '--help']);
  return new Set([...text.matchAll(/--[a-z][a-z-]*/g)].map((m) => m[0]).filter((f) => !common.has(f)));
}

test("the README's command-line block lists each command with exactly the flags of its usage in layer-lens --help", () => {
  const help = runCli(['--help']);
  assert.equal(help.status, 0, help.stderr);
  const usage = new Map<string, string>();
  for (const [, name, rest] of help.stdout.matchAll(/^ {2}layer-lens (\w+) (.*)$/gm)) usage.set(name!, rest!);
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const documented = new Map<string, string>();
  for (const [, name, rest] of readme.matchAll(/^npx layer-lens (\w+) +(.*)$/gm)) {
    if (!documented.has(name!)) documented.set(name!, rest!.replace(/#.*$/, ''));
  }
  assert.deepEqual([...documented.keys()].sort(), [...usage.keys()].sort(), 'the README lists other commands than layer-lens --help');
  for (const [name, rest] of documented) {
    const own = flags(usage.get(name)!);
    const doc = flags(rest);
    assert.deepEqual([...doc].filter((f) => !own.has(f)), [], `README's ${name} names flags its usage does not`);
    assert.deepEqual([...own].filter((f) => !doc.has(f)), [], `README's ${name} leaves out flags of its usage`);
  }
});

test("docs/atlas.md's flag table names only flags of layer-lens atlas, and all of them but the shard ones", () => {
  const r = runCli(['atlas', '--help']);
  assert.equal(r.status, 0, r.stderr);
  const own = flags(r.stdout.split('\n')[0]!);
  const table = readFileSync(join(repoRoot, 'docs/atlas.md'), 'utf8').split('\n').filter((l) => l.startsWith('| `--'));
  const doc = flags(table.map((l) => l.split('|')[1]).join(' '));
  assert.deepEqual([...doc].filter((f) => !own.has(f)), []);
  assert.deepEqual([...own].filter((f) => !doc.has(f) && !['--model', '--out', '--json', '--shard', '--shards'].includes(f)), []);
});

interface Contributes {
  configuration: { properties: Record<string, unknown> };
  commands: { command: string; title: string }[];
  menus: Record<string, { command: string; when?: string }[]>;
}

test("the README names every setting and every reachable command package.json contributes, and no other setting", () => {
  const { contributes } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { contributes: Contributes };
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const settings = Object.keys(contributes.configuration.properties);
  assert.deepEqual(settings.filter((k) => !readme.includes(`\`${k}\``)), [], 'settings the README does not name');
  const named = new Set([...readme.matchAll(/`(layerLens\.[\w.]*\w)`/g)].map((m) => m[1]!));
  assert.deepEqual([...named].filter((k) => !settings.includes(k)), [], 'settings the README names that package.json does not contribute');
  // A command hidden from the palette and in no menu is internal (the Layers view's click runs it).
  const hidden = new Set(contributes.menus.commandPalette?.filter((m) => m.when === 'false').map((m) => m.command));
  const inMenus = new Set(Object.entries(contributes.menus).filter(([where]) => where !== 'commandPalette').flatMap(([, items]) => items.map((m) => m.command)));
  const reachable = contributes.commands.filter((c) => !hidden.has(c.command) || inMenus.has(c.command));
  assert.deepEqual(reachable.filter((c) => !readme.includes(`**${c.title}**`) && !readme.includes(`**Layer Lens: ${c.title}**`)).map((c) => c.title), [], 'commands the README does not describe');
});
