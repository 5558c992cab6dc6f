// Browser-side callbacks for the return form (registered in callbacks/returns.py with
// dash.ClientsideFunction). Dash loads every .js file in assets/ from this server, so they
// need no inline script under the Content-Security-Policy.
window.dash_clientside = Object.assign({}, window.dash_clientside, {
    returns: {
        // GOV.UK pattern: when the error summary appears, move focus to it, so keyboard and
        // screen reader users land on the list of problems. Focus exists only in the browser.
        focusErrorSummary: function (children) {
            if (children) {
                setTimeout(function () {
                    const box = document.querySelector("#rv-summary [role=alert]");
                    if (box) {
                        box.focus();
                        box.scrollIntoView({block: "start"});
                    }
                }, 0);
            }
        },

        // Live feedback while typing a rate: computed in the browser so it answers every
        // keystroke without a round trip; no data leaves the page, nothing to authorise.
        // The server still validates what is saved.
        livePercentage: function (num, den) {
            const n = parseInt(num, 10), d = parseInt(den, 10);
            if (!/^\s*\d+\s*$/.test(num || "") || !/^\s*\d+\s*$/.test(den || "") || d === 0) {
                return "";
            }
            return Math.round(100 * n / d) + "% improved (" + n + " of " + d + ")";
        },

        // Live running total of a breakdown against its number, in the browser for the same
        // reasons: instant, and it only reads what is on the page.
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
                return "Categories add up to " + sum + ".";
            }
            const diff = t - sum;
            const left = diff === 0 ? " They match the number." :
                (diff > 0 ? " " + diff + " still to allocate." : " That is " + (-diff) + " too many.");
            return "Categories add up to " + sum + " of " + t + "." + left;
        },
    },
});
