// Text placed in HTML (the report, the atlas site): every character that could open a tag or end an attribute
// becomes a numeric entity.
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
