/* A searchable multi-select, made from a <select multiple data-multiselect> (the countries or the
   goals of a knowledge product). Progressive enhancement: without this file the plain select still
   works, and the form sends the very same select either way (this script only keeps its options
   selected).

   Keyboard: type to filter (accents and case aside); Down/Up move through the matching options;
   Enter (on the first match when none is reached yet), or Space once an option is reached with
   the arrows, chooses or removes it; Escape closes the list, then clears the filter. Each choice
   shows as a chip: a button that removes it (Enter, Space, Delete or Backspace), focus then going
   to the next chip or back to the filter.

   Accessibility: the WAI-ARIA combobox pattern with a multi-selectable listbox
   (aria-activedescendant, aria-selected), the field's own label, help and error, and a polite
   live region for what changed. Texts come translated from the select's data-multiselect-*
   attributes; nothing is inline, so the CSP (script-src 'self') is kept. */
(function () {
  "use strict";

  var counter = 0;

  function folded(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function element(tag, className, attributes) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    Object.keys(attributes || {}).forEach(function (name) {
      node.setAttribute(name, attributes[name]);
    });
    return node;
  }

  function enhance(select) {
    var texts = select.dataset;
    var id = select.id || "multiselect-" + ++counter;
    var label = document.querySelector('label[for="' + id + '"]');
    var base = id + "-multiselect";
    var navigating = false;
    var active = -1;

    // The filter takes the select's id, so that its label, the error summary's link and the
    // field's help and error (aria-describedby) now lead to the filter.
    select.id = id + "-native";
    if (label && !label.id) {
      label.id = base + "-label";
    }

    var widget = element("div", "multiselect");
    var chips = element("ul", "multiselect__chips", { "aria-label": texts.multiselectChosen || "" });
    var instructions = element("p", "field__help", { id: base + "-instructions" });
    instructions.textContent = texts.multiselectInstructions || "";
    // The hint for the plain select ("hold Ctrl") no longer applies: the instructions take its
    // place (visible, for sighted keyboard users too).
    var nativeHint = select.parentNode.querySelector("[data-multiselect-native-hint]");
    var described = (select.getAttribute("aria-describedby") || "")
      .split(/\s+/)
      .filter(function (ref) {
        return ref && !(nativeHint && ref === nativeHint.id);
      })
      .concat([instructions.id])
      .join(" ");
    var input = element("input", "input multiselect__filter", {
      id: id,
      type: "text",
      role: "combobox",
      autocomplete: "off",
      spellcheck: "false",
      "aria-autocomplete": "list",
      "aria-expanded": "false",
      "aria-controls": base + "-listbox",
      "aria-describedby": described,
    });
    if (select.getAttribute("aria-invalid")) {
      input.setAttribute("aria-invalid", select.getAttribute("aria-invalid"));
    }
    var listbox = element("ul", "multiselect__listbox", {
      id: base + "-listbox",
      role: "listbox",
      "aria-multiselectable": "true",
      tabindex: "-1",
    });
    if (label) {
      listbox.setAttribute("aria-labelledby", label.id);
    }
    listbox.hidden = true;
    var empty = element("p", "multiselect__empty");
    empty.textContent = texts.multiselectNone || "";
    empty.hidden = true;
    var status = element("p", "visually-hidden", { role: "status", "aria-live": "polite" });

    var items = Array.prototype.map.call(select.options, function (option, index) {
      var item = element("li", "multiselect__option", {
        id: base + "-option-" + index,
        role: "option",
        "aria-selected": String(option.selected),
      });
      item.textContent = option.text;
      if (option.lang) {
        item.lang = option.lang;
      }
      item.addEventListener("mousedown", function (event) {
        event.preventDefault(); // keep the focus in the filter
      });
      item.addEventListener("click", function () {
        moveTo(index);
        toggle(index);
      });
      listbox.appendChild(item);
      return { option: option, item: item, key: folded(option.text) };
    });

    function fill(template, value) {
      return (template || "").replace("%(name)s", value).replace("%(num)s", value);
    }

    function say(template, value) {
      status.textContent = "";
      // Emptied first, so that the same message said twice is announced twice.
      window.setTimeout(function () {
        status.textContent = fill(template, value);
      }, 50);
    }

    function visible() {
      return items.filter(function (entry) {
        return !entry.item.hidden;
      });
    }

    function open() {
      listbox.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function close() {
      listbox.hidden = true;
      empty.hidden = true;
      input.setAttribute("aria-expanded", "false");
      moveTo(-1);
      navigating = false;
    }

    function moveTo(index) {
      if (active >= 0) {
        items[active].item.classList.remove("multiselect__option--active");
      }
      active = index;
      if (index < 0) {
        input.removeAttribute("aria-activedescendant");
        return;
      }
      var item = items[index].item;
      item.classList.add("multiselect__option--active");
      input.setAttribute("aria-activedescendant", item.id);
      item.scrollIntoView({ block: "nearest" });
    }

    function step(direction) {
      var shown = visible();
      if (!shown.length) {
        return;
      }
      open();
      var at = shown.findIndex(function (entry) {
        return items.indexOf(entry) === active;
      });
      var next = at < 0 ? (direction > 0 ? 0 : shown.length - 1) : at + direction;
      next = Math.max(0, Math.min(shown.length - 1, next));
      moveTo(items.indexOf(shown[next]));
      navigating = true;
    }

    function filter() {
      var wanted = folded(input.value.trim());
      items.forEach(function (entry) {
        entry.item.hidden = wanted !== "" && entry.key.indexOf(wanted) < 0;
      });
      var count = visible().length;
      empty.hidden = count > 0;
      if (active >= 0 && items[active].item.hidden) {
        moveTo(-1);
      }
      navigating = false;
      open();
      say(count ? texts.multiselectMatches : texts.multiselectNone, String(count));
    }

    function toggle(index) {
      var entry = items[index];
      entry.option.selected = !entry.option.selected;
      entry.item.setAttribute("aria-selected", String(entry.option.selected));
      drawChips();
      say(
        entry.option.selected ? texts.multiselectAdded : texts.multiselectRemoved,
        entry.option.text
      );
      select.dispatchEvent(new Event("change", { bubbles: true }));
    }

    function drawChips() {
      chips.textContent = "";
      items.forEach(function (entry, index) {
        if (!entry.option.selected) {
          return;
        }
        var chip = element("li", "multiselect__chip-item");
        var button = element("button", "multiselect__chip", { type: "button" });
        var name = element("span", "multiselect__chip-name");
        name.textContent = entry.option.text;
        var mark = element("span", "multiselect__chip-mark", { "aria-hidden": "true" });
        mark.textContent = "\u00d7";
        button.setAttribute("aria-label", fill(texts.multiselectRemove, entry.option.text));
        button.appendChild(name);
        button.appendChild(mark);
        button.dataset.index = String(index);
        chip.appendChild(button);
        chips.appendChild(chip);
      });
      chips.hidden = !chips.children.length;
    }

    function removeChip(button) {
      var buttons = Array.prototype.slice.call(chips.querySelectorAll("button"));
      var at = buttons.indexOf(button);
      toggle(Number(button.dataset.index));
      var left = chips.querySelectorAll("button");
      (left[Math.min(at, left.length - 1)] || input).focus();
    }

    chips.addEventListener("click", function (event) {
      var button = event.target.closest("button");
      if (button) {
        removeChip(button);
      }
    });

    chips.addEventListener("keydown", function (event) {
      var button = event.target.closest("button");
      if (button && (event.key === "Delete" || event.key === "Backspace")) {
        event.preventDefault();
        removeChip(button);
      }
    });

    input.addEventListener("input", filter);

    input.addEventListener("keydown", function (event) {
      switch (event.key) {
        case "ArrowDown":
          event.preventDefault();
          step(1);
          break;
        case "ArrowUp":
          event.preventDefault();
          step(-1);
          break;
        case "Enter":
          // Never submits the form from here: Enter chooses.
          event.preventDefault();
          // Nothing reached with the arrows yet: the first match ("Kenya", Enter).
          if (active < 0) {
            step(1);
          }
          if (active >= 0) {
            toggle(active);
          }
          break;
        case " ":
          if (navigating && active >= 0) {
            event.preventDefault();
            toggle(active);
          }
          break;
        case "Escape":
          if (!listbox.hidden) {
            event.preventDefault();
            close();
          } else if (input.value) {
            event.preventDefault();
            input.value = "";
            filter();
            close();
          }
          break;
        case "Backspace":
          if (!input.value && chips.lastElementChild) {
            event.preventDefault();
            chips.lastElementChild.querySelector("button").focus();
          }
          break;
        default:
          break;
      }
    });

    input.addEventListener("click", function () {
      if (listbox.hidden) {
        open();
      }
    });

    widget.addEventListener("focusout", function (event) {
      if (!widget.contains(event.relatedTarget)) {
        close();
      }
    });

    select.hidden = true;
    select.tabIndex = -1;
    select.removeAttribute("aria-describedby");
    if (nativeHint) {
      nativeHint.replaceWith(instructions);
    } else {
      select.parentNode.insertBefore(instructions, select);
    }
    widget.appendChild(chips);
    widget.appendChild(input);
    widget.appendChild(listbox);
    widget.appendChild(empty);
    widget.appendChild(status);
    select.parentNode.insertBefore(widget, select);
    widget.appendChild(select);
    drawChips();
  }

  function enhanceAll() {
    document.querySelectorAll("select[multiple][data-multiselect]").forEach(enhance);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", enhanceAll);
  } else {
    enhanceAll();
  }
})();
