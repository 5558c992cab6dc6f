// dcc.Upload (the return template's box, the admin page's import) draws a file input with no
// name of its own: a screen reader would announce an unnamed "button" (axe "label"). Each such
// input is named by its box's own words ("Drag the file (.csv or .xlsx) here, or choose the
// file"). Loaded from this server like every file in assets/ (no inline script under the CSP).
(function () {
    "use strict";

    function name() {
        document.querySelectorAll(".upload-box input[type=file]:not([aria-label])").forEach(function (input) {
            const box = input.closest(".upload-box");
            const words = box ? box.textContent.replace(/\s+/g, " ").trim() : "";
            input.setAttribute("aria-label", words || "Choose a file");
        });
    }

    new MutationObserver(name).observe(document.documentElement, {childList: true, subtree: true});
}());
