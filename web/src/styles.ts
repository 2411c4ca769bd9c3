/**
 * The widget's stylesheet, scoped to its shadow root so the hospital page's CSS
 * cannot break it and it cannot break the page. Colours come in as custom
 * properties set on the host; every pair used for text reaches 4.5:1.
 */

export const STYLES = `
:host { all: initial; }
.smc-root {
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  font-size: 1rem;
  line-height: 1.45;
  color: #111827;
}
.smc-sr {
  position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px;
  overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0;
}
button, input { font: inherit; }
button { cursor: pointer; }
:focus-visible {
  outline: 2px solid transparent;
  box-shadow: 0 0 0 2px #ffffff, 0 0 0 5px #111827;
}
.smc-launcher {
  position: fixed; right: 16px; bottom: 16px; z-index: 2147483000;
  display: inline-flex; align-items: center; gap: 0.5rem;
  max-width: calc(100vw - 32px); min-height: 48px; padding: 0.625rem 1.125rem;
  border: 2px solid var(--smc-on-primary); border-radius: 999px;
  background: var(--smc-primary); color: var(--smc-on-primary);
  font-weight: 600; box-shadow: 0 4px 14px rgba(0, 0, 0, 0.25);
}
.smc-launcher svg { flex: none; width: 1.375rem; height: 1.375rem; fill: currentColor; }
.smc-launcher span { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.smc-panel {
  position: fixed; right: 16px; bottom: 84px; z-index: 2147483000;
  display: flex; flex-direction: column;
  width: min(24rem, calc(100vw - 32px)); height: min(38rem, calc(100vh - 100px));
  background: #ffffff; border: 1px solid #6b7280; border-radius: 12px; overflow: hidden;
  box-shadow: 0 10px 30px rgba(0, 0, 0, 0.3);
  animation: smc-in 160ms ease-out;
}
.smc-panel[hidden] { display: none; }
@keyframes smc-in { from { opacity: 0; transform: translateY(8px); } to { opacity: 1; transform: none; } }
@media (max-width: 480px), (max-height: 520px) {
  .smc-panel { inset: 0; width: auto; height: auto; border: 0; border-radius: 0; }
  .smc-root.smc-open .smc-launcher { display: none; }
}
.smc-header {
  display: flex; align-items: center; gap: 0.5rem; padding: 0.5rem 0.5rem 0.5rem 1rem;
  background: var(--smc-primary); color: var(--smc-on-primary);
}
.smc-header h2 { flex: 1; margin: 0; font-size: 1.0625rem; font-weight: 600; overflow-wrap: anywhere; }
.smc-close {
  flex: none; width: 44px; height: 44px; border: 0; border-radius: 8px;
  background: transparent; color: inherit; font-size: 1.75rem; line-height: 1;
}
.smc-notice {
  margin: 0; padding: 0.625rem 1rem; background: #fef3c7; color: #78350f;
  border-bottom: 1px solid #b45309; font-weight: 600;
}
.smc-notice[hidden] { display: none; }
.smc-notice a, .smc-disclaimer a { color: inherit; }
.smc-log {
  flex: 1; min-height: 6rem; overflow-y: auto; padding: 1rem;
  display: flex; flex-direction: column; gap: 0.75rem; overscroll-behavior: contain;
}
.smc-msg { max-width: 88%; padding: 0.625rem 0.875rem; border-radius: 12px; overflow-wrap: anywhere; }
.smc-msg p { margin: 0; }
.smc-msg p + p { margin-top: 0.5rem; }
.smc-user {
  align-self: flex-end; background: var(--smc-primary); color: var(--smc-on-primary);
  border-bottom-right-radius: 4px; white-space: pre-wrap;
}
.smc-bot { align-self: flex-start; background: #f3f4f6; color: #111827; border-bottom-left-radius: 4px; }
.smc-bot a { color: var(--smc-accent); }
.smc-disclaimer {
  margin-top: 0.625rem !important; padding: 0.5rem 0 0 0.625rem;
  border-top: 1px solid #9ca3af; border-left: 3px solid #6b7280;
  color: #374151; font-size: 0.8125rem; font-style: italic;
}
.smc-quick { display: flex; flex-wrap: wrap; gap: 0.5rem; align-self: flex-start; max-width: 100%; }
.smc-quick button {
  min-height: 44px; padding: 0.5rem 0.875rem; text-align: left;
  border: 2px solid var(--smc-accent); border-radius: 999px;
  background: #ffffff; color: var(--smc-accent); font-weight: 600;
}
.smc-quick button:hover { background: #f3f4f6; }
.smc-feedback, .smc-reasons {
  display: flex; flex-wrap: wrap; align-items: center; gap: 0.5rem; color: #374151; font-size: 0.875rem;
}
.smc-feedback { align-self: flex-start; max-width: 100%; margin-top: -0.25rem; }
.smc-reasons { flex-basis: 100%; }
.smc-reasons[hidden] { display: none; }
.smc-feedback button {
  min-width: 44px; min-height: 44px; padding: 0.5rem 0.75rem;
  border: 2px solid var(--smc-accent); border-radius: 8px;
  background: #ffffff; color: var(--smc-accent); font-size: 0.875rem; font-weight: 600;
}
.smc-feedback button svg { display: block; width: 1.25rem; height: 1.25rem; fill: currentColor; }
.smc-feedback button:hover { background: #f3f4f6; }
.smc-feedback button[aria-pressed="true"] { background: var(--smc-accent); color: #ffffff; }
.smc-typing { min-height: 1.5rem; padding: 0 1rem; color: #374151; }
.smc-dots { display: inline-flex; gap: 4px; padding: 0.25rem 0; }
.smc-dots span {
  width: 8px; height: 8px; border-radius: 50%; background: #4b5563;
  animation: smc-blink 1.2s infinite ease-in-out both;
}
.smc-dots span:nth-child(2) { animation-delay: 0.2s; }
.smc-dots span:nth-child(3) { animation-delay: 0.4s; }
@keyframes smc-blink { 0%, 80%, 100% { opacity: 0.3; } 40% { opacity: 1; } }
.smc-form { display: flex; gap: 0.5rem; padding: 0.75rem; border-top: 1px solid #9ca3af; }
.smc-form input {
  flex: 1; min-width: 0; min-height: 44px; padding: 0.5rem 0.75rem;
  border: 1px solid #6b7280; border-radius: 8px; background: #ffffff; color: #111827;
}
.smc-form input::placeholder { color: #4b5563; opacity: 1; }
.smc-send {
  flex: none; min-height: 44px; padding: 0.5rem 1rem; border: 2px solid transparent; border-radius: 8px;
  background: var(--smc-primary); color: var(--smc-on-primary); font-weight: 600;
}
@media (prefers-reduced-motion: reduce) {
  *, *::before, *::after { animation: none !important; transition: none !important; scroll-behavior: auto !important; }
  .smc-dots span { opacity: 1; }
}
@media (forced-colors: active) {
  .smc-launcher, .smc-send, .smc-quick button, .smc-feedback button { border: 2px solid ButtonText; }
  .smc-feedback button[aria-pressed="true"] { forced-color-adjust: none; background: Highlight; color: HighlightText; }
}
`;
