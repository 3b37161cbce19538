// Registers Build Atlas. A failure is one sentence to the user (never thrown into VS Code); the command's return value
// (what executeCommand gives its caller) is the run's outcome, for tests and other commands.
import * as vscode from 'vscode';
import { BUILD_ATLAS_COMMAND, buildAtlas, type AtlasDeps, type BuildAtlasOutcome } from './buildAtlas';

export function registerAtlas(deps: AtlasDeps): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(BUILD_ATLAS_COMMAND, async (arg: unknown): Promise<BuildAtlasOutcome | undefined> => {
      try {
        return await buildAtlas(deps, arg);
      } catch (err) {
        deps.messages.error(err);
        return undefined;
      }
    }),
  ];
}
