// Streamlit's own interface texts in the page's language (mapapp/ui/streamlit_texts.py).
//
// Streamlit writes a fixed set of English texts itself: the skip link, screen-reader labels of
// the sidebar, select boxes and multiselects, the table toolbar, "No results", the file
// uploader, react-aria's live announcements. This script runs in the app's own document (st.html)
// and replaces exactly those strings, looked up in DATA (catalogue texts, passed as JSON):
//   - attributes aria-label, title, placeholder: whole-value matches anywhere; aria-label also
//     "Remove" + an option and "Help for" + a label by their fixed English prefix;
//   - text nodes: whole-value matches only inside Streamlit's own widgets (ZONES), never in the
//     page's content (markdown, tables, offer data).
// The map iframes (streamlit-folium) get a readable title: by the key of their container
// (st.container(key="mapapp_map_" + name)), else the page's map title.
// Idempotent: every node keeps its original English text, so a rerun or another language
// translates from the original again; a value Streamlit sets anew is taken as the new original.
// Texts are set with nodeValue/setAttribute only, never as HTML.
(() => {
  const data = __DATA__;
  const state = window.__mapappStreamlitTexts || (window.__mapappStreamlitTexts = {});
  state.data = data;
  const ATTRS = ["aria-label", "title", "placeholder"];
  const ZONES = [
    "[data-testid='stSkipToContent']",
    "[data-testid='stTooltipContent']",
    "[data-testid='stFileUploaderDropzone']",
    "[data-testid$='Dropdown'] [role='option']",
    "[data-testid='stSidebarNavViewButton']",
    "[data-live-announcer]",
  ].join(",");
  const FOLIUM = "streamlit_folium.st_folium";
  const MAP_KEY = /(?:^|\s)st-key-mapapp_map_(\w+)/;
  const PER_FILE = /^(\S+) per file(.*)$/;
  const OPTIONS = /^(\d+) options? available\.$/;

  const memo = (state.memo = state.memo || new WeakMap()); // node -> {slot: {orig, set}}

  function mapTitle(el) {
    const d = state.data;
    const keyed = el.closest("[class*='st-key-mapapp_map_']");
    const m = keyed && MAP_KEY.exec(keyed.className);
    if (m && d.frames[m[1]]) return d.frames[m[1]];
    const unkeyed = [...document.querySelectorAll(`iframe[src*='/component/${FOLIUM}/']`)]
      .filter((f) => !f.closest("[class*='st-key-mapapp_map_']"));
    const i = unkeyed.indexOf(el);
    return i > 0 ? `${d.frame} (${i + 1})` : d.frame;
  }

  function translate(orig, slot, node) {
    const d = state.data;
    const trimmed = orig.trim();
    if (Object.prototype.hasOwnProperty.call(d.exact, trimmed)) {
      return orig.replace(trimmed, () => d.exact[trimmed]);
    }
    if (slot === "aria-label") {
      for (const [prefix, template] of d.prefix) {
        if (orig.startsWith(prefix)) return template.split("{value}").join(orig.slice(prefix.length));
      }
    }
    if (slot === "title" && orig === FOLIUM && node.tagName === "IFRAME") return mapTitle(node);
    if (slot === "#text") {
      let m = PER_FILE.exec(trimmed);
      if (m) return d.perFile.split("{size}").join(m[1]) + m[2];
      m = OPTIONS.exec(trimmed);
      if (m) {
        const n = Number(m[1]);
        const form = d.options[new Intl.PluralRules(d.lang).select(n)] || d.options.other;
        return form.split("{n}").join(m[1]);
      }
    }
    return null;
  }

  function visit(node, slot, read, write) {
    const now = read();
    if (now === null) return;
    const slots = memo.get(node) || {};
    const rec = slots[slot];
    const orig = rec && now === rec.set ? rec.orig : now;
    const out = translate(orig, slot, node);
    if (out === null) {
      if (rec) delete slots[slot];
      return;
    }
    slots[slot] = { orig, set: out };
    memo.set(node, slots);
    if (now !== out) write(out);
  }

  function element(el) {
    for (const name of ATTRS) {
      if (el.hasAttribute(name)) {
        visit(el, name, () => el.getAttribute(name), (v) => el.setAttribute(name, v));
      }
    }
  }

  function text(node) {
    const parent = node.parentElement;
    if (!parent || !parent.closest(ZONES)) return;
    visit(node, "#text", () => node.nodeValue, (v) => { node.nodeValue = v; });
  }

  function texts(root) {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) text(n);
  }

  function subtree(root) {
    if (root.nodeType === Node.TEXT_NODE) return text(root);
    if (root.nodeType !== Node.ELEMENT_NODE) return;
    element(root);
    root.querySelectorAll("[aria-label],[title],[placeholder]").forEach(element);
    if (root.closest(ZONES)) texts(root);
    else root.querySelectorAll(ZONES).forEach(texts);
  }

  if (!state.observer) {
    state.observer = new MutationObserver((records) => {
      for (const r of records) {
        if (r.type === "attributes") element(r.target);
        else if (r.type === "characterData") text(r.target);
        else r.addedNodes.forEach(subtree);
      }
    });
    state.observer.observe(document.body, {
      subtree: true,
      childList: true,
      characterData: true,
      attributes: true,
      attributeFilter: ATTRS,
    });
  }
  subtree(document.body);
})();
