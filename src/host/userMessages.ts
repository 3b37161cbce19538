// Every sentence shown to the user passes here: it goes to the window, the output channel and the test API.
import * as vscode from 'vscode';
import { toErrorPayload } from '../shared/errors';

export class UserMessages implements vscode.Disposable {
  readonly output = vscode.window.createOutputChannel('Layer Lens', { log: true });
  private readonly shown: string[] = [];

  get history(): readonly string[] {
    return this.shown;
  }

  error(err: unknown): void {
    const { code, message } = toErrorPayload(err);
    if (code === 'cancelled') {
      this.output.info(message);
      return;
    }
    this.shown.push(message);
    this.output.error(message);
    void vscode.window.showErrorMessage(message);
  }

  warn(message: string): void {
    this.shown.push(message);
    this.output.warn(message);
    void vscode.window.showWarningMessage(message);
  }

  info(message: string): void {
    this.shown.push(message);
    this.output.info(message);
    void vscode.window.showInformationMessage(message);
  }

  log(level: 'info' | 'warn' | 'error', message: string): void {
    this.output[level](message);
  }

  dispose(): void {
    this.output.dispose();
  }
}
