public import Foundation

/// What a visitor's consent grants on one request, decided from what the request carries
/// (a permanent consent found through its cookie, a `once` grant taken with its token) and
/// the settings in force — the rule, without storage or HTTP (GDPR Art. 7: consent counts
/// only for the services and the notice it was given for).
///
/// - A permanent consent counts while it is neither withdrawn nor expired, and only if it
///   was given under the current policy version and catalog hash; given under older ones,
///   it grants nothing and the visitor is asked again (`reaskRequired`), as after expiry.
/// - A `once` grant counts only under the current policy version and catalog hash, and
///   never narrows what a permanent consent grants.
/// - Only services the settings offer now can be granted.
public struct ConsentDecision: Sendable, Equatable {
    public var granted: [String: GrantedConsent] = [:]
    public var reaskRequired = false

    /// A permanent consent as recorded.
    public struct Permanent: Sendable {
        public var services: [String]
        public var policyVersion: String
        public var catalogHash: String
        public var expiresAt: Date
        public var withdrawn: Bool

        public init(services: [String], policyVersion: String, catalogHash: String, expiresAt: Date, withdrawn: Bool) {
            self.services = services
            self.policyVersion = policyVersion
            self.catalogHash = catalogHash
            self.expiresAt = expiresAt
            self.withdrawn = withdrawn
        }
    }

    /// A `once` grant, already taken (it is single-use).
    public struct Once: Sendable {
        public var services: [String]
        public var policyVersion: String
        public var catalogHash: String
        public var expiresAt: Date

        public init(services: [String], policyVersion: String, catalogHash: String, expiresAt: Date) {
            self.services = services
            self.policyVersion = policyVersion
            self.catalogHash = catalogHash
            self.expiresAt = expiresAt
        }
    }

    public init(settings: ConsentSettings, permanent: Permanent?, once: Once?, now: Date) {
        if let permanent {
            let current =
                permanent.policyVersion == settings.policyVersion
                && permanent.catalogHash == settings.catalogHash
            if permanent.expiresAt <= now {
                reaskRequired = true
            } else if !permanent.withdrawn {
                if current {
                    let expiry = permanent.expiresAt.formatted(.iso8601)
                    for service in permanent.services where settings.service(service) != nil {
                        granted[service] = GrantedConsent(scope: .permanent, expiresAt: expiry)
                    }
                } else {
                    reaskRequired = true
                }
            }
        }
        if let once, once.expiresAt > now, once.policyVersion == settings.policyVersion,
            once.catalogHash == settings.catalogHash
        {
            let expiry = once.expiresAt.formatted(.iso8601)
            for service in once.services where settings.service(service) != nil && granted[service] == nil {
                granted[service] = GrantedConsent(scope: .once, expiresAt: expiry)
            }
        }
    }
}
