/* Data tables sent as data rather than as components (layouts/charts.py data_table with
   drawn_by_browser): a service's "Over the years" holds a dozen series tables, about 3,000
   cells, and Dash's renderer mounting each cell as a component of its own kept the browser
   busy for seconds (tens of seconds on a slow machine) before the page would answer.

   Each box (div.browser-table) carries its table as JSON in data-table: caption, headings,
   rows of text and the table's id and class. The table is built here as soon as the box is
   in the page — the same markup data_table gives (caption, th scope="col", each row's first
   cell a th scope="row") — with textContent only, so nothing in a cell is read as markup.
   Built at once, not when scrolled to: the table must be there for a screen reader, a search
   of the page and paper. */
(function () {
    "use strict";
    const BOX = ".browser-table";

    function cell(tag, text, scope) {
        const el = document.createElement(tag);
        if (scope) {
            el.setAttribute("scope", scope);
        }
        el.textContent = text;
        return el;
    }

    function build(box) {
        const source = box.getAttribute("data-table");
        // React may reuse a box for a different table (a new service or year): build again
        // whenever the data differs from what was built.
        if (!source || box.builtFrom === source) {
            return;
        }
        const data = JSON.parse(source);
        const table = document.createElement("table");
        table.className = data.className || "";
        if (data.id) {
            table.id = data.id;
        }
        table.appendChild(cell("caption", data.caption));
        const head = table.createTHead().insertRow();
        data.header.forEach(function (text) { head.appendChild(cell("th", text, "col")); });
        const body = table.createTBody();
        data.rows.forEach(function (row) {
            const tr = body.insertRow();
            row.forEach(function (text, i) {
                tr.appendChild(i === 0 ? cell("th", text, "row") : cell("td", text));
            });
        });
        box.replaceChildren(table);
        box.builtFrom = source;
    }

    function buildAll() {
        document.querySelectorAll(BOX).forEach(build);
    }

    // Dash draws each page after this file runs: build the boxes each change brings (the
    // check is one query, and only for changes that add elements or change a box's data).
    new MutationObserver(function (records) {
        const relevant = records.some(function (record) {
            return record.type === "attributes" || record.addedNodes.length > 0;
        });
        if (relevant) {
            buildAll();
        }
    }).observe(document.documentElement, {
        childList: true, subtree: true, attributes: true, attributeFilter: ["data-table"],
    });
    buildAll();
}());
