// Behaviour the pages need beyond htmx, as a static file: the Content-Security-Policy allows no inline script.

// <form data-confirm="Are you sure?">: ask before sending (replaces inline onsubmit="return confirm(...)").
document.addEventListener("submit", function (event) {
  var form = event.target;
  var question = form && form.getAttribute ? form.getAttribute("data-confirm") : null;
  if (question && !window.confirm(question)) {
    event.preventDefault();
    event.stopImmediatePropagation();
  }
}, true);
