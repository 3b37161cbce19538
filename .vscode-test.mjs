// @vscode/test-cli configuration: the same suites as `npm test` (test/vscode, bundled by
// scripts/vscodeTest/buildTests.mjs) in desktop VS Code through @vscode/test-electron, for machines that can
// download VS Code. Run with `npm run test:electron`. The suites get a git-ignored workspace folder.
import { defineConfig } from '@vscode/test-cli';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Git-ignored, beside the VS Code builds test-electron keeps in .vscode-test/.
const workspace = join(fileURLToPath(new URL('.', import.meta.url)), '.vscode-test', 'workspace');
mkdirSync(workspace, { recursive: true });

export default defineConfig({
  label: 'layer-lens',
  files: 'out/test/vscode/*.test.js',
  version: 'stable',
  workspaceFolder: workspace,
  launchArgs: ['--disable-workspace-trust', '--skip-welcome', '--skip-release-notes'],
  mocha: { ui: 'tdd', timeout: 60_000, color: true },
});
