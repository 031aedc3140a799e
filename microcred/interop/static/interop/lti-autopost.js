// Posts the Deep Linking answer back to the LMS (see interop/lti/autopost.html); the button does it without JS.
document.addEventListener("DOMContentLoaded", function () {
  var form = document.getElementById("lti-autopost");
  if (form) { form.submit(); }
});
