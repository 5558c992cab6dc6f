// Navigation in the browser (callbacks/navigation.py explains the whole rule): the <title>,
// the address bar after a page is drawn, aria-current on the main menu, and the skip link.
// Loaded from this server like every file in assets/, so the Content-Security-Policy needs no
// inline script.
(function () {
    "use strict";

    // The site's name: the <title> the server sends (dash_app/factory.py, title=...).
    const SITE = document.title || "CWP Outcomes Monitor";
    let page = "";
    let prefix = "";
    let justDrawn = false;  // the router has drawn a page; its filters have not yet answered
    // The addresses this script has moved the reader on from (its own pushState and
    // replaceState below) since the reader last went somewhere (Back, Forward, a link, the
    // router drawing a page). A record asked from one of them answers a change the reader
    // made before the previous answer arrived (two filters chosen quickly on a slow line):
    // it is theirs, not a view they left.
    let leftByAnswers = [];
    function readerWentSomewhere() {
        leftByAnswers = [];
    }
    window.addEventListener("popstate", readerWentSomewhere);
    window.addEventListener("_dashprivate_pushstate", readerWentSomewhere);  // dcc.Link

    // The one place a title is composed: "<prefix><page> – <site>", for example
    // "Error: Return: Sanctuary scheme, Q3 2026/27 – CWP Outcomes Monitor".
    //   cwpTitle.show(page)    a page was drawn or its view changed; clears any prefix
    //   cwpTitle.prefix(text)  puts text before the title ("Error: " while a form shows
    //                          errors), or takes it away with ""; the page part stays
    const cwpTitle = {
        compose: function (before, pageTitle) {
            return (before || "") + (pageTitle ? pageTitle + " – " : "") + SITE;
        },
        show: function (pageTitle) {
            page = pageTitle || "";
            prefix = "";
            document.title = cwpTitle.compose(prefix, page);
        },
        prefix: function (text) {
            prefix = text || "";
            document.title = cwpTitle.compose(prefix, page);
        },
    };
    window.cwpTitle = cwpTitle;

    // A query as window.location has it: "" for none, else "?…".
    function query(search) {
        const text = (search || "").replace(/^\?/, "");
        return text ? "?" + text : "";
    }

    // Whether two addresses ("/path?query") name the same view: same path, same keys and
    // values in any order or encoding (callbacks/navigation.same_view on the server).
    function sameAddress(one, other) {
        const split = function (address) {
            const at = address.indexOf("?");
            const path = at < 0 ? address : address.slice(0, at);
            const pairs = Array.from(new URLSearchParams(at < 0 ? "" : address.slice(at + 1)));
            return [path, pairs.map(function (pair) { return pair.join("="); }).sort().join("&")];
        };
        const a = split(one), b = split(other);
        return a[0] === b[0] && a[1] === b[1];
    }

    // Whether a record asked from `from` still answers the view shown at `here`.
    function askedHere(from, here) {
        if (!from || sameAddress(from, here)) {
            return true;
        }
        return leftByAnswers.some(function (left) { return sameAddress(left, from); });
    }

    function markCurrent(pathname) {
        // The link to this page says so (aria-current="page"); on a page within a section
        // (a return under Returns, an administration page) the section's link says "true".
        const path = pathname === "/overview" ? "/" : (pathname || "/");
        document.querySelectorAll("#main-nav a[href]").forEach(function (link) {
            const href = link.getAttribute("href");
            if (href === path) {
                link.setAttribute("aria-current", "page");
            } else if (href !== "/" && path.indexOf(href + "/") === 0) {
                link.setAttribute("aria-current", "true");
            } else {
                link.removeAttribute("aria-current");
            }
        });
    }

    window.dash_clientside = Object.assign({}, window.dash_clientside, {
        navigation: {
            // The VIEW record changed (callbacks/navigation.py). The title follows it. The
            // router's record ("drawn") matches the address it drew; the next record, from the
            // page's filter callback drawing its view for the first time, corrects the address
            // in place (slugs for old ids, the quarter a bare "/" means) so that Back never
            // lands on an address that adds an entry; each later one is the reader's change of
            // a filter: a new history entry. Dash's Location is told the query (it then finds
            // the address already right and adds nothing).
            // A record asked from another address than the one now shown ("from": the reader
            // went Back, Forward or elsewhere while it was worked out), unless this script's
            // own answers moved the reader on from it (askedHere; never for the router's
            // record of a page drawn), changes nothing in the
            // address bar or the history; Dash has drawn its answer over the page, so the
            // router is asked to draw the page for the address again: the store "redraw"
            // (layouts/ids.REDRAW), set here rather than as an output, which would close a
            // loop of callbacks (router -> VIEW -> showView -> router) that Dash refuses.
            showView: function (view, search) {
                const unchanged = window.dash_clientside.no_update;
                if (!view) {
                    return unchanged;
                }
                const here = window.location.pathname + window.location.search;
                // The router's own answer (a page drawn) must have been asked from this very
                // address: one asked before Back or Forward would put the old view back.
                const stale = view.drawn ? Boolean(view.from) && !sameAddress(view.from, here)
                    : !askedHere(view.from, here);
                if (stale) {
                    window.dash_clientside.set_props("redraw", {data: Date.now()});
                    return unchanged;
                }
                cwpTitle.show(view.title);
                const wanted = query(view.search);
                if (view.drawn) {
                    justDrawn = true;
                    readerWentSomewhere();
                    return unchanged;
                }
                const first = justDrawn;
                justDrawn = false;
                if (wanted === query(search) && wanted === window.location.search) {
                    return unchanged;
                }
                const address = window.location.pathname + wanted + window.location.hash;
                leftByAnswers.push(here);
                if (first) {
                    window.history.replaceState(window.history.state, "", address);
                } else {
                    window.history.pushState({}, "", address);
                }
                return wanted;
            },
            markCurrent: function (pathname) {
                markCurrent(pathname);
                return window.dash_clientside.no_update;
            },
        },
    });

    // "Skip to main content": focus <main> (tabindex -1) and bring it into view, without
    // putting "#page" in the address, which a copied link would carry.
    document.addEventListener("click", function (event) {
        const link = event.target.closest && event.target.closest("#skip-link");
        if (!link) {
            return;
        }
        const main = document.getElementById(link.getAttribute("href").slice(1));
        if (main) {
            event.preventDefault();
            main.focus();
            main.scrollIntoView({block: "start"});
        }
    });
}());
