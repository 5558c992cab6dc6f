// The API's docs page (/api/v1/docs, dash_app/api.py): Swagger UI, vendored in
// assets/vendor/swagger-ui, drawing this app's own OpenAPI document. From a file, not inline:
// the pages' Content-Security-Policy allows no inline script.
(function () {
    "use strict";
    const box = document.getElementById("swagger-ui");
    if (box && window.SwaggerUIBundle) {
        window.SwaggerUIBundle({url: box.dataset.spec, dom_id: "#swagger-ui", deepLinking: false,
                                tryItOutEnabled: false, supportedSubmitMethods: ["get"]});
    }
}());
