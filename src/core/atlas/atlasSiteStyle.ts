// The atlas site's one style sheet, inlined in every page (no file to fetch from file://). Every text colour stands
// at 4.5:1 or more against what it is drawn on, and the focus ring at 3:1 against the page (the atlas's Chromium test
// computes both from the computed styles); the weak badge differs from the plain one by its outline as well as by its
// colour. Nothing moves: no transition, no animation, no smooth scrolling (the test checks that too), so there is no
// motion to reduce.
export const ATLAS_STYLE = `body { font: 14px/1.45 system-ui, sans-serif; margin: 24px auto; max-width: 1200px; padding: 0 16px; color: #222; background: #fff; }
h1 { font-size: 22px; } h2 { font-size: 17px; margin-top: 28px; border-bottom: 1px solid #ddd; }
a { color: #1a5fb4; } table { border-collapse: collapse; font-size: 13px; } td, th { padding: 2px 10px; border-bottom: 1px solid #eee; text-align: left; }
a:focus-visible, button:focus-visible { outline: 3px solid #1a5fb4; outline-offset: 2px; }
main:focus { outline: none; }
.skip { position: absolute; left: -10000px; top: 0; }
.skip:focus { left: 16px; top: 8px; z-index: 1; padding: 4px 10px; background: #fff; color: #1a5fb4; border: 1px solid #1a5fb4; }
.sr-only { position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
img.px { image-rendering: pixelated; border: 1px solid #ccc; background: #000; }
.grid { display: flex; flex-wrap: wrap; gap: 8px; list-style: none; margin: 0; padding: 0; } .tile { width: 116px; font-size: 12px; }
.tile a { display: block; text-decoration: none; color: #222; padding: 2px; }
.tile a:hover .name { text-decoration: underline; }
.tile img { width: 112px; height: 112px; display: block; } .missing { width: 112px; height: 112px; background: #eee; display: flex; align-items: center; justify-content: center; color: #555; }
.badge { display: inline-block; padding: 0 4px; border-radius: 3px; font-size: 11px; background: #e8f4e8; color: #205020; border: 1px solid transparent; cursor: help; }
.badge.weak { background: #fbeaea; color: #802020; border-color: #802020; } .note { color: #666; font-size: 13px; }
figure { display: inline-block; margin: 6px 10px 12px 0; vertical-align: top; } figcaption { font-size: 12px; color: #555; }
.sort { margin: 8px 0 4px; } .sort button { margin-left: 6px; font: inherit; font-size: 13px; padding: 2px 10px; color: #222; background: #fff; border: 1px solid #767676; border-radius: 3px; cursor: pointer; }
.sort button[aria-pressed="true"] { color: #fff; background: #1a5fb4; border-color: #1a5fb4; }
nav { font-size: 13px; margin-bottom: 8px; } .crumbs { list-style: none; margin: 0; padding: 0; } .crumbs li { display: inline; }
.crumbs li + li::before { content: "\\203A" / ""; margin: 0 6px; color: #666; }`;
