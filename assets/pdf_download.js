// The PDF meeting pack takes about 10 seconds to build, and a plain link shows nothing while
// it does: people click again, or think it broke. So a click on the Performance page's
// "PDF meeting pack" link (layouts/performance.py) fetches the same URL here — the same
// signed-in request, so the export route's own checks decide — while the status line beside
// it says what is happening and further clicks wait. The file is then saved under the name
// the server gives it. Without JavaScript the link downloads the pack as any link would.
// (A later issue moves building the pack into a background job; this stays a simple wait.)
(function () {
    "use strict";

    const LINK_ID = "perf-pdf";
    const STATUS_ID = "perf-pdf-status";
    const BUSY = "Building the meeting pack — this takes about 10 seconds";

    // kind: "busy" (with a spinner), "ready" or "problem" (a bar beside it, as other messages).
    function say(status, words, kind) {
        status.textContent = "";
        if (kind === "busy") {
            const spinner = document.createElement("span");
            spinner.className = "spinner-border spinner-border-sm me-2";
            spinner.setAttribute("aria-hidden", "true");  // the words say it; the spinner shows it
            status.appendChild(spinner);
        }
        status.appendChild(document.createTextNode(words));
        status.classList.toggle("pdf-status-problem", kind === "problem");
    }

    function fileName(response) {
        // attachment; filename="cwp-performance-2026-27-Q2.pdf"
        const header = response.headers.get("Content-Disposition") || "";
        const found = /filename="?([^";]+)"?/i.exec(header);
        return found ? found[1] : "cwp-meeting-pack.pdf";
    }

    function refusal(status) {
        if (status === 401) {
            return "The meeting pack was not built: you are signed out. Sign in again, then try once more.";
        }
        if (status === 403) {
            return "The meeting pack was not built: your account may not download this pack.";
        }
        return "The meeting pack was not built: something went wrong on the server (error " + status
            + "). Try again in a minute; if it keeps happening, tell the lead officer.";
    }

    function save(blob, name) {
        const url = URL.createObjectURL(blob);
        const anchor = document.createElement("a");
        anchor.href = url;
        anchor.download = name;
        anchor.hidden = true;
        document.body.appendChild(anchor);
        anchor.click();
        anchor.remove();
        // The download has its own copy once started; free the blob a little later.
        setTimeout(function () { URL.revokeObjectURL(url); }, 60000);
    }

    function finish(link) {
        link.removeAttribute("aria-disabled");
        link.classList.remove("pdf-busy");
    }

    function build(link, status) {
        link.setAttribute("aria-disabled", "true");
        link.classList.add("pdf-busy");
        say(status, BUSY + ".", "busy");
        fetch(link.href, {credentials: "same-origin"})
            .then(function (response) {
                const type = response.headers.get("Content-Type") || "";
                // Anything but a PDF (a sign-in page the request was sent on to) is a refusal too.
                if (!response.ok || type.indexOf("application/pdf") !== 0) {
                    say(status, refusal(response.ok ? 401 : response.status), "problem");
                    return null;
                }
                const name = fileName(response);
                return response.blob().then(function (blob) {
                    save(blob, name);
                    say(status, "The meeting pack is ready: " + name + " is in your downloads.", "ready");
                });
            })
            .catch(function () {
                say(status, "The meeting pack was not downloaded: the connection failed. "
                    + "Check you are online, then try again.", "problem");
            })
            .then(function () { finish(link); });
    }

    document.addEventListener("click", function (event) {
        const link = event.target.closest && event.target.closest("#" + LINK_ID);
        const status = document.getElementById(STATUS_ID);
        // A new tab or window (Ctrl/Cmd/Shift/middle click) is the browser's to open.
        if (!link || !status || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey
                || event.altKey || !/\/export\/performance\.pdf/.test(link.href)) {
            return;
        }
        event.preventDefault();
        if (link.getAttribute("aria-disabled") === "true") {
            return;  // already building: a second click would build it twice
        }
        build(link, status);
    });
}());
