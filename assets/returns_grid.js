// The returns grid's cell renderer and formatter (layouts/returns_home.py names them). Loaded
// from this server like every file in assets/, so the Content-Security-Policy needs no inline
// script. They only draw what the row already holds; what a user may open is decided on the
// server when the return form loads.
(function () {
    "use strict";

    const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
        "September", "October", "November", "December"];

    const functions = (window.dashAgGridFunctions = window.dashAgGridFunctions || {});
    const components = (window.dashAgGridComponentFunctions = window.dashAgGridComponentFunctions || {});

    // "2026-01-30" -> "30 January 2026", as models.rules.formats.format_date writes dates;
    // done here so that thousands of rows are not sent twice over.
    functions.returnsDueDate = function (iso) {
        const parts = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || "");
        if (!parts) {
            return iso || "";
        }
        return Number(parts[3]) + " " + MONTHS[Number(parts[2]) - 1] + " " + parts[1];
    };

    // Follow a link inside the app as dcc.Link does: change the address and tell Dash's
    // dcc.Location, without reloading the page. A click with a modifier key (new tab or
    // window) is left to the browser.
    function followInApp(event) {
        if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey ||
                event.shiftKey || event.altKey) {
            return;
        }
        event.preventDefault();
        window.history.pushState({}, "", event.currentTarget.getAttribute("href"));
        window.dispatchEvent(new CustomEvent("_dashprivate_pushstate"));
        window.scrollTo(0, 0);
    }

    // The "Start" / "Continue" / "View" link: a real <a href>, so it can be opened in a new
    // tab, is announced as a link, and is named in full for a screen reader ("Start, Sanctuary
    // scheme, Q3 2025/26"). When the keyboard moves the grid's focus onto its cell, the focus
    // goes on to the link, so Enter follows it.
    components.ReturnLink = function (props) {
        const data = props.data;
        const link = React.useRef(null);
        const cell = props.eGridCell;
        React.useEffect(function () {
            if (!cell) {
                return undefined;
            }
            const onFocus = function (event) {
                if (event.target === cell && link.current) {
                    link.current.focus();
                }
            };
            cell.addEventListener("focus", onFocus);
            return function () {
                cell.removeEventListener("focus", onFocus);
            };
        }, [cell]);
        // A row whose page is still on its way (the grid asks the server a page at a time)
        // has no data yet: no link until it has.
        if (!data || data.sid === undefined) {
            return null;
        }
        const href = "/returns/edit?service=" + encodeURIComponent(data.sid) +
            "&period=" + encodeURIComponent(data.pid);
        return React.createElement("a", {href: href, ref: link, onClick: followInApp,
            className: "returns-grid-link"}, props.value,
            React.createElement("span", {className: "visually-hidden"},
                ", " + data.service + ", " + data.quarter));
    };
}());
