// Colours and layout constants shared by every chart and the table.

// Okabe-Ito colours (safe for colour-blind readers), and a distinct dash per run.
export const COLORS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#000000", "#999933"];
export const DASHES = ["solid", "dash", "dot", "dashdot", "longdash", "longdashdot", "5px,3px,1px,3px", "1px,5px"];
export const CLASS_COLORS = ["#0072B2", "#D55E00"];
export const TEXT_COLOR = "#1a1a1a";
// the legend key to line styles (which series), apart from the runs' colours
export const KEY_COLOR = "#555";

export function runStyle(i) {
  return { color: COLORS[i % COLORS.length], dash: DASHES[i % DASHES.length] };
}

// no mode bar: its buttons would be focusable inside an image (axe nested-interactive); the page
// has its own PNG download, and drag-to-zoom / double-click still work
export const PLOTLY_CONFIG = { responsive: true, displaylogo: false, displayModeBar: false };

// display points per trace stay under 2 x this (min and max of each bucket)
export const MAX_BUCKETS = 800;
// with a diverged run, a loss axis ends at this times the other runs' largest loss
export const HEADROOM = 1.5;
// at most this many dotted epoch lines on a run's own chart
export const MAX_EPOCH_LINES = 40;

// Narrow (a phone): no legend, as the end labels name every run and the table below keys the
// colours; a legend of four rows pushed into the axis title and squashed the curves.
export const NARROW_PX = 520;
export const isNarrow = (width) => width > 0 && width < NARROW_PX;
// the legend at the figure's foot, the x title making room for itself: a legend placed below the
// plot in plot units ran into the title on short charts (embeds)
export const FOOT_LEGEND = { orientation: "h", yref: "container", yanchor: "bottom", y: 0 };
export const X_TITLE_STANDOFF = 6;
export const MARGIN = { l: 55, r: 10, t: 36, b: 30 };
// a plot area's height in pixels when the chart's is not known
export const PLOT_PX = 300;

// a draw that took longer than SLOW_FRAME_MS is followed by a pause of PAUSE_MS, so input stays
// responsive during long runs; the table's live compute time ticks every TICK_MS
export const SLOW_FRAME_MS = 40;
export const PAUSE_MS = 120;
export const FRAME_BUDGET_MS = 16;
export const TICK_MS = 250;
