// Small progressive enhancements; every page works without them.
document.documentElement.classList.add("js");
document.querySelectorAll("form.js-autosubmit select").forEach(function (select) {
  select.addEventListener("change", function () { select.form.submit(); });
});
