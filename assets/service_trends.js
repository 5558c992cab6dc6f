/* "Over the years" on a service page (layouts/service_trends.py) holds an XmR chart per
   metric since 2020/21. Drawn as the page loaded, those charts kept the browser busy for
   seconds (Lighthouse, issue 17: 3.4 s of blocking time on a laptop, 15 s on a phone) for a
   part of the page below the first screen. So the section is drawn when it comes near the
   screen: this tells callbacks/service.py once, through the store beside it. */
(function () {
    "use strict";
    const SECTION = "service-trends";
    const SEEN = "service-trends-seen";
    let watched = null;

    const near = new IntersectionObserver(function (entries) {
        if (entries.some(function (entry) { return entry.isIntersecting; })) {
            near.disconnect();
            window.dash_clientside.set_props(SEEN, {data: true});
        }
    }, {rootMargin: "200px 0px"});

    // The page is drawn by Dash after this script runs, and drawn afresh for each service
    // page visited: watch for the section each time it appears.
    function watch() {
        const section = document.getElementById(SECTION);
        if (section && section !== watched) {
            watched = section;
            near.disconnect();
            near.observe(section);
        }
    }

    new MutationObserver(watch).observe(document.documentElement, {childList: true, subtree: true});
}());
