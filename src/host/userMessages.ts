// Every sentence shown to the user passes here: it goes to the window, the output channel and the test API.
import * as vscode from 'vscode';
import { LayerLensError, toErrorPayload } from '../shared/errors';

export class UserMessages implements vscode.Disposable {
  readonly output = vscode.window.createOutputChannel('Layer Lens', { log: true });
  private readonly shown: string[] = [];

  get history(): readonly string[] {
    return this.shown;
  }

  error(err: unknown): void {
    const { code, message } = toErrorPayload(err, { details: 'the Layer Lens output channel has the details' });
    // An error that is not ours is shown as our sentence; its raw text goes to the output channel only.
    if (code === 'internal' && err instanceof Error && !(err instanceof LayerLensError)) this.output.error(err.stack ?? err.message);
    if (code === 'cancelled') {
      this.output.info(message);
      return;
    }
    this.shown.push(message);
    this.output.error(message);
    void vscode.window.showErrorMessage(message);
  }

  /** Shows the sentence; with `actions`, as buttons whose choice the returned promise gives (undefined: dismissed). */
  warn(message: string, ...actions: string[]): Thenable<string | undefined> {
    this.shown.push(message);
    this.output.warn(message);
    return vscode.window.showWarningMessage(message, ...actions);
  }

  /** Shows the sentence; with `actions`, as buttons whose choice the returned promise gives (undefined: dismissed). */
  info(message: string, ...actions: string[]): Thenable<string | undefined> {
    this.shown.push(message);
    this.output.info(message);
    return vscode.window.showInformationMessage(message, ...actions);
  }

  log(level: 'info' | 'warn' | 'error', message: string): void {
    this.output[level](message);
  }

  dispose(): void {
    this.output.dispose();
  }
}
