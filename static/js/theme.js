// Colours and layout constants shared by every chart and the table.

// Okabe-Ito colours (safe for colour-blind readers), and a distinct dash per run.
export const COLORS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#000000", "#999933"];
export const DASHES = ["solid", "dash", "dot", "dashdot", "longdash", "longdashdot", "5px,3px,1px,3px", "1px,5px"];
export const CLASS_COLORS = ["#0072B2", "#D55E00"];
export const TEXT_COLOR = "#1a1a1a";
// the legend key to line styles (which series), apart from the runs' colours
export const KEY_COLOR = "#555";

export const runColor = (i) => COLORS[i % COLORS.length];

export function runStyle(i) {
  return { color: runColor(i), dash: DASHES[i % DASHES.length] };
}

// marks drawn over the curves and the landscape: white outlines and fills (a path's outline, its
// start, the minimum's star) and black edges (a path's end, a star), so they show on any colour
export const PAPER = "#fff";
export const EDGE = "#000";
// a regression's data points: grey, under the runs' coloured lines
export const DATA_COLOR = "#777";
export const LANDSCAPE_SCALE = "Viridis";
// the dotted epoch lines, faint behind the curves
export const EPOCH_LINE_COLOR = "rgba(0,0,0,0.15)";
// backgrounds of text over a plot (end labels, the noise view's notes): the curves show through
export const LABEL_BG = "rgba(255,255,255,0.9)";
export const NOTE_BG = "rgba(255,255,255,0.85)";

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
// an end label's average character width in ems (its font: "momentum=0.9, nesterov=true, decay=0.01
// · 160 updates", 53 characters at 10 px, measured 285 px in chromium), a little over for room
export const LABEL_EM = 0.56;
// a plot area's height in pixels when the chart's is not known
export const PLOT_PX = 300;
// a loss chart's plot height (for the end labels' spacing), in pixels: the chart's less the x
// axis title and the foot legend's rows (entries of about LEGEND_ENTRY_PX across the width less
// LEGEND_SIDES_PX), never under MIN_PLOT_PX
export const X_TITLE_PX = 40;
export const LEGEND_ROW_PX = 19;
export const LEGEND_ENTRY_PX = 350;
export const LEGEND_SIDES_PX = 60;
export const MIN_PLOT_PX = 60;
// the loss chart's PNG download
export const PNG_SIZE = { width: 1200, height: 600 };
// up to this width (a phone) the lesson card's explanation starts folded
export const FOLD_QUERY = "(max-width: 720px)";

// a draw that took longer than SLOW_FRAME_MS is followed by a pause of PAUSE_MS, so input stays
// responsive during long runs; the table's live compute time ticks every TICK_MS
export const SLOW_FRAME_MS = 40;
export const PAUSE_MS = 120;
export const FRAME_BUDGET_MS = 16;
export const TICK_MS = 250;
