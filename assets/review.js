// The review queue's browser-side function (layouts/review.py): after Approve or Return,
// focus moves to the result beside the buttons pressed, so keyboard and screen-reader users
// land on what happened instead of losing their place.
window.dash_clientside = Object.assign({}, window.dash_clientside, {
    review: {
        focusResult: function (results) {
            const trigger = (dash_clientside.callback_context.triggered || [])[0];
            if (!trigger || !results) {
                return;
            }
            setTimeout(function () {
                const id = trigger.prop_id.split(".children")[0];
                const box = document.getElementById(id);
                if (box && box.textContent) {
                    box.focus();
                }
            }, 0);
        }
    }
});
