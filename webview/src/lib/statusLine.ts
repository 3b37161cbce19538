// The designed empty, loading and error states every panel shows in the same place.
export class StatusLine {
  constructor(private readonly el: HTMLElement) {}

  loading(message: string): void {
    this.el.removeAttribute('role');
    this.el.className = 'status loading';
    this.el.replaceChildren(document.createElement('vscode-progress-ring'), document.createTextNode(` ${message}`));
    this.el.hidden = false;
  }

  error(message: string): void {
    // An alert is spoken when it shows, wherever the focus is: an error the user did not look for still reaches them.
    this.el.setAttribute('role', 'alert');
    this.el.className = 'status error';
    this.el.textContent = message;
    this.el.hidden = false;
  }

  info(message: string): void {
    this.el.removeAttribute('role');
    this.el.className = 'status info';
    this.el.textContent = message;
    this.el.hidden = false;
  }

  clear(): void {
    this.el.hidden = true;
    this.el.textContent = '';
  }
}
