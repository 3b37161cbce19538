// The extension activates in a real VS Code and registers every command its manifest contributes.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { api, extension, waitFor } from './helpers';

interface ContributedCommand {
  command: string;
}

suite('activation', () => {
  test('activates and returns the test API', async () => {
    const lens = await api();
    assert.equal(extension().isActive, true);
    for (const fn of ['backendStatus', 'statusBarText', 'activeModel', 'layersViewLabels', 'panelSnapshot', 'shownMessages'] as const) {
      assert.equal(typeof lens[fn], 'function', `API lacks ${fn}`);
    }
  });

  test('every contributed command is registered', async () => {
    await api();
    const contributed = (extension().packageJSON.contributes?.commands ?? []) as ContributedCommand[];
    // LAYER_LENS_TEST_EXPECT_COMMAND adds a command that must exist: the runner's self-test sets a bogus one to see it fail.
    const extra = process.env.LAYER_LENS_TEST_EXPECT_COMMAND;
    const expected = [...contributed.map((c) => c.command), ...(extra ? [extra] : [])];
    assert.ok(contributed.length > 0, 'the manifest contributes no command');
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = expected.filter((id) => !registered.has(id));
    assert.deepEqual(missing, [], `contributed but not registered: ${missing.join(', ')}`);
  });

  test('the Layers view and its container are contributed', () => {
    const contributes = extension().packageJSON.contributes ?? {};
    const containers = (contributes.viewsContainers?.activitybar ?? []) as { id: string }[];
    assert.ok(containers.some((c) => c.id === 'layerLens'), 'no activity bar container layerLens');
    const views = (contributes.views?.layerLens ?? []) as { id: string }[];
    assert.ok(views.some((v) => v.id === 'layerLens.layers'), 'no view layerLens.layers');
  });

  test('the Layers view can be focused', async () => {
    const lens = await api();
    // Hidden first, so that the view becoming visible is the focus command's doing.
    await vscode.commands.executeCommand('workbench.action.closeSidebar');
    await waitFor('the Layers view to be hidden', () => !lens.layersViewVisible(), 10_000);
    // `<viewId>.focus` exists only for a registered view; executing it opens the container and shows the view.
    await vscode.commands.executeCommand('layerLens.layers.focus');
    await waitFor('the Layers view to be visible after focus', () => lens.layersViewVisible(), 10_000);
  });
});
