/* The performance table's columns (layouts/performance.py builds them; callbacks/performance.py
   wires this). "Show priority and provider" shows or hides those two repeated columns without a
   round trip, and on screens wider than a phone Service and Metric get room for their names
   (on a phone they stay narrow, so Service, Metric and RAG all fit; the full text is the
   cell's tooltip either way). */
(function () {
    "use strict";
    const HIDEABLE = ["Priority", "Provider"];
    const WIDE = {Service: 200, Metric: 260, "Quarter % of target": 220, "YTD % of target": 220};

    window.dash_clientside = Object.assign({}, window.dash_clientside, {
        performanceGrid: {
            columns: function (show, defs) {
                if (!defs) {
                    return window.dash_clientside.no_update;
                }
                const wide = window.innerWidth >= 768;
                return defs.map(function (col) {
                    const out = Object.assign({}, col);
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
