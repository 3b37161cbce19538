// Type-checks src/core outside src/core/node/ (and src/shared) as code for a webview or a worker: ES2022 and the
// web globals of types/webGlobals.d.ts, with no Node types. tsc alone cannot do this: libraries' declarations
// (TF.js, exifr, bmp-ts) carry `/// <reference types="node" />`, which pulls @types/node back in whatever
// "types" says, and with it `process`, `Buffer` and `require`. So the compiler host here does not see it.
// Usage: node scripts/typecheckCore.mjs [extra.ts ...]   (exit code 1 and tsc-style errors when anything fails;
// extra files are checked as if they were in src/core, which is how the check's own test shows it catches Node use)
import { dirname, join, resolve } from 'node:path';
import ts from 'typescript';

const root = join(dirname(new URL(import.meta.url).pathname), '..');
const configPath = join(root, 'src/core/tsconfig.core.json');
const config = ts.readConfigFile(configPath, ts.sys.readFile);
if (config.error) fail([config.error]);
const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, dirname(configPath));
if (parsed.errors.length > 0) fail(parsed.errors);

const isNodeTypes = (path) => /[\\/]node_modules[\\/]@types[\\/]node([\\/]|$)/.test(path);
const host = ts.createCompilerHost(parsed.options);
const fileExists = host.fileExists.bind(host);
host.fileExists = (path) => !isNodeTypes(path) && fileExists(path);
const directoryExists = host.directoryExists?.bind(host);
if (directoryExists) host.directoryExists = (path) => !isNodeTypes(path) && directoryExists(path);

const extra = process.argv.slice(2).map((f) => resolve(f));
const program = ts.createProgram({ rootNames: [...parsed.fileNames, ...extra], options: parsed.options, host });
const leaked = program.getSourceFiles().filter((f) => isNodeTypes(f.fileName));
if (leaked.length > 0) {
  console.error(`typecheckCore: @types/node was still loaded (${leaked[0].fileName}); the check would not catch Node globals.`);
  process.exit(1);
}
const diagnostics = ts.getPreEmitDiagnostics(program);
if (diagnostics.length > 0) fail(diagnostics);

function fail(diagnostics) {
  const text = ts.formatDiagnostics(diagnostics, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => root, getNewLine: () => '\n' });
  console.error(`${text}\nsrc/core must run without Node outside src/core/node/: move Node-only code there, behind a seam.`);
  process.exit(1);
}
