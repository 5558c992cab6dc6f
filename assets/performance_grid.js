/* The performance table's columns (layouts/performance.py builds them; callbacks/performance.py
   wires this). "Show priority and provider" shows or hides those two repeated columns without a
   round trip, and on screens wider than a phone Service and Metric get room for their names
   (on a phone they stay narrow, so Service, Metric and RAG all fit; the full text is the
   cell's tooltip either way). Turning a phone or resizing the window across that width sets
   the widths again. */
(function () {
    "use strict";
    const HIDEABLE = ["Priority", "Provider"];
    const WIDE = {Service: 200, Metric: 260, "Quarter % of target": 220, "YTD % of target": 220};
    const NARROW = {};  // the widths layouts/performance.py gave, for a phone
    const WIDE_SCREEN = window.matchMedia("(min-width: 768px)");

    WIDE_SCREEN.addEventListener("change", function (change) {
        let api;
        try {
            api = window.dash_ag_grid.getApi("perf-grid");
        } catch (notDrawn) {
            return;  // not on the performance page: its columns are set when it is drawn
        }
        api.setColumnWidths(Object.keys(WIDE).filter(function (field) {
            return NARROW[field] !== undefined;
        }).map(function (field) {
            return {key: field, newWidth: change.matches ? WIDE[field] : NARROW[field]};
        }));
    });

    window.dash_clientside = Object.assign({}, window.dash_clientside, {
        performanceGrid: {
            columns: function (show, defs) {
                if (!defs) {
                    return window.dash_clientside.no_update;
                }
                const wide = WIDE_SCREEN.matches;
                return defs.map(function (col) {
                    const out = Object.assign({}, col);
                    if (WIDE[col.field] && NARROW[col.field] === undefined) {
                        NARROW[col.field] = col.width;
                    }
                    if (HIDEABLE.indexOf(col.field) >= 0) {
                        out.hide = !show;
                    }
                    if (wide && WIDE[col.field]) {
                        out.width = WIDE[col.field];
                    }
                    return out;
                });
            },
        },
    });
})();
