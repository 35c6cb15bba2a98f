/// The "Social Media"-Einstellungen dialog. Its fixed texts are rendered here; the list of
/// services with purpose, recipient and privacy link comes from
/// `GET /api/v1/consent/services` and is filled in by portal.js (as text, never as HTML).
struct ConsentPanel {
    let strings: PortalStrings

    func render() -> String {
        """
        <dialog class="consent-panel" id="consent-panel" aria-labelledby="consent-title" data-consent-panel>
        <div class="panel-head">
        <h2 id="consent-title">\(HTML.escape(strings[.consentTitle]))</h2>
        <button type="button" class="icon-button" data-consent-close>\
        <span aria-hidden="true">×</span><span class="visually-hidden">\(HTML.escape(strings[.close]))</span></button>
        </div>
        <p>\(HTML.escape(strings[.consentIntro]))</p>
        <p class="service-names" data-service-names></p>
        <p>\(HTML.escape(strings[.consentHint]))</p>
        <div class="permanent">
        <label class="switch-label"><input type="checkbox" role="switch" class="switch" data-permanent>\
        <span>\(HTML.escape(strings[.consentPermanent]))</span></label>
        <p class="hint" data-permanent-hint>\(HTML.escape(strings[.consentPermanentHint]))</p>
        </div>
        <p class="consent-message" role="status" data-consent-message></p>
        <ul class="services" data-services></ul>
        <div class="panel-actions">
        <button type="button" class="button secondary" data-reject>\(HTML.escape(strings[.rejectAll]))</button>
        <button type="button" class="button secondary" data-withdraw-all hidden>\
        \(HTML.escape(strings[.withdrawAll]))</button>
        <button type="button" class="button" data-consent-close>\(HTML.escape(strings[.close]))</button>
        </div>
        </dialog>

        """
    }
}
