// A table too wide for the screen scrolls sideways in its .table-responsive box (a phone, a
// narrow window). Such a box must be reachable from the keyboard, or a keyboard user cannot
// scroll to the figures on the right (WCAG 2.1.1; axe "scrollable-region-focusable"): while it
// scrolls it is a tab stop, a named region ("Headline outputs, Q2 2026/27, scrolls sideways"),
// and the arrow keys scroll it. A box that fits is left alone, so it adds no empty tab stop.
// Loaded from this server like every file in assets/ (no inline script under the CSP).
(function () {
    "use strict";

    const SUFFIX = ", scrolls sideways";

    function label(box) {
        const caption = box.querySelector("caption");
        const words = caption ? caption.textContent.trim() : "Table";
        return words + SUFFIX;
    }

    function mark(box) {
        const scrolls = box.scrollWidth > box.clientWidth + 1;
        if (scrolls && box.getAttribute("tabindex") !== "0") {
            box.setAttribute("tabindex", "0");
            box.setAttribute("role", "region");
            box.setAttribute("aria-label", label(box));
            box.dataset.scrollRegion = "1";
        } else if (!scrolls && box.dataset.scrollRegion) {
            // Only what this file added is taken away.
            box.removeAttribute("tabindex");
            box.removeAttribute("role");
            box.removeAttribute("aria-label");
            delete box.dataset.scrollRegion;
        } else if (scrolls && box.dataset.scrollRegion && box.getAttribute("aria-label") !== label(box)) {
            box.setAttribute("aria-label", label(box));  // its table may have been redrawn
        }
    }

    function markAll() {
        document.querySelectorAll(".table-responsive").forEach(mark);
    }

    // Once per frame at most, however many changes Dash makes at once.
    let queued = false;
    function soon() {
        if (!queued) {
            queued = true;
            window.requestAnimationFrame(function () {
                queued = false;
                markAll();
            });
        }
    }

    // Only changes that may touch a table box: measuring the boxes forces a layout, which a
    // grid drawing its rows (hundreds of changes, none in a box) must not pay for every frame.
    function touchesABox(records) {
        return records.some(function (record) {
            const target = record.target;
            if (target.nodeType === 1 && (target.closest(".table-responsive") ||
                    target.querySelector(".table-responsive"))) {
                return true;
            }
            return Array.prototype.some.call(record.addedNodes, function (node) {
                return node.nodeType === 1 && (node.matches(".table-responsive") ||
                    node.querySelector(".table-responsive") !== null);
            });
        });
    }

    function start() {
        new MutationObserver(function (records) {
            if (touchesABox(records)) {
                soon();
            }
        }).observe(document.body, {childList: true, subtree: true});
        window.addEventListener("resize", soon);
        // <details> opened: the table inside it gets its width only now.
        document.addEventListener("toggle", soon, true);
        markAll();
    }

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", start);
    } else {
        start();
    }
}());
