/* Names and keyboard access for what Django's admin widgets and modeltranslation's tabs
   leave unnamed (issue 14; tests/browser/test_admin_accessibility.py):
   - a form field in a table cell (list-editable rows, tabular inlines) is named by its
     column and its row;
   - a select2 box (autocomplete) by its field's label, a date-and-time pair by its field's
     label and "Date"/"Time";
   - SelectFilter's search icons, which carry a name but no role, become images;
   - the language switch is named, and removed when the form has no translated field;
   - a language tab is one control: the tab (focusable, keys as jQuery UI gives them), not
     a link nested inside it;
   - after a failed save, the language tabs stay on the language the user was in.
   Runs when the page has loaded and again whenever rows or widgets are added. */
"use strict";

(function () {
  const TAB_MEMORY = "timeline-admin-language-tab";

  function text(element) {
    return element ? element.textContent.replace(/\s+/g, " ").trim() : "";
  }

  function labelId(label) {
    if (!label.id) {
      label.id = "label-" + (label.htmlFor || Math.random().toString(36).slice(2));
    }
    return label.id;
  }

  function nameTableFields() {
    document.querySelectorAll("table").forEach(function (table) {
      const headers = table.querySelectorAll("thead th");
      if (!headers.length) {
        return;
      }
      table.querySelectorAll("td input:not([type=hidden]), td select, td textarea").forEach(function (field) {
        if (field.labels && field.labels.length) {
          return;
        }
        if (field.hasAttribute("aria-label") || field.hasAttribute("aria-labelledby")) {
          return;
        }
        const cell = field.closest("td");
        const row = cell.parentElement;
        const column = text(headers[Array.prototype.indexOf.call(row.children, cell)]);
        const rowName = text(row.querySelector("th a, th, td.original p, .field-title a")) ||
          String(Array.prototype.indexOf.call(row.parentElement.children, row) + 1);
        field.setAttribute("aria-label", column ? column + " — " + rowName : rowName);
      });
    });
  }

  function nameSplitDateTimes() {
    // Django's date-and-time widget writes "Date:" and "Time:" as text, not labels.
    document.querySelectorAll("p.datetime input:not([type=hidden])").forEach(function (field) {
      if ((field.labels && field.labels.length) || field.hasAttribute("aria-label")) {
        return;
      }
      let part = field.previousSibling;
      while (part && !(part.nodeType === Node.TEXT_NODE && part.textContent.trim())) {
        part = part.previousSibling;
      }
      const row = field.closest(".form-row, .fieldBox");
      const name = text(row && row.querySelector("label")).replace(/:$/, "");
      field.setAttribute("aria-label", [name, part ? part.textContent.trim() : ""].join(" ").trim());
    });
  }

  function nameSelect2Boxes() {
    document.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      const label = select.id && document.querySelector('label[for="' + select.id + '"]');
      const container = select.nextElementSibling;
      if (!label || !container) {
        return;
      }
      const id = labelId(label);
      container.querySelectorAll('[role="combobox"], [role="textbox"]').forEach(function (box) {
        box.setAttribute("aria-labelledby", id);
      });
    });
  }

  function giveIconsARole() {
    document.querySelectorAll(".help-tooltip[aria-label]:not([role]), .search-label-icon[aria-label]:not([role])").forEach(function (icon) {
      icon.setAttribute("role", "img");
    });
  }

  function nameLanguageSwitch() {
    const select = document.getElementById("modeltranslation-main-switch");
    if (select && document.getElementById("language-switch-label")) {
      select.setAttribute("aria-labelledby", "language-switch-label");
    }
  }

  function dropEmptyLanguageSwitch() {
    const select = document.getElementById("modeltranslation-main-switch");
    if (select && (!select.options.length || !document.querySelector(".ui-tabs-nav"))) {
      select.remove();  // a read-only form has no tabs to switch
    }
  }

  function unnestTabs() {
    const jQuery = window.django && window.django.jQuery;
    if (jQuery && jQuery.ui && jQuery.ui.tabs && !jQuery.ui.tabs.prototype.timelinePatched) {
      // Every tab here shows a panel of the page: never load one from elsewhere.
      const isLocal = jQuery.ui.tabs.prototype._isLocal;
      jQuery.ui.tabs.prototype._isLocal = function (anchor) {
        return !anchor.getAttribute("href") || isLocal.call(this, anchor);
      };
      jQuery.ui.tabs.prototype.timelinePatched = true;
    }
    document.querySelectorAll(".ui-tabs-nav li[role=tab] > a.ui-tabs-anchor[href]").forEach(function (anchor) {
      anchor.removeAttribute("href");
      anchor.removeAttribute("tabindex");
    });
  }

  function rememberLanguageTab() {
    const select = document.getElementById("modeltranslation-main-switch");
    const form = document.querySelector("#content-main form");
    if (!select || !form) {
      return;
    }
    form.addEventListener("submit", function () {
      sessionStorage.setItem(TAB_MEMORY, JSON.stringify({ path: location.pathname, index: select.value }));
    });
    let stored = null;
    try {
      stored = JSON.parse(sessionStorage.getItem(TAB_MEMORY) || "null");
    } catch (error) {
      stored = null;
    }
    sessionStorage.removeItem(TAB_MEMORY);
    if (stored && stored.path === location.pathname && document.querySelector(".errornote")) {
      window.django.jQuery(select).val(stored.index).trigger("change");
    }
  }

  function improve() {
    nameLanguageSwitch();
    nameTableFields();
    nameSplitDateTimes();
    nameSelect2Boxes();
    giveIconsARole();
    unnestTabs();
  }

  window.addEventListener("load", function () {
    improve();
    new MutationObserver(improve).observe(document.body, { childList: true, subtree: true });
  });

  // modeltranslation builds the tabs in a jQuery ready handler registered before this
  // (deferred) script ran: one registered now runs after it, once the tabs exist.
  const jQuery = window.django && window.django.jQuery;
  if (jQuery) {
    jQuery(function () {
      window.setTimeout(function () {
        dropEmptyLanguageSwitch();
        rememberLanguageTab();
      }, 0);
    });
  }
})();
