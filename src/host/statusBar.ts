// The status bar item naming the backend in use (and the WebGPU adapter), and in its tooltip every backend tried
// with why it was skipped, which Node runs the engine, and a choice that could not be honoured.
import * as vscode from 'vscode';
import type { BackendStatus } from '../shared/backend';

export class BackendStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('layerLens.backend', vscode.StatusBarAlignment.Right, 100);
  private tooltipLines: string[] = [];

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

  /** The tooltip as plain text, one entry a line (what the tests read). */
  get tooltipText(): string {
    return this.tooltipLines.join('\n');
  }

  update(status: BackendStatus): void {
    // A choice that could not be honoured shows on the bar itself, not only in the tooltip.
    const icon = status.notHonoured ? '$(warning)' : '$(circuit-board)';
    const unavailable = status.notHonoured ? ` (${status.preference} unavailable)` : '';
    this.item.text = `${icon} Layer Lens: ${backendLabel(status)}${unavailable}`;
    this.tooltipLines = tooltipLines(status);
    const md = new vscode.MarkdownString();
    // appendText escapes: reasons carry paths and library messages, not markdown.
    for (const line of this.tooltipLines) md.appendText(line).appendMarkdown('\n\n');
    md.appendMarkdown('Click to change `layerLens.backend`.');
    this.item.tooltip = md;
  }

  dispose(): void {
    this.item.dispose();
  }
}

export function tooltipLines(status: BackendStatus): string[] {
  const a = status.adapter;
  return [
    `Backend: ${status.detail} (setting: ${status.preference})`,
    ...(status.notHonoured ? [status.notHonoured] : []),
    ...(a ? [`WebGPU adapter: ${adapterName(a)}${a.software ? ' (software)' : ''}`] : []),
    ...(status.kernels ? [`Kernels: ${status.kernels}`] : []),
    ...(status.engineNode ? [status.engineNode] : []),
    'Tried, in order:',
    ...status.attempts.map((t) => (t.ok ? `- ${t.backend}: started` : `- ${t.backend} skipped: ${t.reason ?? 'it did not start'}`)),
  ];
}

function adapterName(a: NonNullable<BackendStatus['adapter']>): string {
  return [a.vendor, a.architecture].filter((s) => s.trim() !== '').join(' ') || 'unnamed adapter';
}

/** The backend as the user reads it in the status bar and in messages: "wasm", "wasm + native", "webgpu (nvidia hopper)". */
export function backendLabel(status: BackendStatus): string {
  // The kernels in use are part of the backend a user sees: "wasm + native" when the native conv kernels run.
  const native = status.kernels?.startsWith('native') ? ' + native' : '';
  const a = status.adapter;
  const adapter = a ? ` (${adapterName(a)}${a.software ? ', software' : ''})` : '';
  return `${status.active}${adapter}${native}`;
}
