// Never lose typed work on the return form (issue 16): the figures typed are kept in this
// browser tab (sessionStorage, per user, service and quarter) until they are saved, and
// offered back when the form is opened again; a draft is saved automatically a few seconds
// after typing stops; leaving with changes not saved asks first; and a save that never got
// an answer says so. The autosave itself runs on the server (callbacks/autosave.py); this
// file decides when, and keeps what is typed meanwhile. All of it exists only in the
// browser, so it is here; none of it decides what anyone may do (the server does).
(function () {
    "use strict";

    const TYPES = ["rv-count", "rv-num", "rv-den", "rv-cat", "rv-text"];  // layouts/ids.py
    const PREFIX = "cwp-keep:";
    const NO_ANSWER_MS = 20000;  // a save with no answer by then is reported, still waited for
    // Which callback a request to Dash runs, by the first output its body names.
    const CALLS = {save: "rv-summary.children", autosave: "rv-autosave-status.children",
                   upload: "rv-upload-result.children"};
    const NOT_REACHED = "We could not reach the server, so your return may not have been " +
        "saved. Your figures are still here. Try again: press the button again.";
    const SERVER_FAULT = "Your return may not have been saved because something went wrong " +
        "on the server. Your figures are still here. Try again: press the button again.";

    let form = null;        // the open return: {key, baseline, version, editable}
    let sentValues = null;  // the figures in the save or autosave on its way
    let timer = null;       // the autosave's debounce
    let inFlight = {save: 0, autosave: 0, upload: 0};  // requests not yet answered and applied
    let autosaving = false; // an autosave sent, its new version not yet in the page
    let heldClick = null;   // a Save pressed while an autosave was on its way
    let leaving = false;    // the user already agreed to leave, or the session ended

    function dash() { return window.dash_clientside || {}; }
    // Only on the return form, whose parts these are (a store draws nothing to look for).
    function setProps(id, props) {
        if (document.getElementById("return-form") && dash().set_props) {
            dash().set_props(id, props);
        }
    }

    // Dash's DOM id for a pattern-matching id: keys sorted, values as JSON (ids.dom_id).
    function idKey(id) {
        if (typeof id !== "object" || id === null) {
            return String(id);
        }
        return "{" + Object.keys(id).sort().map(function (k) {
            return JSON.stringify(k) + ":" + JSON.stringify(id[k]);
        }).join(",") + "}";
    }

    function isField(id) {
        return typeof id === "object" && id !== null && TYPES.indexOf(id.type) !== -1;
    }

    // The form's figures as the page shows them now, by DOM id; null when no form is open.
    function current() {
        const box = document.getElementById("return-form");
        if (!box) {
            return null;
        }
        const values = {};
        box.querySelectorAll("input, textarea").forEach(function (el) {
            let id;
            try {
                id = JSON.parse(el.id);
            } catch (e) {
                return;
            }
            if (isField(id)) {
                values[el.id] = el.value || "";
            }
        });
        return values;
    }

    // The same, from a clientside callback's states: values and ids, kind by kind.
    function fromStates(states) {
        const values = {};
        for (let i = 0; i + 1 < states.length; i += 2) {
            const vals = states[i] || [], idList = states[i + 1] || [];
            idList.forEach(function (id, j) {
                values[idKey(id)] = vals[j] || "";
            });
        }
        return values;
    }

    function differs(a, b) {
        if (!a || !b) {
            return false;
        }
        return Object.keys(a).concat(Object.keys(b)).some(function (k) {
            return (a[k] || "") !== (b[k] || "");
        });
    }

    function dirty() {
        return !!form && form.editable && differs(current(), form.baseline);
    }

    function user() {
        const info = document.getElementById("session-info");
        return info ? info.dataset : {};
    }

    function clock(ms) {
        const d = new Date(ms);
        return String(d.getHours()).padStart(2, "0") + ":" + String(d.getMinutes()).padStart(2, "0");
    }

    // Keeping figures in this tab -------------------------------------------------------

    function read(key) {
        try {
            return JSON.parse(window.sessionStorage.getItem(key) || "null");
        } catch (e) {
            return null;
        }
    }

    function keep() {
        if (!form) {
            return;
        }
        const values = current();
        try {
            if (values && form.editable && differs(values, form.baseline)) {
                window.sessionStorage.setItem(form.key, JSON.stringify(
                    {at: Date.now(), version: form.version, values: values}));
            } else if (values) {
                window.sessionStorage.removeItem(form.key);
            }
        } catch (e) {
            // Storage full or switched off: the figures are still in the form.
        }
    }

    function forget(prefix) {
        try {
            Object.keys(window.sessionStorage).forEach(function (k) {
                if (k.indexOf(prefix) === 0) {
                    window.sessionStorage.removeItem(k);
                }
            });
        } catch (e) {
            // nothing kept
        }
    }

    function restore() {
        const kept = form && read(form.key);
        if (!kept) {
            return;
        }
        let first = null;
        Object.keys(kept.values).forEach(function (domId) {
            if (!document.getElementById(domId)) {
                return;  // a field the form no longer has
            }
            dash().set_props(JSON.parse(domId), {value: kept.values[domId]});
            if (!first && (kept.values[domId] || "") !== (form.baseline[domId] || "")) {
                first = domId;
            }
        });
        setProps("rv-keep-offer", {hidden: true});
        setProps("rv-autosave-status", {children: "Your figures are back in the form. They " +
            "are not saved yet: press Save draft, or they are saved automatically if they are valid."});
        // The offer's buttons are gone: focus the first figure brought back.
        setTimeout(function () {
            const el = first && document.getElementById(first);
            if (el) {
                el.focus();
            }
            schedule();
        }, 0);
    }

    function discard() {
        if (form) {
            window.sessionStorage.removeItem(form.key);
        }
        setProps("rv-keep-offer", {hidden: true});
        setTimeout(function () {
            const heading = document.querySelector("#page h1");
            if (heading) {
                heading.setAttribute("tabindex", "-1");
                heading.focus();
            }
        }, 0);
    }

    // Autosave ---------------------------------------------------------------------------

    function delayMs() {
        const seconds = parseFloat(user().autosaveSeconds);
        return isNaN(seconds) ? 4000 : seconds * 1000;
    }

    function busy() {
        return inFlight.save + inFlight.autosave + inFlight.upload > 0;
    }

    function schedule() {
        clearTimeout(timer);
        if (delayMs() <= 0) {
            return;
        }
        timer = setTimeout(autosaveNow, delayMs());
    }

    function autosaveNow() {
        const save = document.getElementById("rv-save");
        if (!dirty() || !save || save.disabled) {
            return;  // nothing new, or the return cannot be changed (submitted, closed)
        }
        if (busy()) {
            timer = setTimeout(autosaveNow, 1000);  // after the save on its way
            return;
        }
        sentValues = current();
        autosaving = true;
        setProps("rv-autosave-due", {data: Date.now()});
    }

    // Dash's renderer tells nothing of a request that failed: its fetch is watched here -----

    function whichCall(body) {
        if (typeof body !== "string" || body.indexOf("\"output\"") === -1) {
            return null;
        }
        let output;
        try {
            output = JSON.parse(body).output;
        } catch (e) {
            return null;
        }
        if (typeof output !== "string") {
            return null;
        }
        const first = output.indexOf("..") === 0 ? output.slice(2).split("...")[0] : output;
        return Object.keys(CALLS).find(function (name) {
            return first.split("@")[0] === CALLS[name];
        }) || null;
    }

    function saying(call, words) {
        if (call === "autosave") {
            setProps("rv-autosave-status", {children: "Not saved automatically: " +
                words.charAt(0).toLowerCase() + words.slice(1)});
        } else {
            setProps("rv-network", {children: words ? [
                {type: "H2", namespace: "dash_html_components",
                 props: {children: "Not saved", className: "h5"}},
                {type: "P", namespace: "dash_html_components", props: {children: words}},
            ] : null, className: words ? "error-summary" : ""});
        }
    }

    // A wrapper around window.fetch for Dash's callback requests: the only place a request
    // that never came back (server down, worker killed, connection dropped) can be seen, as
    // Dash's renderer offers no hook for it. Only the save, autosave and upload are watched;
    // every request goes on unchanged.
    const realFetch = window.fetch.bind(window);
    window.fetch = function (resource, init) {
        const url = typeof resource === "string" ? resource : (resource && resource.url) || "";
        const call = url.indexOf("_dash-update-component") !== -1 && init ? whichCall(init.body) : null;
        if (!call) {
            return realFetch(resource, init);
        }
        inFlight[call] += 1;
        if (call === "upload") {
            sentValues = null;  // the upload's figures come back from the server
        } else if (call === "save") {
            saying("save", "");
        }
        let answered = false;
        const slow = setTimeout(function () {
            if (!answered && call !== "upload") {
                saying(call, NOT_REACHED);
            }
        }, NO_ANSWER_MS);
        function done(failed) {
            answered = true;
            clearTimeout(slow);
            // Dash puts the answer (a new version) into the page a moment after it arrives.
            setTimeout(function () { inFlight[call] = Math.max(0, inFlight[call] - 1); }, 500);
            if (failed) {
                keep();
                if (call === "autosave") {
                    autosaving = false;
                    release();
                }
            }
        }
        return realFetch(resource, init).then(function (response) {
            done(!response.ok);
            if (!response.ok && call !== "upload") {
                saying(call, SERVER_FAULT);
            } else if (call === "save") {
                saying(call, "");
            }
            return response;
        }, function (error) {
            done(true);
            if (call !== "upload") {
                saying(call, NOT_REACHED);
            }
            throw error;
        });
    };

    // A Save pressed while an autosave is on its way waits for it, so that it is sent at
    // the version the autosave made (else it would be refused as someone else's change).
    function release() {
        if (heldClick && !autosaving) {
            const button = heldClick;
            heldClick = null;
            setTimeout(function () { button.click(); }, 0);
        }
    }

    document.addEventListener("click", function (event) {
        const target = event.target instanceof Element ? event.target : null;
        if (!target) {
            return;
        }
        const button = target.closest("#rv-save, #rv-submit");
        if (button) {
            clearTimeout(timer);
            if (autosaving) {
                event.preventDefault();
                event.stopPropagation();
                heldClick = button;
                return;
            }
            sentValues = current();
            return;
        }
        if (target.closest("#rv-keep-restore")) {
            restore();
            return;
        }
        if (target.closest("#rv-keep-discard")) {
            discard();
            return;
        }
        // In-app links (dcc.Link) change the page without unloading it, so beforeunload
        // does not fire: ask here. Downloads and links to this page do not leave it.
        const link = target.closest("a[href]");
        if (link && dirty() && !leaving && link.target !== "_blank" && !link.hasAttribute("download")) {
            const href = link.getAttribute("href");
            if (href.charAt(0) === "#" || /^\/(export|returns\/template)/.test(href)) {
                return;
            }
            keep();
            if (window.confirm("You have changes on this return that are not saved. " +
                    "Leave the page anyway? (They are kept in this tab and offered back when " +
                    "you open the return again.)")) {
                leaving = true;
                setTimeout(function () { leaving = false; }, 1000);
            } else {
                event.preventDefault();
                event.stopPropagation();
            }
        }
    }, true);

    // Typing: keep the figures at once, autosave once typing stops.
    document.addEventListener("input", function (event) {
        const el = event.target;
        if (!form || !el || !el.closest || !el.closest("#return-form")) {
            return;
        }
        keep();
        schedule();
    }, true);

    // Reload, close, a typed address, a plain link: the browser asks.
    window.addEventListener("beforeunload", function (event) {
        if (leaving || !dirty()) {
            return undefined;
        }
        keep();
        event.preventDefault();
        event.returnValue = "";  // older browsers need it set
        return "";
    });

    // Signing out clears what this tab kept; a session that ended keeps it for afterwards.
    document.addEventListener("submit", function (event) {
        const action = event.target && event.target.getAttribute && event.target.getAttribute("action");
        if (action && /\/logout$/.test(action)) {
            forget(PREFIX);
        }
    }, true);
    window.addEventListener("monitor:session-ended", function () {
        keep();
        leaving = true;
    });

    // Called by Dash (registered in callbacks/autosave.py) -------------------------------

    window.dash_clientside = Object.assign({}, window.dash_clientside, {
        keepWork: {
            // The form is drawn: what it shows is what is saved. Figures this tab kept for
            // it that differ are offered back (only where the return can still be changed).
            // The answer: whether the offer stays hidden, and its words.
            opened: function (context, version, saveDisabled) {
                const states = Array.prototype.slice.call(arguments, 3);
                const who = user().user;
                const none = [true, ""];
                if (!context || !who) {
                    form = null;
                    return none;
                }
                // Only this user's figures stay in the tab (another may sign in in it).
                Object.keys(window.sessionStorage).forEach(function (k) {
                    if (k.indexOf(PREFIX) === 0 && k.indexOf(PREFIX + who + ":") !== 0) {
                        window.sessionStorage.removeItem(k);
                    }
                });
                form = {key: PREFIX + who + ":" + context.service + ":" + context.period,
                        baseline: fromStates(states), version: version, editable: !saveDisabled};
                const kept = read(form.key);
                if (!kept || !form.editable || !differs(kept.values, form.baseline)) {
                    window.sessionStorage.removeItem(form.key);
                    return none;
                }
                let words = "You have figures typed at " + clock(kept.at) + " that were not saved.";
                if (kept.version !== version) {
                    words += " The return has been saved since then: check them before you save.";
                }
                return [false, words];
            },

            // A new version was saved (Save draft, autosave or an upload): the figures sent
            // are the saved ones now; anything typed since is still kept.
            saved: function (version) {
                if (!form) {
                    return;
                }
                form.baseline = sentValues || fromStates(Array.prototype.slice.call(arguments, 1));
                form.version = version;
                sentValues = null;
                keep();
                if (dirty()) {
                    schedule();
                }
            },

            // The autosave answered (its message is on the page already).
            autosaved: function (result) {
                autosaving = false;
                release();
                if (result && result.outcome === "signed-out") {
                    keep();
                    window.dispatchEvent(new CustomEvent("monitor:check-session"));
                }
            },
        },
    });
}());
