// The questions opening a PyTorch file or a torchvision model asks: an input box, a quick pick, a message's button.
// The real-VS-Code tests cannot type into VS Code's own widgets, so they queue answers here (through the test API);
// a queued answer goes through the same validation the input box applies, and the question is still logged.
import * as vscode from 'vscode';

const queued: string[] = [];
const asked: string[] = [];

/** Answers for the next questions, in order (test API only). */
export function queueAnswers(answers: readonly string[]): void {
  queued.push(...answers);
}

/** The questions asked since activation, newest last (test API only). */
export function askedQuestions(): readonly string[] {
  return asked;
}

/** An input box; undefined when the user dismissed it. */
export async function askText(options: vscode.InputBoxOptions & { validateInput(text: string): string | undefined }): Promise<string | undefined> {
  asked.push(options.prompt ?? options.title ?? '');
  const answer = queued.shift();
  if (answer === undefined) return vscode.window.showInputBox(options);
  const problem = options.validateInput(answer);
  if (problem) throw new Error(`The queued answer "${answer}" was refused: ${problem}`);
  return answer;
}

/** A quick pick of plain items; undefined when dismissed. */
export async function askPick<T extends vscode.QuickPickItem>(items: readonly T[], options: vscode.QuickPickOptions): Promise<T | undefined> {
  asked.push(options.placeHolder ?? options.title ?? '');
  const answer = queued.shift();
  if (answer === undefined) return vscode.window.showQuickPick(items, options);
  const item = items.find((i) => i.label === answer);
  if (!item) throw new Error(`The queued answer "${answer}" is not one of: ${items.map((i) => i.label).join(', ')}`);
  return item;
}

/** The button the user pressed on a shown message (`shown`), or the queued answer; undefined when dismissed. */
export async function answerOf(shown: Thenable<string | undefined>): Promise<string | undefined> {
  const answer = queued.shift();
  return answer ?? shown;
}
