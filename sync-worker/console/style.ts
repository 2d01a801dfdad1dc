/**
 * The console's stylesheet, served from /console/assets (a string so Workers need no asset binding).
 * System fonts only; one column on a phone, a grid from 56rem. States are words, and lines differ
 * by dash pattern, so nothing depends on colour.
 */
export const CONSOLE_CSS = `
:root { color-scheme: light dark; --fg: CanvasText; --muted: GrayText; --line: currentColor; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
header { display: flex; gap: 1rem; align-items: center; flex-wrap: wrap; padding: .75rem 1rem;
  border-bottom: 1px solid; }
header h1 { font-size: 1.15rem; margin: 0; flex: 1; }
h2 { font-size: 1rem; margin: 0 0 .5rem; }
h3 { font-size: .9rem; margin: .75rem 0 .25rem; }
main.grid { display: grid; gap: 1rem; padding: 1rem; grid-template-columns: 1fr; align-items: start; }
@media (min-width: 56rem) { main.grid { grid-template-columns: 1fr 1fr; } }
section { border: 1px solid; border-radius: 6px; padding: .75rem; min-width: 0; }
.figures { display: grid; grid-template-columns: repeat(auto-fit, minmax(9rem, 1fr)); gap: .5rem; margin: 0; }
.figure dt { font-size: .8rem; color: var(--muted); }
.figure dd { margin: 0; font-weight: 600; font-variant-numeric: tabular-nums; }
.chart { margin: 0; }
.chart svg { width: 100%; height: auto; }
.chart text { font-size: 12px; fill: currentColor; }
.chart .axis, .chart .grid, .legend line, .chart .line { stroke: currentColor; }
.chart .grid { stroke-dasharray: 1 3; opacity: .6; }
.chart .line { fill: none; stroke-width: 2; }
.legend { margin-right: 1rem; white-space: nowrap; }
.legend svg { width: 2rem; height: .5rem; }
.legend line { stroke-width: 2; }
.breaker strong { font-size: 1.1rem; }
.breaker[data-state="open"] strong::before { content: "⚠ "; }
.note { color: var(--muted); font-size: .85rem; }
.history { margin: 0; padding-left: 1.5rem; max-height: 10rem; overflow: auto; }
.jobs { list-style: none; padding: 0; margin: 0; display: grid; gap: .5rem; }
.jobs li { display: grid; grid-template-columns: 1fr auto; gap: .25rem .5rem; align-items: center; }
.jobs li > span:first-child, .jobs .note { grid-column: 1 / -1; }
progress { width: 100%; height: 1rem; }
fieldset { border: 1px solid; border-radius: 4px; margin: 0 0 .75rem; display: grid; gap: .5rem; }
.scope { display: flex; flex-wrap: wrap; gap: .25rem 1rem; }
label { display: block; }
input:not([type=radio]):not([type=checkbox]) { width: 100%; padding: .4rem; font: inherit; }
button { font: inherit; padding: .4rem .8rem; cursor: pointer; }
.table { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: .85rem; }
th, td { text-align: left; padding: .25rem .4rem; border-bottom: 1px solid; vertical-align: top; }
#output:not(:empty), .error { border-left: 4px solid; padding: .25rem .5rem; }
#output[data-kind="error"]::before, .error::before { content: "Error: "; font-weight: 600; }
.login { max-width: 24rem; margin: 3rem auto; padding: 0 1rem; display: grid; gap: .75rem; }
.login form { display: grid; gap: .5rem; }
`;
