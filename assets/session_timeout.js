// The GOV.UK timeout warning, on every signed-in page: a modal dialog shortly before the
// session ends ("Stay signed in" or "Sign out"), and, when it has ended, the sign-in page
// with a note why and a way back to this page (assets/keep_work.js keeps what was typed).
//
// The time left is always the server's (GET /session/status, dash_app/session_timeout.py),
// never a count kept in this tab: the user's other tabs share the session, and their
// activity moves it on. Asking does not move it on. It runs in the browser because the
// dialog, focus and timers exist only here.
(function () {
    "use strict";

    const STATUS = "/session/status";
    const EXTEND = "/session/extend";
    const FAR_POLL_MS = 60000;   // how often to ask while the end is far off
    const NEAR_POLL_MS = 15000;  // while the dialog is open (another tab may extend)

    let deadline = null;      // when the session ends, in this tab's clock, from the server
    let csrf = "";
    let extendable = true;
    let timer = null;
    let ticker = null;
    let dialog = null;
    let returnFocus = null;
    let ended = false;

    function signedInPage() {
        return !!document.getElementById("session-info");
    }

    function clock(ms) {
        const d = new Date(ms);
        return String(d.getHours()).padStart(2, "0") + ":" + String(d.getMinutes()).padStart(2, "0");
    }

    function inWords(ms) {
        const s = Math.max(0, Math.ceil(ms / 1000));
        const m = Math.floor(s / 60), r = s % 60;
        const minutes = m ? m + (m === 1 ? " minute" : " minutes") : "";
        const seconds = r ? r + (r === 1 ? " second" : " seconds") : "";
        return [minutes, seconds].filter(Boolean).join(" ") || "0 seconds";
    }

    function later(ms) {
        clearTimeout(timer);
        timer = setTimeout(check, Math.max(ms, 250));
    }

    function check() {
        clearTimeout(timer);
        if (ended) {
            return;
        }
        fetch(STATUS, {credentials: "same-origin", cache: "no-store",
                       headers: {Accept: "application/json"}})
            .then(function (response) {
                return response.ok ? response.json() : null;
            })
            .then(function (status) {
                if (status) {
                    plan(status);
                } else {
                    later(NEAR_POLL_MS);  // the database is away: ask again, sign no one out
                }
            })
            .catch(function () {
                later(NEAR_POLL_MS);  // the server is away: the same
            });
    }

    function plan(status) {
        if (!status.signedIn) {
            if (signedInPage() || deadline !== null) {
                signedOut();
            }
            return;
        }
        csrf = status.csrfToken || csrf;
        extendable = status.extendable !== false;
        deadline = Date.now() + status.secondsLeft * 1000;
        const warnMs = status.warnSeconds * 1000;
        const left = deadline - Date.now();
        if (left <= warnMs) {
            openDialog();
            later(Math.min(left + 500, NEAR_POLL_MS));
        } else {
            closeDialog();
            later(Math.min(left - warnMs, FAR_POLL_MS));
        }
    }

    // The session has ended: to the sign-in page, which comes back here. Why: the idle
    // timeout (the end we were counting to has passed), or anything else (signed out in
    // another tab, a password change, the absolute lifetime).
    function signedOut() {
        if (ended) {
            return;
        }
        ended = true;
        const why = deadline !== null && Date.now() >= deadline - 5000 && extendable ? "timeout" : "ended";
        window.dispatchEvent(new CustomEvent("monitor:session-ended"));
        const here = window.location.pathname + window.location.search;
        window.location.assign("/login?next=" + encodeURIComponent(here) + "&ended=" + why);
    }

    // The dialog ------------------------------------------------------------------------

    function build() {
        const box = document.createElement("dialog");
        box.id = "timeout-dialog";
        box.className = "timeout-dialog";
        box.setAttribute("role", "dialog");
        box.setAttribute("aria-modal", "true");
        box.setAttribute("aria-labelledby", "timeout-title");
        box.setAttribute("aria-describedby", "timeout-text");
        box.innerHTML =
            '<h2 id="timeout-title" class="h4"></h2>' +
            '<div id="timeout-text"><p id="timeout-when"></p>' +
            '<p>Anything you have typed on a return and not saved stays in this browser tab, ' +
            'and is offered back when you sign in again.</p></div>' +
            '<p id="timeout-countdown" class="timeout-countdown" aria-hidden="true"></p>' +
            '<p id="timeout-problem" class="field-error" role="alert"></p>' +
            '<div class="d-flex flex-wrap gap-2">' +
            '<button type="button" class="btn btn-success" id="timeout-stay"></button>' +
            '<button type="button" class="btn btn-outline-dark" id="timeout-sign-out">Sign out</button>' +
            '</div>';
        document.body.appendChild(box);
        box.querySelector("#timeout-stay").addEventListener("click", stay);
        box.querySelector("#timeout-sign-out").addEventListener("click", signOut);
        // Escape is "stay signed in", as in the GOV.UK pattern (the dialog closes either way).
        box.addEventListener("cancel", function (event) {
            event.preventDefault();
            stay();
        });
        // Focus stays in the dialog: Tab from the last control goes to the first, and back.
        box.addEventListener("keydown", function (event) {
            if (event.key !== "Tab") {
                return;
            }
            const controls = Array.prototype.filter.call(box.querySelectorAll("button"), function (b) {
                return !b.disabled && b.offsetParent !== null;
            });
            if (!controls.length) {
                return;
            }
            const first = controls[0], last = controls[controls.length - 1];
            if (event.shiftKey && (document.activeElement === first || !box.contains(document.activeElement))) {
                event.preventDefault();
                last.focus();
            } else if (!event.shiftKey && document.activeElement === last) {
                event.preventDefault();
                first.focus();
            }
        });
        return box;
    }

    function words() {
        const at = clock(deadline);
        dialog.querySelector("#timeout-title").textContent = "You are about to be signed out";
        dialog.querySelector("#timeout-when").textContent = extendable
            ? "For your security, we will sign you out at " + at + " because you have not " +
              "done anything for a while."
            : "You have been signed in for as long as a session can last, so we will sign you " +
              "out at " + at + ". Save your work now.";
        dialog.querySelector("#timeout-stay").textContent = extendable ? "Stay signed in" : "Carry on";
        dialog.querySelector("#timeout-countdown").textContent =
            "That is in " + inWords(deadline - Date.now()) + ".";
    }

    function openDialog() {
        dialog = dialog || build();
        words();
        if (!dialog.open) {
            dialog.querySelector("#timeout-problem").textContent = "";
            returnFocus = document.activeElement;
            dialog.showModal();
            dialog.querySelector("#timeout-stay").focus();
        }
        clearInterval(ticker);
        ticker = setInterval(function () {
            if (deadline !== null && Date.now() >= deadline) {
                clearInterval(ticker);
                check();  // the server says whether it has really ended
            } else {
                words();
            }
        }, 1000);
    }

    function closeDialog() {
        clearInterval(ticker);
        if (dialog && dialog.open) {
            dialog.close();
            if (returnFocus && document.contains(returnFocus)) {
                returnFocus.focus();
            }
        }
    }

    function stay() {
        if (!extendable) {
            closeDialog();
            later(Math.max(deadline - Date.now(), 250));
            return;
        }
        fetch(EXTEND, {method: "POST", credentials: "same-origin", cache: "no-store",
                       headers: {"X-CSRFToken": csrf, Accept: "application/json"}})
            .then(function (response) {
                if (response.status === 401) {
                    signedOut();
                    return null;
                }
                if (!response.ok) {
                    throw new Error("refused");
                }
                return response.json();
            })
            .then(function (status) {
                if (status) {
                    closeDialog();
                    plan(Object.assign({signedIn: true, csrfToken: csrf}, status));
                }
            })
            .catch(function () {
                dialog.querySelector("#timeout-problem").textContent =
                    "We could not reach the server to keep you signed in. Try again.";
            });
    }

    // Sign out as the header's button does: a POST with the CSRF token (keep_work.js
    // clears what this tab kept when it sees the form sent).
    function signOut() {
        const form = document.createElement("form");
        form.method = "post";
        form.action = "/logout";
        const token = document.createElement("input");
        token.type = "hidden";
        token.name = "csrf_token";
        token.value = csrf;
        form.appendChild(token);
        document.body.appendChild(form);
        ended = true;
        form.requestSubmit();
    }

    function start() {
        if (!signedInPage()) {
            // Dash draws the page after this script loads; the shell's session info says
            // that someone is signed in.
            setTimeout(start, 500);
            return;
        }
        check();
    }

    window.addEventListener("monitor:check-session", check);
    document.addEventListener("visibilitychange", function () {
        if (document.visibilityState === "visible" && !ended && deadline !== null) {
            check();  // timers in a hidden tab may have been slowed
        }
    });
    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", start);
    } else {
        start();
    }
}());
