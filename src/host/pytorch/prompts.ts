// The questions opening a PyTorch file asks besides quick picks (commands/quickPicks.ts): an input box, a message's
// button. The real-VS-Code tests cannot type into VS Code's own widgets, so they queue answers here (through the test
// API); a queued answer goes through the same validation the input box applies.
import * as vscode from 'vscode';

const queued: string[] = [];

/** Answers for the next questions, in order (test API only). */
export function queueAnswers(answers: readonly string[]): void {
  queued.push(...answers);
}

/** An input box; undefined when the user dismissed it. */
export async function askText(options: vscode.InputBoxOptions & { validateInput(text: string): string | undefined }): Promise<string | undefined> {
  const answer = queued.shift();
  if (answer === undefined) return vscode.window.showInputBox(options);
  const problem = options.validateInput(answer);
  if (problem) throw new Error(`The queued answer "${answer}" was refused: ${problem}`);
  return answer;
}

/** The button the user pressed on a shown message (`shown`), or the queued answer; undefined when dismissed. */
export async function answerOf(shown: Thenable<string | undefined>): Promise<string | undefined> {
  const answer = queued.shift();
  return answer ?? shown;
}
