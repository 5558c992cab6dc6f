// The printed page's header (layouts/shell.py print_header): which view this is — the page's
// heading and every filter as chosen — and when it was printed. Written from the page's own
// filter controls whenever they or the page change, so it is right whenever print is pressed
// (and again just before printing, for the time).
(function () {
    "use strict";

    function words(el) {
        return el ? (el.textContent || "").replace(/\s+/g, " ").trim() : "";
    }

    function filterWords(page) {
        const parts = [];
        page.querySelectorAll(".filters .filter").forEach(function (box) {
            if (box.closest("[hidden]")) {
                return;  // a filter fixed on the server (a provider's own services)
            }
            const label = words(box.querySelector("label"));
            const select = box.querySelector("select");
            const check = box.querySelector("input[type=checkbox]");
            const text = box.querySelector("input[type=search], input[type=text]");
            if (text) {
                // A search box (the Returns list's "Find a service by name"): said when used.
                if (text.value.trim()) {
                    parts.push(label + ": \u201c" + text.value.trim() + "\u201d");
                }
            } else if (select) {
                const chosen = select.options[select.selectedIndex];
                if (chosen) {
                    parts.push(label + ": " + words(chosen));
                }
            } else if (check) {
                const said = check.checked ? box.dataset.printOn || label : box.dataset.printOff;
                if (said) {
                    parts.push(said);
                }
            }
        });
        return parts;
    }

    // Made once: toLocaleDateString builds a new formatter on every call, and refresh runs
    // each time the page changes (a grid drawing its rows changes it many times).
    const DATE = new Intl.DateTimeFormat("en-GB", {day: "numeric", month: "long", year: "numeric"});
    const TIME = new Intl.DateTimeFormat("en-GB", {hour: "2-digit", minute: "2-digit", hour12: false});

    function printedAt() {
        const now = new Date();
        // "25 November 2026 at 14:05", as models/rules/formats.py writes dates.
        return "Printed " + DATE.format(now) + " at " + TIME.format(now);
    }

    function refresh() {
        const page = document.getElementById("page");
        const view = document.getElementById("print-view");
        const date = document.getElementById("print-date");
        if (!page || !view || !date) {
            return;
        }
        const heading = words(page.querySelector("h1"));
        view.textContent = [heading].concat(filterWords(page)).filter(Boolean).join(" · ");
        date.textContent = printedAt();
    }

    let pending = null;
    function soon() {
        if (pending === null) {
            pending = setTimeout(function () { pending = null; refresh(); }, 150);
        }
    }

    function watch(page) {
        refresh();
        new MutationObserver(soon).observe(page, {childList: true, subtree: true});
    }

    // Charts are drawn to the screen's width in pixels. Before printing, the page is given
    // the width of A4 landscape's printable area (html.printing in print.css) and each chart
    // is redrawn to its box there, at the height print.css gives it (--print-chart-height),
    // then back afterwards. This must happen in beforeprint: Chrome counts the pages when it
    // first lays the page out for paper.
    function paperHeight(chart, screenHeight) {
        const said = parseFloat(getComputedStyle(chart).getPropertyValue("--print-chart-height"));
        return said > 0 ? Math.min(said, screenHeight) : screenHeight;
    }

    // A small chart (print.css sets --print-chart-small: a service page's, beside its table)
    // also gets smaller type and margins and no y-axis title (the chart's title and the
    // measure's heading say what is counted), so its quarter names fit level under the bars
    // rather than slanting into the legend. What the figure said before is put back afterwards.
    const SMALL = {"font.size": 8, "title.font.size": 9, "legend.font.size": 8,
                   "xaxis.tickfont.size": 6.5, "xaxis.tickangle": 0, "yaxis.title.text": "",
                   "margin.t": 24, "margin.b": 20, "margin.r": 4, "margin.l": 34, "legend.y": -0.3};
    function layoutValue(layout, path) {
        return path.split(".").reduce(function (at, key) {
            return at === undefined || at === null ? undefined : at[key];
        }, layout);
    }
    function small(chart) {
        return getComputedStyle(chart).getPropertyValue("--print-chart-small").trim() === "1";
    }

    function fitCharts(printing) {
        const root = document.documentElement;
        if (printing === root.classList.contains("printing")) {
            return;
        }
        root.classList.toggle("printing", printing);
        if (!window.Plotly) {
            return;
        }
        document.querySelectorAll(".js-plotly-plot").forEach(function (chart) {
            if (printing) {
                const screenHeight = chart.layout && chart.layout.height || 450;
                chart.dataset.screenHeight = chart.layout && chart.layout.height || "";
                const paper = {width: Math.floor(chart.parentElement.clientWidth), autosize: false,
                               height: paperHeight(chart, screenHeight)};
                if (small(chart)) {
                    const before = {};
                    Object.keys(SMALL).forEach(function (key) {
                        const value = layoutValue(chart.layout, key);
                        before[key] = value === undefined ? null : value;  // null: the template's
                        paper[key] = SMALL[key];
                    });
                    chart.dataset.screenLayout = JSON.stringify(before);
                }
                // update, not relayout: dcc.Graph answers a relayout of anything but the size by
                // drawing its figure afresh, which would undo the paper's type at once.
                window.Plotly.update(chart, {}, paper);
            } else if (chart.dataset.screenHeight !== undefined) {
                const height = Number(chart.dataset.screenHeight) || null;
                const screen = JSON.parse(chart.dataset.screenLayout || "{}");
                delete chart.dataset.screenHeight;
                delete chart.dataset.screenLayout;
                window.Plotly.update(chart, {}, Object.assign(screen, {width: null, height: height, autosize: true}));
            }
        });
    }

    function start() {
        document.addEventListener("change", soon, true);
        window.addEventListener("beforeprint", function () {
            refresh();
            fitCharts(true);
        });
        window.addEventListener("afterprint", function () {
            fitCharts(false);
        });
        const page = document.getElementById("page");
        if (page) {
            watch(page);
            return;
        }
        // Dash draws the shell after this file runs: wait for it.
        new MutationObserver(function (_, waiting) {
            const drawn = document.getElementById("page");
            if (drawn) {
                waiting.disconnect();
                watch(drawn);
            }
        }).observe(document.body, {childList: true, subtree: true});
    }

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", start);
    } else {
        start();
    }
}());
