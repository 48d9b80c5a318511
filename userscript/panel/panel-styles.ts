/** The panel's own styles; the shadow root keeps the site's CSS out and these in. */
export const PANEL_CSS = `
:host { all: initial; }
.panel { position: fixed; right: 12px; bottom: 12px; z-index: 2147483647; width: 360px; max-height: 80vh;
  overflow: auto; font: 13px/1.4 system-ui, sans-serif; color: #1d1d1f; background: #fff;
  border: 1px solid #c7c7cc; border-radius: 8px; box-shadow: 0 4px 16px rgba(0,0,0,.2); }
.panel.collapsed .body { display: none; }
.head { display: flex; justify-content: space-between; align-items: center; padding: 6px 10px;
  background: #f2f2f7; border-radius: 8px 8px 0 0; font-weight: 600; }
.body { padding: 8px 10px; display: grid; gap: 8px; }
.row { display: flex; flex-wrap: wrap; gap: 4px; }
button { font: inherit; padding: 3px 8px; border: 1px solid #8e8e93; border-radius: 5px; background: #fff; cursor: pointer; }
button:disabled { opacity: .5; cursor: default; }
input[type=text] { font: inherit; flex: 1; min-width: 0; padding: 2px 4px; }
.error { color: #b00020; white-space: pre-wrap; }
.muted { color: #636366; }
.preview { max-height: 200px; overflow: auto; border: 1px solid #e5e5ea; padding: 4px; white-space: pre-wrap; }
.identities { font-family: ui-monospace, monospace; }
`;
