// The status bar item naming the backend in use, and in its tooltip why a preferred one was skipped.
import * as vscode from 'vscode';
import type { BackendStatus } from '../shared/backend';

export class BackendStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('layerLens.backend', vscode.StatusBarAlignment.Right, 100);

  constructor() {
    this.item.name = 'Layer Lens Backend';
    this.item.text = '$(circuit-board) Layer Lens: engine not started';
    this.item.tooltip = 'Layer Lens: the engine starts with the first request that needs it.';
    this.item.command = { title: 'Choose backend', command: 'workbench.action.openSettings', arguments: ['layerLens.backend'] };
    this.item.show();
  }

  get text(): string {
    return this.item.text;
  }

  update(status: BackendStatus): void {
    this.item.text = `$(circuit-board) Layer Lens: ${backendLabel(status)}`;
    const skipped = status.attempts.filter((a) => !a.ok).map((a) => `- ${a.backend} skipped: ${a.reason}`);
    const kernels = status.kernels ? [`Kernels: ${status.kernels}`] : [];
    const lines = [`Backend: ${status.detail} (setting: ${status.preference})`, ...kernels, ...skipped, '', 'Click to change layerLens.backend.'];
    this.item.tooltip = new vscode.MarkdownString(lines.join('\n\n'));
  }

  dispose(): void {
    this.item.dispose();
  }
}

/** The backend as the user reads it in the status bar and in messages: "wasm", or "wasm + native". */
export function backendLabel(status: BackendStatus): string {
  // The kernels in use are part of the backend a user sees: "wasm + native" when the native conv kernels run.
  const native = status.kernels?.startsWith('native') ? ' + native' : '';
  return `${status.active}${native}`;
}
