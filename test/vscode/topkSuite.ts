// What the Top Images suites of a model without a fixed input size share: a model file of their own (a size
// chosen for another suite's model must not be where theirs starts) with a folder of real digit PNGs beside it in
// the workspace, the panel opened on them before the first test, and everything closed and removed after the last.
import { mkdtempSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { TopkFindParams, TopkTestAction } from '../../src/shared/topkProtocol';
import { writeAnySizeGraph, type AnySizeGraphOptions } from '../helpers/anySizeGraph';
import { api, workspaceDir, writeDigitPngs } from './helpers';

export interface TopkSuiteFixture {
  /** The suite's folder in the workspace (removed after its last test). */
  dir: string;
  modelPath: string;
  /** The folder searched: `images` digit PNGs. */
  digits: string;
  images: string[];
}

export interface TopkSuiteOptions {
  /** The suite's folder name starts with it. */
  prefix: string;
  images: number;
  /** Images per channel the first search asks for. */
  k: number;
  graph?: AnySizeGraphOptions;
}

/** Runs "Find Top Images…" on the any-size model's conv layer; resolves when the search has finished. */
export function findTopImages(modelPath: string, folder: string, k: number): Thenable<unknown> {
  return vscode.commands.executeCommand('layerLens.findTopImages', { modelPath, layerId: 'conv', folder, k });
}

/** Acts in the open Top Images webview as a user would (false when it has no result to act on). */
export function topkAction(action: TopkTestAction): Thenable<boolean> {
  return vscode.commands.executeCommand<boolean>('layerLens.test.topkAction', action);
}

/** What each search of the open Top Images panel asked the engine for, oldest first. */
export async function topkRequests(): Promise<Omit<TopkFindParams, 'cacheDir'>[]> {
  const sent = await vscode.commands.executeCommand<Omit<TopkFindParams, 'cacheDir'>[] | undefined>('layerLens.test.topkRequests');
  if (!sent) throw new Error('No Top Images panel is open.');
  return sent;
}

/**
 * Called in a suite's body: before its first test, the fixture is written and Top Images runs on it; after its
 * last, every editor is closed and the folder removed. The returned object is filled in by then.
 */
export function topkSuite(options: TopkSuiteOptions): TopkSuiteFixture {
  const fixture: TopkSuiteFixture = { dir: '', modelPath: '', digits: '', images: [] };
  suiteSetup(async function () {
    this.timeout(90_000);
    fixture.dir = mkdtempSync(path.join(workspaceDir(), options.prefix));
    fixture.modelPath = writeAnySizeGraph(fixture.dir, options.graph);
    fixture.digits = path.join(fixture.dir, 'digits');
    fixture.images = writeDigitPngs(fixture.digits, options.images);
    await api();
    await findTopImages(fixture.modelPath, fixture.digits, options.k);
  });
  suiteTeardown(async () => {
    // Every editor group too: a suite may have put panels side by side.
    await vscode.commands.executeCommand('workbench.action.closeAllGroups');
    if (fixture.dir) rmSync(fixture.dir, { recursive: true, force: true });
  });
  return fixture;
}
