// The shape every panel shares: HTML shell, validated messages, the ready → init handshake, snapshots for
// tests, PNG export next to the model, disposables in one place. Subclasses add their own messages.
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { packBinary, unpackBinary } from '../../shared/protocol/binaryCodec';
import type { CommonFromWebview, CommonToWebview } from '../../shared/protocol/webviewProtocol';
import type { CanvasSnapshot, PanelKind } from '../api';
import type { UserMessages } from '../userMessages';
import { panelHtml } from './webviewHtml';

export interface PanelDeps {
  extensionUri: vscode.Uri;
  messages: UserMessages;
}

type Message = { type: string };

/** Opens the Unit panel: `{ modelPath, layerId, unit }`. */
export const OPEN_UNIT_COMMAND = 'layerLens.openUnit';

export abstract class PanelBase<ToWebview extends Message, FromWebview extends Message> implements vscode.Disposable {
  /** Every open panel of every kind, so a palette command can start from the model of the one in focus. */
  private static readonly open = new Set<PanelBase<Message, Message>>();
  /** Per kind, the panel most recently opened, revealed or focused: commands and the test API act on it. */
  private static readonly currentByKind = new Map<PanelKind, PanelBase<Message, Message>>();
  protected readonly disposables: vscode.Disposable[] = [];
  private readonly snapshots = new Map<number, (s: CanvasSnapshot | undefined) => void>();
  private nextSnapshotId = 1;
  private disposed = false;
  /** Every model this panel's webview was told it shows: a tile may name one of these, never another file. */
  private readonly modelsShown = new Set<string>();
  /** The watcher on the shown model's file (deleted: said on the status line; back or rewritten: drawn again). */
  private modelWatch: { path: string; watcher: vscode.Disposable } | undefined;

  /** `kind` is the panel's row in PANEL_KINDS (panelKinds.ts); its webview bundle is dist/webview/<kind>.js. */
  protected constructor(
    readonly panel: vscode.WebviewPanel,
    protected readonly deps: PanelDeps,
    readonly kind: PanelKind,
  ) {
    panel.webview.html = panelHtml(panel.webview, deps.extensionUri, kind, panel.title);
    PanelBase.open.add(this);
    this.makeCurrent();
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((raw: unknown) => this.receive(raw)),
      panel.onDidChangeViewState((e) => {
        if (e.webviewPanel.active) this.makeCurrent();
      }),
    );
  }

  /** The current panel of a kind (typed per kind by currentPanel() in panelKinds.ts). */
  static currentOf(kind: PanelKind): PanelBase<Message, Message> | undefined {
    return PanelBase.currentByKind.get(kind);
  }

  /** This panel is the one its kind's commands act on (it was just opened, revealed or focused). */
  protected makeCurrent(): void {
    PanelBase.currentByKind.set(this.kind, this as unknown as PanelBase<Message, Message>);
  }

  /** An open panel shown again for new content: in front, current, and its webview sent the whole state. */
  protected showAgain(): void {
    this.panel.reveal();
    this.makeCurrent();
    this.followModelFile();
    void this.onReady();
  }

  /**
   * The shown model's file went away and came back, or was rewritten: show it again. The default is what a
   * webview that loads again gets (the whole state, and the work redone or read from the caches).
   */
  protected onModelFileBack(): void | Promise<void> {
    return this.onReady();
  }

  /**
   * Watches the file of the model shown now (again when the panel turns to another model). A file deleted or moved
   * away under an open panel is said in one sentence on its status line, where the user looks, instead of a panel
   * that goes on showing a model that is gone; when the file is back (or rewritten) the panel draws it again.
   */
  private followModelFile(): void {
    const modelPath = this.modelPath;
    if (!modelPath || this.modelWatch?.path === modelPath || this.disposed) return;
    this.modelWatch?.watcher.dispose();
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(path.dirname(modelPath)), path.basename(modelPath)));
    const shown = (): boolean => !this.disposed && this.modelPath === modelPath;
    // A save writes in pieces and raises several events, and the model list drops its cached listing on the same
    // events: draw once, after the last of them, so the panel never reads the listing of the file as it was.
    let settle: ReturnType<typeof setTimeout> | undefined;
    const back = (): void => {
      clearTimeout(settle);
      settle = setTimeout(() => {
        if (!shown()) return;
        // A move away can come as a change of the old path too: only a file that is there is drawn again.
        if (!existsSync(modelPath)) this.post({ type: 'error', message: modelGoneSentence(modelPath) });
        else void Promise.resolve(this.onModelFileBack()).catch((err: unknown) => this.deps.messages.error(err));
      }, 300);
    };
    watcher.onDidDelete(() => {
      if (shown()) this.post({ type: 'error', message: modelGoneSentence(modelPath) });
    });
    watcher.onDidCreate(back);
    watcher.onDidChange(back);
    this.modelWatch = { path: modelPath, watcher: { dispose: () => { clearTimeout(settle); watcher.dispose(); } } };
  }

  /** The webview finished loading (first time or after a reload): send it the complete state. */
  protected abstract onReady(): void | Promise<void>;
  /** Panel-specific messages, already checked to be objects with a string `type`. */
  protected abstract onMessage(msg: FromWebview): void | Promise<void>;
  /** Where "Export PNG" writes: a folder next to the model. */
  protected abstract exportDir(): string;
  /** The model file the panel shows. */
  abstract get modelPath(): string;

  /** The model of the panel that has the focus now (the palette keeps it), if a Layer Lens panel has it. */
  static focusedModelPath(): string | undefined {
    return [...PanelBase.open].find((p) => p.panel.active)?.modelPath;
  }

  protected post(msg: ToWebview | CommonToWebview): void {
    if (this.disposed) return;
    const shownModel = msg.type === 'init' ? (msg as { state?: { modelPath?: unknown } }).state?.modelPath : undefined;
    if (typeof shownModel === 'string') this.modelsShown.add(shownModel);
    void this.panel.webview.postMessage(packBinary(msg));
  }

  /** Tests only: the webview double-clicks its unit tile at `index` (the Unit panel opens for that unit). */
  openUnitForTest(index: number): void {
    this.post({ type: 'testOpenUnit', index });
  }

  requestSnapshot(timeoutMs = 5000, part?: string): Promise<CanvasSnapshot | undefined> {
    const requestId = this.nextSnapshotId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.snapshots.delete(requestId);
        resolve(undefined);
      }, timeoutMs);
      this.snapshots.set(requestId, (s) => {
        clearTimeout(timer);
        resolve(s);
      });
      this.post({ type: 'requestSnapshot', requestId, ...(part ? { part } : {}) });
    });
  }

  private async receive(packed: unknown): Promise<void> {
    const raw = unpackBinary(packed);
    if (!isMessage(raw)) return;
    const msg = raw as CommonFromWebview | FromWebview;
    try {
      switch (msg.type) {
        case 'ready':
          this.followModelFile();
          await this.onReady();
          return;
        case 'snapshot': {
          const s = msg as Extract<CommonFromWebview, { type: 'snapshot' }>;
          const resolve = this.snapshots.get(s.requestId);
          this.snapshots.delete(s.requestId);
          if (resolve && s.rgba instanceof Uint8Array) resolve({ width: s.width, height: s.height, rgba: s.rgba, meta: s.meta ?? {} });
          return;
        }
        case 'exportPng': {
          const e = msg as Extract<CommonFromWebview, { type: 'exportPng' }>;
          if (e.png instanceof Uint8Array && typeof e.suggestedName === 'string') await this.exportPng(e.png, e.suggestedName);
          return;
        }
        case 'openUnit': {
          const o = msg as Extract<CommonFromWebview, { type: 'openUnit' }>;
          // The tile belongs to the model it was drawn for, which may no longer be the panel's (it turned to another
          // model while the old picture was still up): that model, if this webview was ever told it shows it.
          const modelPath = o.modelPath === undefined ? this.modelPath : this.modelsShown.has(o.modelPath) ? o.modelPath : undefined;
          if (modelPath && typeof o.layerId === 'string' && Number.isInteger(o.unit) && o.unit >= 0) {
            await vscode.commands.executeCommand(OPEN_UNIT_COMMAND, { modelPath, layerId: o.layerId, unit: o.unit });
          }
          return;
        }
        default:
          await this.onMessage(msg as FromWebview);
      }
    } catch (err) {
      this.deps.messages.error(err);
    }
  }

  /** Tests only: where the next Export PNG is written, with no prompt (a dialog cannot be answered in a test). */
  exportPathForTest: string | undefined;

  private async exportPng(png: Uint8Array, suggestedName: string): Promise<void> {
    if (this.exportPathForTest) {
      const testTarget = vscode.Uri.file(this.exportPathForTest);
      this.exportPathForTest = undefined;
      await vscode.workspace.fs.writeFile(testTarget, png);
      return;
    }
    const safeName = suggestedName.replace(/[^\w.-]+/g, '_');
    const target = vscode.Uri.file(path.join(this.exportDir(), safeName.endsWith('.png') ? safeName : `${safeName}.png`));
    const exists = await vscode.workspace.fs.stat(target).then(() => true, () => false);
    if (exists) {
      const choice = await vscode.window.showWarningMessage(`${target.fsPath} exists. Overwrite it?`, { modal: true }, 'Overwrite');
      if (choice !== 'Overwrite') return;
    }
    await vscode.workspace.fs.writeFile(target, png);
    const open = await vscode.window.showInformationMessage(`Saved ${target.fsPath}`, 'Open');
    if (open) await vscode.commands.executeCommand('vscode.open', target);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    PanelBase.open.delete(this);
    if (PanelBase.currentByKind.get(this.kind) === (this as unknown)) {
      // Another open panel of the kind (the most recently opened) takes over.
      const next = [...PanelBase.open].reverse().find((p) => p.kind === this.kind);
      if (next) PanelBase.currentByKind.set(this.kind, next);
      else PanelBase.currentByKind.delete(this.kind);
    }
    for (const resolve of this.snapshots.values()) resolve(undefined);
    this.snapshots.clear();
    this.modelWatch?.watcher.dispose();
    this.panel.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

/** One sentence for a model file that went away under an open panel. */
export function modelGoneSentence(modelPath: string): string {
  return `${path.basename(modelPath)} is no longer in ${path.dirname(modelPath)}: this panel draws it again when the file is back.`;
}

function isMessage(raw: unknown): raw is Message {
  return typeof raw === 'object' && raw !== null && typeof (raw as { type?: unknown }).type === 'string';
}
