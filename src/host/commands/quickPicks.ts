// Every quick pick a command shows goes through here, so the real-VS-Code suites can see what was offered (which
// model first, under which name) and answer it: VS Code gives an extension no way to drive another's quick pick.
import * as vscode from 'vscode';
import type { OfferedQuickPick } from '../api';

const offered: OfferedQuickPick[] = [];
/** Labels that answer the next picks, in order; undefined: the user answers. */
let answers: string[] | undefined;

export async function pickOne<T extends vscode.QuickPickItem>(items: T[], options: { title: string; placeHolder: string }): Promise<T | undefined> {
  offered.push({ ...options, items: items.map((i) => ({ label: i.label, description: i.description ?? '' })) });
  if (offered.length > 50) offered.shift();
  if (answers) {
    // An exhausted list answers like Escape, so a test never waits on a pick nobody will close.
    const label = answers.shift();
    return items.find((i) => i.label === label);
  }
  return vscode.window.showQuickPick(items, { ...options, matchOnDescription: true });
}

/** Tests only: the labels to choose in the next quick picks (undefined gives them back to the user). */
export function answerQuickPicks(labels: string[] | undefined): void {
  answers = labels ? [...labels] : undefined;
}

/** Tests only: the quick picks shown since activation, newest last. */
export function offeredQuickPicks(): readonly OfferedQuickPick[] {
  return offered;
}
