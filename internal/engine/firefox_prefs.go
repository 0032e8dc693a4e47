package engine

import (
	"encoding/json"
	"fmt"
	"strings"
)

// pref is one Firefox preference for user.js.
type pref struct {
	name  string
	value any // bool, int or string
}

// firefoxPrefs returns the preferences of a test profile: every
// connection Firefox makes on its own is off (or, where a service has no
// switch, pointed at a closed loopback port), and everything else goes
// through the recording proxy at proxyHost:proxyPort, never direct; and
// site isolation is off, for CPU (see below).
func firefoxPrefs(proxyHost string, proxyPort int) []pref {
	return []pref{
		// The proxy, for every scheme; loopback stays direct.
		{"network.proxy.type", 1},
		{"network.proxy.http", proxyHost},
		{"network.proxy.http_port", proxyPort},
		{"network.proxy.ssl", proxyHost},
		{"network.proxy.ssl_port", proxyPort},
		{"network.proxy.share_proxy_settings", false},
		{"network.proxy.socks", ""},
		{"network.proxy.no_proxies_on", "localhost, 127.0.0.1, [::1]"},
		{"network.proxy.allow_hijacking_localhost", false},
		{"network.proxy.failover_direct", false},
		{"network.trr.mode", 5},
		{"network.http.http3.enable", false},

		// Speculative and background connections.
		{"network.dns.disablePrefetch", true},
		{"network.prefetch-next", false},
		{"network.predictor.enabled", false},
		{"network.http.speculative-parallel-limit", 0},
		{"browser.urlbar.speculativeConnect.enabled", false},
		{"browser.places.speculativeConnect.enabled", false},
		{"network.captive-portal-service.enabled", false},
		{"network.connectivity-service.enabled", false},
		{"captivedetect.canonicalURL", deadURL},
		{"browser.send_pings", false},

		// Updates, experiments, remote settings.
		{"app.update.disabledForTesting", true},
		{"app.update.auto", false},
		{"app.update.checkInstallTime", false},
		{"app.normandy.enabled", false},
		{"app.normandy.api_url", ""},
		{"app.shield.optoutstudies.enabled", false},
		{"messaging-system.rsexperimentloader.enabled", false},
		{"nimbus.rsexperimentloader.enabled", false},
		{"services.settings.server", "data:,#remote-settings-dummy/v1"},
		{"extensions.update.enabled", false},
		{"extensions.update.autoUpdateDefault", false},
		{"extensions.getAddons.cache.enabled", false},
		{"extensions.blocklist.enabled", false},
		{"extensions.systemAddon.update.enabled", false},
		{"extensions.systemAddon.update.url", ""},
		{"browser.search.update", false},
		{"browser.region.update.enabled", false},
		{"browser.region.network.url", ""},
		{"media.gmp-manager.url", deadURL},
		{"media.gmp-manager.updateEnabled", false},
		{"media.gmp-provider.enabled", false},
		{"media.gmp-gmpopenh264.enabled", false},
		{"media.gmp-gmpopenh264.visible", false},
		{"media.gmp-widevinecdm.enabled", false},
		{"media.gmp-widevinecdm.visible", false},
		{"media.eme.enabled", false},

		// Telemetry and reporting.
		{"toolkit.telemetry.enabled", false},
		{"toolkit.telemetry.unified", false},
		{"toolkit.telemetry.archive.enabled", false},
		{"toolkit.telemetry.server", deadURL},
		{"datareporting.healthreport.uploadEnabled", false},
		{"datareporting.policy.dataSubmissionEnabled", false},
		{"datareporting.usage.uploadEnabled", false},
		{"browser.ping-centre.telemetry", false},
		{"browser.crashReports.unsubmittedCheck.enabled", false},

		// Safe Browsing, tracking-protection lists, certificate checks.
		{"browser.safebrowsing.malware.enabled", false},
		{"browser.safebrowsing.phishing.enabled", false},
		{"browser.safebrowsing.blockedURIs.enabled", false},
		{"browser.safebrowsing.downloads.enabled", false},
		{"browser.safebrowsing.downloads.remote.enabled", false},
		{"browser.safebrowsing.provider.google.updateURL", ""},
		{"browser.safebrowsing.provider.google4.updateURL", ""},
		{"browser.safebrowsing.provider.mozilla.updateURL", ""},
		{"browser.safebrowsing.update.enabled", false},
		{"security.OCSP.enabled", 0},
		{"security.remote_settings.crlite_filters.enabled", false},
		{"security.remote_settings.intermediates.enabled", false},
		{"security.certerrors.mitm.priming.enabled", false},
		{"security.certerrors.recordEventTelemetry", false},

		// Start page, new tab, first-run and product features.
		{"browser.startup.page", 0},
		{"browser.startup.homepage", "about:blank"},
		{"browser.startup.homepage_override.mstone", "ignore"},
		{"startup.homepage_welcome_url", "about:blank"},
		{"startup.homepage_welcome_url.additional", ""},
		{"browser.aboutwelcome.enabled", false},
		{"browser.newtabpage.enabled", false},
		{"browser.newtabpage.activity-stream.feeds.system.topstories", false},
		{"browser.newtabpage.activity-stream.feeds.section.topstories", false},
		{"browser.newtabpage.activity-stream.feeds.snippets", false},
		{"browser.newtabpage.activity-stream.feeds.telemetry", false},
		{"browser.newtabpage.activity-stream.telemetry", false},
		{"browser.newtabpage.activity-stream.default.sites", ""},
		{"browser.topsites.contile.enabled", false},
		{"browser.shell.checkDefaultBrowser", false},
		{"browser.uitour.enabled", false},
		{"browser.discovery.enabled", false},
		{"browser.translations.enable", false},
		{"browser.ml.enable", false},
		{"browser.vpn_promo.enabled", false},
		{"browser.contentblocking.report.monitor.enabled", false},
		{"signon.management.page.breach-alerts.enabled", false},
		{"signon.rememberSignons", false},
		{"identity.fxaccounts.enabled", false},
		{"dom.push.enabled", false},
		{"dom.push.connection.enabled", false},
		{"geo.enabled", false},
		{"geo.provider.network.url", ""},
		{"doh-rollout.disable-heuristics", true},
		{"browser.sessionstore.resume_from_crash", false},
		{"toolkit.startup.max_resumed_crashes", -1},

		// One content process per page, not two. With site isolation
		// (Fission) a test's new tab starts in a shared content process
		// and moves to a process of its own site as it navigates, so
		// every page starts two: 0.5 CPU-s more a page here. What a
		// page can see and do is the same either way.
		{"fission.autostart", false},
	}
}

// userJS renders prefs as the lines of a user.js file.
func userJS(prefs []pref) (string, error) {
	var b strings.Builder
	for _, p := range prefs {
		v, err := json.Marshal(p.value)
		if err != nil {
			return "", fmt.Errorf("pref %s: %w", p.name, err)
		}
		fmt.Fprintf(&b, "user_pref(%q, %s);\n", p.name, v)
	}
	return b.String(), nil
}
