// galleryd portal: progressive enhancement of the server-rendered gallery page.
//
// - the list of figures becomes a carousel (WAI-ARIA tabbed carousel: previous/next,
//   "1 von 6", a thumbnail strip as tabs, arrow keys);
// - the placeholder colour and ThumbHash are painted while an image loads;
// - the "Social Media"-Einstellungen panel and the embed placeholders ask for consent
//   before anything is loaded from a third party.
//
// Every text from the server, the catalog or a service is inserted with textContent or
// setAttribute, never as HTML. No third-party address is ever put into this page: a
// granted embed is shown through galleryd's same-origin wrapper page (embed.frame).

const root = document.documentElement;
root.classList.replace("no-js", "js");

const strings = readStrings();
const locale = root.lang === "en" ? "en" : "de";

function readStrings() {
  const block = document.getElementById("portal-strings");
  try {
    return block ? JSON.parse(block.textContent) : {};
  } catch {
    return {};
  }
}

/** The text for `key` with `{name}` placeholders filled in. */
function t(key, values = {}) {
  let text = strings[key] ?? key;
  for (const [name, value] of Object.entries(values)) text = text.replaceAll(`{${name}}`, String(value));
  return text;
}

/** Creates an element; `text` becomes a text node, everything else an attribute. */
function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "text") node.textContent = value;
    else if (name === "class") node.className = value;
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children) if (child) node.append(child);
  return node;
}

/** A path on this origin: "/x", never "//host" or "https://…". */
function isLocalPath(url) {
  return typeof url === "string" && url.startsWith("/") && !url.startsWith("//") && !url.includes("\\");
}

/** An http(s) URL for a link the visitor follows themself (nothing is loaded from it). */
function isWebLink(url) {
  try {
    const parsed = new URL(url);
    return parsed.protocol === "https:" || parsed.protocol === "http:";
  } catch {
    return false;
  }
}

// MARK: ThumbHash placeholders

/** Decodes a ThumbHash (Evan Wallace's reference algorithm) into RGBA pixels. */
function thumbHashToRGBA(hash) {
  const { PI, min, max, cos, round } = Math;
  const header24 = hash[0] | (hash[1] << 8) | (hash[2] << 16);
  const header16 = hash[3] | (hash[4] << 8);
  const lDC = (header24 & 63) / 63;
  const pDC = ((header24 >> 6) & 63) / 31.5 - 1;
  const qDC = ((header24 >> 12) & 63) / 31.5 - 1;
  const lScale = ((header24 >> 18) & 31) / 31;
  const hasAlpha = header24 >> 23;
  const pScale = ((header16 >> 3) & 63) / 63;
  const qScale = ((header16 >> 9) & 63) / 63;
  const isLandscape = header16 >> 15;
  const lx = max(3, isLandscape ? (hasAlpha ? 5 : 7) : header16 & 7);
  const ly = max(3, isLandscape ? header16 & 7 : hasAlpha ? 5 : 7);
  const aDC = hasAlpha ? (hash[5] & 15) / 15 : 1;
  const aScale = (hash[5] >> 4) / 15;
  const acStart = hasAlpha ? 6 : 5;
  let acIndex = 0;
  const decodeChannel = (nx, ny, scale) => {
    const ac = [];
    for (let cy = 0; cy < ny; cy++)
      for (let cx = cy ? 0 : 1; cx * ny < nx * (ny - cy); cx++)
        ac.push((((hash[acStart + (acIndex >> 1)] >> ((acIndex++ & 1) << 2)) & 15) / 7.5 - 1) * scale);
    return ac;
  };
  const lAC = decodeChannel(lx, ly, lScale);
  const pAC = decodeChannel(3, 3, pScale * 1.25);
  const qAC = decodeChannel(3, 3, qScale * 1.25);
  const aAC = hasAlpha && decodeChannel(5, 5, aScale);
  const ratio = lx / ly;
  const w = round(ratio > 1 ? 32 : 32 * ratio);
  const h = round(ratio > 1 ? 32 / ratio : 32);
  const rgba = new Uint8ClampedArray(w * h * 4);
  const fx = [];
  const fy = [];
  for (let y = 0, i = 0; y < h; y++) {
    for (let x = 0; x < w; x++, i += 4) {
      let l = lDC;
      let p = pDC;
      let q = qDC;
      let a = aDC;
      for (let cx = 0, n = max(lx, hasAlpha ? 5 : 3); cx < n; cx++) fx[cx] = cos((PI / w) * (x + 0.5) * cx);
      for (let cy = 0, n = max(ly, hasAlpha ? 5 : 3); cy < n; cy++) fy[cy] = cos((PI / h) * (y + 0.5) * cy);
      for (let cy = 0, j = 0; cy < ly; cy++)
        for (let cx = cy ? 0 : 1, fy2 = fy[cy] * 2; cx * ly < lx * (ly - cy); cx++, j++) l += lAC[j] * fx[cx] * fy2;
      for (let cy = 0, j = 0; cy < 3; cy++) {
        for (let cx = cy ? 0 : 1, fy2 = fy[cy] * 2; cx < 3 - cy; cx++, j++) {
          const f = fx[cx] * fy2;
          p += pAC[j] * f;
          q += qAC[j] * f;
        }
      }
      if (hasAlpha)
        for (let cy = 0, j = 0; cy < 5; cy++)
          for (let cx = cy ? 0 : 1, fy2 = fy[cy] * 2; cx < 5 - cy; cx++, j++) a += aAC[j] * fx[cx] * fy2;
      const b = l - (2 / 3) * p;
      const r = (3 * l - b + q) / 2;
      const g = r - q;
      rgba[i] = max(0, 255 * min(1, r));
      rgba[i + 1] = max(0, 255 * min(1, g));
      rgba[i + 2] = max(0, 255 * min(1, b));
      rgba[i + 3] = max(0, 255 * min(1, a));
    }
  }
  return { w, h, rgba };
}

/** A data: URL of the blurred preview, or null when the hash cannot be read. */
function thumbHashDataURL(base64) {
  try {
    const hash = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    if (hash.length < 5) return null;
    const { w, h, rgba } = thumbHashToRGBA(hash);
    const canvas = document.createElement("canvas");
    canvas.width = w;
    canvas.height = h;
    canvas.getContext("2d").putImageData(new ImageData(rgba, w, h), 0, 0);
    return canvas.toDataURL("image/png");
  } catch {
    return null;
  }
}

/** Paints each image's placeholder until the image itself has loaded. */
function paintPlaceholders(scope = document) {
  for (const img of scope.querySelectorAll("img[data-color], img[data-thumbhash]")) {
    if (img.complete && img.naturalWidth > 0) continue;
    if (/^#[0-9a-fA-F]{6}$/.test(img.dataset.color ?? "")) img.style.backgroundColor = img.dataset.color;
    const url = img.dataset.thumbhash ? thumbHashDataURL(img.dataset.thumbhash) : null;
    if (url) img.style.backgroundImage = `url("${url}")`;
    img.classList.add("loading");
    const done = () => {
      img.classList.remove("loading");
      img.style.backgroundImage = "";
      img.style.backgroundColor = "";
    };
    img.addEventListener("load", done, { once: true });
    img.addEventListener("error", () => img.classList.remove("loading"), { once: true });
  }
}

// MARK: Carousel

/** Turns the list of figures into a WAI-ARIA tabbed carousel. */
function enhanceCarousel(carousel) {
  const slides = [...carousel.querySelectorAll(".slide")];
  const tabs = [...carousel.querySelectorAll('[role="tab"]')];
  const controls = carousel.querySelector("[data-controls]");
  const tablist = carousel.querySelector("[data-thumbnails]");
  const position = carousel.querySelector("[data-position]");
  if (slides.length === 0 || !controls) return;
  carousel.classList.add("enhanced");
  controls.hidden = false;
  if (tablist) tablist.hidden = slides.length < 2;
  for (const [index, slide] of slides.entries()) {
    // APG tabbed carousel: each slide is the tab panel of its thumbnail, named "1 von 6".
    slide.setAttribute("role", "tabpanel");
    slide.setAttribute("aria-label", t("position", { position: index + 1, count: slides.length }));
  }
  let current = 0;

  const show = (index, { focusTab = false } = {}) => {
    current = (index + slides.length) % slides.length;
    slides.forEach((slide, i) => {
      slide.hidden = i !== current;
    });
    tabs.forEach((tab, i) => {
      const selected = i === current;
      tab.setAttribute("aria-selected", selected ? "true" : "false");
      tab.tabIndex = selected ? 0 : -1;
    });
    position.textContent = t("position", { position: current + 1, count: slides.length });
    // Fetch the neighbours now, so that paging on feels immediate.
    for (const neighbour of [current + 1, current - 1]) {
      const img = slides[(neighbour + slides.length) % slides.length].querySelector("img");
      if (img && img.loading === "lazy") img.loading = "eager";
    }
    const tab = tabs[current];
    if (tab && tablist) {
      const left = tab.offsetLeft - (tablist.clientWidth - tab.offsetWidth) / 2;
      tablist.scrollTo({ left: Math.max(0, left), behavior: "smooth" });
      if (focusTab) tab.focus();
    }
  };

  carousel.querySelector("[data-prev]")?.addEventListener("click", () => show(current - 1));
  carousel.querySelector("[data-next]")?.addEventListener("click", () => show(current + 1));
  tabs.forEach((tab, index) => tab.addEventListener("click", () => show(index)));
  carousel.addEventListener("keydown", (event) => {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const inTabs = event.target.closest?.('[role="tablist"]');
    const moves = { ArrowLeft: current - 1, ArrowRight: current + 1 };
    if (inTabs) Object.assign(moves, { Home: 0, End: slides.length - 1 });
    if (!(event.key in moves)) return;
    event.preventDefault();
    show(moves[event.key], { focusTab: Boolean(inTabs) });
  });
  show(0);
}

// MARK: Consent

const consent = {
  available: false,
  policyVersion: null,
  lifetimeDays: null,
  services: [],
  /** Granted through the first-party cookie (scope permanent). */
  permanent: new Set(),
  expiresAt: null,
  /** Granted for this page view only; kept in memory, gone on reload. */
  once: new Set(),
  reask: false,
  embeds: [],
  slug: null,
};

const panel = document.querySelector("[data-consent-panel]");
const liveRegion = el("p", { class: "visually-hidden", role: "status", "aria-live": "polite" });
document.body.append(liveRegion);

function announce(text) {
  liveRegion.textContent = "";
  setTimeout(() => {
    liveRegion.textContent = text;
  }, 50);
}

function serviceName(id) {
  return consent.services.find((service) => service.id === id)?.name ?? id;
}

function isGranted(id) {
  return consent.permanent.has(id) || consent.once.has(id);
}

class ProblemError extends Error {
  constructor(status, detail) {
    super(detail || `HTTP ${status}`);
    this.status = status;
  }
}

async function request(url, { method = "GET", body, headers = {} } = {}) {
  const response = await fetch(url, {
    method,
    credentials: "same-origin",
    cache: "no-store",
    headers: { Accept: "application/json", ...(body ? { "Content-Type": "application/json" } : {}), ...headers },
    body: body ? JSON.stringify(body) : undefined,
  });
  const type = response.headers.get("Content-Type") ?? "";
  const data = type.includes("json") ? await response.json().catch(() => null) : null;
  if (!response.ok) throw new ProblemError(response.status, data?.detail);
  return data;
}

function applyStatus(status) {
  if (!status) return;
  consent.reask = Boolean(status.reaskRequired);
  if (status.policyVersion) consent.policyVersion = status.policyVersion;
  const permanent = status.scope === "permanent" || status.consentId ? status.granted ?? [] : [];
  consent.permanent = new Set(consent.reask ? [] : permanent);
  consent.expiresAt = consent.permanent.size ? status.expiresAt ?? null : null;
}

/** A message that stays until the panel closes; empty text brings back the status summary. */
function showMessage(text) {
  const message = panel?.querySelector("[data-consent-message]");
  if (!message) return;
  message.textContent = text;
  message.dataset.summary = text ? "0" : "1";
}

function reportError(error) {
  if (error instanceof ProblemError && error.status === 409) {
    // The policy changed since this page loaded: show the current texts and ask again.
    showMessage(t("reask"));
    Promise.all([loadServices(), loadStatus()]).then(() => {
      renderPanel();
      if (!panel.open) panel.showModal();
    });
  } else if (error instanceof ProblemError && error.status === 429) {
    showMessage(t("rateLimited"));
  } else {
    showMessage(t("failed"));
  }
  announce(panel?.querySelector("[data-consent-message]")?.textContent ?? t("failed"));
}

async function loadServices() {
  try {
    const catalog = await request(`/api/v1/consent/services?locale=${locale}`);
    consent.services = Array.isArray(catalog?.services) ? catalog.services : [];
    consent.policyVersion = catalog?.policyVersion ?? null;
    consent.lifetimeDays = catalog?.lifetimeDays ?? null;
    consent.available = consent.services.length > 0 && consent.policyVersion !== null;
  } catch {
    consent.available = false;
  }
}

async function loadStatus() {
  try {
    applyStatus(await request("/api/v1/consent"));
  } catch {
    // No status: nothing counts as granted.
  }
}

async function postConsent(services, scope) {
  return request("/api/v1/consent", {
    method: "POST",
    body: { services: [...services], scope, policyVersion: consent.policyVersion, locale },
  });
}

/** Fetches the gallery JSON (with a once-token when there is one) and updates the embeds. */
async function refreshGallery(onceToken) {
  if (!consent.slug) return;
  const headers = onceToken ? { "Consent-Token": onceToken } : {};
  try {
    const gallery = await request(`/api/v1/galleries/${encodeURIComponent(consent.slug)}`, { headers });
    if (gallery?.consent?.policyVersion && !consent.policyVersion) consent.policyVersion = gallery.consent.policyVersion;
    consent.embeds = Array.isArray(gallery?.embeds) ? gallery.embeds : [];
    renderEmbeds();
    renderShare(Array.isArray(gallery?.share) ? gallery.share : []);
  } catch {
    // The server-rendered placeholders stay as they are.
  }
}

async function grantOnce(service) {
  try {
    const decision = await postConsent(new Set([...consent.once, service]), "once");
    for (const id of decision?.granted ?? [service]) if (!consent.permanent.has(id)) consent.once.add(id);
    consent.reask = false;
    showMessage("");
    await refreshGallery(decision?.onceToken);
  } catch (error) {
    reportError(error);
  }
  renderPanel();
}

async function grantPermanent(service) {
  try {
    const decision = await postConsent(new Set([...consent.permanent, service]), "permanent");
    consent.permanent = new Set(decision?.granted ?? [...consent.permanent, service]);
    consent.expiresAt = decision?.expiresAt ?? null;
    for (const id of consent.permanent) consent.once.delete(id);
    consent.reask = false;
    showMessage(t("saved"));
    await refreshGallery();
  } catch (error) {
    reportError(error);
  }
  renderPanel();
}

/** Withdraws one service: its frames go at once, then the server forgets the grant. */
async function withdraw(service) {
  consent.once.delete(service);
  removeFrames((embed) => embed.service === service);
  if (consent.permanent.has(service)) {
    consent.permanent.delete(service);
    try {
      applyStatus(await request(`/api/v1/consent?service=${encodeURIComponent(service)}`, { method: "DELETE" }));
    } catch (error) {
      reportError(error);
    }
  }
  renderPanel();
}

async function withdrawAll() {
  consent.once.clear();
  panel.querySelector("[data-permanent]").checked = false;
  removeFrames(() => true);
  try {
    applyStatus(await request("/api/v1/consent", { method: "DELETE" }));
    consent.permanent.clear();
    showMessage("");
  } catch (error) {
    reportError(error);
  }
  renderPanel();
}

async function rejectAll() {
  if (consent.permanent.size > 0) return withdrawAll();
  consent.once.clear();
  panel.querySelector("[data-permanent]").checked = false;
  removeFrames(() => true);
  try {
    if (consent.available) await postConsent([], "once");
    showMessage(t("statusNone"));
  } catch (error) {
    reportError(error);
  }
  renderPanel();
}

/** The "dauerhaft" switch: on makes this page view's grants permanent; off withdraws them. */
async function setPermanent(on) {
  if (on && consent.once.size > 0) {
    try {
      const decision = await postConsent(new Set([...consent.permanent, ...consent.once]), "permanent");
      consent.permanent = new Set(decision?.granted ?? []);
      consent.expiresAt = decision?.expiresAt ?? null;
      consent.once.clear();
      showMessage(t("saved"));
    } catch (error) {
      reportError(error);
    }
  } else if (!on && consent.permanent.size > 0) {
    return withdrawAll();
  }
  renderPanel();
}

// MARK: Consent panel

function renderPanel() {
  if (!panel) return;
  const list = panel.querySelector("[data-services]");
  const names = panel.querySelector("[data-service-names]");
  const permanentSwitch = panel.querySelector("[data-permanent]");
  const hint = panel.querySelector("[data-permanent-hint]");
  // The list is rebuilt: keep the keyboard focus on the switch that had it.
  const focused = list.contains(document.activeElement) ? document.activeElement.id : null;
  list.replaceChildren();
  names.textContent = consent.services.map((service) => service.name).join(", ");
  for (const service of consent.services) {
    const id = `consent-${service.id}`;
    const toggle = el("input", {
      type: "checkbox",
      role: "switch",
      class: "switch",
      id,
      "data-service": service.id,
      "aria-describedby": `${id}-purpose`,
    });
    toggle.checked = isGranted(service.id);
    toggle.addEventListener("change", () => {
      if (toggle.checked) {
        if (permanentSwitch.checked) grantPermanent(service.id);
        else grantOnce(service.id);
      } else {
        withdraw(service.id);
      }
    });
    const details = el("dl", { class: "service-details" });
    const add = (term, value) => value && details.append(el("dt", { text: term }), el("dd", { text: value }));
    add(t("recipient"), service.recipient);
    add(t("storage"), service.storage);
    add(t("hosts"), Array.isArray(service.hosts) ? service.hosts.join(", ") : "");
    const item = el(
      "li",
      { class: "service", "data-service-entry": service.id },
      el("label", { class: "switch-label", for: id }, toggle, el("span", { class: "service-name", text: service.name })),
      el("p", { class: "purpose", id: `${id}-purpose`, text: service.purpose ?? "" }),
      details,
    );
    if (isWebLink(service.privacyPolicy)) {
      item.append(
        el(
          "a",
          { class: "external", href: service.privacyPolicy, target: "_blank", rel: "noopener noreferrer" },
          t("privacyPolicy", { service: service.name }),
          el("span", { class: "visually-hidden", text: ` (${t("newWindow")})` }),
        ),
      );
    }
    list.append(item);
  }
  if (focused) document.getElementById(focused)?.focus();
  permanentSwitch.checked = consent.permanent.size > 0 || permanentSwitch.checked;
  if (consent.permanent.size === 0 && consent.once.size > 0) permanentSwitch.checked = false;
  permanentSwitch.disabled = !consent.available;
  hint.textContent = permanentSwitch.checked && consent.lifetimeDays
    ? t("consentLifetime", { days: consent.lifetimeDays })
    : t("consentPermanentHint");
  panel.querySelector("[data-withdraw-all]").hidden = consent.permanent.size === 0 && consent.once.size === 0;
  panel.querySelector("[data-reject]").disabled = !consent.available;
  const message = panel.querySelector("[data-consent-message]");
  if (!consent.available) {
    message.textContent = t("unavailable");
  } else if (message.dataset.summary !== "0" || !message.textContent) {
    // No explicit message pending: say what is granted (or that the policy changed).
    message.textContent = consent.reask ? t("reask") : statusSummary();
    message.dataset.summary = "1";
  }
}

function statusSummary() {
  const parts = [];
  if (consent.permanent.size) {
    const date = consent.expiresAt ? new Date(consent.expiresAt).toLocaleDateString(locale === "en" ? "en-GB" : "de-DE") : "";
    parts.push(t("statusPermanent", { date, services: [...consent.permanent].map(serviceName).join(", ") }));
  }
  if (consent.once.size) parts.push(t("statusOnce", { services: [...consent.once].map(serviceName).join(", ") }));
  return parts.length ? parts.join(" ") : t("statusNone");
}

function setUpPanel() {
  if (!panel) return;
  for (const button of document.querySelectorAll("[data-consent-open]")) {
    button.hidden = false;
    button.addEventListener("click", () => openPanel(button));
  }
  for (const button of panel.querySelectorAll("[data-consent-close]")) {
    button.addEventListener("click", () => panel.close());
  }
  panel.querySelector("[data-permanent]").addEventListener("change", (event) => setPermanent(event.target.checked));
  panel.querySelector("[data-reject]").addEventListener("click", rejectAll);
  panel.querySelector("[data-withdraw-all]").addEventListener("click", withdrawAll);
  panel.addEventListener("close", () => {
    const message = panel.querySelector("[data-consent-message]");
    message.dataset.summary = "1";
  });
}

function openPanel() {
  renderPanel();
  panel.showModal();
}

// MARK: Embeds

const embedList = document.querySelector("[data-embed-list]");

function embedNode(embed) {
  for (const node of embedList.querySelectorAll("[data-embed]")) if (node.dataset.embed === embed.id) return node;
  return null;
}

/** Builds the placeholder of a withheld embed: local preview, notice, buttons, link. */
function placeholder(embed) {
  const name = serviceName(embed.service);
  const stage = el("div", { class: "embed-stage" });
  if (embed.preview && isLocalPath(embed.preview.url)) {
    stage.append(
      el("img", {
        src: embed.preview.url,
        width: embed.preview.width,
        height: embed.preview.height,
        alt: "",
        loading: "lazy",
        class: "embed-preview",
      }),
    );
  } else {
    stage.append(el("p", { class: "embed-neutral", text: t("noPreview", { service: name }) }));
  }
  const once = el("button", { type: "button", class: "button", "data-load-once": true, text: t("loadOnce") });
  const always = el("button", {
    type: "button",
    class: "button secondary",
    "data-allow-always": true,
    text: t("allowAlways", { service: name }),
  });
  once.addEventListener("click", () => grantOnce(embed.service));
  always.addEventListener("click", () => grantPermanent(embed.service));
  const actions = el("div", { class: "embed-actions" });
  if (consent.available) actions.append(once, always);
  if (isWebLink(embed.externalLink)) {
    actions.append(
      el(
        "a",
        { class: "external", href: embed.externalLink, target: "_blank", rel: "noopener noreferrer" },
        t("viewOn", { service: name }),
        el("span", { class: "visually-hidden", text: ` (${t("newWindow")})` }),
      ),
    );
  }
  const hide = el("button", {
    type: "button",
    class: "button secondary",
    "data-withdraw": true,
    text: t("withdrawService", { service: name }),
  });
  hide.addEventListener("click", () => withdraw(embed.service));
  const notice = embed.notice?.[locale] ?? embed.notice?.de ?? "";
  return el(
    "section",
    { class: "embed", "data-embed": embed.id, "data-service": embed.service, "data-state": "withheld" },
    el("h3", { text: embed.title || name }),
    stage,
    el("p", { class: "embed-notice", text: notice }),
    actions,
    el("div", { class: "embed-granted", hidden: true }, hide),
  );
}

function renderEmbeds() {
  if (!embedList) return;
  const section = embedList.closest("[data-embeds]");
  if (section) section.hidden = consent.embeds.length === 0;
  const wanted = new Set(consent.embeds.map((embed) => embed.id));
  for (const node of [...embedList.querySelectorAll("[data-embed]")]) if (!wanted.has(node.dataset.embed)) node.remove();
  for (const embed of consent.embeds) {
    let node = embedNode(embed);
    if (!node || node.dataset.built !== "1") {
      const fresh = placeholder(embed);
      fresh.dataset.built = "1";
      if (node) node.replaceWith(fresh);
      else embedList.append(fresh);
      node = fresh;
    }
    const frame = embed.embed?.frame;
    if (embed.state === "granted" && isLocalPath(frame) && isGranted(embed.service)) showFrame(node, embed);
    else if (!isGranted(embed.service)) hideFrame(node);
  }
}

/** Shows a granted embed through galleryd's same-origin wrapper page. */
function showFrame(node, embed) {
  if (node.querySelector("iframe")) return;
  const stage = node.querySelector(".embed-stage");
  const iframe = el("iframe", {
    src: embed.embed.frame,
    title: embed.title || serviceName(embed.service),
    width: embed.embed.width,
    height: embed.embed.height,
    // Permissions are delegated level by level; the wrapper applies the sandbox to the
    // third-party frame itself.
    allow: embed.embed.allow || undefined,
    class: "embed-frame",
  });
  const { width, height } = embed.embed;
  if (width > 0 && height > 0) stage.style.aspectRatio = `${width} / ${height}`;
  for (const child of stage.children) child.hidden = true;
  stage.append(iframe);
  node.dataset.state = "granted";
  node.querySelector(".embed-actions").hidden = true;
  node.querySelector(".embed-granted").hidden = false;
  // A once-grant is simply hidden again; a permanent one is withdrawn.
  const name = serviceName(embed.service);
  node.querySelector("[data-withdraw]").textContent = consent.permanent.has(embed.service)
    ? t("withdrawService", { service: name })
    : t("hideEmbed");
  announce(t("embedLoaded", { service: serviceName(embed.service) }));
}

function hideFrame(node) {
  const iframe = node.querySelector("iframe");
  if (!iframe) return false;
  iframe.remove();
  const stage = node.querySelector(".embed-stage");
  stage.style.aspectRatio = "";
  for (const child of stage.children) child.hidden = false;
  node.dataset.state = "withheld";
  node.querySelector(".embed-actions").hidden = false;
  node.querySelector(".embed-granted").hidden = true;
  return true;
}

/** Removes every shown embed that matches, without a reload. */
function removeFrames(matches) {
  const removed = new Set();
  for (const embed of consent.embeds) {
    const node = embedNode(embed);
    if (node && matches(embed) && hideFrame(node)) removed.add(embed.service);
  }
  for (const service of removed) announce(t("embedRemoved", { service: serviceName(service) }));
}

// MARK: Share links

const SHARE_NAMES = { facebook: "Facebook", x: "X", pinterest: "Pinterest", linkedin: "LinkedIn" };

/** Plain share links: followed only on a click, nothing is loaded before. */
function renderShare(links) {
  const nav = document.querySelector("[data-share]");
  if (!nav) return;
  const items = links.filter((link) => isWebLink(link.url) || /^mailto:/i.test(link.url ?? ""));
  nav.replaceChildren(el("span", { class: "share-label", text: `${t("share")}:` }));
  for (const link of items) {
    const email = /^mailto:/i.test(link.url);
    const label = email ? t("shareByEmail") : t("shareOn", { service: SHARE_NAMES[link.service] ?? serviceName(link.service) });
    nav.append(
      el(
        "a",
        email ? { href: link.url } : { href: link.url, target: "_blank", rel: "noopener noreferrer" },
        label,
        email ? null : el("span", { class: "visually-hidden", text: ` (${t("newWindow")})` }),
      ),
    );
  }
  nav.hidden = items.length === 0;
}

// MARK: Start

async function start() {
  paintPlaceholders();
  for (const carousel of document.querySelectorAll("[data-carousel]")) enhanceCarousel(carousel);
  const gallery = document.querySelector(".gallery[data-slug]");
  if (gallery && panel) {
    consent.slug = gallery.dataset.slug;
    setUpPanel();
    await Promise.all([loadServices(), loadStatus()]);
    renderPanel();
    await refreshGallery();
  }
  // Tests and tools wait for this before they look.
  root.dataset.portalReady = "1";
}

start();
