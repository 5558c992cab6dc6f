/* AG Grid only on the pages that draw a grid (dash_app/factory.MonitorDash).

   dash_ag_grid's main bundle is 1.3 MB (about 345 KB compressed): Dash would put it on every
   page because the app imports the package, though only the Returns list, the performance
   table and admin's targets draw a grid. The server leaves it out of the page and names it, and
   the grid's own chunk, on this script's tag (data-bundle, data-chunk). Here
   `window.dash_ag_grid` is a stand-in with the same names: Dash's renderer resolves a component
   at render time as window[namespace][type], so the first grid a page draws, whether the page
   was opened directly or reached inside the app, renders the stand-in, which fetches both files
   and then draws the real grid with the very same props. The real bundle's last act is
   `window.dash_ag_grid = {...}`: the setter below keeps it aside, so the component Dash sees
   stays one and the same (no remount when it loads), and getApi/getApiAsync pass through. */
(function () {
    "use strict";

    const tag = document.currentScript;
    if (!tag || !tag.dataset.bundle || window.dash_ag_grid) {
        return;  // the bundle was put on the page as Dash does by default: nothing to stand in for
    }
    const BUNDLE = tag.dataset.bundle;
    const CHUNK = tag.dataset.chunk;

    let real = null;      // the namespace the bundle sets: {AgGrid, getApi, getApiAsync}
    let loading = null;   // one promise for every grid on the page

    function script(src) {
        return new Promise(function (resolve, reject) {
            const el = document.createElement("script");
            el.src = src;
            el.async = false;  // in order: a chunk that arrives first waits in the queue it joins
            el.onload = resolve;
            el.onerror = function () {
                el.remove();  // so a later attempt fetches it again
                reject(new Error("Could not load " + src));
            };
            document.head.appendChild(el);
        });
    }

    function load() {
        if (!loading) {
            // Both at once: the chunk (the grid itself, 870 KB) would otherwise be asked for only
            // once the bundle has run and the grid first renders. It queues itself on
            // webpackChunkdash_ag_grid, which the bundle reads when it starts.
            loading = Promise.all([CHUNK ? script(CHUNK) : null, script(BUNDLE)]).then(function () {
                if (!real) {
                    throw new Error("dash_ag_grid did not register");
                }
                return real;
            }).catch(function (error) {
                loading = null;  // the next grid drawn (or a reload) tries again
                throw error;
            });
        }
        return loading;
    }

    function AgGrid(props) {
        const React = window.React;
        const state = React.useState(real ? "ready" : "loading");
        const status = state[0];
        const setStatus = state[1];
        React.useEffect(function () {
            if (status !== "loading") {
                return undefined;
            }
            let live = true;
            load().then(function () {
                if (live) { setStatus("ready"); }
            }, function () {
                if (live) { setStatus("failed"); }
            });
            return function () { live = false; };
        }, [status]);
        if (status === "ready") {
            return React.createElement(real.AgGrid, props);
        }
        if (status === "failed") {
            return React.createElement("div", {role: "alert", className: "alert alert-warning"},
                "The table could not be loaded. Check the connection, then reload the page.");
        }
        // While the bundle comes: nothing, as the real grid draws nothing while its own chunk
        // comes (a Suspense with no fallback); the page holds the grid's space (monitor.css).
        return null;
    }
    // What Dash's renderer reads off the component (dash-renderer's wrapping.ts and
    // persistence.js): the real grid's values, so props and persistence behave the same before
    // and after the bundle has loaded.
    AgGrid.dashRenderType = true;
    Object.defineProperty(AgGrid, "dashPersistence", {
        get: function () {
            return real ? real.AgGrid.dashPersistence
                : {persisted_props: ["selectedRows"], persistence_type: "local"};
        },
    });

    const own = {
        AgGrid: AgGrid,
        getApi: function (id) {
            if (!real) {
                throw new Error("no grid found, or grid is not initialized yet, with id: " + id);
            }
            return real.getApi(id);
        },
        getApiAsync: function (id) {
            return load().then(function (ns) { return ns.getApiAsync(id); });
        },
    };
    // Anything else asked of the namespace is the real one's, once it has come.
    const standIn = new Proxy(own, {
        get: function (target, name) {
            return name in target ? target[name] : real ? real[name] : undefined;
        },
    });
    Object.defineProperty(window, "dash_ag_grid", {
        configurable: true,
        get: function () { return standIn; },
        // The grid's chunk runs `window.dash_ag_grid = window.dash_ag_grid || {}` to add
        // useGridFilter: that hands back the stand-in, which must not become the "real" one.
        set: function (namespace) {
            if (namespace !== standIn) {
                real = namespace;
            }
        },
    });
    // On a grid page opened directly (the server says so: layouts/shell.GRID_PAGES) the fetch
    // starts now, before Dash has even asked for the page's view, so the grid is not the last
    // thing drawn. A failure here is tried again when the grid renders.
    if (tag.dataset.early) {
        load().catch(function () { return null; });
    }
}());
