// The designed empty, loading and error states every panel shows in the same place.
export class StatusLine {
  constructor(private readonly el: HTMLElement) {}

  loading(message: string): void {
    this.el.className = 'status loading';
    this.el.replaceChildren(document.createElement('vscode-progress-ring'), document.createTextNode(` ${message}`));
    this.el.hidden = false;
  }

  error(message: string): void {
    this.el.className = 'status error';
    this.el.textContent = message;
    this.el.hidden = false;
  }

  info(message: string): void {
    this.el.className = 'status info';
    this.el.textContent = message;
    this.el.hidden = false;
  }

  clear(): void {
    this.el.hidden = true;
    this.el.textContent = '';
  }
}
