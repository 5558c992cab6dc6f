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
            // The VIEW record changed (callbacks/navigation.py): the page was drawn, or its
            // filters changed. The title follows it. When the record's query is not the
            // address bar's (a filter callback's first call: slugs for old ids, the quarter a
            // bare "/" means), the address is corrected in place, adding no history entry,
            // and Dash's Location told; a filter change has already written both alike.
            showView: function (view, search) {
                if (!view) {
                    return window.dash_clientside.no_update;
                }
                cwpTitle.show(view.title);
                if (query(view.search) === query(search)) {
                    return window.dash_clientside.no_update;
                }
                window.history.replaceState(window.history.state, "",
                    window.location.pathname + query(view.search) + window.location.hash);
                return query(view.search);
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
