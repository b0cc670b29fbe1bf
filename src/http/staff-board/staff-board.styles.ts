/** The board's stylesheet: large type and touch targets for a store tablet, one column on a phone. */
export const BOARD_STYLES = `
*, *::before, *::after { box-sizing: border-box; }
[hidden] { display: none !important; }
html { font-size: 18px; -webkit-text-size-adjust: 100%; }
body {
  margin: 0; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: #1b1f24; background: #eef1f4; line-height: 1.35;
}
button, input { font: inherit; }
button {
  min-height: 52px; min-width: 52px; padding: 0.5rem 1.1rem; border: 0; border-radius: 10px;
  background: #1f5fbf; color: #fff; font-weight: 600; cursor: pointer; touch-action: manipulation;
}
button:disabled { opacity: 0.55; cursor: progress; }
button:focus-visible, input:focus-visible { outline: 3px solid #f0a400; outline-offset: 2px; }
button.secondary { background: #fff; color: #1f5fbf; border: 2px solid #1f5fbf; }
button.go { background: #1d7a3a; }
input {
  min-height: 52px; width: 100%; padding: 0.4rem 0.7rem; border: 2px solid #8a96a3; border-radius: 10px;
  background: #fff; color: inherit;
}
label { display: block; font-weight: 600; margin: 0.8rem 0; }
label input { margin-top: 0.3rem; font-weight: 400; }
h1 { font-size: 1.3rem; margin: 0; }
h2 { font-size: 1.2rem; margin: 0 0 0.6rem; }
h3 { font-size: 1rem; margin: 0.9rem 0 0.5rem; color: #4a5561; }
.bar {
  position: sticky; top: 0; z-index: 1; display: flex; flex-wrap: wrap; align-items: center; gap: 0.6rem 1rem;
  padding: 0.6rem 1rem; background: #14213d; color: #fff;
}
.bar button.secondary { background: transparent; color: #fff; border-color: #fff; }
.spacer { flex: 1; }
.languages a { color: inherit; margin: 0 .25rem; }
.languages a[aria-current] { font-weight: 600; text-decoration: none; }
.store-name { font-weight: 600; }
.live { padding: 0.2rem 0.7rem; border-radius: 999px; background: #2e7d32; font-size: 0.85rem; font-weight: 600; }
.live.down { background: #b26a00; }
main { padding: 1rem; }
.panel { background: #fff; border-radius: 14px; padding: 1.2rem; margin-bottom: 1rem; }
.narrow { max-width: 28rem; margin: 2rem auto; }
.error { color: #b00020; font-weight: 600; margin: 0.4rem 0; }
.error:empty, .notice:empty { display: none; }
.notice { margin: 0; padding: 0.5rem 0.9rem; border-radius: 10px; background: #dff3e4; color: #14532d; font-weight: 600; }
.toolbar { display: flex; flex-wrap: wrap; align-items: center; gap: 0.8rem; margin-bottom: 1rem; }
.store-list { list-style: none; padding: 0; margin: 0; display: grid; gap: 0.6rem; }
.store-list button { width: 100%; text-align: left; }
.columns { display: grid; gap: 1rem; grid-template-columns: 1fr; align-items: start; }
@media (min-width: 900px) { .columns { grid-template-columns: repeat(3, minmax(0, 1fr)); } }
.column { background: #dde3ea; border-radius: 14px; padding: 0.8rem; }
.column > h2 { display: flex; justify-content: space-between; }
.count { background: #14213d; color: #fff; border-radius: 999px; padding: 0 0.6rem; font-size: 0.9rem; }
.empty { color: #4a5561; margin: 0.5rem 0; }
.card {
  background: #fff; border-radius: 12px; padding: 0.8rem; margin-bottom: 0.7rem;
  border-left: 8px solid #8a96a3;
}
.card[data-status="PLACED"] { border-left-color: #1f5fbf; }
.card[data-status="PREPARING"] { border-left-color: #7b3fb5; }
.card[data-status="READY_FOR_PICKUP"] { border-left-color: #1d7a3a; }
.card.late { box-shadow: 0 0 0 3px #b00020 inset; }
.card.at-risk { box-shadow: 0 0 0 3px #f0a400 inset; }
.card-head { display: flex; flex-wrap: wrap; align-items: center; gap: 0.4rem; }
.number { font-size: 1.6rem; font-weight: 700; margin-right: auto; }
.badge { border-radius: 999px; padding: 0.1rem 0.6rem; font-size: 0.85rem; font-weight: 700; }
.badge.late { background: #b00020; color: #fff; }
.badge.at-risk { background: #fff3d6; color: #6b4700; border: 1px solid #f0a400; }
.badge.arrived { background: #f0a400; color: #1b1f24; }
.meta { margin: 0.3rem 0 0.6rem; color: #4a5561; }
.actions { display: flex; flex-wrap: wrap; gap: 0.5rem; margin-top: 0.6rem; }
.actions > button { flex: 1 1 10rem; }
.handover { margin-top: 0.6rem; }
.handover label { margin: 0.4rem 0; }
.handover button { width: 100%; margin-top: 0.4rem; }
table { width: 100%; border-collapse: collapse; margin: 0.4rem 0; }
th, td { text-align: left; padding: 0.35rem 0.4rem; border-bottom: 1px solid #dde3ea; vertical-align: top; }
td.qty, th.qty { text-align: right; font-weight: 700; width: 3.5rem; }
.sku { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 0.85rem; color: #4a5561; }
`
