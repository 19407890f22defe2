/**
 * The design tokens both elements share, as CSS for their shadow roots.
 *
 * Each public `--taco-sync-*` custom property overrides one private `--_*` token, in light and dark
 * alike: a page that sets `--taco-sync-accent` gets that accent in both schemes (set it inside its own
 * `prefers-color-scheme` query to vary it). Buttons, focus rings and the spinner live here too, so the
 * badge and the dialog look like one product.
 */
export const THEME_CSS = `
:host {
  --_font: var(--taco-sync-font, system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif);
  --_font-size: var(--taco-sync-font-size, 14px);
  --_radius: var(--taco-sync-radius, 8px);
  --_surface: var(--taco-sync-surface, #ffffff);
  --_text: var(--taco-sync-text, #1f2328);
  --_muted: var(--taco-sync-muted, #59636e);
  --_border: var(--taco-sync-border, #d1d9e0);
  --_accent: var(--taco-sync-accent, #0969da);
  --_accent-text: var(--taco-sync-accent-text, #ffffff);
  --_focus: var(--taco-sync-focus, #0969da);
  --_success: var(--taco-sync-success, #1a7f37);
  --_info: var(--taco-sync-info, #0969da);
  --_warning: var(--taco-sync-warning, #9a6700);
  --_danger: var(--taco-sync-danger, #d1242f);
  --_neutral: var(--taco-sync-neutral, #59636e);
  --_backdrop: var(--taco-sync-backdrop, rgb(31 35 40 / 0.45));
  --_tint: 12%;
  font-family: var(--_font);
  font-size: var(--_font-size);
  line-height: 1.45;
  color: var(--_text);
}
@media (prefers-color-scheme: dark) {
  :host {
    --_surface: var(--taco-sync-surface, #1d2229);
    --_text: var(--taco-sync-text, #e6edf3);
    --_muted: var(--taco-sync-muted, #9aa4ae);
    --_border: var(--taco-sync-border, #3d444d);
    --_accent: var(--taco-sync-accent, #1f6feb);
    --_accent-text: var(--taco-sync-accent-text, #ffffff);
    --_focus: var(--taco-sync-focus, #4493f8);
    --_success: var(--taco-sync-success, #3fb950);
    --_info: var(--taco-sync-info, #58a6ff);
    --_warning: var(--taco-sync-warning, #d29922);
    --_danger: var(--taco-sync-danger, #ff7b72);
    --_neutral: var(--taco-sync-neutral, #9aa4ae);
    --_backdrop: var(--taco-sync-backdrop, rgb(1 4 9 / 0.7));
    --_tint: 18%;
  }
}
[hidden] { display: none !important; }
button {
  position: relative;
  display: inline-flex;
  align-items: center;
  justify-content: center;
  gap: 6px;
  min-height: 32px;
  padding: 0 14px;
  border: 1px solid var(--_border);
  border-radius: calc(var(--_radius) - 2px);
  background: var(--_surface);
  color: var(--_text);
  font: inherit;
  font-weight: 500;
  white-space: nowrap;
  cursor: pointer;
  transition: background-color 120ms ease, border-color 120ms ease;
}
button:hover:not([aria-disabled="true"]) {
  background: color-mix(in srgb, var(--_text) 6%, var(--_surface));
}
button:focus-visible {
  outline: 2px solid var(--_focus);
  outline-offset: 2px;
}
button[aria-disabled="true"] {
  cursor: not-allowed;
  opacity: 0.55;
}
button[aria-busy="true"] {
  cursor: progress;
  opacity: 1;
}
button.primary {
  border-color: var(--_accent);
  background: var(--_accent);
  color: var(--_accent-text);
}
button.primary:hover:not([aria-disabled="true"]) {
  background: color-mix(in srgb, var(--_accent) 88%, black);
}
.spinner {
  display: none;
  width: 12px;
  height: 12px;
  border: 2px solid currentColor;
  border-right-color: transparent;
  border-radius: 50%;
  animation: taco-sync-spin 0.8s linear infinite;
}
[aria-busy="true"] > .spinner { display: inline-block; }
@keyframes taco-sync-spin { from { transform: rotate(45deg); } to { transform: rotate(405deg); } }
@media (prefers-reduced-motion: reduce) {
  .spinner { animation: none; border-right-color: currentColor; opacity: 0.6; }
}
.error {
  margin: 0;
  color: var(--_danger);
}
`;
