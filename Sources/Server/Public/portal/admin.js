// galleryd admin page: galleries and items (caption, alt, credit and their sources),
// embeds, quarantine, consent settings, the consent log and the audit trail — all through
// the admin API with the bearer token the admin enters. The token is kept in
// sessionStorage (gone when the tab closes), never in a cookie or localStorage.
//
// Every value from the API is inserted with textContent or as a form value, never as HTML.

const TOKEN_KEY = "galleryd-admin-token";
const app = document.querySelector("[data-admin-app]");
document.documentElement.classList.replace("no-js", "js");

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "text") node.textContent = value;
    else if (name === "class") node.className = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children) if (child !== null && child !== undefined && child !== false) node.append(child);
  return node;
}

function isLocalPath(url) {
  return typeof url === "string" && url.startsWith("/") && !url.startsWith("//");
}

function formatDate(value, precision) {
  if (!value) return "";
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return String(value);
  // A date alone (takenAtPrecision "day") is that day's midnight in the site's zone: show
  // the day, never a time nobody took the photo at (the UTC day nearest to it).
  if (precision === "day") {
    const noon = new Date(date.getTime() + 12 * 3600 * 1000);
    return noon.toLocaleDateString("de-DE", { timeZone: "UTC" });
  }
  return date.toLocaleString("de-DE");
}

class ApiError extends Error {
  constructor(status, detail) {
    super(detail || `HTTP ${status}`);
    this.status = status;
  }
}

const api = {
  token: sessionStorage.getItem(TOKEN_KEY),

  async call(path, { method = "GET", body, accept = "application/json", blob = false } = {}) {
    const response = await fetch(path, {
      method,
      cache: "no-store",
      credentials: "omit",
      headers: {
        Accept: accept,
        Authorization: `Bearer ${this.token}`,
        ...(body !== undefined ? { "Content-Type": "application/json" } : {}),
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    if (response.status === 401) {
      // A stored token that stops working (revoked) ends the session; a mistyped one at
      // sign-in is only refused.
      if (sessionStorage.getItem(TOKEN_KEY)) signOut("Der Token ist ungültig oder abgelaufen.");
      throw new ApiError(401, "Nicht angemeldet");
    }
    const type = response.headers.get("Content-Type") ?? "";
    if (!response.ok) {
      const problem = type.includes("json") ? await response.json().catch(() => null) : null;
      const detail = problem?.detail ?? response.statusText;
      throw new ApiError(response.status, response.status === 403 ? `Keine Berechtigung: ${detail}` : detail);
    }
    if (blob) return response.blob();
    return type.includes("json") ? response.json() : null;
  },
};

// MARK: Frame

const status = el("p", { class: "admin-status", role: "status", "aria-live": "polite" });

function say(text, kind = "info") {
  status.textContent = text;
  status.dataset.kind = kind;
}

function fail(error) {
  say(error instanceof Error ? error.message : String(error), "error");
}

const views = [
  ["galleries", "Galerien", showGalleries],
  ["schedule", "Sperrfristen", showSchedule],
  ["erasures", "Löschungen", showErasures],
  ["quarantine", "Quarantäne", showQuarantine],
  ["consent", "Einwilligung", showConsentSettings],
  ["events", "Einwilligungsprotokoll", showConsentEvents],
  ["audit", "Änderungsprotokoll", showAudit],
];

const content = el("div", { class: "admin-content", id: "admin-content", tabindex: "-1" });

function signIn() {
  const input = el("input", { type: "password", id: "token", name: "token", autocomplete: "off", required: true });
  const message = el("p", { class: "admin-status", role: "alert" });
  const form = el(
    "form",
    { class: "sign-in" },
    el("h2", { text: "Anmelden" }),
    el("p", { text: "Token aus „galleryd admin token create“. Er bleibt nur in diesem Tab gespeichert." }),
    el("label", { for: "token", text: "Zugangs-Token" }),
    input,
    el("button", { type: "submit", class: "button", text: "Anmelden" }),
    message,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    api.token = input.value.trim();
    try {
      await api.call("/api/v1/admin/galleries");
      sessionStorage.setItem(TOKEN_KEY, api.token);
      showApp();
    } catch (error) {
      message.textContent = error.status === 401 ? "Dieser Token gilt nicht." : error.message;
      api.token = null;
    }
  });
  app.replaceChildren(form);
  input.focus();
}

function signOut(reason) {
  sessionStorage.removeItem(TOKEN_KEY);
  api.token = null;
  signIn();
  if (reason) app.querySelector(".admin-status").textContent = reason;
}

function showApp() {
  const nav = el("nav", { class: "admin-nav", "aria-label": "Bereiche" });
  for (const [id, label, show] of views) {
    nav.append(
      el("button", {
        type: "button",
        class: "tab",
        "data-view": id,
        text: label,
        onclick: () => select(id, show),
      }),
    );
  }
  nav.append(el("button", { type: "button", class: "tab sign-out", text: "Abmelden", onclick: () => signOut() }));
  app.replaceChildren(nav, status, content);
  select("galleries", showGalleries);
}

function select(id, show) {
  for (const tab of app.querySelectorAll("[data-view]")) {
    tab.setAttribute("aria-current", tab.dataset.view === id ? "page" : "false");
  }
  say("");
  content.replaceChildren(el("p", { text: "Wird geladen …" }));
  show().catch(fail);
}

function table(headings, rows) {
  return el(
    "table",
    { class: "admin-table" },
    el("thead", {}, el("tr", {}, ...headings.map((heading) => el("th", { scope: "col", text: heading })))),
    el("tbody", {}, ...rows),
  );
}

function row(...cells) {
  return el("tr", {}, ...cells.map((cell) => (cell instanceof Node ? el("td", {}, cell) : el("td", { text: cell ?? "" }))));
}

let fieldCounter = 0;

function field(label, value, { multiline = false, type = "text", name } = {}) {
  const id = `field-${++fieldCounter}`;
  const input = multiline
    ? el("textarea", { id, name, rows: 3 })
    : el("input", { id, name, type, ...(type === "checkbox" ? {} : {}) });
  if (type === "checkbox") input.checked = Boolean(value);
  else input.value = value ?? "";
  const wrapper = el("div", { class: `field ${type === "checkbox" ? "checkbox" : ""}` });
  if (type === "checkbox") wrapper.append(input, el("label", { for: id, text: label }));
  else wrapper.append(el("label", { for: id, text: label }), input);
  return { wrapper, input };
}

// MARK: Publication (embargo, expiry, withdrawal, erasure)

const PUBLICATION = {
  public: "öffentlich",
  embargoed: "Sperrfrist",
  expired: "abgelaufen",
  hidden: "ausgeblendet",
  unpublished: "Galerie nicht öffentlich",
};

// Times are shown and entered as RFC 3339; a time without offset is the site's local time.
function timeFields(owner) {
  const publishAt = field("Veröffentlichen ab (RFC 3339, ohne Zeitzone: Ortszeit)", owner.publishAt ?? "");
  const unpublishAt = field("Veröffentlichen bis", owner.unpublishAt ?? "");
  publishAt.input.placeholder = unpublishAt.input.placeholder = "2026-05-04T11:30";
  return {
    wrappers: [publishAt.wrapper, unpublishAt.wrapper],
    // Only what changed; an emptied field lifts the time.
    changes(body) {
      for (const [key, input] of [["publishAt", publishAt.input], ["unpublishAt", unpublishAt.input]]) {
        const value = input.value.trim() || null;
        if (value !== (owner[key] ?? null)) body[key] = value;
      }
    },
  };
}

// A photo that is not public is not served at its public address: the admin's own route
// (bearer token) gives its bytes, shown as a data: URL (the page's CSP allows no blob:).
async function adminImage(img, url) {
  try {
    const blob = await api.call(`/api/v1/admin${url}`, { accept: "image/*", blob: true });
    const reader = new FileReader();
    reader.onload = () => (img.src = String(reader.result));
    reader.readAsDataURL(blob);
  } catch (error) {
    img.alt = error.message;
  }
}

async function showSchedule() {
  const { entries = [] } = await api.call("/api/v1/admin/schedule");
  const rows = entries.map((entry) =>
    row(
      entry.kind === "gallery" ? "Galerie" : "Bild",
      el("button", { type: "button", class: "link", text: entry.gallery, onclick: () => showGallery(entry.gallery).catch(fail) }),
      entry.fileName ?? "",
      PUBLICATION[entry.publication] ?? entry.publication,
      formatDate(entry.publishAt),
      formatDate(entry.unpublishAt),
    ),
  );
  content.replaceChildren(
    el("h2", { text: "Sperrfristen und Ablauf" }),
    entries.length
      ? table(["Art", "Galerie", "Datei", "Stand", "Ab", "Bis"], rows)
      : el("p", { text: "Nichts unter Sperrfrist, nichts abgelaufen." }),
  );
}

async function showErasures() {
  const { erasures = [] } = await api.call("/api/v1/admin/erasures");
  const rows = erasures.map((erasure) => {
    const reason = field("Grund der Aufhebung", "");
    const lift = el("form", { class: "inline-form" }, reason.wrapper, el("button", { type: "submit", class: "button secondary", text: "Aufheben" }));
    lift.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (!reason.input.value.trim()) return say("Bitte einen Grund angeben.", "error");
      try {
        await api.call(`/api/v1/admin/erasures/${encodeURIComponent(erasure.sourceHash)}/lift`, { method: "POST", body: { reason: reason.input.value.trim() } });
        say("Löschung aufgehoben; liegt das Original noch im Medienordner, wird es wieder veröffentlicht.");
        await showErasures();
      } catch (error) {
        fail(error);
      }
    });
    return row(formatDate(erasure.erasedAt), erasure.erasedBy, erasure.reason, erasure.assetId, erasure.originalPath, lift);
  });
  content.replaceChildren(
    el("h2", { text: "Endgültig gelöschte Bilder" }),
    el("p", { text: "galleryd schreibt nie in den Medienordner: ein Original, das dort noch liegt, muss dort entfernt werden." }),
    erasures.length
      ? table(["Gelöscht", "Von", "Grund", "Bild", "Original im Medienordner", ""], rows)
      : el("p", { text: "Keine Löschungen." }),
  );
}

function eraseForm(asset) {
  const reason = field("Grund (z. B. Antrag nach DSGVO Art. 17)", "");
  const form = el(
    "form",
    { class: "inline-form danger" },
    el("h5", { text: "Endgültig löschen" }),
    reason.wrapper,
    el("button", { type: "submit", class: "button secondary", text: "Endgültig löschen" }),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!reason.input.value.trim()) return say("Bitte einen Grund angeben.", "error");
    if (!window.confirm(`${asset.fileName} mit allen Größen, Download und Texten endgültig löschen?`)) return;
    try {
      const erasure = await api.call(`/api/v1/admin/assets/${encodeURIComponent(asset.id)}/erase`, { method: "POST", body: { reason: reason.input.value.trim() } });
      say(`Gelöscht. Das Original liegt noch im Medienordner: ${erasure.originalPath} – bitte dort entfernen.`);
      form.closest(".item-wrapper")?.remove();
    } catch (error) {
      fail(error);
    }
  });
  return form;
}

// MARK: Galleries and items

async function showGalleries() {
  const { galleries = [] } = await api.call("/api/v1/admin/galleries");
  const rows = galleries.map((gallery) =>
    row(
      el("button", {
        type: "button",
        class: "link",
        text: gallery.title || gallery.slug,
        onclick: () => showGallery(gallery.slug).catch(fail),
      }),
      gallery.slug,
      PUBLICATION[gallery.publication] ?? (gallery.published ? "ja" : "nein"),
      String(gallery.items?.length ?? 0),
      gallery.sidecarError ?? "",
    ),
  );
  content.replaceChildren(
    el("h2", { text: "Galerien" }),
    table(["Titel", "Slug", "Veröffentlicht", "Bilder", "Fehler im Sidecar"], rows),
  );
}

async function showGallery(slug) {
  const gallery = await api.call(`/api/v1/admin/galleries/${encodeURIComponent(slug)}`);
  const title = field("Titel", gallery.title);
  const summary = field("Zusammenfassung", gallery.summary, { multiline: true });
  const credit = field("Standard-Credit", gallery.defaultCredit);
  const order = field("Reihenfolge (ein Dateiname je Zeile)", (gallery.order ?? []).join("\n"), { multiline: true });
  const published = field("Veröffentlicht", gallery.published, { type: "checkbox" });
  const times = timeFields(gallery);
  const settings = el(
    "form",
    { class: "card" },
    el("h3", { text: "Einstellungen der Galerie" }),
    title.wrapper,
    summary.wrapper,
    credit.wrapper,
    order.wrapper,
    published.wrapper,
    ...times.wrappers,
    ...(gallery.scheduleProblems ?? []).map((problem) => el("p", { class: "meta", text: `Sidecar: ${problem}` })),
    el("button", { type: "submit", class: "button", text: "Galerie speichern" }),
  );
  settings.addEventListener("submit", async (event) => {
    event.preventDefault();
    // Only what changed becomes an override of the sidecar; an emptied field removes it.
    const body = {};
    const text = (input) => input.value.trim() || null;
    if (text(title.input) !== (gallery.title || null)) body.title = text(title.input);
    if (text(summary.input) !== (gallery.summary || null)) body.summary = text(summary.input);
    if (text(credit.input) !== (gallery.defaultCredit || null)) body.defaultCredit = text(credit.input);
    const newOrder = order.input.value.split("\n").map((line) => line.trim()).filter(Boolean);
    if (newOrder.join("\n") !== (gallery.order ?? []).join("\n")) body.order = newOrder.length ? newOrder : null;
    if (published.input.checked !== Boolean(gallery.published)) body.published = published.input.checked;
    times.changes(body);
    if (Object.keys(body).length === 0) return say("Nichts geändert.");
    try {
      await api.call(`/api/v1/admin/galleries/${encodeURIComponent(slug)}`, { method: "PUT", body });
      await showGallery(slug);
      say("Galerie gespeichert.");
    } catch (error) {
      fail(error);
    }
  });
  const items = el("div", { class: "items" }, ...(gallery.items ?? []).map(itemEditor));
  content.replaceChildren(
    el("p", {}, el("button", { type: "button", class: "link", text: "← Alle Galerien", onclick: () => showGalleries().catch(fail) })),
    el("h2", { text: gallery.title || slug }),
    el("p", { class: "meta", text: `Ordner: ${gallery.folder ?? ""} · Slug: ${slug}` }),
    settings,
    el("h3", { text: "Bilder" }),
    items,
    await embedsEditor(slug),
  );
  content.focus();
}

const TEXT_FIELDS = [
  ["caption", "Bildunterschrift", true],
  ["alt", "Alternativtext", true],
  ["headline", "Überschrift", false],
  ["credit", "Credit", false],
  ["creator", "Urheber", false],
];

// Who, what and where: lists one entry per line (a keyword or a name may hold a comma).
const LIST_FIELDS = [
  ["keywords", "Schlagwörter (eines pro Zeile)"],
  ["persons", "Personen im Bild (eine pro Zeile)"],
];
const LOCATION_FIELDS = [
  ["sublocation", "Ort im Detail (Gebäude, Straße)"],
  ["city", "Stadt"],
  ["region", "Bundesland / Region"],
  ["country", "Land"],
  ["countryCode", "Ländercode (ISO 3166, z. B. DE)"],
];

function overriddenLabel(asset, key, label) {
  const overridden = asset.overrides && asset.overrides[key] !== undefined && asset.overrides[key] !== null;
  return label + (overridden ? " – überschrieben" : "");
}

function listValue(text) {
  return text.split("\n").map((line) => line.trim()).filter((line) => line !== "");
}

// The who/what/where part of an item's form, and what of it changed (into `patch`).
function whoWhatWhereFields(asset) {
  const lists = LIST_FIELDS.map(([key, label]) => {
    const { wrapper, input } = field(overriddenLabel(asset, key, label), (asset[key] ?? []).join("\n"), { multiline: true });
    return { key, wrapper, input };
  });
  const event = field(overriddenLabel(asset, "event", "Ereignis"), asset.event);
  const location = asset.location ?? {};
  const places = LOCATION_FIELDS.map(([key, label]) => ({ key, ...field(label, location[key]) }));
  const group = el(
    "fieldset",
    { class: "who-what-where" },
    el("legend", { text: overriddenLabel(asset, "location", "Wer, was, wo") }),
    ...lists.map((list) => list.wrapper),
    event.wrapper,
    ...places.map((place) => place.wrapper),
  );
  function changes(patch) {
    for (const { key, input } of lists) {
      const value = listValue(input.value);
      if (JSON.stringify(value) !== JSON.stringify(asset[key] ?? [])) patch[key] = value.length ? value : null;
    }
    const eventValue = event.input.value.trim();
    if (eventValue !== (asset.event ?? "")) patch.event = eventValue === "" ? null : eventValue;
    const place = {};
    let changed = false;
    for (const { key, input } of places) {
      const value = input.value.trim();
      if (value !== "") place[key] = value;
      if (value !== (location[key] ?? "")) changed = true;
    }
    if (changed) patch.location = Object.keys(place).length ? place : null;
  }
  return { group, changes };
}

function itemEditor(asset) {
  const inputs = {};
  const form = el("form", { class: "card item", "data-asset": asset.id });
  const thumbnail = (asset.renditions ?? []).find((r) => r.role === "thumbnail" && isLocalPath(r.url));
  const head = el("div", { class: "item-head" });
  if (thumbnail) {
    const size = { alt: "", width: 160, height: Math.round((160 * thumbnail.height) / thumbnail.width) };
    if (!asset.publication || asset.publication === "public") head.append(el("img", { src: thumbnail.url, ...size }));
    else {
      const img = el("img", size);
      head.append(img);
      adminImage(img, thumbnail.url);
    }
  }
  head.append(
    el(
      "div",
      {},
      el("h4", { text: asset.fileName }),
      el("p", { class: "meta", text: `${asset.width ?? "?"} × ${asset.height ?? "?"} · ${formatDate(asset.takenAt, asset.takenAtPrecision)}` }),
      el("p", { class: "meta publication", "data-publication": asset.publication ?? "public", text: `Stand: ${PUBLICATION[asset.publication] ?? "öffentlich"}` }),
    ),
  );
  form.append(head);
  for (const [key, label, multiline] of TEXT_FIELDS) {
    const source = key === "credit" ? asset.creditSource : key === "caption" ? asset.captionSource : null;
    const overridden = asset.overrides && asset.overrides[key] !== undefined && asset.overrides[key] !== null;
    const { wrapper, input } = field(label + (source ? ` (Quelle: ${source})` : "") + (overridden ? " – überschrieben" : ""), asset[key], { multiline });
    inputs[key] = input;
    form.append(wrapper);
  }
  const whoWhatWhere = whoWhatWhereFields(asset);
  form.append(whoWhatWhere.group);
  const hidden = field("Ausgeblendet", asset.hidden, { type: "checkbox" });
  const reason = field("Grund des Ausblendens (für das Änderungsprotokoll)", "");
  const times = timeFields(asset);
  form.append(hidden.wrapper, reason.wrapper, ...times.wrappers);
  const embedded = el("details", {}, el("summary", { text: "Was die Datei selbst enthält (EXIF, IPTC, XMP)" }), el("pre", { text: JSON.stringify(asset.embedded ?? {}, null, 2) }));
  form.append(embedded, el("button", { type: "submit", class: "button", text: "Speichern" }));
  const wrapper = el("div", { class: "item-wrapper" }, form, eraseForm(asset));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const patch = {};
    for (const [key] of TEXT_FIELDS) {
      const value = inputs[key].value.trim();
      if (value !== (asset[key] ?? "")) patch[key] = value === "" ? null : value;
    }
    whoWhatWhere.changes(patch);
    if (hidden.input.checked !== Boolean(asset.hidden)) patch.hidden = hidden.input.checked;
    times.changes(patch);
    if (Object.keys(patch).length === 0) return say("Nichts geändert.");
    if (reason.input.value.trim()) patch.reason = reason.input.value.trim();
    try {
      const updated = await api.call(`/api/v1/admin/assets/${encodeURIComponent(asset.id)}`, { method: "PATCH", body: patch });
      Object.assign(asset, updated ?? {});
      wrapper.replaceWith(itemEditor(asset));
      say(`${asset.fileName} gespeichert.`);
    } catch (error) {
      fail(error);
    }
  });
  return wrapper;
}

async function embedsEditor(slug) {
  const section = el("section", { class: "card" }, el("h3", { text: "Eingebettete Beiträge" }));
  let embeds = [];
  try {
    ({ embeds = [] } = await api.call(`/api/v1/admin/galleries/${encodeURIComponent(slug)}/embeds`));
  } catch (error) {
    section.append(el("p", { text: error.message }));
    return section;
  }
  const rows = embeds.map((embed) =>
    row(
      embed.service,
      embed.kind,
      embed.title ?? "",
      embed.url,
      embed.source,
      embed.preview ? "ja" : embed.previewError ?? "nein",
      embed.source === "admin"
        ? el("button", {
            type: "button",
            class: "button secondary",
            text: "Entfernen",
            onclick: async () => {
              try {
                await api.call(`/api/v1/admin/galleries/${encodeURIComponent(slug)}/embeds?id=${encodeURIComponent(embed.id)}`, { method: "DELETE" });
                say("Beitrag entfernt.");
                await showGallery(slug);
              } catch (error) {
                fail(error);
              }
            },
          })
        : el("span", { text: "im Sidecar" }),
    ),
  );
  section.append(table(["Dienst", "Art", "Titel", "Adresse", "Herkunft", "Vorschau", ""], rows));
  const service = field("Dienst (z. B. youtube)", "");
  const url = field("Adresse des Beitrags", "", { type: "url" });
  const title = field("Titel", "");
  const kind = field("Art (video, post, feed)", "");
  const form = el("form", { class: "inline-form" }, el("h4", { text: "Beitrag hinzufügen" }), service.wrapper, url.wrapper, title.wrapper, kind.wrapper, el("button", { type: "submit", class: "button", text: "Hinzufügen" }));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = { service: service.input.value.trim(), url: url.input.value.trim() };
    if (title.input.value.trim()) body.title = title.input.value.trim();
    if (kind.input.value.trim()) body.kind = kind.input.value.trim();
    try {
      await api.call(`/api/v1/admin/galleries/${encodeURIComponent(slug)}/embeds`, { method: "POST", body });
      say("Beitrag hinzugefügt.");
      await showGallery(slug);
    } catch (error) {
      fail(error);
    }
  });
  section.append(form);
  return section;
}

// MARK: Quarantine

async function showQuarantine() {
  const { quarantine = [] } = await api.call("/api/v1/admin/quarantine");
  const rows = quarantine.map((entry) =>
    row(
      entry.path,
      entry.code,
      entry.reason,
      String(entry.attempts ?? ""),
      formatDate(entry.quarantinedAt),
      el("button", {
        type: "button",
        class: "button secondary",
        text: "Erneut versuchen",
        onclick: async () => {
          try {
            await api.call("/api/v1/admin/quarantine/retry", { method: "POST", body: { path: entry.path } });
            say(`${entry.path} wird erneut verarbeitet.`);
          } catch (error) {
            fail(error);
          }
        },
      }),
    ),
  );
  content.replaceChildren(
    el("h2", { text: "Quarantäne" }),
    quarantine.length ? table(["Datei", "Code", "Grund", "Versuche", "Seit", ""], rows) : el("p", { text: "Keine Datei in Quarantäne." }),
  );
}

// MARK: Consent settings

async function showConsentSettings() {
  const settings = await api.call("/api/v1/admin/consent/settings");
  const version = field("Version der Datenschutzhinweise", settings.policyVersion);
  const lifetime = field("Gültigkeit einer dauerhaften Einwilligung (Tage, 1–395)", settings.lifetimeDays, { type: "number" });
  const services = (settings.services ?? []).map(serviceEditor);
  const form = el(
    "form",
    { class: "card" },
    el("p", { text: "Eine neue Version oder geänderte Dienste fragen Besucher erneut." }),
    version.wrapper,
    lifetime.wrapper,
    ...services.map((service) => service.node),
    el("button", { type: "submit", class: "button", text: "Einstellungen speichern" }),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = {
      ...settings,
      policyVersion: version.input.value.trim(),
      lifetimeDays: Number(lifetime.input.value),
      services: services.map((service) => service.value()),
    };
    try {
      await api.call("/api/v1/admin/consent/settings", { method: "PUT", body });
      say("Einwilligungseinstellungen gespeichert.");
      await showConsentSettings();
    } catch (error) {
      fail(error);
    }
  });
  content.replaceChildren(el("h2", { text: "Einwilligung: Dienste und Texte" }), form);
}

function serviceEditor(service) {
  const enabled = field("Aktiv", service.enabled !== false, { type: "checkbox" });
  const name = field("Name", service.name);
  const recipient = field("Empfänger", service.recipient);
  const purposeDe = field("Zweck (deutsch)", service.purpose?.de, { multiline: true });
  const purposeEn = field("Zweck (englisch)", service.purpose?.en, { multiline: true });
  const storageDe = field("Speicherdauer (deutsch)", service.storage?.de);
  const storageEn = field("Speicherdauer (englisch)", service.storage?.en);
  const privacy = field("Datenschutzerklärung (URL)", service.privacyPolicy, { type: "url" });
  const hosts = field("Kontaktierte Server (einer je Zeile)", (service.hosts ?? []).join("\n"), { multiline: true });
  const node = el(
    "fieldset",
    { class: "service-settings" },
    el("legend", { text: `${service.name} (${service.id})` }),
    enabled.wrapper,
    name.wrapper,
    recipient.wrapper,
    purposeDe.wrapper,
    purposeEn.wrapper,
    storageDe.wrapper,
    storageEn.wrapper,
    privacy.wrapper,
    hosts.wrapper,
  );
  const lines = (text) => text.split("\n").map((line) => line.trim()).filter(Boolean);
  return {
    node,
    value: () => ({
      ...service,
      enabled: enabled.input.checked,
      name: name.input.value.trim(),
      recipient: recipient.input.value.trim(),
      purpose: { de: purposeDe.input.value.trim(), en: purposeEn.input.value.trim() },
      storage: { de: storageDe.input.value.trim(), en: storageEn.input.value.trim() },
      privacyPolicy: privacy.input.value.trim(),
      hosts: lines(hosts.input.value),
    }),
  };
}

// MARK: Consent log and audit trail

async function download(path, fileName) {
  try {
    const accept = fileName.endsWith(".csv") ? "text/csv" : "application/json";
    const blob = await api.call(path, { accept, blob: true });
    const url = URL.createObjectURL(blob);
    const link = el("a", { href: url, download: fileName });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  } catch (error) {
    fail(error);
  }
}

async function showConsentEvents() {
  const { events = [] } = await api.call("/api/v1/admin/consent/events");
  const rows = events
    .slice(-500)
    .reverse()
    .map((event) =>
      row(
        String(event.seq),
        formatDate(event.at),
        event.kind,
        event.scope,
        Object.entries(event.decisions ?? {})
          .map(([service, granted]) => `${service}: ${granted ? "ja" : "nein"}`)
          .join(", "),
        event.policyVersion,
        event.browser ?? "",
        event.consentId,
      ),
    );
  const stamp = new Date().toISOString().slice(0, 10);
  content.replaceChildren(
    el("h2", { text: "Einwilligungsprotokoll" }),
    el(
      "p",
      { class: "actions" },
      el("button", { type: "button", class: "button", text: "Als CSV exportieren", onclick: () => download("/api/v1/admin/consent/events?format=csv", `einwilligungen-${stamp}.csv`) }),
      el("button", { type: "button", class: "button secondary", text: "Als JSON exportieren", onclick: () => download("/api/v1/admin/consent/events?format=json", `einwilligungen-${stamp}.json`) }),
    ),
    el("p", { class: "meta", text: `${events.length} Ereignisse, die neuesten zuerst.` }),
    table(["Nr.", "Zeit", "Art", "Umfang", "Entscheidungen", "Version", "Browser", "Einwilligungs-ID"], rows),
  );
}

async function showAudit() {
  const { entries = [] } = await api.call("/api/v1/admin/audit?limit=500");
  const rows = entries.map((entry) =>
    row(formatDate(entry.at), entry.actor, entry.action, entry.target, entry.field ?? "", entry.oldValue ?? "", entry.newValue ?? ""),
  );
  content.replaceChildren(
    el("h2", { text: "Änderungsprotokoll" }),
    entries.length ? table(["Zeit", "Wer", "Aktion", "Ziel", "Feld", "Vorher", "Nachher"], rows) : el("p", { text: "Noch keine Änderung." }),
  );
}

if (app) {
  if (api.token) showApp();
  else signIn();
  document.documentElement.dataset.portalReady = "1";
}
