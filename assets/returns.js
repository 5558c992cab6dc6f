// Browser-side callbacks for the return form (registered in callbacks/returns.py with
// dash.ClientsideFunction). Dash loads every .js file in assets/ from this server, so they
// need no inline script under the Content-Security-Policy.
(function () {
    // The page's own title, without the "Error: " a form with errors puts before it.
    const ERROR_PREFIX = "Error: ";

    function baseTitle() {
        return document.title.startsWith(ERROR_PREFIX) ?
            document.title.slice(ERROR_PREFIX.length) : document.title;
    }

    // The title is composed in one place, assets/navigation.js (window.cwpTitle): this file
    // only puts "Error: " before it, or takes it away.
    function titlePrefix(text) {
        if (window.cwpTitle) {
            window.cwpTitle.prefix(text);
        } else {
            document.title = text + baseTitle();
        }
    }

    function hasText(element) {
        return Boolean(element && element.textContent.trim());
    }

    // Run `then` once the page shows what a callback answered: `drawn` says whether it does.
    // Dash calls a clientside function as the new props reach its store, which can be just
    // before React draws them. Gives up (and runs `then` anyway) after about a second.
    function afterDrawn(drawn, then) {
        let tries = 0;
        function step() {
            if (drawn() || ++tries > 60) {
                then();
            } else {
                setTimeout(step, 16);
            }
        }
        setTimeout(step, 0);
    }

    // Focus a result so keyboard and screen reader users land on what happened: the message
    // itself (made focusable), brought into view.
    function focusOn(element, block) {
        if (!element.hasAttribute("tabindex")) {
            element.setAttribute("tabindex", "-1");
        }
        element.focus({preventScroll: true});
        element.scrollIntoView({block: block});
    }

    // Tie each field to what describes it and mark it invalid, from its wrapper's data
    // attributes (layouts/return_form.py): dbc.Input takes no aria attributes, so these are
    // set here. aria-describedby names the hint and any message showing; aria-invalid is set
    // only while the field's own slot holds an error (a warning is not one).
    function tie(wrapper) {
        const target = wrapper.matches("fieldset") ? wrapper : wrapper.querySelector("input, textarea");
        if (!target) {
            return;
        }
        const showing = wrapper.dataset.describedby.split(" ").filter(function (id) {
            return id && hasText(document.getElementById(id));
        });
        if (showing.length) {
            target.setAttribute("aria-describedby", showing.join(" "));
        } else {
            target.removeAttribute("aria-describedby");
        }
        const own = wrapper.dataset.error ? document.getElementById(wrapper.dataset.error) : null;
        if (own && own.querySelector(".error-message")) {
            target.setAttribute("aria-invalid", "true");
        } else {
            target.removeAttribute("aria-invalid");
        }
    }

    window.dash_clientside = Object.assign({}, window.dash_clientside, {
        returns: {
            // After every action on the form (Save draft, Submit, an upload, Reopen) focus
            // moves to its result: the error or warning summary when there is one (GOV.UK),
            // otherwise the message the action left. Focus exists only in the browser.
            focusResult: function (summary, status, upload) {
                const triggered = (dash_clientside.callback_context.triggered || [])
                    .map(function (t) { return t.prop_id.split(".")[0]; });
                const places = [["rv-summary", summary, "start"], ["rv-status", status, "center"],
                    ["rv-upload-result", upload, "center"]].filter(function (p) {
                    return p[1] && triggered.indexOf(p[0]) >= 0;
                });
                if (!places.length) {
                    return;
                }
                const place = places[0];
                afterDrawn(function () {
                    return hasText(document.getElementById(place[0]));
                }, function () {
                    const box = document.getElementById(place[0]);
                    const message = box && box.firstElementChild;
                    if (message) {
                        focusOn(message, place[2]);
                    }
                });
            },

            // Once Save has filled or emptied the fields' messages: tie each field to its hint
            // and message, mark the invalid ones, and put "Error: " before the page's title
            // while the form shows errors (GOV.UK), taking it off once they are gone. Also
            // runs as the form is drawn, to tie the hints. Answers whether errors show.
            markErrors: function (messages, summary) {
                const isError = function (shown) {
                    return Boolean(shown && shown.props && /error-/.test(shown.props.className || ""));
                };
                const errors = isError(summary) || (messages || []).some(isError);
                const expected = (messages || []).filter(Boolean).length;
                afterDrawn(function () {
                    const slots = document.querySelectorAll("#return-form .field-error");
                    let shown = 0;
                    slots.forEach(function (slot) { shown += hasText(slot) ? 1 : 0; });
                    return shown === expected &&
                        hasText(document.getElementById("rv-summary")) === Boolean(summary);
                }, function () {
                    document.querySelectorAll("#return-form [data-describedby]").forEach(tie);
                });
                titlePrefix(errors ? ERROR_PREFIX : "");
                return errors;
            },

            // A new page never keeps the last one's "Error: ".
            pageTitle: function () {
                titlePrefix("");
            },

            // Live feedback while typing a rate: computed in the browser so it answers every
            // keystroke without a round trip; no data leaves the page, nothing to authorise.
            // The server still validates what is saved. An impossible pair is flagged as a
            // warning (its words say what is wrong, not only its colour).
            livePercentage: function (num, den) {
                const n = parseInt(num, 10), d = parseInt(den, 10);
                if (!/^\s*\d+\s*$/.test(num || "") || !/^\s*\d+\s*$/.test(den || "") || d === 0) {
                    return ["", "live-figure"];
                }
                if (n > d) {
                    return ["Number who improved (" + n + ") is more than the number assessed (" + d + ")",
                        "live-figure live-warning"];
                }
                return [Math.round(100 * n / d) + "% improved (" + n + " of " + d + ")", "live-figure"];
            },

            // Live running total of a breakdown against its number, in the browser for the same
            // reasons: instant, and it only reads what is on the page. Over the number is
            // flagged as a warning, in words.
            liveBreakdownSum: function (parts, total) {
                let sum = 0;
                for (const p of parts) {
                    const v = parseInt(p, 10);
                    if (!isNaN(v)) {
                        sum += v;
                    }
                }
                const t = parseInt(total, 10);
                if (isNaN(t)) {
                    return ["Categories add up to " + sum + ".", "live-figure"];
                }
                const diff = t - sum;
                if (diff < 0) {
                    return ["Categories add up to " + sum + ", which is " + (-diff) +
                        " more than the number (" + t + ").", "live-figure live-warning"];
                }
                const left = diff === 0 ? " They match the number." : " " + diff + " still to allocate.";
                return ["Categories add up to " + sum + " of " + t + "." + left, "live-figure"];
            },
        },
    });
})();
