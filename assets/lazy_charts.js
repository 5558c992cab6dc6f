/* A service page's year charts (layouts/service_charts.py lazy_graph) and the Overview's
   chart (layouts/overview.py), drawn when they come near the screen rather than all at once
   as the page loads. Drawn with the page, a service's dozen charts kept the browser busy for
   about half a second on a laptop and three on a phone (Lighthouse, issue 17), for charts
   mostly below the first screen; the Overview's one chart, below its tiles at every width,
   cost a phone plotly.js itself (400 KB compressed, most of a second of blocked main thread).

   Each chart arrives as an empty box holding its figure (data-figure, JSON) and its Plotly
   config (data-config), its height held by assets/monitor.css. Its data table is beside it
   from the start, so nothing a reader needs waits on this file. A box whose data-figure
   changes (the Overview's filters) is drawn again, or when it comes near if it was not yet.

   Before printing, every chart not yet drawn is drawn at once: paper has no "near the
   screen". That needs plotly.js already here (beforeprint cannot wait for a download), so
   while a page has a chart still to draw, plotly.js is fetched at the reader's first scroll,
   click, touch or key press; Ctrl+P (Cmd+P) pressed before it has arrived waits for it,
   draws the charts, then opens the print dialog. */
(function () {
    "use strict";
    // The basic plotly.js bundle, where dash_app/factory.py (PLOTLY_PATH) serves it: the same
    // address dcc.Graph fetches, so the browser fetches it once.
    const PLOTLY_SRC = "/_dash-component-suites/plotly/package_data/plotly.min.js";
    const WAITING = ".lazy-chart:not([data-drawn])";
    let loading = null;

    function plotly() {
        if (window.Plotly) {
            return Promise.resolve(window.Plotly);
        }
        if (loading === null) {
            loading = new Promise(function (resolve, reject) {
                const script = document.createElement("script");
                script.src = PLOTLY_SRC;
                script.onload = function () { resolve(window.Plotly); };
                script.onerror = function () { loading = null; reject(new Error("plotly.js did not load")); };
                document.head.appendChild(script);
            });
        }
        return loading;
    }

    // Synchronous once plotly.js is here: bar and line charts in SVG draw in one go, which
    // beforeprint relies on (Chrome counts the printed pages straight after it).
    function draw(box, Plotly) {
        if (box.dataset.drawn || !box.isConnected || !box.dataset.figure) {
            return;
        }
        box.dataset.drawn = "1";
        const figure = JSON.parse(box.dataset.figure);
        const config = Object.assign(JSON.parse(box.dataset.config || "{}"), {responsive: true});
        // Into a div of its own inside the box, as dcc.Graph draws (div#id > div.js-plotly-plot).
        const plot = document.createElement("div");
        box.appendChild(plot);
        Plotly.newPlot(plot, figure.data || [], figure.layout || {}, config);
    }

    const near = new IntersectionObserver(function (entries) {
        // A box whose figure has not come yet stays watched (see redrawn below).
        const boxes = entries.filter(function (entry) {
            return entry.isIntersecting && entry.target.dataset.figure;
        }).map(function (entry) { return entry.target; });
        if (boxes.length === 0) {
            return;
        }
        boxes.forEach(function (box) { near.unobserve(box); });
        plotly().then(function (Plotly) {
            boxes.forEach(function (box) { draw(box, Plotly); });
        }).catch(function () {
            boxes.forEach(function (box) { box.dataset.failed = "1"; });
        });
    }, {rootMargin: "300px 0px"});

    // Dash draws the page after this file runs, and draws it afresh for each service and
    // year chosen: watch for new boxes each time.
    const watched = new WeakSet();
    function watch() {
        document.querySelectorAll(WAITING).forEach(function (box) {
            if (!watched.has(box)) {
                watched.add(box);
                near.observe(box);
            }
        });
    }

    function drawAllNow() {
        if (window.Plotly) {
            document.querySelectorAll(WAITING).forEach(function (box) {
                near.unobserve(box);
                draw(box, window.Plotly);
            });
        }
    }

    // Registered before assets/print.js's (files in assets/ load in name order), so the charts
    // drawn here are then fitted to the paper with the rest.
    window.addEventListener("beforeprint", drawAllNow);

    // plotly.js fetched ahead of printing (see the top): at the first sign of a reader, while
    // a chart waits to be drawn. Nothing is fetched on a page without one.
    function warmUp() {
        if (!window.Plotly && document.querySelector(WAITING) !== null) {
            plotly().catch(function () { /* a chart near the screen says it failed */ });
        }
    }
    ["scroll", "pointerdown", "touchstart", "keydown"].forEach(function (type) {
        window.addEventListener(type, warmUp, {passive: true, capture: true});
    });
    window.addEventListener("keydown", function (event) {
        const print = (event.ctrlKey || event.metaKey) && !event.altKey &&
            (event.key === "p" || event.key === "P");
        if (!print || window.Plotly || document.querySelector(WAITING) === null) {
            return;
        }
        event.preventDefault();
        plotly().then(drawAllNow, function () { /* print without the charts */ })
            .then(function () { window.print(); });
    });

    // A box whose figure changes (a filter chosen): drawn again at once if it was drawn (as
    // dcc.Graph does), else watched afresh, so one already near the screen is drawn now.
    function redrawn(box) {
        if (!box.dataset.figure) {
            return;
        }
        const plot = box.dataset.drawn ? box.querySelector(".js-plotly-plot") : null;
        if (plot && window.Plotly) {
            const figure = JSON.parse(box.dataset.figure);
            window.Plotly.react(plot, figure.data || [], figure.layout || {},
                Object.assign(JSON.parse(box.dataset.config || "{}"), {responsive: true}));
        } else if (!box.dataset.drawn) {
            near.unobserve(box);
            near.observe(box);
        }
    }
    // Only a change that adds a chart box looks for new boxes: a grid drawing its rows makes
    // hundreds of changes, none with a chart in it.
    function addsABox(records) {
        return records.some(function (record) {
            return Array.prototype.some.call(record.addedNodes, function (node) {
                return node.nodeType === 1 && (node.matches(".lazy-chart") ||
                    node.querySelector(".lazy-chart") !== null);
            });
        });
    }
    new MutationObserver(function (records) {
        records.forEach(function (record) {
            if (record.type === "attributes" && record.target.classList.contains("lazy-chart")) {
                redrawn(record.target);
            }
        });
        if (addsABox(records)) {
            watch();
        }
    }).observe(document.documentElement, {childList: true, subtree: true, attributes: true,
                                          attributeFilter: ["data-figure"]});
}());
