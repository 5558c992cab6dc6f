// A long table's body as one Dash component (layouts/table_body.py says why): its rows are
// plain React elements, not a Dash component for each cell. Dash's renderer finds a
// component as window[namespace][type]; this file is loaded before the renderer starts.
(function () {
    "use strict";

    function TableBody(props) {
        const h = window.React.createElement;
        const api = window.dash_component_api;
        // As Dash's own HTML components do: marked while a callback redraws it (assets/monitor.css).
        const loading = api && api.useDashContext ? api.useDashContext().useLoading() : false;
        const rows = (props.rows || []).map(function (row, i) {
            if (row.note !== undefined) {
                return h("tr", {key: i}, h("td", {colSpan: props.columns || 1,
                                                  className: row.className || undefined}, row.note));
            }
            return h("tr", {key: i, className: row.className || undefined},
                (row.cells || []).map(function (cell, j) {
                    const heads = j === props.rowHeader;
                    return h(heads ? "th" : "td", {
                        key: j, scope: heads ? "row" : undefined,
                        className: cell.className || undefined, title: cell.title || undefined,
                    }, cell.text);
                }));
        });
        const attributes = {id: props.id, className: props.className || undefined};
        if (loading) {
            attributes["data-dash-is-loading"] = true;
        }
        return h("tbody", attributes, rows);
    }

    window.cwp_components = Object.assign({}, window.cwp_components, {TableBody: TableBody});
})();
