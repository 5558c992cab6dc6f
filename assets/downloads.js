// The Performance page's downloads are built as background jobs (callbacks/performance.py).
// Cancel stops the job on the server (Dash's own cancel callback); this only says so where
// the outcome of a download is announced, so the reader knows nothing is coming.
window.dash_clientside = Object.assign({}, window.dash_clientside, {
    downloads: {
        cancelled: function () {
            return ["Cancelled: nothing was built or saved. Choose a download to start again.",
                    "job-result"];
        }
    }
});
