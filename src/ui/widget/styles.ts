// Shadow-DOM styles for <msir-detector>. Isolation rests on two rules: `:host` resets what the host
// page could pass down by inheritance, and `.panel` starts again from `all: initial`, so no inherited
// property (font, color, letter-spacing, text-transform, line-height, …) crosses into the widget.
// Sizes are in px, never rem: a host `html { font-size }` must not rescale the inside.
export const WIDGET_CSS = `
:host {
  all: initial;
  display: inline-block;
  contain: content;
  vertical-align: top;
}
:host([hidden]) { display: none; }
.panel {
  all: initial;
  display: block;
  box-sizing: border-box;
  min-width: 240px;
  padding: 12px 14px;
  border: 1px solid #c9ccd6;
  border-radius: 10px;
  background: #ffffff;
  color: #1b1d24;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
  font-size: 14px;
  font-weight: 400;
  font-style: normal;
  line-height: 20px;
  text-align: left;
  direction: ltr;
  cursor: default;
}
.panel *, .panel *::before, .panel *::after { box-sizing: border-box; }
.bar { display: flex; align-items: center; gap: 10px; margin: 0 0 10px 0; }
button.toggle {
  all: initial;
  display: inline-flex;
  align-items: center;
  gap: 6px;
  padding: 6px 12px;
  border-radius: 6px;
  border: 1px solid #3b4cca;
  background: #3b4cca;
  color: #ffffff;
  font: 600 14px/20px system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
  cursor: pointer;
}
button.toggle:hover { background: #2f3db0; }
button.toggle:focus-visible { outline: 3px solid #f2a900; outline-offset: 2px; }
button.toggle[aria-pressed="true"] { background: #b3261e; border-color: #b3261e; }
button.toggle:disabled { opacity: 0.6; cursor: progress; }
.rec {
  display: inline-flex;
  align-items: center;
  gap: 6px;
  font-size: 13px;
  color: #555a66;
}
.rec .dot {
  width: 10px;
  height: 10px;
  border-radius: 50%;
  background: #9aa0ad;
}
.rec.on { color: #b3261e; font-weight: 600; }
.rec.on .dot { background: #e0281e; animation: pulse 1.2s ease-in-out infinite; }
@keyframes pulse { 50% { opacity: 0.35; } }
@media (prefers-reduced-motion: reduce) { .rec.on .dot { animation: none; } }
ul.emotions { list-style: none; margin: 0; padding: 0; display: grid; gap: 6px; }
li.emotion { display: grid; grid-template-columns: 64px 1fr 44px; align-items: center; gap: 8px; }
.name { text-transform: capitalize; }
.meter { height: 10px; border-radius: 5px; background: #e6e8ee; overflow: hidden; }
.fill { height: 100%; width: 0%; background: #7a8194; transition: width 120ms linear; }
li.positive .fill { background: #2e7d32; }
li.positive .name { font-weight: 700; }
.value { font-variant-numeric: tabular-nums; text-align: right; font-size: 13px; }
.message { margin: 8px 0 0 0; font-size: 13px; min-height: 18px; color: #555a66; }
.message.error { color: #b3261e; }
.adapt { display: flex; align-items: center; gap: 8px; margin: 6px 0 0 0; font-size: 12px; line-height: 16px; color: #555a66; }
.adapt[hidden] { display: none; }
.adapt-text { flex: 1 1 auto; }
button.reset {
  all: initial;
  flex: none;
  padding: 2px 8px;
  border-radius: 6px;
  border: 1px solid #c9ccd6;
  background: #f4f5f8;
  color: #1b1d24;
  font: 600 12px/16px system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
  cursor: pointer;
}
button.reset:hover { background: #e6e8ee; }
button.reset:focus-visible { outline: 3px solid #f2a900; outline-offset: 2px; }
:host([compact]) .panel { min-width: 0; padding: 6px 8px; }
:host([compact]) .bar { margin: 0 0 6px 0; }
:host([compact]) ul.emotions { grid-auto-flow: column; gap: 8px; }
:host([compact]) li.emotion { grid-template-columns: auto; gap: 2px; justify-items: center; }
:host([compact]) .meter { width: 44px; }
:host([compact]) .message:not(.error) { display: none; }
:host([compact]) .adapt { display: none; }
`;
