/* The Korean/English tabs of translated fields, named in the admin's language.
   modeltranslation labels each tab with a language code ("ko", "en") and puts the language's
   name in its title; staff (and screen readers) get the name itself: "한국어", "영어".
   Runs after modeltranslation has built the tabs, and again for rows added later. */
"use strict";

(function () {
  function languageName(code) {
    try {
      const names = new Intl.DisplayNames([document.documentElement.lang || code], { type: "language" });
      return names.of(code);
    } catch (error) {
      return code;
    }
  }

  function nameTabs() {
    document.querySelectorAll(".ui-tabs-nav a[title]").forEach(function (link) {
      link.textContent = link.title;
      link.removeAttribute("title");
    });
    document.querySelectorAll("#modeltranslation-main-switch option:not([data-named])").forEach(function (option) {
      option.dataset.named = "true";
      option.textContent = languageName(option.textContent.trim());
    });
  }

  window.addEventListener("load", function () {
    nameTabs();
    new MutationObserver(nameTabs).observe(document.body, { childList: true, subtree: true });
  });
})();
