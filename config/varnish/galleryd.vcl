# Varnish in front of galleryd: caches what galleryd marks public (it sends `s-maxage` on
# answers that do not depend on the visitor while it purges, cache.purgeURLs), files each
# answer under the keys in galleryd's `xkey` header (cache.tagHeader) and forgets them when
# galleryd sends `PURGE` with `xkey-purge: <keys>` (cache.purgeMethod, cache.purgeHeader).
# Needs Debian's varnish-modules (vmod_xkey). README "Behind a caching proxy".
vcl 4.1;

import xkey;

backend galleryd {
    .host = "127.0.0.1";
    .port = "8080";
}

# Who may purge: galleryd's nodes. Add their addresses.
acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Forbidden"));
        }
        if (!req.http.xkey-purge) {
            return (synth(400, "xkey-purge missing"));
        }
        set req.http.n-gone = xkey.purge(req.http.xkey-purge);
        return (synth(200, "Invalidated " + req.http.n-gone + " objects"));
    }
    # The consent cookie and token make answers personal (galleryd marks them private);
    # everything else of a visitor's request is the same for all.
    if (req.http.Cookie !~ "galleryd_consent=" && !req.http.Consent-Token) {
        unset req.http.Cookie;
    }
}

sub vcl_deliver {
    # The keys are for this cache only.
    unset resp.http.xkey;
    if (obj.hits > 0) {
        set resp.http.X-Cache = "hit";
    } else {
        set resp.http.X-Cache = "miss";
    }
}
