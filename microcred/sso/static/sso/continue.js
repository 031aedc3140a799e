// Re-posts the identity provider's SAML answer from this site (see sso/continue.html); the button does it without JS.
document.addEventListener("DOMContentLoaded", function () {
  var form = document.getElementById("sso-continue");
  if (form) { form.submit(); }
});
